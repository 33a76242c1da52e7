"""Rounds: their monitoring time points, and re-runs that must keep them."""

from datetime import datetime
from pathlib import Path

import pytest

import govcheck.rules.profile as profile_module
from govcheck.rounds import RoundError, classify_round, monitoring_point, parse_as_of, parse_day_start, start_round
from govcheck.store import SHANGHAI, Store

STARTED = datetime(2024, 2, 19, 8, 0, tzinfo=SHANGHAI)


def test_a_date_means_the_end_of_that_day_in_shanghai():
    assert parse_as_of("2024-02-20") == datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
    assert parse_as_of("2024-02-20T10:00:00+00:00") == datetime(2024, 2, 20, 18, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", ["2024-2-30", "20.02.2024", "yesterday", ""])
def test_other_forms_are_refused_with_the_expected_form(text):
    with pytest.raises(RoundError, match="expected YYYY-MM-DD"):
        parse_as_of(text)


def test_new_media_may_have_their_own_monitoring_time_point(store: Store):
    round_document = start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED, parse_as_of("2024-02-23"))

    assert monitoring_point(round_document, "site").date().isoformat() == "2024-02-20"
    assert monitoring_point(round_document, "account").date().isoformat() == "2024-02-23"


def test_without_one_new_media_use_the_rounds(store: Store):
    round_document = start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED)

    assert monitoring_point(round_document, "account") == monitoring_point(round_document, "site")


def test_a_rerun_keeps_the_start_and_must_keep_both_time_points(store: Store):
    start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED, parse_as_of("2024-02-23"))
    again = start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", datetime(2024, 3, 1, tzinfo=SHANGHAI), parse_as_of("2024-02-23"))

    assert again["started_at"] == STARTED
    with pytest.raises(RoundError, match="same as_of"):
        start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED, parse_as_of("2024-02-24"))


def test_the_first_day_of_inspection_is_kept_by_reruns_and_cannot_follow_the_monitoring_day(store: Store):
    first_day = parse_day_start("2024-02-19")
    start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED, inspected_from=first_day)
    again = start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED)

    assert again["inspected_from"] == first_day == datetime(2024, 2, 19, tzinfo=SHANGHAI)
    with pytest.raises(RoundError, match="after its monitoring time point"):
        start_round(store, "2024-2", parse_as_of("2024-02-20"), "national-2019", STARTED, inspected_from=parse_day_start("2024-02-21"))
    with pytest.raises(RoundError, match="expected a day"):
        parse_day_start("19.02.2024")


@pytest.mark.parametrize("round_id", ["2024", "2024-0", "24-1", "2024-1a"])
def test_round_ids_are_year_and_number(store: Store, round_id):
    with pytest.raises(RoundError, match="expected YEAR-N"):
        start_round(store, round_id, parse_as_of("2024-02-20"), "national-2019", STARTED)


def test_an_unknown_profile_is_refused_before_anything_is_stored(store: Store):
    from govcheck.rules import ProfileError

    with pytest.raises(ProfileError):
        start_round(store, "2024-1", parse_as_of("2024-02-20"), "provincial-2031", STARTED)
    assert store.get_round("2024-1") is None


@pytest.mark.parametrize("text", ["2024-02-20", "20240220", "2024-W08-2", "2024W082", " 20240220 "])
def test_every_form_of_a_day_means_the_end_of_that_day(text):
    assert parse_as_of(text) == datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20240220T101500", datetime(2024, 2, 20, 10, 15, tzinfo=SHANGHAI)),
        ("2024-02-20T00:00", datetime(2024, 2, 20, 0, 0, tzinfo=SHANGHAI)),
        ("2024-02-20 23:00+00:00", datetime(2024, 2, 21, 7, 0, tzinfo=SHANGHAI)),
    ],
)
def test_a_date_time_keeps_its_time(text, expected):
    assert parse_as_of(text) == expected


@pytest.mark.parametrize("text", ["2024-W08", "2024W08"])
def test_a_week_without_its_day_is_refused(text):
    with pytest.raises(RoundError, match=rf"as_of '{text}': a week, not a day"):
        parse_as_of(text)


def test_a_profile_file_is_recorded_by_its_absolute_path(store: Store, tmp_path, monkeypatch):
    shipped = Path(profile_module.__file__).parent / "profiles" / "national-2019.yaml"
    office = tmp_path / "office"
    office.mkdir()
    (office / "weinan.yaml").write_text(shipped.read_text(encoding="utf-8").replace("name: national-2019", "name: weinan-2024"), encoding="utf-8")
    monkeypatch.chdir(office)
    round_document = start_round(store, "2024-1", parse_as_of("2024-02-20"), "weinan.yaml", STARTED)

    assert round_document["profile"] == str((office / "weinan.yaml").resolve())
    assert store.get_round("2024-1")["profile"] == round_document["profile"]
    monkeypatch.chdir(tmp_path)  # classified, rechecked or reported from another folder
    assert classify_round(store, "2024-1") == []


def test_a_round_records_its_profiles_own_name_for_the_reports(store: Store, tmp_path):
    custom = tmp_path / "my-city.yaml"
    custom.write_text("extends: national-2019\nname: weinan-2024\n", encoding="utf-8")
    assert start_round(store, "2024-1", parse_as_of("2024-02-20"), str(custom), STARTED)["profile_name"] == "weinan-2024"
    assert start_round(store, "2024-2", parse_as_of("2024-05-20"), "national-2019", STARTED)["profile_name"] == "national-2019"


def test_a_shipped_profile_is_recorded_by_its_name(store: Store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert start_round(store, "2024-1", parse_as_of("2024-02-20"), "national-2019", STARTED)["profile"] == "national-2019"

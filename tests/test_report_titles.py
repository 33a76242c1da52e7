"""How reports name rounds and inspection days, as the Weinan notice prints them."""

from __future__ import annotations

import time
import unicodedata
from datetime import date, datetime, timezone

import pytest

from govcheck.report.titles import chinese_number, inspection_days, local_day, period_text, relative_round_name, round_name
from govcheck.rounds import RoundError
from seed_round import moment, round_document


@pytest.mark.parametrize("number, words", [(1, "一"), (4, "四"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九")])
def test_round_numbers_are_written_in_chinese(number, words):
    assert chinese_number(number) == words


def test_a_round_title_names_its_year_and_number():
    assert round_name("2024-1") == "2024年第一次"
    assert round_name("2023-12") == "2023年第十二次"


@pytest.mark.parametrize("other, current, words", [
    ("2023-4", "2024-1", "去年第四次"),
    ("2024-1", "2024-2", "本年第一次"),
    ("2022-4", "2024-1", "前年第四次"),
    ("2021-4", "2024-1", "2021年第四次"),
])
def test_the_previous_round_is_named_from_the_reported_year(other, current, words):
    assert relative_round_name(other, current) == words


def test_a_round_id_that_is_not_year_and_number_is_refused():
    with pytest.raises(RoundError, match="expected YEAR-N"):
        round_name("2024-Q1")


def test_the_inspection_periods_are_those_of_the_notice():
    seed = round_document()
    sites, accounts = (period_text(*inspection_days(seed, kind)) for kind in ("site", "account"))
    # the notice as published, full-width punctuation folded as in its text
    assert unicodedata.normalize("NFKC", sites) == "(检查时间:2月19日——2月20日)"
    assert unicodedata.normalize("NFKC", accounts) == "(检查时间:2月23日)"


def test_a_round_run_long_after_its_monitoring_day_was_inspected_on_that_day():
    rerun = {**round_document(), "started_at": moment("2026-11-30T10:00:00")}
    assert inspection_days(rerun, "site") == (date(2024, 2, 20), date(2024, 2, 20))


def test_a_round_given_its_first_day_of_inspection_prints_it_whenever_it_was_crawled():
    rerun = {**round_document(), "started_at": moment("2026-11-30T10:00:00"), "inspected_from": moment("2024-02-19T00:00:00")}
    assert inspection_days(rerun, "site") == (date(2024, 2, 19), date(2024, 2, 20))


def test_new_media_without_their_own_time_point_share_the_websites_days():
    same_day = {**round_document(), "media_as_of": None}
    assert inspection_days(same_day, "account") == (date(2024, 2, 19), date(2024, 2, 20))


def test_a_naive_moment_is_a_shanghai_day_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert local_day(datetime(2024, 2, 20, 23, 30)) == date(2024, 2, 20)
        assert local_day(datetime(2024, 2, 20, 16, 30, tzinfo=timezone.utc)) == date(2024, 2, 21)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

"""Observations: one dataclass per kind, stored documents that keep their shape, a schema a new
observation must pass, and docs/schema.md naming exactly the fields the dataclasses hold."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from govcheck.observations import (
    OBSERVATION_KINDS,
    AccountObservation,
    ColumnObservation,
    HomeObservation,
    Observation,
    ObservationError,
    ProbeObservation,
)

SCHEMA = Path(__file__).parents[1] / "docs" / "schema.md"
PAGE_KINDS = ("home", "column")
AT = datetime(2024, 3, 1, 10, tzinfo=timezone.utc)


# -- docs/schema.md ---------------------------------------------------------------------------


def observations_section() -> str:
    text = SCHEMA.read_text(encoding="utf-8")
    start = text.index("## observations")
    return text[start : text.index("\n## ", start + 1)]


def table_rows(section: str, header: str) -> list[list[str]]:
    """The cells of each row of the table whose header row starts with ``header``."""
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in split_outside(line.strip().strip("|"), "|")])
    return rows


def split_outside(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` where it stands outside brackets and `code`."""
    parts, depth, in_code, current = [], 0, False, ""
    for char in text:
        if char == "`":
            in_code = not in_code
        elif not in_code and char in "([{（":
            depth += 1
        elif not in_code and char in ")]}）":
            depth -= 1
        elif not in_code and depth == 0 and char == separator:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def named(cell: str) -> set[str]:
    """The fields a cell names at its top level: each comma-separated item opening with `field`."""
    return {
        match.group(1)
        for item in split_outside(cell, ",")
        if (match := re.match(r"\s*`([a-z_]+)(?:\[\])?`", item))
    }


def documented_fields() -> dict[str, set[str]]:
    """Per kind, the fields docs/schema.md describes: its row of the kinds table, and for home
    and column pages the rows of the page table that name it."""
    section = observations_section()
    fields = {row[0].strip("`"): named(row[2]) for row in table_rows(section, "| kind | key | fields |")}
    for name_cell, kinds_cell, _meaning in table_rows(section, "| field | kinds | meaning |"):
        for kind in re.findall(r"`([a-z]+)`", kinds_cell):
            fields[kind] |= named(name_cell)
    return fields


def test_schema_md_describes_every_kind_and_no_other():
    assert set(documented_fields()) == set(OBSERVATION_KINDS)


@pytest.mark.parametrize("kind", sorted(OBSERVATION_KINDS))
def test_schema_md_names_exactly_the_fields_of_each_kind(kind):
    in_code = set(OBSERVATION_KINDS[kind]().schema_fields())
    in_docs = documented_fields()[kind]
    assert (sorted(in_code - in_docs), sorted(in_docs - in_code)) == ([], [])


def test_the_page_table_names_only_home_and_column():
    kinds = {
        kind
        for _name, kinds_cell, _meaning in table_rows(observations_section(), "| field | kinds | meaning |")
        for kind in re.findall(r"`([a-z]+)`", kinds_cell)
    }
    assert kinds == set(PAGE_KINDS)


# -- documents ----------------------------------------------------------------------------------


def stored_column(**fields) -> dict:
    return {
        "round": "2024-1", "target_key": "site:渭南市民政局", "kind": "column", "key": "通知公告",
        "run": "run-1", "column_type": "工作动态", "url": "http://a.example/tzgg/", "fetched_at": AT,
        "status": 200, "method": "generic", "state": "entries", "entries": [], "newest_date": AT, "error": "",
        **fields,
    }


def test_a_stored_document_loads_as_its_kind_and_is_written_back_as_it_was():
    document = stored_column(unanswered=[{"title": "问"}])  # a derived field older rounds stored
    observation = Observation.from_document(document)
    assert isinstance(observation, ColumnObservation)
    assert observation.extra == {"unanswered": [{"title": "问"}]}
    assert observation.to_document() == {**document, "column_name": "", "discovered": False}


def test_an_optional_field_left_empty_is_not_written():
    probe = ProbeObservation(round="2024-1", target_key="site:x", key="probe-1", url="http://x.gov.cn/", ok=True)
    document = probe.to_document()
    assert "network_witness" not in document and "run" not in document
    assert document["ok"] is True and document["kind"] == "probe"


def test_a_rendered_page_records_its_screenshot_even_when_none_was_kept():
    home = HomeObservation(round="2024-1", target_key="site:x", key="home", url="http://x.gov.cn/", state="entries",
                           renderer="playwright", screenshot=None)
    assert home.to_document()["screenshot"] is None


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown kind of observation 'video'"):
        Observation.from_document({"kind": "video", "key": "v"})


# -- validation -------------------------------------------------------------------------------


def test_a_well_formed_observation_passes():
    Observation.from_document(stored_column()).validate()


@pytest.mark.parametrize(
    "change, field, problem",
    [
        ({"state": ""}, "state", "is missing"),
        ({"column_type": ""}, "column_type", "is missing"),
        ({"state": "blank"}, "state", "is not"),
        ({"status": "200"}, "status", "is not"),
        ({"fetched_at": datetime(2024, 3, 1, 10)}, "fetched_at", "has no time zone"),
        ({"round": ""}, "round", "is empty"),
        ({"unanswered": []}, "unanswered", "is not in the schema"),
    ],
)
def test_a_malformed_observation_is_refused_naming_its_target_kind_key_and_field(change, field, problem):
    observation = Observation.from_document(stored_column(**change))
    with pytest.raises(ObservationError) as refused:
        observation.validate()
    assert refused.value.field == field
    assert problem in str(refused.value)
    assert str(refused.value).startswith("column observation '通知公告' of site:渭南市民政局: field")


def test_an_account_may_carry_its_platforms_own_evidence():
    account = AccountObservation(round="2024-1", target_key="account:微博:渭南发布", key="account", source="weibo-api",
                                 fetched_at=AT, extra={"uid": "123", "followers": 10})
    account.validate()
    assert account.to_document()["uid"] == "123"


def test_a_probe_without_an_answer_records_ok_as_none():
    probe = ProbeObservation(round="2024-1", target_key="site:x", key="probe-1", url="http://x.gov.cn/", ok=None,
                             error="timeout")
    probe.validate()
    assert probe.to_document()["ok"] is None

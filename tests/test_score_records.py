"""Inspectors' records of 扣分 items (sheet 评分记录) and how they complete a score: an item left to
an inspector, or one the crawler could not measure this round, is missing until recorded; a
record of an item the crawler did measure is left aside."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govcheck.report.summary import TargetResult, score_cell
from govcheck.rules import assess, load_profile
from govcheck.score_records import COLUMNS, SHEET, load_score_records
from govcheck.table_reader import TableFileError
from govcheck.templates import write_score_records_template

try:
    from tablefiles import write_xlsx
except ImportError:  # tests/ made a package
    from tests.tablefiles import write_xlsx

AS_OF = datetime(2024, 2, 20, 15, 59, 59, tzinfo=timezone.utc)
RECORDED = datetime(2024, 2, 21, 2, 0, tzinfo=timezone.utc)
SITE = {"key": "site:渭南市教育局", "kind": "site", "name": "渭南市教育局", "url": "http://jyj.weinan.gov.cn/",
        "category": "市政府工作部门及派出机构网站", "columns": []}


@pytest.fixture(scope="module")
def profile():
    return load_profile("national-2019")


def record(item: str, points: float, note: str = "人工检查") -> dict:
    return {"kind": "score", "round": "2024-1", "target_key": SITE["key"], "key": f"score:{item}", "item": item,
            "points": points, "note": note, "inspector": "张三", "recorded_at": RECORDED, "manual": True}


def test_the_template_is_an_empty_sheet_with_the_columns(tmp_path: Path):
    workbook = load_workbook(write_score_records_template(tmp_path / "scores.xlsx"))
    assert workbook.sheetnames == [SHEET]
    assert [c.value for c in workbook[SHEET][1]] == list(COLUMNS)


def test_records_load_by_item_name_or_code_into_score_observations(tmp_path: Path, profile):
    path = tmp_path / "scores.xlsx"
    write_xlsx(path, {SHEET: [list(COLUMNS), ["渭南市教育局", "概况信息", 5, "机构职能未更新", "张三"],
                              ["渭南市教育局", "site.inspector.ipv6", "0", "", "李四"]]})
    documents = load_score_records(path, {SITE["key"]}, profile, RECORDED)
    assert [(d["key"], d["item"], d["points"], d["note"], d["inspector"]) for d in documents] == [
        ("score:site.inspector.overview", "site.inspector.overview", 5.0, "机构职能未更新", "张三"),
        ("score:site.inspector.ipv6", "site.inspector.ipv6", 0.0, "", "李四")]


def test_a_record_above_the_items_cap_is_refused(tmp_path: Path, profile):
    path = tmp_path / "scores.xlsx"
    write_xlsx(path, {SHEET: [list(COLUMNS), ["渭南市教育局", "办事指南要素", 30, "缺要素", "张三"]]})
    with pytest.raises(TableFileError) as raised:
        load_score_records(path, {SITE["key"]}, profile, RECORDED)
    assert "办事指南要素最多扣 25 分，填了 30" in str(raised.value)


def test_inspector_items_are_missing_until_recorded_and_a_record_with_points_deducts(profile):
    inspector_items = [i for i in profile.score_items("websites") if i.by == "inspector"]
    unrecorded = assess(SITE, [], AS_OF, profile)
    # a department without services to offer is not examined on 在线办理
    assert {i.name for i in inspector_items} - {"在线办理"} <= set(unrecorded.score_missing)
    assert "在线办理" not in unrecorded.score_missing
    records = [record(i.code, 0) for i in inspector_items] + [record("site.inspector.overview", 20)]
    recorded = assess(SITE, records, AS_OF, profile)
    assert not {i.name for i in inspector_items} & set(recorded.score_missing)
    [overview] = [f for f in recorded.findings if f.code == "site.inspector.overview"]
    assert (overview.severity, overview.points, overview.label, overview.evidence["inspector"]) == ("deduct", 20.0, "概况信息扣20分", "张三")


def test_a_crawler_item_is_recorded_only_where_the_crawler_could_not_measure_it(profile):
    # no probe at all: 首页可用性 unmeasured, so the inspector's record of it counts
    with_record = assess(SITE, [record("site.reachability.home", 5)], AS_OF, profile)
    assert "首页可用性" not in with_record.score_missing
    assert [f.points for f in with_record.findings if f.code == "site.reachability.home"] == [5.0]
    # a week of visits measured it: the record is left aside
    week = [{"kind": "probe", "key": f"probe-{n}", "round": "2024-1", "target_key": SITE["key"], "url": SITE["url"],
             "ok": True, "status": 200, "fetched_at": datetime(2024, 2, 15, tzinfo=timezone.utc)} for n in range(140)]
    measured = assess(SITE, [*week, record("site.reachability.home", 5)], AS_OF, profile)
    assert [f for f in measured.findings if f.code == "site.reachability.home"] == []
    assert "首页可用性" not in measured.score_missing


def test_the_score_cell_says_what_is_missing_and_never_prints_a_number_that_looks_final():
    missing = TargetResult(key="site:a", kind="site", name="a", category="", platform="", district="", verdict="合格",
                           score=97.0, labels="", findings=(), score_missing=("概况信息", "首页可用性"))
    assert score_cell(missing) == "评分未完成（缺：概况信息、首页可用性）"
    complete = TargetResult(key="site:a", kind="site", name="a", category="", platform="", district="", verdict="合格",
                            score=97.0, labels="", findings=())
    assert score_cell(complete) == 97.0


def test_a_vetoed_target_has_no_score(profile):
    never_answered = [{"kind": "probe", "key": f"probe-{n}", "round": "2024-1", "target_key": SITE["key"], "url": SITE["url"],
                       "ok": False, "status": 503, "error": "HTTP 503",
                       "fetched_at": datetime(2024, 2, 20, 8, 0, tzinfo=timezone.utc).replace(minute=15 * n)} for n in range(3)]
    result = assess(SITE, never_answered, AS_OF, profile)
    assert (result.verdict, result.score) == ("不合格", None)

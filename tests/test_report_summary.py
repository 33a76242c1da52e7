"""The numbers and rows every report prints, read from a stored round (both stores)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govcheck.report.summary import (
    RoundReport,
    Tally,
    TargetResult,
    attachment_rows,
    attachment_tables,
    change_points,
    change_text,
    load_round_report,
    load_round_results,
    percent,
    percent_text,
    problem_counts,
    review_rows,
    score_cell,
)
from govcheck.rounds import RoundError
from govcheck.store import Store
from seed_round import ATTACHMENT_1, ATTACHMENT_2, PREVIOUS, ROUND, SITE_CATEGORY_COUNTS, moment, store_round, store_verdict
from support import open_store, store_environment


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The notice's round and the round before it (1,000 documents: the embedded store; the
    small rounds below run on both stores)."""
    with store_environment("embedded", tmp_path_factory.mktemp("seed")) as environment:
        store = open_store(environment)
        store_round(store)
        yield store


@pytest.fixture(scope="module")
def report(seeded: Store) -> RoundReport:
    return load_round_report(seeded, ROUND, PREVIOUS)


# -- rates and changes as the notice prints them ---------------------------------------------------


@pytest.mark.parametrize("passed, judged, printed", [(47, 51, "92.2%"), (437, 470, "93%"), (45, 51, "88.2%"), (428, 470, "91.1%"), (51, 51, "100%")])
def test_rates_have_one_decimal_and_no_trailing_zero(passed, judged, printed):
    assert percent_text(percent(passed, judged)) == printed


def test_rates_round_half_up_on_exact_decimals():
    assert percent(1, 16) == Decimal("6.3")  # 6.25: half up, not to even
    assert percent(1, 3) == Decimal("33.3")


def test_no_judged_target_means_no_rate():
    assert percent(0, 0) is None and percent_text(None) == "—"


@pytest.mark.parametrize("now, before, printed", [
    ((47, 51), (45, 51), "提升4%"),  # 92.2 − 88.2
    ((437, 470), (428, 470), "提升1.9%"),  # 93.0 − 91.1
    ((45, 51), (47, 51), "下降4%"),
    ((1, 2), (2, 4), "持平"),
])
def test_the_change_is_the_difference_of_the_printed_rates(now, before, printed):
    assert change_text(change_points(percent(*now), percent(*before))) == printed


# -- counts of the stored round --------------------------------------------------------------------


def test_the_stored_round_gives_the_notices_counts(report: RoundReport):
    assert report.tally("site") == Tally(total=51, passed=47, failed=4, review=0)
    assert report.tally("account") == Tally(total=470, passed=437, failed=33, review=0)
    assert (percent_text(report.tally("site").rate), change_text(report.change("site"))) == ("92.2%", "提升4%")
    assert (percent_text(report.tally("account").rate), change_text(report.change("account"))) == ("93%", "提升1.9%")


def test_websites_are_counted_by_category_in_the_notices_order(report: RoundReport):
    assert {c: t.total for c, t in report.by_category("site").items()} == SITE_CATEGORY_COUNTS
    assert list(report.by_category("site")) == list(SITE_CATEGORY_COUNTS)


def test_without_a_previous_round_there_is_no_change(seeded: Store):
    alone = load_round_report(seeded, ROUND)
    assert alone.change("site") is None and alone.previous_tally("site") is None


def test_an_unknown_round_is_refused_plainly(seeded: Store):
    with pytest.raises(RoundError, match="2019-1 does not exist"):
        load_round_report(seeded, "2019-1")


# -- the attachments -------------------------------------------------------------------------------


def test_attachment_1_reproduces_the_notice_failures_first_in_register_order(report: RoundReport):
    # the register lists the two noted passes before the failures, and passing sites between them
    rows = [row.cells() for row in attachment_rows(report.current.results, "site")]
    assert rows == [(number, *row) for number, row in enumerate(ATTACHMENT_1, start=1)]


def test_attachment_2_reproduces_the_notice(report: RoundReport):
    rows = [row.cells() for row in attachment_rows(report.current.results, "account")]
    assert rows == [(number, *row) for number, row in enumerate(ATTACHMENT_2, start=1)]


def test_the_attachments_carry_the_notices_titles(report: RoundReport):
    first, second = attachment_tables(report)
    assert (first.label, first.title, first.columns) == ("附件1", "2024年第一次政府网站全面检查情况汇总表", ("序号", "网站名称", "检查结果", "突出问题"))
    assert (second.label, second.title, second.columns) == ("附件2", "2024年第一次政务新媒体全面检查情况汇总表", ("序号", "账号名称", "账号类型", "检查结果", "备注"))


def test_problems_are_counted_by_indicator_without_their_particulars(report: RoundReport):
    counts = dict(problem_counts(report.current.results))
    # 龙首渠 is printed 已改名(洛惠渠)系统中未改: the same indicator all the same
    assert (counts["14天未更新"], counts["已改名系统中未改名"], counts["多个栏目更新不及时"], counts["长期无更新"]) == (11, 5, 3, 2)


# -- small rounds, on both stores -------------------------------------------------------------------


def site(name: str, row: int | None, category: str = "县级部门网站") -> dict[str, Any]:
    source = {"file": "targets.xlsx", "sheet": "网站", "row": row} if row else None
    return {"key": f"site:{name}", "kind": "site", "name": name, "category": category, "district": "韩城市",
            **({"source": source} if source else {})}


REVIEW_REASON = "栏目通知公告（http://127.0.0.1:9/tzgg/）读取失败（failed: timeout）"


def store_small_round(store: Store) -> None:
    """Four registered websites (one failing, one under review) and one that left the register."""
    store.save_round({"round": ROUND, "as_of": moment("2024-02-20T23:59:59"), "profile": "national-2019", "status": "finished"})
    store.save_round({"round": PREVIOUS, "as_of": moment("2023-11-20T23:59:59"), "profile": "national-2019", "status": "finished"})
    registered = [site("乙局", 3), site("甲局", 2), site("丙局", 4), site("丁局", 5)]
    for target in registered:
        store.upsert("targets", target)
    store_verdict(store, ROUND, registered[0], "合格", "")
    store_verdict(store, ROUND, registered[1], "合格", "个别栏目更新不及时", [{"code": "site.columns.stale", "label": "个别栏目更新不及时", "severity": "note"}])
    store_verdict(store, ROUND, registered[2], "不合格", "首页不更新", [{"code": "site.home.stale", "label": "首页不更新", "severity": "veto"}])
    store_verdict(store, ROUND, registered[3], "待人工复核", REVIEW_REASON, [
        {"code": "site.columns.review:通知公告", "label": "栏目更新情况待人工复核", "severity": "review", "reason": REVIEW_REASON}])
    store_verdict(store, ROUND, site("已撤销局", None), "不合格", "站点无法访问",
                  [{"code": "site.availability.unreachable", "label": "站点无法访问", "severity": "veto"}])
    for target in registered:
        store_verdict(store, PREVIOUS, target, "不合格", "")


def test_a_small_round_reads_the_same_from_either_store(store: Store):
    store_small_round(store)
    report = load_round_report(store, ROUND, PREVIOUS)
    results = report.current.results
    assert [r.name for r in results] == ["甲局", "乙局", "丙局", "丁局", "已撤销局"]  # register order, unregistered last
    assert [len(r.findings) for r in results] == [1, 0, 1, 1, 1]
    assert report.tally("site") == Tally(total=5, passed=2, failed=2, review=1)
    assert report.previous_tally("site") == Tally(total=4, passed=0, failed=4, review=0)
    assert change_text(report.change("site")) == "提升50%"


def test_a_target_under_review_is_listed_apart_and_left_out_of_the_rate(store: Store):
    store_small_round(store)
    report = load_round_report(store, ROUND)
    assert percent_text(report.tally("site").rate) == "50%"  # 2 of the 4 judged
    [row] = review_rows(report.current.results)
    assert (row.target.name, row.reasons) == ("丁局", (REVIEW_REASON,))
    listed = [(r.target.name, r.target.verdict) for r in attachment_rows(report.current.results, "site")]
    assert listed == [("丙局", "不合格"), ("已撤销局", "不合格"), ("甲局", "合格")]


def test_only_the_verdicts_asked_for_are_read(store: Store):
    store_small_round(store)
    failed = load_round_results(store, ROUND, verdict="不合格")
    assert [(r.name, [f["code"] for f in r.findings]) for r in failed.results] == [
        ("丙局", ["site.home.stale"]), ("已撤销局", ["site.availability.unreachable"])]


def scored(verdict: str, score: float | None, *severities: str) -> TargetResult:
    findings = tuple({"code": f"rule.{n}", "label": f"问题{n}", "severity": severity} for n, severity in enumerate(severities))
    return TargetResult(key="site:x", kind="site", name="x", category="县级部门网站", platform="", district="",
                        verdict=verdict, score=score, labels="", findings=findings)


@pytest.mark.parametrize(("result", "printed"), [
    (scored("合格", 100.0), 100.0),
    (scored("合格", 96.0, "deduct", "note"), 96.0),
    (scored("不合格", 50.0, "deduct"), 50.0),  # failed on points: the score is why
    (scored("不合格", 100.0, "veto"), "单项否决"),  # never 得分 100 beside 不合格
    (scored("不合格", 90.0, "veto", "deduct"), "单项否决"),
    (scored("不合格", 100.0), None),  # neither a veto nor points explain it: no score to print
    (scored("待人工复核", 100.0, "review"), None),  # its checks are incomplete
    (scored("合格", None), None),  # a recorded round keeps no score
])
def test_a_score_is_printed_only_where_it_was_computed(result: TargetResult, printed: Any):
    assert score_cell(result) == printed

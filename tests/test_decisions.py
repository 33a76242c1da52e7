"""Inspectors' decisions on targets in 待人工复核 (govcheck.decisions): appended, never changed;
the latest one settles the review it was made on, and only that."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from govcheck.decisions import DecisionError, apply_decision, latest_decisions, record_decision
from govcheck.rules import Assessment, Finding, load_profile
from govcheck.store import SHANGHAI, Store

PROFILE = load_profile("national-2019")
ROUND, KEY = "2024-1", "site:渭南市民政局"
MOMENT = datetime(2024, 2, 21, 9, 30, tzinfo=SHANGHAI)


def review(code: str = "site.home.review", reason: str = "本轮未读取首页http://www.weinan.gov.cn/") -> Finding:
    return Finding(code, "首页更新情况待人工复核", "review", {"code": code, "threshold": {}},
                   {"url": "http://www.weinan.gov.cn/", "fetched_at": MOMENT}, reason)


NOTE = Finding("site.columns.stale", "个别栏目更新不及时", "note", {"code": "site.columns.stale", "threshold": {}}, {})


def in_review(*findings: Finding) -> Assessment:
    return Assessment(KEY, "待人工复核", 100.0, "；".join(f.reason for f in findings if f.reason), findings)


def decision(outcome: str, settles: list[str], label: str = "", inspector: str = "张三") -> dict:
    return {"id": "d1", "outcome": outcome, "label": label, "reason": "人工打开首页核查", "inspector": inspector,
            "decided_at": MOMENT, "settles": settles}


def test_a_pass_settles_the_review_and_names_the_inspector_beside_the_notes():
    settled = apply_decision(in_review(review(), NOTE), decision("合格", ["site.home.review"]), PROFILE, "site")
    assert (settled.verdict, settled.labels) == ("合格", "个别栏目更新不及时,人工复核（张三）")
    assert [(f.code, f.severity) for f in settled.findings] == [("site.columns.stale", "note"), ("review.decision", "decision")]
    evidence = settled.findings[-1].evidence
    assert evidence["decided_by"] == "张三" and evidence["settled"] == ["本轮未读取首页http://www.weinan.gov.cn/"]
    assert evidence["reviewed"][0]["evidence"]["url"] == "http://www.weinan.gov.cn/"  # the pages looked at stay linked


def test_a_failure_is_a_veto_with_the_inspectors_label():
    settled = apply_decision(in_review(review()), decision("不合格", ["site.home.review"], label="首页不更新"), PROFILE, "site")
    assert (settled.verdict, settled.labels) == ("不合格", "首页不更新,人工复核（张三）")
    assert [(f.label, f.severity) for f in settled.findings] == [("首页不更新", "veto")]


def test_still_open_and_no_decision_leave_the_review():
    assessment = in_review(review())
    assert apply_decision(assessment, decision("待人工复核", ["site.home.review"]), PROFILE, "site") is assessment
    assert apply_decision(assessment, None, PROFILE, "site") is assessment


def test_a_reason_for_doubt_the_inspector_did_not_see_is_not_settled():
    assessment = in_review(review(), review("site.columns.review", "本轮未读取栏目通知公告"))
    assert apply_decision(assessment, decision("合格", ["site.home.review"]), PROFILE, "site") is assessment


def test_a_verdict_the_rules_reached_is_not_overturned():
    judged = Assessment(KEY, "不合格", 100.0, "首页不更新", (Finding("site.home.stale", "首页不更新", "veto", {}, {}),))
    assert apply_decision(judged, decision("合格", ["site.home.review"]), PROFILE, "site") is judged


def test_decisions_are_appended_and_the_latest_counts(store: Store):
    store.save_round({"round": ROUND, "as_of": MOMENT, "profile": "national-2019"})
    store.save_assessment(ROUND, {"target_key": KEY, "verdict": "待人工复核", "labels": "本轮未读取首页"}, [review().to_document()])
    first = record_decision(store, ROUND, KEY, "不合格", "张三", "首页打不开", MOMENT, label="首页不更新")
    second = record_decision(store, ROUND, KEY, "合格", " 李四 ", "复查：首页2月19日有更新", MOMENT + timedelta(hours=1))
    stored = store.find("decisions", {"round": ROUND}, sort=[("decided_at", 1)])
    assert [(d["id"], d["inspector"], d["outcome"], d["before"]["verdict"], d["after"]["verdict"]) for d in stored] == [
        (first["id"], "张三", "不合格", "待人工复核", "不合格"), (second["id"], "李四", "合格", "待人工复核", "合格")]
    assert stored[0]["settles"] == ["site.home.review"] and stored[0]["label"] == "首页不更新"
    assert latest_decisions(store, ROUND)[KEY]["id"] == second["id"]


def test_a_decision_without_its_name_reason_or_label_is_refused(store: Store):
    store.save_round({"round": ROUND, "as_of": MOMENT, "profile": "national-2019"})
    store.save_assessment(ROUND, {"target_key": KEY, "verdict": "待人工复核", "labels": ""}, [review().to_document()])
    store.save_assessment(ROUND, {"target_key": "site:other", "verdict": "合格", "labels": ""}, [])
    for arguments, said in [
        (("合格", "", "看过了"), "检查人"), (("合格", "张三", " "), "理由"), (("不合格", "张三", "看过了"), "问题"),
        (("通过", "张三", "看过了"), "通过"),
    ]:
        with pytest.raises(DecisionError, match=said):
            record_decision(store, ROUND, KEY, *arguments, MOMENT)
    with pytest.raises(DecisionError, match="nothing to review"):
        record_decision(store, ROUND, "site:other", "合格", "张三", "看过了", MOMENT)
    assert store.count("decisions") == 0

"""The 扣分 score over a round crawled over real HTTP: printed only once every item is measured
or recorded, 不合格 (得分低于60分) when that complete score is under 60, and an inspector's
records of the items the crawler cannot measure imported from their table (``govcheck observe
scores``), with bad rows refused before anything is stored."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from govcheck.report.summary import load_round_report, score_cell
from govcheck.rules import load_profile
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas.targets import site_rows
from support import REPLICA, SHORT_PROBE_SPAN_PROFILE, govcheck, open_store, store_environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROUND = "2024-1"
DEPARTMENT = "渭南市发展和改革委员会"  # fresh-trs: a department, no services to offer by its category
PORTAL = "渭南市人民政府"  # interaction: a city portal, which must offer services


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("score-round")
    with store_environment("embedded", folder) as env, ReplicaServer(REPLICA / "sites") as server:
        sites, columns = site_rows(REPLICA, server.url)
        register = {"网站": [s for s in sites if s["网站名称"] in (DEPARTMENT, PORTAL)],
                    "栏目": [c for c in columns if c["网站名称"] in (DEPARTMENT, PORTAL)]}
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
        assert govcheck(env, "targets", "import", str(targets_file)).returncode == 0
        ran = govcheck(env, "run", "--round", ROUND, "--as-of", "2024-02-20", "--profile", str(SHORT_PROBE_SPAN_PROFILE),
                       "--set", "GOVCHECK_PROBE_TIMEOUT=5", "--set", "DOWNLOAD_TIMEOUT=3", timeout=900)
        assert ran.returncode == 0, ran.stderr[-4000:]
        yield {"env": env, "store": open_store(env), "folder": folder}


def verdict(crawled: Any, name: str) -> dict[str, Any]:
    return crawled["store"].find("verdicts", {"round": ROUND, "target_key": f"site:{name}"})[0]


def result(crawled: Any, name: str) -> Any:
    return next(r for r in load_round_report(crawled["store"], ROUND).current.results if r.name == name)


def records_file(crawled: Any, rows: list[dict[str, Any]], name: str) -> Any:
    path = crawled["folder"] / name
    path.write_text(yaml.safe_dump({"评分记录": rows}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_crawled_round_leaves_the_inspectors_items_and_a_weeks_availability_unscored(crawled):
    profile = load_profile(str(SHORT_PROBE_SPAN_PROFILE))
    inspector_items = [i.name for i in profile.score_items("websites") if i.by == "inspector"]
    portal, department = verdict(crawled, PORTAL), verdict(crawled, DEPARTMENT)
    assert "首页可用性" in department["score_missing"]  # three visits are no week's ratio
    assert set(inspector_items) <= set(portal["score_missing"])
    # 在线办理 is a 办事服务 item: a department without services to offer is not examined on it
    assert "在线办理" not in department["score_missing"] and "在线办理" in portal["score_missing"]
    cell = score_cell(result(crawled, DEPARTMENT))
    assert isinstance(cell, str) and cell.startswith("评分未完成（缺：") and "首页可用性" in cell


def test_a_bad_records_file_is_refused_naming_row_and_column_and_nothing_is_stored(crawled):
    before = verdict(crawled, DEPARTMENT)
    bad = records_file(crawled, [
        {"网站名称": DEPARTMENT, "扣分项": "概况信息", "扣分": 5, "说明": "机构职能未更新", "检查人": "张三"},
        {"网站名称": DEPARTMENT, "扣分项": "网站颜色", "扣分": 2, "说明": "x", "检查人": "张三"},
        {"网站名称": "不存在的网站", "扣分项": "解读回应", "扣分": 1, "说明": "x", "检查人": "张三"},
        {"网站名称": DEPARTMENT, "扣分项": "解读回应", "扣分": -3, "说明": "x", "检查人": "张三"},
        {"网站名称": DEPARTMENT, "扣分项": "留言办理", "扣分": 4, "说明": "", "检查人": "张三"},
        {"网站名称": DEPARTMENT, "扣分项": "概况信息", "扣分": 0, "说明": "", "检查人": "李四"},
    ], "bad.yaml")
    refused = govcheck(crawled["env"], "observe", "scores", str(bad), "--round", ROUND)
    assert refused.returncode == 1
    for words in ("第 2 条, 列 扣分项", "网站颜色 不是本轮规则的扣分项", "不存在的网站 不在检查对象中", "第 4 条, 列 扣分", "扣分时须写明原因", "与第 1 行重复"):
        assert words in refused.stderr + refused.stdout, words
    assert crawled["store"].find("observations", {"round": ROUND, "kind": "score"}) == []
    assert verdict(crawled, DEPARTMENT)["score_missing"] == before["score_missing"]


def test_recording_every_missing_item_completes_the_score_and_under_60_fails_the_site(crawled):
    missing = verdict(crawled, DEPARTMENT)["score_missing"]
    points = {"首页可用性": 5, "概况信息": 20, "解读回应": 20}
    rows = [{"网站名称": DEPARTMENT, "扣分项": item, "扣分": points.get(item, 0), "说明": "人工检查" if points.get(item) else "",
             "检查人": "张三"} for item in missing]
    imported = govcheck(crawled["env"], "observe", "scores", str(records_file(crawled, rows, "scores.yaml")), "--round", ROUND)
    assert imported.returncode == 0, imported.stderr
    settled = verdict(crawled, DEPARTMENT)
    assert settled["score_missing"] == []
    assert settled["verdict"] == "不合格" and settled["labels"].startswith("得分低于60分")
    assert settled["score"] <= 55 and score_cell(result(crawled, DEPARTMENT)) == settled["score"]
    recorded = [f for f in crawled["store"].find("findings", {"round": ROUND, "target_key": f"site:{DEPARTMENT}"})
                if f["code"] == "site.inspector.overview"]
    assert [(f["severity"], f["points"], f["label"], f["evidence"]["inspector"], f["evidence"]["note"]) for f in recorded] == [
        ("deduct", 20.0, "概况信息扣20分", "张三", "人工检查")]
    # the portal, with no record, still prints no number
    assert score_cell(result(crawled, PORTAL)) != verdict(crawled, PORTAL)["score"]

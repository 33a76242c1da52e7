"""Re-checking the targets that failed a round (整改复查): statuses, and a re-check crawled over
the replica with `govcheck recheck`."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from govcheck_demo.replica import ReplicaServer
from govcheck.report.recheck import NOT_RECHECKED, load_recheck_report, run_recheck
from govcheck.rounds import RoundError
from govcheck.store import Store
from seed_round import moment, store_verdict
from support import REPO, govcheck, open_store, store_environment

FIRST, RECHECK = "2024-1", "2024-2"
# Probes a fraction of a second apart and short timeouts: the replica is local.
FAST_SETTINGS = {"GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1"}
REVIEW_REASON = "首页http://127.0.0.1:9/读取失败（failed: timeout）"


def site(name: str, row: int) -> dict[str, Any]:
    return {"key": f"site:{name}", "kind": "site", "name": name, "category": "县级部门网站", "district": "韩城市",
            "source": {"file": "targets.xlsx", "sheet": "网站", "row": row}}


def store_round(store: Store, round_id: str, **extra: Any) -> None:
    store.save_round({"round": round_id, "as_of": moment("2024-01-31T23:59:59"), "profile": "national-2019",
                      "started_at": moment("2024-01-31T09:00:00"), "status": "finished", **extra})


def store_both_rounds(store: Store) -> None:
    """Four websites failed round 2024-1 and one passed; the re-check found each in another state."""
    names = ["整改局", "未改局", "复核局", "撤销局", "合格局"]
    targets = {name: site(name, row) for row, name in enumerate(names, start=2)}
    for target in targets.values():
        store.upsert("targets", target)
    store_round(store, FIRST)
    store_round(store, RECHECK, recheck_of=FIRST)
    stale = [{"code": "site.home.stale", "label": "首页不更新", "severity": "veto"}]
    for name in names[:4]:
        store_verdict(store, FIRST, targets[name], "不合格", "首页不更新", stale)
    store_verdict(store, FIRST, targets["合格局"], "合格", "")
    store_verdict(store, RECHECK, targets["整改局"], "合格", "")
    store_verdict(store, RECHECK, targets["未改局"], "不合格", "首页不更新", stale)
    store_verdict(store, RECHECK, targets["复核局"], "待人工复核", REVIEW_REASON,
                  [{"code": "site.home.review", "label": "首页更新情况待人工复核", "severity": "review", "reason": REVIEW_REASON}])


def test_each_failed_target_is_rectified_not_rectified_or_to_review(store: Store):
    store_both_rounds(store)
    report = load_recheck_report(store, RECHECK, FIRST)
    assert [(r.original.name, r.recheck_verdict, r.status, r.note) for r in report.rows] == [
        ("整改局", "合格", "已整改", ""),
        ("未改局", "不合格", "未整改", "首页不更新"),
        ("复核局", "待人工复核", "待人工复核", REVIEW_REASON),
        ("撤销局", "未复查", "待人工复核", NOT_RECHECKED),  # no verdict: never 未整改
    ]
    assert report.counts() == {"已整改": 1, "未整改": 1, "待人工复核": 2}
    assert report.title == "2024年第一次全面检查不合格对象整改复查情况表"


def test_a_recheck_needs_its_own_round(store: Store):
    store_both_rounds(store)
    with pytest.raises(RoundError, match="its own round id"):
        run_recheck(store, FIRST, FIRST, "2024-03-15")


def test_a_finished_round_that_is_no_recheck_is_not_overwritten(store: Store):
    store_both_rounds(store)
    store_round(store, "2024-3")
    with pytest.raises(RoundError, match="2024-3 exists and is not a re-check of 2024-1"):
        run_recheck(store, "2024-3", FIRST, "2024-03-15")


def test_a_round_without_failures_has_nothing_to_recheck(store: Store):
    store.upsert("targets", site("合格局", 2))
    store_round(store, FIRST)
    store_verdict(store, FIRST, site("合格局", 2), "合格", "")
    assert run_recheck(store, RECHECK, FIRST, "2024-03-15") == []
    assert store.get_round(RECHECK) is None


# -- a re-check crawled over the replica -----------------------------------------------------------


def replica_targets(base_url: str) -> dict[str, list[dict[str, str]]]:
    """Three replica websites: fresh now, still stale, and one whose column answers 503."""
    manifest = yaml.safe_load((REPO / "replica" / "sites" / "manifest.yaml").read_text(encoding="utf-8"))
    chosen = {s["slug"]: s for s in manifest["sites"] if s["slug"] in ("fresh-trs", "stale-hanweb", "gbk-site")}
    sites, columns = [], []
    for slug in ("fresh-trs", "stale-hanweb", "gbk-site"):
        entry = chosen[slug]
        sites.append({"网站名称": entry["name"], "网址": base_url + entry["home"], "网站类别": entry["category"], "区县": entry["district"], "主办单位": entry["name"]})
        columns += [{"网站名称": entry["name"], "栏目名称": c["name"], "栏目地址": base_url + c["path"], "栏目类型": c["type"], "渲染方式": c.get("render") or ""}
                    for c in entry["columns"]]
    fresh = chosen["fresh-trs"]
    sites.append({"网站名称": "渭南市复查测试局", "网址": base_url + fresh["home"], "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": "渭南市复查测试局"})
    columns.append({"网站名称": "渭南市复查测试局", "栏目名称": "通知公告", "栏目地址": base_url + "/_status/503/", "栏目类型": "通知公告", "渲染方式": ""})
    return {"网站": sites, "栏目": columns}


@pytest.fixture(scope="module")
def rechecked(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Round 2024-1 as stored (three replica sites and one since removed failed it), re-checked
    over HTTP as round 2024-2 by `govcheck recheck`."""
    folder = tmp_path_factory.mktemp("recheck")
    with store_environment("embedded", folder) as env, ReplicaServer(REPO / "replica" / "sites") as server:
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(replica_targets(server.url), allow_unicode=True), encoding="utf-8")
        imported = govcheck(env, "targets", "import", str(targets_file), timeout=600)
        assert imported.returncode == 0, imported.stderr
        store = open_store(env)
        store_round(store, FIRST)
        failed = [{"code": "site.columns.stale", "label": "多个栏目更新不及时", "severity": "veto"}]
        for target in store.find("targets"):
            passed = target["name"] == "渭南市果业发展中心"
            store_verdict(store, FIRST, target, "合格" if passed else "不合格", "" if passed else "多个栏目更新不及时", [] if passed else failed)
        store_verdict(store, FIRST, site("渭南市已撤销局", 99), "不合格", "站点无法访问",
                      [{"code": "site.availability.unreachable", "label": "站点无法访问", "severity": "veto"}])
        settings = [item for name, value in FAST_SETTINGS.items() for item in ("--set", f"{name}={value}")]
        result = govcheck(env, "recheck", "--round", RECHECK, "--from", FIRST, "--as-of", "2024-02-20", "--out", str(folder / "out"), *settings, timeout=600)
        assert result.returncode == 0, result.stderr[-4000:]
        yield {"store": store, "out": folder / "out", "stdout": result.stdout}


@pytest.mark.browser
@pytest.mark.slow
def test_the_recheck_crawls_only_the_failed_targets(rechecked):
    store = rechecked["store"]
    rechecked_names = {v["name"] for v in store.find("verdicts", {"round": RECHECK})}
    assert rechecked_names == {"渭南市发展和改革委员会", "东岭县人民政府", "渭南市复查测试局"}
    assert not store.find("observations", {"round": RECHECK, "target_key": "site:渭南市果业发展中心"})
    round_document = store.get_round(RECHECK)
    assert (round_document["recheck_of"], round_document["as_of"].date().isoformat()) == (FIRST, "2024-02-20")


@pytest.mark.browser
@pytest.mark.slow
def test_each_failed_target_gets_its_status_with_evidence(rechecked):
    sheet = load_workbook(rechecked["out"] / "recheck-2024-2.xlsx")["整改复查"]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert {name: (row[6], row[7]) for name, row in rows.items()} == {
        "渭南市发展和改革委员会": ("合格", "已整改"),
        "东岭县人民政府": ("不合格", "未整改"),
        "渭南市复查测试局": ("待人工复核", "待人工复核"),
        "渭南市已撤销局": ("未复查", "待人工复核"),
    }
    assert rows["东岭县人民政府"][8] == "多个栏目更新不及时" and "/stale-hanweb/" in rows["东岭县人民政府"][9]
    assert "读取失败" in rows["渭南市复查测试局"][8] and "/_status/503/" in rows["渭南市复查测试局"][9]
    assert rows["渭南市已撤销局"][8] == NOT_RECHECKED
    assert "已整改 1, 未整改 1, 待人工复核 2" in rechecked["stdout"]


@pytest.mark.browser
@pytest.mark.slow
def test_the_recheck_is_written_in_the_three_formats(rechecked):
    out = rechecked["out"]
    assert sorted(p.name for p in out.iterdir()) == ["recheck-2024-2.docx", "recheck-2024-2.html", "recheck-2024-2.xlsx"]
    document = Document(str(out / "recheck-2024-2.docx"))
    assert document.paragraphs[0].text == "2024年第一次全面检查不合格对象整改复查情况"
    assert "已整改1个，未整改1个，待人工复核2个" in document.paragraphs[1].text
    assert len(document.tables[0].rows) == 1 + 4
    page = (out / "recheck-2024-2.html").read_text(encoding="utf-8")
    assert "<svg" in page and "已整改" in page and "<script" not in page

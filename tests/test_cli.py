"""The command line an operator types: help, errors they can act on, queries on either store."""

import json
import subprocess
import sys
from pathlib import Path

from support import REPO, govcheck, open_store


def test_help_explains_the_commands():
    result = govcheck({}, "--help")
    assert result.returncode == 0
    for command in ("targets", "run", "query", "observe", "demo", "schedule"):
        assert command in result.stdout
    assert "GOVCHECK_MONGO_URI" in result.stdout


def test_run_help_explains_the_monitoring_time_point():
    result = govcheck({}, "run", "--help")
    assert result.returncode == 0
    assert "--as-of" in result.stdout and "Asia/Shanghai" in result.stdout


def test_scrapy_lists_the_spiders():
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "sites" in result.stdout.split()


def test_a_filter_that_is_not_json_is_refused_plainly(tmp_path: Path):
    result = govcheck({}, "--data-dir", str(tmp_path), "query", "--filter", "{verdict: 不合格}")
    assert result.returncode == 2  # a command line that cannot be run as written, as argparse's own errors
    assert "govcheck: invalid filter: --filter is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_answers_in_table_json_and_csv(store_location: dict[str, str], tmp_path: Path):
    store = open_store(store_location)
    for name, verdict in [("韩城市财政局", "不合格"), ("渭南市教育局", "合格")]:
        store.upsert("verdicts", {"round": "2024-1", "target_key": f"site:{name}", "name": name, "verdict": verdict, "district": "韩城市"})
    store.upsert("verdicts", {"round": "2023-4", "target_key": "site:韩城市财政局", "name": "韩城市财政局", "verdict": "合格"})

    table = govcheck(store_location, "query", "--round", "2024-1", "--filter", '{"verdict": "不合格"}')
    as_json = govcheck(store_location, "query", "--round", "2024-1", "--format", "json")
    csv_file = tmp_path / "out.csv"
    as_csv = govcheck(store_location, "query", "--filter", '{"name": "韩城市财政局"}', "--format", "csv", "--out", str(csv_file))

    assert table.returncode == 0, table.stderr
    assert "韩城市财政局" in table.stdout and "渭南市教育局" not in table.stdout
    assert sorted(v["name"] for v in json.loads(as_json.stdout)) == ["渭南市教育局", "韩城市财政局"]
    assert as_csv.returncode == 0
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("round,target_key,name") and len(lines) == 3  # both rounds of the one site
    # the key joins a verdict to its findings: a name alone may be a website and an account at once
    assert lines[1].startswith("2023-4,site:韩城市财政局,韩城市财政局")


def test_ready_questions_answer_the_auditors_usual_queries(store_location: dict[str, str]):
    store = open_store(store_location)
    rows = [("2024-1", "韩城市财政局", "韩城市", "不合格"), ("2024-1", "渭南市民政局", "渭南市", "不合格"),
            ("2024-1", "渭南市教育局", "渭南市", "合格"), ("2023-4", "韩城市财政局", "韩城市", "合格")]
    for round_id, name, district, verdict in rows:
        store.upsert("verdicts", {"round": round_id, "target_key": f"site:{name}", "name": name, "kind": "site",
                                  "district": district, "verdict": verdict, "labels": "监测时间点无法访问" if verdict == "不合格" else ""})
    store.upsert("findings", {"round": "2024-1", "target_key": "site:韩城市财政局", "code": "site.availability.unreachable",
                              "label": "监测时间点无法访问", "severity": "veto", "evidence": {"probes": 3}})
    store.upsert("findings", {"round": "2024-1", "target_key": "site:渭南市教育局", "code": "site.columns.review:通知公告",
                              "label": "栏目检查待人工复核", "severity": "review", "reason": "栏目页超时"})

    def ask(*arguments: str) -> list[dict]:
        result = govcheck(store_location, "query", "--format", "json", *arguments)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    failures = ask("--ask", "failures-by-district", "--round", "2024-1")
    history = ask("--ask", "history", "--target", "韩城市财政局")
    by_key = ask("--ask", "history", "--target", "site:韩城市财政局")
    unreachable = ask("--ask", "indicator", "--round", "2024-1", "--code", "site.availability.unreachable")
    reviews = ask("--ask", "reviews", "--round", "2024-1")
    missing = govcheck(store_location, "query", "--ask", "indicator", "--round", "2024-1")

    assert [(v["district"], v["name"]) for v in failures] == [("渭南市", "渭南市民政局"), ("韩城市", "韩城市财政局")]
    assert [(v["round"], v["verdict"]) for v in history] == [("2023-4", "合格"), ("2024-1", "不合格")] == [(v["round"], v["verdict"]) for v in by_key]
    assert [(f["target_key"], f["evidence"]) for f in unreachable] == [("site:韩城市财政局", {"probes": 3})]
    assert [(f["target_key"], f["reason"]) for f in reviews] == [("site:渭南市教育局", "栏目页超时")]
    assert missing.returncode == 1 and "needs --round and --code" in missing.stderr

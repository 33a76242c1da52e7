"""The command line an operator types: help, errors they can act on, queries on either store."""

import json
import os
import subprocess
import sys
from pathlib import Path

from support import REPO, open_store


def govcheck(*arguments: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govcheck.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_help_explains_the_commands():
    result = govcheck("--help")
    assert result.returncode == 0
    for command in ("targets", "run", "query", "observe", "demo", "schedule"):
        assert command in result.stdout
    assert "GOVCHECK_MONGO_URI" in result.stdout


def test_run_help_explains_the_monitoring_time_point():
    result = govcheck("run", "--help")
    assert result.returncode == 0
    assert "--as-of" in result.stdout and "Asia/Shanghai" in result.stdout


def test_scrapy_lists_the_spiders():
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "sites" in result.stdout.split()


def test_a_filter_that_is_not_json_is_refused_plainly(tmp_path: Path):
    result = govcheck("--data-dir", str(tmp_path), "query", "--filter", "{verdict: 不合格}")
    assert result.returncode == 1
    assert "--filter is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_answers_in_table_json_and_csv(store_location: dict[str, str], tmp_path: Path):
    store = open_store(store_location)
    for name, verdict in [("韩城市财政局", "不合格"), ("渭南市教育局", "合格")]:
        store.upsert("verdicts", {"round": "2024-1", "target_key": f"site:{name}", "name": name, "verdict": verdict, "district": "韩城市"})
    store.upsert("verdicts", {"round": "2023-4", "target_key": "site:韩城市财政局", "name": "韩城市财政局", "verdict": "合格"})

    table = govcheck("query", "--round", "2024-1", "--filter", '{"verdict": "不合格"}', env=store_location)
    as_json = govcheck("query", "--round", "2024-1", "--format", "json", env=store_location)
    csv_file = tmp_path / "out.csv"
    as_csv = govcheck("query", "--filter", '{"name": "韩城市财政局"}', "--format", "csv", "--out", str(csv_file), env=store_location)

    assert table.returncode == 0, table.stderr
    assert "韩城市财政局" in table.stdout and "渭南市教育局" not in table.stdout
    assert sorted(v["name"] for v in json.loads(as_json.stdout)) == ["渭南市教育局", "韩城市财政局"]
    assert as_csv.returncode == 0
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("round,name") and len(lines) == 3  # both rounds of the one site

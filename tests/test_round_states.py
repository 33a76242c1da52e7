"""A round says when it did not finish: real `govcheck run` processes against the loopback replica,
stopped by real signals and by `kill -9`; reports refuse what is not finished; each run has its
id, and a target is judged on the latest run that observed it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from govcheck_demo.replicas.targets import site_rows
from govcheck.rounds import counted_observations, record_round_state, round_state
from govcheck.store import SHANGHAI, Store
from support import REPLICA, REPO, govcheck, open_store

ROUND = "2024-1"
AS_OF = "2024-02-20"
FRESH, STALE = "渭南市发展和改革委员会", "东岭县人民政府"  # the replica's fresh-trs and stale-hanweb
STALE_TIMELY = ["政务要闻", "乡镇动态", "通知公告"]  # three of 东岭县人民政府's five stale timely columns
QUICK = {"GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1",
         "GOVCHECK_RUN_HEARTBEAT_SECONDS": "0.5"}
# probes far apart: the crawl lasts long enough for a signal to land in its middle
SLOW = {**QUICK, "GOVCHECK_PROBE_INTERVAL": "20"}


def register(folder: Path, base_url: str, names: list[str], leave_out: tuple[str, ...] = ()) -> Path:
    sites, columns = site_rows(REPLICA, base_url)
    document = {
        "网站": [s for s in sites if s["网站名称"] in names],
        "栏目": [c for c in columns if c["网站名称"] in names and c["栏目名称"] not in leave_out],
    }
    path = folder / "targets.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def run_arguments(settings: dict[str, str], *extra: str) -> list[str]:
    arguments = [sys.executable, "-m", "govcheck.cli", "run", "--round", ROUND, "--as-of", AS_OF, "--spider", "sites", *extra]
    for name, value in settings.items():
        arguments += ["--set", f"{name}={value}"]
    return arguments


def start_run(env: dict[str, str], settings: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(run_arguments(settings), cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_observations(store: Store, process: subprocess.Popen, count: int = 1, timeout: float = 120) -> None:
    """Until the run has stored ``count`` observations (its crawl is under way)."""
    deadline = time.monotonic() + timeout
    while store.count("observations", {"round": ROUND}) < count:
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the run stored nothing"
        time.sleep(0.2)


@pytest.fixture
def env(tmp_path: Path, replica_sites) -> dict[str, Any]:
    environment = {"GOVCHECK_DATA_DIR": str(tmp_path / "var"), "GOVCHECK_MONGO_URI": ""}
    imported = govcheck(environment, "targets", "import", str(register(tmp_path, replica_sites.url, [FRESH, STALE])))
    assert imported.returncode == 0, imported.stderr
    return environment


@pytest.mark.parametrize("sent, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.slow
def test_a_signal_during_the_crawl_interrupts_the_round_and_the_command_says_so(env, tmp_path, sent, code):
    store = open_store(env)
    process = start_run(env, SLOW)
    wait_for_observations(store, process)
    process.send_signal(sent)
    out, err = process.communicate(timeout=120)

    assert process.returncode == code, err[-3000:]
    assert f"run {store.find('runs')[0]['run']} interrupted by {sent.name}" in err
    assert f"round {ROUND} is interrupted" in err and "govcheck report --force" in err
    (part,) = store.find("runs", {"round": ROUND})
    assert (part["state"], part["stopped"], part["command"]) == ("interrupted", sent.name, "govcheck run")
    assert store.get_round(ROUND)["status"] == "interrupted"
    assert round_state(store, ROUND).state == "interrupted"


@pytest.mark.slow
def test_an_interrupted_round_has_no_report_unless_forced_and_then_every_file_says_unfinished(env, tmp_path):
    store = open_store(env)
    process = start_run(env, SLOW)
    wait_for_observations(store, process)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=120)
    out = tmp_path / "reports"

    refused = govcheck(env, "report", "--round", ROUND, "--out", str(out))
    assert refused.returncode == 1 and not out.exists()
    assert refused.stderr.startswith(f"govcheck: round {ROUND} is interrupted: ")
    assert "stopped by SIGINT" in refused.stderr and "--force" in refused.stderr and "Traceback" not in refused.stderr

    forced = govcheck(env, "report", "--round", ROUND, "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "marked 未完成" in forced.stderr
    workbook = load_workbook(out / f"report-{ROUND}.xlsx")
    assert workbook.sheetnames[0] == "未完成" and "本轮检查未完成" in workbook["未完成"]["A2"].value
    assert all("本轮检查未完成" in sheet.oddHeader.left.text for sheet in workbook.worksheets[1:])
    notice = Document(out / f"notice-{ROUND}.docx")
    assert notice.paragraphs[0].text.startswith("【未完成】") and "本轮检查未完成" in notice.paragraphs[0].text
    assert all("本轮检查未完成" in section.header.paragraphs[0].text for section in notice.sections)
    page = (out / f"report-{ROUND}.html").read_text(encoding="utf-8")
    assert "<title>【未完成】" in page and 'class="unfinished"' in page and "本轮检查未完成" in page


@pytest.mark.browser
@pytest.mark.slow
def test_a_killed_run_leaves_a_round_the_next_command_finds_interrupted(env, tmp_path):
    store = open_store(env)
    process = start_run(env, SLOW)
    wait_for_observations(store, process)
    process.kill()  # SIGKILL: nothing of ours runs any more
    process.communicate(timeout=60)
    assert store.get_round(ROUND)["status"] == "running"  # as the killed run left it

    report = govcheck(env, "report", "--round", ROUND, "--out", str(tmp_path / "reports"))
    assert report.returncode == 1, report.stderr
    assert f"round {ROUND} is interrupted" in report.stderr and "died (no heartbeat since" in report.stderr
    (part,) = store.find("runs", {"round": ROUND})
    assert (part["state"], part["stopped"]) == ("interrupted", "died (no heartbeat)")
    assert store.get_round(ROUND)["status"] == "interrupted"

    again = subprocess.run(run_arguments(QUICK), cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert round_state(store, ROUND).state == "finished"
    assert govcheck(env, "report", "--round", ROUND, "--out", str(tmp_path / "reports")).returncode == 0


@pytest.mark.slow
def test_a_run_stopped_early_by_a_limit_is_incomplete_and_exits_3(env):
    store = open_store(env)
    result = subprocess.run(run_arguments({**QUICK, "CLOSESPIDER_ITEMCOUNT": "1"}), cwd=REPO, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stderr[-3000:]
    assert "incomplete (closespider_itemcount)" in result.stderr
    assert round_state(store, ROUND).state == "incomplete"


@pytest.mark.browser
@pytest.mark.slow
def test_a_column_removed_between_two_runs_is_not_judged_on_the_first_runs_evidence(env, tmp_path, replica_sites):
    store = open_store(env)
    first = subprocess.run(run_arguments(QUICK), cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-3000:]
    before = store.find_one("verdicts", {"round": ROUND, "name": STALE})
    assert (before["verdict"], before["labels"]) == ("不合格", "多个栏目更新不及时")

    smaller = register(tmp_path, replica_sites.url, [FRESH, STALE], leave_out=tuple(STALE_TIMELY))
    assert govcheck(env, "targets", "import", str(smaller)).returncode == 0
    second = subprocess.run(run_arguments(QUICK), cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]

    runs = sorted({part["run"] for part in store.find("runs", {"round": ROUND})})
    after = store.find_one("verdicts", {"round": ROUND, "name": STALE})
    assert len(runs) == 2 and after["run"] == runs[1] != before["run"]
    evidence = str([f["evidence"] for f in store.find("findings", {"round": ROUND, "target_key": f"site:{STALE}"})])
    assert not [name for name in STALE_TIMELY if name in evidence]
    assert after["labels"] != "多个栏目更新不及时"
    kept = store.find("observations", {"round": ROUND, "target_key": f"site:{STALE}", "kind": "column", "key": {"$in": STALE_TIMELY}})
    assert sorted(o["key"] for o in kept) == sorted(STALE_TIMELY) and {o["run"] for o in kept} == {runs[0]}  # history


# -- which observations count, and the state of a round, from stored documents -----------------


def observation(key: str, run: str | None, **fields: Any) -> dict[str, Any]:
    return {"round": ROUND, "target_key": f"site:{FRESH}", "kind": "column", "key": key, **({"run": run} if run else {}), **fields}


def test_the_latest_run_counts_with_the_window_probes_and_the_inspectors_own():
    observations = [
        observation("通知公告", "20240219T090000.000-aaaa"),
        observation("政务要闻", "20240220T090000.000-bbbb"),
        observation("probe-20240214T103000.000", "20240214T103000.000-cccc", kind="probe"),
        observation("manual", None, kind="account", manual=True),
        observation("旧栏目", None),  # stored before runs were recorded
    ]
    counted = counted_observations(observations, window={"20240214T103000.000-cccc"})
    assert [o["key"] for o in counted.observations] == ["政务要闻", "probe-20240214T103000.000", "manual"]
    assert (counted.run, counted.manual) == ("20240220T090000.000-bbbb", True)
    legacy = counted_observations([observation("旧栏目", None), observation("通知公告", None)])
    assert [o["key"] for o in legacy.observations] == ["旧栏目", "通知公告"] and legacy.run is None


def seeded_round(store: Store, **fields: Any) -> None:
    now = datetime.now(SHANGHAI)
    store.save_round({"round": ROUND, "as_of": now, "profile": "national-2019", "started_at": now, "status": "running", **fields})


def part(run: str, state: str, now: datetime, **fields: Any) -> dict[str, Any]:
    return {"round": ROUND, "run": run, "part": f"sites@elsewhere:{len(run)}", "command": "scrapy crawl sites", "host": "elsewhere",
            "pid": 1, "state": state, "started_at": now, "heartbeat_at": now, "stale_after": 300, **fields}


def test_a_part_elsewhere_is_running_until_its_heartbeat_is_older_than_its_stale_time(store: Store):
    now = datetime.now(SHANGHAI)
    seeded_round(store)
    store.upsert("runs", part("20240220T090000.000-aaaa", "running", now, heartbeat_at=now - timedelta(seconds=200)))
    assert round_state(store, ROUND, now).state == "running"
    later = round_state(store, ROUND, now + timedelta(seconds=150))
    assert later.state == "interrupted" and "died (no heartbeat since" in later.why
    record_round_state(store, later)
    assert store.find_one("runs", {"round": ROUND})["state"] == "interrupted"


def test_verdicts_resting_on_an_interrupted_run_keep_the_round_unfinished_until_a_run_reaches_them(store: Store):
    now = datetime.now(SHANGHAI)
    seeded_round(store)
    first, second, third = "20240220T090000.000-aaaa", "20240220T100000.000-bbbb", "20240220T110000.000-cccc"
    store.upsert("runs", part(first, "interrupted", now, part="a", targets=["site:a", "site:b"], stopped="SIGINT", finished_at=now))
    store.upsert("runs", part(second, "finished", now, part="b", targets=["site:b"], unreached=[]))
    store.upsert("verdicts", {"round": ROUND, "target_key": "site:a", "verdict": "待人工复核", "run": first})
    store.upsert("verdicts", {"round": ROUND, "target_key": "site:b", "verdict": "合格", "run": second})
    state = round_state(store, ROUND, now)
    assert state.state == "interrupted" and f"verdicts rest on run {first} (stopped by SIGINT at " in state.why and state.why.endswith("(targets: 1)")

    store.upsert("runs", part(third, "finished", now, part="c", targets=["site:a", "site:c"], unreached=["site:c"]))
    store.upsert("verdicts", {"round": ROUND, "target_key": "site:a", "verdict": "合格", "run": third})
    state = round_state(store, ROUND, now)
    assert state.state == "incomplete" and state.unreached == ("site:c",)
    store.upsert("verdicts", {"round": ROUND, "target_key": "site:c", "verdict": "合格", "manual": True})
    assert round_state(store, ROUND, now).state == "incomplete"  # the latest run itself did not reach it
    store.upsert("runs", part("20240220T120000.000-dddd", "finished", now, part="d", targets=["site:c"], unreached=[]))
    assert round_state(store, ROUND, now).state == "finished"


def test_a_round_with_no_verdicts_has_no_report_even_forced(store_location, tmp_path):
    seeded_round(open_store(store_location), status="interrupted")
    result = govcheck(store_location, "report", "--round", ROUND, "--out", str(tmp_path / "reports"), "--force")
    assert result.returncode == 1 and not (tmp_path / "reports").exists()
    assert f"round {ROUND} has no verdicts: nothing to report" in result.stderr

"""The MongoDB server going away in the middle of a round loses nothing and changes no verdict."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from pymongo import MongoClient

from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas.targets import site_rows
from support import REPLICA, REPO, SHORT_PROBE_SPAN_PROFILE, govcheck, mongo_uri_or_skip

SITES = ["渭南市发展和改革委员会", "渭南市西塬区人民政府", "韩城市财政局"]
ROUND_SETTINGS = {
    # probes two seconds apart (over the 0.4 s span of SHORT_PROBE_SPAN_PROFILE): the round lasts
    # long enough for the outage to fall inside it
    "GOVCHECK_PROBE_INTERVAL": "2",
    "GOVCHECK_PROBE_TIMEOUT": "5",
    "DOWNLOAD_TIMEOUT": "5",
    "RETRY_TIMES": "1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ferretdb(action: str, *arguments: str) -> None:
    subprocess.run(["bash", "scripts/ferretdb.sh", action, *arguments], cwd=REPO, check=True, timeout=600)


@pytest.fixture
def own_server(tmp_path: Path):
    """A FerretDB of this test's own, which the test stops and starts again."""
    mongo_uri_or_skip()  # FerretDB was built for this run of the suite
    folder, port = tmp_path / "ferretdb", free_port()
    ferretdb("start", str(folder), str(port))
    yield folder, port
    ferretdb("stop", str(folder))


def run_arguments(round_id: str) -> list[str]:
    """``govcheck run`` of the round, as its command-line arguments."""
    arguments = ["run", "--round", round_id, "--as-of", "2024-02-20", "--spider", "sites", "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
    for name, value in ROUND_SETTINGS.items():
        arguments += ["--set", f"{name}={value}"]
    return arguments


def observation_count(uri: str, database: str) -> int:
    try:
        return MongoClient(uri, serverSelectionTimeoutMS=500)[database].observations.count_documents({})
    except Exception:
        return 0


@pytest.mark.browser  # 西塬区's home page writes its channel by script, so it is read in Chromium
@pytest.mark.mongo
@pytest.mark.slow
def test_a_store_restart_mid_round_loses_no_observation_and_changes_no_verdict(own_server, tmp_path):
    folder, port = own_server
    # a short server selection: each write fails fast during the outage and is retried
    uri = f"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=1000"
    env = {"GOVCHECK_MONGO_URI": uri, "GOVCHECK_MONGO_DB": "faults", "GOVCHECK_DATA_DIR": str(tmp_path / "var")}
    with ReplicaServer(REPLICA / "sites") as server:
        sites, columns = site_rows(REPLICA, server.url)
        chosen = {"网站": [s for s in sites if s["网站名称"] in SITES], "栏目": [c for c in columns if c["网站名称"] in SITES]}
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump(chosen, allow_unicode=True), encoding="utf-8")
        assert govcheck(env, "targets", "import", str(targets), timeout=600).returncode == 0
        expected_observations = 4 * len(chosen["网站"]) + len(chosen["栏目"])  # 3 probes + home + columns

        crawl = subprocess.Popen([sys.executable, "-m", "govcheck.cli", *run_arguments("2024-1")], cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        output: dict[str, str] = {}
        reader = threading.Thread(target=lambda: output.update(zip(("stdout", "stderr"), crawl.communicate(timeout=600))))
        reader.start()
        deadline = time.monotonic() + 60
        while observation_count(uri, "faults") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        # the server dies with the round half done (SIGKILL: no graceful goodbye to clients)
        os.kill(int((folder / "ferretdb.pid").read_text()), signal.SIGKILL)
        stored_before_outage = observation_count(uri, "faults")
        time.sleep(4)
        ferretdb("start", str(folder), str(port))
        reader.join(timeout=600)

        assert crawl.returncode == 0, output.get("stderr", "")[-3000:]
        assert stored_before_outage < expected_observations, "the outage fell inside the round"
        assert "store unreachable" in output["stderr"], "writes failed during the outage and were retried"
        database = MongoClient(uri)["faults"]
        assert database.observations.count_documents({"round": "2024-1"}) == expected_observations
        first = sorted((v["name"], v["verdict"], v["labels"]) for v in database.verdicts.find({"round": "2024-1"}))
        assert ("韩城市财政局", "不合格", "监测时间点无法访问") in first
        assert all(verdict == "合格" for name, verdict, _ in first if name != "韩城市财政局"), first

        rerun = govcheck(env, *run_arguments("2024-1"), timeout=600)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        second = sorted((v["name"], v["verdict"], v["labels"]) for v in database.verdicts.find({"round": "2024-1"}))
        assert second == first
        assert database.observations.count_documents({"round": "2024-1"}) == expected_observations

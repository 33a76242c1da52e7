"""govcheck deployed to a real scrapyd on loopback and a round started through its HTTP API.

One module-scoped deployment: a scrapyd node with its own configuration in a temporary
folder, the project built into an egg and uploaded by ``scrapyd-deploy`` (from a copy of the
sources, so the work tree is left alone), then ``govcheck schedule``'s functions post the
``sites`` and ``douyin`` jobs of a round through ``schedule.json`` and poll ``listjobs.json``
until both finished. The node's environment gives the store server (as on a production node),
``setting=`` the database of this round; verdicts are read back from MongoDB (FerretDB).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck.registry import import_targets
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas.targets import platform_settings, replica_routes, targets_document
from govcheck.schedule import (
    Job,
    PlannedJob,
    RoundArguments,
    ScheduleError,
    list_spiders,
    plan_jobs,
    resolve_as_of,
    schedule_round,
    wait_for_jobs,
)
from govcheck.store import SHANGHAI, Store
from support import without_design, REPLICA, REPO, SHORT_PROBE_SPAN_PROFILE, govcheck, mongo_uri_or_skip

BIN = Path(sys.executable).parent
ROUND = "2024-1"
AS_OF = "2024-02-20"
MEDIA_AS_OF = "2024-02-23"
# A few targets of each kind keep the jobs short; the filter travels as the spiders' argument.
SITES = {"渭南市发展和改革委员会": ("合格", ""), "东岭县人民政府": ("不合格", "多个栏目更新不及时"), "渭南市五零三局": ("不合格", "监测时间点无法访问")}
# name → (verdict, words of its labels); Douyin's "no account with this 账号ID" waits for the
# inspectors' search by name (a deleted account and a wrong ID look alike)
ACCOUNTS = {"潼关县文化和旅游局": ("不合格", "14天未更新"), "澄城县道路运输管理所": ("待人工复核", "no account with 账号ID")}
FAST = {
    "GOVCHECK_PROBE_TIMEOUT": "5",
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
    "DOUYIN_CAPTURE_TIMEOUT": "4",
    "DOUYIN_DOWNLOAD_DELAY": "0",
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": "5000",
}
PROJECT_FILES = ["scrapy.cfg", "setup.py", "pyproject.toml", "README.md", "govcheck"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_scrapyd(folder: Path, environment: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """A scrapyd node on 127.0.0.1 with its eggs, logs and queues in ``folder``."""
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {folder / 'eggs'}\n"
        f"logs_dir = {folder / 'logs'}\n"
        f"dbs_dir = {folder / 'dbs'}\n"
        "items_dir =\n"
        "poll_interval = 0.2\n"
        "max_proc = 4\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [str(BIN / "scrapyd")], cwd=folder, env=environment,
        stdout=open(folder / "scrapyd.out", "wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "daemonstatus.json", timeout=2) as answer:
                if json.load(answer)["status"] == "ok":
                    return process, url
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    process.terminate()
    pytest.fail("scrapyd did not start:\n" + (folder / "scrapyd.out").read_text(errors="replace")[-3000:])


def deploy(sources: Path, node: str) -> subprocess.CompletedProcess:
    """``scrapyd-deploy`` from a copy of the project with a deploy target pointing at the node."""
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, sources / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, sources / name)
    with (sources / "scrapy.cfg").open("a", encoding="utf-8") as config:
        config.write(f"\n[deploy:test-node]\nurl = {node}\nproject = govcheck\n")
    return subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test-node", "--version", "r1"],
        cwd=sources, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    uri = mongo_uri_or_skip()
    folder = tmp_path_factory.mktemp("scrapyd")
    node_folder, sources = folder / "node", folder / "sources"
    node_folder.mkdir()
    sources.mkdir()
    database = f"test_{uuid.uuid4().hex[:12]}"
    # The node's environment names the store server, as on a production node; nothing else of ours.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVCHECK_")}
    environment["GOVCHECK_MONGO_URI"] = uri
    # and, as a node inspecting sites on the office's own network would, the networks its sites
    # are on: the replicas' loopback (docs/deploy.md 6a); its Chromium stays on loopback too
    for name in ("GOVCHECK_ALLOW_PRIVATE_ADDRESSES", "GOVCHECK_CHROMIUM_LOOPBACK_ONLY"):
        environment[name] = os.environ[name]
    process, node = start_scrapyd(node_folder, environment)
    try:
        deployment = deploy(sources, node)
        yield {"node": node, "folder": node_folder, "deployment": deployment, "uri": uri, "database": database}
    finally:
        process.terminate()
        process.wait(timeout=30)
        from pymongo import MongoClient

        MongoClient(uri).drop_database(database)


@pytest.fixture(scope="module")
def replica() -> Any:
    """The replica websites and platforms, with the targets file an operator would import."""
    with ReplicaServer(REPLICA / "sites", routes=replica_routes(REPLICA)) as server:
        yield server


@pytest.fixture(scope="module")
def scheduled(deployed: dict[str, Any], replica: ReplicaServer) -> dict[str, Any]:
    """Targets imported, then the sites and douyin jobs of round 2024-1 scheduled and waited for."""
    assert deployed["deployment"].returncode == 0, deployed["deployment"].stderr
    store = Store.open(deployed["uri"], db_name=deployed["database"])
    targets_file = deployed["folder"] / "targets.yaml"
    targets_file.write_text(yaml.safe_dump(targets_document(REPLICA, replica.url), allow_unicode=True), encoding="utf-8")
    import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI))
    arguments = RoundArguments(
        ROUND, AS_OF, MEDIA_AS_OF,
        # national-2019 with a short probe span, a file deriving from the profile in the egg
        profile=str(SHORT_PROBE_SPAN_PROFILE),
        targets=",".join([*SITES, *ACCOUNTS]),
        # one page-reading worker process, as a large round would start: it must import govcheck from the egg
        settings={"MONGO_DATABASE": deployed["database"], "GOVCHECK_PARSE_PROCESSES": "1", **FAST, **platform_settings(replica.url)},
    )
    started = time.monotonic()
    jobs = schedule_round([deployed["node"]], arguments, spiders=["sites", "douyin"])
    finished = wait_for_jobs(jobs, timeout=240, poll=0.5)
    elapsed = time.monotonic() - started
    logs = {job.spider: read_log(deployed["node"], finished[job.job_id]) for job in jobs}
    return {"store": store, "jobs": jobs, "logs": logs, "elapsed": elapsed}


def read_log(node: str, entry: dict[str, Any]) -> str:
    with urllib.request.urlopen(node.rstrip("/") + entry["log_url"], timeout=10) as answer:
        return answer.read().decode("utf-8", errors="replace")


def verdicts(scheduled: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {v["name"]: (v["verdict"], without_design(v)["labels"]) for v in scheduled["store"].find("verdicts", {"round": ROUND})}


# -- deployment -------------------------------------------------------------------------------


@pytest.mark.mongo
@pytest.mark.slow
def test_scrapyd_deploy_uploads_the_project_and_the_node_lists_its_spiders(deployed):
    assert deployed["deployment"].returncode == 0, deployed["deployment"].stderr
    assert '"status": "ok"' in deployed["deployment"].stdout
    assert {"sites", "probes", "douyin"} <= set(list_spiders(deployed["node"]))


@pytest.mark.mongo
@pytest.mark.slow
def test_the_stored_egg_carries_the_rules_profile_and_the_spiders_load_it_from_there(deployed, tmp_path):
    egg = next((deployed["folder"] / "eggs" / "govcheck").glob("*.egg"))
    # scrapyd's own runner activates the egg; the package and its profile must come from it.
    script = (
        "import sys; from scrapyd.runner import activate_egg; activate_egg(sys.argv[1]);"
        "import govcheck; from govcheck.rules import load_profile;"
        "print(govcheck.__file__); print(load_profile('national-2019').name)"
    )
    result = subprocess.run([sys.executable, "-c", script, str(egg)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    package_file, profile = result.stdout.split()
    assert package_file.startswith(str(egg)) and profile == "national-2019"


# -- a round through schedule.json -----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_both_jobs_finish_cleanly(scheduled):
    # Scrapy's messages for an exception in a callback, a pipeline or a signal handler
    failures = ("Spider error processing", "Error processing", "Error caught on signal handler", "Error while")
    for spider, log in scheduled["logs"].items():
        assert "Spider closed (finished)" in log, (spider, log[-3000:])
        assert not [line for line in log.splitlines() if any(f in line for f in failures)], (spider, log[-3000:])
    assert scheduled["elapsed"] < 120, scheduled["elapsed"]


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_the_sites_job_read_its_pages_in_a_worker_process(scheduled):
    assert "page-reading workers: 1" in scheduled["logs"]["sites"]


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_the_jobs_started_the_round_with_its_monitoring_time_points(scheduled):
    round_document = scheduled["store"].get_round(ROUND)
    assert round_document["as_of"].isoformat() == "2024-02-20T23:59:59+08:00"
    assert round_document["media_as_of"].isoformat() == "2024-02-23T23:59:59+08:00"
    assert round_document["profile"] == str(SHORT_PROBE_SPAN_PROFILE)


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_the_sites_job_gives_the_verdicts_of_the_websites(scheduled):
    found = verdicts(scheduled)
    assert {name: found.get(name) for name in SITES} == SITES


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_the_douyin_job_gives_the_verdicts_of_the_accounts(scheduled):
    found = verdicts(scheduled)
    for name, (expected, words) in ACCOUNTS.items():
        verdict, labels = found[name]
        assert verdict == expected and words in labels, (name, found[name])


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_only_the_targets_named_in_the_job_arguments_are_inspected(scheduled):
    assert set(verdicts(scheduled)) == {*SITES, *ACCOUNTS}


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.slow
def test_govcheck_schedule_starts_an_hourly_probe_run_and_waits_for_it(deployed, scheduled):
    site = "渭南市发展和改革委员会"
    before = {p["key"] for p in scheduled["store"].find("observations", {"round": ROUND, "target_key": f"site:{site}", "kind": "probe"})}
    result = govcheck(
        {}, "schedule", "--scrapyd", deployed["node"], "--spider", "probes",
        "--round", ROUND, "--as-of", AS_OF, "--targets", site, "--set", f"MONGO_DATABASE={deployed['database']}", "--wait",
        timeout=180,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"probes\t{deployed['node']}\tjob ") and f"round {ROUND}: 1 jobs finished" in result.stdout
    probes = scheduled["store"].find("observations", {"round": ROUND, "target_key": f"site:{site}", "kind": "probe"})
    added = [p for p in probes if p["key"] not in before]
    assert len(added) == 1 and added[0]["key"].startswith("probe-2") and added[0]["ok"] is True


# -- planning, without a server ---------------------------------------------------------------


def test_one_node_runs_every_spider():
    assert plan_jobs(["http://a:6800"], ["sites", "douyin", "wechat"]) == [
        PlannedJob("http://a:6800", "sites"), PlannedJob("http://a:6800", "douyin"), PlannedJob("http://a:6800", "wechat"),
    ]


def test_with_redis_the_sites_spider_runs_on_every_node_and_only_the_first_seeds():
    nodes = ["http://a:6800", "http://b:6800", "http://c:6800"]
    planned = plan_jobs(nodes, ["sites", "douyin", "wechat"], redis_url="redis://r:6379/0")
    sites = [job for job in planned if job.spider == "sites"]
    assert [(job.node, job.shared, job.seed) for job in sites] == [(n, True, n == nodes[0]) for n in nodes]
    assert planned[0].seed, "the seeding job is posted first"
    # each platform spider on one node, in turn
    assert [(job.spider, job.node, job.shared) for job in planned if job.spider != "sites"] == [
        ("douyin", nodes[0], False), ("wechat", nodes[1], False),
    ]


def test_without_redis_several_nodes_share_the_spiders_out_one_each():
    planned = plan_jobs(["http://a:6800", "http://b:6800"], ["sites", "douyin"])
    assert [(job.spider, job.node, job.shared) for job in planned] == [("sites", "http://a:6800", False), ("douyin", "http://b:6800", False)]


def test_today_is_the_date_in_beijing_for_cron():
    late_evening_utc = datetime.fromisoformat("2024-02-19T17:30:00+00:00")  # 01:30 on the 20th in Beijing
    assert resolve_as_of("today", late_evening_utc) == "2024-02-20"
    assert resolve_as_of("2024-02-20") == "2024-02-20"


def test_a_malformed_date_is_refused_before_anything_is_posted():
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        resolve_as_of("20.02.2024")


def test_an_unreachable_node_is_named_without_its_credentials():
    node = f"http://operator:s3cret@127.0.0.1:{free_port()}"
    with pytest.raises(ScheduleError) as raised:
        schedule_round([node], RoundArguments(ROUND, AS_OF), spiders=["sites"])
    message = str(raised.value)
    assert f"127.0.0.1:{node.rsplit(':', 1)[1]}" in message and "schedule.json" in message
    assert "s3cret" not in message


@pytest.mark.mongo
@pytest.mark.slow
def test_waiting_gives_up_naming_the_unfinished_jobs(deployed):
    job = Job(deployed["node"], "sites", "no-such-job")
    with pytest.raises(ScheduleError, match="no-such-job"):
        wait_for_jobs([job], timeout=0.5, poll=0.2)


def test_a_profile_file_is_passed_to_the_jobs_by_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the operator's folder; a job runs in scrapyd's
    assert RoundArguments(ROUND, AS_OF, profile="my-city.yaml").arguments()["profile"] == str(tmp_path / "my-city.yaml")
    assert RoundArguments(ROUND, AS_OF).arguments()["profile"] == "national-2019"  # shipped profiles by name

"""One round crawled by three Scrapy processes sharing a scrapy-redis queue and dupefilter.

The replica round is crawled twice over real HTTP into two MongoDB (FerretDB) databases:
once by ``govcheck run`` in one process, once by three ``scrapy crawl sites`` processes started
together with ``-s GOVCHECK_REDIS_URL=…`` (one of them ``-a seed=1``) against a real Redis
on loopback. Each worker writes what it observed to a feed of its own, so that a target
inspected twice would show even though the store's upserts would hide it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from scrapy.settings import Settings

from govcheck.distributed import RoundKeys, SharedRoundAddon
from govcheck.leases import HostLeases
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas.targets import site_rows
from support import REPLICA, REPO, govcheck, open_store, store_environment

sys.path.insert(0, str(REPO / "bench"))
from latency_web import LatencyWeb  # noqa: E402

ROUND = "2024-1"
AS_OF = "2024-02-20"
WORKERS = 3
FAST_SETTINGS = {
    "GOVCHECK_PROBE_INTERVAL": "0.2",
    "GOVCHECK_PROBE_TIMEOUT": "5",
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
    "GOVCHECK_PROGRESS_INTERVAL": "0",
}
# Per-node politeness: four requests at a time per worker, so that the round has to be shared.
WORKER_SETTINGS = {**FAST_SETTINGS, "CONCURRENT_REQUESTS": "4"}
# The crawler that reads its pages in a worker process, as the crawlers of a large round do.
PAGES_READ_IN_A_WORKER_PROCESS = 1
REQUIRE_TEST_REDIS = os.environ.get("GOVCHECK_REQUIRE_TEST_REDIS") == "1"


# -- a Redis server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """scripts/test.sh's Redis (GOVCHECK_TEST_REDIS_URL), else one started here with scripts/redis.sh."""
    given = os.environ.get("GOVCHECK_TEST_REDIS_URL")
    if given:
        yield given.rstrip("/") + "/3"  # a database of its own on the shared test server
        return
    if not Path("/usr/bin/redis-server").exists():
        if REQUIRE_TEST_REDIS:
            pytest.fail("GOVCHECK_TEST_REDIS_URL is not set and redis-server is missing")
        pytest.skip("no Redis: run the suite with scripts/test.sh (it starts redis-server)")
    folder, port = tmp_path_factory.mktemp("redis"), free_port()
    subprocess.run(["bash", str(REPO / "scripts" / "redis.sh"), "start", str(folder), str(port)], check=True, timeout=30)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        subprocess.run(["bash", str(REPO / "scripts" / "redis.sh"), "stop", str(folder)], timeout=30)


# -- the two crawls -----------------------------------------------------------------------------


def import_replica_targets(env: dict[str, str], folder: Path, base_url: str) -> None:
    sites, columns = site_rows(REPLICA, base_url)
    targets_file = folder / "targets.yaml"
    targets_file.write_text(yaml.safe_dump({"网站": sites, "栏目": columns}, allow_unicode=True), encoding="utf-8")
    imported = govcheck(env, "targets", "import", str(targets_file), timeout=120)
    assert imported.returncode == 0, imported.stderr


def single_process_round(env: dict[str, str]) -> None:
    arguments = ["run", "--round", ROUND, "--as-of", AS_OF, "--spider", "sites"]
    for name, value in FAST_SETTINGS.items():
        arguments += ["--set", f"{name}={value}"]
    run = govcheck(env, *arguments)
    assert run.returncode == 0, run.stderr[-4000:]


def worker(number: int, env: dict[str, str], redis_url: str, feed: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "scrapy", "crawl", "sites", "-a", f"round={ROUND}", "-a", f"as_of={AS_OF}"]
    if number == 0:
        command += ["-a", "seed=1"]
    settings = {**WORKER_SETTINGS, "GOVCHECK_REDIS_URL": redis_url, "FEEDS": json.dumps({feed.as_uri(): {"format": "jsonlines"}})}
    if number == PAGES_READ_IN_A_WORKER_PROCESS:
        settings["GOVCHECK_PARSE_PROCESSES"] = "1"
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env={**os.environ, **env})


@pytest.fixture(scope="module")
def rounds(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("distributed")
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    with (
        store_environment("mongodb", folder / "single") as single_env,
        store_environment("mongodb", folder / "shared") as shared_env,
        ReplicaServer(REPLICA / "sites") as replica,
    ):
        import_replica_targets(single_env, folder, replica.url)
        import_replica_targets(shared_env, folder, replica.url)
        single_process_round(single_env)

        feeds = [folder / f"worker-{number}.jsonl" for number in range(WORKERS)]
        started = time.monotonic()
        processes = [worker(number, shared_env, redis_url, feeds[number]) for number in range(WORKERS)]
        outputs = [process.communicate(timeout=300) for process in processes]
        elapsed = time.monotonic() - started
        for process, (_, stderr) in zip(processes, outputs):
            assert process.returncode == 0, stderr[-4000:]
        yield {
            "single": open_store(single_env),
            "shared": open_store(shared_env),
            "observed": [[json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()] if feed.exists() else [] for feed in feeds],
            "logs": [stderr for _, stderr in outputs],
            "redis": server,
            "elapsed": elapsed,
        }


# What differs between two crawls of the round in the reasons of a review: the time a site's failed
# probes covered is measured, and the site that refuses connections is a port closed for each.
MEASURED = ((re.compile(r"仅跨[\d.]+秒"), "仅跨…秒"), (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:…"))


def verdict_rows(store: Any) -> list[tuple[str, str, str, list[str]]]:
    def labels(text: str) -> str:
        for pattern, same in MEASURED:
            text = pattern.sub(same, text)
        return text

    return [(v["target_key"], v["verdict"], labels(v["labels"]), v["finding_codes"])
            for v in store.find("verdicts", {"round": ROUND}, sort=[("target_key", 1)])]


def finding_rows(store: Any) -> list[tuple[str, str, str, str]]:
    return [(f["target_key"], f["code"], f["label"], f["severity"]) for f in store.find("findings", {"round": ROUND}, sort=[("target_key", 1), ("code", 1)])]


def observation_keys(store: Any) -> Counter:
    return Counter((o["target_key"], o["kind"], o["key"]) for o in store.find("observations", {"round": ROUND}))


# -- what the shared round must give --------------------------------------------------------


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_every_target_is_inspected_exactly_once_across_the_workers(rounds):
    seen = Counter((o["target_key"], o["kind"], o["key"]) for observed in rounds["observed"] for o in observed)
    assert [key for key, times in seen.items() if times != 1] == []
    # the same probes, home pages and columns as the single process looked at
    assert seen == observation_keys(rounds["single"])


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_the_workers_shared_the_work(rounds):
    shares = [len(observed) for observed in rounds["observed"]]
    assert sum(1 for share in shares if share) >= 2, shares


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_verdicts_and_findings_are_those_of_the_single_process_run(rounds):
    assert verdict_rows(rounds["shared"]) == verdict_rows(rounds["single"])
    assert finding_rows(rounds["shared"]) == finding_rows(rounds["single"])
    assert len(verdict_rows(rounds["shared"])) == len(rounds["single"].find("targets"))


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_a_crawler_reading_its_pages_in_a_worker_process_shares_the_round_alike(rounds):
    readers = ["page-reading workers: 1" in log for log in rounds["logs"]]
    assert readers == [number == PAGES_READ_IN_A_WORKER_PROCESS for number in range(WORKERS)]
    # it read pages, so the verdicts compared above depend on its readings
    assert {"home", "column"} <= {item["kind"] for item in rounds["observed"][PAGES_READ_IN_A_WORKER_PROCESS]}


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_one_worker_seeds_and_the_last_one_to_finish_assesses_the_round(rounds):
    logs = rounds["logs"]
    assert "this process seeds the shared sites queue" in logs[0]
    assert all("this process joins the shared sites queue" in log for log in logs[1:])
    # the per-process assessment is switched off: the targets are assessed once, at the end
    assert sum(log.count("targets assessed") for log in logs) == 1
    sites = len(rounds["single"].find("targets", {"kind": "site"}))
    assert any(f"round 2024-1: {sites} targets assessed (last sites process of the round)" in log for log in logs)


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_the_workers_are_one_run_of_the_round_and_it_is_finished(rounds):
    from govcheck.rounds import round_state

    shared = rounds["shared"]
    parts = shared.find("runs", {"round": ROUND})
    assert len(parts) == WORKERS and {p["state"] for p in parts} == {"finished"}
    assert len({p["run"] for p in parts}) == 1  # the joining processes took the seeding process's run
    assert {o["run"] for o in shared.find("observations", {"round": ROUND})} == {parts[0]["run"]}
    assert round_state(shared, ROUND).state == "finished"


@pytest.mark.browser
@pytest.mark.mongo
@pytest.mark.redis
@pytest.mark.slow
def test_the_round_leaves_an_empty_queue_and_no_running_workers_in_redis(rounds):
    keys = RoundKeys.of("sites", ROUND)
    server = rounds["redis"]
    assert server.zcard(keys.requests) == 0
    assert server.get(keys.workers) is None
    assert server.get(keys.seeding) == b"seeded"


# -- joining without a seed, and the switch itself ------------------------------------------------


@pytest.mark.redis
@pytest.mark.slow
def test_a_joining_worker_that_no_process_seeds_gives_up_with_a_clear_error(redis_url, tmp_path):
    with store_environment("embedded", tmp_path) as env, ReplicaServer(REPLICA / "sites") as replica:
        import_replica_targets(env, tmp_path, replica.url)
        command = [sys.executable, "-m", "scrapy", "crawl", "sites", "-a", "round=2024-9", "-a", f"as_of={AS_OF}",
                   "-s", f"GOVCHECK_REDIS_URL={redis_url}", "-s", "GOVCHECK_REDIS_WAIT_SECONDS=1"]
        for name, value in FAST_SETTINGS.items():
            command += ["-s", f"{name}={value}"]
        run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=120)
        assert run.returncode == 0, run.stderr[-3000:]
        assert "no process seeded the shared sites queue within 1 s; start one with -a seed=1" in run.stderr
        assert open_store(env).count("observations", {"round": "2024-9"}) == 0


def test_without_a_redis_url_the_addon_changes_nothing():
    settings = Settings({"ITEM_PIPELINES": {"govcheck.pipelines.ClassificationPipeline": 400}})
    before = settings.copy_to_dict()
    SharedRoundAddon().update_settings(settings)
    assert settings.copy_to_dict() == before


def test_with_a_redis_url_the_addon_switches_the_scheduler_and_keeps_the_operators_choices():
    settings = Settings({"ITEM_PIPELINES": {"govcheck.pipelines.ClassificationPipeline": 400}})
    settings.set("GOVCHECK_REDIS_URL", "redis://10.0.0.5:6379/0", priority="cmdline")
    settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.FifoQueue", priority="cmdline")
    SharedRoundAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "govcheck.distributed.RoundScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://10.0.0.5:6379/0" and settings.getbool("SCHEDULER_PERSIST")
    assert settings["SCHEDULER_QUEUE_CLASS"] == "scrapy_redis.queue.FifoQueue"
    assert list(settings.getdict("ITEM_PIPELINES").values()) == [None]


# -- the per-host limit across the nodes of a round (govcheck/leases.py) ---------------------------

NODE_LIMIT = 2


def test_two_crawlers_on_their_own_put_twice_their_limit_on_a_host():
    """What the leases are for: each process keeps its own per-host limit."""
    with LatencyWeb(2, 2, latency=(0.2, 0.3)) as web:
        urls = ",".join(web.home_url(site) for site in web.sites)
        command = [sys.executable, "-m", "scrapy", "runspider", "tests/politeness_spider.py", "-a", f"urls={urls}", "-a", "per_host=20",
                   "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={NODE_LIMIT}"]
        crawlers = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        assert [crawler.wait(timeout=300) for crawler in crawlers] == [0, 0]
        peaks = {site.address: web.snapshot()[site.address].peak for site in web.sites}
    assert max(peaks.values()) > NODE_LIMIT, peaks


def wait_for_workers(server: redis.Redis, count: int, timeout: float = 120) -> None:
    """Until ``count`` crawlers of the round have opened (a busy machine starts them slowly)."""
    deadline = time.monotonic() + timeout
    while int(server.get(RoundKeys.of("sites", ROUND).workers) or 0) < count:
        assert time.monotonic() < deadline, "the joining node did not start"
        time.sleep(0.2)


def test_two_nodes_of_a_round_put_at_most_the_limit_on_a_host(redis_url, tmp_path):
    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    with LatencyWeb(2, 16, latency=(0.4, 0.6)) as web, store_environment("embedded", tmp_path) as env:
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump(web.targets(), allow_unicode=True), encoding="utf-8")
        assert govcheck(env, "targets", "import", str(targets)).returncode == 0
        feeds = [tmp_path / f"node-{number}.jsonl" for number in range(2)]
        nodes = []
        # The joining node first, the seeding node once it is up: both take part in the round.
        # Each node alone could fill both hosts (CONCURRENT_REQUESTS 2 × NODE_LIMIT), so the
        # other one's requests must wait for their leases.
        for number in (1, 0):
            command = [sys.executable, "-m", "scrapy", "crawl", "sites", "-a", f"round={ROUND}", "-a", f"as_of={AS_OF}"]
            command += ["-a", "seed=1"] if number == 0 else []
            settings = {**FAST_SETTINGS, "GOVCHECK_REDIS_URL": redis_url, "CONCURRENT_REQUESTS_PER_DOMAIN": str(NODE_LIMIT),
                        "CONCURRENT_REQUESTS": str(2 * NODE_LIMIT), "FEEDS": json.dumps({feeds[number].as_uri(): {"format": "jsonlines"}})}
            for name, value in settings.items():
                command += ["-s", f"{name}={value}"]
            nodes.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env={**os.environ, **env}))
            if number == 1:
                wait_for_workers(server, 1)
        outputs = [node.communicate(timeout=300) for node in nodes]
        for node, (_, stderr) in zip(nodes, outputs):
            assert node.returncode == 0, stderr[-3000:]
        counts = web.snapshot()
        hosts = {site.address for site in web.sites}
        observed = [[json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()] for feed in feeds]

    assert {host: counts[host].peak for host in hosts} == {host: NODE_LIMIT for host in hosts}
    assert all(observed), [len(o) for o in observed]  # both nodes fetched pages of the round
    assert server.keys("govcheck:hosts:*") == []  # every lease was given back


def test_a_host_full_on_one_node_waits_on_the_other_until_a_lease_is_given_back(redis_url):
    async def scenario() -> list[str]:
        events = []
        first, second = HostLeases(redis_url, 30), HostLeases(redis_url, 30)
        held = [await first.acquire([("a.gov.cn", 1, NODE_LIMIT)]) for _ in range(NODE_LIMIT)]
        waiting = asyncio.ensure_future(second.acquire([("a.gov.cn", 1, NODE_LIMIT)]))
        await asyncio.sleep(1)
        events.append("second got one" if waiting.done() else "second waits")
        other_host = await asyncio.wait_for(second.acquire([("b.gov.cn", 1, NODE_LIMIT)]), 5)
        events.append("another host is free")
        first.release(held[0])
        await asyncio.wait_for(waiting, 5)
        events.append("second got one once the first gave one back")
        for lease in held[1:]:
            first.release(lease)
        for lease in (waiting.result(), other_host):
            second.release(lease)
        await first.drain()
        await second.drain()
        return events

    redis.Redis.from_url(redis_url).flushdb()
    assert asyncio.run(scenario()) == ["second waits", "another host is free", "second got one once the first gave one back"]
    assert redis.Redis.from_url(redis_url).keys("govcheck:hosts:*") == []


def test_the_leases_of_a_node_that_stopped_expire(redis_url):
    async def scenario() -> float:
        crashed, other = HostLeases(redis_url, 1), HostLeases(redis_url, 1)
        for _ in range(NODE_LIMIT):
            await crashed.acquire([("a.gov.cn", 1, NODE_LIMIT)])
        crashed._renewing.cancel()  # the node is gone: nothing renews or gives back its leases
        started = time.monotonic()
        await asyncio.wait_for(other.acquire([("a.gov.cn", 1, NODE_LIMIT)]), 10)
        waited = time.monotonic() - started
        await other.drain()
        return waited

    redis.Redis.from_url(redis_url).flushdb()
    waited = asyncio.run(scenario())
    assert 0.5 < waited < 3, waited


def test_leases_held_for_longer_than_their_time_are_renewed(redis_url):
    async def scenario() -> bool:
        node, other = HostLeases(redis_url, 1), HostLeases(redis_url, 1)
        held = [await node.acquire([("a.gov.cn", 1, NODE_LIMIT)]) for _ in range(NODE_LIMIT)]
        waiting = asyncio.ensure_future(other.acquire([("a.gov.cn", 1, NODE_LIMIT)]))
        await asyncio.sleep(2.5)  # two and a half lease times: still held, renewed
        still_waiting = not waiting.done()
        node.release(held[0])
        await asyncio.wait_for(waiting, 5)
        for lease in held[1:]:
            node.release(lease)
        other.release(waiting.result())
        await node.drain()
        await other.drain()
        return still_waiting

    redis.Redis.from_url(redis_url).flushdb()
    assert asyncio.run(scenario())


def test_a_splash_render_takes_the_page_host_and_the_splash_server_together_or_neither(redis_url):
    async def scenario() -> tuple[int, int]:
        node = HostLeases(redis_url, 30)
        client = redis.Redis.from_url(redis_url)
        other_render = await node.acquire([("splash", 1, 1)])  # the Splash server busy with another render
        render = asyncio.ensure_future(node.acquire([("splash", 1, 1), ("a.gov.cn", NODE_LIMIT, NODE_LIMIT)]))
        await asyncio.sleep(0.5)
        page_host_while_waiting = client.zcard("govcheck:hosts:a.gov.cn")
        node.release(other_render)
        await asyncio.wait_for(render, 5)
        page_host_while_rendering = client.zcard("govcheck:hosts:a.gov.cn")
        node.release(render.result())
        await node.drain()
        return page_host_while_waiting, page_host_while_rendering

    redis.Redis.from_url(redis_url).flushdb()
    assert asyncio.run(scenario()) == (0, NODE_LIMIT)

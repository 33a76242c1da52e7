"""A week of availability probes: the ``probes`` job run again and again adds to the round's record,
and the rules judge 站点无法访问 on the failure ratio over every probe once the window is complete.

Two replica sites answer through routes that count their visits and fail on chosen ones:
``flaky`` on 7 of 140 visits (5 %: the indicator's threshold), ``steady`` on 6 (4.3 %). The
probes job runs 139 times (one process crawling it again and again, as cron would start it,
only faster), then once more: 140 probes a site, 20 a day for 7 days.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import pytest
import yaml

from govcheck.registry import import_targets
from govcheck_demo.replica import Reply, ReplicaServer
from govcheck_demo.replicas.targets import site_row
from govcheck.store import SHANGHAI
from support import REPO, open_store, store_environment

ROUND = "2024-1"
AS_OF = "2024-02-20"
WEEK = 140  # min_probes_for_ratio of national-2019: 20 visits a day for 7 days
FAILING_VISITS = {
    "flaky": {3, 20, 41, 62, 83, 104, 125},  # 7 / 140 = 5 %
    "steady": {10, 30, 50, 70, 90, 110},  # 6 / 140 ≈ 4.3 %
}
NAMES = {"flaky": "渭南市时断时续局", "steady": "渭南市基本稳定局"}

# Runs the probes spider N times in one process, one crawl after the other: each crawl is one
# scheduled run of the job (its own run time, its own probe keys).
RUNS = """
import asyncio, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.log import configure_logging
from scrapy.utils.project import get_project_settings
from scrapy.utils.defer import deferred_f_from_coro_f
from twisted.internet import reactor, task

settings = get_project_settings()
settings.setdict({"LOG_LEVEL": "INFO", "GOVCHECK_PROBE_TIMEOUT": 5, "GOVCHECK_PROGRESS_INTERVAL": 0}, priority="cmdline")
configure_logging(settings)
runner = AsyncCrawlerRunner(settings)

async def runs(count):
    for _ in range(count):
        await runner.crawl("probes", round=sys.argv[2], as_of=sys.argv[3])

task.react(deferred_f_from_coro_f(lambda _reactor: runs(int(sys.argv[1]))))
"""


def counting_route(failing: set[int]) -> tuple[Callable[..., Reply], list[int]]:
    """A home page that fails on the chosen visits (HTTP 503 or a reset connection, by turns)."""
    visits: list[int] = []
    lock = threading.Lock()

    def route(path: str, query: Mapping[str, Any], headers: Mapping[str, str]) -> Reply:
        with lock:
            visits.append(len(visits) + 1)
            number = visits[-1]
        if number in failing:
            return Reply(reset=True) if number % 2 else Reply(503, "<html><body>Service Unavailable</body></html>", "text/html")
        return Reply(200, "<html><body><h1>首页</h1></body></html>", "text/html; charset=utf-8")

    return route, visits


def run_probes(times: int, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", RUNS, str(times), ROUND, AS_OF]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=600)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("probes")
    routes, visits = {}, {}
    for slug, failing in FAILING_VISITS.items():
        routes[f"/{slug}/"], visits[slug] = counting_route(failing)
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes=routes) as server:
        targets = {"网站": [site_row(NAMES[slug], f"{server.url}/{slug}/", "县级部门网站", "渭南市") for slug in FAILING_VISITS]}
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI))

        six_days_and_more = run_probes(WEEK - 1, env)
        assert six_days_and_more.returncode == 0, six_days_and_more.stderr[-4000:]
        before = {slug: snapshot(store, slug) for slug in FAILING_VISITS}
        last = run_probes(1, env)
        assert last.returncode == 0, last.stderr[-4000:]
        after = {slug: snapshot(store, slug) for slug in FAILING_VISITS}
        yield {"before": before, "after": after, "visits": {slug: list(v) for slug, v in visits.items()}, "logs": six_days_and_more.stderr + last.stderr}


def snapshot(store: Any, slug: str) -> dict[str, Any]:
    target_key = f"site:{NAMES[slug]}"
    return {
        "probes": store.find("observations", {"round": ROUND, "target_key": target_key, "kind": "probe"}),
        "findings": store.find("findings", {"round": ROUND, "target_key": target_key}),
        "verdict": store.find_one("verdicts", {"round": ROUND, "target_key": target_key}),
    }


def availability(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in findings if f["code"].startswith("site.availability.")]


@pytest.mark.slow
def test_every_run_visits_each_site_once_and_adds_a_probe_of_its_own(week):
    for slug in FAILING_VISITS:
        probes = week["after"][slug]["probes"]
        assert len(week["visits"][slug]) == WEEK  # one visit a run, never retried
        assert len(probes) == WEEK and len({p["key"] for p in probes}) == WEEK
        assert all(re.fullmatch(r"probe-\d{8}T\d{6}\.\d{3}", p["key"]) for p in probes), probes[0]["key"]


@pytest.mark.slow
def test_failed_visits_are_recorded_with_what_went_wrong(week):
    failed = [p for p in week["after"]["flaky"]["probes"] if not p["ok"]]
    assert len(failed) == 7
    assert {p["status"] for p in failed} == {503, None}  # HTTP 503, and resets without an answer
    assert all(p["error"] and p["fetched_at"] and p["url"].endswith("/flaky/") for p in failed)


@pytest.mark.slow
def test_before_the_window_is_complete_failures_leave_the_site_for_review(week):
    found = availability(week["before"]["flaky"]["findings"])
    assert [(f["severity"], f["reason"]) for f in found] == [("review", "139次探测中7次失败；单次检查无法按指标的一周比例判定")]
    assert week["before"]["flaky"]["verdict"]["verdict"] == "待人工复核"


@pytest.mark.slow
def test_five_percent_of_a_weeks_probes_failing_is_site_unreachable(week):
    found = availability(week["after"]["flaky"]["findings"])
    assert [(f["code"], f["label"], f["severity"]) for f in found] == [("site.availability.unreachable", "站点无法访问", "veto")]
    evidence, rule = found[0]["evidence"], found[0]["rule"]
    assert (evidence["probes"], evidence["failed"], len(evidence["visits"])) == (WEEK, 7, WEEK)
    assert rule["threshold"]["failure_ratio"] == 0.05 and rule["threshold"]["min_probes_for_ratio"] == WEEK
    verdict = week["after"]["flaky"]["verdict"]
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "站点无法访问")


@pytest.mark.slow
def test_fewer_failures_than_five_percent_raise_no_availability_finding(week):
    assert availability(week["after"]["steady"]["findings"]) == []
    # without a home-page read of the round, the site stays for review, never 不合格
    assert week["after"]["steady"]["verdict"]["verdict"] == "待人工复核"


@pytest.mark.slow
def test_the_probe_job_starts_no_browser(week):
    assert "Launching browser" not in week["logs"] and "playwright" not in week["logs"].lower()


# -- answers that refuse the crawler are no visit ------------------------------------------------

REFUSING = {  # slug → (status, counted as a visit: ok)
    "login": (401, None),
    "forbidden": (403, None),
    "teapot": (418, None),
    "throttled": (429, None),
    "challenged": (521, None),  # an anti-crawler service's cookie challenge, which a browser passes
    "gone": (404, False),
    "down": (503, False),
}


def answering(status: int) -> Callable[..., Reply]:
    def route(path: str, query: Mapping[str, Any], headers: Mapping[str, str]) -> Reply:
        return Reply(status, f"<html><body>HTTP {status}</body></html>", "text/html; charset=utf-8")

    return route


# One run of the probes spider that writes what it yields to a JSON-lines file, before any pipeline.
YIELDED = """
import sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

settings = get_project_settings()
settings.setdict({"LOG_LEVEL": "INFO", "GOVCHECK_PROBE_TIMEOUT": 5, "GOVCHECK_PROGRESS_INTERVAL": 0, "ITEM_PIPELINES": {},
                  "FEEDS": {sys.argv[3]: {"format": "jsonlines"}}}, priority="cmdline")
process = CrawlerProcess(settings)
process.crawl("probes", round=sys.argv[1], as_of=sys.argv[2])
process.start()
"""


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("refused")
    routes = {f"/{slug}/": answering(status) for slug, (status, _) in REFUSING.items()}
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes=routes) as server:
        targets = {"网站": [site_row(f"渭南市{slug}局", f"{server.url}/{slug}/", "县级部门网站", "渭南市") for slug in REFUSING]}
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI))
        run = run_probes(1, env)
        assert run.returncode == 0, run.stderr[-4000:]
        feed = folder / "yielded.jsonl"
        command = [sys.executable, "-c", YIELDED, ROUND, AS_OF, feed.as_uri()]
        yielded = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=600)
        assert yielded.returncode == 0, yielded.stderr[-4000:]
        probes = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
        yield {slug: {
            "probes": [p for p in probes if p["target_key"] == f"site:渭南市{slug}局"],
            "findings": store.find("findings", {"round": ROUND, "target_key": f"site:渭南市{slug}局"}),
            "verdict": store.find_one("verdicts", {"round": ROUND, "target_key": f"site:渭南市{slug}局"}),
        } for slug in REFUSING}


@pytest.mark.parametrize("slug", REFUSING)
@pytest.mark.slow
def test_login_walls_crawler_blocks_and_rate_limits_are_no_visit(refused, slug):
    status, ok = REFUSING[slug]
    [probe] = refused[slug]["probes"]  # what the spider yields, before any pipeline: the observation's fields
    assert probe["status"] == status and probe["ok"] is ok
    assert f"HTTP {status}" in probe["error"]
    if ok is None:
        assert "not counted" in probe["error"]  # the reason the visit does not count


@pytest.mark.parametrize("slug", [s for s, (_, ok) in REFUSING.items() if ok is None])
@pytest.mark.slow
def test_a_site_that_only_refused_the_crawler_is_left_for_review(refused, slug):
    [finding] = availability(refused[slug]["findings"])
    assert finding["severity"] == "review"
    assert refused[slug]["verdict"]["verdict"] == "待人工复核"
    # the reason and the evidence say what the site answered: the refused probe was stored, not dropped
    status = REFUSING[slug][0]
    assert "均不计为访问" in finding["reason"] and f"HTTP {status}" in finding["reason"]
    [kept] = finding["evidence"]["visits_not_counted"]
    assert (kept["status"], kept["ok"], kept["not_counted"]) == (status, None, "refused")


@pytest.mark.parametrize("slug", [s for s, (_, ok) in REFUSING.items() if ok is False])
@pytest.mark.slow
def test_a_missing_page_or_a_server_error_is_still_a_failed_visit(refused, slug):
    [finding] = availability(refused[slug]["findings"])
    # counted as a failed visit (not set aside as refused to us) …
    assert (finding["evidence"]["probes"], finding["evidence"]["failed"], finding["evidence"]["visits_not_counted"]) == (1, 1, [])
    assert finding["evidence"]["visits"][0]["status"] == REFUSING[slug][0]
    # … but one visit shows no outage over the profile's span (3 failed visits over 30 minutes)
    assert finding["severity"] == "review" and "1次访问均失败" in finding["reason"] and "不少于1800秒" in finding["reason"]
    assert refused[slug]["verdict"]["verdict"] == "待人工复核"

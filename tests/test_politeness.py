"""The per-host limit holds for every request a crawl makes (govcheck/politeness.py).

A loopback web (bench/latency_web.py) puts each site on a host of its own (its own 127.1.x.y
address: Scrapy's slots, and our limit, key by host name) and counts the most requests each
host ever had in flight. Crawls run in processes of their own, as operators run them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import yaml

from support import REPO, govcheck, open_store, store_environment

sys.path.insert(0, str(REPO / "bench"))
from latency_web import LatencyWeb  # noqa: E402

LIMIT = 4
SCRAPY_DOWNLOADER = "scrapy.core.downloader.Downloader"


@pytest.fixture(scope="module")
def web() -> Iterator[LatencyWeb]:
    with LatencyWeb(3, 2, latency=(0.2, 0.3), jitter=0.1) as served:
        yield served


def crawl_many_pages(web: LatencyWeb, way: str, per_host: int = 40, answered: bool = True, **settings: str) -> dict[str, int]:
    """The most requests in flight on each host while the test spider fetched ``per_host`` pages
    of each (under ``*``: on all of them together); ``answered``: every page was read."""
    web.reset()
    urls = ",".join(web.home_url(site) for site in web.sites)
    command = [sys.executable, "-m", "scrapy", "runspider", "tests/politeness_spider.py", "-a", f"urls={urls}", "-a", f"way={way}", "-a", f"per_host={per_host}"]
    for name, value in {"CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": str(LIMIT), **settings}.items():
        command += ["-s", f"{name}={value}"]
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    rendered = 1 if way in ("render", "splash") else 0
    if answered:
        assert f"'pages_read': {(per_host + rendered) * len(web.sites)}" in run.stderr, run.stderr[-3000:]
    return {host: counts.peak for host, counts in web.snapshot().items()}


@pytest.mark.parametrize("way", ["scheduled", "download_async"])
def test_scrapys_own_downloader_lets_a_host_get_more_than_the_limit(web, way):
    """The upstream bug our downloader works around (docs/scrapy-slot-bug.md): should a Scrapy
    release fix it, this test fails, and the workaround can be dropped."""
    peaks = crawl_many_pages(web, way, DOWNLOADER=SCRAPY_DOWNLOADER)
    assert max(peaks[site.address] for site in web.sites) > LIMIT, peaks


@pytest.mark.parametrize("way", ["scheduled", "download_async"])
def test_every_host_gets_at_most_the_limit_and_reaches_it(web, way):
    peaks = crawl_many_pages(web, way)
    assert {peaks[site.address] for site in web.sites} == {LIMIT}, peaks


def test_the_limit_holds_with_a_download_delay(web):
    peaks = crawl_many_pages(web, "download_async", DOWNLOAD_DELAY="0.01")
    assert max(peaks[site.address] for site in web.sites) <= LIMIT, peaks


@pytest.mark.parametrize("downloader, most", [(SCRAPY_DOWNLOADER, "over"), ("govcheck.politeness.PoliteDownloader", 6)])
def test_concurrent_requests_bounds_the_transfers_of_every_host_together(web, downloader, most):
    """Requests a callback downloads itself went past CONCURRENT_REQUESTS in Scrapy's downloader."""
    peaks = crawl_many_pages(web, "download_async", DOWNLOADER=downloader, CONCURRENT_REQUESTS="6")
    if most == "over":
        assert peaks["*"] > 6, peaks
    else:
        assert peaks["*"] == most and max(peaks[site.address] for site in web.sites) <= LIMIT, peaks


@pytest.fixture(scope="module")
def slow_web() -> Iterator[LatencyWeb]:
    """Hosts that answer in 0.7 s, every time: longer than the client's timeout below."""
    with LatencyWeb(2, 2, latency=(0.7, 0.7), jitter=0) as served:
        yield served


def crawl_timing_out(web: LatencyWeb, **settings: str) -> dict[str, int]:
    """Eight pages a host, none answered within DOWNLOAD_TIMEOUT 0.5 s (not retried): the server
    goes on working on each for 0.2 s after we gave up on it."""
    peaks = crawl_many_pages(
        web, "scheduled", per_host=8, answered=False,
        CONCURRENT_REQUESTS_PER_DOMAIN="2", DOWNLOAD_TIMEOUT="0.5", RETRY_ENABLED="False", **settings,
    )
    # every page was asked for: a host held after a timeout is given back by its timer
    assert {host: counts.requests for host, counts in web.snapshot().items() if host != "*"} == {
        site.address: 8 for site in web.sites
    }
    return peaks


def test_a_request_we_timed_out_keeps_its_host_until_the_server_may_be_done(slow_web):
    """Scrapy drops the connection of a request it timed out; the server may still be working
    on it, so the host's transfer is held a while longer (GOVCHECK_TIMEOUT_HOLD_SECONDS, by
    default the request's own timeout) before the host's next request goes."""
    peaks = crawl_timing_out(slow_web)
    assert {peaks[site.address] for site in slow_web.sites} == {2}, peaks


def test_without_the_hold_a_host_gets_more_than_the_limit_after_our_timeouts(slow_web):
    """What the hold is for (the gap a 2,000-site round found): freed at once, the transfer of
    a timed-out request goes to the host's next request while the server still serves the old."""
    peaks = crawl_timing_out(slow_web, GOVCHECK_TIMEOUT_HOLD_SECONDS="0")
    assert max(peaks[site.address] for site in slow_web.sites) > 2, peaks


SCRAPY_PLAYWRIGHT = '{"http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"}'


def test_chromium_alone_opens_more_connections_to_a_host_than_the_limit(web):
    """What the limit has to hold against: Chromium opens six connections a host by itself."""
    peaks = crawl_many_pages(web, "render", per_host=8, DOWNLOADER=SCRAPY_DOWNLOADER, DOWNLOAD_HANDLERS=SCRAPY_PLAYWRIGHT)
    assert max(peaks[site.address] for site in web.sites) > LIMIT, peaks


def test_a_rendered_page_and_what_chromium_loads_for_it_stay_within_the_limit(web):
    peaks = crawl_many_pages(web, "render", per_host=8)
    assert max(peaks[site.address] for site in web.sites) <= LIMIT, peaks
    images = sum(counts.kinds["image"] for host, counts in web.snapshot().items() if host != "*")
    assert images == 12 * len(web.sites)  # the browser did load them


def test_a_splash_render_holds_the_page_host_while_splash_fetches_it(web):
    from govcheck_demo.replicas.splash import SplashServer

    with SplashServer() as splash:
        peaks = crawl_many_pages(web, "splash", per_host=12, SPLASH_URL=splash.url, CONCURRENT_REQUESTS_PER_DOMAIN="1")
    # one at a time: the page host held while Splash's browser fetches the page, whatever else is queued
    assert max(peaks[site.address] for site in web.sites) == 1, peaks


def test_a_whole_sites_round_keeps_every_host_within_the_limit(tmp_path):
    """Probes, home pages, columns, link checks (the site's own and shared portals) of a round."""
    with LatencyWeb(4, 5, latency=(0.05, 0.3)) as served, store_environment("embedded", tmp_path) as env:
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump(served.targets(), allow_unicode=True), encoding="utf-8")
        assert govcheck(env, "targets", "import", str(targets)).returncode == 0
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
        for name, value in {"GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "5"}.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        counts = served.snapshot()
        store = open_store(env)

    site_hosts = {site.address for site in served.sites}
    assert site_hosts <= set(counts)
    assert {host: c.peak for host, c in counts.items() if host != "*" and c.peak > LIMIT} == {}
    # the round did press on the sites' hosts (else the limit would prove nothing)
    assert max(counts[host].peak for host in site_hosts) == LIMIT
    link_checks = int(re.search(r"'politeness/transfers/link': (\d+)", run.stderr).group(1))
    assert link_checks > 0
    assert len(store.find("verdicts", {"round": "2024-1"})) == len(served.sites)

"""Real saved home pages of government sites (../shared/corpus, read in place, never copied):
what may never happen on any of them.

- A page labelled with a channel (``has_channel`` true) or "unclear" is never read as "no
  channel": the channel is found, or the outcome is a review.
- A labelled newest date is never read as another date: it is read right, or the page is
  reviewed (no date read).

Each page is read at its own time (tests/corpus.py): its labelled newest date or its
generation stamp. The pure reading (the spider's reading path: extract.page → observation →
rules) runs on every page; then the pages are served from a loopback server and crawled by the
sites spider, one round per group of pages saved about the same time. Nothing reaches outside
loopback: every other address goes to a guard proxy on loopback that refuses it (Scrapy through
http_proxy, Chromium through its launch options), outbound links are not checked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml

from govcheck import settings as govcheck_settings
from corpus import LabelledPage, home_observation, load_corpus, rounds
from govcheck_demo.replica import ReplicaServer
from govcheck.rules import load_profile
from govcheck.rules import evaluate_site, home_page_findings
from support import REPO, govcheck, open_store, store_environment

CORPUS = REPO.parent / "shared" / "corpus"
if not (CORPUS / "labels.json").exists():
    pytest.skip(f"no corpus of labelled real pages at {CORPUS} (CI has it beside the checkout)", allow_module_level=True)

PROFILE = load_profile()
PLATFORM_HOSTS = PROFILE.section("websites", "interaction")["platform_hosts"]
HOMES = load_corpus(CORPUS, "home")
ROUNDS = rounds(HOMES)
AS_OF = {page.name: as_of for as_of, group in ROUNDS for page in group}
WITH_A_CHANNEL = [page for page in HOMES if page.label.get("has_channel") in (True, "unclear")]


def by_name(pages: list[LabelledPage]) -> list[Any]:
    return [pytest.param(page, id=page.name) for page in pages]


def times_of(page: LabelledPage) -> list[datetime]:
    """The page's own time, and its round's (a few days later at most)."""
    return sorted({time for time in (page.own_time, AS_OF[page.name]) if time is not None})


def target_of(page: LabelledPage, url: str | None = None) -> dict[str, Any]:
    return {"key": f"site:{page.name}", "name": page.name, "url": url or page.base_url, "columns": []}


def day(value: Any) -> str | None:
    return value.date().isoformat() if value else None


def test_the_corpus_has_home_pages_with_labels():
    assert HOMES and all(page.label.get("has_channel") in (True, False, "unclear") for page in HOMES)


# -- the reading path, on every page ---------------------------------------------------------


@pytest.mark.parametrize("page", by_name(WITH_A_CHANNEL))
def test_a_page_labelled_with_a_channel_is_never_read_as_no_channel(page):
    for as_of in times_of(page):
        home = home_observation(page, as_of, PLATFORM_HOSTS)
        findings = evaluate_site(target_of(page), [home], as_of, PROFILE)
        vetoes = [f for f in findings if f.code == "site.interaction.no_channel"]
        assert not vetoes, (page.name, as_of, page.label["interaction_channels"], vetoes[0].evidence)


@pytest.mark.parametrize("page", by_name(HOMES))
def test_a_labelled_newest_date_is_never_read_as_another(page):
    for as_of in times_of(page):
        home = home_observation(page, as_of, PLATFORM_HOSTS)
        findings = home_page_findings(target_of(page), [home], as_of, PROFILE)
        if any(f.severity == "review" for f in findings):
            continue  # not read, or no date read: an inspector looks
        [read] = {day(f.evidence["newest_date"]) for f in findings} or {day(home["newest_date"])}
        assert read == page.newest_date, (page.name, as_of, page.label["notes"][:200])


# -- the sites spider, over loopback ---------------------------------------------------------


class _Guard(BaseHTTPRequestHandler):
    """A proxy on loopback that refuses every request: what it sees would have left the machine."""

    seen: list[tuple[str, str, str]]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _refuse(self) -> None:
        self.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    do_GET = do_HEAD = do_POST = do_CONNECT = _refuse


@pytest.fixture(scope="module")
def guard() -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    seen: list[tuple[str, str, str]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Guard", (_Guard,), {"seen": seen}))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def crawl_settings(proxy: str) -> dict[str, str]:
    launch = json.loads(json.dumps(govcheck_settings.PLAYWRIGHT_LAUNCH_OPTIONS))
    launch["proxy"] = {"server": proxy, "bypass": "127.0.0.1,localhost"}
    return {
        "GOVCHECK_PROBE_INTERVAL": "0.2",
        "GOVCHECK_PROBE_TIMEOUT": "5",
        "DOWNLOAD_TIMEOUT": "5",
        "RETRY_TIMES": "0",
        "GOVCHECK_CHECK_OUTBOUND_LINKS": "False",
        "PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps(launch),
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": "15000",
    }


@pytest.fixture(scope="module")
def crawled(guard, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every home page served from the corpus folder in place, crawled round by round; the
    sites are registered without columns, as an office registers a site it knows only by its
    address (its navigation's columns are found and read: on loopback they do not exist)."""
    proxy, seen = guard
    stay_home = {"http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy,
                 "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}
    results: dict[str, Any] = {"observations": {}, "findings": {}, "verdicts": {}, "urls": {}, "as_of": {}}
    with ReplicaServer(CORPUS) as server:
        for number, (as_of, pages) in enumerate(ROUNDS):
            folder = tmp_path_factory.mktemp(f"corpus-{number}")
            with store_environment("embedded", folder) as env:
                env = {**env, **stay_home}
                sites = [
                    {"网站名称": f"语料{page.name}", "网址": f"{server.url}/{page.name}", "网站类别": "县级部门网站", "区县": "语料", "主办单位": page.name}
                    for page in pages
                ]
                register = folder / "targets.yaml"
                register.write_text(yaml.safe_dump({"网站": sites}, allow_unicode=True), encoding="utf-8")
                imported = govcheck(env, "targets", "import", str(register), timeout=120)
                assert imported.returncode == 0, imported.stderr
                arguments = ["run", "--round", f"{as_of.year}-{number + 1}", "--as-of", as_of.date().isoformat(), "--spider", "sites"]
                for name, value in crawl_settings(proxy).items():
                    arguments += ["--set", f"{name}={value}"]
                run = govcheck(env, *arguments, timeout=900)
                assert run.returncode == 0, run.stderr[-4000:]
                store = open_store(env)
                for page in pages:
                    key = f"site:语料{page.name}"
                    results["observations"][page.name] = store.find_one("observations", {"target_key": key, "kind": "home"})
                    results["findings"][page.name] = store.find("findings", {"target_key": key})
                    results["verdicts"][page.name] = store.find_one("verdicts", {"target_key": key})
                    results["urls"][page.name] = f"{server.url}/{page.name}"
                    results["as_of"][page.name] = as_of
    results["outbound"] = list(seen)
    yield results


@pytest.mark.browser
@pytest.mark.slow
def test_every_corpus_page_is_crawled_and_judged(crawled):
    for page in HOMES:
        assert crawled["verdicts"][page.name] is not None, page.name
        home = crawled["observations"][page.name]
        assert home is not None and home["status"] == 200, page.name


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("page", by_name(WITH_A_CHANNEL))
def test_a_crawled_page_labelled_with_a_channel_is_never_failed_for_none(crawled, page):
    codes = {f["code"] for f in crawled["findings"][page.name]}
    assert "site.interaction.no_channel" not in codes, (page.name, crawled["observations"][page.name].get("channel_search"))


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("page", by_name(HOMES))
def test_a_crawled_page_s_newest_date_is_the_labelled_one_or_reviewed(crawled, page):
    home, as_of = crawled["observations"][page.name], crawled["as_of"][page.name]
    findings = home_page_findings(target_of(page, crawled["urls"][page.name]), [home], as_of, PROFILE)
    if any(f.severity == "review" for f in findings):
        return
    [read] = {day(f.evidence["newest_date"]) for f in findings} or {day(home["newest_date"])}
    assert read == page.newest_date, page.name


@pytest.mark.browser
@pytest.mark.slow
def test_nothing_left_the_machine(crawled):
    # What the pages link to on their real hosts went to the guard, which refused it: what
    # Chromium asked for while rendering (scripts and images of the real hosts, and Chromium's
    # own calls), and the places a channel may be that the spider asked for on other hosts
    # (Scrapy). Detail pages on their real hosts are off the loopback list's site: the network
    # policy refuses them before anything is sent. Everything else was loopback.
    agents = {"chromium" if "Chrome" in agent else "scrapy" for _, _, agent in crawled["outbound"]}
    assert "chromium" in agents and agents <= {"chromium", "scrapy"}, crawled["outbound"]

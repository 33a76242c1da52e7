"""Link checks ask each URL once per round, reuse the round's own fetches and keep to a budget.

One sites round over the latency web (bench/latency_web.py: a host per site, shared portals,
broken links, one site in ten refusing HEAD), whose server counts every request by host,
method and path; then one test per behaviour.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import pytest
import yaml

from govcheck.rules import load_profile
from govcheck.rules import link_findings
from support import REPO, govcheck, open_store, store_environment

sys.path.insert(0, str(REPO / "bench"))
from latency_web import LatencyWeb, portal_address  # noqa: E402

BUDGET = load_profile("national-2019").section("websites", "links")["checked_per_site"]
SETTINGS = {"GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "5", "RETRY_TIMES": "1"}


@pytest.fixture(scope="module")
def round_(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("links")
    with LatencyWeb(10, 3, latency=(0.02, 0.1), count_paths=True) as web, store_environment("embedded", folder) as env:
        targets = folder / "targets.yaml"
        targets.write_text(yaml.safe_dump(web.targets(), allow_unicode=True), encoding="utf-8")
        assert govcheck(env, "targets", "import", str(targets)).returncode == 0
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
        for name, value in SETTINGS.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        store = open_store(env)
        pages = store.find("observations", {"round": "2024-1", "kind": {"$in": ["home", "column"]}})
        return {"web": web, "counts": web.snapshot(), "pages": pages, "log": run.stderr}


def requests_for(round_: dict[str, Any], url: str) -> Counter:
    """Requests the web received for one URL, by method."""
    host, path = re.match(r"http://([^:/]+):\d+(/.*)", url).groups()
    paths = round_["counts"][host].paths
    return Counter({method: count for (method, asked), count in paths.items() if asked == path})


def links_of(round_: dict[str, Any], site: Any, kind: str) -> list[dict[str, Any]]:
    return [p["links"] for p in round_["pages"] if p["target_key"] == f"site:{site.name}" and p["kind"] == kind]


def test_links_to_a_sites_registered_pages_are_answered_by_those_pages_not_checked(round_):
    """Every page links the site's home page and columns: the fetches of those pages answer the
    links (the rules read them from the pages' own observations); no request checks them.

    Other sites' home pages link this home page too; for them it is just another link, answered
    by its fetch when that is under way, else by one check for the whole round (on a busy
    machine a site may be read before another's home page reached the downloader)."""
    web = round_["web"]
    for site in web.sites:
        columns = {web.column_url(site, column): Counter({"GET": 1}) for column in range(web.columns)}
        assert {url: requests_for(round_, url) for url in columns} == columns
        asked = requests_for(round_, web.home_url(site))
        check = asked - Counter({"GET": 4})  # beyond the 3 probes and the page: one link check at most
        assert asked["GET"] >= 4 and set(check) <= {"HEAD", "GET"} and max(check.values(), default=0) <= 1, asked
        [home] = links_of(round_, site, "home")
        assert home["pages"] == [web.home_url(site), *(web.column_url(site, column) for column in range(web.columns))]


def test_a_broken_registered_page_is_a_broken_link_of_every_page_that_links_it():
    target = {"url": "http://a.gov.cn/", "columns": [{"name": "通知公告", "url": "http://a.gov.cn/tzgg/"}, {"name": "工作动态", "url": "http://a.gov.cn/gzdt/"}]}
    linking = {"pages": ["http://a.gov.cn/", "http://a.gov.cn/tzgg/", "http://a.gov.cn/gzdt/"], "broken": [], "unchecked": []}
    pages = [
        {"key": "home", "url": "http://a.gov.cn/", "status": 200, "links": linking},
        {"key": "通知公告", "url": "http://a.gov.cn/tzgg/", "status": 404, "state": "failed", "error": "HTTP 404", "links": None},
        {"key": "工作动态", "url": "http://a.gov.cn/gzdt/", "status": None, "state": "failed", "error": "timeout"},
    ]
    findings = link_findings(target, pages, datetime(2024, 2, 20, tzinfo=timezone.utc), load_profile("national-2019"))
    [finding] = [f for f in findings if f.severity == "deduct"]
    assert finding.code == "site.links.home"  # linked from the home page: counted with the home page's links
    assert [(b["url"], b["status"], b["found_on"]) for b in finding.evidence["broken"]] == [("http://a.gov.cn/tzgg/", 404, ["http://a.gov.cn/"])]
    assert [(u["url"], u["error"]) for u in finding.evidence["unchecked"]] == [("http://a.gov.cn/gzdt/", "timeout")]


def test_a_url_that_many_sites_link_to_is_asked_once_per_round(round_):
    web = round_["web"]
    portal_page = f"http://{portal_address(1)}:{web.port}/p0.html"  # in every site's footer
    assert sum(requests_for(round_, portal_page).values()) == 1
    gone = f"http://{portal_address(0)}:{web.port}/p9.html"
    assert requests_for(round_, gone) == Counter({"HEAD": 1, "GET": 1})  # 404 to HEAD, confirmed by GET
    # and every site shows it as its broken link
    for site in web.sites:
        broken = {b["url"] for links in links_of(round_, site, "home") for b in links["broken"]}
        assert gone in broken, site.name


def test_a_site_gets_at_most_its_budget_of_checks_of_its_own_home_page_first(round_):
    """The profile's checked_per_site bounds the links of a site's host checked by a request of
    their own (the pages of the round are fetched, not checked); the home page's go first."""
    web = round_["web"]
    for site in web.sites:
        pages = {"/", *(f"/c{column}/" for column in range(web.columns))}
        checked_paths = {path for (_, path) in round_["counts"][site.address].paths if path not in pages}
        [home] = links_of(round_, site, "home")
        columns = links_of(round_, site, "column")
        assert len(checked_paths) == BUDGET, site.name  # the web offers more: the budget was used up
        assert home["skipped"] == 0 and home["checked"] == home["found"], site.name
        assert sum(c["skipped"] for c in columns) > 0, site.name


def test_a_host_that_refuses_head_is_asked_with_get_after_its_first_answer(round_):
    web = round_["web"]
    refusing = [site for site in web.sites if site.refuses_head]
    assert refusing
    for site in refusing:
        methods = round_["counts"][site.address].methods
        assert methods["HEAD"] == 1 and methods["GET"] > 4 + web.columns, methods


def test_the_broken_links_built_into_the_web_are_found(round_):
    web = round_["web"]
    for site in web.sites:
        found = {b["url"] for kind in ("home", "column") for links in links_of(round_, site, kind) for b in links["broken"]}
        assert found == web.broken_links(site), site.name

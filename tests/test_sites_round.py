"""A whole round over the replica websites, crawled over real HTTP, on both stores.

One crawl per store (module-scoped: a round takes seconds), then one test per behaviour:
availability, freshness, broken links, interaction replies and channels, serious wording
errors and columns discovered from a home page. The plain functions the spider relies on for
links are pinned at the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime
from typing import Any

import pytest
import yaml

from govcheck.extract.links import is_outbound, link_outcome, reached_by_name
from govcheck.extract.wording import SHIPPED_LIST
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas.targets import site_rows
from govcheck.rules import check_messages, load_profile, read_column
from govcheck.store import Store
from support import without_design, REPLICA, REPO, SHORT_PROBE_SPAN_PROFILE, STORE_KINDS, govcheck, open_store, store_environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # the replica round crawls a script-loaded column in Chromium

ROUND = "2024-1"
AS_OF = "2024-02-20"
# Short timeouts: the replica is local. The round runs with national-2019's probe span compressed
# (SHORT_PROBE_SPAN_PROFILE): a site's probes come a fraction of a second apart.
FAST_SETTINGS = {
    "GOVCHECK_PROBE_TIMEOUT": "5",
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
    "GOVCHECK_PROGRESS_INTERVAL": "1",
}
MANIFEST = yaml.safe_load((REPLICA / "sites" / "manifest.yaml").read_text(encoding="utf-8"))
BROKEN_SITES = [(site["name"], site["expected_error"]) for site in MANIFEST["misbehaving"]]


def targets_document(base_url: str) -> dict[str, list[dict[str, str]]]:
    """The replica's websites as an operator's targets file; sites marked register_columns: false
    are registered without columns (the spider discovers them)."""
    sites, columns = site_rows(REPLICA, base_url)
    unregistered = {site["name"] for site in MANIFEST["sites"] if site.get("register_columns") is False}
    return {"网站": sites, "栏目": [c for c in columns if c["网站名称"] not in unregistered]}


def run_round(env: dict[str, str], **settings: str) -> subprocess.CompletedProcess:
    arguments = ["run", "--round", ROUND, "--as-of", AS_OF, "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
    for name, value in {**FAST_SETTINGS, **settings}.items():
        arguments += ["--set", f"{name}={value}"]
    return govcheck(env, *arguments, timeout=900)


@pytest.fixture(scope="module", params=STORE_KINDS)
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Imports the replica's targets, runs the round twice, returns the store and both runs.

    The second run reads its pages in a worker process, as rounds of 100 sites and more do:
    the replica is smaller, so only the re-run shows that both ways record the same."""
    folder = tmp_path_factory.mktemp(f"round-{request.param}")
    with store_environment(request.param, folder) as env, ReplicaServer(REPLICA / "sites") as server:
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(server.url), allow_unicode=True), encoding="utf-8")
        imported = govcheck(env, "targets", "import", str(targets_file), timeout=120)
        assert imported.returncode == 0, imported.stderr
        store = open_store(env)
        first = run_round(env)
        assert first.returncode == 0, first.stderr[-4000:]
        first_documents = snapshot(store)
        second = run_round(env, GOVCHECK_PARSE_PROCESSES="1")
        assert second.returncode == 0, second.stderr[-4000:]
        yield {
            "store": store, "base_url": server.url, "first": first, "second": second,
            "first_documents": first_documents, "second_documents": snapshot(store),
        }


def snapshot(store: Store) -> dict[str, Any]:
    return {
        "verdicts": store.find("verdicts", sort=[("target_key", 1)]),
        "findings": [(f["target_key"], f["code"], f["label"], f["severity"]) for f in store.find("findings", sort=[("target_key", 1), ("code", 1)])],
        "observation_keys": [(o["target_key"], o["kind"], o["key"]) for o in store.find("observations", sort=[("target_key", 1), ("kind", 1), ("key", 1)])],
    }


def verdict_of(crawled: dict[str, Any], name: str) -> dict[str, Any]:
    verdict = crawled["store"].find_one("verdicts", {"round": ROUND, "name": name})
    return without_design(verdict) if verdict else verdict


def manifest_sites() -> list[dict[str, Any]]:
    return MANIFEST["sites"]


def site_named(slug: str) -> dict[str, Any]:
    return next(site for site in manifest_sites() if site["slug"] == slug)


def observations_of(crawled: dict[str, Any], site: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The site's observations of one kind by key."""
    found = crawled["store"].find("observations", {"round": ROUND, "target_key": f"site:{site['name']}", "kind": kind})
    return {o["key"]: o for o in found}


def finding_of(crawled: dict[str, Any], site: dict[str, Any], code: str) -> dict[str, Any] | None:
    return crawled["store"].find_one("findings", {"round": ROUND, "target_key": f"site:{site['name']}", "code": code})


def site_findings(crawled: dict[str, Any], site: dict[str, Any]) -> list[dict[str, Any]]:
    return crawled["store"].find("findings", {"round": ROUND, "target_key": f"site:{site['name']}"})


def day(value: Any) -> str | None:
    return value.date().isoformat() if value else None


def test_every_registered_site_gets_a_verdict(crawled):
    names = {v["name"] for v in crawled["first_documents"]["verdicts"]}
    assert names == {s["name"] for s in manifest_sites()} | {name for name, _ in BROKEN_SITES}


def test_every_column_newest_date_matches_the_page(crawled):
    store = crawled["store"]
    for site in manifest_sites():
        for column in site["columns"]:
            observed = store.find_one("observations", {"round": ROUND, "target_key": f"site:{site['name']}", "kind": "column", "key": column["name"]})
            assert observed is not None, (site["slug"], column["name"])
            assert observed["state"] == column["expected_state"], (site["slug"], column["name"], observed.get("error"))
            newest = observed["newest_date"].date() if observed["newest_date"] else None
            expected = date.fromisoformat(str(column["expected_newest"])) if column.get("expected_newest") else None
            assert newest == expected, (site["slug"], column["name"])


def test_healthy_sites_answer_every_probe(crawled):
    broken = {f"site:{name}" for name, _ in BROKEN_SITES}
    probes = crawled["store"].find("observations", {"round": ROUND, "kind": "probe"})
    failed = [(p["target_key"], p["key"], p["error"], p["elapsed_ms"]) for p in probes if p["target_key"] not in broken and not p["ok"]]
    assert failed == []
    assert len(probes) == 3 * len(manifest_sites()) + 3 * len(BROKEN_SITES)


def test_a_fresh_site_passes_without_notes(crawled):
    verdict = verdict_of(crawled, site_named("fresh-trs")["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("合格", "")


def test_five_stale_columns_fail_the_site_as_the_notice_words_it(crawled):
    verdict = verdict_of(crawled, site_named("stale-hanweb")["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "多个栏目更新不及时")
    finding = crawled["store"].find_one("findings", {"round": ROUND, "target_key": verdict["target_key"], "label": "多个栏目更新不及时"})
    assert finding["rule"]["profile"] == "national-2019-short-probe-span" and finding["rule"]["threshold"]
    assert finding["evidence"], "the stale columns with their URLs and dates"


def test_two_stale_columns_pass_with_the_note(crawled):
    verdict = verdict_of(crawled, site_named("few-stale")["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("合格", "个别栏目更新不及时")


def test_a_site_that_never_answers_fails_at_the_monitoring_time_point(crawled):
    verdict = verdict_of(crawled, "韩城市财政局")
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "监测时间点无法访问")
    probes = crawled["store"].find("observations", {"round": ROUND, "target_key": "site:韩城市财政局", "kind": "probe"}, sort=[("key", 1)])
    assert [p["error"] for p in probes] == ["timeout"] * 3
    assert all(p["fetched_at"] and p["url"].endswith("/_hang/") and p["elapsed_ms"] >= 4000 for p in probes)
    # each probe was sent the profile's spacing (0.4 s over 3 probes) after the one before failed
    failed_at = [p["fetched_at"] for p in probes]
    assert all((later - earlier).total_seconds() >= 0.2 + 4 for earlier, later in zip(failed_at, failed_at[1:]))
    finding = crawled["store"].find_one("findings", {"round": ROUND, "target_key": "site:韩城市财政局", "code": "site.availability.unreachable"})
    assert finding["rule"]["profile"] == "national-2019-short-probe-span"
    assert (finding["rule"]["threshold"]["probe_count"], finding["rule"]["threshold"]["probe_span_seconds"]) == (3, 0.4)
    assert finding["evidence"]["failed_span_seconds"] >= 0.4


@pytest.mark.parametrize("name, error", BROKEN_SITES)
def test_failed_probes_record_why(crawled, name, error):
    verdict = verdict_of(crawled, name)
    probes = crawled["store"].find("observations", {"round": ROUND, "target_key": f"site:{name}", "kind": "probe"})
    assert [p["error"] for p in probes] == [error] * 3
    assert verdict["verdict"] == "不合格" and verdict["labels"] == "监测时间点无法访问"


def test_the_script_loaded_column_is_read_in_a_real_browser(crawled):
    site = site_named("script-column")
    [column] = [c for c in site["columns"] if c["render"] == "playwright"]
    observation = observations_of(crawled, site, "column")[column["name"]]
    assert (observation["method"], observation["state"], day(observation["newest_date"])) == ("rendered", "entries", column["expected_newest"])


def test_every_replica_site_gets_the_verdict_its_manifest_expects(crawled):
    # a review's cell is its reason, which names the replica's port: expected_labels null checks the verdict only
    found = {v["name"]: (v["verdict"], without_design(v)["labels"]) for v in crawled["first_documents"]["verdicts"]}
    expected = {site["name"]: (site["expected_verdict"], site["expected_labels"]) for site in manifest_sites()}
    found = {name: (found[name][0], None) if expected[name][1] is None else found.get(name) for name in expected}
    assert found == expected


# -- broken links --------------------------------------------------------------------------


def test_broken_links_are_counted_once_each_with_their_answers_and_pages(crawled):
    site, base = site_named("broken-links"), crawled["base_url"]
    listing = next(c for c in site["columns"] if c.get("expected_broken_links"))
    home_links, finding = finding_of(crawled, site, "site.links.home"), finding_of(crawled, site, "site.links.broken")
    # a link broken on the home page counts with the home page's links (2015 普查: 首页 / 其他页面 apart)
    broken = {entry["url"]: entry for f in (home_links, finding) for entry in f["evidence"]["broken"]}

    missing_pages = [base + path for path in site["expected_broken_links"]]
    assert set(broken) == {*missing_pages, *listing["expected_broken_links"]}
    assert all((broken[url]["status"], broken[url]["error"]) == (404, "HTTP 404") for url in missing_pages)
    assert all(base + site["home"] in broken[url]["found_on"] for url in missing_pages)
    [refused] = listing["expected_broken_links"]
    assert (broken[refused]["status"], broken[refused]["error"], broken[refused]["outbound"]) == (None, "connection refused", True)
    assert broken[refused]["found_on"] == [base + listing["path"]]
    # a link to a menu page that is gone is on every page: one broken link, counted with the home page's
    assert len(broken[base + "/broken-links/xxgk/xxgkml/index.html"]["found_on"]) == 1
    assert set(home_links["evidence"]["broken"][0]) >= {"url", "status", "error", "found_on"}
    assert [(u["url"], u["error"]) for u in finding["evidence"]["unchecked"]] == [(base + path, "timeout") for path in listing["expected_unchecked_links"]]
    assert (finding["severity"], home_links["severity"]) == ("deduct", "deduct")
    assert home_links["points"] + finding["points"] == 6.0 and home_links["label"].startswith("首页存在不可用链接(")
    assert finding["rule"]["threshold"] == {"points_per_link": 1.0, "max_points": 10}
    design = sum(f["points"] for f in site_findings(crawled, site) if f["code"].startswith("site.design.") and f["severity"] == "deduct")
    assert verdict_of(crawled, site["name"])["score"] == 94.0 - design


def test_every_link_of_the_other_sites_was_checked_and_opens(crawled):
    for site in manifest_sites():
        if site["slug"] == "broken-links" or site.get("expected_unchecked_links"):
            continue
        for kind in ("home", "column"):
            for key, observation in observations_of(crawled, site, kind).items():
                links = observation["links"]
                assert links["found"] > 0 and links["checked"] == links["found"] and links["skipped"] == 0, (site["slug"], key)
                assert (links["broken"], links["unchecked"]) == ([], []), (site["slug"], key)
        assert [f for f in site_findings(crawled, site) if f["code"] in ("site.links.home", "site.links.broken") and f["severity"] == "deduct"] == []


# -- interaction ---------------------------------------------------------------------------


def interaction_column(site: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in site["columns"] if c["type"] == "互动交流")


def unanswered(observation: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages the rules find overdue at the monitoring point (the observation stores only what was seen)."""
    assert "unanswered" not in observation
    as_of = datetime.fromisoformat(MANIFEST["as_of"])
    return list(check_messages(observation["messages"], as_of, load_profile("national-2019")).overdue)


def printed(messages: list[dict[str, Any]], base: str) -> list[tuple[str, str | None, str | None, str]]:
    return [(m["title"], day(m["asked"]), day(m["answered"]), m["url"]) for m in messages]


def expected_messages(column: dict[str, Any], base: str) -> list[tuple[str, str | None, str | None, str]]:
    return [(m["title"], m["asked"], m["answered"], base + m["url"]) for m in column["expected_messages"]]


def test_a_mailbox_with_a_message_open_for_over_three_months_fails_its_site(crawled):
    site, base = site_named("interaction"), crawled["base_url"]
    mailbox = interaction_column(site)
    observation = observations_of(crawled, site, "column")[mailbox["name"]]
    assert observation["messages_state"] == "messages"
    assert printed(observation["messages"], base) == expected_messages(mailbox, base)
    assert [(m["title"], day(m["asked"])) for m in unanswered(observation)] == [(m["title"], m["asked"]) for m in mailbox["expected_unanswered"]]
    finding = finding_of(crawled, site, "site.interaction.unanswered")
    assert (finding["severity"], finding["label"]) == ("veto", "互动回应差")
    [column] = finding["evidence"]["columns"]
    assert (column["column"], column["url"], column["overdue_before"]) == (mailbox["name"], base + mailbox["path"], "2023-11-20")
    assert [(m["title"], m["url"]) for m in column["unanswered"]] == [(m["title"], base + m["url"]) for m in mailbox["expected_messages"] if m["answered"] is None]


def test_a_mailbox_answering_within_three_months_passes(crawled):
    site, base = site_named("discovered"), crawled["base_url"]
    mailbox = interaction_column(site)
    observation = observations_of(crawled, site, "column")[mailbox["name"]]
    assert printed(observation["messages"], base) == expected_messages(mailbox, base)
    # one message open for 10 days, one open since 2022: neither is overdue at as_of
    assert [m for m in mailbox["expected_messages"] if m["answered"] is None] and unanswered(observation) == mailbox["expected_unanswered"] == []
    codes = [f["code"] for f in crawled["store"].find("findings", {"round": ROUND, "target_key": f"site:{site['name']}"})]
    assert not [code for code in codes if code.startswith("site.interaction")]


def test_home_pages_record_the_interaction_channels_they_link_to(crawled):
    base = crawled["base_url"]
    for site in manifest_sites():
        home = observations_of(crawled, site, "home")["home"]
        assert [link["url"] for link in home["interaction_links"]] == [base + path for path in site["expected_interaction_links"]], site["slug"]


def test_home_pages_are_opened_in_a_browser_only_when_their_html_shows_no_channel(crawled):
    # few-stale writes its 互动交流 menu entry by script; no-channel has none at all; section-down's
    # 公众参与 section proves none (its page does not load). form-only names none, but the page of
    # its unknown navigation entry shows a message form: a channel, so no browser is needed;
    # no-service, a portal, shows no entry to services (a menu written by script would not show)
    for site in manifest_sites():
        home = observations_of(crawled, site, "home")["home"]
        unproven = not site["expected_interaction_links"] and "expected_channel_page" not in site
        no_service = site.get("expected_services") == "none"
        shown_by_script = site.get("interaction_links_by_script") or unproven or "expected_channel_review" in site or no_service
        assert home["method"] == ("rendered" if shown_by_script else "generic"), site["slug"]
        assert (home.get("screenshot") is not None) == shown_by_script, site["slug"]


def test_a_channel_written_by_script_is_found_in_the_browser_and_the_site_passes(crawled):
    site = site_named("few-stale")
    assert site["interaction_links_by_script"] and not [c for c in site["columns"] if c["type"] == "互动交流"]
    home = observations_of(crawled, site, "home")["home"]
    assert [link["url"] for link in home["interaction_links"]] == [crawled["base_url"] + "/few-stale/hdjl/index.html"]
    codes = [f["code"] for f in crawled["store"].find("findings", {"round": ROUND, "target_key": f"site:{site['name']}"})]
    assert not [code for code in codes if code.startswith("site.interaction")]
    assert verdict_of(crawled, site["name"])["verdict"] == site["expected_verdict"] == "合格"


def test_a_site_with_no_interaction_channel_at_all_fails(crawled):
    site = site_named("no-channel")
    assert not [c for c in site["columns"] if c["type"] == "互动交流"] and site["expected_interaction_links"] == []
    finding = finding_of(crawled, site, "site.interaction.no_channel")
    assert (finding["severity"], finding["label"], finding["evidence"]["interaction_links"]) == ("veto", "互动回应差", [])
    assert finding["evidence"]["read_as"] == "rendered"  # the page as a browser shows it has none either
    assert finding["evidence"]["home_url"] == crawled["base_url"] + site["home"]
    assert (verdict_of(crawled, site["name"])["verdict"], verdict_of(crawled, site["name"])["labels"]) == ("不合格", "互动回应差")


def test_a_portal_with_no_entry_to_services_fails_on_its_page_as_a_browser_shows_it(crawled):
    site = site_named("no-service")
    assert site["expected_services"] == "none" and site["category"] == "县级政府门户网站"
    finding = finding_of(crawled, site, "site.services.none")
    assert (finding["severity"], finding["label"], finding["evidence"]["entries"]) == ("veto", "服务不实用", [])
    assert finding["evidence"]["read_as"] == "rendered" and finding["evidence"]["unclear"] == []
    assert finding["evidence"]["home_url"] == crawled["base_url"] + site["home"]
    assert [n["name"] for n in finding["evidence"]["navigation"]] == ["首页", "林业动态", "通知公告", "政策法规"]
    assert (verdict_of(crawled, site["name"])["verdict"], verdict_of(crawled, site["name"])["labels"]) == ("不合格", "服务不实用")


def test_portals_show_their_service_entry_and_departments_are_exempt(crawled):
    for site in manifest_sites():
        home = observations_of(crawled, site, "home")["home"]
        # 服务不实用 (1) only: 办事指南要素 (site.services.guides) is a deduction of its own (test_guides_crawl.py)
        codes = [f["code"] for f in site_findings(crawled, site) if f["code"].startswith("site.services") and f["code"] != "site.services.guides"]
        if site.get("expected_services") == "none":
            continue
        assert codes == [], site["slug"]
        if site["category"].endswith("门户网站"):
            assert home["services"]["entries"], site["slug"]
    # a department whose home page offers no service entry passes: not required by its 网站类别
    department = site_named("no-channel")
    assert observations_of(crawled, department, "home")["home"]["services"]["entries"] == []
    assert not [f for f in site_findings(crawled, department) if f["code"].startswith("site.services")]


def test_a_hacked_page_with_hidden_gambling_links_fails_naming_each_technique(crawled):
    site = site_named("hacked")
    finding = finding_of(crawled, site, "site.security.bad_links")
    assert (finding["severity"], finding["label"]) == ("veto", "存在暗链")
    seen = [(link["url"], link["text"], link["techniques"], link["page_url"]) for link in finding["evidence"]["links"]]
    home_url = crawled["base_url"] + site["home"]
    assert seen == [(crawled["base_url"] + b["url"], b["text"], b["techniques"], home_url) for b in site["expected_bad_links"]]
    assert all(link["element"].startswith("<a ") for link in finding["evidence"]["links"])
    assert (verdict_of(crawled, site["name"])["verdict"], verdict_of(crawled, site["name"])["labels"]) == ("不合格", "存在暗链")


def test_a_link_with_an_ambiguous_word_is_reviewed_never_failed(crawled):
    site = site_named("lottery-link")
    finding = finding_of(crawled, site, "site.security.review")
    assert (finding["severity"], finding["label"]) == ("review", "疑似不良链接待人工复核")
    assert "中国福利彩票" in finding["reason"] and finding["evidence"]["links"] == []
    assert verdict_of(crawled, site["name"])["verdict"] == "待人工复核"


def test_no_other_page_carries_a_bad_link(crawled):
    for site in manifest_sites():
        if site.get("expected_bad_links"):
            continue
        for kind in ("home", "column"):
            for key, observation in observations_of(crawled, site, kind).items():
                assert observation["bad_links"] == [], (site["slug"], key)


def test_channels_named_as_real_sites_name_them_pass(crawled):
    # 建言献策 and 投诉建议 were failed as "no channel" by a shorter word list
    for slug, name in (("jianyan", "建言献策"), ("tousu", "投诉建议")):
        site = site_named(slug)
        home = observations_of(crawled, site, "home")["home"]
        assert [(link["name"], link["url"]) for link in home["interaction_links"]] == [(name, crawled["base_url"] + site["expected_interaction_links"][0])]
        assert "channel_search" not in home  # a channel named: nothing else to look for
        assert not [f for f in site_findings(crawled, site) if f["code"].startswith("site.interaction")]
        assert verdict_of(crawled, site["name"])["verdict"] == "合格"


@pytest.mark.parametrize("slug", ["form-only", "zmhd-second"])
def test_a_channel_is_found_by_what_a_page_reached_from_the_home_page_shows(crawled, slug):
    # form-only: a navigation entry named with a word no list knows, whose page shows a message
    # form; zmhd-second: the 政民互动 section, whose page names the 县长信箱
    site, base = site_named(slug), crawled["base_url"]
    home = observations_of(crawled, site, "home")["home"]
    [proof] = [page for page in home["channel_search"]["pages"] if page["outcome"] == "channel"]
    assert (proof["url"], proof["page_url"], proof["status"]) == (base + site["expected_channel_page"], base + site["expected_channel_page"], 200)
    assert proof["fetched_at"] is not None and proof["shows"][0].startswith(site["expected_channel_shows"])
    assert not [f for f in site_findings(crawled, site) if f["code"].startswith("site.interaction")]
    assert verdict_of(crawled, site["name"])["verdict"] == site["expected_verdict"] == "合格"


def test_a_place_where_a_channel_may_be_that_does_not_load_is_reviewed_never_failed(crawled):
    site, base = site_named("section-down"), crawled["base_url"]
    section = base + site["expected_channel_review"]
    home = observations_of(crawled, site, "home")["home"]
    [page] = home["channel_search"]["pages"]
    assert (page["name"], page["url"], page["why"], page["outcome"]) == ("公众参与", section, "section", "failed") and page["error"]
    assert finding_of(crawled, site, "site.interaction.no_channel") is None
    finding = finding_of(crawled, site, "site.interaction.review")
    assert finding["severity"] == "review" and f"公众参与（{section}：" in finding["reason"]
    assert finding["evidence"]["channel_search"]["pages"][0]["url"] == section
    verdict = verdict_of(crawled, site["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("待人工复核", finding["reason"])
    # the link itself cannot be checked either: listed, never counted as broken
    unchecked = {link["url"] for link in home["links"]["unchecked"]}
    assert unchecked == {base + path for path in site["expected_unchecked_links"]} and home["links"]["broken"] == []


def test_no_channel_is_failed_on_the_places_looked_at(crawled):
    site = site_named("no-channel")
    finding = finding_of(crawled, site, "site.interaction.no_channel")
    search = finding["evidence"]["channel_search"]
    # every entry of its navigation names a known section: nothing else to read, nothing unread
    assert [(entry["name"], entry["kind"]) for entry in search["navigation"]] == [("林业动态", "other"), ("通知公告", "other"), ("政策法规", "other")]
    assert search["pages"] == [] and search["candidates"] == 0


# -- serious wording errors ----------------------------------------------------------------


def test_a_misspelt_state_name_fails_its_site_with_the_page_and_a_snippet(crawled):
    site, base = site_named("serious-errors"), crawled["base_url"]
    expected = [(base + c["path"], wrong) for c in site["columns"] for wrong in c.get("expected_serious_errors", [])]
    finding = finding_of(crawled, site, "site.wording.serious")
    assert [(hit["url"], hit["wrong"]) for hit in finding["evidence"]["hits"]] == expected
    [hit] = finding["evidence"]["hits"]
    assert hit["wrong"] in hit["snippet"] and hit["right"] == "中华人民共和国" and hit["word_list"] == SHIPPED_LIST
    assert finding["severity"] == "veto" and hit["fetched_at"] is not None
    # the same wording in a hidden block of another page is listed apart, for an inspector
    hidden = [(base + c["path"], wrong) for c in site["columns"] for wrong in c.get("expected_hidden_serious_errors", [])]
    assert hidden and [(h["url"], h["wrong"]) for h in finding["evidence"]["hidden"]] == hidden


def test_every_other_page_was_scanned_and_has_no_listed_wording(crawled):
    for site in manifest_sites():
        for kind in ("home", "column"):
            for key, observation in observations_of(crawled, site, kind).items():
                column = next((c for c in site["columns"] if c["name"] == key), {})
                shown = [hit["wrong"] for hit in observation["serious_errors"] if not hit["hidden"]]
                hidden = [hit["wrong"] for hit in observation["serious_errors"] if hit["hidden"]]
                assert shown == column.get("expected_serious_errors", []), (site["slug"], key)
                assert hidden == column.get("expected_hidden_serious_errors", []), (site["slug"], key)
                assert observation["word_list"] == SHIPPED_LIST


# -- misspellings (错别字) --------------------------------------------------------------------


def test_two_misspellings_take_a_point_each_with_their_sentences(crawled):
    site, base = site_named("serious-errors"), crawled["base_url"]
    expected = [(base + c["path"], wrong) for c in site["columns"] for wrong in c.get("expected_misspellings", [])]
    finding = finding_of(crawled, site, "site.wording.misspellings")
    assert (finding["severity"], finding["label"], finding["points"]) == ("deduct", "存在错别字", 2.0)
    hits = finding["evidence"]["misspellings"]
    assert [(hit["url"], hit["wrong"]) for hit in hits] == expected
    assert [hit["sentence"] for hit in hits] == [
        "县司法局召开2024年全县司法行政工作会议 要求全系统再接再励2024-02-16", "县司法局开展春节前法律援助进村活动 群众迫不急待咨询2024-02-05",
    ]  # an entry's text as a visitor reads it: its title and its date
    assert [hit["right"] for hit in hits] == ["再接再厉", "迫不及待"] and all(hit["fetched_at"] is not None for hit in hits)
    # the same word in quotation marks on another page is quoted, not used: listed, no point
    quoted = [(base + c["path"], wrong) for c in site["columns"] for wrong in c.get("expected_quoted_misspellings", [])]
    assert quoted and [(hit["url"], hit["wrong"], hit["cue"]) for hit in finding["evidence"]["quoted"]] == [(*q, "“”") for q in quoted]


def test_every_other_page_was_scanned_for_misspellings_and_has_none(crawled):
    for site in manifest_sites():
        for kind in ("home", "column"):
            for key, observation in observations_of(crawled, site, kind).items():
                if "misspellings" not in observation:  # a page we could not read: nothing scanned
                    assert observation["state"] in ("failed", "unparsed") and observation["error"], (site["slug"], key)
                    continue
                column = next((c for c in site["columns"] if c["name"] == key), {})
                expected = column.get("expected_misspellings", []) + column.get("expected_quoted_misspellings", [])
                assert [hit["wrong"] for hit in observation["misspellings"]] == expected, (site["slug"], key)
                assert observation["misspelling_list"] == "govcheck:data/misspellings.txt"
        if site["slug"] != "serious-errors":
            assert not [f for f in site_findings(crawled, site) if f["code"] == "site.wording.misspellings" and f["severity"] == "deduct"]


# -- dates on detail pages -----------------------------------------------------------------


def test_a_stale_column_stays_stale_when_its_detail_pages_link_to_fresh_articles(crawled):
    site = site_named("related-dates")
    column = next(c for c in site["columns"] if c["expected_method"] == "detail")
    observation = observations_of(crawled, site, "column")[column["name"]]
    assert observation["method"] == "detail"
    # each page lists later articles (相关文章, 相关链接, 上一篇) with 2024-02 dates; its own date is old
    assert [(d["url"], day(d["date"])) for d in observation["detail_pages"]] == [
        (crawled["base_url"] + d["path"], d["expected_date"]) for d in column["details"]
    ]
    assert day(observation["newest_date"]) == column["expected_newest"] == "2023-07-14"
    finding = finding_of(crawled, site, "site.columns.stale")
    assert (finding["severity"], finding["label"]) == ("note", "个别栏目更新不及时")
    [stale] = finding["evidence"]["stale_columns"]
    assert (stale["name"], day(stale["newest_date"]), stale["threshold_date"]) == (column["name"], "2023-07-14", "2023-08-20")


# -- discovered columns --------------------------------------------------------------------


def test_a_site_registered_without_columns_is_inspected_through_its_navigation(crawled):
    site = site_named("discovered")
    target = crawled["store"].find_one("targets", {"key": f"site:{site['name']}"})
    assert target["columns"] == []
    observed = {key: (o["column_type"], o["discovered"]) for key, o in observations_of(crawled, site, "column").items()}
    assert observed == {c["name"]: (c["type"], True) for c in site["columns"]}


def test_discovered_columns_of_submenus_or_with_doubtful_names_never_count_towards_the_veto(crawled):
    site = site_named("discovered-menus")
    observed = observations_of(crawled, site, "column")
    assert {key: (o["column_type"], o["type_guess"], o["first_level"]) for key, o in observed.items()} == {
        c["name"]: (c["type"], c["type_guess"], c["first_level"]) for c in site["columns"]
    }
    # judged by what their names suggest, every one would be stale: six columns, 栏目不更新 vetoed
    profile = load_profile("national-2019")
    as_of = datetime.fromisoformat(MANIFEST["as_of"])
    by_guess = [read_column(key, o["type_guess"], o, o["url"], as_of, profile) for key, o in observed.items()]
    assert [r.status for r in by_guess if r.timely] == ["stale"] * 6
    assert (verdict_of(crawled, site["name"])["verdict"], verdict_of(crawled, site["name"])["labels"]) == ("合格", "")


def test_registered_columns_are_not_marked_discovered(crawled):
    for site in manifest_sites():
        if site.get("register_columns") is not False:
            assert not [key for key, o in observations_of(crawled, site, "column").items() if o["discovered"]], site["slug"]


def test_rerunning_the_round_with_pages_read_in_a_worker_gives_the_same_documents(crawled):
    assert "page-reading workers" not in crawled["first"].stderr
    assert "page-reading workers: 1" in crawled["second"].stderr
    first, second = crawled["first_documents"], crawled["second_documents"]
    strip = lambda verdicts: [{k: v for k, v in d.items() if k not in ("as_of", "run")} for d in verdicts]  # noqa: E731  (each run has its id)
    assert strip(first["verdicts"]) == strip(second["verdicts"])
    assert first["findings"] == second["findings"]
    assert first["observation_keys"] == second["observation_keys"]


def test_the_run_prints_progress_and_a_summary(crawled):
    # progress lines from the crawl's log; the last one, at the close, has seen every site
    progress = re.findall(r"sites: (\d+)/(\d+) targets, (\d+) pages, (\d+) observations", crawled["first"].stderr)
    assert progress, crawled["first"].stderr[-2000:]
    seen, total, pages, observations = map(int, progress[-1])
    sites = len(targets_document(crawled["base_url"])["网站"])
    assert seen == total == sites and pages > 0 and observations > 0
    assert f"round {ROUND}:" in crawled["first"].stdout


def test_operators_can_crawl_one_site_with_scrapy_itself(tmp_path, replica_sites):
    """``scrapy crawl sites`` starts the round, inspects only the named target and assesses it."""
    with store_environment("embedded", tmp_path) as env:
        targets_file = tmp_path / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(replica_sites.url), allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        from datetime import datetime

        from govcheck.registry import import_targets
        from govcheck.store import SHANGHAI

        import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI))
        fresh = site_named("fresh-trs")["name"]
        command = [sys.executable, "-m", "scrapy", "crawl", "sites", "-a", "round=2024-1", "-a", f"as_of={AS_OF}", "-a", f"targets={fresh}",
                   "-a", f"profile={SHORT_PROBE_SPAN_PROFILE}"]
        for name, value in FAST_SETTINGS.items():
            command += ["-s", f"{name}={value}"]

        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=300)

        assert result.returncode == 0, result.stderr[-3000:]
        assert [v["name"] for v in store.find("verdicts")] == [fresh], result.stderr[-3000:]
        assert store.get_round("2024-1")["as_of"].isoformat() == "2024-02-20T23:59:59+08:00"
        assert {o["target_key"] for o in store.find("observations")} == {f"site:{fresh}"}


def test_the_link_budget_and_the_word_list_are_settings(tmp_path, replica_sites):
    """GOVCHECK_LINKS_PER_SITE bounds the URLs checked per site; GOVCHECK_SERIOUS_ERRORS_FILE
    replaces the shipped sample list."""
    words = tmp_path / "words.txt"
    words.write_text("发展和改革委员会 => 发展改革委员会（本局测试用词）\n", encoding="utf-8")
    with store_environment("embedded", tmp_path) as env:
        targets_file = tmp_path / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(replica_sites.url), allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        from datetime import datetime

        from govcheck.registry import import_targets
        from govcheck.store import SHANGHAI

        import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI))
        fresh, broken = site_named("fresh-trs"), site_named("broken-links")
        command = [sys.executable, "-m", "scrapy", "crawl", "sites", "-a", "round=2024-1", "-a", f"as_of={AS_OF}", "-a", f"targets={fresh['name']},{broken['name']}",
                   "-a", f"profile={SHORT_PROBE_SPAN_PROFILE}"]
        for name, value in {**FAST_SETTINGS, "GOVCHECK_LINKS_PER_SITE": "5", "GOVCHECK_SERIOUS_ERRORS_FILE": str(words)}.items():
            command += ["-s", f"{name}={value}"]

        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=300)

        assert result.returncode == 0, result.stderr[-3000:]
        pages = store.find("observations", {"target_key": f"site:{broken['name']}", "kind": {"$in": ["home", "column"]}})
        assert all(p["links"]["checked"] + p["links"]["skipped"] == p["links"]["found"] for p in pages)
        assert sum(p["links"]["skipped"] for p in pages) > 0
        answered = {link["url"] for p in pages for link in p["links"]["broken"] + p["links"]["unchecked"]}
        assert 0 < len(answered) <= 5
        finding = store.find_one("findings", {"target_key": f"site:{fresh['name']}", "code": "site.wording.serious"})
        assert {hit["word_list"] for hit in finding["evidence"]["hits"]} == {str(words)}
        assert {hit["right"] for hit in finding["evidence"]["hits"]} == {"发展改革委员会（本局测试用词）"}


# -- what a link check's answer means (plain functions) ------------------------------------


@pytest.mark.parametrize(
    "status, error, resolver_proven, outcome",
    [
        (200, "", True, "ok"),
        (301, "", True, "ok"),
        (404, "HTTP 404", True, "broken"),
        (410, "HTTP 410", True, "broken"),
        (500, "HTTP 500", True, "broken"),
        (503, "HTTP 503", True, "broken"),
        (521, "HTTP 521", True, "unchecked"),  # an anti-crawler challenge (加速乐) a browser passes
        (403, "HTTP 403", True, "unchecked"),  # a wall or a crawler block, not a dead link
        (429, "HTTP 429", True, "unchecked"),  # our rate
        (418, "HTTP 418", True, "unchecked"),
        (None, "connection refused", True, "broken"),
        (None, "redirect loop", True, "broken"),
        (None, "dns", True, "broken"),  # the site resolved by name: our resolver works
        (None, "dns", False, "unchecked"),  # the site was reached by address: our resolver is unproven
        (None, "timeout", True, "unchecked"),  # our own timeout
        (None, "connection reset", True, "unchecked"),
        (None, "ValueError: odd", True, "unchecked"),
    ],
)
def test_what_a_link_answer_means(status, error, resolver_proven, outcome):
    assert link_outcome(status, error, resolver_proven) == outcome


def test_outbound_links_and_named_sites():
    assert not is_outbound("http://fgw.weinan.gov.cn/a.html", "http://fgw.weinan.gov.cn/")
    assert is_outbound("http://www.weinan.gov.cn/", "http://fgw.weinan.gov.cn/")
    assert is_outbound("http://127.0.0.1:81/", "http://127.0.0.1:80/")
    assert reached_by_name("http://fgw.weinan.gov.cn/") and reached_by_name("http://localhost:8000/")
    assert not reached_by_name("http://127.0.0.1:8000/") and not reached_by_name("http://[::1]/")

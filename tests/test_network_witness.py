"""A probe that got no answer fails its site only when our own network is shown to have worked.

When the inspection machine's network is down, every probe times out at once; counted as
visits, that would fail every site of the round (监测时间点无法访问). A failed probe counts only
when another server answered us around that moment (another site, a page of the round, or a
configured check URL), or answers when asked again; its answer is the probe's evidence. Rounds
crawl over loopback HTTP, with national-2019's probe span compressed (SHORT_PROBE_SPAN_PROFILE).
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from govcheck_demo.replica import ReplicaServer
from support import REPLICA, SHORT_PROBE_SPAN_PROFILE, govcheck, open_store, store_environment
from test_site_faults import import_register

SETTINGS = {"GOVCHECK_PROBE_TIMEOUT": "2", "DOWNLOAD_TIMEOUT": "2", "RETRY_TIMES": "0",
            "GOVCHECK_NETWORK_WITNESS_SECONDS": "1", "GOVCHECK_LINKS_PER_SITE": "0"}
DOWN = "渭南市停机局"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lone_site_round(tmp_path, check_urls: list[str] | None, site_url: str = "{replica}/_hang/") -> dict[str, Any]:
    """A round of one site that never answers: nothing else in the round answers us either."""
    with store_environment("embedded", tmp_path) as env, ReplicaServer(REPLICA / "sites") as server:
        site = {"网站名称": DOWN, "网址": site_url.format(replica=server.url), "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": DOWN}
        import_register(env, tmp_path, {"网站": [site]})
        settings = {**SETTINGS, "GOVCHECK_NETWORK_CHECK_URLS": ",".join(url.format(replica=server.url) for url in check_urls or [])}
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites", "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
        for name, value in settings.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=300)
        assert run.returncode == 0, run.stderr[-3000:]
        store = open_store(env)
        return {
            "verdict": store.find_one("verdicts", {"target_key": f"site:{DOWN}"}),
            "probes": store.find("observations", {"target_key": f"site:{DOWN}", "kind": "probe"}),
            "findings": store.find("findings", {"target_key": f"site:{DOWN}", "code": {"$regex": "^site.availability"}}),
        }


@pytest.mark.slow
def test_probes_that_timed_out_with_no_other_answer_are_no_visits_and_the_site_is_reviewed(tmp_path):
    crawled = lone_site_round(tmp_path, check_urls=None)

    assert [(p["ok"], p["error"].split(";")[0]) for p in crawled["probes"]] == [(None, "timeout")] * 3
    assert all("our own network may have been down" in p["error"] for p in crawled["probes"])
    # a timeout's time on the wire is the probe's timeout (2 s here), whatever the wait for another answer
    assert [p["elapsed_ms"] for p in crawled["probes"]] == [2000] * 3
    [finding] = crawled["findings"]
    assert (finding["code"], finding["severity"]) == ("site.availability.review", "review")
    assert crawled["verdict"]["verdict"] == "待人工复核"


@pytest.mark.slow
def test_refused_connections_with_no_other_answer_are_no_visits_made_when_they_failed(tmp_path):
    crawled = lone_site_round(tmp_path, check_urls=None, site_url=f"http://127.0.0.1:{closed_port()}/")

    assert [(p["ok"], p["error"].split(";")[0]) for p in crawled["probes"]] == [(None, "connection refused")] * 3
    # refused at once: the visit's moment is then, not the end of the second waited for another answer
    assert all(p["elapsed_ms"] < 900 for p in crawled["probes"])
    assert crawled["verdict"]["verdict"] == "待人工复核"


@pytest.mark.slow
def test_a_check_url_that_answers_lets_the_probes_fail_the_site(tmp_path):
    crawled = lone_site_round(tmp_path, check_urls=["{replica}/fresh-trs/"])

    assert [(p["ok"], p["error"]) for p in crawled["probes"]] == [(False, "timeout")] * 3
    witnesses = [p["network_witness"] for p in crawled["probes"]]
    assert all(w["url"].endswith("/fresh-trs/") and w["status"] == 200 and w["fetched_at"] for w in witnesses)
    assert (crawled["verdict"]["verdict"], crawled["verdict"]["labels"]) == ("不合格", "监测时间点无法访问")
    # the finding's evidence names, for each failed visit, the answer that shows our network worked
    [finding] = crawled["findings"]
    assert all(v["network_witness"]["url"].endswith("/fresh-trs/") for v in finding["evidence"]["visits"])


@pytest.mark.slow
def test_check_urls_that_do_not_answer_either_leave_the_site_for_review(tmp_path):
    crawled = lone_site_round(tmp_path, check_urls=[f"http://127.0.0.1:{closed_port()}/"])

    assert all(p["ok"] is None and "not counted" in p["error"] for p in crawled["probes"])
    assert crawled["verdict"]["verdict"] == "待人工复核"


@pytest.fixture(scope="module")
def round_with_one_site_down(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("one-down")
    with store_environment("embedded", folder) as env, ReplicaServer(REPLICA / "sites") as server:
        sites = {DOWN: f"{server.url}/_hang/{DOWN}/", "渭南市正常局": f"{server.url}/fresh-trs/"}
        register = {"网站": [{"网站名称": name, "网址": url, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                           for name, url in sites.items()]}
        import_register(env, folder, register)
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites", "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
        for name, value in SETTINGS.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=300)
        assert run.returncode == 0, run.stderr[-3000:]
        yield open_store(env)


@pytest.mark.slow
def test_another_sites_answers_witness_that_our_network_worked(round_with_one_site_down):
    store = round_with_one_site_down
    probes = store.find("observations", {"target_key": f"site:{DOWN}", "kind": "probe"}, sort=[("key", 1)])
    assert [(p["ok"], p["error"]) for p in probes] == [(False, "timeout")] * 3
    assert all("/fresh-trs/" in p["network_witness"]["url"] for p in probes)
    # the later probes fail when the other site has long been read: it is asked again (whose
    # answer may witness the next probe too)
    assert all(p["network_witness"]["fetched_at"] > probes[0]["fetched_at"] for p in probes[1:])
    verdict = store.find_one("verdicts", {"target_key": f"site:{DOWN}"})
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "监测时间点无法访问")

"""Columns marked splash, rendered by a Splash server through govcheck.splash.SplashMiddleware.

The Splash server is govcheck_demo.replicas.splash: Splash's HTTP API on 127.0.0.1, rendering
with Debian's Chromium. First the endpoint and the middleware over real HTTP, then whole
rounds of the script-column replica site (its 通知公告 list is filled by script) on the
embedded store: the rendered entries, a screenshot per rendered column, and a render that
times out ending in 待人工复核 with Splash's reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy.exceptions import DownloadConnectionRefusedError
from scrapy.http import Request, Response
from scrapy.utils.request import fingerprint
from scrapy.utils.test import get_crawler

from govcheck.extract.listing import extract_list
from govcheck_demo.replicas.splash import SplashServer
from govcheck_demo.replicas.targets import site_rows
from govcheck.rounds import parse_as_of
from govcheck.screenshots import load_screenshot
from govcheck.settings import GOVCHECK_EVIDENCE_ENTRIES
from govcheck.splash import PAGE_URL, PNG, SplashError, SplashMiddleware, page_url, read_error, rendered_status
from govcheck.store import Store
from support import without_design, REPLICA, SHORT_PROBE_SPAN_PROFILE, govcheck, open_store, store_environment
from test_sites_round import AS_OF, FAST_SETTINGS, ROUND, site_named

SITE = site_named("script-column")
[SCRIPT_COLUMN] = [c for c in SITE["columns"] if c["render"] == "playwright"]
DATA = json.loads((REPLICA / "sites" / SCRIPT_COLUMN["data"].lstrip("/")).read_text(encoding="utf-8"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def splash_server() -> Iterator[SplashServer]:
    with SplashServer() as server:
        yield server


def ask_splash(server: SplashServer, endpoint: str, arguments: dict[str, Any]) -> tuple[int, bytes]:
    """(status, body) of one POST with a JSON body, as the middleware sends it."""
    request = urllib.request.Request(
        f"{server.url}/{endpoint}", data=json.dumps(arguments).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# -- the Splash-compatible endpoint --------------------------------------------------------


@pytest.mark.browser
def test_the_endpoint_renders_what_the_script_loads(splash_server, replica_sites):
    url = replica_sites.url + SCRIPT_COLUMN["path"]
    status, body = ask_splash(splash_server, "render.json", {"url": url, "html": 1, "png": 1, "history": 1, "wait": 0.5})

    answer = json.loads(body)
    assert status == 200 and (answer["url"], answer["requestedUrl"]) == (url, url)
    page = extract_list(answer["html"], url, parse_as_of(AS_OF))
    assert (page.state, page.newest.date.date().isoformat()) == ("entries", SCRIPT_COLUMN["expected_newest"])
    assert {e.title for e in page.entries} == {item["title"] for item in DATA["items"]}
    assert base64.b64decode(answer["png"]).startswith(PNG_SIGNATURE)
    assert [(h["request"]["url"], h["response"]["status"]) for h in answer["history"]] == [(url, 200)]


@pytest.mark.browser
def test_the_endpoint_gives_the_html_alone_on_render_html(splash_server, replica_sites):
    status, body = ask_splash(splash_server, "render.html", {"url": replica_sites.url + SCRIPT_COLUMN["path"], "wait": 0.5})
    assert status == 200 and DATA["items"][0]["title"] in body.decode("utf-8")


@pytest.mark.parametrize(
    "arguments, status, kind, info",
    [
        ({"html": 1}, 400, "BadOption", {"type": "argument_required", "argument": "url"}),
        ({"path": "/script-column/", "render_all": 1}, 400, "BadOption", {"argument": "render_all"}),
        ({"path": "/script-column/", "timeout": 500}, 400, "BadOption", {"argument": "timeout", "max": 90.0}),
        ({"path": "/script-column/", "wait": "soon"}, 400, "BadOption", {"argument": "wait"}),
        ({"path": "/_hang/script-column/", "timeout": 1}, 504, "GlobalTimeoutError", {"timeout": 1.0}),
        ({"path": "/script-column/gone.html"}, 502, "RenderError", {"type": "HTTP", "code": 404}),
        ({"path": "/_reset/script-column/"}, 502, "RenderError", {"type": "Network"}),
    ],
)
@pytest.mark.browser
def test_the_endpoint_answers_errors_as_splash_does(splash_server, replica_sites, arguments, status, kind, info):
    arguments = dict(arguments)
    if "path" in arguments:
        arguments["url"] = replica_sites.url + arguments.pop("path")
    answered, body = ask_splash(splash_server, "render.json", {**arguments, "html": 1})
    answer = json.loads(body)
    assert (answered, answer["error"], answer["type"]) == (status, status, kind)
    assert answer["description"] and {k: answer["info"].get(k) for k in info} == info


# -- the middleware --------------------------------------------------------------------------


def middleware(splash_url: str | None = "http://127.0.0.1:8050", **settings: Any) -> SplashMiddleware:
    return SplashMiddleware.from_crawler(get_crawler(settings_dict={"SPLASH_URL": splash_url, **settings}))


def column_request(url: str) -> Request:
    arguments = {"html": 1, "png": 1, "history": 1, "render_all": 1, "wait": 0.5}
    return Request(
        url,
        headers={"User-Agent": "govcheck-test", "Accept-Encoding": "gzip"},
        meta={"splash": {"endpoint": "render.json", "args": arguments}, "key": "通知公告"},
        dont_filter=True,
    )


def test_a_page_request_becomes_a_post_to_splash(monkeypatch):
    monkeypatch.setenv("SPLASH_USER", "inspector")
    monkeypatch.setenv("SPLASH_PASS", "s3cret")
    page = column_request("http://127.0.0.1:1/script-column/tzgg/index.html")

    post = middleware("http://127.0.0.1:8050/", SPLASH_TIMEOUT=12).process_request(page)

    assert (post.method, post.url, post.dont_filter) == ("POST", "http://127.0.0.1:8050/render.json", True)
    assert json.loads(post.body) == {
        "url": page.url, "timeout": 12.0, "html": 1, "png": 1, "history": 1, "render_all": 1, "wait": 0.5,
        "headers": {"User-Agent": "govcheck-test"},  # the browser negotiates its own encodings
    }
    assert post.headers["Content-Type"] == b"application/json"
    assert post.headers["Authorization"] == b"Basic " + base64.b64encode(b"inspector:s3cret")
    assert (post.meta[PAGE_URL], post.meta["key"], post.meta["download_timeout"]) == (page.url, "通知公告", 22.0)
    assert page_url(post) == page.url and page_url(page) == page.url
    # once sent, the POST itself passes through
    assert middleware().process_request(post) is None


def test_two_columns_are_never_taken_for_one():
    """The dupefilter and HTTP cache see the POSTs' fingerprints: they differ by page, and one
    page registered twice is rendered twice (dont_filter)."""
    splash = middleware()
    notices = splash.process_request(column_request("http://127.0.0.1:1/script-column/tzgg/index.html"))
    policies = splash.process_request(column_request("http://127.0.0.1:1/script-column/zcwj/index.html"))
    again = splash.process_request(column_request("http://127.0.0.1:1/script-column/tzgg/index.html"))
    assert fingerprint(notices) != fingerprint(policies)
    assert fingerprint(notices) == fingerprint(again) and again.dont_filter


def test_without_a_splash_server_nothing_is_sent():
    with pytest.raises(SplashError, match="SPLASH_URL is not set"):
        middleware(None).process_request(column_request("http://127.0.0.1:1/x.html"))
    plain = Request("http://127.0.0.1:1/x.html")
    assert middleware().process_request(plain) is None


def test_an_unreachable_splash_server_is_named_as_such():
    post = middleware().process_request(column_request("http://127.0.0.1:1/x.html"))
    with pytest.raises(SplashError, match=r"Splash server http://127\.0\.0\.1:8050/render\.json not reached: connection refused"):
        middleware().process_exception(post, DownloadConnectionRefusedError())


def splash_exchange(server: SplashServer, post: Request) -> Response:
    """The POST sent to the Splash endpoint over HTTP; its answer as Scrapy's downloader gives it."""
    sent = urllib.request.Request(post.url, data=post.body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(sent, timeout=120) as answer:
            return Response(post.url, status=answer.status, body=answer.read(), request=post)
    except urllib.error.HTTPError as error:
        return Response(post.url, status=error.code, body=error.read(), request=post)


@pytest.mark.browser
def test_splash_answers_become_the_page_response(splash_server, replica_sites):
    splash = middleware(splash_server.url)
    page = column_request(replica_sites.url + SCRIPT_COLUMN["path"])
    post = splash.process_request(page)

    response = splash.process_response(post, splash_exchange(splash_server, post))

    assert (response.url, response.status, response.request.url, response.request.method) == (page.url, 200, page.url, "GET")
    assert DATA["items"][0]["title"] in response.text
    assert response.meta[PNG].startswith(PNG_SIGNATURE) and response.meta["key"] == "通知公告"
    assert PAGE_URL not in response.meta and "splash" in response.flags


@pytest.mark.browser
def test_rendered_html_is_utf8_whatever_the_page_declares(splash_server, replica_sites):
    """Splash always answers UTF-8; the GBK site's <meta charset="gbk"> must not decide."""
    gbk = site_named("gbk-site")
    splash = middleware(splash_server.url)
    post = splash.process_request(column_request(replica_sites.url + gbk["home"]))
    response = splash.process_response(post, splash_exchange(splash_server, post))
    assert response.encoding == "utf-8" and gbk["name"] in response.text


@pytest.mark.browser
def test_a_page_error_keeps_its_status(splash_server, replica_sites):
    splash = middleware(splash_server.url)
    post = splash.process_request(column_request(replica_sites.url + "/script-column/gone.html"))
    response = splash.process_response(post, splash_exchange(splash_server, post))
    assert (response.status, response.url, response.meta[PNG]) == (404, replica_sites.url + "/script-column/gone.html", None)


@pytest.mark.parametrize(
    "path, timeout, message",
    [
        ("/_hang/script-column/", 1, re.escape("Splash answered 504 GlobalTimeoutError: Timeout exceeded rendering page (timeout 1.0 s)")),
        ("/script-column/", 500, re.escape("Splash answered 400 BadOption: Incorrect HTTP API arguments (timeout: Argument is out of the allowed range)")),
        # Chromium names a connection closed unanswered one way or the other, depending on timing
        ("/_reset/script-column/", 10, r"Splash answered 502 RenderError: Error rendering page \(connection reset: ERR_(EMPTY_RESPONSE|CONNECTION_RESET)\)"),
    ],
)
@pytest.mark.browser
def test_splash_errors_fail_the_request_with_their_reason(splash_server, replica_sites, path, timeout, message):
    splash = middleware(splash_server.url, SPLASH_TIMEOUT=timeout)
    post = splash.process_request(column_request(replica_sites.url + path))
    with pytest.raises(SplashError) as failed:
        splash.process_response(post, splash_exchange(splash_server, post))
    assert re.fullmatch(message, str(failed.value)) and failed.value.page_status is None


@pytest.mark.browser
def test_a_redirected_page_answers_under_its_final_url(splash_server, replica_sites):
    """The browser follows redirects (here a folder without its slash); Splash's history shows them."""
    splash = middleware(splash_server.url)
    asked = replica_sites.url + SCRIPT_COLUMN["path"].removesuffix("index.html").rstrip("/")
    post = splash.process_request(column_request(asked))
    response = splash.process_response(post, splash_exchange(splash_server, post))
    assert (response.url, response.status, response.request.url) == (asked + "/", 200, asked)
    history = json.loads(splash_exchange(splash_server, post).body)["history"]
    assert [(h["response"]["status"], h["response"]["redirectURL"]) for h in history] == [(301, SCRIPT_COLUMN["path"].removesuffix("index.html")), (200, "")]


@pytest.mark.parametrize(
    "answer, status",
    [
        ({"history": [{"response": {"status": 301}}, {"response": {"status": 203}}]}, 203),
        ({"http_status": 404, "history": []}, 404),  # as a Lua script returns it
        ({"url": "http://127.0.0.1:1/"}, 200),  # no history asked: rendered, so answered
    ],
)
def test_the_page_status_is_read_from_splash_answers(answer, status):
    assert rendered_status(answer) == status


def test_an_answer_that_is_not_splash_json_is_reported_as_it_came():
    error = read_error(503, b"<html>Service Temporarily Unavailable</html>")
    assert str(error) == "Splash answered HTTP 503: <html>Service Temporarily Unavailable</html>"


# -- whole rounds ----------------------------------------------------------------------------


def register(base_url: str, *extra_columns: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """The script-column site as an operator registers it, plus extra columns (栏目 rows)."""
    sites, columns = site_rows(REPLICA, base_url)
    return {
        "网站": [s for s in sites if s["网站名称"] == SITE["name"]],
        "栏目": [c for c in columns if c["网站名称"] == SITE["name"]] + list(extra_columns),
    }


def column_row(name: str, url: str, render: str) -> dict[str, str]:
    return {"网站名称": SITE["name"], "栏目名称": name, "栏目地址": url, "栏目类型": "通知公告", "渲染方式": render}


def inspect_register(env: dict[str, str], folder: Path, targets: dict[str, Any], settings: dict[str, Any], runs: int = 1) -> list[subprocess.CompletedProcess]:
    """Imports the register into the store of ``env`` and runs the round (``runs`` times)."""
    targets_file = folder / "targets.yaml"
    targets_file.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
    imported = govcheck(env, "targets", "import", str(targets_file), timeout=120)
    assert imported.returncode == 0, imported.stderr
    arguments = ["run", "--round", ROUND, "--as-of", AS_OF, "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
    for name, value in {**FAST_SETTINGS, **settings}.items():
        arguments += ["--set", f"{name}={value}"]
    results = []
    for _ in range(runs):
        result = govcheck(env, *arguments, timeout=600)
        assert result.returncode == 0, result.stderr[-4000:]
        results.append(result)
    return results


def column_observations(store: Store) -> dict[str, dict[str, Any]]:
    found = store.find("observations", {"round": ROUND, "target_key": f"site:{SITE['name']}", "kind": "column"})
    return {o["key"]: o for o in found}


SPLASH_COLUMNS = ("通知公告（Splash）", "公告公示")  # two registered columns at one address


@pytest.fixture(scope="module")
def splash_round(splash_server, replica_sites, tmp_path_factory) -> Iterator[Store]:
    """One round with the script-loaded list registered three times: playwright, and splash twice."""
    folder = tmp_path_factory.mktemp("splash-round")
    url = replica_sites.url + SCRIPT_COLUMN["path"]
    targets = register(replica_sites.url, *(column_row(name, url, "splash") for name in SPLASH_COLUMNS))
    with store_environment("embedded", folder) as env:
        inspect_register(env, folder, targets, {"SPLASH_URL": splash_server.url})
        yield open_store(env)


@pytest.mark.browser
@pytest.mark.slow
def test_a_column_marked_splash_is_read_in_splash(splash_round, replica_sites):
    observed = column_observations(splash_round)
    newest_first = sorted(DATA["items"], key=lambda item: item["date"], reverse=True)[:GOVCHECK_EVIDENCE_ENTRIES]
    for name in SPLASH_COLUMNS:  # both, though they share an address
        column = observed[name]
        assert (column["method"], column["renderer"], column["state"], column["status"]) == ("rendered", "splash", "entries", 200)
        assert column["url"] == replica_sites.url + SCRIPT_COLUMN["path"]
        assert column["newest_date"].date().isoformat() == SCRIPT_COLUMN["expected_newest"]
        assert [e["title"] for e in column["entries"]] == [item["title"] for item in newest_first]


@pytest.mark.browser
@pytest.mark.slow
def test_each_column_read_in_splash_keeps_its_screenshot(splash_round):
    observed = column_observations(splash_round)
    paths = set()
    for name in SPLASH_COLUMNS:
        reference = observed[name]["screenshot"]
        png = load_screenshot(splash_round, reference)
        assert reference["store"] == "file" and reference["path"].startswith(f"screenshots/{ROUND}/")
        assert png.startswith(PNG_SIGNATURE) and len(png) == reference["bytes"]
        assert reference["sha256"] == hashlib.sha256(png).hexdigest()
        assert timedelta(0) <= observed[name]["fetched_at"] - reference["taken_at"] < timedelta(minutes=1)
        paths.add(reference["path"])
    assert len(paths) == len(SPLASH_COLUMNS)


@pytest.mark.browser
@pytest.mark.slow
def test_the_playwright_column_of_the_same_round_is_rendered_by_playwright(splash_round):
    column = column_observations(splash_round)[SCRIPT_COLUMN["name"]]
    assert (column["method"], column["renderer"], column["state"]) == ("rendered", "playwright", "entries")
    assert load_screenshot(splash_round, column["screenshot"]).startswith(PNG_SIGNATURE)


@pytest.mark.browser
@pytest.mark.slow
def test_a_site_read_in_splash_is_assessed_on_what_splash_showed(splash_round):
    verdict = without_design(splash_round.find_one("verdicts", {"round": ROUND, "name": SITE["name"]}))
    assert (verdict["verdict"], verdict["labels"]) == (SITE["expected_verdict"], SITE["expected_labels"])


@pytest.mark.browser
@pytest.mark.slow
def test_a_splash_timeout_is_for_review_never_a_failure(splash_server, replica_sites, tmp_path):
    hanging = replica_sites.url + "/_hang" + SCRIPT_COLUMN["path"]
    targets = register(replica_sites.url, column_row("通知公告（Splash）", hanging, "splash"))
    with store_environment("embedded", tmp_path) as env:
        inspect_register(env, tmp_path, targets, {"SPLASH_URL": splash_server.url, "SPLASH_TIMEOUT": 2})
        store = open_store(env)

        column = column_observations(store)["通知公告（Splash）"]
        assert (column["state"], column["status"], column["url"], column["renderer"], column["screenshot"]) == ("failed", None, hanging, "splash", None)
        assert "Splash answered 504 GlobalTimeoutError" in column["error"] and "timeout 2.0 s" in column["error"]
        finding = store.find_one("findings", {"round": ROUND, "code": "site.columns.review:通知公告（Splash）"})
        assert finding["severity"] == "review" and "通知公告（Splash）" in finding["reason"] and "GlobalTimeoutError" in finding["reason"]
        verdict = store.find_one("verdicts", {"round": ROUND, "name": SITE["name"]})
        assert verdict["verdict"] == "待人工复核"
        assert not store.find("findings", {"round": ROUND, "severity": "veto"})

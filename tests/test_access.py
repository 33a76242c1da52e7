"""Per-platform proxies: a platform spider's requests go through the proxy named for it, others go direct.

A real forward proxy on loopback relays the requests and remembers what it relayed, with the
Proxy-Authorization header Scrapy derives from the credentials in the proxy URL.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml

from govcheck.access import parse_proxies
from govcheck.dates import SHANGHAI
from govcheck.registry import import_targets
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas import wechat as wechat_replica
from support import REPLICA, REPO, open_store, store_environment

STATES = REPLICA / "platforms" / "wechat" / "accounts.yaml"
ACCOUNT = "渭南发布"


class ForwardProxy:
    """An HTTP forward proxy on 127.0.0.1 that relays GETs and records (URL, Proxy-Authorization)."""

    def __init__(self) -> None:
        self.relayed: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                proxy.relayed.append((self.path, self.headers.get("Proxy-Authorization", "")))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-authorization", "host", "connection")}
                try:
                    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                        urllib.request.Request(self.path, headers=headers), timeout=10
                    ) as answer:
                        status, body, kind = answer.status, answer.read(), answer.headers.get("Content-Type", "")
                except urllib.error.HTTPError as error:
                    status, body, kind = error.code, error.read(), error.headers.get("Content-Type", "")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ForwardProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://inspector:s3cret@127.0.0.1:{self.server.server_address[1]}"


def state_of(name: str) -> dict[str, Any]:
    states = yaml.safe_load(STATES.read_text(encoding="utf-8"))["accounts"]
    return next(s for s in states if s["registered_name"] == name)


def crawl(env: dict[str, str], spider: str, settings: dict[str, str], round_id: str = "2024-1") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "govcheck.cli", "run", "--round", round_id, "--as-of", "2024-02-23", "--spider", spider]
    for name, value in settings.items():
        command += ["--set", f"{name}={value}"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GOVCHECK_WECHAT", "GOVCHECK_SECRETS", "GOVCHECK_PROXIES"))}
    environment.update(env)
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=environment, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    return run


@pytest.fixture(scope="module")
def through_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("access")
    state = state_of(ACCOUNT)
    with store_environment("embedded", folder) as env, \
            ReplicaServer(REPLICA / "sites", routes={"/wechat/": wechat_replica.route(STATES)}) as server, \
            ForwardProxy() as proxy:
        register = {
            "网站": [{"网站名称": "渭南市统计局", "网址": f"{server.url}/fresh-trs/", "网站类别": "市政府工作部门及派出机构网站", "区县": "渭南市", "主办单位": "渭南市统计局"}],
            "新媒体": [{"账号名称": ACCOUNT, "平台": "微信", "账号类型": "微信订阅号", "账号ID": state["wechat_id"],
                      "主办单位": ACCOUNT, "区县": "渭南市", "互动入口": f"{server.url}/wechat/menu/{state['wechat_id']}.html"}],
        }
        targets = folder / "targets.yaml"
        targets.write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets, datetime.now(SHANGHAI))
        proxies = json.dumps({"wechat": proxy.url})
        common = {"GOVCHECK_PROXIES": proxies, "GOVCHECK_PROBE_INTERVAL": "0", "GOVCHECK_LINKS_PER_SITE": "0"}
        wechat = {"WECHAT_SOGOU_BASE_URL": f"{server.url}/wechat/sogou", "WECHAT_MP_BASE_URL": f"{server.url}/wechat/mp",
                  "WECHAT_DOWNLOAD_DELAY": "0"}
        crawl(env, "wechat", {**common, **wechat})
        wechat_relayed = list(proxy.relayed)
        crawl(env, "sites", common)
        crawl(env, "wechat", wechat, round_id="2024-2")  # the same account, direct
        yield {"store": store, "wechat": wechat_relayed, "sites": proxy.relayed[len(wechat_relayed):], "base": server.url}


@pytest.mark.slow
def test_the_platform_spider_reaches_the_platform_through_its_proxy(through_proxy):
    relayed = through_proxy["wechat"]
    assert relayed and all(url.startswith(f"{through_proxy['base']}/wechat/") for url, _ in relayed)
    expected = "Basic " + base64.b64encode(b"inspector:s3cret").decode()
    assert {auth for _, auth in relayed} == {expected}


@pytest.mark.slow
def test_the_account_is_assessed_as_without_a_proxy(through_proxy):
    def verdict(round_id: str) -> tuple[str, str, list[str]]:
        found = through_proxy["store"].find_one("verdicts", {"round": round_id, "target_key": f"account:微信:{ACCOUNT}"})
        return found["verdict"], found["labels"], found["finding_codes"]

    assert verdict("2024-1") == verdict("2024-2")
    # the proxy relayed the answers: the account was found and read, not left unknown
    seen = through_proxy["store"].find_one("observations", {"round": "2024-1", "target_key": f"account:微信:{ACCOUNT}"})
    assert seen["found"] is True and seen["latest_post_at"] is not None


@pytest.mark.slow
def test_spiders_without_a_proxy_go_direct(through_proxy):
    assert through_proxy["sites"] == []
    home = through_proxy["store"].find_one("observations", {"round": "2024-1", "target_key": "site:渭南市统计局", "kind": "home"})
    assert (home["status"], home["state"]) == (200, "entries")


def test_the_proxy_setting_is_a_mapping_of_spider_names_to_urls():
    assert parse_proxies(None) == {}
    assert parse_proxies('{"weibo": "http://proxy:3128"}') == {"weibo": "http://proxy:3128"}
    assert parse_proxies({"douyin": "http://proxy:3128"}) == {"douyin": "http://proxy:3128"}
    with pytest.raises(ValueError, match="not JSON"):
        parse_proxies("http://proxy:3128")
    with pytest.raises(ValueError, match="spider names to proxy URLs"):
        parse_proxies('["http://proxy:3128"]')

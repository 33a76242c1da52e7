"""Over real HTTP: a 50 MB page (announced by Content-Length or streamed without one) and a gzip
bomb (1 MB unpacking to 1 GiB) are not read into memory. Their observations say `too_large`
and the site is 待人工复核, never failed; the probes of such a home page read only its headers
and count as visits."""

from __future__ import annotations

import gzip
import resource
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from govcheck_demo.faults import gzip_bomb
from support import SHORT_PROBE_SPAN_PROFILE, govcheck, open_store, store_environment
from test_site_faults import SETTINGS, import_register

# each test crawls a round over HTTP
pytestmark = [pytest.mark.slow]

MIB = 1024 * 1024
HUGE = 50 * MIB


def healthy_home() -> bytes:
    news = "".join(f'<li><a href="/n{i}.html">渭南市召开第{i}次政府常务会议</a><span>2024-02-1{i}</span></li>' for i in range(1, 6))
    return f'<html><body><div class="nav"><a href="/hdjl/">互动交流</a></div><ul class="news">{news}</ul></body></html>'.encode()


class Pages(BaseHTTPRequestHandler):
    bomb = b""

    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        kind = self.path.strip("/").split("/")[-1]
        if kind == "huge":  # announced by its Content-Length
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            self.stream(HUGE)
        elif kind == "endless":  # no Content-Length: read until the connection closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.stream(HUGE)
        elif kind == "bomb":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            if self.command == "GET":
                self.write(self.bomb)
        else:
            body = healthy_home()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.write(body)

    def stream(self, size: int) -> None:
        if self.command != "GET":
            return
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
        for _ in range(size // len(chunk)):
            if not self.write(chunk):
                return

    def write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            return True
        except OSError:  # the crawler hung up: what we want
            return False


SITES = {  # name → (home path, column path)
    "渭南市巨页局": ("/a/huge", "/a/list/"),
    "渭南市长页局": ("/b/", "/b/endless"),
    "渭南市炸弹局": ("/c/", "/c/bomb"),
    "渭南市首页炸弹局": ("/d/bomb", "/d/list/"),
}
TOO_LARGE = {("渭南市巨页局", "home"), ("渭南市长页局", "column"), ("渭南市炸弹局", "column"), ("渭南市首页炸弹局", "home")}


@pytest.fixture(scope="module")
def oversized_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("sizes")
    handler = type("Handler", (Pages,), {"bomb": gzip_bomb()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with store_environment("embedded", folder) as env:
            import_register(env, folder, {
                "网站": [{"网站名称": name, "网址": base + home, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                        for name, (home, _) in SITES.items()],
                "栏目": [{"网站名称": name, "栏目名称": "工作动态", "栏目地址": base + column, "栏目类型": "动态要闻"}
                        for name, (_, column) in SITES.items()],
            })
            arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites",
                         "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
            for name, value in SETTINGS.items():
                arguments += ["--set", f"{name}={value}"]
            run = govcheck(env, *arguments, timeout=600)
            peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            yield {"run": run, "store": open_store(env), "peak_mib": peak_mib}
    finally:
        server.shutdown()


def test_the_bomb_is_six_orders_smaller_than_what_it_unpacks_to():
    bomb = gzip_bomb()
    assert len(bomb) < 1.5 * MIB and len(gzip.decompress(bomb[: len(bomb) // 64])) == 16 * MIB


def test_the_round_finishes_without_holding_the_pages_in_memory(oversized_round):
    assert oversized_round["run"].returncode == 0, oversized_round["run"].stderr[-3000:]
    # 1 GiB unpacked or 50 MB held would show here; the crawl itself takes about 150 MiB
    assert oversized_round["peak_mib"] < 500


@pytest.mark.parametrize(("name", "kind"), sorted(TOO_LARGE))
def test_an_oversized_page_is_too_large_evidence(oversized_round, name, kind):
    page = oversized_round["store"].find_one("observations", {"target_key": f"site:{name}", "kind": kind})
    assert page["error"] == "too_large" and page["state"] == "failed" and page["entries"] == []


@pytest.mark.parametrize("name", SITES)
def test_the_site_is_reviewed_never_failed(oversized_round, name):
    store = oversized_round["store"]
    verdict = store.find_one("verdicts", {"target_key": f"site:{name}"})
    assert verdict["verdict"] == "待人工复核" and "too_large" in verdict["labels"], verdict


@pytest.mark.parametrize("name", SITES)
def test_the_probes_read_the_headers_and_count_as_visits(oversized_round, name):
    probes = oversized_round["store"].find("observations", {"target_key": f"site:{name}", "kind": "probe"})
    assert len(probes) == 3 and all(p["ok"] and p["status"] == 200 for p in probes), probes

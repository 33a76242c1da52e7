"""Our own faults are never the site's, in a real round over HTTP.

The round reads its pages in a worker process (GOVCHECK_PARSE_PROCESSES=1) and the test kills
that worker with SIGKILL, as the kernel's OOM killer would, while it reads a long home page:
the pool is replaced, the page read again, every site judged as it would have been, and the
round says a worker died (``govcheck: note: …`` and the run's ``notes``). A page over the
parser-input cap (GOVCHECK_MAX_PARSE_CHARS) is not parsed: `too_large`, reviewed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from govcheck_demo.faults import page_reading_workers
from govcheck_demo.replica import ReplicaServer, Reply
from support import REPLICA, REPO, open_store, store_environment
from test_site_faults import SETTINGS, import_register

pytestmark = [pytest.mark.slow]

LONG_LIST = 4000  # entries of the long home page: a second or more of reading
OVER_CAP = 10_000  # entries of the page over the cap set below
CAP = 500_000  # characters: the long page is under it, the page over it is about 800 000


def list_page(entries: int) -> str:
    items = "".join(
        f'<li><a href="/slow-read/n/{i}.html">渭南市召开第{i}次政府常务会议研究部署工作</a><span>2024-02-{1 + i % 19:02d}</span></li>'
        for i in range(entries)
    )
    return f'<html><body><div class="nav"><a href="/slow-read/hdjl/">互动交流</a></div><ul class="news">{items}</ul></body></html>'


class Pages:
    """The long home page (its request sets ``asked``), the page over the cap, and the rest."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.long = list_page(LONG_LIST)
        self.over_cap = list_page(OVER_CAP)

    def __call__(self, path: str, query: Any, headers: Mapping[str, str]) -> Reply:
        if path == "":
            self.asked.set()
            return Reply(200, self.long, "text/html; charset=utf-8")
        if path == "over-cap/":
            return Reply(200, self.over_cap, "text/html; charset=utf-8")
        if path == "hdjl/":
            form = '<html><body><h2>我要写信</h2><form action="/slow-read/hdjl/post" method="post"><textarea name="nr"></textarea><button type="submit">提交</button></form></body></html>'
            return Reply(200, form, "text/html; charset=utf-8")
        return Reply(200, "<html><body><h1>渭南市召开政府常务会议</h1><p>发布时间：2024-02-18</p></body></html>", "text/html; charset=utf-8")


SITES = {  # name → (home path, column path)
    "渭南市长页局": ("/slow-read/", "/fresh-trs/xwzx/dtyw/"),
    "渭南市超限局": ("/fresh-trs/", "/slow-read/over-cap/"),
    "渭南市发展和改革委员会": ("/fresh-trs/", "/fresh-trs/xwzx/dtyw/"),
    "南川县教育局": ("/no-dates/index.html", "/no-dates/tzgg/index.html"),
}


@pytest.fixture(scope="module")
def killed_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("killed")
    pages = Pages()
    with store_environment("embedded", folder) as env, ReplicaServer(REPLICA / "sites", routes={"/slow-read/": pages}) as server:
        import_register(env, folder, {
            "网站": [{"网站名称": name, "网址": server.url + home, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                   for name, (home, _) in SITES.items()],
            "栏目": [{"网站名称": name, "栏目名称": "工作动态", "栏目地址": server.url + column, "栏目类型": "动态要闻"}
                   for name, (_, column) in SITES.items()],
        })
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
        for name, value in {**SETTINGS, "GOVCHECK_PARSE_PROCESSES": "1", "GOVCHECK_MAX_PARSE_CHARS": str(CAP)}.items():
            arguments += ["--set", f"{name}={value}"]
        crawl = subprocess.Popen(
            [sys.executable, "-m", "govcheck.cli", *arguments], cwd=REPO, env={**os.environ, **env},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        killed: list[int] = []
        try:
            assert pages.asked.wait(120), "the long page was never requested"
            deadline = time.monotonic() + 60
            while not (workers := page_reading_workers(crawl.pid)) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)  # the long page is in the worker now, or about to be
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            stdout, stderr = crawl.communicate(timeout=600)
        finally:
            if crawl.poll() is None:
                crawl.kill()
        yield {"returncode": crawl.returncode, "stdout": stdout, "stderr": stderr, "killed": killed, "store": open_store(env)}


def test_the_worker_was_killed_during_the_round(killed_round):
    assert killed_round["killed"], "no page-reading worker was found to kill"


def test_the_round_finishes_and_says_a_worker_died(killed_round):
    assert killed_round["returncode"] == 0, killed_round["stderr"][-3000:]
    assert "govcheck: note: page-reading worker died 1 time(s)" in killed_round["stderr"]
    (run,) = killed_round["store"].find("runs", {"round": "2024-1"})
    assert run["state"] == "finished" and run["notes"] and "worker died" in run["notes"][0]


def test_the_long_page_was_read_again(killed_round):
    home = killed_round["store"].find_one("observations", {"target_key": "site:渭南市长页局", "kind": "home"})
    assert home["state"] == "entries" and home["newest_date"].date().isoformat() == "2024-02-19", home


@pytest.mark.parametrize("name", SITES)
def test_no_site_fails_for_our_fault(killed_round, name):
    verdict = killed_round["store"].find_one("verdicts", {"target_key": f"site:{name}"})
    assert verdict["verdict"] in ("合格", "待人工复核"), verdict


def test_a_page_over_the_parser_cap_is_too_large_and_reviewed(killed_round):
    store = killed_round["store"]
    column = store.find_one("observations", {"target_key": "site:渭南市超限局", "kind": "column"})
    assert column["state"] == "failed" and column["error"] == "too_large" and column["entries"] == []
    verdict = store.find_one("verdicts", {"target_key": "site:渭南市超限局"})
    assert verdict["verdict"] == "待人工复核" and "too_large" in verdict["labels"], verdict

"""A sites round that survives hostile pages and its own faults: figures of a faulty web.

    python bench/fault_bench.py [--sites 203] [--kills 1]

Serves N generated sites on 127.0.0.1, one fault of each kind in turn (see KINDS), every site
otherwise healthy (a fresh dated home page, a 互动交流 page with a message form, one fresh
动态要闻 column), and runs the round twice with ``govcheck run`` (embedded store, the page-reading
pool on: GOVCHECK_PARSE_PROCESSES=1). In each run the bench kills the pool's worker with SIGKILL
``--kills`` times, as the kernel's OOM killer would, once a third of the home pages were asked.
It prints:

- targets judged (a verdict for every site) and the verdicts of each kind of fault;
- false 不合格: sites failed although no fault of theirs fails them: every site here is built
  to pass on its own content, so each 不合格 is a false one (must be 0);
- lost observations: a site's home, column or probe without an observation in the run (must be 0);
- verdicts as each fault expects (待人工复核 for a column not read: too large, 503);
- whether the re-run gives identical verdicts (verdict and labels of every site);
- the run's notes (a worker that died) and how long each run took.

Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck.store import Store  # noqa: E402
from govcheck_demo.faults import gzip_bomb, page_reading_workers  # noqa: E402

ROUND = "2024-1"
# kind → what is wrong with its sites; the verdict expected of such a site
KINDS = {
    "healthy": ("nothing", "合格"),
    "gbk": ("GBK pages that declare no charset, mostly ASCII markup", "合格"),
    "bomb": ("its column is a gzip bomb (1 MB unpacking to 1 GiB)", "待人工复核"),
    "huge": ("its column announces 64 MiB", "待人工复核"),
    "hostile": ("its home page links loopback, private and link-local addresses", "合格"),
    "slow": ("every page answers after 2 s", "合格"),
    "5xx": ("its column answers 503", "待人工复核"),
}
STYLE = "".join(f".c{i} {{ margin: 0 {i}px; padding: 0; font-size: 12px; }}\n" for i in range(200))
NEWS = ("召开全市会议", "开展安全检查", "部署春耕工作", "通报检查结果", "发布雨雪预警")


def kind_of(number: int) -> str:
    return list(KINDS)[number % len(KINDS)]


def page(kind: str, body: str, title: str = "工作动态") -> bytes:
    html = (
        f'<html><head><title>{title}</title><style type="text/css">{STYLE}</style></head><body>'
        f"{body}</body></html>"
    )
    if kind == "gbk":
        return html.encode("gbk")
    return html.replace("<head>", '<head><meta charset="utf-8">', 1).encode("utf-8")


def dated_list(number: int) -> str:
    return "".join(f'<li><a href="/s{number}/n{i}.html">{t}</a><span class="date">[2024-02-1{i}]</span></li>' for i, t in enumerate(NEWS, 1))


def home_page(number: int, kind: str, port: int) -> bytes:
    hostile = ""
    if kind == "hostile":
        links = (f"http://127.0.0.2:{port}/admin?action=delete", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/internal/")
        hostile = "".join(f'<li><a href="{url}">内部链接</a></li>' for url in links)
    body = (
        f'<div class="nav"><a href="/s{number}/">Home</a> <a href="/s{number}/hdjl/">互动交流</a></div>'
        f'<div class="news-list"><ul>{dated_list(number)}</ul></div><ul class="links">{hostile}</ul>'
    )
    return page(kind, body, "首页")


class Web(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    port = 0
    bomb = b""
    homes_asked = 0
    lock = threading.Lock()

    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        parts = self.path.split("?")[0].strip("/").split("/")
        if not parts[0].startswith("s") or not parts[0][1:].isdigit():
            return self.answer(404, b"<html><body>not found</body></html>")
        number = int(parts[0][1:])
        kind, rest = kind_of(number), "/".join(parts[1:])
        if kind == "slow":
            time.sleep(2)
        if rest == "":
            with Web.lock:
                Web.homes_asked += 1
            return self.answer(200, home_page(number, kind, self.port), kind)
        if rest == "dt":
            if kind == "bomb":
                return self.answer(200, self.bomb, kind, {"Content-Encoding": "gzip"})
            if kind == "huge":
                return self.answer(200, b"", kind, {"Content-Length": str(64 * 1024 * 1024)}, stream=64 * 1024 * 1024)
            if kind == "5xx":
                return self.answer(503, b"<html><body>Service Unavailable</body></html>")
            return self.answer(200, page(kind, f'<div class="news-list"><ul>{dated_list(number)}</ul></div>'), kind)
        if rest == "hdjl":
            form = f'<h2>我要写信</h2><form action="/s{number}/hdjl/post" method="post"><textarea name="nr"></textarea><button type="submit">提交</button></form>'
            return self.answer(200, page(kind, form, "互动交流"), kind)
        if rest.startswith("n") and rest.endswith(".html"):
            return self.answer(200, page(kind, "<h1>召开全市会议</h1><p>发布时间：2024-02-18</p>"), kind)
        return self.answer(404, b"<html><body>not found</body></html>")

    def answer(self, status: int, body: bytes, kind: str = "", headers: dict[str, str] | None = None, stream: int = 0) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if kind == "gbk" else "text/html; charset=utf-8")
            headers = dict(headers or {})
            headers.setdefault("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "GET":
                return
            self.wfile.write(body)
            chunk = b"x" * 65536
            for _ in range(stream // len(chunk)):
                self.wfile.write(chunk)
        except OSError:  # the crawler hung up: what a size limit does
            pass


class WebServer(ThreadingHTTPServer):
    # a crawl opens dozens of connections at once: the default backlog of 5 drops some, which
    # the probes would rightly count as failed visits of the bench's sites
    request_queue_size = 256
    daemon_threads = True


def register(base: str, sites: int) -> dict[str, list[dict[str, str]]]:
    names = [f"测试站点{number:04d}（{kind_of(number)}）" for number in range(sites)]
    return {
        "网站": [{"网站名称": name, "网址": f"{base}/s{n}/", "网站类别": "县级部门网站", "区县": "测试县", "主办单位": name} for n, name in enumerate(names)],
        "栏目": [{"网站名称": name, "栏目名称": "工作动态", "栏目地址": f"{base}/s{n}/dt/", "栏目类型": "动态要闻"} for n, name in enumerate(names)],
    }


def run_round(env: dict[str, str], kills: int, sites: int) -> dict[str, Any]:
    """One ``govcheck run`` of the round, the worker killed ``kills`` times once a third of the homes were asked."""
    Web.homes_asked = 0
    settings = {
        "GOVCHECK_PARSE_PROCESSES": "1", "GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "10",
        "DOWNLOAD_TIMEOUT": "10", "RETRY_TIMES": "1", "GOVCHECK_PROGRESS_INTERVAL": "30",
    }
    arguments = ["run", "--round", ROUND, "--as-of", "2024-02-20", "--spider", "sites"]
    for name, value in settings.items():
        arguments += ["--set", f"{name}={value}"]
    started = time.monotonic()
    crawl = subprocess.Popen([sys.executable, "-m", "govcheck.cli", *arguments], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = 0
    output: dict[str, str] = {}
    reader = threading.Thread(target=lambda: output.update(zip(("stdout", "stderr"), crawl.communicate())), daemon=True)
    reader.start()
    while killed < kills and crawl.poll() is None:
        if Web.homes_asked >= sites // 3 * (killed + 1) // kills:
            workers = page_reading_workers(crawl.pid)
            if workers:
                time.sleep(0.2)
                for pid in workers:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        continue
                killed += 1
        time.sleep(0.05)
    reader.join()
    return {"returncode": crawl.returncode, "killed": killed, "seconds": time.monotonic() - started, **output}


def figures(store: Store, sites: int) -> dict[str, Any]:
    runs = sorted(store.find("runs", {"round": ROUND}), key=lambda run: run["run"])
    latest = runs[-1]["run"]
    verdicts = {v["target_key"]: v for v in store.find("verdicts", {"round": ROUND})}
    observations = store.find("observations", {"round": ROUND, "run": latest})
    seen = {(o["target_key"], o["kind"], o["key"]) for o in observations}
    lost = []
    by_kind: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    unexpected: list[tuple[str, str]] = []  # (target, labels) of a verdict its fault does not explain
    false_fail = []
    for number in range(sites):
        key = f"site:测试站点{number:04d}（{kind_of(number)}）"
        wanted = [(key, "home", "home"), (key, "column", "工作动态"), *((key, "probe", f"probe-{i}") for i in (1, 2, 3))]
        lost += [w for w in wanted if w not in seen]
        verdict = verdicts.get(key, {}).get("verdict", "none")
        by_kind[kind_of(number)][verdict] += 1
        if verdict != KINDS[kind_of(number)][1]:
            unexpected.append((key, str(verdicts.get(key, {}).get("labels"))))
        if verdict == "不合格":
            false_fail.append((key, verdicts[key].get("labels")))
    return {
        "judged": sum(1 for number in range(sites) if f"site:测试站点{number:04d}（{kind_of(number)}）" in verdicts),
        "false_fail": false_fail, "lost": lost, "by_kind": by_kind, "unexpected": unexpected,
        "verdicts": {key: (v["verdict"], v.get("labels")) for key, v in verdicts.items()},
        "notes": runs[-1].get("notes") or [], "state": runs[-1]["state"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=203)  # 29 sites of each of the 7 kinds
    parser.add_argument("--kills", type=int, default=1)
    arguments = parser.parse_args()
    bomb = gzip_bomb()
    with tempfile.TemporaryDirectory(prefix="fault-bench-") as folder:
        server = WebServer(("127.0.0.1", 0), Web)
        Web.port, Web.bomb = server.server_address[1], bomb
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{Web.port}"
        env = {
            **os.environ, "GOVCHECK_DATA_DIR": str(Path(folder) / "var"), "GOVCHECK_MONGO_URI": "",
            "GOVCHECK_ALLOW_PRIVATE_ADDRESSES": "127.0.0.1",  # the replica only: 127.0.0.2 is a hostile link's
            "GOVCHECK_CHROMIUM_LOOPBACK_ONLY": "1",
        }
        targets = Path(folder) / "targets.yaml"
        targets.write_text(yaml.safe_dump(register(base, arguments.sites), allow_unicode=True), encoding="utf-8")
        imported = subprocess.run([sys.executable, "-m", "govcheck.cli", "targets", "import", str(targets)], cwd=REPO, env=env, capture_output=True, text=True)
        if imported.returncode:
            print(imported.stderr, file=sys.stderr)
            return 1
        store = Store.open(None, env["GOVCHECK_DATA_DIR"], None)
        results = []
        for attempt in (1, 2):
            run = run_round(env, arguments.kills, arguments.sites)
            if not store.find("runs", {"round": ROUND}):
                print(run.get("stderr", "")[-3000:], file=sys.stderr)
                return 1
            seen = figures(store, arguments.sites)
            results.append(seen)
            print(f"run {attempt}: exit {run['returncode']}, state {seen['state']}, {run['seconds']:.0f} s, worker killed {run['killed']} time(s)")
            for line in run.get("stderr", "").splitlines():
                if line.startswith("govcheck:"):
                    print(f"  {line}")
            print(f"  targets judged: {seen['judged']} of {arguments.sites}")
            print(f"  false 不合格: {len(seen['false_fail'])}" + "".join(f"\n    {key}: {labels}" for key, labels in seen["false_fail"]))
            print(f"  lost observations: {len(seen['lost'])}" + "".join(f"\n    {lost}" for lost in seen["lost"][:10]))
            expected = sum(counts[KINDS[kind][1]] for kind, counts in seen["by_kind"].items())
            print(f"  verdicts as each fault expects: {expected} of {arguments.sites}")
            why = Counter(labels[:160] for _, labels in seen["unexpected"])
            print("".join(f"    {count} × {labels}\n" for labels, count in why.most_common(5)), end="")
            for kind, counts in seen["by_kind"].items():
                what, expected = KINDS[kind]
                print(f"    {kind:8} ({what}; expected {expected}): {dict(counts)}")
        first, second = results
        differing = sorted(key for key in first["verdicts"] if first["verdicts"][key] != second["verdicts"].get(key))
        for key in differing[:5]:
            print(f"    {key}: {first['verdicts'][key]} → {second['verdicts'].get(key)}")
        print(f"re-run gives identical verdicts: {'yes' if not differing else 'no'}" + (f" ({len(differing)} differ: {differing[:5]})" if differing else ""))
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

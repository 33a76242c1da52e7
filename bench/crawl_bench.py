"""Crawl throughput and memory of a sites round on a synthetic replica web.

    python bench/crawl_bench.py [--sites 1000] [--columns 20]

Builds N sites × C columns of TRS-like list pages in a temporary folder, serves them on
127.0.0.1, then runs back to back:

1. the govcheck sites round (`govcheck run --spider sites`, embedded store: probes, home
   page, every column, extraction, storage, classification), and
2. a bare Scrapy spider that only fetches the same URLs,

with the same concurrency, and prints pages/s of both, their ratio (goal ≥ 0.8) and the
peak RSS of the govcheck process (goal ≤ 300 MB for a 10,000-target round:
`--sites 10000 --columns 1`). Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck.replica import ReplicaServer  # noqa: E402

CONCURRENCY = {"CONCURRENT_REQUESTS": "64", "CONCURRENT_REQUESTS_PER_DOMAIN": "64", "LOG_LEVEL": "INFO"}
BARE_SPIDER = '''
import scrapy

class BareSpider(scrapy.Spider):
    name = "bare"

    async def start(self):
        for url in open(self.urls_file, encoding="utf-8").read().split():
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        yield {"url": response.url, "length": len(response.body)}
'''


def list_page(title: str, links: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a><span>{date}</span></li>' for href, text, date in links)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="head">今天是2024年2月23日</div><div class="list"><ul>{items}</ul></div>'
        f'<div class="footer">版权所有 2005-2024 陕ICP备05001234号</div></body></html>'
    )


def build_web(root: Path, sites: int, columns: int) -> None:
    for site in range(sites):
        folder = root / f"s{site}"
        folder.mkdir(parents=True)
        home_links = [(f"c{column}/", f"栏目{column}的最新信息标题", f"2024-02-{1 + (site + column) % 19:02d}") for column in range(columns)]
        (folder / "index.html").write_text(list_page(f"网站{site}", home_links), encoding="utf-8")
        for column in range(columns):
            entries = [(f"t{n}.html", f"关于第{n}项工作的通知公告", f"2024-01-{1 + (n * 7 + site) % 28:02d}") for n in range(20)]
            (folder / f"c{column}").mkdir()
            (folder / f"c{column}" / "index.html").write_text(list_page(f"栏目{column}", entries), encoding="utf-8")


def targets_file(path: Path, base_url: str, sites: int, columns: int) -> None:
    rows = {"网站": [], "栏目": []}
    for site in range(sites):
        name = f"基准网站{site:05d}"
        rows["网站"].append({"网站名称": name, "网址": f"{base_url}/s{site}/", "网站类别": "县级部门网站", "区县": "基准县", "主办单位": name})
        for column in range(columns):
            rows["栏目"].append({"网站名称": name, "栏目名称": f"栏目{column}", "栏目地址": f"{base_url}/s{site}/c{column}/", "栏目类型": "通知公告"})
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")


def crawl_stats(log: str) -> tuple[int, float]:
    """Pages received and crawl seconds from Scrapy's closing stats (the last crawl in the log)."""
    pages = [int(n) for n in re.findall(r"'response_received_count': (\d+)", log)]
    seconds = [float(n) for n in re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)]
    if not pages or not seconds:
        raise SystemExit(f"no crawl stats in the log:\n{log[-3000:]}")
    return pages[-1], seconds[-1]


def run(command: list[str], env: dict[str, str], cwd: Path = REPO) -> str:
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env={**os.environ, **env})
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="extra setting of the govcheck round")
    arguments = parser.parse_args()
    extra = dict(item.split("=", 1) for item in arguments.set)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        build_web(folder / "web", arguments.sites, arguments.columns)
        print(f"synthetic web: {arguments.sites} sites × {arguments.columns} columns, built in {time.perf_counter() - started:.1f} s")
        with ReplicaServer(folder / "web") as server:
            env = {"GOVCHECK_DATA_DIR": str(folder / "var"), "GOVCHECK_MONGO_URI": "", "GOVCHECK_PROGRESS_INTERVAL": "30"}
            targets_file(folder / "targets.yaml", server.url, arguments.sites, arguments.columns)
            run([sys.executable, "-m", "govcheck.cli", "targets", "import", str(folder / "targets.yaml")], env)

            # the same URLs as the bare spider: no link checks (they would add requests the bare spider does not make)
            settings = {**CONCURRENCY, "GOVCHECK_PROBE_INTERVAL": "0", "GOVCHECK_PROGRESS_INTERVAL": "30", "GOVCHECK_LINKS_PER_SITE": "0", **extra}
            command = [sys.executable, "-m", "govcheck.cli", "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
            for name, value in settings.items():
                command += ["--set", f"{name}={value}"]
            wall = time.perf_counter()
            govcheck_pages, govcheck_seconds = crawl_stats(run(command, env))
            govcheck_wall = time.perf_counter() - wall
            peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

            urls = []
            for site in range(arguments.sites):
                urls += [f"{server.url}/s{site}/"] * 4  # three probes and the home page
                urls += [f"{server.url}/s{site}/c{column}/" for column in range(arguments.columns)]
            (folder / "urls.txt").write_text("\n".join(urls), encoding="utf-8")
            (folder / "bare.py").write_text(BARE_SPIDER, encoding="utf-8")
            command = [sys.executable, "-m", "scrapy", "runspider", str(folder / "bare.py"), "-a", f"urls_file={folder / 'urls.txt'}"]
            for name, value in CONCURRENCY.items():
                command += ["-s", f"{name}={value}"]
            # run outside the project so that none of govcheck's settings or pipelines apply
            bare_pages, bare_seconds = crawl_stats(run(command, {}, cwd=folder))

    govcheck_rate, bare_rate = govcheck_pages / govcheck_seconds, bare_pages / bare_seconds
    print(f"govcheck sites round  {govcheck_pages} pages in {govcheck_seconds:.1f} s = {govcheck_rate:.0f} pages/s (whole run incl. start-up and classification {govcheck_wall:.1f} s)")
    print(f"bare Scrapy fetch     {bare_pages} pages in {bare_seconds:.1f} s = {bare_rate:.0f} pages/s")
    print(f"ratio                 {govcheck_rate / bare_rate:.2f} (goal ≥ 0.8)")
    print(f"peak RSS (govcheck)   {peak_rss_mb:.0f} MB for {arguments.sites} targets (goal ≤ 300 MB at 10,000 targets)")


if __name__ == "__main__":
    main()

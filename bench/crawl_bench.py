"""Crawl throughput and memory of a sites round on a synthetic replica web.

    python bench/crawl_bench.py [--sites 1000] [--columns 20] [--repeat 1]

Builds N sites × C columns of TRS-like list pages in a temporary folder, serves them on
127.0.0.1, then runs back to back:

1. the govcheck sites round (`govcheck run --spider sites`, embedded store: probes, home
   page, every column, extraction, storage, classification),
2. a bare Scrapy spider that only fetches the same URLs and yields one small item per page,
   with the same CONCURRENT_REQUESTS and govcheck's CONCURRENT_ITEMS (a like-for-like
   Scrapy), and
3. the same bare spider with Scrapy's default CONCURRENT_ITEMS (100), which costs Scrapy
   itself about a third of its rate,

and prints pages/s of each, the ratio of govcheck to the like-for-like spider (goal ≥ 0.8;
the ratio to Scrapy's defaults is printed beside it), and the peak RSS of the govcheck
process (goal ≤ 300 MB for a 10,000-target round: `--sites 10000 --columns 1`). With
`--repeat N` the three run N times in turn and the medians are printed: on a shared two-core
machine one run's rate moves by ±20 %. Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck import settings as govcheck_settings  # noqa: E402
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
    return run_measuring_memory(command, env, cwd)[0]


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (the page-reading workers), from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def run_measuring_memory(command: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[str, float]:
    """The command's log (stderr) and the peak of its process tree's resident memory in MB."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True, cwd=cwd, env={**os.environ, **env})
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, tree_rss_kb(process.pid))
            time.sleep(0.2)
        log.seek(0)
        stderr = log.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return stderr, peak_kb / 1024


def bare_urls(base_url: str, sites: int, columns: int) -> list[str]:
    """What the sites round fetches when link checks are off: three probes, the home page, the columns."""
    urls = []
    for site in range(sites):
        urls += [f"{base_url}/s{site}/"] * 4
        urls += [f"{base_url}/s{site}/c{column}/" for column in range(columns)]
    return urls


def run_govcheck(folder: Path, extra: dict[str, str], number: int) -> tuple[float, float, float]:
    """(pages/s, seconds of the whole run, peak MB of its processes) of one sites round on a fresh embedded store."""
    env = {"GOVCHECK_DATA_DIR": str(folder / f"var{number}"), "GOVCHECK_MONGO_URI": ""}
    run([sys.executable, "-m", "govcheck.cli", "targets", "import", str(folder / "targets.yaml")], env)
    # the same URLs as the bare spider: no link checks (they would add requests the bare spider does not make)
    settings = {**CONCURRENCY, "GOVCHECK_PROBE_INTERVAL": "0", "GOVCHECK_PROGRESS_INTERVAL": "30", "GOVCHECK_LINKS_PER_SITE": "0", **extra}
    command = [sys.executable, "-m", "govcheck.cli", "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
    for name, value in settings.items():
        command += ["--set", f"{name}={value}"]
    started = time.perf_counter()
    log, peak_rss_mb = run_measuring_memory(command, env)
    pages, seconds = crawl_stats(log)
    return pages / seconds, time.perf_counter() - started, peak_rss_mb


def run_bare(folder: Path, concurrent_items: int | None) -> float:
    """pages/s of the bare spider; ``concurrent_items`` None leaves Scrapy's default."""
    command = [sys.executable, "-m", "scrapy", "runspider", str(folder / "bare.py"), "-a", f"urls_file={folder / 'urls.txt'}"]
    for name, value in CONCURRENCY.items():
        command += ["-s", f"{name}={value}"]
    if concurrent_items is not None:
        command += ["-s", f"CONCURRENT_ITEMS={concurrent_items}"]
    # run outside the project so that none of govcheck's settings or pipelines apply
    pages, seconds = crawl_stats(run(command, {}, cwd=folder))
    return pages / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each spider; the medians are printed")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="extra setting of the govcheck round")
    arguments = parser.parse_args()
    extra = dict(item.split("=", 1) for item in arguments.set)
    concurrent_items = int(extra.get("CONCURRENT_ITEMS", govcheck_settings.CONCURRENT_ITEMS))
    rates: dict[str, list[float]] = {"govcheck": [], "bare": [], "bare_defaults": []}
    walls: list[float] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        build_web(folder / "web", arguments.sites, arguments.columns)
        print(f"synthetic web: {arguments.sites} sites × {arguments.columns} columns, built in {time.perf_counter() - started:.1f} s")
        with ReplicaServer(folder / "web") as server:
            targets_file(folder / "targets.yaml", server.url, arguments.sites, arguments.columns)
            (folder / "urls.txt").write_text("\n".join(bare_urls(server.url, arguments.sites, arguments.columns)), encoding="utf-8")
            (folder / "bare.py").write_text(BARE_SPIDER, encoding="utf-8")
            for number in range(max(1, arguments.repeat)):
                rate, wall, rss_mb = run_govcheck(folder, extra, number)
                rates["govcheck"].append(rate)
                walls.append(wall)
                peaks.append(rss_mb)
                rates["bare"].append(run_bare(folder, concurrent_items))
                rates["bare_defaults"].append(run_bare(folder, None))
                print(f"run {number + 1}: govcheck {rates['govcheck'][-1]:.0f}, bare {rates['bare'][-1]:.0f}, "
                      f"bare with Scrapy's defaults {rates['bare_defaults'][-1]:.0f} pages/s", flush=True)
    median = {name: statistics.median(values) for name, values in rates.items()}
    pages = len(bare_urls("", arguments.sites, arguments.columns))
    runs = f"median of {len(walls)} runs" if len(walls) > 1 else "one run"
    print(f"pages per run                         {pages}")
    print(f"govcheck sites round                  {median['govcheck']:.0f} pages/s ({runs}; whole run incl. start-up and classification {statistics.median(walls):.1f} s)")
    print(f"bare Scrapy, CONCURRENT_ITEMS={concurrent_items:<3}      {median['bare']:.0f} pages/s")
    print(f"bare Scrapy, Scrapy's defaults        {median['bare_defaults']:.0f} pages/s")
    print(f"ratio                                 {median['govcheck'] / median['bare']:.2f} (goal ≥ 0.8); "
          f"{median['govcheck'] / median['bare_defaults']:.2f} against Scrapy's defaults")
    print(f"peak RSS (govcheck)                   {max(peaks):.0f} MB for {arguments.sites} targets, the crawling process and its "
          "page-reading workers together (goal ≤ 300 MB at 10,000 targets)")


if __name__ == "__main__":
    main()

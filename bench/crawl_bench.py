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
processes (goal ≤ 300 MB for a 10,000-target round: `--sites 10000 --columns 1`). With
`--repeat N` the three run N times in turn and the medians are printed: on a shared two-core
machine one run's rate moves by ±20 %. Figures go to bench/README.md by hand.

It also prints the CPU time each spider spends per page (the crawling process and the
page-reading workers, sampled from /proc over the crawl) and the replica server's, because on a
machine with few cores the ratio is set by CPU, not by waiting: the cores are shared by the
crawl, the page reading and the server. The CPU ceiling line says how fast govcheck could go
with every core busy, and how many milliseconds of CPU per page 0.8 of the bare rate leaves it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck import settings as govcheck_settings  # noqa: E402
from govcheck_demo.replica import ReplicaServer  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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
    # every page links its site's 市长信箱, as real ones do (a home page without a channel is opened again in a
    # browser, and one linking only a section such as 政民互动 has the section's page read)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="head">今天是2024年2月23日 <a href="/hdjl/">市长信箱</a></div><div class="list"><ul>{items}</ul></div>'
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


@dataclass
class Run:
    """What one crawl command did; CPU from /proc over the crawl alone (Scrapy's "Spider opened" to its stats)."""

    pages: int  # responses received, from Scrapy's closing stats
    crawl_seconds: float  # Scrapy's elapsed_time_seconds
    cpu_seconds: float  # user + system CPU of the command's processes (the crawl and its page-reading workers)
    crawling_cpu_seconds: float  # of the command's own process; the rest is its workers'
    server_cpu_seconds: float  # of this process: the replica server's threads (and this sampling, about 1 %)
    peak_rss_mb: float  # of the command's process tree
    wall_seconds: float  # of the whole command, start-up included
    log: str = ""  # the command's stderr (Scrapy's log)

    @property
    def rate(self) -> float:
        return self.pages / self.crawl_seconds

    def cpu_ms_per_page(self, seconds: float) -> float:
        return seconds * 1000 / self.pages


CRAWL_STARTS, CRAWL_ENDS = "Spider opened", "Dumping Scrapy stats"


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (the page-reading workers), from /proc."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        tree.append(current)
    return tree


def cpu_and_rss(pid: int) -> tuple[float, int] | None:
    """(user + system CPU seconds, resident kB) of one process; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    rss_kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, rss_kb


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict[str, str], cwd: Path = REPO) -> Run:
    """Runs a crawl command, sampling its process tree every 0.1 s: memory, and CPU when the crawl starts and ends."""
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", encoding="utf-8") as log, open(log.name, encoding="utf-8") as reading:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True, cwd=cwd, env={**os.environ, **env})
        peak_kb, stderr = 0, ""
        last_cpu: dict[int, float] = {}  # per process, kept after it exits (the workers stop before the stats)
        marks: dict[str, tuple[float, float, float]] = {}  # marker → (tree CPU, own process CPU, server CPU)
        while process.poll() is None:
            rss_kb = 0
            for pid in process_tree(process.pid):
                if usage := cpu_and_rss(pid):
                    last_cpu[pid], rss_kb = usage[0], rss_kb + usage[1]
            peak_kb = max(peak_kb, rss_kb)
            stderr += reading.read()
            for marker in (CRAWL_STARTS, CRAWL_ENDS):
                if marker not in marks and marker in stderr:
                    marks[marker] = (sum(last_cpu.values()), last_cpu.get(process.pid, 0.0), own_cpu())
            time.sleep(0.1)
        stderr += reading.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    if len(marks) < 2:
        raise SystemExit(f"the crawl's start or end is not in the log:\n{stderr[-3000:]}")
    pages, seconds = crawl_stats(stderr)
    (tree_0, own_0, server_0), (tree_1, own_1, server_1) = marks[CRAWL_STARTS], marks[CRAWL_ENDS]
    return Run(
        pages=pages,
        crawl_seconds=seconds,
        cpu_seconds=tree_1 - tree_0,
        crawling_cpu_seconds=own_1 - own_0,
        server_cpu_seconds=server_1 - server_0,
        peak_rss_mb=peak_kb / 1024,
        wall_seconds=time.perf_counter() - started,
        log=stderr,
    )


def bare_urls(base_url: str, sites: int, columns: int) -> list[str]:
    """What the sites round fetches when link checks are off: three probes, the home page, the columns."""
    urls = []
    for site in range(sites):
        urls += [f"{base_url}/s{site}/"] * 4
        urls += [f"{base_url}/s{site}/c{column}/" for column in range(columns)]
    return urls


def run_govcheck(folder: Path, extra: dict[str, str], number: int) -> Run:
    """One sites round on a fresh embedded store."""
    # the replica is on loopback, which the network policy refuses unless allowed
    env = {"GOVCHECK_DATA_DIR": str(folder / f"var{number}"), "GOVCHECK_MONGO_URI": "", "GOVCHECK_ALLOW_PRIVATE_ADDRESSES": "127.0.0.0/8, ::1"}
    subprocess.run([sys.executable, "-m", "govcheck.cli", "targets", "import", str(folder / "targets.yaml")],
                   env={**os.environ, **env}, cwd=REPO, check=True, capture_output=True)
    # the same URLs as the bare spider: no link checks (they would add requests the bare spider does not make)
    settings = {**CONCURRENCY, "GOVCHECK_PROBE_INTERVAL": "0", "GOVCHECK_PROGRESS_INTERVAL": "30", "GOVCHECK_LINKS_PER_SITE": "0", **extra}
    command = [sys.executable, "-m", "govcheck.cli", "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
    for name, value in settings.items():
        command += ["--set", f"{name}={value}"]
    return run(command, env)


def run_bare(folder: Path, concurrent_items: int | None) -> Run:
    """The bare spider; ``concurrent_items`` None leaves Scrapy's default."""
    command = [sys.executable, "-m", "scrapy", "runspider", str(folder / "bare.py"), "-a", f"urls_file={folder / 'urls.txt'}"]
    for name, value in CONCURRENCY.items():
        command += ["-s", f"{name}={value}"]
    if concurrent_items is not None:
        command += ["-s", f"CONCURRENT_ITEMS={concurrent_items}"]
    # run outside the project so that none of govcheck's settings or pipelines apply
    return run(command, {}, cwd=folder)


def median_of(runs: list[Run], figure: Callable[[Run], float]) -> float:
    return statistics.median(figure(r) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each spider; the medians are printed")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="extra setting of the govcheck round")
    arguments = parser.parse_args()
    extra = dict(item.split("=", 1) for item in arguments.set)
    concurrent_items = int(extra.get("CONCURRENT_ITEMS", govcheck_settings.CONCURRENT_ITEMS))
    runs: dict[str, list[Run]] = {"govcheck": [], "bare": [], "bare_defaults": []}
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
                runs["govcheck"].append(run_govcheck(folder, extra, number))
                runs["bare"].append(run_bare(folder, concurrent_items))
                runs["bare_defaults"].append(run_bare(folder, None))
                print(f"run {number + 1}: govcheck {runs['govcheck'][-1].rate:.0f}, bare {runs['bare'][-1].rate:.0f}, "
                      f"bare with Scrapy's defaults {runs['bare_defaults'][-1].rate:.0f} pages/s", flush=True)
    rate = {name: median_of(done, lambda r: r.rate) for name, done in runs.items()}
    ms = {
        name: {
            "all": median_of(done, lambda r: r.cpu_ms_per_page(r.cpu_seconds)),
            "crawling": median_of(done, lambda r: r.cpu_ms_per_page(r.crawling_cpu_seconds)),
            "server": median_of(done, lambda r: r.cpu_ms_per_page(r.server_cpu_seconds)),
        }
        for name, done in runs.items()
    }
    cores = os.cpu_count() or 1
    busy = median_of(runs["govcheck"], lambda r: (r.cpu_seconds + r.server_cpu_seconds) / (r.crawl_seconds * cores))
    # The fastest govcheck could go if its processes and the server kept every core busy; and the CPU per
    # page that 0.8 of the like-for-like rate leaves it, the server's share taken out.
    ceiling = cores * 1000 / (ms["govcheck"]["all"] + ms["govcheck"]["server"])
    budget = cores * 1000 / (0.8 * rate["bare"]) - ms["govcheck"]["server"]
    pages = runs["govcheck"][0].pages
    count = f"median of {len(runs['govcheck'])} runs" if len(runs["govcheck"]) > 1 else "one run"
    print(f"pages per run                         {pages}")
    print(f"govcheck sites round                  {rate['govcheck']:.0f} pages/s ({count}; whole run incl. start-up and "
          f"classification {median_of(runs['govcheck'], lambda r: r.wall_seconds):.1f} s)")
    print(f"bare Scrapy, CONCURRENT_ITEMS={concurrent_items:<3}      {rate['bare']:.0f} pages/s")
    print(f"bare Scrapy, Scrapy's defaults        {rate['bare_defaults']:.0f} pages/s")
    print(f"ratio                                 {rate['govcheck'] / rate['bare']:.2f} (goal ≥ 0.8); "
          f"{rate['govcheck'] / rate['bare_defaults']:.2f} against Scrapy's defaults")
    print(f"CPU per page during the crawl         govcheck {ms['govcheck']['all']:.2f} ms (crawling process "
          f"{ms['govcheck']['crawling']:.2f}, page-reading workers {ms['govcheck']['all'] - ms['govcheck']['crawling']:.2f}); "
          f"bare {ms['bare']['all']:.2f} ms; replica server {ms['govcheck']['server']:.2f} / {ms['bare']['server']:.2f} ms")
    print(f"cores busy during the govcheck crawl  {100 * busy:.0f} % of {cores}")
    print(f"CPU ceiling                           with all {cores} cores busy, that CPU per page allows govcheck at most "
          f"{ceiling:.0f} pages/s = ratio {ceiling / rate['bare']:.2f}; 0.8 would need at most {budget:.2f} ms per page")
    print(f"peak RSS (govcheck)                   {max(r.peak_rss_mb for r in runs['govcheck']):.0f} MB for {arguments.sites} "
          "targets, the crawling process and its page-reading workers together (goal ≤ 300 MB at 10,000 targets)")


if __name__ == "__main__":
    main()

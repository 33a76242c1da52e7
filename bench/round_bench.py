"""A sites round on the latency web: how close it comes to its politeness bound.

    python bench/round_bench.py [--sites 51] [--columns 20] [--set NAME=VALUE ...] [--repo PATH]

Serves bench/latency_web.py (one host per site, base latency 0.1–3 s, jitter, shared portals,
broken links), imports it as a register into a fresh embedded store, runs ``govcheck run
--spider sites`` against it and prints:

- the wall time of the crawl (Scrapy's elapsed time; the whole command beside it);
- the politeness bound: no round can be faster than the busiest host at the per-host limit
  (the seconds that host spent answering this round's requests, over the limit), than all the
  requests at the global limit (every host's answering seconds over CONCURRENT_REQUESTS), or than
  the spacing of the availability probes; the bound is the largest of the three;
- their ratio (goal ≤ 1.3);
- the most requests ever in flight on one host (goal: never over the per-host limit) and on
  all hosts together;
- requests per site by kind (the crawl's politeness/transfers/<kind> stats; link checks also
  split by the host they went to), links checked and broken links found against those the web
  was built with;
- CPU per page of the crawling process tree.

``--repo`` runs the round from another checkout of govcheck (e.g. an older commit unpacked
with ``git archive``), to compare link checks before and after a change; stats that checkout
does not keep are worked out from Scrapy's own (link checks: every request but the probes and
pages). Figures go to bench/README.md by hand.
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
from collections import Counter
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

from crawl_bench import run  # noqa: E402
from latency_web import PORTALS, LatencyWeb  # noqa: E402

from govcheck import settings as govcheck_settings  # noqa: E402
from govcheck.rules import load_profile  # noqa: E402
from govcheck.store import Store  # noqa: E402


def scrapy_stats(log: str) -> dict[str, float]:
    """The numbers of the last stats dump in a Scrapy log."""
    dump = log.rsplit("Dumping Scrapy stats:", 1)[-1]
    return {key: float(value) for key, value in re.findall(r"'([^']+)': (\d+(?:\.\d+)?)[,}]", dump)}


def raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=51)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--entries", type=int, default=15, help="entries on a column page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="setting of the round")
    parser.add_argument("--repo", type=Path, default=REPO, help="the govcheck checkout to run")
    arguments = parser.parse_args()
    extra = dict(item.split("=", 1) for item in arguments.set)
    raise_open_files()

    profile = load_profile("national-2019").section("websites", "availability")
    probe_count = int(profile["probe_count"])
    interval = float(extra.get("GOVCHECK_PROBE_INTERVAL", profile["probe_interval_seconds"]))
    global_limit = int(extra.get("CONCURRENT_REQUESTS", govcheck_settings.CONCURRENT_REQUESTS))
    host_limit = int(extra.get("CONCURRENT_REQUESTS_PER_DOMAIN", govcheck_settings.CONCURRENT_REQUESTS_PER_DOMAIN))

    with tempfile.TemporaryDirectory() as folder_name, LatencyWeb(arguments.sites, arguments.columns, arguments.entries, arguments.seed) as web:
        folder = Path(folder_name)
        env = {"GOVCHECK_DATA_DIR": str(folder / "var"), "GOVCHECK_MONGO_URI": "", "PYTHONPATH": str(arguments.repo)}
        (folder / "targets.yaml").write_text(yaml.safe_dump(web.targets(), allow_unicode=True), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "govcheck.cli", "targets", "import", str(folder / "targets.yaml")],
                       env={**os.environ, **env}, cwd=arguments.repo, check=True, capture_output=True)
        settings = {"GOVCHECK_PROGRESS_INTERVAL": "60", "LOG_LEVEL": "INFO", **extra}
        command = [sys.executable, "-m", "govcheck.cli", "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
        for name, value in settings.items():
            command += ["--set", f"{name}={value}"]
        print(f"latency web: {arguments.sites} sites × {arguments.columns} columns, a host each, base latency "
              f"{min(s.latency for s in web.sites):.2f}–{max(s.latency for s in web.sites):.2f} s ± {web.jitter:.0%}, "
              f"{PORTALS} portal hosts; CONCURRENT_REQUESTS {global_limit}, per-host limit {host_limit}", flush=True)
        started = time.perf_counter()
        done = run(command, env, cwd=arguments.repo)
        log = done.log
        whole = time.perf_counter() - started
        counts = web.snapshot()
        store = Store.open(None, env["GOVCHECK_DATA_DIR"])
        pages = store.find("observations", {"round": "2024-1", "kind": {"$in": ["home", "column"]}})
        findings = store.find("findings", {"round": "2024-1", "code": "site.links.broken"})
        expected = {f"site:{site.name}": web.broken_links(site) for site in web.sites}

    overall = counts.pop("*")
    stats = scrapy_stats(log)
    sites = arguments.sites
    # the politeness bound
    busiest_host, busiest = max(counts.items(), key=lambda item: item[1].busy)
    slowest_host = busiest.busy / host_limit
    all_requests = overall.busy / global_limit
    spacing = (probe_count - 1) * interval
    bound = max(slowest_host, all_requests, spacing)
    over = {host: c.peak for host, c in counts.items() if c.peak > host_limit}
    # requests by kind
    kinds = {key.rsplit("/", 1)[1]: value for key, value in stats.items() if key.startswith("politeness/transfers/")}
    requests = stats.get("downloader/request_count", 0)
    if not kinds:  # an older checkout: what is not a probe or a page was a link check
        kinds = {"probe": probe_count * sites, "page": (1 + arguments.columns) * sites}
        kinds["link (by difference)"] = requests - sum(kinds.values())
    site_hosts = {site.address for site in web.sites}
    at_sites = sum(c.requests for host, c in counts.items() if host in site_hosts)
    at_portals = sum(c.requests for host, c in counts.items() if host not in site_hosts)
    link_requests = requests - kinds.get("probe", 0) - kinds.get("page", 0) - kinds.get("render", 0) - kinds.get("detail", 0)
    page_requests = requests - link_requests
    # links checked, and the broken links the rules found
    checked = skipped = 0
    for observation in pages:
        links = observation.get("links") or {}
        checked += int(links.get("checked") or 0)
        skipped += int(links.get("skipped") or 0)
    found = {f["target_key"]: {b["url"] for b in f["evidence"]["broken"]} for f in findings}
    missed = {key: sorted(urls - found.get(key, set())) for key, urls in expected.items() if urls - found.get(key, set())}
    extra_found = {key: sorted(urls - expected[key]) for key, urls in found.items() if urls - expected.get(key, set())}
    responses = stats.get("response_received_count", 0)

    print(f"wall time                      {done.crawl_seconds:.1f} s crawl ({whole:.1f} s whole command: start-up, import of nothing, classification)")
    print(f"politeness bound               {bound:.1f} s = max(busiest host at {host_limit}: {slowest_host:.1f} s "
          f"[{busiest_host}, {busiest.requests} requests, {busiest.busy:.0f} s answering]; all requests at {global_limit}: "
          f"{all_requests:.1f} s [{overall.requests} requests, {overall.busy:.0f} s answering]; probe spacing {spacing:.0f} s)")
    print(f"ratio                          {done.crawl_seconds / bound:.2f} (goal ≤ 1.3); the busiest host was asked from "
          f"{busiest.first - overall.first:.1f} s to {busiest.last - overall.first:.1f} s after the first request, busy "
          f"{busiest.busy / (host_limit * max(busiest.last - busiest.first, 1e-9)):.0%} of that at the limit; the last answer came "
          f"{overall.last - overall.first:.1f} s after the first")
    print(f"most in flight on one host     {max(c.peak for c in counts.values())} (limit {host_limit}; hosts over it: {len(over)} {over or ''})")
    print(f"most in flight on all hosts    {overall.peak} (CONCURRENT_REQUESTS {global_limit})")
    print("requests per site by kind      " + ", ".join(f"{kind} {value / sites:.1f}" for kind, value in sorted(kinds.items())))
    print(f"link checks per site           {link_requests / sites:.1f} requests ({(at_sites - page_requests) / sites:.1f} at the sites' hosts, "
          f"{at_portals / sites:.1f} at portals, the rest refused or elsewhere); {checked / sites:.1f} links answered, "
          f"{skipped / sites:.1f} skipped per site, summed over its pages")
    print(f"broken links found             {sum(len(v) for v in found.values())} of {sum(len(v) for v in expected.values())} "
          f"built in; missed {sum(len(v) for v in missed.values())} on {len(missed)} sites; not built in {sum(len(v) for v in extra_found.values())}")
    for key, urls in list(missed.items())[:5]:
        print(f"  missed on {key}: {', '.join(urls)}")
    for key, urls in list(extra_found.items())[:5]:
        print(f"  not built in, on {key}: {', '.join(urls)}")
    print(f"requests and responses         {requests:.0f} requests, {responses:.0f} responses; the web answered {overall.requests} "
          f"({Counter(dict(overall.methods))})")
    print(f"CPU per response               {done.cpu_ms_per_page(done.cpu_seconds):.2f} ms (crawling process "
          f"{done.cpu_ms_per_page(done.crawling_cpu_seconds):.2f}), {100 * done.cpu_seconds / done.crawl_seconds:.0f} % of a core "
          f"over the crawl; peak RSS {done.peak_rss_mb:.0f} MB; the web's server {done.cpu_ms_per_page(done.server_cpu_seconds):.2f} ms")


if __name__ == "__main__":
    main()

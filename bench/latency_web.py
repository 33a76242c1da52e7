"""A loopback web of slow government sites, one host per site, that counts requests in flight.

Each site listens on its own loopback address (127.1.x.y, one port for all), so Scrapy keys
each site to a download slot of its own as it would real hosts (Scrapy's slots, and our
per-host limit, key by host name; an address is a host name). Every answer waits for its
site's base latency (0.1–3 s by default, drawn once per site) times a jitter (±20 %), as the
slow servers of real county sites do. For every host the server keeps:

- the most requests it ever had in flight at once (``peak``): a request counts from the
  moment its handler starts until its answer is handed back, which lies within the time the
  client counts it as transferring;
- the requests answered, by method and by kind of page (home, column, entry, portal…), and
  the seconds it spent answering them (``busy``), from which the bench computes the
  politeness bound of a round.

Pages are shaped like the replica's and like real county sites' home pages (about a hundred
links, a third of them to other hosts):

- ``/``: navigation to the columns and 政民互动, the newest entries of four columns, ten
  special-topic pages of the site (``/zt/``), the home pages of five other sites of the web (a
  city's sites link to each other), and a footer of ten links to shared portals (other hosts,
  answered fast, as large portals are);
- ``/hdjl/``: the 政民互动 section, linking its 我要咨询 channel, as real sites do (the home
  page names only the section: the round reads the section's page, finds the channel there and
  looks no further);
- ``/cN/``: the navigation, a dated list of entries (newest first, within the weeks before
  the monitoring day), the footer; ``/cN/tM.html``: an entry with its date;
- broken links, as real sites have them: a portal page that is gone (404, linked from every
  site's footer), a special-topic page that is gone on one site in three (404), a deleted
  entry still listed on one site in four (404), an old script on one site in ten (500), and a
  友情链接 to a host where nothing listens on one site in five (connection refused);
- one site in ten refuses HEAD (405), as some servers and firewalls do.

Run on its own it serves until interrupted::

    python bench/latency_web.py --sites 51 --columns 20
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from aiohttp import web

SITE_NETWORK = (127, 1)  # site i listens on 127.1.(i // 250).(i % 250 + 1)
PORTAL_NETWORK = (127, 2)
DEAD_HOST = "127.3.0.1"  # nothing listens there: connection refused
PORTALS = 5
PORTAL_PAGES = 10
PORTAL_LATENCY = (0.1, 0.4)
GONE_PORTAL_PAGE = PORTAL_PAGES - 1  # /p9.html of the first portal answers 404
TOPICS = 10
SIBLINGS = 5
NEWS_COLUMNS = 4
NEWS_ENTRIES = 5
MEDIA_IMAGES = 12  # images of /media.html (linked from nowhere: for tests of rendered pages)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def site_address(index: int) -> str:
    return f"{SITE_NETWORK[0]}.{SITE_NETWORK[1]}.{index // 250}.{index % 250 + 1}"


def portal_address(index: int) -> str:
    return f"{PORTAL_NETWORK[0]}.{PORTAL_NETWORK[1]}.0.{index + 1}"


@dataclass(frozen=True)
class Site:
    """One site of the web and what is wrong with it."""

    index: int
    address: str
    latency: float  # base seconds before an answer
    refuses_head: bool
    gone_topic: bool  # /zt/old.html is linked and answers 404
    deleted_entry: bool  # an entry of column 0 is listed and answers 404
    old_script: bool  # /cgi/old.asp is linked and answers 500
    dead_friend: bool  # a 友情链接 to DEAD_HOST

    @property
    def name(self) -> str:
        return f"延迟网站{self.index:05d}"


@dataclass
class HostCounts:
    """What one host saw."""

    in_flight: int = 0
    peak: int = 0
    busy: float = 0.0  # seconds spent answering (the latency it applied)
    first: float = 0.0  # time.monotonic() of its first request
    last: float = 0.0  # and of its last answer
    methods: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    paths: Counter = field(default_factory=Counter)  # (method, path): only with count_paths

    @property
    def requests(self) -> int:
        return sum(self.methods.values())


def page(title: str, body: str) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}'
        f'<div class="footer">版权所有 2005-2024 陕ICP备05001234号</div></body></html>'
    )


class LatencyWeb:
    """The web, served from a thread of its own; ``with LatencyWeb(...) as web:``."""

    def __init__(
        self,
        sites: int,
        columns: int = 20,
        entries: int = 15,
        seed: int = 1,
        latency: tuple[float, float] = (0.1, 3.0),
        jitter: float = 0.2,
        as_of: date = date(2024, 2, 20),
        port: int = 0,
        count_paths: bool = False,
    ) -> None:
        chance = random.Random(seed)
        self.columns = columns
        self.entries = entries
        self.jitter = jitter
        self.as_of = as_of
        self.count_paths = count_paths  # requests per (method, path) of each host, for tests
        self.sites = [
            Site(
                index=i,
                address=site_address(i),
                latency=round(chance.uniform(*latency), 3),
                refuses_head=i % 10 == 7,
                gone_topic=i % 3 == 1,
                deleted_entry=i % 4 == 2,
                old_script=i % 10 == 3,
                dead_friend=i % 5 == 4,
            )
            for i in range(sites)
        ]
        self.portal_latency = [round(chance.uniform(*PORTAL_LATENCY), 3) for _ in range(PORTALS)]
        self._by_address = {site.address: site for site in self.sites}
        self._portals = {portal_address(i): i for i in range(PORTALS)}
        self._jitter = random.Random(seed + 1)
        self.counts: dict[str, HostCounts] = {}
        self.overall = HostCounts()  # every host together
        self._port = port or free_port()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    # -- addresses ----------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    def home_url(self, site: Site) -> str:
        return f"http://{site.address}:{self._port}/"

    def column_url(self, site: Site, column: int) -> str:
        return f"http://{site.address}:{self._port}/c{column}/"

    def portal_url(self, portal: int, number: int) -> str:
        return f"http://{portal_address(portal)}:{self._port}/p{number}.html"

    def dead_url(self, site: Site) -> str:
        return f"http://{DEAD_HOST}:{self._port}/yqlj/{site.index}.html"

    def broken_links(self, site: Site) -> set[str]:
        """The broken links a site's home and column pages show, by design."""
        home = self.home_url(site)
        broken = {self.portal_url(0, GONE_PORTAL_PAGE)}
        if site.gone_topic:
            broken.add(home + "zt/old.html")
        if site.deleted_entry:
            broken.add(home + "c0/deleted.html")
        if site.old_script:
            broken.add(home + "cgi/old.asp")
        if site.dead_friend:
            broken.add(self.dead_url(site))
        return broken

    def targets(self) -> dict[str, list[dict[str, str]]]:
        """The web as an operator's targets file (网站 and 栏目 sheets)."""
        sites, columns = [], []
        for site in self.sites:
            sites.append({"网站名称": site.name, "网址": self.home_url(site), "网站类别": "县级部门网站", "区县": "延迟县", "主办单位": site.name})
            for column in range(self.columns):
                columns.append({"网站名称": site.name, "栏目名称": f"栏目{column}", "栏目地址": self.column_url(site, column), "栏目类型": "通知公告"})
        return {"网站": sites, "栏目": columns}

    # -- what the hosts saw -------------------------------------------------------------

    def snapshot(self) -> dict[str, HostCounts]:
        """A copy of every host's counts (taken in the server's thread, so consistent); under
        the key ``*`` those of every host together."""
        async def copy() -> dict[str, HostCounts]:
            return {
                host: HostCounts(c.in_flight, c.peak, c.busy, c.first, c.last, Counter(c.methods), Counter(c.kinds), Counter(c.paths))
                for host, c in [*self.counts.items(), ("*", self.overall)]
            }
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(copy(), self._loop).result(30)

    def reset(self) -> None:
        async def clear() -> None:
            self.counts.clear()
            self.overall = HostCounts()
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(clear(), self._loop).result(30)

    # -- pages --------------------------------------------------------------------------

    def entry_date(self, site: Site, column: int, number: int) -> date:
        """Entries are newest first, the first within a week of the monitoring day."""
        return self.as_of - timedelta(days=(site.index + column) % 7 + number * 2)

    def navigation(self, site: Site) -> str:
        items = "".join(f'<li><a href="/c{c}/">栏目{c}</a></li>' for c in range(self.columns))
        return f'<div class="nav"><ul><li><a href="/">首页</a></li>{items}<li><a href="/hdjl/">政民互动</a></li></ul></div>'

    def footer(self, site: Site) -> str:
        links = [(self.portal_url(p % PORTALS, p // PORTALS + (0 if p else GONE_PORTAL_PAGE)), f"门户{p}") for p in range(10)]
        if site.dead_friend:
            links.append((self.dead_url(site), "友情链接"))
        items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
        return f'<div class="links"><h3>相关链接</h3><ul>{items}</ul></div>'

    def entry_list(self, site: Site, column: int, count: int) -> str:
        items = []
        for number in range(count):
            day = self.entry_date(site, column, number)
            href = f"/c{column}/t{number}.html"
            if site.deleted_entry and column == 0 and number == 2:
                href = "/c0/deleted.html"
            items.append(f'<li><a href="{href}">关于第{number}项工作的通知公告</a><span>{day.isoformat()}</span></li>')
        return f'<div class="list"><ul>{"".join(items)}</ul></div>'

    def home(self, site: Site) -> str:
        news = "".join(
            f"<h2>栏目{c}</h2>" + self.entry_list(site, c, NEWS_ENTRIES) for c in range(min(NEWS_COLUMNS, self.columns))
        )
        topics = [f'<li><a href="/zt/z{k}.html">专题{k}</a></li>' for k in range(TOPICS)]
        if site.gone_topic:
            topics.append('<li><a href="/zt/old.html">往期专题</a></li>')
        if site.old_script:
            topics.append('<li><a href="/cgi/old.asp">旧版查询</a></li>')
        siblings = "".join(
            f'<li><a href="{self.home_url(self.sites[(site.index + k) % len(self.sites)])}">兄弟单位{k}</a></li>'
            for k in range(1, min(SIBLINGS, len(self.sites) - 1) + 1)
        )
        body = (
            f"<div class='head'>{site.name}</div>{self.navigation(site)}{news}"
            f"<div class='zt'><ul>{''.join(topics)}</ul></div><div class='sites'><ul>{siblings}</ul></div>{self.footer(site)}"
        )
        return page(site.name, body)

    def column(self, site: Site, column: int) -> str:
        body = f"{self.navigation(site)}<h1>栏目{column}</h1>{self.entry_list(site, column, self.entries)}{self.footer(site)}"
        return page(f"栏目{column}", body)

    def entry(self, site: Site, column: int, number: int) -> str:
        day = self.entry_date(site, column, number)
        return page(f"第{number}项工作", f"<h1>关于第{number}项工作的通知公告</h1><p>发布时间：{day.isoformat()}</p><p>正文。</p>")

    def site_answer(self, site: Site, path: str) -> tuple[int, str, str]:
        """(status, body, kind) of a path of a site."""
        parts = [p for p in path.split("/") if p]
        if not parts:
            return 200, self.home(site), "home"
        if parts[0].startswith("c") and parts[0][1:].isdigit() and int(parts[0][1:]) < self.columns:
            column = int(parts[0][1:])
            if len(parts) == 1:
                return 200, self.column(site, column), "column"
            name = parts[1]
            if name.startswith("t") and name.endswith(".html") and name[1:-5].isdigit() and int(name[1:-5]) < self.entries:
                return 200, self.entry(site, column, int(name[1:-5])), "entry"
            return 404, page("404", "页面不存在"), "missing"
        if parts == ["hdjl"]:
            return 200, page("政民互动", f"{self.navigation(site)}<h1>政民互动</h1><p><a href='/hdjl/zx.html'>我要咨询</a></p>"), "other"
        if parts[0] == "zt" and len(parts) == 2 and parts[1][1:-5].isdigit():
            return 200, page("专题", "<h1>专题</h1>"), "other"
        if parts == ["media.html"]:
            # a page a browser loads a dozen more things for (Chromium opens six connections a host)
            images = "".join(f'<img src="/img/{n}.svg" width="10" height="10">' for n in range(MEDIA_IMAGES))
            return 200, page("图片新闻", f"<h1>图片新闻</h1>{images}"), "other"
        if parts[0] == "img" and len(parts) == 2:
            return 200, SVG, "image"
        if parts == ["cgi", "old.asp"]:
            return 500, page("500", "Internal Server Error"), "missing"
        return 404, page("404", "页面不存在"), "missing"

    # -- serving ------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        address = request.transport.get_extra_info("sockname")[0] if request.transport else ""
        counts, overall = self.counts.setdefault(address, HostCounts()), self.overall
        for counted in (counts, overall):
            counted.first = counted.first or time.monotonic()
            counted.in_flight += 1
            counted.peak = max(counted.peak, counted.in_flight)
            counted.methods[request.method] += 1
        if self.count_paths:
            counts.paths[(request.method, request.path)] += 1
        try:
            site = self._by_address.get(address)
            if site is not None:
                latency = site.latency
                if site.refuses_head and request.method == "HEAD":
                    status, body, kind = 405, "", "refused"
                else:
                    status, body, kind = self.site_answer(site, request.path)
            else:
                portal = self._portals.get(address, 0)
                latency = self.portal_latency[portal]
                gone = portal == 0 and request.path == f"/p{GONE_PORTAL_PAGE}.html"
                status, body, kind = (404, page("404", "页面不存在"), "missing") if gone else (200, page("门户", "<h1>门户</h1>"), "portal")
            wait = latency * self._jitter.uniform(1 - self.jitter, 1 + self.jitter)
            for counted in (counts, overall):
                counted.kinds[kind] += 1
                counted.busy += wait
            await asyncio.sleep(wait)
            content_type = "image/svg+xml" if kind == "image" else "text/html"
            return web.Response(status=status, text=body, content_type=content_type, charset="utf-8")
        finally:
            counts.in_flight -= 1
            overall.in_flight -= 1
            counts.last = overall.last = time.monotonic()

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._start())
        except BaseException as error:  # reported to the starting thread
            self._failure = error
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
        loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        # keep-alive connections of thousands of hosts, and no access log
        self._runner = web.AppRunner(app, access_log=None, keepalive_timeout=30)
        await self._runner.setup()
        for address in [*self._by_address, *self._portals]:
            await web.TCPSite(self._runner, address, self._port, backlog=256).start()

    def start(self) -> LatencyWeb:
        self._thread = threading.Thread(target=self._serve, name="latency-web", daemon=True)
        self._thread.start()
        self._ready.wait(120)
        if self._failure is not None:
            raise RuntimeError(f"the latency web did not start: {self._failure}") from self._failure
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(30)

    def __enter__(self) -> LatencyWeb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def free_port() -> int:
    """A port free on the first site's address (the others are bound to it in turn)."""
    with socket.socket() as probe:
        probe.bind((site_address(0), 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=51)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    with LatencyWeb(arguments.sites, arguments.columns, port=arguments.port) as latency_web:
        print(f"{len(latency_web.sites)} sites, first at {latency_web.home_url(latency_web.sites[0])}; Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

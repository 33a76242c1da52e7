"""The per-host limit, held for every request a crawl makes: govcheck's Scrapy downloader.

Never more requests in flight on one host than the per-host limit
(``CONCURRENT_REQUESTS_PER_DOMAIN``, or ``CONCURRENT_REQUESTS_PER_IP`` when set), whatever sends
them: scheduled requests (probes, pages, last pages, renders) and those a callback downloads
itself with ``engine.download_async`` (link checks, detail pages, network checks). A *host* is
what Scrapy keys its download slots by: the URL's host name (its IP address with
``CONCURRENT_REQUESTS_PER_IP``), so ``a.gov.cn`` and ``b.gov.cn`` are two hosts even when one
server answers both, and two ports of one name are one host.

What this downloader changes in Scrapy's (``DOWNLOADER = "govcheck.politeness.PoliteDownloader"``):

- **A request counts as transferring from the moment it leaves its slot's queue.** Scrapy
  2.14.0 up to at least 2.19.0, under the asyncio reactor (the default since 2.13), hands
  each request taken from the queue to a task that adds it to ``slot.transferring`` only when
  it first runs, so the loop of ``Downloader._process_queue`` sees free transfer slots until
  the queue is empty: every request queued for a host in one turn of the event loop went out
  at once (32 on one host with a limit of 4 when ``CONCURRENT_REQUESTS`` was 32). Up to 2.13
  the transfer was counted at once; Twisted's own reactor runs the task at once, so it does not
  show there. Upstream report: docs/scrapy-slot-bug.md.
- **The slot is the request's own host.** Scrapy keeps a request's ``download_slot`` across a
  redirect, so a redirect to another host was counted against the first one.
- **CONCURRENT_REQUESTS bounds the transfers**, not only the requests the engine pulled from the
  scheduler: ``download_async`` requests went past it. The engine may hand the downloader
  ``GOVCHECK_DOWNLOADER_QUEUE`` times as many scheduled requests (not on a node of a shared
  round: the other nodes could not take them), to wait at their hosts: a
  page there is sure to be fetched soon, so a link to it waits for its answer (a page still in
  the scheduler is checked instead), and a slow host always has its next pages at hand. When it is reached, the host seen to
  answer slowest gets the next free transfer (hosts not yet seen first): a round can end no
  sooner than its slowest host allows, so that host is kept busy.
- **Within a host, higher ``Request.priority`` goes first** (availability probes), then in order.
- **A browser's visit holds the whole host** (``meta["holds_host"]``, set on renders): no other
  request of ours goes to the page's host while Chromium or Splash loads the page and what it
  pulls from there (the browser's own requests are limited per host by govcheck.browser). A
  Splash render also takes one transfer of the Splash server's slot, as before.
- **Several nodes share the limit** when ``GOVCHECK_REDIS_URL`` is set: a transfer also takes a
  lease on its host in Redis (govcheck.leases), so N nodes of a round still put at most the limit
  on one host.

- **A request we gave up on keeps its host a while** (``GOVCHECK_TIMEOUT_HOLD_SECONDS``): when
  a download ends in our timeout or is cancelled by us, Scrapy drops the connection, but the
  server may still be working on the request; freeing the host's transfer at once let the
  host's next request make one more than the limit at the server (a 2,000-site round on the
  latency web saw 5–7 on hosts limited to 4). The host's units (and its Redis lease) stay
  taken for that time, then a timer gives them back; the global transfer is freed at once,
  and every held host is given back when the crawl closes.

Waiting for the host happens before the download handler starts, so a request's timeout and
its ``download_latency`` (what a probe records as its time on the wire) do not include it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import TimeoutError as BrowserTimeoutError
from scrapy import Request, signals
from twisted.internet.defer import CancelledError as DeferredCancelledError
from twisted.internet.defer import inlineCallbacks
from twisted.python.failure import Failure
from scrapy.core.downloader import Downloader, Slot, _slot_jitter
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from scrapy.resolver import dnscache
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import _schedule_coro
from scrapy.utils.httpobj import urlparse_cached

from govcheck import settings as defaults
from govcheck.leases import HostLeases, Lease

if TYPE_CHECKING:
    from collections.abc import Generator

    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

    from scrapy.http import Response

logger = logging.getLogger(__name__)

# Request meta: this request is a browser's visit to a page; it holds the whole share of the
# page's host (meta["splash_page_url"] for a POST to Splash, else the request's own URL).
HOLDS_HOST = "holds_host"
# Request meta: what the request is for (probe, page, render, link, detail…), counted in the
# crawl's stats as politeness/transfers/<kind>.
REQUEST_KIND = "request_kind"
# Request meta: a request a callback downloads itself (download_now), outside the scheduler.
OUTSIDE_SCHEDULER = "outside_scheduler"
# The page a POST to Splash renders (govcheck.splash sets it; imported here would be a circle).
SPLASH_PAGE_URL = "splash_page_url"
# How fast a host's seen answer time follows new answers (exponential moving average).
LATENCY_WEIGHT = 0.3
# Download failures of our own making after which the server may still be serving the request:
# our timeout (DOWNLOAD_TIMEOUT, a probe's or a link check's), a download we cancelled (a
# response over DOWNLOAD_MAXSIZE, the crawl being stopped), a browser's timeout on a render.
ABANDONED_BY_US = (
    DownloadTimeoutError, DownloadCancelledError, DeferredCancelledError, asyncio.CancelledError, BrowserTimeoutError,
)


async def download_now(crawler: Crawler, request: Request) -> Response:
    """Downloads a request from a callback, past the scheduler (``engine.download_async``), within
    the per-host and global limits like every other. It does not hold back the engine from
    taking scheduled requests meanwhile: a round's link checks, queued for a few hosts, would
    otherwise keep the pages of every other host waiting in the scheduler."""
    request.meta[OUTSIDE_SCHEDULER] = True
    return await crawler.engine.download_async(request)


class PriorityQueue(deque):
    """A slot's queue of ``(request, deferred)``: appended behind every request of the same or a
    higher priority, so higher priorities leave first and equal ones in order."""

    def append(self, entry: tuple[Request, Deferred[Response]]) -> None:
        priority = entry[0].priority
        position = len(self)
        while position and self[position - 1][0].priority < priority:
            position -= 1
        self.insert(position, entry)


class HostSlot(Slot):
    """A download slot that counts *units*: one per transfer, the whole share for a browser's visit."""

    __slots__ = ("key", "used", "latency", "waiting_capacity", "waiting_slots", "holders")

    def __init__(self, key: str, concurrency: int, delay: float, jitter: float) -> None:
        super().__init__(concurrency, delay, jitter)
        self.key = key
        self.queue = PriorityQueue()
        self.used = 0  # units taken (transfers, whole-host holds, browser requests to this host)
        self.latency: float | None = None  # seen answer time, seconds (None: never answered yet)
        self.waiting_capacity = False  # queued for a free transfer under CONCURRENT_REQUESTS
        self.waiting_slots: set[HostSlot] = set()  # slots whose head request needs units of this one
        self.holders: deque[Any] = deque()  # futures of browser requests waiting for a unit

    def free_transfer_slots(self) -> int:
        return self.concurrency - self.used

    def seen(self, seconds: float) -> None:
        self.latency = seconds if self.latency is None else self.latency + LATENCY_WEIGHT * (seconds - self.latency)


class PoliteDownloader(Downloader):
    """Scrapy's downloader with the per-host limit held for every request (see the module)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.slots: dict[str, HostSlot] = {}  # type: ignore[assignment]
        self.transfers = 0
        self.outside_scheduler = 0  # requests in the downloader sent by download_now
        # A node of a shared round queues no request ahead of its transfer: what it holds at its
        # hosts the other nodes cannot take, so the first node to start took the round's start
        # and the last one ended it alone.
        shared = bool(crawler.settings.get("GOVCHECK_REDIS_URL"))
        self.queue_factor = 1 if shared else max(1, crawler.settings.getint("GOVCHECK_DOWNLOADER_QUEUE", defaults.GOVCHECK_DOWNLOADER_QUEUE))
        self._capacity_queue: list[tuple[float, int, HostSlot]] = []
        self._order = itertools.count()
        self._holding: dict[Request, list[tuple[HostSlot, int]]] = {}
        # GOVCHECK_TIMEOUT_HOLD_SECONDS: None, the request's own timeout; 0, no hold
        hold = crawler.settings.get("GOVCHECK_TIMEOUT_HOLD_SECONDS")
        self.timeout_hold: float | None = None if hold is None else max(0.0, float(hold))
        self._abandoned: set[Request] = set()  # downloads that ended in ABANDONED_BY_US
        self._held_after_abandon: dict[int, tuple[list[tuple[HostSlot, int]], Lease | None, CallLaterResult]] = {}
        self._closed = False
        self.leases = HostLeases.from_settings(crawler.settings)
        if self.leases is not None:
            crawler.signals.connect(self._give_leases_back, signal=signals.spider_closed)
        self.stats = crawler.stats

    # -- what the engine may send ------------------------------------------------------

    @inlineCallbacks
    def fetch(self, request: Request, spider: Any = None) -> Generator[Deferred[Any], Any, Response | Request]:
        outside = bool(request.meta.get(OUTSIDE_SCHEDULER))
        self.outside_scheduler += outside
        try:
            return (yield super().fetch(request))
        finally:
            self.outside_scheduler -= outside

    def needs_backout(self) -> bool:
        """The engine takes no more scheduled requests while GOVCHECK_DOWNLOADER_QUEUE times
        CONCURRENT_REQUESTS of them are in the downloader (queued at their hosts or
        transferring); those callbacks download themselves (download_now) do not count here."""
        return 0 < self.total_concurrency * self.queue_factor <= len(self.active) - self.outside_scheduler

    # -- slots --------------------------------------------------------------------------

    def get_slot_key(self, request: Request) -> str:
        """The request's own host (or its IP address with CONCURRENT_REQUESTS_PER_IP), never a
        ``download_slot`` carried over from the request it was redirected from."""
        return self.host_key(urlparse_cached(request).hostname or "")

    def host_key(self, hostname: str) -> str:
        return dnscache.get(hostname, hostname) if self.ip_concurrency else hostname

    def _get_slot(self, request: Request, spider: Any = None) -> tuple[str, HostSlot]:
        key = self.get_slot_key(request)
        return key, self.slot_for(key)

    def slot_for(self, key: str) -> HostSlot:
        if key not in self.slots:
            slot_settings = self.per_slot_settings.get(key, {})
            concurrency = slot_settings.get("concurrency", self.ip_concurrency or self.domain_concurrency)
            delay = slot_settings.get("delay", self._delay)
            self.slots[key] = HostSlot(key, concurrency, delay, _slot_jitter(slot_settings, self._jitter))
            self._start_slot_gc()
        return self.slots[key]

    def holds(self, slot: HostSlot, request: Request) -> list[tuple[HostSlot, int]]:
        """The slots a request takes units of while it transfers, and how many."""
        if not request.meta.get(HOLDS_HOST):
            return [(slot, 1)]
        page_host = urlsplit(request.meta.get(SPLASH_PAGE_URL) or request.url).hostname or ""
        page_slot = self.slot_for(self.host_key(page_host))
        if page_slot is slot:
            return [(slot, max(1, slot.concurrency))]
        return [(slot, 1), (page_slot, max(1, page_slot.concurrency))]

    def _slot_gc(self, age: float = 60) -> None:
        # a slot whose units another slot's request holds (a Splash render) stays
        mintime = monotonic() - age
        for key, slot in list(self.slots.items()):
            if not slot.active and not slot.used and not slot.holders and slot.lastseen + slot.delay <= mintime:
                self.slots.pop(key).close()

    # -- taking requests from a slot's queue --------------------------------------------

    def _process_queue(self, slot: HostSlot, first_in_line: bool = False) -> None:  # type: ignore[override]
        """Takes requests from the slot's queue while its host and CONCURRENT_REQUESTS allow;
        ``first_in_line``: the slot was chosen for a free transfer (no slower host goes first)."""
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        self._grant_holders(slot)
        while slot.queue:
            request, queue_dfd = slot.queue[0]
            holds = self.holds(slot, request)
            short = [other for other, units in holds if other.free_transfer_slots() < units]
            if short:
                for other in short:
                    if other is not slot:
                        other.waiting_slots.add(slot)
                break
            if 0 < self.total_concurrency <= self.transfers or (not first_in_line and self._outranked(slot)):
                self._wait_for_capacity(slot)
                break
            slot.queue.popleft()
            slot.lastseen = now
            # the fix: counted as transferring now, not when the download task first runs
            for other, units in holds:
                other.used += units
            slot.transferring.add(request)
            self._holding[request] = holds
            self.transfers += 1
            self.stats.inc_value(f"politeness/transfers/{request.meta.get(REQUEST_KIND) or 'other'}")
            self.stats.max_value("politeness/most_units_on_a_host", max(other.used for other, _ in holds))
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:  # one request per delay, as Scrapy's
                self._process_queue(slot)
                break

    @staticmethod
    def _rank(slot: HostSlot) -> float:
        """Slowest host first; a host not seen yet before all (its answer time is unknown)."""
        return -(slot.latency if slot.latency is not None else float("inf"))

    def _wait_for_capacity(self, slot: HostSlot) -> None:
        if not slot.waiting_capacity:
            slot.waiting_capacity = True
            heapq.heappush(self._capacity_queue, (self._rank(slot), next(self._order), slot))

    def _first_waiting(self) -> HostSlot | None:
        while self._capacity_queue and not self._capacity_queue[0][2].waiting_capacity:
            heapq.heappop(self._capacity_queue)  # served meanwhile
        return self._capacity_queue[0][2] if self._capacity_queue else None

    def _outranked(self, slot: HostSlot) -> bool:
        """Whether a slower host waits for a transfer under CONCURRENT_REQUESTS: it goes first.
        (Ranks as they were when the hosts began to wait: the queue's order, so no two hosts
        can keep sending each other to the back.)"""
        if self._first_waiting() is None:
            return False
        rank, _, first = self._capacity_queue[0]
        return first is not slot and rank < self._rank(slot)

    def _serve_waiting(self) -> None:
        """Free transfers go to the waiting hosts, slowest first."""
        while not (0 < self.total_concurrency <= self.transfers) and (first := self._first_waiting()) is not None:
            heapq.heappop(self._capacity_queue)
            first.waiting_capacity = False
            self._process_queue(first, first_in_line=True)

    def _release(self, slot: HostSlot, request: Request, started: float, lease: Lease | None) -> None:
        holds = self._holding.pop(request, [])
        slot.transferring.discard(request)
        self.transfers -= 1
        slot.seen(monotonic() - started)
        if slot.queue:
            # the transfer that ended is no claim on the next one: the slowest waiting host gets it
            self._wait_for_capacity(slot)
        hold = self._hold_after(request) if request in self._abandoned and not self._closed else 0.0
        self._abandoned.discard(request)
        if hold > 0 and holds:
            # the server may still be serving it: its host's units and lease stay taken a while
            token = next(self._order)
            timer = call_later(hold, self._end_hold, token)
            self._held_after_abandon[token] = (holds, lease, timer)
            self.stats.inc_value("politeness/held_after_abandon")
        else:
            self._give_back(holds, lease)
        self._serve_waiting()

    def _hold_after(self, request: Request) -> float:
        """Seconds a request we gave up on keeps its host: GOVCHECK_TIMEOUT_HOLD_SECONDS, or the
        request's own timeout (a server still at work after it gets as long again)."""
        if self.timeout_hold is not None:
            return self.timeout_hold
        own = request.meta.get("download_timeout") or self.settings.getfloat("DOWNLOAD_TIMEOUT")
        return max(0.0, float(own))

    def _end_hold(self, token: int) -> None:
        held = self._held_after_abandon.pop(token, None)
        if held is not None:
            self._give_back(held[0], held[1])
            self._serve_waiting()

    def _give_back(self, holds: list[tuple[HostSlot, int]], lease: Lease | None, wake: bool = True) -> None:
        if lease is not None and self.leases is not None:
            self.leases.release(lease)
        for other, units in holds:
            other.used -= units
        for other, _ in holds if wake else ():
            self._wake(other)

    def close(self) -> None:
        """The crawl closes: every host still held after a request we gave up on is given back
        (its lease too, before the leases are drained on spider_closed), and none is held after."""
        self._closed = True
        for token in list(self._held_after_abandon):
            holds, lease, timer = self._held_after_abandon.pop(token)
            timer.cancel()
            self._give_back(holds, lease, wake=False)
        super().close()

    def _wake(self, slot: HostSlot) -> None:
        """Units of ``slot`` came free: its own queue, and the slots whose head request needs them."""
        if slot.waiting_slots:
            waiting, slot.waiting_slots = slot.waiting_slots, set()
            for other in waiting:
                self._process_queue(other)
        self._process_queue(slot)

    async def _wait_for_download(self, slot: HostSlot, request: Request, queue_dfd: Deferred[Response]) -> None:  # type: ignore[override]
        started = monotonic()
        lease: Lease | None = None
        try:
            if self.leases is not None:
                holds = self._holding.get(request, [])
                try:
                    lease = await self.leases.acquire([(other.key, units, other.concurrency) for other, units in holds])
                except BaseException:  # the crawl is being stopped
                    queue_dfd.errback(Failure())
                    raise
                started = monotonic()
            await super()._wait_for_download(slot, request, queue_dfd)
        finally:
            self._release(slot, request, started, lease)

    async def _download(self, slot: Slot, request: Request) -> Response:
        try:
            return await super()._download(slot, request)
        except ABANDONED_BY_US:
            self._abandoned.add(request)
            raise

    # -- browser requests of a page being rendered (govcheck.browser) --------------------

    async def hold(self, hostname: str) -> Lease | None:
        """Waits for one unit of a host for a request the browser makes while rendering a page
        of another host, and takes it; give it back with :meth:`unhold`."""
        slot = self.slot_for(self.host_key(hostname))
        if slot.free_transfer_slots() <= 0 or slot.holders:
            granted = asyncio.get_running_loop().create_future()
            slot.holders.append(granted)
            try:
                await granted
            except asyncio.CancelledError:  # the browser gave up on the request
                if granted.done() and not granted.cancelled():
                    self.unhold(hostname, None)
                raise
        else:
            slot.used += 1
        if self.leases is None:
            return None
        try:
            return await self.leases.acquire([(slot.key, 1, slot.concurrency)])
        except BaseException:
            self.unhold(hostname, None)
            raise

    def unhold(self, hostname: str, lease: Lease | None) -> None:
        if lease is not None and self.leases is not None:
            self.leases.release(lease)
        slot = self.slot_for(self.host_key(hostname))
        slot.used -= 1
        self._wake(slot)

    def _grant_holders(self, slot: HostSlot) -> None:
        """Browser requests waiting for a unit of this host go before its queue: the page that
        made them holds a transfer of its own meanwhile."""
        while slot.holders and slot.free_transfer_slots() > 0:
            granted = slot.holders.popleft()
            if not granted.done():
                slot.used += 1
                granted.set_result(None)

    async def _give_leases_back(self) -> None:
        if self.leases is not None:
            await self.leases.drain()

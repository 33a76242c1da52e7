"""scrapy-playwright's download handler, started when a page first needs the browser.

Scrapy builds one download handler per URL scheme, and scrapy-playwright's starts a
Playwright driver (a Node.js process of about 130 MB) for each when the engine starts. Most
rounds render nothing: a sites round on plain HTML pages would carry two idle drivers. Here
http and https share one handler per crawler, and Playwright starts at the first request
with ``meta["playwright"]``; requests without it go to Scrapy's own HTTP handler as before.

A rendered page holds the whole per-host share of its host in our downloader
(govcheck.politeness), and Chromium opens up to six connections per host on its own. So the
browser's requests are held to the per-host limit too: those to the page's own host through a
gate of that size per page, those to other hosts (scripts of a shared platform, a frame of
another site) by taking a unit of that host's slot in the downloader (and its Redis lease),
given back when the browser's request finishes or fails, or its page closes.

Chromium's sandbox and the arguments that keep it on loopback in tests and the demo are
decided here, at the handler's start, from the settings (govcheck.chromium).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from govcheck.chromium import launch_options
from govcheck.config import BrowserConfig

_handlers: weakref.WeakKeyDictionary[Crawler, BrowserOnDemandHandler] = weakref.WeakKeyDictionary()


class BrowserOnDemandHandler(ScrapyPlaywrightDownloadHandler):
    """One handler for http and https that starts Playwright on the first rendered page."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        ours = BrowserConfig.from_settings(crawler.settings)
        self.config.launch_options = launch_options(self.config.launch_options, ours.sandbox, ours.loopback_only)
        # scrapy-playwright starts its driver on engine_started; we start it on demand instead
        crawler.signals.disconnect(self._engine_started, signal=signals.engine_started)
        crawler.signals.disconnect(self._maybe_launch_in_thread, signal=signals.engine_started)
        self._launch_lock = asyncio.Lock()
        self._launched = False
        self._closed = False
        self._crawler = crawler
        self._releases: dict[Any, Callable[[], None]] = {}  # browser request → gives its unit back
        self._requests_of_page: weakref.WeakKeyDictionary[Any, set[Any]] = weakref.WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserOnDemandHandler:
        if crawler not in _handlers:
            _handlers[crawler] = cls(crawler)
        return _handlers[crawler]

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright") and not self._launched:
            async with self._launch_lock:
                if not self._launched:
                    await self._maybe_future_from_coro(self._launch())
                    self._launched = True
        return await super().download_request(request)

    async def _create_page(self, request: Request, spider: Any) -> Any:
        page = await super()._create_page(request, spider)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._finished)
        page.on("close", self._page_closed)
        return page

    def _make_request_handler(self, *, url: str, **arguments: Any) -> Callable:
        """scrapy-playwright's handler of the browser's requests, behind the per-host limit."""
        continue_request = super()._make_request_handler(url=url, **arguments)
        downloader: Any = getattr(self._crawler.engine, "downloader", None)
        if not hasattr(downloader, "hold"):  # not our PoliteDownloader
            return continue_request
        page_host = urlsplit(url).hostname or ""
        own_host = asyncio.Semaphore(downloader.slot_for(downloader.host_key(page_host)).concurrency)

        async def within_the_limit(route: Any, browser_request: Any) -> None:
            parts = urlsplit(browser_request.url)
            host = parts.hostname or ""
            if parts.scheme not in ("http", "https") or not host:
                return await continue_request(route, browser_request)
            if host == page_host:
                await own_host.acquire()
                release: Callable[[], None] = own_host.release
            else:
                lease = await downloader.hold(host)
                release = lambda: downloader.unhold(host, lease)  # noqa: E731
            self._releases[browser_request] = release
            try:
                self._requests_of_page.setdefault(browser_request.frame.page, set()).add(browser_request)
            except Exception:  # a request of no frame (a service worker's): released with its own events
                pass
            try:
                await continue_request(route, browser_request)
            except BaseException:
                self._finished(browser_request)
                raise

        return within_the_limit

    def _finished(self, browser_request: Any) -> None:
        release = self._releases.pop(browser_request, None)
        if release is not None:
            release()

    def _page_closed(self, page: Any) -> None:
        for browser_request in self._requests_of_page.pop(page, set()):
            self._finished(browser_request)

    async def close(self) -> None:
        if self._closed:  # registered for two schemes: Scrapy closes it twice
            return
        self._closed = True
        await super().close()

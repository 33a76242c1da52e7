"""scrapy-playwright's download handler, started when a page first needs the browser.

Scrapy builds one download handler per URL scheme, and scrapy-playwright's starts a
Playwright driver (a Node.js process of about 130 MB) for each when the engine starts. Most
rounds render nothing: a sites round on plain HTML pages would carry two idle drivers. Here
http and https share one handler per crawler, and Playwright starts at the first request
with ``meta["playwright"]``; requests without it go to Scrapy's own HTTP handler as before.

Chromium's sandbox and the arguments that keep it on loopback in tests and the demo are
decided here, at the handler's start, from the settings (govcheck.chromium).
"""

from __future__ import annotations

import asyncio
import weakref

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

    async def close(self) -> None:
        if self._closed:  # registered for two schemes: Scrapy closes it twice
            return
        self._closed = True
        await super().close()

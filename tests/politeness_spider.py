"""A spider that asks many pages of a few hosts at once, for tests/test_politeness.py.

    scrapy runspider tests/politeness_spider.py -a urls=URL,URL -a per_host=40 -a way=scheduled

``way``: ``scheduled`` yields every request from ``start()`` (through the scheduler);
``download_async`` yields one request per host whose callback downloads the others itself with
``engine.download_async``, as the sites spider's link checks and detail pages do; ``render``
renders each host's /media.html in Chromium (a dozen images) besides the scheduled pages;
``splash`` renders each home page through the Splash server at SPLASH_URL besides them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import scrapy


class ManyPagesSpider(scrapy.Spider):
    name = "many_pages"

    def __init__(self, urls: str = "", per_host: str = "40", way: str = "scheduled", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hosts = [u for u in urls.split(",") if u]
        self.per_host = int(per_host)
        self.way = way

    def pages(self, home: str) -> list[str]:
        return [f"{home}c0/t{n % 15}.html?n={n}" for n in range(self.per_host)]

    async def start(self) -> AsyncIterator[Any]:
        for home in self.hosts:
            if self.way == "render":
                meta = {"playwright": True, "holds_host": True}
                yield scrapy.Request(f"{home}media.html", dont_filter=True, callback=self.parse, meta=meta)
            if self.way == "splash":
                meta = {"splash": {"endpoint": "render.html", "args": {"wait": 0.1}}, "holds_host": True}
                yield scrapy.Request(home, dont_filter=True, callback=self.parse, meta=meta)
            if self.way in ("scheduled", "render", "splash"):
                for url in self.pages(home):
                    yield scrapy.Request(url, dont_filter=True, callback=self.parse)
            else:
                yield scrapy.Request(home, dont_filter=True, callback=self.download_the_rest)

    def parse(self, response: scrapy.http.Response) -> None:
        self.crawler.stats.inc_value("pages_read")

    async def download_the_rest(self, response: scrapy.http.Response) -> AsyncIterator[Any]:
        requests = [scrapy.Request(url, dont_filter=True) for url in self.pages(response.url)]
        answers = await asyncio.gather(*(self.crawler.engine.download_async(r) for r in requests))
        self.crawler.stats.inc_value("pages_read", len(answers))
        return
        yield

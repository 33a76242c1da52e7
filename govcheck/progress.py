"""Progress lines on long runs: how many targets of the spider have been looked at so far.

The count of targets comes from a stat the classification pipeline keeps
(``govcheck/targets_observed``): a handler of Scrapy's item_scraped signal would cost an
asyncio task per item.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from govcheck import settings as defaults
from govcheck.pipelines import TARGETS_OBSERVED_STAT

logger = logging.getLogger("govcheck.progress")


class ProgressReporter:
    """Logs ``<spider>: N/M targets, P pages, I observations`` every GOVCHECK_PROGRESS_INTERVAL s."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        reporter = cls(crawler, crawler.settings.getfloat("GOVCHECK_PROGRESS_INTERVAL", defaults.GOVCHECK_PROGRESS_INTERVAL))
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider: Any) -> None:
        if self.interval > 0:
            self._loop = task.LoopingCall(self.report)
            self._loop.start(self.interval, now=False)

    def report(self) -> None:
        spider = self.crawler.spider
        assert spider is not None  # reports run between spider_opened and spider_closed
        total = len(getattr(spider, "target_keys", ()) or ())
        stats = self.crawler.stats
        logger.info(
            "%s: %d/%d targets, %d pages, %d observations",
            spider.name,
            stats.get_value(TARGETS_OBSERVED_STAT, 0),
            total,
            stats.get_value("response_received_count", 0),
            stats.get_value("item_scraped_count", 0),
        )

    def spider_closed(self, spider: Any) -> None:
        if self._loop and self._loop.running:
            self._loop.stop()
        self.report()

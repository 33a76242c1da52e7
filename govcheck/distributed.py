"""Several Scrapy processes, on one machine or many, sharing one round through scrapy-redis.

A crawl whose ``GOVCHECK_REDIS_URL`` setting is set (environment variable, ``-s`` or a scrapyd
``setting=``) takes its requests from one Redis queue and dupefilter shared by every process of
the same spider and round (scrapy-redis's scheduler; keys ``govcheck:<spider>:<round>:…``).
The spiders themselves do not change:

- exactly one process seeds: the one started with ``-a seed=1``. Its ``start()`` output goes to
  the shared queue; the others run their ``start()`` only to load the round and its targets
  (their callbacks need them) and then take requests from the queue;
- a joining process waits (polling the queue, scrapy-redis's idle path) until the seeding
  process has finished seeding and the queue is empty, at most ``GOVCHECK_REDIS_WAIT_SECONDS``
  of idleness;
- the targets are assessed once, by the last process of the round to finish, after every
  observation is stored (the per-process ClassificationPipeline is switched off: a process
  that finishes early would assess targets whose observations other processes still write);
- the processes are one run of the round (govcheck.runs): the seeding process publishes its
  run id, and a joining process takes it before its first page is read, so that every
  observation of the shared crawl carries the same run (``govcheck schedule`` also gives them
  all the same ``run`` argument).

    # one node seeds, every other node joins (govcheck schedule does this through scrapyd)
    scrapy crawl sites -a round=2024-3 -a as_of=2024-09-20 -a seed=1 -s GOVCHECK_REDIS_URL=redis://10.0.0.5:6379/0
    scrapy crawl sites -a round=2024-3 -a as_of=2024-09-20 -s GOVCHECK_REDIS_URL=redis://10.0.0.5:6379/0
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from govcheck import settings as defaults
from govcheck.config import StoreConfig
from govcheck.rounds import classify_round
from govcheck.store import store_for, with_store_retries

if TYPE_CHECKING:
    from govcheck.spiders.base import RoundSpider

logger = logging.getLogger(__name__)

REDIS_URL_SETTING = "GOVCHECK_REDIS_URL"
WAIT_SETTING = "GOVCHECK_REDIS_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = float(defaults.GOVCHECK_REDIS_WAIT_SECONDS)
# Bookkeeping keys of a round expire on their own: a crashed process never leaves them for ever.
KEY_SECONDS = 2 * 24 * 3600
SEEDING, SEEDED = "seeding", "seeded"


def shared_round_settings(redis_url: str) -> dict[str, Any]:
    """The settings that switch a crawl to the round's shared Redis queue and dupefilter.

    Plain values are settings; dictionaries are entries of Scrapy's component dictionaries,
    merged into the project's (None switches a component off).
    """
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "govcheck.distributed.RoundScheduler",
        # Shared fingerprints; the inspection requests themselves bypass them (dont_filter: the
        # three probes of one home page are three visits), the others are filtered once per round.
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # A sorted set popped in a transaction: each request goes to exactly one process.
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # A process that finishes must not empty the queue the others still read.
        "SCHEDULER_PERSIST": True,
        "SPIDER_MIDDLEWARES": {"govcheck.distributed.SeedOnce": 10},
        "EXTENSIONS": {"govcheck.distributed.SharedRoundWorker": 0},
        "ITEM_PIPELINES": {"govcheck.pipelines.ClassificationPipeline": None},
    }


class SharedRoundAddon:
    """Scrapy add-on (``ADDONS``): applies :func:`shared_round_settings` when GOVCHECK_REDIS_URL is set.

    An add-on runs after every other source of settings (project, command line, scrapyd), so
    the URL may come from any of them. Settings the operator set explicitly keep their value.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        redis_url = settings.get(REDIS_URL_SETTING)
        if not redis_url:
            return
        for name, value in shared_round_settings(redis_url).items():
            if isinstance(value, dict):
                for component, order in value.items():
                    settings.set_in_component_priority_dict(name, load_object(component), order)
            else:
                settings.set(name, value, priority="addon")


def round_prefix(spider_name: str, round_id: str) -> str:
    """The start of every Redis key of one spider's part of one round (the link answers' too)."""
    return f"govcheck:{spider_name}:{round_id}"


@dataclass(frozen=True)
class RoundKeys:
    """The Redis keys of one spider's part of one round."""

    requests: str
    dupefilter: str
    seeding: str  # "seeding" while the seeding process yields its start requests, then "seeded"
    workers: str  # how many processes of the round are running
    run: str  # the run id of the shared crawl, as the seeding process has it

    @classmethod
    def of(cls, spider_name: str, round_id: str) -> RoundKeys:
        prefix = round_prefix(spider_name, round_id)
        return cls(f"{prefix}:requests", f"{prefix}:dupefilter", f"{prefix}:seeding", f"{prefix}:workers", f"{prefix}:run")

    @classmethod
    def of_spider(cls, spider: Spider) -> RoundKeys:
        round_id = getattr(spider, "round_id", None)
        if not round_id:
            raise ValueError(f"{spider.name}: a crawl shared through Redis needs its round (-a round=…)")
        return cls.of(spider.name, round_id)


def seeds(spider: Spider) -> bool:
    """Whether this process seeds the shared round (``-a seed=1``); the others join it."""
    return str(getattr(spider, "seed", "")).strip().lower() in ("1", "true", "yes")


class RoundScheduler(Scheduler):
    """scrapy-redis's scheduler with its queue and dupefilter keyed by spider *and* round.

    The seeding process empties them first, so a re-run of a round starts afresh.
    """

    def open(self, spider: Spider) -> None:
        keys = RoundKeys.of_spider(spider)
        self.queue_key = keys.requests
        self.df = RFPDupeFilter(self.server, key=keys.dupefilter, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.flush_on_start = seeds(spider)
        super().open(spider)


class SeedOnce:
    """Spider middleware: only the seeding process's start requests reach the shared queue.

    A joining process still runs its spider's ``start()`` (it loads the round, the profile and
    the targets its callbacks use) but hands nothing on; the seeding process marks the seeding
    in Redis so that joining processes know when no more start requests will come.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedOnce:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider: RoundSpider = self.crawler.spider  # type: ignore[assignment]  # a round's spider, open by now
        if not seeds(spider):
            try:
                async for _ in start:
                    pass
            except Exception as error:
                # Without its round and targets this process cannot handle shared requests: leave them to the others.
                logger.error("round %s: this process cannot join the shared %s queue: %s", spider.round_id, spider.name, error)
                raise CloseSpider("start_error") from error
            return
        keys = RoundKeys.of_spider(spider)
        server = get_redis_from_settings(self.crawler.settings)
        # a re-run of the round checks its links afresh (govcheck.link_answers)
        prefix = round_prefix(spider.name, spider.round_id)
        server.delete(f"{prefix}:links", *server.scan_iter(match=f"{prefix}:given:*"), *server.scan_iter(match=f"{prefix}:home:*"))
        server.set(keys.seeding, SEEDING, ex=KEY_SECONDS)
        count = 0
        try:
            async for item_or_request in start:
                count += 1
                yield item_or_request
        finally:
            # Also when start() failed: the joining processes must not wait for more.
            server.set(keys.seeding, SEEDED, ex=KEY_SECONDS)
            logger.info("round %s: %d start requests and items seeded into %s", spider.round_id, count, keys.requests)


class SharedRoundWorker:
    """Extension: keeps a joining process polling until the round is seeded and its queue empty,
    and assesses the round's targets in the last process to finish."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self.wait_seconds = crawler.settings.getfloat(WAIT_SETTING, DEFAULT_WAIT_SECONDS)
        self.store_config = StoreConfig.from_settings(crawler.settings)
        self.idle_since: float | None = None
        self.run_taken = False  # the spider's run id is the shared crawl's

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRoundWorker:
        worker = cls(crawler)
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.response_received, signal=signals.response_received)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        return worker

    def spider_opened(self, spider: RoundSpider) -> None:
        keys = RoundKeys.of_spider(spider)
        running = self.server.incr(keys.workers)
        self.server.expire(keys.workers, KEY_SECONDS)
        if seeds(spider):
            self.server.set(keys.run, spider.run_id, ex=KEY_SECONDS)
            self.run_taken = True
        role = "seeds" if seeds(spider) else "joins"
        logger.info("round %s: this process %s the shared %s queue (%d processes running)", spider.round_id, role, spider.name, running)

    def response_received(self, spider: RoundSpider, **_: Any) -> None:
        self.idle_since = None  # work came: the wait starts again when it is done
        if not self.run_taken:  # before the first page's observations: the seeding process's run
            run_id = _text(self.server.get(RoundKeys.of_spider(spider).run))
            if run_id:
                spider.run_id = run_id
                self.run_taken = True

    def spider_idle(self, spider: RoundSpider) -> None:
        """Called by Scrapy when this process has nothing to do and the shared queue is empty."""
        state = self.server.get(RoundKeys.of_spider(spider).seeding)
        if _text(state) == SEEDED:
            return  # seeding is over and nothing is queued: this process's part is done
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if now - self.idle_since < self.wait_seconds:
            raise DontCloseSpider  # Scrapy polls the queue again within seconds
        logger.error(
            "round %s: no process seeded the shared %s queue within %d s; start one with -a seed=1",
            spider.round_id, spider.name, self.wait_seconds,
        )

    async def spider_closed(self, spider: RoundSpider, reason: str) -> None:
        keys = RoundKeys.of_spider(spider)
        others = self.server.decr(keys.workers)
        if others > 0:
            logger.info("round %s: %d other %s processes still running; the last one assesses the targets", spider.round_id, others, spider.name)
            return
        self.server.delete(keys.workers)
        store = store_for(self.crawler)
        target_keys = list(getattr(spider, "target_keys", ()))
        assessments = await with_store_retries(
            store, lambda: classify_round(store, spider.round_id, target_keys), f"assessing round {spider.round_id}",
            self.store_config.retry_seconds,
        )
        logger.info("round %s: %d targets assessed (last %s process of the round)", spider.round_id, len(assessments), spider.name)


def _text(value: bytes | str | None) -> str:
    """Redis answers bytes unless the client decodes them (REDIS_PARAMS)."""
    return value.decode() if isinstance(value, bytes) else (value or "")

"""Item pipelines, one step each: validate → normalise dates → store → classify."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from govcheck.config import StoreConfig
from govcheck.dates import parse_date
from govcheck.items import ObservationItem
from govcheck.observations import Observation, ObservationError, PageObservation
from govcheck.rounds import classify_round, get_round, monitoring_point
from govcheck.store import Store, StoreError, store_for, with_store_retries

if TYPE_CHECKING:
    from govcheck.spiders.base import RoundSpider

logger = logging.getLogger(__name__)

# Scrapy stat: targets with at least one observation so far
TARGETS_OBSERVED_STAT = "govcheck/targets_observed"
# the close reason of a spider stopped by the store's refusal to write
STORE_FAILED = "store_failed"
# lists whose members carry a date: (list field, text field, date field)
DATED_LISTS = (("entries", "date_text", "date"), ("posts", "time_text", "time"))


class _RoundPipeline:
    """Base for the steps that need the store and the round's monitoring time point."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store_config = StoreConfig.from_settings(crawler.settings)
        self._as_of: dict[tuple[str, str], datetime] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _RoundPipeline:
        return cls(crawler)

    @property
    def store(self) -> Store:
        return store_for(self.crawler)

    async def store_call(self, call: Any, what: str) -> Any:
        """A store operation that survives a server restart without stalling the crawl."""
        return await with_store_retries(self.store, call, what, self.store_config.retry_seconds)

    async def as_of(self, round_id: str, observation_kind: str) -> datetime:
        """The monitoring time point that applies to an observation of this kind."""
        target_kind = "account" if observation_kind == "account" else "site"
        if (round_id, target_kind) not in self._as_of:
            document = await self.store_call(lambda: get_round(self.store, round_id), f"reading round {round_id}")
            self._as_of[(round_id, target_kind)] = monitoring_point(document, target_kind)
        return self._as_of[(round_id, target_kind)]


class DateNormalisationPipeline(_RoundPipeline):
    """Turns the date texts that spiders saw into Asia/Shanghai datetimes.

    A text that does not parse keeps its raw form and no date, so the rules see an entry
    without a date (→ 待人工复核), never a made-up one. ``newest_date`` is derived
    here when the spider left it out.
    """

    async def process_item(self, item: ObservationItem) -> ObservationItem:
        as_of = await self.as_of(str(item.round), item.kind)
        for list_field, text_field, date_field in DATED_LISTS:
            for member in getattr(item, list_field, None) or []:
                if member.get(date_field) is None and member.get(text_field):
                    member[date_field] = parse_date(member[text_field], as_of)
        if isinstance(item, PageObservation) and item.entries and item.newest_date is None:
            dates = [e["date"] for e in item.entries if e.get("date")]
            item.newest_date = max(dates) if dates else None
        return item


class ValidationPipeline:
    """Drops items that break the observation schema (govcheck.observations), naming the
    target, kind, key and field, before anything else reads them: nothing half-written is stored.

    A dropped observation is missing from the round, and a target with missing
    observations is assessed 待人工复核, never 不合格.
    """

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Observation):
            raise DropItem(f"not an observation: {item!r}")
        try:
            item.validate()
        except ObservationError as error:
            raise DropItem(str(error)) from None
        return item


class ObservationStorePipeline(_RoundPipeline):
    """Upserts each observation under (round, target_key, kind, key): re-runs replace.

    Observations are written in batches, one transaction (embedded) or one round trip
    (MongoDB) for all that arrive within GOVCHECK_STORE_BATCH_SECONDS, at most
    GOVCHECK_STORE_BATCH_SIZE: one write per page was a tenth of a sites round's time. An
    item goes on to classification only once its batch is stored.

    While the server is unreachable the batch waits and is written when it is back
    (GOVCHECK_STORE_RETRY_SECONDS), so no observation of the round is lost.

    The first write the store refuses for a reason of its own (a full disk, a read-only store,
    a server unreachable past the wait: StoreError) stops the spider: fetching on while nothing
    can be kept would lose every observation. The spider's ``store_failure`` says where and
    why; its run is incomplete (govcheck.runs). A document the store refuses for its content
    fails alone, the others are written.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.batch_size = self.store_config.batch_size
        self.batch_seconds = self.store_config.batch_seconds
        self.pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self.flush_timer: asyncio.TimerHandle | None = None
        self.writing: set[asyncio.Future[None]] = set()
        self.failure: StoreError | None = None  # the store's first refusal: the spider stops

    async def process_item(self, item: ObservationItem) -> ObservationItem:
        loop = asyncio.get_running_loop()
        stored: asyncio.Future[None] = loop.create_future()
        document = item.to_document()
        run_id = getattr(self.crawler.spider, "run_id", None)
        if run_id:
            document["run"] = run_id  # which run saw it (govcheck.runs)
        self.pending.append((document, stored))
        if len(self.pending) >= self.batch_size:
            self.flush()
        elif self.flush_timer is None:
            self.flush_timer = loop.call_later(self.batch_seconds, self.flush)
        try:
            await stored
        except StoreError as error:  # said once, where the crawl stops (stop_on): no traceback per item
            raise DropItem(f"{item.target_key} {item.kind} {item.key} not stored: {error}", log_level="DEBUG") from error
        observed = getattr(self.crawler.spider, "observed_target_keys", None)
        if observed is not None:  # what the run's record counts as reached (govcheck.runs)
            observed.add(item.target_key)
        return item

    def flush(self) -> None:
        if self.flush_timer is not None:
            self.flush_timer.cancel()
            self.flush_timer = None
        batch, self.pending = self.pending, []
        if batch:
            writing = asyncio.ensure_future(self.write(batch))
            self.writing.add(writing)  # asyncio keeps only a weak reference to a running task
            writing.add_done_callback(self.writing.discard)

    async def write(self, batch: list[tuple[dict[str, Any], asyncio.Future[None]]]) -> None:
        documents = [document for document, _ in batch]
        if self.failure is not None:  # the spider is stopping: nothing more is written
            outcomes: list[BaseException | None] = [self.failure] * len(batch)
        else:
            try:
                await self.store_call(lambda: self.store.save_observations(documents), f"storing {len(documents)} observations")
            except StoreError as error:  # the store's own refusal: every item of the batch fails with it
                self.stop_on(error)
                outcomes = [error] * len(batch)
            except Exception:
                # A document the store refuses fails alone: the others are written one by one.
                outcomes = [await self.write_one(document) for document in documents]
            else:
                outcomes = [None] * len(batch)
        for (_, stored), outcome in zip(batch, outcomes):
            if stored.done():  # the item's processing was cancelled
                continue
            if outcome is None:
                stored.set_result(None)
            else:
                stored.set_exception(outcome)

    async def write_one(self, document: dict[str, Any]) -> BaseException | None:
        if self.failure is not None:
            return self.failure
        what = f"storing {document['target_key']} {document['key']}"
        try:
            await self.store_call(lambda: self.store.save_observation(document), what)
        except StoreError as error:
            self.stop_on(error)
            return error
        except Exception as error:
            return error
        return None

    def stop_on(self, error: StoreError) -> None:
        """The store refused a write for a reason of its own: the spider stops, saying why."""
        if self.failure is not None:
            return
        self.failure = error
        spider = cast("RoundSpider", self.crawler.spider)
        spider.store_failure = str(error)
        logger.error("the store refused a write, the crawl stops: %s", error)
        closing = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=STORE_FAILED))
        self.writing.add(closing)
        closing.add_done_callback(self.writing.discard)


class ClassificationPipeline(_RoundPipeline):
    """When the spider closes, assesses every target it was given and stores the verdicts."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.rounds: dict[str, set[str]] = {}

    def process_item(self, item: ObservationItem) -> ObservationItem:
        seen = self.rounds.setdefault(str(item.round), set())
        if item.target_key not in seen:
            seen.add(item.target_key)
            # what the progress lines count (govcheck.progress), without a signal handler per item
            self.crawler.stats.inc_value(TARGETS_OBSERVED_STAT)
        return item

    async def close_spider(self) -> None:
        spider = cast("RoundSpider", self.crawler.spider)
        if getattr(spider, "store_failure", ""):
            logger.error("targets not assessed: the store refused a write (%s)", spider.store_failure)
            return
        # Targets the spider was given but saw nothing of are assessed too (→ 待人工复核).
        round_id = getattr(spider, "round_id", None)
        if round_id:
            self.rounds.setdefault(round_id, set()).update(getattr(spider, "target_keys", ()))
        for round_id, target_keys in self.rounds.items():
            assessments = await self.store_call(
                partial(classify_round, self.store, round_id, target_keys), f"assessing round {round_id}"
            )
            logger.info("round %s: %d targets assessed", round_id, len(assessments))

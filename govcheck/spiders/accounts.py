"""What the new-media spiders share: their platform's targets and the one fetch loop.

Every platform is read by a reader of :mod:`govcheck.extract` (the one shape,
:mod:`govcheck.extract.reading`): a generator that yields what to fetch next and is sent what
came back. A platform spider only says which reader reads an account (:meth:`AccountSpider.observe`)
and how a fetch is sent where the platform needs more (Douyin's browser); this class runs the
loop: each :class:`~govcheck.extract.reading.Fetch` becomes a request, each answer or failure a
:class:`~govcheck.extract.reading.Fetched` sent back, the platform's reading first and then the
interaction entry's (:mod:`govcheck.extract.account_entry`), and :meth:`AccountSpider.finish`
yields the one ``account`` observation of the round (docs/schema.md).

A fetch's ``rate_limited`` answers (Weibo's 418/429/432) are asked again after a backoff of
``rate_limit_backoff`` × 2^retry seconds, plus up to half of it at random (so accounts do not
retry in step), at most ``rate_limit_retries`` times (none unless the platform spider says).
A fetch's ``delay`` (the pause between two tries of an interaction entry, the rules profile's
``new_media.interaction.pause_seconds``, which ``GOVCHECK_INTERACTION_RETRY_PAUSE`` overrides
for tests and demos) is waited before its request is sent. No request tells the next host where
we came from (no Referer unless the reader gives one): platform URLs may carry tokens.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Generator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from govcheck.config import AccountsConfig, or_profile
from govcheck.extract.account_entry import EntryCheck, read_interaction
from govcheck.extract.reading import Fetch, Fetched, Observing
from govcheck.fetch_errors import describe_failure
from govcheck.items import ObservationItem
from govcheck.spiders.base import RoundSpider
from govcheck.targets import registered_interaction_entry

# Error answers are handed to the reader (they are evidence); 3xx stay with the redirect
# middleware when the fetch follows redirects, so that a moved page is followed to where it
# answers and a redirect loop ends in the errback.
ERROR_STATUSES = list(range(400, 600))
# The loop's own bookkeeping in a request's meta.
VISIT, FETCH, RETRIES = "account_visit", "account_fetch", "account_rate_limit_retries"


def backoff_delay(base_seconds: float, retry: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``retry + 1``: doubling, with up to 50 % jitter."""
    return base_seconds * 2**retry * (rng or random).uniform(1.0, 1.5)


def request_for(fetch: Fetch, **kwargs: Any) -> scrapy.Request:
    """The request that fetches as ``fetch`` says (``kwargs``: callback, errback, meta…)."""
    meta: dict[str, Any] = {"referrer_policy": "no-referrer"}
    if not fetch.retry:
        meta["dont_retry"] = True
    if fetch.follow_redirects and fetch.render is None:
        meta["handle_httpstatus_list"] = ERROR_STATUSES
    else:
        meta["handle_httpstatus_all"] = True
    if not fetch.follow_redirects:
        meta["dont_redirect"] = True
    if fetch.own_cookies:
        meta["dont_merge_cookies"] = True
    meta.update(kwargs.pop("meta", None) or {})
    return scrapy.Request(fetch.url, headers=dict(fetch.headers) or None, dont_filter=True, meta=meta, **kwargs)


def header(response: Response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


@dataclass
class AccountVisit:
    """One account's reading in progress: the account and its reader."""

    account: dict[str, Any]
    reading: Generator[Fetch, Fetched, dict[str, Any]]


class AccountSpider(RoundSpider):
    target_kind = "account"
    platform: str = ""  # 微信, 微博 or 抖音, as in the targets file
    source: str = ""  # name of the source recorded in the observation, e.g. weibo-api
    # Weibo and Douyin have comments and private messages on every account: the channel is
    # the platform's own unless the targets file names another entry to check.
    interaction_builtin: bool = False

    def load_targets(self) -> list[dict[str, Any]]:
        return [t for t in super().load_targets() if t.get("platform") == self.platform]

    @cached_property
    def accounts_config(self) -> AccountsConfig:
        """What every account spider reads of the settings, read once (govcheck.config)."""
        return AccountsConfig.from_settings(self.settings)

    async def start(self) -> AsyncIterator[Any]:
        accounts = self.load_targets()
        self.target_keys = [a["key"] for a in accounts]
        self.logger.info("%d %s accounts, as of %s", len(accounts), self.platform, self.as_of)
        for account in accounts:
            async for output in self.advance(AccountVisit(account, self.account_reading(account)), None):
                yield output

    # -- what the platform spider says ------------------------------------------------------

    def observe(self, account: dict[str, Any]) -> Observing:
        """The platform's reader of this account (its ``observe`` in govcheck.extract)."""
        raise NotImplementedError

    @property
    def rate_limit_retries(self) -> int:
        return 0

    @property
    def rate_limit_backoff(self) -> float:
        return 0.0

    # -- the account: its platform, then its interaction entry --------------------------------

    def account_reading(self, account: dict[str, Any]) -> Generator[Fetch, Fetched, dict[str, Any]]:
        fields = yield from self.observe(account)
        if fields.get("found") is None:
            self.logger.info("%s: not read (%s)", account["key"], fields.get("error"))
        fields.setdefault("source", self.source)
        fields.setdefault("fetched_at", self.now())
        fields["interaction"] = yield from read_interaction(
            registered_interaction_entry(account), fields.get("found"), self.entry_check, account["key"]
        )
        return fields

    def finish(self, account: dict[str, Any], fields: Mapping[str, Any]) -> ObservationItem:
        """The account's observation: found, current_name, posts, latest_post_at,
        latest_original_at, originals_known, error, url, interaction… as read."""
        return self.observation(account["key"], "account", "account", **fields)

    @property
    def entry_check(self) -> EntryCheck:
        return EntryCheck(
            tries=self.entry_tries,
            pause=self.entry_pause,
            gone_texts=self.accounts_config.interaction_error_texts,
            busy_texts=self.accounts_config.interaction_busy_texts,
            builtin=self.interaction_builtin,
        )

    @property
    def entry_tries(self) -> int:
        """How many times an entry is opened before its answer counts (one, in a profile without it)."""
        return int(self.profile.section("new_media", "interaction").get("attempts", 1))

    @property
    def entry_pause(self) -> float:
        """Seconds between two tries of an entry: the profile's, unless a test or demo sets it."""
        rules = self.profile.section("new_media", "interaction")
        return or_profile(self.accounts_config.interaction_retry_pause, rules.get("pause_seconds", 0))

    # -- the fetch loop ----------------------------------------------------------------------

    async def advance(self, visit: AccountVisit, fetched: Fetched | None) -> AsyncIterator[scrapy.Request | ObservationItem]:
        """Sends the answer to the account's reader; yields the request it asks for next, or
        the observation when it has read the account."""
        try:
            fetch = visit.reading.send(fetched)  # type: ignore[arg-type]
        except StopIteration as done:
            yield self.finish(visit.account, done.value)
            return
        if fetch.delay:
            await asyncio.sleep(fetch.delay)
        yield self.request(fetch, visit)

    def request(self, fetch: Fetch, visit: AccountVisit, retries: int = 0) -> scrapy.Request:
        return request_for(fetch, callback=self.on_reply, errback=self.on_failure,
                           meta={VISIT: visit, FETCH: fetch, RETRIES: retries})

    async def on_reply(self, response: Response) -> AsyncIterator[scrapy.Request | ObservationItem]:
        visit: AccountVisit = response.meta[VISIT]
        fetch: Fetch = response.meta[FETCH]
        retries: int = response.meta[RETRIES]
        if response.status in fetch.rate_limited and retries < self.rate_limit_retries:
            delay = backoff_delay(self.rate_limit_backoff, retries)
            self.logger.info("%s: rate limited (HTTP %d), retry %d of %d in %.1f s",
                             visit.account["key"], response.status, retries + 1, self.rate_limit_retries, delay)
            await asyncio.sleep(delay)
            yield self.request(fetch, visit, retries + 1)
            return
        async for output in self.advance(visit, self.fetched(response)):
            yield output

    async def on_failure(self, failure: Failure) -> AsyncIterator[scrapy.Request | ObservationItem]:
        async for output in self.advance(failure.request.meta[VISIT], self.not_fetched(failure)):  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
            yield output

    def fetched(self, response: Response) -> Fetched:
        """What a reader is sent for an answer."""
        return Fetched(
            url=response.url,
            status=response.status,
            text=response.text if isinstance(response, TextResponse) else "",
            location=header(response, "Location"),
            date_header=header(response, "Date"),
            received_at=self.now(),
            retries=response.meta[RETRIES],
        )

    def not_fetched(self, failure: Failure) -> Fetched:
        """What a reader is sent when no answer came (our timeout, the network, a redirect loop…)."""
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
        return Fetched(url=request.url, error=describe_failure(failure), received_at=self.now(),
                       retries=request.meta[RETRIES])

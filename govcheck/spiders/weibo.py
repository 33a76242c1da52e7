"""The Weibo spider: each account read from the mobile container API (``m.weibo.cn``).

    scrapy crawl weibo -a round=2024-1 [-a targets=account:微博:名称,…]

Per account (its 账号ID is the numeric uid, or a profile URL holding it): the profile
(``containerid=100505{uid}``: found?, current name), then the post list
(``containerid=107603{uid}&page=N``) until the latest original up to as_of is known or the
list reaches back past ``WEIBO_HISTORY_DAYS``. What the answers mean, how dates are read
(relative forms against the server's clock, not as_of) and when reading stops is decided by
:mod:`govcheck.extract.weibo`; this module fetches and keeps the evidence.

Comments and private messages are built into every account (``interaction_builtin``): the
interaction is ok unless the targets file says otherwise (``无``, a place in the app, or a URL,
which is then checked).

Politeness and failures:

- ``WEIBO_DOWNLOAD_DELAY`` seconds between two requests (default 3).
- HTTP 418, 429 and 432 (rate limited): the request is sent again after a backoff of
  ``WEIBO_BACKOFF_SECONDS`` × 2^retry, plus up to half of it at random (so accounts do not
  retry in step), at most ``WEIBO_RETRIES`` times; then the account is 待人工复核 with the reason.
- A captcha page, a login or visitor-check redirect (never followed), an answer that is not
  JSON, our timeout: 待人工复核 with the reason, at once.
- ``WEIBO_MAX_PAGES`` list pages at most; a list cut short leaves the originals undetermined.

Operator cookie (optional; with a ``SUB`` cookie Weibo rate-limits far less): the environment
variable ``GOVCHECK_WEIBO_COOKIE`` or the key ``weibo_cookie`` of the ``GOVCHECK_SECRETS_FILE``
YAML, a ``name=value; name2=value2`` header. It is sent as the Cookie header of the API
requests only (never merged into the cookie jar, so it reaches no interaction entry, and
never followed through a redirect), and is never logged nor stored: the observation records
only whether one was used.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from govcheck.extract.posts import evidence_posts, latest_times
from govcheck.extract.weibo import (
    RATE_LIMIT_STATUSES,
    Fetched,
    Reading,
    Target,
    WeiboRead,
    account_url,
    read_account,
    trusted_posts,
    uid_of,
)
from govcheck.fetch_errors import describe_failure
from govcheck.items import ObservationItem
from govcheck.spiders.accounts import AccountSpider
from govcheck.credentials import secret

COOKIE_VARIABLE = "GOVCHECK_WEIBO_COOKIE"
# What the mobile site's own script sends with its API calls.
API_HEADERS = {"Accept": "application/json, text/plain, */*", "X-Requested-With": "XMLHttpRequest", "MWeibo-Pwa": "1"}


def backoff_delay(base_seconds: float, retry: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``retry + 1``: doubling, with up to 50 % jitter."""
    return base_seconds * 2**retry * (rng or random).uniform(1.0, 1.5)


@dataclass
class AccountRun:
    """One account's reading in progress."""

    account: dict[str, Any]
    target: Target
    reading: Reading


class WeiboSpider(AccountSpider):
    name = "weibo"
    platform = "微博"
    source = "weibo-api"
    interaction_builtin = True

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # This crawler's pace (a DOWNLOAD_DELAY given on the command line still wins).
        settings.set("DOWNLOAD_DELAY", settings.getfloat("WEIBO_DOWNLOAD_DELAY", 3.0), priority="spider")

    @property
    def base_url(self) -> str:
        return str(self.settings.get("WEIBO_API_BASE_URL") or "https://m.weibo.cn").rstrip("/")

    @property
    def cookie(self) -> str:
        if not hasattr(self, "_cookie"):
            self._cookie = secret(self.settings, COOKIE_VARIABLE, self.logger)
        return self._cookie

    async def start(self) -> AsyncIterator[Any]:
        self.logger.info("Weibo API at %s, %s", self.base_url,
                         "with the operator's cookie" if self.cookie else f"anonymous ({COOKIE_VARIABLE} not set)")
        async for request in super().start():
            yield request

    # -- requests --------------------------------------------------------------------------------

    def account_requests(self, account: dict[str, Any]) -> Iterator[scrapy.Request | ObservationItem]:
        given = str(account.get("account_id") or "").strip()
        uid = uid_of(given)
        if uid is None:
            reason = (f"账号ID {given!r} is not a Weibo uid (the number in weibo.com/u/…): the API cannot be asked"
                      if given else "no 账号ID (the account's uid): the API cannot be asked")
            yield self.conclude(account, "", WeiboRead(error=reason))
            return
        target = Target(
            uid=uid,
            as_of=self.as_of,
            base_url=self.base_url,
            history_days=int(self.setting_or("WEIBO_HISTORY_DAYS", 92)),
            max_pages=max(1, int(self.setting_or("WEIBO_MAX_PAGES", 10))),
        )
        yield from self.advance(AccountRun(account, target, read_account(target)), None)

    def api_request(self, url: str, run: AccountRun, retries: int) -> scrapy.Request:
        headers = {**API_HEADERS, "Referer": account_url(self.base_url, run.target.uid)}
        if self.cookie:
            headers["Cookie"] = self.cookie
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.on_reply,
            errback=self.on_failure,
            dont_filter=True,
            meta={
                "weibo_run": run,
                "weibo_retries": retries,
                # a redirect is a login or visitor check: read, not followed (with the cookie)
                "dont_redirect": True,
                "dont_merge_cookies": True,
                "handle_httpstatus_all": True,
            },
        )

    def advance(self, run: AccountRun, fetched: Fetched | None) -> Iterator[scrapy.Request | ObservationItem]:
        """Hands the answer to the account's reading and sends what it asks for next."""
        try:
            url = run.reading.send(fetched)  # type: ignore[arg-type]
        except StopIteration as stop:
            yield self.conclude(run.account, run.target.uid, stop.value)
            return
        except Exception as error:  # a reading bug must not lose the account: 待人工复核
            self.logger.exception("weibo: reading %s failed", run.account.get("key"))
            yield self.conclude(run.account, run.target.uid, WeiboRead(error=f"internal error: {type(error).__name__}"))
            return
        yield self.api_request(url, run, retries=0)

    async def on_reply(self, response: Response) -> AsyncIterator[scrapy.Request | ObservationItem]:
        run: AccountRun = response.meta["weibo_run"]
        retries: int = response.meta["weibo_retries"]
        limit = int(self.setting_or("WEIBO_RETRIES", 2))
        if response.status in RATE_LIMIT_STATUSES and retries < limit:
            delay = backoff_delay(self.setting_or("WEIBO_BACKOFF_SECONDS", 30), retries)
            self.logger.info("%s: rate limited (HTTP %d), retry %d of %d in %.1f s",
                             run.account["key"], response.status, retries + 1, limit, delay)
            await asyncio.sleep(delay)
            yield self.api_request(response.request.url, run, retries + 1)
            return
        fetched = Fetched(
            url=response.request.url,
            status=response.status,
            text=response.text if isinstance(response, TextResponse) else "",
            location=_header(response, "Location"),
            date_header=_header(response, "Date"),
            received_at=self.now(),
            retries=retries,
        )
        for output in self.advance(run, fetched):
            yield output

    def on_failure(self, failure: Failure) -> Iterator[scrapy.Request | ObservationItem]:
        request = failure.request
        fetched = Fetched(url=request.url, error=describe_failure(failure), retries=request.meta["weibo_retries"])
        yield from self.advance(request.meta["weibo_run"], fetched)

    # -- the observation -------------------------------------------------------------------------

    def conclude(self, account: dict[str, Any], uid: str, read: WeiboRead) -> scrapy.Request | ObservationItem:
        if read.found is None:
            self.logger.info("%s: not read (%s)", account["key"], read.error)
        return self.finish(account, **self.fields(uid, read))

    def fields(self, uid: str, read: WeiboRead) -> dict[str, Any]:
        posts = read.posts
        latest, latest_original = latest_times(trusted_posts(posts), self.as_of)
        history_days = int(self.setting_or("WEIBO_HISTORY_DAYS", 92))
        return {
            "url": account_url(self.base_url, uid) if uid else "",
            "uid": uid,
            "found": read.found,
            "current_name": read.current_name,
            # in list order: the pinned posts first, as the account shows them
            "posts": evidence_posts(posts, self.as_of, days=history_days),
            # the newest by date up to as_of, pinned posts included; later posts stay in the evidence only
            "latest_post_at": latest,
            "latest_original_at": latest_original if read.originals_known else None,
            "originals_known": read.originals_known,
            "error": read.error,
            "note": read.note,
            "fetched_urls": read.fetched_urls,
            "names_seen": read.names_seen,
            "statuses_count": read.statuses_count,
            "verified_reason": read.verified_reason,
            "posts_read": len(posts),
            "pages_read": read.pages_read,
            # how far back the list was read (the evidence keeps only the last three months); a
            # pinned post sits on top whatever its age, so it says nothing of that
            "oldest_post_read": min((p["time"] for p in posts if p.get("time") and not p.get("pinned")), default=None),
            "rate_limited_answers": read.rate_limited_answers,
            "operator_cookie": bool(self.cookie),
        }


def _header(response: Response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""

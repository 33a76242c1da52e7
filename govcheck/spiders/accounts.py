"""What the new-media spiders share: their platform's targets and the interaction check.

A platform spider reads what it can of an account (found? current name, posts) and then
calls :meth:`AccountSpider.finish`, which checks the account's interaction entry and yields
the one ``account`` observation of the round (docs/schema.md).

An entry with a web address is opened up to ``attempts`` times (rules profile,
``new_media.interaction``), ``pause_seconds`` apart (``GOVCHECK_INTERACTION_RETRY_PAUSE``
overrides the pause for tests and demos), until it opens: one answer of a busy server or of a
moment's outage says nothing about the entry a visitor finds. What every try answered decides
(:func:`entry_state`); each try is kept in the evidence (``attempts``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from govcheck.extract.links import link_outcome
from govcheck.extract.wording import page_text
from govcheck.fetch_errors import describe_failure
from govcheck.items import ObservationItem
from govcheck.spiders.base import RoundSpider
from govcheck.targets import InteractionEntry, registered_interaction_entry

# interaction states (see the rules profile): ok, missing, broken, unknown and unrecorded
# (→ 待人工复核)

# Error answers of an interaction entry reach the callback (they are evidence); 3xx stay with
# the redirect middleware, so that a moved entry is followed to where it answers and a
# redirect loop ends in the errback (unknown).
ERROR_STATUSES = list(range(400, 600))


def entry_outcome(
    status: int, text: str, gone_texts: Iterable[str], busy_texts: Iterable[str]
) -> tuple[str, str]:
    """(state, detail) of one answer of an interaction entry: its status (read as the link
    checker reads it), then, for a 2xx answer, what its page says to a visitor (``text``).

    Never counts our own trouble against the account: a refusal (401/403/418/429 and other
    4xx: login walls, crawler blocks, rate limits) or a busy page is ``unknown`` with the reason.
    404/410 and a page saying the entry is gone are ``broken``; a standard server error
    (500–505) is ``server_error``: the server failed us this time, which does not say the
    entry is gone.
    """
    outcome = link_outcome(status, "", resolver_proven=True)
    if outcome == "broken" and status >= 500:
        return "server_error", f"HTTP {status}"
    if outcome == "broken":
        return "broken", f"HTTP {status}"
    if outcome != "ok":
        return "unknown", f"HTTP {status} (refused to us, e.g. a login wall, crawler block or rate limit: says nothing about the entry)"
    busy = next((t for t in busy_texts if t in text), "")
    if busy:
        return "unknown", f"the page says {busy} (busy: to be opened again later)"
    gone = next((t for t in gone_texts if t in text), "")
    if gone:
        return "broken", f"the page says {gone}"
    return "ok", ""


def entry_state(attempts: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """(state, detail) of an interaction entry from its tries, in order (each with the
    ``state`` and ``detail`` of :func:`entry_outcome`, or ``unknown`` when we got no answer).

    ``ok`` when the last try opened it; ``broken`` only when every try said the entry is gone;
    ``server_error`` when every try failed on the far side and at least one was a server error
    (the rules profile says what that is worth); else ``unknown`` (some try met our own trouble
    or a refusal: what a visitor finds is not known).
    """
    last = attempts[-1]
    if last["state"] == "ok":
        return "ok", ""
    states = {a["state"] for a in attempts}
    if states == {"broken"}:
        state = "broken"
    elif states <= {"broken", "server_error"}:
        state = "server_error"
    else:
        state = "unknown"
    details = list(dict.fromkeys(str(a["detail"]) for a in attempts))
    if len(attempts) == 1:
        return state, details[0]
    if len(details) == 1:
        return state, f"{details[0]}, on each of {len(attempts)} tries"
    return state, f"{'; '.join(str(a['detail']) for a in attempts)} ({len(attempts)} tries)"


class AccountSpider(RoundSpider):
    target_kind = "account"
    platform: str = ""  # 微信, 微博 or 抖音, as in the targets file
    source: str = ""  # name of the source recorded in the observation, e.g. weibo-api
    # Weibo and Douyin have comments and private messages on every account: the channel is
    # the platform's own unless the targets file names another entry to check.
    interaction_builtin: bool = False

    def load_targets(self) -> list[dict[str, Any]]:
        return [t for t in super().load_targets() if t.get("platform") == self.platform]

    async def start(self) -> AsyncIterator[Any]:
        accounts = self.load_targets()
        self.target_keys = [a["key"] for a in accounts]
        self.logger.info("%d %s accounts, as of %s", len(accounts), self.platform, self.as_of)
        for account in accounts:
            for request in self.account_requests(account):
                yield request

    def account_requests(self, account: dict[str, Any]) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    # -- the observation and its interaction check ---------------------------------------

    def finish(self, account: dict[str, Any], **fields: Any) -> scrapy.Request | ObservationItem:
        """The account's observation, after checking its interaction entry when it has one.

        ``fields``: found, current_name, posts, latest_post_at, latest_original_at,
        originals_known, error, url… as read from the platform.
        """
        fields.setdefault("source", self.source)
        fields.setdefault("fetched_at", self.now())
        entry = registered_interaction_entry(account)
        if fields.get("found") is False:
            fields["interaction"] = {"state": "unknown", "url": entry.url}
            return self.observation(account["key"], "account", "account", **fields)
        if entry.kind != "url":
            fields["interaction"] = self.unchecked_interaction(entry)
            return self.observation(account["key"], "account", "account", **fields)
        return self.entry_request(entry.url, account, fields, [])

    def entry_request(
        self, url: str, account: dict[str, Any], fields: dict[str, Any], attempts: list[dict[str, Any]]
    ) -> scrapy.Request:
        """One try of the registered entry ``url``, after the ``attempts`` made before it."""
        return scrapy.Request(
            url,
            callback=self.parse_interaction,
            errback=self.interaction_failed,
            dont_filter=True,
            # The entry is another site: it must not learn the platform URL we came from (tokens).
            # Its tries are ours (a pause apart, each kept as evidence), not the retry middleware's.
            meta={"account": account, "fields": fields, "entry_url": url, "entry_attempts": attempts,
                  "handle_httpstatus_list": ERROR_STATUSES, "referrer_policy": "no-referrer", "dont_retry": True},
        )

    @property
    def entry_tries(self) -> int:
        """How many times an entry is opened before its answer counts (one, in a profile without it)."""
        return int(self.profile.section("new_media", "interaction").get("attempts", 1))

    @property
    def entry_pause(self) -> float:
        """Seconds between two tries of an entry: the profile's, unless a test or demo sets it."""
        rules = self.profile.section("new_media", "interaction")
        return self.setting_or("GOVCHECK_INTERACTION_RETRY_PAUSE", rules.get("pause_seconds", 0))

    def unchecked_interaction(self, entry: InteractionEntry) -> dict[str, Any]:
        """The interaction state of an entry without a web address to open: what the register says.

        ``无`` (the office looked) → missing; a place in the app (菜单：留言) → ok, kept as
        written; not recorded → the platform's built-in comments and messages where it has them,
        else ``unrecorded`` (→ 待人工复核: nobody looked, so it is no proof of absence).
        """
        if entry.kind == "none":
            return {"state": "missing", "url": "", "entry": entry.text}
        if entry.kind == "in_app":
            return {"state": "ok", "url": "", "entry": entry.text, "in_app": True}
        if self.interaction_builtin:
            return {"state": "ok", "url": "", "builtin": True}
        return {"state": "unrecorded", "url": ""}

    async def parse_interaction(self, response: Response) -> AsyncIterator[scrapy.Request | ObservationItem]:
        text = page_text(response.text) if hasattr(response, "text") else ""
        state, detail = entry_outcome(
            response.status,
            text,
            self.settings.getlist("INTERACTION_ERROR_TEXTS"),
            self.settings.getlist("INTERACTION_BUSY_TEXTS"),
        )
        attempt = {"state": state, "url": response.url, "status": response.status, "detail": detail, "fetched_at": self.now()}
        async for output in self.after_try(response.meta, attempt):
            yield output

    async def interaction_failed(self, failure: Failure) -> AsyncIterator[scrapy.Request | ObservationItem]:
        # Our side could not reach the entry (timeout, network, a redirect loop, an answer not
        # followed): we cannot say it is broken.
        attempt = {"state": "unknown", "url": failure.request.url, "status": None, "detail": describe_failure(failure),
                   "fetched_at": self.now()}
        async for output in self.after_try(failure.request.meta, attempt):
            yield output

    async def after_try(
        self, meta: Mapping[str, Any], attempt: dict[str, Any]
    ) -> AsyncIterator[scrapy.Request | ObservationItem]:
        """The entry opened, or was tried as often as the profile says: the observation. Else the
        next try, after the pause."""
        attempts = [*meta["entry_attempts"], attempt]
        if attempt["state"] != "ok" and len(attempts) < self.entry_tries:
            self.logger.info("%s: interaction entry %s: %s, try %d of %d in %g s", meta["account"]["key"],
                             attempt["url"], attempt["detail"], len(attempts) + 1, self.entry_tries, self.entry_pause)
            await asyncio.sleep(self.entry_pause)
            yield self.entry_request(meta["entry_url"], meta["account"], meta["fields"], attempts)
            return
        state, detail = entry_state(attempts)
        interaction = {"state": state, "url": attempt["url"], "status": attempt["status"], "detail": detail,
                       "attempts": [{k: a[k] for k in ("url", "status", "detail", "fetched_at")} for a in attempts]}
        account, fields = meta["account"], meta["fields"]
        yield self.observation(account["key"], "account", "account", **fields, interaction=interaction)

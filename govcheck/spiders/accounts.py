"""What the new-media spiders share: their platform's targets and the interaction check.

A platform spider reads what it can of an account (found? current name, posts) and then
calls :meth:`AccountSpider.finish`, which checks the account's interaction entry and yields
the one ``account`` observation of the round (docs/schema.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
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
    """(state, detail) of an interaction entry's answer: its status (read as the link checker
    reads it), then, for a 2xx answer, what its page says to a visitor (``text``).

    Never counts our own trouble against the account: a refusal (401/403/418/429 and other
    4xx: login walls, crawler blocks, rate limits) or a busy page is ``unknown`` with the reason;
    only 404/410/5xx and a page saying the entry is gone are ``broken``.
    """
    outcome = link_outcome(status, "", resolver_proven=True)
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
        return scrapy.Request(
            entry.url,
            callback=self.parse_interaction,
            errback=self.interaction_failed,
            dont_filter=True,
            # The entry is another site: it must not learn the platform URL we came from (tokens).
            meta={"account": account, "fields": fields, "handle_httpstatus_list": ERROR_STATUSES,
                  "referrer_policy": "no-referrer"},
        )

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

    def parse_interaction(self, response: Response) -> ObservationItem:
        text = page_text(response.text) if hasattr(response, "text") else ""
        state, detail = entry_outcome(
            response.status,
            text,
            self.settings.getlist("INTERACTION_ERROR_TEXTS"),
            self.settings.getlist("INTERACTION_BUSY_TEXTS"),
        )
        interaction = {"state": state, "url": response.url, "status": response.status, "detail": detail}
        return self.with_interaction(response.meta, interaction)

    def interaction_failed(self, failure: Failure) -> ObservationItem:
        # Our side could not reach the entry (timeout, network, a redirect loop, an answer not
        # followed): we cannot say it is broken.
        meta = failure.request.meta
        interaction = {"state": "unknown", "url": failure.request.url, "status": None, "detail": describe_failure(failure)}
        return self.with_interaction(meta, interaction)

    def with_interaction(self, meta: dict[str, Any], interaction: dict[str, Any]) -> ObservationItem:
        account, fields = meta["account"], meta["fields"]
        return self.observation(account["key"], "account", "account", **fields, interaction=interaction)

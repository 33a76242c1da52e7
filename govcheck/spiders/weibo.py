"""The Weibo spider: each account read from the mobile container API (``m.weibo.cn``).

    scrapy crawl weibo -a round=2024-1 [-a targets=account:微博:名称,…]

Per account (its 账号ID is the numeric uid, or a profile URL holding it): the profile
(``containerid=100505{uid}``: found?, current name), then the post list
(``containerid=107603{uid}&page=N``) until the latest original up to as_of is known or the
list reaches back past ``WEIBO_HISTORY_DAYS``. What the answers mean, how dates are read
(relative forms against the server's clock, not as_of), when reading stops and what the
observation keeps is decided by :mod:`govcheck.extract.weibo`; this module gives it its
settings and the fetch loop of :mod:`govcheck.spiders.accounts` runs it.

Comments and private messages are built into every account (``interaction_builtin``): the
interaction is ok unless the targets file says otherwise (``无``, a place in the app, or a URL,
which is then checked).

Politeness and failures:

- ``WEIBO_DOWNLOAD_DELAY`` seconds between two requests (default 3).
- HTTP 418, 429 and 432 (rate limited): the request is sent again after a backoff of
  ``WEIBO_BACKOFF_SECONDS`` × 2^retry (default 30), plus up to half of it at random (so
  accounts do not retry in step), at most ``WEIBO_RETRIES`` times (default 2); then the
  account is 待人工复核 with the reason.
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

from collections.abc import AsyncIterator
from functools import cached_property
from typing import Any

from scrapy.settings import BaseSettings

from govcheck.config import WeiboConfig
from govcheck.credentials import secret
from govcheck.extract.reading import Observing
from govcheck.extract import weibo
from govcheck.spiders.accounts import AccountSpider

COOKIE_VARIABLE = "GOVCHECK_WEIBO_COOKIE"


class WeiboSpider(AccountSpider):
    name = "weibo"
    platform = "微博"
    source = "weibo-api"
    interaction_builtin = True

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # This crawler's pace (a DOWNLOAD_DELAY given on the command line still wins).
        settings.set("DOWNLOAD_DELAY", WeiboConfig.from_settings(settings).download_delay, priority="spider")

    @cached_property
    def config(self) -> WeiboConfig:
        """The spider's settings, read once (govcheck.config)."""
        return WeiboConfig.from_settings(self.settings)

    @property
    def base_url(self) -> str:
        return self.config.base_url

    @property
    def cookie(self) -> str:
        if not hasattr(self, "_cookie"):
            self._cookie = secret(self.settings, COOKIE_VARIABLE, self.logger)
        return self._cookie

    @property
    def rate_limit_retries(self) -> int:
        return self.config.retries

    @property
    def rate_limit_backoff(self) -> float:
        return self.config.backoff_seconds

    async def start(self) -> AsyncIterator[Any]:
        self.logger.info("Weibo API at %s, %s", self.base_url,
                         "with the operator's cookie" if self.cookie else f"anonymous ({COOKIE_VARIABLE} not set)")
        async for request in super().start():
            yield request

    def observe(self, account: dict[str, Any]) -> Observing:
        given = str(account.get("account_id") or "").strip()
        return weibo.observe(weibo.Target(
            uid=weibo.uid_of(given) or "",
            account_id=given,
            as_of=self.as_of,
            base_url=self.base_url,
            history_days=self.config.history_days,
            max_pages=self.config.max_pages,
            cookie=self.cookie,
        ))

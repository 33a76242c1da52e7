"""The WeChat spider: each official account read from pluggable sources, tried in order.

    scrapy crawl wechat -a round=2024-1 [-a targets=account:微信:名称,…]

The sources and how their answers are combined live in :mod:`govcheck.extract.wechat_sources`
(readers of the one shape, run by the fetch loop of :mod:`govcheck.spiders.accounts`); this
module says which sources are asked, in what order and with what credentials:

1. ``sogou`` — Sogou WeChat search, anonymous (``WECHAT_SOGOU_BASE_URL``).
2. ``mp`` — the MP backend with an operator's logged-in session (``WECHAT_MP_BASE_URL``;
   cookie and token from ``GOVCHECK_WECHAT_MP_COOKIE`` / ``GOVCHECK_WECHAT_MP_TOKEN`` or the
   keys ``wechat_mp_cookie`` / ``wechat_mp_token`` of the ``GOVCHECK_SECRETS_FILE`` YAML).
3. ``client`` — ``profile_ext getmsg`` with key and uin captured from the desktop client
   (``GOVCHECK_WECHAT_CLIENT_KEY`` / ``GOVCHECK_WECHAT_CLIENT_UIN`` or ``wechat_client_key`` /
   ``wechat_client_uin`` in the secrets file).

The 互动入口 comes from the targets file (the menu is only visible in the client): ``无`` →
未提供有效互动功能; empty → not recorded (待人工复核); a place in the app (菜单：留言) →
present; a URL: the base class fetches it and reads an error page (链接已过期, HTTP 404…) as
互动交流链接有误.

Settings (besides the base URLs): ``WECHAT_SOURCES`` (order, default ``sogou,mp,client``),
``WECHAT_MAX_PAGES`` (list pages per JSON source, default 8), ``WECHAT_HISTORY_DAYS`` (how far
back before as_of a list is read to find an original, default 92), ``WECHAT_DOWNLOAD_DELAY``
(seconds between two requests to one host, default 5: Sogou answers bursts with its
anti-spider page and the MP backend with frequency control).

Credentials are sent only to the MP host, in requests that are never retried, redirected or
merged with the cookie jar; every URL kept as evidence or written to the log has its
``token``/``key``/``uin`` removed (:class:`RedactingLogFormatter`), and no credential is
stored in an observation. Requests carry their account's reader in ``meta`` (a generator):
the spider needs Scrapy's memory queues (no ``JOBDIR``).
"""
from __future__ import annotations

from functools import cached_property
from typing import Any

from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from govcheck.config import WechatConfig
from govcheck.credentials import secret
from govcheck.extract.reading import Observing
from govcheck.extract.wechat import redact_text, redact_url
from govcheck.extract.wechat_sources import ClientSource, MpSource, SogouSource, Source, Target, observe
from govcheck.spiders.accounts import AccountSpider



# -- credentials and logs ----------------------------------------------------------------------


def _redacted(value: Any) -> Any:
    if isinstance(value, Request | Response):
        return f"<{value.method if isinstance(value, Request) else value.status} {redact_url(value.url)}>"
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactingLogFormatter(LogFormatter):
    """Scrapy's log lines with ``token``/``key``/``uin`` removed from every URL they show."""

    def _clean(self, entry: LogFormatterResult | None) -> LogFormatterResult | None:
        if entry and isinstance(args := entry.get("args"), dict):
            entry["args"] = {name: _redacted(value) for name, value in args.items()}
        return entry

    def crawled(self, request: Request, response: Response, spider: Any) -> Any:
        return self._clean(super().crawled(request, response, spider))

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        return self._clean(super().scraped(item, response, spider))

    def download_error(self, failure: Failure, request: Request, spider: Any, errmsg: str | None = None) -> Any:
        return self._clean(super().download_error(failure, request, spider, redact_text(errmsg) if errmsg else errmsg))

    def spider_error(self, failure: Failure, request: Request, response: Any, spider: Any) -> Any:
        return self._clean(super().spider_error(failure, request, response, spider))


# -- the spider --------------------------------------------------------------------------------


class WechatSpider(AccountSpider):
    name = "wechat"
    platform = "微信"
    source = "wechat"
    interaction_builtin = False

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        settings.set("DOWNLOAD_DELAY", WechatConfig.from_settings(settings).download_delay, priority="spider")
        settings.set("LOG_FORMATTER", f"{__name__}.RedactingLogFormatter", priority="spider")

    # -- sources ---------------------------------------------------------------------------

    @cached_property
    def config(self) -> WechatConfig:
        """The spider's settings, read once (govcheck.config)."""
        return WechatConfig.from_settings(self.settings)

    def build_sources(self) -> list[Source]:
        mp_base = self.config.mp_base_url
        available: dict[str, Source] = {
            "sogou": SogouSource(self.config.sogou_base_url),
            "mp": MpSource(mp_base, secret(self.settings, "GOVCHECK_WECHAT_MP_COOKIE", self.logger),
                           secret(self.settings, "GOVCHECK_WECHAT_MP_TOKEN", self.logger)),
            "client": ClientSource(mp_base, secret(self.settings, "GOVCHECK_WECHAT_CLIENT_KEY", self.logger),
                                   secret(self.settings, "GOVCHECK_WECHAT_CLIENT_UIN", self.logger)),
        }
        order = self.config.sources
        unknown = [s for s in order if s not in available]
        if unknown:
            raise ValueError(f"WECHAT_SOURCES: unknown source(s) {', '.join(unknown)}; known: {', '.join(available)}")
        sources = [available[s] for s in order]
        self.logger.info("WeChat sources in order: %s",
                         ", ".join(f"{s.name} ({s.unavailable() or 'ready'})" for s in sources))
        return sources

    @property
    def sources(self) -> list[Source]:
        if not hasattr(self, "_sources"):
            self._sources = self.build_sources()
        return self._sources

    def observe(self, account: dict[str, Any]) -> Observing:
        target = Target(
            name=account.get("name") or "",
            account_id=(account.get("account_id") or "").strip(),
            as_of=self.as_of,
            history_days=self.config.history_days,
            max_pages=self.config.max_pages,
        )
        return observe(target, self.sources)

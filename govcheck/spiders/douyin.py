"""The Douyin spider: renders each account's profile page and reads the JSON the page loads.

Douyin's web API needs an ``a_bogus`` signature and ``msToken``/``ttwid`` cookies that only
the page's own script computes, so the spider opens ``{DOUYIN_BASE_URL}/user/{sec_uid}`` in
Chromium (scrapy-playwright) and captures, per request, the answers of
``/aweme/v1/web/user/profile/other/`` and ``/aweme/v1/web/aweme/post/`` as the page loads
them. Which page and which answers, and what they mean, is decided by
:mod:`govcheck.extract.douyin`; this module renders the page and watches it for them (the
fetch loop of :mod:`govcheck.spiders.accounts` runs the reader).

    scrapy crawl douyin -a round=2024-1 [-a targets=account:抖音:名称,…]

Settings:

- ``DOUYIN_BASE_URL`` (default https://www.douyin.com; the replica in tests and the demo).
- ``DOUYIN_CAPTURE_TIMEOUT``: seconds to wait after the page loaded for its post list
  (default 20); a page that loads none in time is 待人工复核 (``timeout: …``).
- ``DOUYIN_DOWNLOAD_DELAY``: seconds between two pages (default 3, randomised by Scrapy):
  Douyin's risk control answers bursts with empty lists and verify pages.
- ``PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT``: a page that does not load in time is 待人工复核.

Operator browser state (some accounts show their newest works only to a logged-in browser):
the environment variable ``GOVCHECK_DOUYIN_COOKIES`` or the key ``govcheck_douyin_cookies`` of
the ``GOVCHECK_SECRETS_FILE`` YAML file: a JSON list of cookies (``[{"name", "value",
"domain"?, "path"?, …}]``, as browser extensions export them), a Playwright storage state
(JSON object or file path), a file holding either, or a ``name=value; name2=value2`` cookie
header. It is given to the browser context (``storage_state`` of the context named
``douyin``) and nowhere else: never logged, never stored in an observation.

The 账号ID of a Douyin target is the account's sec_uid (the profile URL's last part, the URL
itself is accepted too); a 抖音号 cannot open a page, so such a target is 待人工复核 with the
reason.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from govcheck.config import DouyinConfig
from govcheck.credentials import secret_value
from govcheck.extract import douyin
from govcheck.extract.reading import Fetch, Fetched, Observing, Render
from govcheck.spiders.accounts import AccountSpider, AccountVisit

COOKIES_VARIABLE = "GOVCHECK_DOUYIN_COOKIES"
CONTEXT_NAME = "douyin"
CAPTURE = "page_capture"  # the request's PageCapture in its meta
# After the answers said enough (Render.settled), how long to wait for the rest before reading.
SETTLE_SECONDS = 2.0
POLL_SECONDS = 0.1
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None", "no_restriction": "None"}


class PageCapture:
    """The answers one page load brought, for one request (kept in its meta, never shared)."""

    def __init__(self, render: Render) -> None:
        self.render = render
        self.reset()

    def reset(self) -> None:
        self.captured: dict[str, Fetched] = {}
        self.page_status: int | None = None
        self.timed_out = False
        self.waited = 0.0

    def attach(self, page: Any) -> None:
        self.reset()
        page.on("response", self.on_response)

    async def on_response(self, response: Any) -> None:
        url = response.url
        try:
            if response.request.is_navigation_request() and response.frame.parent_frame is None:
                self.page_status = response.status
                return
            name = next((n for n, wanted in self.render.capture.items() if n not in self.captured and wanted(url)), None)
            if name is None:
                return
            text = await response.text()
        except Exception:  # the page closed, or the body is gone: as if never answered
            return
        self.captured[name] = Fetched(url=url, status=response.status, text=text)

    def into(self, fetched: Fetched) -> Fetched:
        """``fetched`` with what the page loaded, and how long it was watched when that ran out."""
        return replace(fetched, captured=dict(self.captured),
                       waited_seconds=round(self.waited, 1) if self.timed_out else None)


async def wait_for_answers(page: Any, capture: PageCapture, timeout: float) -> None:
    """Waits (bounded) until the page has loaded the answers wanted, or shows why it will not.

    Never raises: what was not captured is the reader's to explain.
    """
    render = capture.render
    loop = asyncio.get_running_loop()
    started = loop.time()
    settled_at: float | None = None
    while (now := loop.time()) - started < timeout:
        if len(capture.captured) == len(render.capture):
            break
        if capture.page_status is not None and not 200 <= capture.page_status < 300:
            break
        if render.settled(capture.captured):
            settled_at = settled_at or now
        if settled_at is not None and now - settled_at >= SETTLE_SECONDS:
            break
        if not capture.captured:
            try:
                if render.refused(await page.title()):
                    break
            except Exception:
                pass
        await asyncio.sleep(POLL_SECONDS)
    else:
        capture.timed_out = True
    capture.waited = loop.time() - started


class DouyinSpider(AccountSpider):
    name = "douyin"
    platform = "抖音"
    source = "douyin-page"
    interaction_builtin = True

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # This crawler's pace (a DOWNLOAD_DELAY given on the command line still wins).
        settings.set("DOWNLOAD_DELAY", DouyinConfig.from_settings(settings).download_delay, priority="spider")

    @cached_property
    def config(self) -> DouyinConfig:
        """The spider's settings, read once (govcheck.config)."""
        return DouyinConfig.from_settings(self.settings)

    @property
    def base_url(self) -> str:
        return self.config.base_url

    def observe(self, account: dict[str, Any]) -> Observing:
        return douyin.observe(douyin.Target(
            account_id=account.get("account_id") or "",
            base_url=self.base_url,
            as_of=self.as_of,
            logged_in_browser=self.context_kwargs().get("storage_state") is not None,
        ))

    # -- a rendered fetch ------------------------------------------------------------------

    def request(self, fetch: Fetch, visit: AccountVisit, retries: int = 0) -> scrapy.Request:
        request = super().request(fetch, visit, retries)
        if fetch.render is None:
            return request
        capture = PageCapture(fetch.render)
        request.meta.update({
            "playwright": True,
            "playwright_context": CONTEXT_NAME,
            "playwright_context_kwargs": self.context_kwargs(),
            "playwright_page_init_callback": self.attach_capture,
            "playwright_page_methods": [PageMethod(wait_for_answers, capture, self.config.capture_timeout)],
            CAPTURE: capture,
        })
        return request

    @staticmethod
    async def attach_capture(page: Any, request: scrapy.Request) -> None:
        """Registered before navigation: every answer the page loads goes to this request's capture."""
        request.meta[CAPTURE].attach(page)

    def fetched(self, response: Response) -> Fetched:
        fetched = super().fetched(response)
        capture: PageCapture | None = response.meta.get(CAPTURE)
        return capture.into(fetched) if capture else fetched

    def not_fetched(self, failure: Failure) -> Fetched:
        fetched = super().not_fetched(failure)
        capture: PageCapture | None = failure.request.meta.get(CAPTURE)  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
        return capture.into(fetched) if capture else fetched

    # -- operator browser state ------------------------------------------------------------

    def context_kwargs(self) -> dict[str, Any]:
        if not hasattr(self, "_context_kwargs"):
            kwargs: dict[str, Any] = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
            state = self.operator_state()
            if state is not None:
                kwargs["storage_state"] = state
            self._context_kwargs = kwargs
        return self._context_kwargs

    def operator_state(self) -> dict[str, Any] | None:
        """The operator's Douyin browser state as a Playwright storage state, or None.

        Problems are logged by kind only: the value itself never reaches a log line.
        """
        raw = secret_value(self.settings, COOKIES_VARIABLE, self.logger)
        where = COOKIES_VARIABLE if os.environ.get(COOKIES_VARIABLE, "").strip() else f"{COOKIES_VARIABLE.lower()} in the secrets file"
        if raw is None:
            return None
        try:
            state = storage_state(raw, urlsplit(self.base_url).hostname or "www.douyin.com")
        except ValueError as error:
            self.logger.error("%s: %s; Douyin pages load anonymously", where, error)
            return None
        self.logger.info("Douyin pages load with the operator's browser state (%d cookies)", len(state["cookies"]))
        return state


def storage_state(raw: Any, host: str) -> dict[str, Any]:
    """A Playwright storage state from what the operator gave (see the module docstring).

    Raises ValueError with a message that never quotes the value.
    """
    value = raw
    if isinstance(value, str):
        text = value.strip()
        if text[:1] not in "[{" and "=" not in text:
            path = Path(text).expanduser()
            try:
                text = path.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ValueError(f"not a cookie list and the file cannot be read ({type(error).__name__})") from None
        if text[:1] in "[{":
            try:
                value = json.loads(text)
            except ValueError:
                raise ValueError("not valid JSON") from None
        else:
            value = [
                {"name": name.strip(), "value": cookie_value.strip()}
                for name, _, cookie_value in (part.partition("=") for part in text.split(";"))
                if name.strip()
            ]
    if isinstance(value, dict):
        cookies, origins = value.get("cookies"), value.get("origins") or []
    else:
        cookies, origins = value, []
    if not isinstance(cookies, list) or not cookies:
        raise ValueError("no cookies given")
    return {"cookies": [_cookie(c, host) for c in cookies], "origins": origins if isinstance(origins, list) else []}


def _cookie(cookie: Any, host: str) -> dict[str, Any]:
    if not isinstance(cookie, dict) or not cookie.get("name"):
        raise ValueError("a cookie without a name")
    same_site = _SAME_SITE.get(str(cookie.get("sameSite") or "lax").lower(), "Lax")
    expires = cookie.get("expires", cookie.get("expirationDate", -1))
    return {
        "name": str(cookie["name"]),
        "value": str(cookie.get("value") or ""),
        "domain": str(cookie.get("domain") or host),
        "path": str(cookie.get("path") or "/"),
        "expires": float(expires) if isinstance(expires, (int, float)) else -1,
        "httpOnly": bool(cookie.get("httpOnly", False)),
        # None (cross-site) cookies must be Secure for Chromium
        "secure": bool(cookie.get("secure", False)) or same_site == "None",
        "sameSite": same_site,
    }

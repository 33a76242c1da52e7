"""The Douyin spider: renders each account's profile page and reads the JSON the page loads.

Douyin's web API needs an ``a_bogus`` signature and ``msToken``/``ttwid`` cookies that only
the page's own script computes, so the spider opens ``{DOUYIN_BASE_URL}/user/{sec_uid}`` in
Chromium (scrapy-playwright) and captures, per request, the answers of
``/aweme/v1/web/user/profile/other/`` and ``/aweme/v1/web/aweme/post/`` as the page loads
them. What they mean is decided by :mod:`govcheck.extract.douyin`.

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
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.settings import BaseSettings
from scrapy.http import Response
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from govcheck.extract.douyin import (
    Captured,
    DouyinRead,
    captcha_title,
    evidence_url,
    is_posts_api,
    is_profile_api,
    profile_says_not_found,
    profile_url,
    read_account,
    sec_uid_of,
)
from govcheck.extract.posts import evidence_posts, latest_times
from govcheck.credentials import secret_value
from govcheck.fetch_errors import describe_failure
from govcheck.items import ObservationItem
from govcheck.spiders.accounts import AccountSpider

COOKIES_VARIABLE = "GOVCHECK_DOUYIN_COOKIES"
CONTEXT_NAME = "douyin"
# After one of the two answers arrived, how long to wait for the other before reading.
SETTLE_SECONDS = 2.0
POLL_SECONDS = 0.1
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None", "no_restriction": "None"}


class PageCapture:
    """The answers one page load brought, for one request (kept in its meta, never shared)."""

    def __init__(self, sec_uid: str) -> None:
        self.sec_uid = sec_uid
        self.reset()

    def reset(self) -> None:
        self.profile: Captured | None = None
        self.posts: Captured | None = None
        self.page_status: int | None = None
        self.api_urls: list[str] = []
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
            profile = self.profile is None and is_profile_api(url, self.sec_uid)
            posts = self.posts is None and is_posts_api(url, self.sec_uid)
            if not (profile or posts):
                return
            text = await response.text()
        except Exception:  # the page closed, or the body is gone: as if never answered
            return
        answer = Captured(url=url, status=response.status, text=text)
        self.api_urls.append(evidence_url(url))
        if profile:
            self.profile = answer
        else:
            self.posts = answer


async def wait_for_answers(page: Any, capture: PageCapture, timeout: float) -> None:
    """Waits (bounded) until the page has loaded its post list, or shows why it will not.

    Never raises: what was not captured is reported by the spider as the reason.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    first_answer: float | None = None
    while (now := loop.time()) - started < timeout:
        if capture.posts is not None and capture.profile is not None:
            break
        if capture.page_status is not None and not 200 <= capture.page_status < 300:
            break
        if capture.profile is not None and profile_says_not_found(capture.profile) and capture.posts is None:
            first_answer = first_answer or now
        elif capture.posts is not None:
            first_answer = first_answer or now
        if first_answer is not None and now - first_answer >= SETTLE_SECONDS:
            break
        if capture.profile is None and capture.posts is None:
            try:
                if captcha_title(f"<title>{await page.title()}</title>"):
                    break
            except Exception:
                pass
        await asyncio.sleep(POLL_SECONDS)
    else:
        capture.timed_out = capture.posts is None
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
        settings.set("DOWNLOAD_DELAY", settings.getfloat("DOUYIN_DOWNLOAD_DELAY", 3.0), priority="spider")

    # -- requests ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return str(self.settings.get("DOUYIN_BASE_URL") or "https://www.douyin.com").rstrip("/")

    def account_requests(self, account: dict[str, Any]) -> Iterable[scrapy.Request | ObservationItem]:
        sec_uid = sec_uid_of(account.get("account_id") or "")
        if not sec_uid:
            given = account.get("account_id") or ""
            reason = (
                f"账号ID {given!r} is not a sec_uid (the last part of the profile URL www.douyin.com/user/…): "
                "cannot open the profile page" if given else "no 账号ID (sec_uid): cannot open the profile page"
            )
            yield self.finish(account, url="", found=None, current_name=None, posts=[], latest_post_at=None,
                              latest_original_at=None, originals_known=False, error=reason)
            return
        url = profile_url(self.base_url, sec_uid)
        capture = PageCapture(sec_uid)
        timeout = self.setting_or("DOUYIN_CAPTURE_TIMEOUT", 20)
        yield scrapy.Request(
            url,
            callback=self.parse_profile,
            errback=self.profile_failed,
            dont_filter=True,
            meta={
                "playwright": True,
                "playwright_context": CONTEXT_NAME,
                "playwright_context_kwargs": self.context_kwargs(),
                "playwright_page_init_callback": self.attach_capture,
                "playwright_page_methods": [PageMethod(wait_for_answers, capture, timeout)],
                "douyin_capture": capture,
                "account": account,
                "handle_httpstatus_all": True,
                # Each retry is one more page for Douyin's risk control to count: an account
                # not read is 待人工复核 and can be run again alone (-a targets=…).
                "dont_retry": True,
            },
        )

    @staticmethod
    async def attach_capture(page: Any, request: scrapy.Request) -> None:
        """Registered before navigation: every answer the page loads goes to this request's capture."""
        request.meta["douyin_capture"].attach(page)

    # -- observations --------------------------------------------------------------------

    def parse_profile(self, response: Response) -> Any:
        capture: PageCapture = response.meta["douyin_capture"]
        account = response.meta["account"]
        text = response.text if hasattr(response, "text") else ""
        read = read_account(
            self.base_url,
            capture.profile,
            capture.posts,
            response.status,
            text,
            waited_seconds=round(capture.waited, 1) if capture.timed_out else None,
            sec_uid=capture.sec_uid,
        )
        return self.finish(account, **self.fields(response.url, read, capture))

    def profile_failed(self, failure: Failure) -> Any:
        request = failure.request
        capture: PageCapture = request.meta["douyin_capture"]
        reason = describe_failure(failure).splitlines()[0]  # Playwright appends its call log
        if reason == "timeout":
            reason = "timeout: the profile page did not load"
        read = DouyinRead(found=None, error=reason)
        return self.finish(request.meta["account"], **self.fields(request.url, read, capture))

    def fields(self, url: str, read: DouyinRead, capture: PageCapture) -> dict[str, Any]:
        return {
            "url": url,
            "found": read.found,
            "current_name": read.current_name,
            "posts": evidence_posts(read.posts, self.as_of),
            "latest_post_at": latest_times(read.posts)[0],
            # Douyin shows no original/repost marker: the rules give 待人工复核 for
            # 3个月无原创 unless an inspector records the latest original by hand.
            "latest_original_at": None,
            "originals_known": False,
            "error": read.error,
            "fetched_urls": [url, *capture.api_urls],
            "names_seen": read.names_seen,
            "works_count": read.aweme_count,
            "posts_listed": len(read.posts),
            "hidden_posts": read.hidden_posts,
            "more_posts": read.has_more,
            "logged_in_browser": self.context_kwargs().get("storage_state") is not None,
        }

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

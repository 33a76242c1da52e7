"""Rendering through a Splash server: a downloader middleware speaking Splash's HTTP API.

scrapy-splash no longer runs on current Scrapy; this is the small part of it govcheck needs
(columns marked ``splash`` in the register, for offices that already run a Splash server).
A request whose meta carries ``splash``::

    Request(url, meta={"splash": {"endpoint": "render.json",
                                  "args": {"wait": 1.0, "html": 1, "png": 1, "history": 1}}})

is sent as ``POST SPLASH_URL/render.json`` with the JSON body ``{"url": url, "timeout":
SPLASH_TIMEOUT, "headers": {…the request's headers…}, **args}`` (Splash reads its arguments
from the query string or from a JSON body; ``headers`` only from JSON). The endpoints are
``render.html`` (the rendered HTML) and ``render.json`` (``html=1``: the HTML, ``png=1``: a
screenshot, ``history=1``: the main frame's requests and responses with their statuses).
Splash's answer reaches the callback as an HtmlResponse of the page itself:

- ``url``: the page's final URL (``url`` of render.json); ``status``: the page's own HTTP
  status where Splash reports it (the last response of ``history``, or ``http_status`` as
  Lua scripts return it), else 200; the body: the rendered HTML, always UTF-8 (Splash's rule,
  whatever the page's ``<meta charset>`` says);
- ``meta["splash_png"]``: the screenshot as PNG bytes (render.json with ``png=1``), else None;
- ``response.request``: the page's request again, with its URL, not Splash's.

Splash's errors are JSON ``{"error": 400|502|504, "type", "description", "info"}``. They
become a :class:`SplashError` for the request's errback (the spider records the page as not
read: 待人工复核, never 不合格), except a RenderError saying that the page itself answered an
HTTP error, which becomes a response with that status, as a plain fetch would give. Splash's
own failures (server unreachable, our download timeout) are SplashErrors too and are not
retried: a render that timed out once would time out again, at the same cost.

Deduplication: the page request went through the dupefilter under its own URL before it
reached this middleware; the POST is the same visit, so it is sent with ``dont_filter``.
(Its fingerprint covers the body, which holds the page URL and the arguments: two columns are
never taken for one, not even under a shared scrapy-redis dupefilter.) Redirects are the
browser's business: the POST is never redirected by Scrapy.

Settings: ``SPLASH_URL`` (or ``meta["splash"]["splash_url"]``); ``SPLASH_TIMEOUT``, Splash's
``timeout`` argument unless the request gives one (the POST's own download timeout is that plus
a margin, so Splash's 504 arrives first). Renders share the Splash host's download slot: at
most CONCURRENT_REQUESTS_PER_DOMAIN at once; a render with ``meta["holds_host"]`` (the sites
spider's) also holds the whole share of the page's own host while Splash loads it
(govcheck.politeness). A Splash server behind a proxy with basic auth:
``SPLASH_USER`` and ``SPLASH_PASS``, credentials read like every other (environment, else
GOVCHECK_SECRETS_FILE), never settings, so never printed with the crawl's settings.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response
from w3lib.http import basic_auth_header

from govcheck import settings as defaults
from govcheck.fetch_errors import describe_error
from govcheck.credentials import secret

# meta key of the POST sent to Splash: the page's URL (it also marks the request as sent)
PAGE_URL = "splash_page_url"
# meta key of the rendered response: the screenshot's PNG bytes, or None
PNG = "splash_png"
ENDPOINTS = ("render.html", "render.json")
# Our download timeout for a POST exceeds the render's own by this much (seconds).
TIMEOUT_MARGIN = 10.0
# Headers the browser sets itself, or that describe our hop to Splash: not forwarded.
NOT_FORWARDED = {b"accept-encoding", b"content-length", b"content-type", b"host", b"connection", b"authorization"}
# Qt's network error codes in a RenderError's info (Splash renders with QtWebKit), in our words.
NETWORK_ERRORS: dict[Any, str] = {1: "connection refused", 2: "connection reset", 3: "dns", 4: "timeout", 5: "timeout"}


class SplashError(Exception):
    """Splash did not render the page: its error answer, or the server was not reached."""

    def __init__(self, message: str, status: int | None = None, kind: str = "", info: Any = None) -> None:
        super().__init__(message)
        self.status = status  # Splash's HTTP status
        self.kind = kind  # Splash's error type: BadOption, RenderError, GlobalTimeoutError, …
        self.info = info

    @property
    def page_status(self) -> int | None:
        """The page's own HTTP error status, when Splash says that is why it failed."""
        info = self.info if isinstance(self.info, dict) else {}
        code = info.get("code")
        if self.kind == "RenderError" and info.get("type") == "HTTP" and isinstance(code, int) and 400 <= code < 600:
            return code
        return None


def page_url(request: Request) -> str:
    """The URL of the page a request fetches: for a POST to Splash the page's, not Splash's."""
    return request.meta.get(PAGE_URL) or request.url


class SplashMiddleware:
    """Downloader middleware: requests with ``meta["splash"]`` are rendered by a Splash server."""

    def __init__(self, splash_url: str | None, timeout: float, authorization: bytes | None = None) -> None:
        self.splash_url = splash_url
        self.timeout = timeout
        self.authorization = authorization

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SplashMiddleware:
        settings = crawler.settings
        user, password = secret(settings, "SPLASH_USER"), secret(settings, "SPLASH_PASS")
        return cls(
            settings.get("SPLASH_URL") or None,
            settings.getfloat("SPLASH_TIMEOUT", defaults.SPLASH_TIMEOUT),
            basic_auth_header(user, password) if user else None,
        )

    def process_request(self, request: Request) -> Request | None:
        options = request.meta.get("splash")
        if not options or PAGE_URL in request.meta:
            return None
        return self.splash_request(request, options)

    def process_response(self, request: Request, response: Response) -> Response:
        if PAGE_URL not in request.meta:
            return response
        return page_response(request, response)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if PAGE_URL in request.meta and not isinstance(exception, SplashError):
            raise SplashError(f"Splash server {request.url} not reached: {describe_error(exception)}") from exception

    def splash_request(self, request: Request, options: Mapping[str, Any]) -> Request:
        """The POST to Splash that renders the page of ``request``."""
        base = options.get("splash_url") or self.splash_url
        if not base:
            raise SplashError("SPLASH_URL is not set: no Splash server to render with")
        endpoint = options.get("endpoint", "render.html")
        if endpoint not in ENDPOINTS:
            raise SplashError(f"Splash endpoint {endpoint!r} is not supported (only {', '.join(ENDPOINTS)})")
        arguments = {"url": request.url, "timeout": self.timeout, **dict(options.get("args") or {})}
        arguments.setdefault("headers", forwarded_headers(request))
        headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
        if self.authorization:
            headers["Authorization"] = self.authorization.decode("latin-1")
        meta = {
            **request.meta,
            PAGE_URL: request.url,
            "dont_redirect": True,
            "download_timeout": float(arguments["timeout"]) + TIMEOUT_MARGIN,
        }
        return request.replace(
            url=urljoin(base.rstrip("/") + "/", endpoint),
            method="POST",
            # sorted keys: the same page and arguments always give the same body (and fingerprint)
            body=json.dumps(arguments, sort_keys=True, ensure_ascii=False).encode("utf-8"),
            headers=headers,
            meta=meta,
            dont_filter=True,
        )


def forwarded_headers(request: Request) -> dict[str, str]:
    """The page request's headers (User-Agent, Accept-Language, Cookie, …) for Splash's ``headers``."""
    return {
        name.decode("latin-1"): values[-1].decode("latin-1")
        for name, values in request.headers.items()
        if values and name.lower() not in NOT_FORWARDED
    }


def page_response(request: Request, response: Response) -> HtmlResponse:
    """Splash's answer to ``request`` (a POST made by the middleware) as the page's response."""
    url = request.meta[PAGE_URL]
    if response.status != 200:
        error = read_error(response.status, response.body)
        if error.page_status is None:
            raise error
        failed_url = error.info.get("url") or url
        return _page(request, failed_url, error.page_status, "", None)
    if request.meta["splash"].get("endpoint", "render.html") == "render.html":
        return _page(request, url, 200, response.body.decode("utf-8", errors="replace"), None)
    try:
        answer = json.loads(response.body)
    except ValueError as error:
        raise SplashError(f"Splash answered render.json with no JSON ({error})", 200) from error
    if not isinstance(answer, dict) or not isinstance(answer.get("html"), str):
        raise SplashError("Splash answered render.json without the page's HTML (the request needs html=1)", 200)
    return _page(request, answer.get("url") or url, rendered_status(answer), answer["html"], _png(answer))


def rendered_status(answer: Mapping[str, Any]) -> int:
    """The page's HTTP status in a render.json answer: ``http_status``, the last response of
    ``history``, else 200 (Splash rendered it, so it answered)."""
    if isinstance(answer.get("http_status"), int):
        return answer["http_status"]
    history = answer.get("history")
    if isinstance(history, list) and history and isinstance(history[-1], dict):
        status = (history[-1].get("response") or {}).get("status")
        if isinstance(status, int) and status > 0:
            return status
    return 200


def read_error(status: int, body: bytes) -> SplashError:
    """Splash's error answer as a SplashError whose message says what went wrong."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        text = body.decode("utf-8", errors="replace").strip()[:200]
        return SplashError(f"Splash answered HTTP {status}: {text or 'no body'}", status)
    kind = str(answer.get("type") or "")
    description = str(answer.get("description") or "")
    info = answer.get("info")
    detail = _detail(info)
    message = f"Splash answered {status} {kind}: {description}" + (f" ({detail})" if detail else "")
    return SplashError(message, status, kind, info)


def _detail(info: Any) -> str:
    """The part of an error's ``info`` that says why, in a few words."""
    if not isinstance(info, dict):
        return str(info)[:200] if info else ""
    if "timeout" in info:
        return f"timeout {info['timeout']} s"
    if info.get("type") == "HTTP" and "code" in info:
        return f"the page answered HTTP {info['code']}"
    if info.get("type") == "Network":
        named = NETWORK_ERRORS.get(info.get("code"))
        text = info.get("text") or ""
        return f"{named}: {text}" if named else f"network error: {text}"
    if "argument" in info:
        return f"{info['argument']}: {info.get('description', '')}"
    return json.dumps(info, ensure_ascii=False, sort_keys=True)[:200]


def _png(answer: Mapping[str, Any]) -> bytes | None:
    if not answer.get("png"):
        return None
    try:
        return base64.b64decode(answer["png"], validate=True)
    except (binascii.Error, ValueError, TypeError) as error:
        raise SplashError(f"Splash answered render.json with a screenshot that is not base64 ({error})", 200) from error


def _page(request: Request, url: str, status: int, html: str, png: bytes | None) -> HtmlResponse:
    meta = {key: value for key, value in request.meta.items() if key != PAGE_URL}
    meta[PNG] = png
    page_request = request.replace(url=request.meta[PAGE_URL], method="GET", body=b"", headers={}, meta=meta)
    return HtmlResponse(
        url=url,
        status=status,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=html.encode("utf-8"),
        encoding="utf-8",
        request=page_request,
        flags=["splash"],
    )

"""A local server answering Splash's HTTP API, rendering with Debian's Chromium through Playwright.

Tests and demos render columns marked ``splash`` through it instead of a real Splash server
(``SPLASH_URL=http://127.0.0.1:PORT``). It implements what govcheck's middleware uses, with
Splash's argument rules and answers:

- ``render.html``: the rendered HTML (``text/html; charset=utf-8``);
- ``render.png``: a screenshot (``image/png``);
- ``render.json``: ``{url, requestedUrl, title, geometry}`` plus ``html`` (``html=1``),
  ``png`` (``png=1``, base64) and ``history`` (``history=1``: one entry per main-frame
  response, redirects included, ``{request: {method, url, headers}, response: {status,
  statusText, url, headers, redirectURL, content: {mimeType}}}``, HAR's field names).

Arguments come from the query string or a JSON body (``Content-Type: application/json``):
``url`` (required, http or https), ``timeout`` (default 30, at most ``max_timeout``, 90 as
Splash's default ``--max-timeout``), ``wait`` (seconds after the load event, less than
``timeout``), ``viewport`` (``1024x768``), ``render_all`` (full-page screenshot; needs a
non-zero ``wait``), ``html``/``png``/``history`` (0 or 1), ``headers`` (object or list of
pairs; ``User-Agent`` for every request of the page, the others for the page's own request).
Other Splash arguments are accepted and ignored.

Errors are Splash's JSON ``{"error": STATUS, "type", "description", "info"}``: 400 BadOption
(bad or missing argument, bad JSON), 415 for other POST bodies, 502 RenderError (the page did
not load: ``info {type: "Network"|"HTTP", code, text, url}``; Qt's network codes: 1 refused,
2 reset, 3 host not found, 4 timeout, 99 other), 504 GlobalTimeoutError (``info {timeout}``).

    python -m govcheck_demo.replicas.splash [--port 8050]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Browser, Error as PlaywrightError, Playwright, Response, async_playwright

from govcheck.chromium import launch_options
from govcheck.settings import PLAYWRIGHT_LAUNCH_OPTIONS

ENDPOINTS = ("render.html", "render.png", "render.json")
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 90.0
VIEWPORT = "1024x768"
VIEWPORT_MAX = 20000  # pixels a side, as Splash
# Chromium's net:: errors in Qt's network error codes, which Splash reports.
NETWORK_CODES = {
    "ERR_CONNECTION_REFUSED": 1,
    "ERR_CONNECTION_RESET": 2,
    "ERR_CONNECTION_CLOSED": 2,
    "ERR_EMPTY_RESPONSE": 2,
    "ERR_NAME_NOT_RESOLVED": 3,
    "ERR_TIMED_OUT": 4,
    "ERR_CONNECTION_TIMED_OUT": 4,
}
UNKNOWN_NETWORK_ERROR = 99


class SplashFailure(Exception):
    """An error answer in Splash's shape."""

    def __init__(self, status: int, kind: str, description: str, info: Any = None) -> None:
        super().__init__(description)
        self.status, self.kind, self.description, self.info = status, kind, description, info

    def document(self) -> dict[str, Any]:
        return {"error": self.status, "type": self.kind, "description": self.description, "info": self.info}


def bad_option(argument: str | None, description: str, kind: str = "bad_argument", **more: Any) -> SplashFailure:
    info = {"type": kind, "description": description, **more}
    if argument is not None:
        info["argument"] = argument
    return SplashFailure(400, "BadOption", "Incorrect HTTP API arguments", info)


@dataclass(frozen=True)
class RenderOptions:
    """One render's arguments, checked as Splash checks them."""

    url: str
    timeout: float = DEFAULT_TIMEOUT
    wait: float = 0.0
    viewport: tuple[int, int] = (1024, 768)
    render_all: bool = False
    html: bool = False
    png: bool = False
    history: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Mapping[str, Any], max_timeout: float = MAX_TIMEOUT) -> RenderOptions:
        url = data.get("url")
        if not url:
            raise bad_option("url", "Required argument is missing: url", "argument_required")
        if urlsplit(str(url)).scheme not in ("http", "https"):
            raise bad_option("url", f"Only http and https URLs are rendered: {url}")
        timeout = _number(data, "timeout", DEFAULT_TIMEOUT, float, (0, max_timeout))
        wait = _number(data, "wait", 0.0, float, (0, timeout))
        render_all = bool(_number(data, "render_all", 0, int, (0, 1)))
        if render_all and wait == 0:
            raise bad_option("render_all", "Pass non-zero 'wait' to render full webpage")
        return cls(
            url=str(url),
            timeout=timeout,
            wait=wait,
            viewport=_viewport(str(data.get("viewport") or VIEWPORT)),
            render_all=render_all,
            html=bool(_number(data, "html", 0, int, (0, 1))),
            png=bool(_number(data, "png", 0, int, (0, 1))),
            history=bool(_number(data, "history", 0, int, (0, 1))),
            headers=_headers(data.get("headers")),
        )


def _number(data: Mapping[str, Any], name: str, default: Any, kind: type, allowed: tuple[float, float]) -> Any:
    if data.get(name) is None:
        return default
    try:
        value = kind(data[name])
    except (TypeError, ValueError):
        raise bad_option(name, f"Argument {name!r} has a wrong type", required_type=kind.__name__) from None
    if not allowed[0] <= value <= allowed[1]:
        raise bad_option(name, "Argument is out of the allowed range", min=allowed[0], max=allowed[1], value=value)
    return value


def _viewport(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.split("x"))
    except ValueError:
        raise bad_option("viewport", f"Invalid viewport format: {text}") from None
    if not (0 < width <= VIEWPORT_MAX and 0 < height <= VIEWPORT_MAX):
        raise bad_option("viewport", f"Viewport is out of range ({VIEWPORT_MAX}x{VIEWPORT_MAX})")
    return width, height


def _headers(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    pairs = value.items() if isinstance(value, dict) else value
    try:
        headers = {str(name): str(content) for name, content in pairs}
    except (TypeError, ValueError):
        raise bad_option("headers", "'headers' must be either a JSON array of (name, value) pairs or a JSON object") from None
    return headers


class SplashServer:
    """The Splash-compatible endpoint on 127.0.0.1 (a free port unless given), one Chromium for all renders."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, max_timeout: float = MAX_TIMEOUT) -> None:
        self.max_timeout = max_timeout
        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        handler = type("Handler", (_SplashHandler,), {"server_side": self})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._http_thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SplashServer:
        self._loop_thread.start()
        self._call(self._launch(), timeout=60)
        self._http_thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._call(self._close(), timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop_thread.join(timeout=10)

    def __enter__(self) -> SplashServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def render(self, endpoint: str, options: RenderOptions) -> tuple[str, bytes]:
        """(content type, body) of one endpoint's answer; SplashFailure when Splash would fail."""
        wants = {"render.html": {"html"}, "render.png": {"png"}, "render.json": set()}[endpoint]
        result = self._call(self._render(options, wants), timeout=options.timeout + 30)
        if endpoint == "render.html":
            return "text/html; charset=utf-8", result["html"].encode("utf-8")
        if endpoint == "render.png":
            return "image/png", base64.b64decode(result["png"])
        return "application/json", json.dumps(result, ensure_ascii=False).encode("utf-8")

    def _call(self, coroutine: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _launch(self) -> None:
        self._playwright = await async_playwright().start()
        # a replica serves loopback pages to tests and the demo: its browser stays on loopback too
        self._browser = await self._playwright.chromium.launch(**launch_options(PLAYWRIGHT_LAUNCH_OPTIONS, loopback_only=True))

    async def _close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    async def _render(self, options: RenderOptions, wants: set[str]) -> dict[str, Any]:
        assert self._browser is not None
        width, height = options.viewport
        headers = {k: v for k, v in options.headers.items() if k.lower() != "user-agent"}
        user_agent = next((v for k, v in options.headers.items() if k.lower() == "user-agent"), None)
        # a fresh context per render: no cookies or cache shared between pages (Splash's private mode)
        context = await self._browser.new_context(viewport={"width": width, "height": height}, user_agent=user_agent)
        try:
            async with asyncio.timeout(options.timeout):
                page = await context.new_page()
                if headers:
                    await page.route("**/*", _page_request_headers(page, headers))
                try:
                    response = await page.goto(options.url, wait_until="load", timeout=0)
                except PlaywrightError as error:
                    raise _network_failure(str(error), options.url) from None
                if response is not None and response.status >= 400:
                    info = {"type": "HTTP", "code": response.status, "text": response.status_text, "url": response.url}
                    raise SplashFailure(502, "RenderError", "Error rendering page", info)
                if options.wait:
                    await asyncio.sleep(options.wait)
                result: dict[str, Any] = {
                    "url": page.url,
                    "requestedUrl": options.url,
                    "title": await page.title(),
                    "geometry": [0, 0, width, height],
                }
                if options.html or "html" in wants:
                    result["html"] = await page.content()
                if options.png or "png" in wants:
                    png = await page.screenshot(full_page=options.render_all, type="png")
                    result["png"] = base64.b64encode(png).decode("ascii")
                if options.history:
                    result["history"] = await _history(response)
                return result
        except TimeoutError:
            raise SplashFailure(504, "GlobalTimeoutError", "Timeout exceeded rendering page", {"timeout": options.timeout}) from None
        finally:
            await context.close()


def _page_request_headers(page: Any, headers: dict[str, str]) -> Any:
    """A route handler giving ``headers`` to the page's own request only, as Splash does (not to
    its scripts, styles or XHR)."""

    async def handle(route: Any, request: Any) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            await route.continue_(headers={**request.headers, **headers})
        else:
            await route.continue_()

    return handle


def _network_failure(message: str, url: str) -> SplashFailure:
    """Chromium's navigation error (``net::ERR_CONNECTION_REFUSED at …``) as Splash's RenderError."""
    name = next((part.removeprefix("net::") for part in message.split() if part.startswith("net::")), "")
    code = NETWORK_CODES.get(name, UNKNOWN_NETWORK_ERROR)
    info = {"type": "Network", "code": code, "text": name or message.splitlines()[0][:200], "url": url}
    return SplashFailure(502, "RenderError", "Error rendering page", info)


async def _history(response: Response | None) -> list[dict[str, Any]]:
    """The main frame's responses, oldest first: each redirect, then the page."""
    if response is None:
        return []
    requests = []
    request = response.request
    while request is not None:
        requests.append(request)
        request = request.redirected_from
    entries = []
    for request in reversed(requests):
        answer = await request.response()
        if answer is None:
            continue
        entries.append({
            "request": {"method": request.method, "url": request.url, "headers": _har_headers(request.headers)},
            "response": {
                "status": answer.status,
                "statusText": answer.status_text,
                "url": answer.url,
                "headers": _har_headers(answer.headers),
                "redirectURL": answer.headers.get("location", ""),
                "content": {"mimeType": answer.headers.get("content-type", "")},
            },
        })
    return entries


def _har_headers(headers: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers.items()]


class _SplashHandler(BaseHTTPRequestHandler):
    server_side: SplashServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read Scrapy's log
        pass

    def do_GET(self) -> None:
        self._serve(self._query())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if "application/json" not in (self.headers.get("Content-Type") or ""):
            failure = SplashFailure(415, "UnsupportedContentType", "Request Content-Type is not supported",
                                    {"content_type": self.headers.get("Content-Type") or ""})
            self._send_json(failure.status, failure.document())
            return
        try:
            data = json.loads(body.decode("utf-8") or "{}")
            if not isinstance(data, dict):
                raise ValueError("the JSON body is not an object")
        except ValueError as error:
            failure = SplashFailure(400, "BadOption", "Incorrect HTTP API arguments",
                                    {"type": "invalid_json", "description": "Can't decode JSON", "message": str(error)})
            self._send_json(failure.status, failure.document())
            return
        self._serve({**self._query(), **data})

    def _query(self) -> dict[str, Any]:
        return {name: values[0] for name, values in parse_qs(urlsplit(self.path).query).items()}

    def _serve(self, data: dict[str, Any]) -> None:
        endpoint = urlsplit(self.path).path.strip("/")
        if endpoint not in ENDPOINTS:
            self._send(404, b"No Such Resource", "text/plain")
            return
        try:
            options = RenderOptions.parse(data, self.server_side.max_timeout)
            content_type, body = self.server_side.render(endpoint, options)
        except SplashFailure as failure:
            self._send_json(failure.status, failure.document())
            return
        except Exception as error:  # Splash's 500: whatever went wrong inside
            failure = SplashFailure(500, "InternalError", "Unhandled internal error", f"{type(error).__name__}: {error}")
            self._send_json(failure.status, failure.document())
            return
        self._send(200, body, content_type)

    def _send_json(self, status: int, document: dict[str, Any]) -> None:
        self._send(status, json.dumps(document, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Splash-compatible endpoint rendering with Chromium.")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--max-timeout", type=float, default=MAX_TIMEOUT)
    arguments = parser.parse_args()
    with SplashServer(port=arguments.port, max_timeout=arguments.max_timeout) as server:
        print(f"Splash-compatible endpoint on {server.url} (Ctrl-C stops it)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""What keeps the console safe to open on an office network.

- Every answer carries a Content-Security-Policy that loads nothing from anywhere but the
  console itself and runs no script at all (the pages are server-rendered forms), with
  nosniff, no framing and no referrer (links to the inspected sites do not reveal the console).
- Bound to anything but loopback, every page but the login asks for a signed-in user
  (:class:`LoginRequired`); on 127.0.0.1 the machine's own user is trusted, as the CLI is.
- Bound to loopback, a request naming another host (``Host: evil.example``: a page of another
  site whose name was rebound to 127.0.0.1) is refused (:class:`LoopbackHostsOnly`): that page
  would otherwise read the console, and its CSRF tokens, as its own.
- Every form carries the session's CSRF token, checked on every POST before anything is read
  or written (:func:`checked_form`).
- Scraped text reaches pages only through Jinja2's autoescape (govcheck.console.app).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
CSRF_FIELD = "csrf_token"
MAX_UPLOAD = 10 * 1024 * 1024  # bytes of one screenshot
MAX_BODY = MAX_UPLOAD + 64 * 1024  # a form with its screenshot
OPEN_PATHS = ("/login", "/static/")


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1, localhost: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SecurityHeaders:
    """Adds the CSP and the other headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginRequired:
    """Refuses every request without a signed-in user, but the login page and the stylesheet:
    a page is answered with the way to the login, anything else with 403."""

    def __init__(self, app: ASGIApp, required: bool) -> None:
        self.app = app
        self.required = required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.required or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        if scope.get("session", {}).get("user"):
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD"):
            response: Any = RedirectResponse("/login", status_code=303)
        else:
            response = PlainTextResponse("请先登录（login required）", status_code=403)
        await response(scope, receive, send)


class LoopbackHostsOnly:
    """Answers only requests addressed to this machine by a loopback name (127.0.0.1, ::1, localhost)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            try:
                name = urlsplit(f"//{host}").hostname or ""
            except ValueError:
                name = ""
            if not is_loopback(name):
                await PlainTextResponse("此控制台只接受本机地址（127.0.0.1）的访问", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def checked_form(request: Request) -> FormData:
    """The POSTed form, once its size is within bounds and its CSRF token is the session's."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit() or int(length) > MAX_BODY:
        raise HTTPException(413, f"表单过大或缺少长度（最多 {MAX_BODY // 1024 // 1024} MB）")
    form = await request.form(max_files=1, max_fields=20, max_part_size=64 * 1024)
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "表单已失效或来源不明（CSRF token missing or wrong）：请刷新页面后重新提交")
    return form

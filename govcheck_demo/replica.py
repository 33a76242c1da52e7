"""Local replica web server: saved government pages (and, later, platform endpoints) on loopback.

Tests and the demo crawl it over real HTTP instead of the internet. Besides the files of
its folder it misbehaves on purpose, the way real sites do:

- ``/_hang/...``        accepts the connection and never answers
- ``/_status/CODE/...`` answers with that HTTP status
- ``/_loop/N``          redirects to ``/_loop/N+1`` for ever
- ``/_reset/...``       closes the connection without an answer
- ``/_truncate/PATH``   sends the file at PATH cut in half, announcing its full length
- ``/_mislabel/PATH``   sends the file at PATH labelled ``charset=utf-8`` whatever it is
- ``/_teapot/...``      answers HTTP 418, as Weibo does to crawlers

Platform endpoints are routes: a path prefix (``/weibo/``) and a function that builds the
answer from the replica's account states, in the shapes of the real APIs.
"""

from __future__ import annotations

import mimetypes
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# .html is sent without a charset so that the page's own <meta charset> decides, as on
# real government servers (GBK sites rely on it).
CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
HANG_SECONDS = 120


@dataclass
class Reply:
    """What a route answers. ``hang``: never answer; ``reset``: close the connection."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    reset: bool = False


# (path below the route's prefix, query parameters, request headers) -> Reply, or None for 404
Route = Callable[[str, dict[str, list[str]], Mapping[str, str]], "Reply | None"]


def self_signed_context(host: str = "127.0.0.1") -> ssl.SSLContext:
    """A server TLS context with a certificate for ``host`` that signs itself (a replica's
    https: no browser or crawler trusts it, and none needs to)."""
    import datetime
    import ipaddress
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:
        chain = Path(folder) / "replica.pem"
        chain.write_bytes(
            certificate.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        context.load_cert_chain(chain)
    return context


class _ReplicaHTTPServer(ThreadingHTTPServer):
    # A crawl opens dozens of connections at once; the default backlog of 5 refuses some.
    request_queue_size = 128


class ReplicaServer:
    """A threaded HTTP server on 127.0.0.1 with a free port, serving ``root``."""

    def __init__(
        self,
        root: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        routes: Mapping[str, Route] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """``tls``: serve https with this server context (a replica of a site's HTTPS)."""
        self.root = Path(root).resolve()
        handler = type("Handler", (_ReplicaHandler,), {"root": self.root, "routes": dict(routes or {})})
        self._server = _ReplicaHTTPServer((host, port), handler)
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def start(self) -> ReplicaServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _ReplicaHandler(BaseHTTPRequestHandler):
    root: Path
    routes: dict[str, Route]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read Scrapy's log
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        for prefix, route in self.routes.items():
            if path.startswith(prefix):
                reply = route(path[len(prefix):], parse_qs(parts.query), self.headers)
                self._send_reply(reply or Reply(404, "not found", "text/plain"), head)
                return
        if path.startswith("/_hang/"):
            time.sleep(HANG_SECONDS)
            self.close_connection = True
            return
        if path.startswith("/_reset/"):
            self._reset()
            return
        if match := re.match(r"^/_status/(\d{3})/", path):
            self._send(int(match.group(1)), b"<html><body>error</body></html>", "text/html", head)
            return
        if path.startswith("/_teapot/"):
            self._send(418, b"", "text/html", head)
            return
        if match := re.match(r"^/_(truncate|mislabel)(/.*)$", path):
            file = self._file(match.group(2))
            if file is None:
                self._send(404, b"<html><body>404 Not Found</body></html>", "text/html", head)
            elif match.group(1) == "mislabel":
                self._send(200, file.read_bytes(), "text/html; charset=utf-8", head)
            else:
                body = file.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
            return
        if match := re.match(r"^/_loop/(\d+)", path):
            self.send_response(302)
            self.send_header("Location", f"/_loop/{int(match.group(1)) + 1}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if (self.root / path.lstrip("/")).is_dir() and not path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = self._file(path)
        if file is None:
            self._send(404, b"<html><body>404 Not Found</body></html>", "text/html", head)
            return
        content_type = CONTENT_TYPES.get(file.suffix) or (
            mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        )
        self._send(200, file.read_bytes(), content_type, head)

    def _file(self, path: str) -> Path | None:
        """The served file for a URL path (index.html for folders), never outside the root."""
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        return file if file.is_relative_to(self.root) and file.is_file() else None

    def _send_reply(self, reply: Reply, head: bool) -> None:
        if reply.hang:
            time.sleep(HANG_SECONDS)
            self.close_connection = True
            return
        if reply.reset:
            self._reset()
            return
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        self._send(reply.status, body, reply.content_type, head, reply.headers)

    def _reset(self) -> None:
        # SO_LINGER 0: the close sends RST, as a crashed or hostile server does
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.close_connection = True

    def _send(
        self, status: int, body: bytes, content_type: str, head: bool, headers: Mapping[str, str] | None = None
    ) -> None:
        headers = dict(headers or {})
        self.send_response_only(status)
        self.send_header("Server", self.version_string())
        # a route may answer at a clock of its own (the Weibo replica's relative dates)
        self.send_header("Date", headers.pop("Date", None) or self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

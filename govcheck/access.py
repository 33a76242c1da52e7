"""Per-platform proxies: the downloader-middleware hook through which a node reaches a platform.

Platforms limit by address, so an office often sends WeChat, Weibo or Douyin through a proxy
of its own while the government websites (same province network) go direct. The setting
``GOVCHECK_PROXIES`` maps spider names to proxy URLs, e.g.::

    GOVCHECK_PROXIES='{"wechat": "http://user:pass@proxy.internal:3128", "weibo": "http://proxy.internal:3128"}'

(environment variable as JSON, or ``--set`` / ``-s``). A request that already names a proxy
(``meta["proxy"]``) keeps it. Scrapy's HttpProxyMiddleware, which runs after this one, turns the
URL's credentials into the Proxy-Authorization header and keeps them out of the logs. Pages
rendered in Chromium take their proxy from ``PLAYWRIGHT_LAUNCH_OPTIONS`` instead (docs/deploy.md).

An office with a proxy pool or its own cookie store registers a subclass that overrides
:meth:`PlatformAccessMiddleware.proxy_for` in ``DOWNLOADER_MIDDLEWARES`` at the same priority.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class PlatformAccessMiddleware:
    """Sets ``meta["proxy"]`` of a spider's requests from ``GOVCHECK_PROXIES``."""

    def __init__(self, proxies: Mapping[str, str]) -> None:
        self.proxies = dict(proxies)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlatformAccessMiddleware:
        proxies = parse_proxies(crawler.settings.get("GOVCHECK_PROXIES"))
        if not proxies:
            raise NotConfigured
        return cls(proxies)

    def proxy_for(self, request: Request, spider: Spider) -> str | None:
        return self.proxies.get(spider.name)

    def process_request(self, request: Request, spider: Spider) -> None:
        if "proxy" in request.meta:
            return
        proxy = self.proxy_for(request, spider)
        if proxy:
            request.meta["proxy"] = proxy


def parse_proxies(value: Any) -> dict[str, str]:
    """``GOVCHECK_PROXIES`` as given: a mapping, JSON text, or nothing."""
    if not value:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"GOVCHECK_PROXIES is not JSON ({error}); expected e.g. '{{\"wechat\": \"http://proxy:3128\"}}'") from None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("GOVCHECK_PROXIES must map spider names to proxy URLs, e.g. {\"wechat\": \"http://proxy:3128\"}")
    return dict(value)

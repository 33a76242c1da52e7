"""The downloader middleware that applies the network policy (govcheck.network_policy) to
URLs taken from pages, before anything is sent.

A request carries ``meta[TAKEN_FROM_PAGE] = True`` when its URL was read on a fetched page
(a link checked, a last page, a detail page, a discovered column, a place a channel may be):
its host is resolved with the crawl's own resolver (Scrapy's TWISTED_DNS_RESOLVER, whose cache
the download then uses, so the address checked is the address connected to), and when any
address it resolves to is not public (nor allowed by GOVCHECK_ALLOW_PRIVATE_ADDRESSES) the
request is not sent: it fails with :class:`AddressRefused`, whose text is the evidence
(``not fetched: network policy: 10.1.2.3 is a private address``). A refused link is
unchecked, never broken; a page not fetched is reviewed, never failed.

``meta[SAME_HOST_AS] = url`` (a last page) also refuses a URL on another host than that
page's. ``meta[SAME_SITE_AS] = url`` (a detail page) refuses a URL outside that page's
registrable domain (:func:`govcheck.network_policy.registrable_domain`): a list on
``www.weinan.gov.cn`` often links its articles on ``xxgk.weinan.gov.cn`` or on the city's
``www.weinan.gov.cn`` from a county's subdomain, the same registrant's site, while a link to
another registrant's host makes its page no evidence of this site's (a hostile list could
otherwise make any host's dates the column's).

Redirects of such a request carry its meta and come back through here: a public link that
redirects to a private address is refused at the redirect. A name that does not resolve is let
through: the download fails on it as any other request does (``dns``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

from govcheck.network_policy import ALLOW_SETTING, Network, address_problem, allowed_networks, registrable_domain

__all__ = ["TAKEN_FROM_PAGE", "SAME_HOST_AS", "SAME_SITE_AS", "AddressRefused", "NetworkPolicyMiddleware"]

logger = logging.getLogger(__name__)

TAKEN_FROM_PAGE = "taken_from_page"
SAME_HOST_AS = "same_host_as"
SAME_SITE_AS = "same_site_as"


class AddressRefused(IgnoreRequest):
    """A URL taken from a page that the network policy does not let us fetch; str() is the evidence."""


@implementer(IResolutionReceiver)
class _Addresses:
    """Collects the addresses a name resolves to (Twisted's IResolutionReceiver)."""

    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.done: Deferred[list[str]] = Deferred()

    def resolutionBegan(self, resolution: Any) -> None:  # noqa: N802 (Twisted's interface)
        pass

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:  # noqa: N802
        self.done.callback(self.addresses)


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to with the reactor's resolver (the one Scrapy's
    downloads use and cache); empty when it does not resolve."""
    from twisted.internet import reactor

    receiver = _Addresses()
    reactor.nameResolver.resolveHostName(receiver, host, port)
    return await receiver.done.asFuture(asyncio.get_running_loop())


class NetworkPolicyMiddleware:
    def __init__(self, allowed: tuple[Network, ...], crawler: Crawler | None = None) -> None:
        self.allowed = allowed
        self.stats = crawler.stats if crawler is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkPolicyMiddleware:
        value = crawler.settings.get(ALLOW_SETTING)
        return cls(allowed_networks(value), crawler)

    async def process_request(self, request: Request) -> None:
        if not request.meta.get(TAKEN_FROM_PAGE):
            return None
        refusal = await self.refusal(request)
        if refusal:
            if self.stats is not None:
                self.stats.inc_value("govcheck/network_policy/refused")
            logger.info("not fetched (network policy): %s: %s", request.url, refusal)
            raise AddressRefused(f"not fetched: network policy: {refusal}")
        return None

    async def refusal(self, request: Request) -> str | None:
        """Why the request may not be sent, or None."""
        parts = urlsplit(request.url)
        host = (parts.hostname or "").rstrip(".")
        same_host_as = request.meta.get(SAME_HOST_AS)
        if same_host_as and host != (urlsplit(same_host_as).hostname or "").rstrip("."):
            return f"{host} is another host than the page's own ({urlsplit(same_host_as).hostname})"
        same_site_as = request.meta.get(SAME_SITE_AS)
        if same_site_as:
            site = registrable_domain(urlsplit(same_site_as).hostname or "")
            if registrable_domain(host) != site:
                return f"{host} is off the site of the page that links it ({site})"
        try:
            addresses = [host] if _is_address(host) else await resolve(host, parts.port or 0)
        except Exception:  # the download meets the same failure and names it
            return None
        for address in addresses:
            problem = address_problem(address, self.allowed)
            if problem:
                return problem if address == host else f"{host} resolves to {problem}"
        return None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True

"""Broken links: the links of a page, and what the answer to one link check says about the
link. Plain functions, no network.

The sites spider checks every link of a site's home and column pages (:func:`extract_links`)
once per round (HEAD, then GET when HEAD is refused or fails) and records the answer;
:func:`link_outcome` decides what it means. The rule is "never count our own failure against the site":

- ``ok``: a 2xx or 3xx answer (redirects are followed first).
- ``broken``: a 404 or 410 answer, a standard 5xx answer (500–505, after the usual retries), a redirect
  loop, a refused connection (the host answered: nothing serves that address), and a host
  name that does not resolve, when the site itself was reached by its host name (our resolver
  works, so the name is dead).
- ``unchecked``: listed as evidence, never counted. Our own timeout (the far end may only be
  slow for us), a reset connection, other 4xx answers (401/403/418/429: login walls, crawler
  blocks and rate limits say nothing about whether a visitor can open the link), other 5xx
  answers (520–527 and the like come from CDNs and anti-crawler services, e.g. 加速乐's 521
  with a cookie-setting script that a browser passes), a DNS
  failure when the site was reached by IP address (our resolver is unproven), anything else.
"""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from govcheck.extract.html import Document, as_document, base_url_of, resolve_link

__all__ = ["LinkOutcome", "BROKEN_STATUSES", "extract_links", "link_outcome", "is_outbound", "reached_by_name", "answered"]

LinkOutcome = Literal["ok", "broken", "unchecked"]

# statuses that say the page is gone (404, 410) or the server cannot serve it (the standard
# 5xx); the non-standard 5xx of CDNs and anti-crawler services are answers to us, not visitors
BROKEN_STATUSES = frozenset({404, 410, *range(500, 506)})
# errors that are an answer from the far end, not a failure of ours
BROKEN_ERRORS = frozenset({"connection refused", "redirect loop"})


def extract_links(page: Document | str, base_url: str) -> list[str]:
    """Absolute http(s) links of a page (<a>/<area>), in page order, without duplicates or
    fragments: those a visitor may follow, also in <noscript>, not those in a <template>
    (markup kept for scripts to copy, never shown as it is)."""
    root = as_document(page).tree
    if root is None:
        return []
    base_url = base_url_of(root, base_url)
    templates = set(root.iter("template"))
    seen: dict[str, None] = {}
    for el in root.iter("a", "area"):
        if templates and not templates.isdisjoint(el.iterancestors("template")):
            continue
        url = resolve_link(el.get("href"), base_url)
        if url:
            seen.setdefault(url, None)
    return list(seen)


def answered(status: int | None) -> bool:
    """A 2xx or 3xx answer: the link opens."""
    return status is not None and 200 <= status < 400


def link_outcome(status: int | None, error: str, resolver_proven: bool) -> LinkOutcome:
    """``ok``, ``broken`` or ``unchecked`` for the final answer of a link check.

    ``status`` is the HTTP status (None when no answer came), ``error`` the short name of the
    network error (``timeout``, ``dns``, ``connection refused``…, see govcheck.fetch_errors),
    ``resolver_proven`` whether our resolver is known to work (the site was reached by name).
    """
    if status is not None:
        if answered(status):
            return "ok"
        return "broken" if status in BROKEN_STATUSES else "unchecked"
    if error in BROKEN_ERRORS:
        return "broken"
    if error == "dns":
        return "broken" if resolver_proven else "unchecked"
    return "unchecked"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def is_outbound(url: str, site_url: str) -> bool:
    """A link to another host (or port) than the site's own home page."""
    return _origin(url)[1] != _origin(site_url)[1]


def reached_by_name(site_url: str) -> bool:
    """The site's address is a host name (resolved by us), not an IP address."""
    host = urlsplit(site_url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(host)
    return False

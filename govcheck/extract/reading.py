"""The one shape of a platform reader: a generator over fetch results.

A reader never fetches. It yields a :class:`Fetch` — the URL to fetch next and how — and is
sent back the :class:`Fetched` result (the answer, or why none came); when it has seen enough
it returns what the account shows, the fields of its ``account`` observation (docs/schema.md)::

    fields = yield from observe(target)

Each platform's ``observe(target)`` is one: :mod:`govcheck.extract.weibo`,
:mod:`govcheck.extract.douyin` and :mod:`govcheck.extract.wechat_sources` (its sources, tried
in order); :mod:`govcheck.extract.account_entry` reads the interaction entry the same way. The
spiders run them all in one loop (:class:`govcheck.spiders.accounts.AccountSpider`), which
turns a Fetch into a request and its answer into a Fetched; tests drive them with saved
answers, without Scrapy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

__all__ = ["Fetch", "Fetched", "Render", "Reading", "Observing", "guarded"]

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Fetched:
    """One answer as the spider received it, or why it got none (``error``)."""

    url: str  # the URL that answered (after a redirect followed), else the one asked
    status: int | None = None
    text: str = ""  # the body as text ("" for a body that is not text)
    location: str = ""  # Location header of a redirect not followed
    date_header: str = ""  # the server's clock when it answered
    received_at: datetime | None = None
    retries: int = 0  # rate-limited answers asked again before this one (Fetch.rate_limited)
    error: str = ""  # our side: timeout, connection refused…
    # a rendered page (Fetch.render): the answers its script loaded, by name, in arrival order
    captured: Mapping[str, Fetched] = field(default_factory=dict)
    # a rendered page watched until the capture timeout without settling: how long (else None)
    waited_seconds: float | None = None


@dataclass(frozen=True)
class Render:
    """A page opened in the browser, and the answers its own script loads that the reader wants."""

    # name → whether an answer's URL is the one wanted (the first answer of each name is kept)
    capture: Mapping[str, Callable[[str], bool]]
    # what was captured says enough: the page is watched a moment longer for the rest, then read
    settled: Callable[[Mapping[str, Fetched]], bool]
    # the page's title says it will load none of them (a verify page): stop watching
    refused: Callable[[str], bool] = lambda title: False


@dataclass(frozen=True)
class Fetch:
    """What a reader asks the spider to fetch next, and how."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)  # sent as given (a Cookie header too)
    # False: a redirect is an answer to read (a login or visitor check), never followed
    follow_redirects: bool = True
    # False: no transport retry (the URL carries credentials a retry's log line would show, or
    # each try is counted by the reader itself)
    retry: bool = True
    # True: the cookie jar is left out both ways (only the Cookie header given here is sent)
    own_cookies: bool = False
    # statuses that mean "too many requests": asked again after the spider's backoff
    rate_limited: frozenset[int] = frozenset()
    delay: float = 0.0  # seconds to wait before sending (the pause between two tries)
    render: Render | None = None  # open the page in the browser and capture what it loads


# A reader: yields Fetches, is sent their Fetched results, returns what it read.
Reading = Generator[Fetch, Fetched, T]
# A platform's ``observe``: returns the account observation's fields.
Observing = Generator[Fetch, Fetched, dict[str, Any]]


def guarded(reading: Generator[Fetch, Fetched, T], failed: Callable[[str], T], what: str) -> Generator[Fetch, Fetched, T]:
    """What ``reading`` returns, or ``failed(reason)`` when the reading itself breaks: a
    reader's bug must not lose the account (待人工复核 with the reason)."""
    try:
        return (yield from reading)
    except Exception as error:
        logger.exception("%s: reading failed", what)
        return failed(f"internal error: {type(error).__name__}")

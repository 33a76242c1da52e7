"""Whether our own network worked when a probe failed: another server's answer as witness.

A probe that times out, or whose connection or name lookup fails, may be the site's fault or
ours: the inspection machine's network, proxy or resolver may be down. Counted as failed
visits, a minute of our own outage would fail every site of a one-shot round at once
(监测时间点无法访问). So a probe that failed without an answer counts as a failed visit only
when our network is shown to have worked around that moment: some server (another site, a
page of the round, or one of GOVCHECK_NETWORK_CHECK_URLS) answered this crawler between
GOVCHECK_NETWORK_WITNESS_SECONDS before the probe was sent and as long after it failed. When
none did, the check URLs are asked, then a server that answered this crawl before (another
site's page, of another host where there is one): a round spaces a site's probes over half an
hour, and its later probes often fail when nothing else is being fetched. That answer is kept
as the probe's evidence. Without one the probe is no visit, with why.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from govcheck import settings as defaults
from govcheck.fetch_errors import describe_error
from govcheck.politeness import REQUEST_KIND, download_now


# how many hosts' latest answers are kept to ask again
KNOWN_HOSTS = 32


@dataclass(frozen=True)
class Answer:
    """One answer our crawler received: proof that our network worked at that moment."""

    received: float  # time.monotonic()
    at: datetime  # for the evidence, Asia/Shanghai
    url: str
    status: int

    def evidence(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "fetched_at": self.at}


class NetworkWitness:
    """Keeps the crawl's latest answer and finds a witness for a failed probe.

    ``clock`` gives the evidence's moments (the spider's ``now``).
    """

    def __init__(self, crawler: Crawler, clock: Any) -> None:
        self.crawler = crawler
        self.clock = clock
        self.margin = crawler.settings.getfloat("GOVCHECK_NETWORK_WITNESS_SECONDS", defaults.GOVCHECK_NETWORK_WITNESS_SECONDS)
        self.check_urls: list[str] = crawler.settings.getlist("GOVCHECK_NETWORK_CHECK_URLS")
        self.check_timeout = crawler.settings.getfloat("GOVCHECK_NETWORK_CHECK_TIMEOUT", defaults.GOVCHECK_NETWORK_CHECK_TIMEOUT)
        self.latest: Answer | None = None
        # the latest answer of each host (most recent last), to ask again when nothing answers around a probe
        self.by_host: dict[str, Answer] = {}
        self.waiting: list[asyncio.Future[Answer]] = []
        self.checking: asyncio.Future[Answer | None] | None = None
        self.checking_started = 0.0
        crawler.signals.connect(self.answered, signal=signals.response_received)

    def answered(self, response: Response, request: Request) -> None:
        self.latest = Answer(time.monotonic(), self.clock(), response.url, response.status)
        host = urlsplit(response.url).hostname or ""
        self.by_host.pop(host, None)
        self.by_host[host] = self.latest
        if len(self.by_host) > KNOWN_HOSTS:
            del self.by_host[next(iter(self.by_host))]
        if self.waiting:
            waiting, self.waiting = self.waiting, []
            for future in waiting:
                if not future.done():
                    future.set_result(self.latest)

    async def witness(self, waited: float, url: str) -> dict[str, Any] | None:
        """The evidence of an answer received while a probe of ``url`` that just failed was waiting
        (``waited`` seconds on the wire: its timeout, or nothing for an error that came at once),
        from ``margin`` seconds before to ``margin`` seconds after; else of a check URL's answer;
        else of a server that answered us before, asked again. None when no server answered."""
        since = time.monotonic() - waited - self.margin
        if self.latest is not None and self.latest.received >= since:
            return self.latest.evidence()
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        try:
            return (await asyncio.wait_for(future, self.margin)).evidence()
        except TimeoutError:
            pass
        checked = await self.check(since) or await self.ask_again(url)
        return checked.evidence() if checked else None

    async def ask_again(self, url: str) -> Answer | None:
        """Asks the server that answered us last again, another host's first (the probe's own host
        may be what is down), never the probe's own address."""
        host = urlsplit(url).hostname or ""
        known = [answer for answer in reversed(self.by_host.values()) if answer.url != url]
        known.sort(key=lambda answer: urlsplit(answer.url).hostname == host)  # stable: most recent first
        return await self.ask(known[0].url) if known else None

    async def check(self, since: float) -> Answer | None:
        """Asks the check URLs in turn until one answers. One check serves every probe that failed
        before it started: when our network is down, hundreds fail together."""
        if not self.check_urls:
            return None
        if self.checking is None or self.checking_started < since:
            self.checking_started = time.monotonic()
            self.checking = asyncio.ensure_future(self._ask_check_urls())
        return await asyncio.shield(self.checking)

    async def _ask_check_urls(self) -> Answer | None:
        for url in self.check_urls:
            answer = await self.ask(url)
            if answer is not None:
                return answer
        return None  # none answered either

    async def ask(self, url: str) -> Answer | None:
        """A HEAD request to ``url`` within the check timeout: its answer, or None."""
        request = scrapy.Request(
            url, method="HEAD", dont_filter=True,
            meta={"download_timeout": self.check_timeout, "dont_retry": True, "handle_httpstatus_all": True, REQUEST_KIND: "network_check"},
        )
        try:
            response = await download_now(self.crawler, request)
        except Exception as error:
            assert self.crawler.spider is not None  # a check is asked by the open spider
            self.crawler.spider.logger.warning("network check %s: %s", url, describe_error(error))
            return None
        return Answer(time.monotonic(), self.clock(), response.url, response.status)

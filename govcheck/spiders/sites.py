"""The website spider: availability probes, home page and column freshness of every site,
the links of those pages, their wording, and the replies of interaction columns.

Thin on purpose: it makes the requests and hands the pages to the plain functions of
``govcheck.extract``; what the observations mean is decided by the rules engine.

    scrapy crawl sites -a round=2024-1 [-a as_of=2024-02-20] [-a targets=site:名称,…]

Each page observation (home, column) carries what was read on that page: its links checked
(``links``), the hits of the serious-error word list (``serious_errors``) and of the misspelling
list (``misspellings``, when the profile checks 错别字; detail pages read keep theirs), on the home page
the links naming an interaction channel (``interaction_links``) and on 互动交流 columns the
messages (``messages``). Keeping them per page keeps every request self-contained, so the
round gives the same observations when several processes share its queue.

A site registered without columns is inspected through the columns its home page's
navigation links to (``discovered: true``), typed by their names.

A home page naming no interaction channel (only a section such as 政民互动, or nothing) of a
site without a 互动交流 column has the places where one may be read, most likely first, at most
GOVCHECK_CHANNEL_PAGES of them, until one is a channel (``channel_search``: the rules' proof of
absence; govcheck.extract.channel_search says what the places are and what a page shows).

A home page of a site examined on its guides (服务不实用 (2)) has the links named as guides on
the site's own domain read, from it and from its service entry pages, until the profile's
``websites.guides.sample_size`` read as guides or ``max_pages`` were read (``guides``; what a
guide shows is decided by govcheck.extract.guides).

Pages are read in a browser when their column is marked ``playwright`` or ``splash`` (Splash
when SPLASH_URL is set, through govcheck.splash; else Playwright), and when a list page's
HTML has no entries but loads them by script (Playwright). Every page read in a browser keeps
a full-page screenshot (govcheck.screenshots), referred to by its observation.

Links are checked once per URL per process (HEAD, then GET when HEAD fails; only the headers
are read), at most GOVCHECK_LINKS_PER_SITE distinct URLs per site; what an answer means is
decided by govcheck.extract.links.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from cryptography import x509
from playwright.async_api import Error as PlaywrightError
from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, StopDownload
from scrapy.http import Headers, Request, Response, TextResponse
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from govcheck.charset import DecodedPage, decode_page
from govcheck.config import SitesConfig, or_profile
from govcheck.extract.columns import discovered_column_type
from govcheck.extract.detail import extract_publish_date
from govcheck.extract.links import answered, is_outbound, link_outcome, reached_by_name
from govcheck.extract.browser_hints import depends_on_a_browser
from govcheck.extract.html import Document
from govcheck.extract.listing import ListEntry, ListPage
from govcheck.extract.navigation import NavigationEntry
from govcheck.extract.channel_search import Candidate, ChannelPage, combine_channel_pages, read_channel_page
from govcheck.extract.page import PageReading, channel_link_records, leaves_a_channel_to_find, misspelling_record, with_frames, word_list_hits
from govcheck.extract.bad_links import bad_link_record, find_bad_links
from govcheck.extract.guides import GuideLinks, find_guide_links, guide_record, link_place, read_guide
from govcheck.extract.marks import marks_record
from govcheck.extract.search import read_search_results, same_site, search_query, search_record, search_url
from govcheck.extract.services import service_record
from govcheck.extract.wording import MISSPELLINGS, Term, load_terms
from govcheck.fetch_errors import describe_error, describe_failure
from govcheck.items import ObservationItem
from govcheck.observations import HomeObservation, PageObservation
from govcheck.network import NetworkWitness
from govcheck.parsing import PageReader, PageReadFailed, pool_size
from govcheck.distributed import round_prefix
from govcheck.link_answers import LinkAnswers
from govcheck.politeness import HOLDS_HOST, REQUEST_KIND, download_now
from govcheck.rules import INTERACTION_TYPE, counts_against, guides_examined
from govcheck.policy_middleware import SAME_HOST_AS, SAME_SITE_AS, TAKEN_FROM_PAGE
from govcheck.screenshots import save_screenshot
from govcheck.spiders.base import RoundSpider
from govcheck.splash import PNG as SPLASH_PNG, page_url
from govcheck.store import StoreError, with_store_retries
from govcheck.targets import url_problem


# Error answers reach the callbacks (they are evidence); 3xx stay with the redirect middleware
# so that redirect loops end as such.
ERROR_STATUSES = list(range(400, 600))
# Priorities in the scheduler and in a host's queue: availability probes first, link checks
# last (the pages before them lead to more requests of the site); the rest 0.
PROBE_PRIORITY = 10
LINK_PRIORITY = -10
# Answers to HEAD that say the server does not do HEAD (not that the link is broken).
HEAD_REFUSED = (405, 501)


def unfetchable(problem: str) -> str:
    """The error of a page or probe not requested: a URL Scrapy cannot fetch would stop the
    whole round's start (its fingerprint raises), so it fails alone, before any request."""
    return f"not fetched: the URL is not valid ({problem})"


async def screenshot_or_none(page: Any) -> bytes | None:
    """A Playwright page method: the full-page screenshot, or None when the browser cannot take
    it (a screenshot is evidence; the page's HTML was read all the same)."""
    try:
        return await page.screenshot(full_page=True, type="png")
    except PlaywrightError:
        return None


async def frame_documents(page: Any) -> list[tuple[str, str | None]]:
    """A Playwright page method: ``(url, html)`` of each frame but the page's own, html None when
    the browser cannot give it. page.content() holds the main frame only, and a header or menu
    shown in an <iframe> is still part of the page a visitor sees."""
    documents: list[tuple[str, str | None]] = []
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        try:
            documents.append((frame.url, await frame.content()))
        except PlaywrightError:
            documents.append((frame.url, None))
    return documents


def page_text(response: Response) -> DecodedPage | None:
    """A fetched page's text as a browser in zh-CN reads it (govcheck.charset: declared
    charset, then UTF-8, then GB18030, not Scrapy's guess); None when the answer is no text (a
    document, an image). A page rendered in a browser comes decoded by the browser: its text."""
    if not isinstance(response, TextResponse):
        return None
    if response.meta.get("rendered") or response.meta.get("playwright"):
        return DecodedPage(response.text, response.encoding, "browser")
    return decode_page(response.body, response.headers.get("Content-Type"))


def page_method_result(response: Response, function: Any) -> Any:
    """What one of our Playwright page methods returned for this response (None when not run)."""
    for method in response.meta.get("playwright_page_methods") or ():
        if isinstance(method, PageMethod) and method.method is function:
            return method.result
    return None


def shows_a_channel(site: dict[str, Any], reading: PageReading, discovered: Sequence[dict[str, Any]]) -> bool:
    """Whether a site's home page, as read, leaves it an interaction channel or a possible one:
    a registered or discovered 互动交流 column, a link naming a channel, or one that may be a
    channel but could not be read."""
    columns = [*(site.get("columns") or []), *discovered]
    return (
        any(c.get("type") == INTERACTION_TYPE for c in columns)
        or bool(reading.interaction_links)
        or bool(reading.interaction_unresolved)
        or bool(reading.channel_search and (reading.channel_search.platforms or reading.channel_search.shows))
    )


def certificate_record(response: Response, host: str, now: datetime) -> dict[str, Any] | None:
    """What the TLS certificate of an https answer says: its subject and issuer, the names it
    covers and whether the host is among them, its validity, and whether it signs itself. Not a
    chain verification (Scrapy verifies nothing and shows no intermediates): evidence only."""
    certificate = getattr(response, "certificate", None)
    if certificate is None:
        return None
    cert = certificate.original.to_cryptography()
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    addresses = []
    try:
        addresses = [str(a) for a in cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    covered = [*names, *addresses]
    host = host.lower()
    names_host = any(host == n.lower() or (n.startswith("*.") and host.split(".", 1)[-1] == n[2:].lower()) for n in covered)
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "names": covered,
        "names_host": names_host,
        "not_after": cert.not_valid_after_utc,
        "expired": cert.not_valid_after_utc < now,
        "self_signed": cert.issuer == cert.subject,
        "verified": False,  # not verified against a trust store (see the docstring)
    }


def rendered_png(response: Response) -> bytes | None:
    """The screenshot taken while rendering the page: Splash's (render.json png=1) or Playwright's."""
    if response.meta.get("renderer") == "splash":
        return response.meta.get(SPLASH_PNG)
    return page_method_result(response, screenshot_or_none)


class SitesSpider(RoundSpider):
    name = "sites"
    target_kind = "site"

    # A site's probes of the round follow one another (follow_probe); the probes job makes one a run.
    spaces_probes = True

    @cached_property
    def config(self) -> SitesConfig:
        """The spider's settings, read once (govcheck.config)."""
        return SitesConfig.from_settings(self.settings)

    async def start(self) -> AsyncIterator[Any]:
        sites = self.load_targets()
        self.prepare_probes()
        self.prepare_page_checks()
        self.logger.info(
            "%d sites, %d probes each, %.1f s apart, as of %s", len(sites), self.probe_count, self.probe_interval, self.as_of
        )
        for site in sites:
            first = self.probe_request(site, 1)
            yield first
            if not isinstance(first, scrapy.Request):  # the URL cannot be fetched: no visit to space
                for number in range(2, self.probe_count + 1):
                    yield self.probe_request(site, number)
            yield self.page_request(site, site["url"], kind="home", key="home")
            for column in site.get("columns") or []:
                yield self.page_request(site, column["url"], kind="column", key=column["name"], column=column)

    # -- availability ------------------------------------------------------------------

    def prepare_probes(self) -> None:
        """The probes' timeout and spacing, and the witness of our own network for those that fail."""
        availability = self.profile.section("websites", "availability")
        self.probe_timeout = or_profile(self.config.probe_timeout, availability["probe_timeout_seconds"])
        self.probe_count = int(availability["probe_count"])
        self.probe_interval = or_profile(self.config.probe_interval, self.profile.probe_interval_seconds)
        self.network = NetworkWitness(self.crawler, self.now)
        self.crawler.signals.connect(self.stop_link_download, signal=signals.headers_received)  # probes read headers only
        self.waiting_probes: set[asyncio.Task[None]] = set()
        self.crawler.signals.connect(self.wait_for_probes, signal=signals.spider_idle)
        self.crawler.signals.connect(self.drop_waiting_probes, signal=signals.spider_closed)

    def follow_probe(self, meta: dict[str, Any]) -> None:
        """Asks for a site's next probe of the round ``probe_interval`` seconds after this one's
        answer (or failure): each failed visit then comes at least that long after the one before,
        so that a site down all along covers the profile's span (probe_span_seconds), whatever the
        requests waited in our queue. The process that read the answer asks, which holds in a
        round shared by several processes too (the request goes to the shared queue)."""
        number = meta["probe"]
        if not self.spaces_probes or not isinstance(number, int) or number >= self.probe_count:
            return
        task = asyncio.ensure_future(self.probe_later(self.targets[meta["target_key"]], number + 1))
        self.waiting_probes.add(task)
        task.add_done_callback(self.waiting_probes.discard)

    async def probe_later(self, site: dict[str, Any], number: int) -> None:
        await asyncio.sleep(self.probe_interval)
        request = self.probe_request(site, number)
        assert isinstance(request, Request)  # its URL was fetched for the probe before
        self.crawler.engine.crawl(request)

    def wait_for_probes(self) -> None:
        """Keeps the crawl open while a probe waits for its time (Scrapy's spider_idle)."""
        if self.waiting_probes:
            raise DontCloseSpider

    def drop_waiting_probes(self) -> None:
        for task in list(self.waiting_probes):
            task.cancel()

    def probe_request(self, site: dict[str, Any], number: int | str) -> scrapy.Request | ObservationItem:
        meta = {
            "target_key": site["key"],
            "probe": number,
            "started_at": self.now(),
            "download_timeout": self.probe_timeout,
            "dont_retry": True,  # each probe is one visit, as the indicator counts them
            "handle_httpstatus_list": ERROR_STATUSES,
            REQUEST_KIND: "probe",
        }
        problem = url_problem(site["url"])
        if problem:  # our register's fault, not the site's: no visit (ok None), with why
            return self.probe_observation(meta, ok=None, status=None, error=unfetchable(problem))
        # Probes go first, in the scheduler and in their host's queue: a visit is made when it is
        # due, not after the pages queued for the same host.
        return scrapy.Request(
            site["url"], callback=self.parse_probe, errback=self.probe_failed, dont_filter=True, meta=meta, priority=PROBE_PRIORITY
        )

    def parse_probe(self, response: Response) -> ObservationItem:
        self.follow_probe(response.meta)
        status = response.status
        if 200 <= status < 300:
            return self.probe_observation(response.meta, ok=True, status=status, error="")
        if link_outcome(status, "", True) == "unchecked":
            # A login wall, a crawler block, a rate limit or an anti-crawler challenge (a 4xx other
            # than 404/410, a non-standard 5xx such as 521; read as for links): the server answered
            # us, not a visitor, so this is no visit (ok None), never an outage.
            return self.probe_observation(
                response.meta, ok=None, status=status,
                error=f"HTTP {status}: refused to the crawler (login wall, crawler block, rate limit or challenge), not counted as a visit",
            )
        return self.probe_observation(response.meta, ok=False, status=status, error=f"HTTP {status}")

    async def probe_failed(self, failure: Failure) -> AsyncIterator[ObservationItem]:
        """No answer: a failed visit if another server answered us meanwhile, else no visit (our
        own network may have been down; govcheck.network)."""
        failed_at = self.now()  # the visit's moment, not the end of the wait for a witness
        request: Request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
        self.follow_probe(request.meta)
        error = describe_failure(failure)
        # A timeout came after exactly the probe's timeout on the wire (the time since the request
        # was made would add its wait in our own queue).
        on_wire = self.probe_timeout if error == "timeout" else None
        witness = await self.network.witness(on_wire or 0, request.url)
        meta = request.meta
        if witness is None:
            why = f"{error}; no server answered us around that moment (our own network may have been down): not counted as a visit"
            yield self.probe_observation(meta, ok=None, status=None, error=why, fetched_at=failed_at, on_wire=on_wire)
        else:
            yield self.probe_observation(
                meta, ok=False, status=None, error=error, fetched_at=failed_at, on_wire=on_wire, network_witness=witness
            )

    def probe_observation(
        self, meta: dict[str, Any], ok: bool | None, status: int | None, error: str,
        fetched_at: datetime | None = None, on_wire: float | None = None, **evidence: Any,
    ) -> ObservationItem:
        fetched_at = fetched_at or self.now()
        if on_wire is None:
            # Scrapy's download latency when there was an answer: the time since the request was made
            # includes its wait in our own queue, which is not the site's slowness.
            on_wire = meta.get("download_latency", (fetched_at - meta["started_at"]).total_seconds())
        return self.observation(
            meta["target_key"],
            "probe",
            f"probe-{meta['probe']}",
            url=self.targets[meta["target_key"]]["url"],
            fetched_at=fetched_at,
            ok=ok,
            status=status,
            error=error,
            elapsed_ms=round(on_wire * 1000),
            timeout_seconds=self.probe_timeout,
            **evidence,
        )

    # -- home page and columns --------------------------------------------------------

    def page_request(
        self,
        site: dict[str, Any],
        url: str,
        kind: str,
        key: str,
        column: dict[str, Any] | None = None,
        rendered: bool = False,
        read_as_fetched: ObservationItem | None = None,
        first_page: PageObservation | None = None,
    ) -> scrapy.Request | ObservationItem:
        """The request of a home or column page. ``read_as_fetched``: the observation of the
        page's HTML as fetched, kept when this rendering of it fails (see unread_page).
        ``first_page``: this is the last page of a column listed old to new, whose first page
        is that observation (see with_last_page)."""
        render = rendered or bool(column and column.get("render"))
        meta: dict[str, Any] = {
            "target_key": site["key"],
            "kind": kind,
            "key": key,
            "column": column,
            "rendered": render,
            "handle_httpstatus_list": ERROR_STATUSES,
            "read_as_fetched": read_as_fetched,
            "first_page": first_page,
            TAKEN_FROM_PAGE: first_page is not None or bool(column and column.get("discovered")),
            SAME_HOST_AS: first_page.url if first_page is not None else None,  # a last page stays on its list's host
            REQUEST_KIND: "render" if render else "page",
        }
        problem = url_problem(url)
        if problem:
            return self.page_observation(meta, url, status=None, state="failed", error=unfetchable(problem))
        if render:
            meta.update(self.rendering(column))
            if rendered and kind == "home":
                # the site's other pages do not wait for a render's links (the scheduler may hold it)
                self.link_book.home_links_given(site["key"])
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.page_failed, dont_filter=True, meta=meta
        )

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        if meta["rendered"]:
            meta["screenshot"] = await self.keep_screenshot(meta, response)
        if not 200 <= response.status < 300:
            yield self.unread_page(meta, response.url, state="failed", status=response.status, error=f"HTTP {response.status}")
            return
        decoded = page_text(response)
        if decoded is None:
            yield self.unread_page(meta, response.url, state="unparsed", status=response.status, error="not an HTML page")
            return
        html = decoded.text
        frames = page_method_result(response, frame_documents) or []  # rendered pages only
        if len(html) + sum(len(frame or "") for _, frame in frames) > self.max_parse_chars:
            # a rendered DOM is bounded by nothing else (DOWNLOAD_MAXSIZE bounds what is fetched)
            yield self.unread_page(meta, response.url, state="failed", status=response.status, error="too_large")
            return
        column = meta["column"] or {}
        site = self.targets[meta["target_key"]]
        # Registered without columns: inspect those the home page's navigation links to.
        discover = meta["kind"] == "home" and not site.get("columns")
        try:
            reading = await self.page_reader.read(
                html,
                response.url,
                self.as_of,
                self.now(),
                selector=column.get("selector") or None,
                home=meta["kind"] == "home",
                interaction_column=meta["kind"] == "column" and column.get("type") == INTERACTION_TYPE,
                navigation=discover,
                platform_hosts=self.platform_hosts,
                portal_hosts=self.portal_hosts or (),
            )
        except PageReadFailed as failed:  # ours, never the site's: the page is reviewed with why
            yield self.unread_page(meta, response.url, state="failed", status=response.status, error=str(failed))
            return
        reading = with_frames(
            reading, frames, site["url"], self.as_of, home=meta["kind"] == "home", platform_hosts=self.platform_hosts, portal_hosts=self.portal_hosts or ()
        )
        page = reading.page
        if meta["first_page"] is not None:
            yield self.with_last_page(meta, response.url, page)
            return
        if page.state == "unparsed" and not meta["rendered"] and reading.list_needs_a_browser:
            # The list is filled by script or shown in a frame: fetch it again in a real browser.
            yield self.page_request(site, response.url, meta["kind"], meta["key"], column or None, rendered=True)
            return
        fetched = meta["read_as_fetched"]
        if fetched is not None and page.state != "entries" and not (page.state == fetched.state == "empty"):
            # the browser showed less than the HTML as fetched (an error page, an empty shell); a
            # blank column that the browser shows blank too is blank
            why = f"rendered page: {page.state}" + (f" ({page.reason})" if page.reason else "")
            yield self.unread_page(meta, response.url, page.state, response.status, why)
            return
        discovered = self.discovered_columns(reading.navigation) if discover else []
        read = self.page_reading(meta, reading)
        if decoded.how != "browser":
            read["charset"] = {"encoding": decoded.encoding, "how": decoded.how}
        if discover:
            read["discovered_columns"] = len(discovered)
        read["links"] = await self.check_links(site, reading.links, home=meta["kind"] == "home")
        details = None
        if page.state == "entries" and page.newest is None:
            # The list shows no dates: read them where an inspector would, on the detail pages.
            details = await self.read_detail_dates(page.entries, response.url)
        observation = self.page_observation(meta, response.url, status=response.status, page=page, details=details, read=read)
        if reading.more_pages is not None:
            # The list runs from old to new over more pages: this page may not show the newest
            # entries. Old on this one, they are read on the last page when a link names it.
            stale_here = self.page_counts_against(site, observation) == "stale"
            last_page = reading.more_pages.last_page_url
            observation.more_pages = {"says": reading.more_pages.says, "last_page_url": last_page}
            if stale_here and last_page and last_page != response.url:
                yield self.page_request(site, last_page, "column", meta["key"], column or None, first_page=observation)
                return
        if isinstance(observation, HomeObservation) and self.needs_a_channel_search(site, reading, discovered):
            # No channel named: "none" fails the site only once every place where one may be was
            # read and understood (govcheck.extract.channel_search, the rules' proof of absence).
            observation.channel_search = await self.search_for_a_channel(response.url, reading)
        if isinstance(observation, HomeObservation) and self.checks_design:
            # 功能设计: HTTPS and a search, once per home page (a rendering keeps what the HTML as
            # fetched answered, and searches again only when the HTML showed no search)
            fetched = meta["read_as_fetched"]
            observation.https = fetched.https if isinstance(fetched, HomeObservation) and fetched.https else await self.try_https(response)
            if isinstance(fetched, HomeObservation) and fetched.search and fetched.search.get("kind") != "none":
                observation.search = fetched.search
            elif reading.search is not None:
                observation.search = await self.try_search(site, response.url, reading)
        if isinstance(observation, HomeObservation) and guides_examined(site, self.profile):
            # read once: a rendering of the home page keeps what its HTML as fetched led to
            fetched_guides = meta["read_as_fetched"].guides if meta["read_as_fetched"] is not None else None
            observation.guides = fetched_guides or await self.read_guides(response.url, reading)
        if not meta["rendered"] and self.may_show_more_in_a_browser(meta, site, reading, discovered, observation):
            # What fails the site as fetched (no channel, no columns, old dates) may be written by
            # script: look again at the page as a browser shows it first. Should the browser fail,
            # this reading stands.
            yield self.page_request(site, response.url, meta["kind"], meta["key"], column or None, rendered=True, read_as_fetched=observation)
            return
        for found in discovered:
            yield self.page_request(site, found["url"], "column", found["name"], found)
        yield observation

    def may_show_more_in_a_browser(
        self,
        meta: dict[str, Any],
        site: dict[str, Any],
        reading: PageReading,
        discovered: Sequence[dict[str, Any]],
        observation: PageObservation,
    ) -> bool:
        """Whether a page read as fetched counts against its site where a browser may show more.

        A home page: no interaction channel shown or proven by a page reached from it (互动回应差
        would veto; a section such as 政民互动 whose page shows none proves nothing) or no column
        in the navigation of a site registered without columns (nothing to check); menus are
        often written by script. A home page with only old dates (首页不更新), a stale column (栏目不更新) or a blank
        one (空白栏目), when the page runs scripts or shows frames: its news may be written by a
        script file or shown in an <iframe>, which leave no other sign in the HTML, and its
        暂无信息 may be a placeholder that its scripts hide once they have filled the list.
        """
        state = reading.page.state
        if isinstance(observation, HomeObservation):
            if state != "entries":
                return False
            registered_without_columns = not site.get("columns")
            search = observation.channel_search
            proven = any(page["outcome"] == "channel" for page in search["pages"]) if search else False
            if not proven and (search is not None or not shows_a_channel(site, reading, discovered)):
                return True
            if registered_without_columns and not discovered:
                return True
            counts = self.page_counts_against(site, observation)
            if counts == "no service":
                return True  # 服务不实用 would veto: a service menu is often written by script
            return counts == "stale" and reading.depends_on_a_browser
        return self.page_counts_against(site, observation) is not None and reading.depends_on_a_browser

    def page_counts_against(self, site: dict[str, Any], observation: PageObservation) -> str | None:
        """Whether this reading of a page counts against its site (stale or blank), by the round's own rules."""
        return counts_against(site, observation, self.as_of, self.profile)

    # -- rendering JavaScript pages -----------------------------------------------------

    def rendering(self, column: dict[str, Any] | None) -> dict[str, Any]:
        """Request meta that renders a page in a browser and takes a full-page screenshot: Splash
        for columns marked splash when SPLASH_URL is set (govcheck.splash), else Playwright."""
        if (column or {}).get("render") == "splash" and self.config.splash_url:
            arguments = {"html": 1, "png": 1, "history": 1, "render_all": 1, "wait": self.config.splash_wait}
            return {"renderer": "splash", "splash": {"endpoint": "render.json", "args": arguments}, HOLDS_HOST: True}
        return {
            "renderer": "playwright",
            "playwright": True,
            HOLDS_HOST: True,  # a browser loads the page and what it pulls from its host
            # Lists are filled by XHR after the load event: wait until the network is quiet.
            "playwright_page_methods": [
                PageMethod("wait_for_load_state", "networkidle"),
                PageMethod(screenshot_or_none),
                PageMethod(frame_documents),
            ],
        }

    async def keep_screenshot(self, meta: dict[str, Any], response: Response) -> dict[str, Any] | None:
        """Stores the rendered page's screenshot (one per round and page) and returns its reference."""
        png = rendered_png(response)
        if not png:
            return None
        store, taken_at = self.store, self.now()
        what = f"storing the screenshot of {meta['target_key']} {meta['key']}"
        try:
            return await with_store_retries(
                store,
                lambda: save_screenshot(store, self.round_id, meta["target_key"], meta["kind"], meta["key"], png, taken_at),
                what,
                self.config.store.retry_seconds,
            )
        except (StoreError, PyMongoError, OSError, ValueError) as error:  # the page was read all the same
            self.logger.error("%s failed: %s", what, error)
            return None

    # -- what else a page shows: wording, interaction, discovered columns ---------------

    def prepare_page_checks(self) -> None:
        """Settings of the per-page checks, the word list, and the link-check bookkeeping."""
        self.terms, self.word_list = load_terms(self.config.serious_errors_file)
        # 错别字 is read only for a profile that checks it (websites.misspellings)
        self.misspellings: tuple[Term, ...] | None = None
        self.misspelling_list = ""
        if "misspellings" in self.profile.section("websites"):
            self.misspellings, self.misspelling_list = load_terms(self.config.misspellings_file, MISSPELLINGS)
        processes = pool_size(self.config.parse_processes, len(self.targets), self.config.parse_pool_min_sites)
        self.page_reader = PageReader(self.terms, processes, self.misspellings)
        if processes:
            self.logger.info("page-reading workers: %d", processes)
        self.crawler.signals.connect(self.page_reader.close, signal=signals.spider_closed)
        self.links_per_site = int(or_profile(self.config.links_per_site, self.profile.section("websites", "links")["checked_per_site"]))
        self.max_parse_chars = self.config.max_parse_chars
        self.platform_hosts = tuple(self.profile.section("websites", "interaction").get("platform_hosts") or ())
        services = self.profile.section("websites").get("services")
        # None: the profile does not check 服务不实用 (a copy made before it)
        self.portal_hosts = tuple(services.get("portal_hosts") or ()) if services else None
        self.channel_pages = self.config.channel_pages
        # 功能设计 (search, HTTPS) is checked when the profile scores it (govcheck.rules.design)
        self.checks_design = "design" in self.profile.section("websites")
        self.https_port = self.config.https_port
        self.check_outbound = self.config.check_outbound_links
        self.link_timeout = self.config.link_timeout
        self.link_book = LinkAnswers(self.now, self.config.page_wait, self.config.redis_url, round_prefix(self.name, self.round_id))
        self.crawler.signals.connect(self.link_book.drain, signal=signals.spider_closed)
        # the registered pages of each site: their own observations answer the links to them
        self.registered_pages = {
            key: {url for url in [site["url"], *(c["url"] for c in site.get("columns") or [])] if not url_problem(url)}
            for key, site in self.targets.items()
        }
        self.head_answers: dict[str, asyncio.Future[bool]] = {}  # host → whether it answers HEAD (not 405/501)
        self.crawler.signals.connect(self.stop_link_download, signal=signals.headers_received)
        self.crawler.signals.connect(self.page_on_its_way, signal=signals.request_reached_downloader)
        self.crawler.signals.connect(self.page_answered, signal=signals.response_received)
        for settled in (signals.item_scraped, signals.item_dropped, signals.item_error):
            self.crawler.signals.connect(self.home_page_settled, signal=settled)

    def run_notes(self) -> list[str]:
        """What the run's record says of this crawl besides its end: page-reading workers that died."""
        return self.page_reader.notes() if hasattr(self, "page_reader") else []

    def page_reading(self, meta: dict[str, Any], reading: PageReading) -> dict[str, Any]:
        """What a read page shows besides its list: wording errors, interaction links or messages."""
        read: dict[str, Any] = {
            "serious_errors": [
                {"wrong": h.wrong, "right": h.right, "snippet": h.snippet, "hidden": h.hidden} for h in reading.serious_errors
            ],
            "word_list": self.word_list,
            "bad_links": [bad_link_record(link) for link in reading.bad_links],
        }
        if reading.misspellings is not None:
            read.update(misspellings=misspelling_record(reading.misspellings), misspelling_list=self.misspelling_list)
        if meta["kind"] == "home":
            read["interaction_links"] = channel_link_records(reading)
            read["interaction_unresolved"] = [{"name": name, "target": target, "why": why} for name, target, why in reading.interaction_unresolved]
            if reading.marks is not None:
                read["marks"] = marks_record(reading.marks)
            if reading.services is not None:
                read["services"] = service_record(reading.services)
        listed = reading.messages
        if listed is not None:
            messages = [
                {
                    "title": m.title, "url": m.url, "asked": m.asked, "asked_text": m.asked_text,
                    "answered": m.answered, "answered_text": m.answered_text, "status": m.status,
                    "replied": m.replied, "invalid": m.invalid,
                }
                for m in listed.messages
            ]
            read.update(messages_state=listed.state, messages=messages)
        return read

    def discovered_columns(self, navigation: Sequence[NavigationEntry]) -> list[dict[str, Any]]:
        """Columns of the home page's navigation as targets-file columns, typed by their names
        where those leave no doubt and the column is first-level (govcheck.extract.columns)."""
        limit = self.config.discovered_columns
        columns: list[dict[str, Any]] = []
        names: set[str] = set()
        for entry in navigation[:limit]:
            key, number = entry.name, 1
            while key in names:  # two menu entries of one name: keys stay distinct
                number += 1
                key = f"{entry.name}({number})"
            names.add(key)
            column_type, guess = discovered_column_type(entry)
            columns.append({
                "name": key, "url": entry.url, "type": column_type, "render": "", "selector": "", "discovered": True,
                "type_guess": guess, "first_level": entry.first_level,
            })
        return columns

    # -- 办事指南要素: a sample of the site's guides -----------------------------------------

    async def read_guides(self, home_url: str, reading: PageReading) -> dict[str, Any]:
        """The home page's ``guides``: the links to guides on the site's own domain (of the home
        page, its service entry pages, and the pages read from them) read in order until
        ``sample_size`` read as guides or ``max_pages`` were read; those elsewhere listed."""
        rules = self.profile.section("websites", "guides")
        record: dict[str, Any] = {
            "links": [], "elsewhere": [], "pages": [], "guides": [],
            "sample_size": int(rules["sample_size"]), "max_pages": int(rules["max_pages"]),
        }
        queue: list[dict[str, Any]] = []
        self.note_guide_links(record, queue, reading.guide_links or GuideLinks((), ()), home_url)
        for entry in reading.services.entries if reading.services is not None else ():
            if not entry.url:
                continue  # only a script opens it
            where, _ = link_place(entry.url, home_url, self.portal_hosts or ())
            if where == "own":  # a service entry page on the site: its guides are linked there
                queue.append({"name": entry.name, "url": entry.url, "why": "service entry", "found_on": home_url})
            else:
                record["elsewhere"].append({"name": entry.name, "url": entry.url, "where": f"service entry, {where}", "found_on": home_url})
        seen = {home_url}
        while queue and len(record["pages"]) < record["max_pages"] and len(record["guides"]) < record["sample_size"]:
            candidate = queue.pop(0)
            if candidate["url"] in seen:
                continue
            seen.add(candidate["url"])
            record["pages"].append(await self.read_guide_page(candidate, home_url, record, queue))
        record["pages"] += [{**c, "outcome": "not read"} for c in queue if c["url"] not in seen and c["why"] == "guide link"]
        return record

    def note_guide_links(self, record: dict[str, Any], queue: list[dict[str, Any]], links: GuideLinks, found_on: str) -> None:
        known = {link["url"] for link in (*record["links"], *record["elsewhere"])}
        for link in links.own:
            if link.url not in known:
                record["links"].append({"name": link.name, "url": link.url, "found_on": found_on})
                queue.append({"name": link.name, "url": link.url, "why": "guide link", "found_on": found_on})
        for link in links.elsewhere:
            if link.url not in known:
                record["elsewhere"].append({"name": link.name, "url": link.url, "where": link.where, "found_on": found_on})

    async def read_guide_page(self, candidate: dict[str, Any], home_url: str, record: dict[str, Any], queue: list[dict[str, Any]]) -> dict[str, Any]:
        """One page read for guides: a guide (its classes recorded), or a page whose links named
        as guides are read next; a page on another registrable domain is not requested."""
        page = dict(candidate)
        meta = {TAKEN_FROM_PAGE: True, SAME_SITE_AS: home_url, REQUEST_KIND: "detail", "handle_httpstatus_list": ERROR_STATUSES}
        try:
            response = await download_now(self.crawler, scrapy.Request(candidate["url"], dont_filter=True, meta=meta))
        except Exception as error:  # our failure to read it proves nothing
            return {**page, "fetched_at": self.now(), "outcome": "failed", "error": describe_error(error)}
        page.update(page_url=response.url, fetched_at=self.now(), status=response.status)
        if not 200 <= response.status < 300:
            return {**page, "outcome": "failed", "error": f"HTTP {response.status}"}
        decoded = page_text(response)
        if decoded is None:
            return {**page, "outcome": "not a page", "error": "not an HTML page"}
        document = Document(decoded.text)
        guide = read_guide(document)
        if guide.is_a_guide(int(self.profile.section("websites", "guides")["min_elements"])):
            record["guides"].append({**guide_record(response.url, guide), "fetched_at": page["fetched_at"]})
            page["outcome"] = "guide"
        else:
            page.update(outcome="not a guide", labelled=list(guide.labelled))
        self.note_guide_links(record, queue, find_guide_links(document, response.url, site_url=home_url, portal_hosts=self.portal_hosts or ()), response.url)
        return page

    # -- looking for an interaction channel the home page does not name ------------------

    def needs_a_channel_search(self, site: dict[str, Any], reading: PageReading, discovered: Sequence[dict[str, Any]]) -> bool:
        """Whether the home page, as finally read, leaves the site without a channel it names:
        no 互动交流 column (the rules judge its messages instead), no link naming a channel or to
        a known platform (a section such as 政民互动 is not yet one), no message form on it."""
        columns = [*(site.get("columns") or []), *discovered]
        return leaves_a_channel_to_find(reading) and not any(c.get("type") == INTERACTION_TYPE for c in columns)

    async def search_for_a_channel(self, home_url: str, reading: PageReading) -> dict[str, Any]:
        """The ``channel_search`` of a home page naming no channel: its navigation as recognised,
        and each place where a channel may be, read in order (most likely first), until one is a
        channel or GOVCHECK_CHANNEL_PAGES were read; the rest are listed as not read."""
        search = reading.channel_search
        assert search is not None
        record: dict[str, Any] = {
            "navigation": [{"name": e.name, "url": e.url, "kind": e.kind} for e in search.navigation],
            "pages": [],
            "candidates": len(search.candidates),
            "budget": self.channel_pages,
        }
        if search.shows:  # the home page itself shows a message form or messages
            shown = {"name": "首页", "url": home_url, "why": "home", "page_url": home_url, "fetched_at": self.now()}
            record["pages"].append({**shown, "outcome": "channel", "shows": list(search.shows)})
            return record
        known = frozenset(reading.links)
        for candidate in search.candidates[: self.channel_pages]:
            page = await self.read_channel_candidate(candidate, known)
            record["pages"].append(page)
            if page["outcome"] == "channel":
                return record
        for candidate in search.candidates[self.channel_pages:]:
            record["pages"].append({"name": candidate.name, "url": candidate.url, "why": candidate.why, "script": candidate.script, "outcome": "not read"})
        return record

    async def read_channel_candidate(self, candidate: Candidate, known: frozenset[str]) -> dict[str, Any]:
        """One place where a channel may be, read (in Chromium too when it runs scripts or shows a
        frame and shows no channel as fetched): what it is, with the page read and why."""
        record: dict[str, Any] = {"name": candidate.name, "url": candidate.url, "why": candidate.why}
        if not candidate.url:
            why = "区块为空，由脚本填充，无法读取" if candidate.why == "empty block" else "只能由脚本打开，无法读取"
            return {**record, "script": candidate.script, "outcome": "unclear", "shows": [why]}
        request = scrapy.Request(candidate.url, dont_filter=True, meta={"handle_httpstatus_list": ERROR_STATUSES, TAKEN_FROM_PAGE: True})
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as error:  # our failure to read it proves nothing
            return {**record, "fetched_at": self.now(), "outcome": "failed", "error": describe_error(error)}
        record.update(page_url=response.url, fetched_at=self.now(), status=response.status, method="generic")
        if not 200 <= response.status < 300:
            return {**record, "outcome": "failed", "error": f"HTTP {response.status}"}
        decoded = page_text(response)
        if decoded is None:  # a document, an image: no page a channel is on
            kind = (response.headers.get("Content-Type") or b"").decode("latin-1") or "no content type"
            return {**record, "outcome": "none", "shows": [f"不是网页（{kind}）"]}
        document = Document(decoded.text)  # parsed once for every reader
        record["bad_links"] = [bad_link_record(link) for link in find_bad_links(document, response.url)]
        seen = self.channel_page(document, response.url, candidate, known)
        if seen.outcome != "channel" and depends_on_a_browser(document):
            rendered = await self.rendered_channel_page(response.url, candidate, known)
            if isinstance(rendered, str):
                return {**record, "outcome": "failed", "error": f"rendered: {rendered}", "as_fetched": {"outcome": seen.outcome, "shows": list(seen.shows)}}
            record["method"], seen = "rendered", rendered
        return {**record, "outcome": seen.outcome, "shows": list(seen.shows)}

    def channel_page(self, page: Document | str, url: str, candidate: Candidate, known: frozenset[str]) -> ChannelPage:
        return read_channel_page(
            page, url, self.now(), whole_page=candidate.whole_page, known_urls=known, platform_hosts=self.platform_hosts
        )

    async def rendered_channel_page(self, url: str, candidate: Candidate, known: frozenset[str]) -> ChannelPage | str:
        """The page as a browser shows it, frames included; the error when the browser failed."""
        meta = {
            "handle_httpstatus_list": ERROR_STATUSES,
            TAKEN_FROM_PAGE: True,
            "playwright": True,
            "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle"), PageMethod(frame_documents)],
        }
        try:
            response = await self.crawler.engine.download_async(scrapy.Request(url, dont_filter=True, meta=meta))
            html = response.text
        except Exception as error:
            return describe_error(error)
        if not 200 <= response.status < 300:
            return f"HTTP {response.status}"
        documents = [(response.url, html), *(page_method_result(response, frame_documents) or [])]
        return combine_channel_pages(
            [
                self.channel_page(document, frame_url, candidate, known) if document is not None else ChannelPage("unclear", (f"内嵌页面无法读取：{frame_url}",))
                for frame_url, document in documents
                if frame_url.lower().startswith(("http://", "https://"))
            ]
        )

    # -- 功能设计: HTTPS and the site search ---------------------------------------------

    async def try_https(self, home: Response) -> dict[str, Any]:
        """The home page's host asked for over https:// (the home page itself when it was
        answered over https): its answer or error, and the certificate it showed. Scrapy does not
        verify certificates; what a browser's warning would rest on is recorded, never judged."""
        parts = urlsplit(home.url)
        if parts.scheme == "https":
            return {"url": home.url, "status": home.status, "error": "", "final_url": home.url, "fetched_at": self.now(),
                    "home_page": True, "certificate": certificate_record(home, parts.hostname or "", self.now())}
        port = f":{self.https_port}" if self.https_port else ""
        url = urlunsplit(("https", f"{parts.hostname}{port}", parts.path or "/", parts.query, ""))
        request = scrapy.Request(url, dont_filter=True, meta={"handle_httpstatus_list": ERROR_STATUSES})
        try:
            response = await download_now(self.crawler, request)
        except Exception as error:  # refused, a TLS failure, or our timeout: the rules tell them apart
            return {"url": url, "status": None, "error": describe_error(error), "final_url": "", "fetched_at": self.now()}
        return {"url": url, "status": response.status, "error": "", "final_url": response.url, "fetched_at": self.now(),
                "certificate": certificate_record(response, parts.hostname or "", self.now())}

    async def try_search(self, site: dict[str, Any], home_url: str, reading: PageReading) -> dict[str, Any]:
        """The home page's site search, and one query submitted through it: the title of the
        newest entry the home page shows (else the site's name) (govcheck.extract.search)."""
        assert reading.search is not None
        record = search_record(reading.search)
        if reading.search.kind not in ("form", "link"):
            return record
        titles = [e.title for e in sorted(reading.page.entries, key=lambda e: e.date is None)]
        query = search_query(titles, site.get("name", ""))
        record.update(query=query, from_entry=query != site.get("name", "").strip(), result_url=search_url(reading.search, query))
        if not same_site(reading.search.url, home_url):
            return {**record, "error": "another host"}
        request = scrapy.Request(
            record["result_url"], dont_filter=True,
            meta={"handle_httpstatus_list": ERROR_STATUSES, TAKEN_FROM_PAGE: True, SAME_SITE_AS: home_url},
        )
        try:
            response = await download_now(self.crawler, request)
        except Exception as error:  # our failure to search proves nothing
            return {**record, "status": None, "error": describe_error(error), "fetched_at": self.now()}
        record.update(status=response.status, result_url=response.url, fetched_at=self.now(), error="")
        decoded = page_text(response)
        if not 200 <= response.status < 300 or decoded is None:
            return {**record, "error": f"HTTP {response.status}" if decoded is not None else "not an HTML page"}
        found = read_search_results(decoded.text, response.url, query, self.as_of)
        return {**record, "results": found.results, "matched": found.matched, "needs_a_browser": found.needs_a_browser}

    # -- links ------------------------------------------------------------------------

    async def check_links(self, site: dict[str, Any], links: Sequence[str], home: bool = False) -> dict[str, Any]:
        """The page's links checked: how many, and the broken and unchecked ones with their answers.

        Links to the site's registered pages are answered by those pages' own observations (in
        the rules: ``pages``); links the round answers anyway (a page it fetched, another site's
        check) without a request; the others get one within the site's budget
        (websites.links.checked_per_site: so many of the site's own host, and so many of other
        hosts), the home page's first (the indicator names them first)."""
        registered = self.registered_pages.get(site["key"], set())
        pages = list(dict.fromkeys(link for link in links if link in registered))
        wanted = [link for link in links if link not in registered and (self.check_outbound or not is_outbound(link, site["url"]))]
        if not home:
            await self.link_book.wait_for_home_links(site["key"], site["url"])
        # The budget is our load on the site's host; links to other hosts have one of the same
        # size (most of them are shared portals, answered once for every site).
        own_checks = set()
        for outbound in (False, True):
            group = [link for link in wanted if is_outbound(link, site["url"]) == outbound]
            budget_of = f"{site['key']}:outbound" if outbound else site["key"]
            own_checks.update(await self.link_book.give(budget_of, group, self.links_per_site))
        if home:
            self.link_book.home_links_given(site["key"])
        chosen = [link for link in wanted if link in own_checks or self.link_book.known(link)]
        answers = await asyncio.gather(*(self.link_book.answer(link, self.fetch_link_answer) for link in chosen))
        resolver_proven = reached_by_name(site["url"])
        broken: list[dict[str, Any]] = []
        unchecked: list[dict[str, Any]] = []
        for link, (status, error, checked_at) in zip(chosen, answers):
            outcome = link_outcome(status, error, resolver_proven)
            if outcome != "ok":
                record = {"url": link, "status": status, "error": error, "outbound": is_outbound(link, site["url"]), "checked_at": checked_at}
                (broken if outcome == "broken" else unchecked).append(record)
        checked = len(chosen) + sum(1 for link in links if link in registered)
        return {"found": len(links), "checked": checked, "skipped": len(links) - checked, "broken": broken, "unchecked": unchecked, "pages": pages}

    def page_on_its_way(self, request: Request, spider: Any) -> None:
        """A page or detail page of the round reached the downloader: links to it wait for it."""
        if request.meta.get(REQUEST_KIND) in ("page", "detail") and "redirect_urls" not in request.meta:
            self.link_book.page_requested(request.url)

    def page_answered(self, response: Response, request: Request, spider: Any) -> None:
        """A page or detail page of the round was fetched (the engine's signal: before any
        callback, so no link waits for the scraper)."""
        if request.meta.get(REQUEST_KIND) in ("page", "detail"):
            self.page_answers_links(request.meta, request.url, response.status, "")

    def home_page_settled(self, item: Any, **_: Any) -> None:
        """A home page's observation is out, read or not: its site's other pages need not wait for
        its links any longer (those that were read were given before)."""
        if isinstance(item, ObservationItem) and item.kind == "home":
            self.link_book.home_links_given(item.target_key)

    def page_answers_links(self, meta: dict[str, Any], url: str, status: int | None, error: str) -> None:
        """A page fetched (not rendered) answers the links to it, at the address it was asked at."""
        asked_at = (meta.get("redirect_urls") or [url])[0]
        if status is not None and not answered(status):
            error = f"HTTP {status}"
        self.link_book.page_answered(asked_at, status, error)

    async def fetch_link_answer(self, url: str) -> tuple[int | None, str]:
        """(status, error): HEAD first, unless the host refused HEAD; GET when HEAD is refused or
        fails, except after our timeout (a server that does not answer HEAD in time will not
        answer GET either). HEAD is not retried: what it does not answer, GET does. A host's
        first check goes alone; the others wait for its answer to know whether HEAD is worth it."""
        host = urlsplit(url).hostname or ""
        known_answer = self.head_answers.get(host)
        first = known_answer is None
        does_head: asyncio.Future[bool] = known_answer if known_answer is not None else asyncio.get_running_loop().create_future()
        if first:
            self.head_answers[host] = does_head
        elif not await asyncio.shield(does_head):
            return await self.try_link(url, "GET")
        status, error = await self.try_link(url, "HEAD")
        if first:
            does_head.set_result(status not in HEAD_REFUSED)
        if answered(status) or error == "timeout":
            return status, error
        return await self.try_link(url, "GET")

    async def try_link(self, url: str, method: str) -> tuple[int | None, str]:
        request = Request(
            url,
            method=method,
            # A GET is dropped after its headers (stop_link_download); on a kept-alive connection
            # that can cut the next request sent on it, which Twisted then sends again: the host
            # would get one request more than we count. So the connection ends with the answer.
            headers={"Connection": "close"} if method != "HEAD" else None,
            dont_filter=True,
            priority=LINK_PRIORITY,
            meta={
                "link_check": True, TAKEN_FROM_PAGE: True, "handle_httpstatus_list": ERROR_STATUSES, "download_timeout": self.link_timeout,
                "dont_retry": method == "HEAD", REQUEST_KIND: "link",
            },
        )
        try:
            response = await download_now(self.crawler, request)
        except Exception as error:  # the error is the answer
            return None, describe_error(error)
        return response.status, "" if answered(response.status) else f"HTTP {response.status}"

    @staticmethod
    def stop_link_download(headers: Headers, body_length: int, request: Request, spider: Any) -> None:
        """A link check or a probe needs the status only: the body of a GET is not downloaded
        (a huge or endless page then says the site answers, never that it is down)."""
        if (request.meta.get("link_check") and request.method != "HEAD") or "probe" in request.meta:
            raise StopDownload(fail=False)

    async def read_detail_dates(self, entries: tuple[ListEntry, ...], list_url: str) -> list[dict[str, Any]]:
        """Publish dates of the first entries' detail pages: printed date, meta date, and both.
        A detail page off the list's site (SAME_SITE_AS: another registrable domain) is not
        fetched; its error says so, and the column is reviewed where its date would matter."""
        count = self.config.detail_pages
        details = []
        for entry in entries[:count]:
            detail: dict[str, Any] = {"title": entry.title, "url": entry.url}
            try:
                meta = {TAKEN_FROM_PAGE: True, SAME_SITE_AS: list_url, REQUEST_KIND: "detail"}
                response = await download_now(self.crawler, scrapy.Request(entry.url, dont_filter=True, meta=meta))
                if not 200 <= response.status < 300:
                    # an error page (404, 5xx…) may print a date, never the entry's publish date
                    detail.update(date=None, error=f"HTTP {response.status}", status=response.status)
                    details.append(detail)
                    continue
                decoded = page_text(response)
                if decoded is None:
                    detail.update(date=None, error="not an HTML page", status=response.status)
                    details.append(detail)
                    continue
                document = Document(decoded.text)  # parsed once for both readers
                published = extract_publish_date(document, self.as_of)
                detail["bad_links"] = [bad_link_record(link) for link in find_bad_links(document, response.url)]
                if self.misspellings is not None:
                    detail["misspellings"] = misspelling_record(word_list_hits(document, self.misspellings))
            except Exception as error:  # a detail page we could not read tells nothing
                detail.update(date=None, error=describe_error(error))
                self.link_book.page_answered(entry.url, None, detail["error"])  # unless its answer came
            else:
                detail.update(
                    date=published.date,
                    visible=published.visible,
                    visible_text=published.visible_text,
                    meta=published.meta,
                    meta_name=published.meta_name,
                    disagree=published.disagree,
                    status=response.status,
                )
            details.append(detail)
        return details

    def with_last_page(self, meta: dict[str, Any], url: str, page: ListPage) -> PageObservation:
        """The first page's observation of a column listed old to new, its newest date and
        entries joined by those of the last page: the column's newest entries are there."""
        first_page: PageObservation = meta["first_page"]
        if page.state != "entries" or page.newest is None:
            return self.unread_page(meta, url, page.state, None, page.reason or "no dated list on the last page")
        first_page.newest_date = max(date for date in (first_page.newest_date, page.newest.date) if date is not None)
        first_page.entries = self.newest_entries([*self.evidence_entries(page), *first_page.entries])
        # read to its end: no longer a list whose newest entries we have not seen
        more_pages, first_page.more_pages = first_page.more_pages, None
        assert more_pages is not None  # what sent us to the last page
        first_page.last_page = {"url": url, "newest_date": page.newest.date, "fetched_at": self.now(), "says": more_pages["says"]}
        return first_page

    def page_failed(self, failure: Failure) -> ObservationItem:
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
        error = describe_failure(failure)
        if not request.meta.get("rendered"):
            self.page_answers_links(request.meta, request.url, None, error)
        return self.unread_page(request.meta, page_url(request), state="failed", status=None, error=error)

    def unread_page(self, meta: dict[str, Any], url: str, state: str, status: int | None, error: str) -> PageObservation:
        """The observation of a page that could not be read: as failed (or unparsed), or, when
        only its rendering failed, its reading as fetched with the browser's error."""
        first_page: PageObservation | None = meta.get("first_page")
        if first_page is not None:
            assert first_page.more_pages is not None  # a first page is followed to its last for its more_pages
            first_page.more_pages["last_page_error"] = f"{state}: {error}"
            return first_page
        fetched: PageObservation | None = meta.get("read_as_fetched")
        if fetched is None:
            return self.page_observation(meta, url, state=state, status=status, error=error)
        fetched.render_error = error
        return fetched

    def page_observation(
        self,
        meta: dict[str, Any],
        url: str,
        status: int | None,
        page: ListPage | None = None,
        state: str = "",
        error: str = "",
        details: list[dict[str, Any]] | None = None,
        read: dict[str, Any] | None = None,
    ) -> PageObservation:
        column = meta.get("column") or {}
        newest_date = page.newest.date if page and page.newest else None
        if details is not None:
            detail_dates = [d["date"] for d in details if d.get("date")]
            newest_date = max(detail_dates) if detail_dates else None
            if failed := [d for d in details if d.get("error")]:
                # A detail page not read hides its entry's date: the newest date read is then only
                # a lower bound. It can show the page recent (the rules pass it), never old (they
                # review it, the failed detail pages named).
                error = error or "detail pages not read: " + "; ".join(f"{d['url']} ({d['error']})" for d in failed)
        data: dict[str, Any] = {
            "url": url,
            "fetched_at": self.now(),
            "status": status,
            "method": "detail" if details is not None else self.reading_method(meta),
            "state": page.state if page else state,
            "entries": self.evidence_entries(page),
            "newest_date": newest_date,
            "error": error or (page.reason if page else ""),
        }
        if details is not None:
            data["detail_pages"] = details
        if meta.get("rendered"):
            # which browser read the page and what it showed (no screenshot when the render failed)
            data.update(renderer=meta.get("renderer", "playwright"), screenshot=meta.get("screenshot"))
        if read:
            data.update(read)
        if meta["kind"] == "column":
            data.update(
                column_name=column.get("name", meta["key"]),
                column_type=column.get("type", "其他"),
                discovered=bool(column.get("discovered")),
            )
            if column.get("discovered"):
                # how it was typed: what its name suggests, and whether it is a first-level column
                data.update(type_guess=column.get("type_guess", ""), first_level=bool(column.get("first_level")))
        observation = self.observation(meta["target_key"], meta["kind"], meta["key"], **data)
        assert isinstance(observation, PageObservation)
        return observation

    @staticmethod
    def reading_method(meta: dict[str, Any]) -> str:
        if meta.get("rendered"):
            return "rendered"
        column = meta.get("column") or {}
        return "selector" if column.get("selector") else "generic"

    def evidence_entries(self, page: ListPage | None) -> list[dict[str, Any]]:
        """The newest entries seen, newest first: what an auditor re-checks by hand."""
        if page is None:
            return []
        return self.newest_entries(
            [{"title": e.title, "url": e.url, "date": e.date, "date_text": e.date_text, "pinned": e.pinned} for e in page.entries]
        )

    def newest_entries(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Evidence entries, newest first (undated last), as many as GOVCHECK_EVIDENCE_ENTRIES."""
        undated_last = datetime.min.replace(tzinfo=self.as_of.tzinfo)
        ordered = sorted(entries, key=lambda e: e["date"] or undated_last, reverse=True)
        return ordered[: self.config.evidence_entries]

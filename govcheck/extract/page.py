"""Everything the sites spider reads from one fetched page, in one call.

The list and its dates, whether a script fills it, the navigation's columns, serious wording
errors and common misspellings (错别字), interaction links and messages, the page's links, its bad links (安全), and a home
page's service entries, links to guides and 功能设计 marks are all pure functions of the HTML. Gathering them here keeps the spider thin and lets the reading run in worker processes
(govcheck.parsing): the result is plain, picklable data. The page is parsed once
(govcheck.extract.html.Document) and every reader is handed the parsed page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from govcheck.extract.browser_hints import depends_on_a_browser, list_needs_a_browser
from govcheck.extract.channel_search import ChannelSearch, merge_channel_searches, news_urls, plan_channel_search
from govcheck.extract.html import Document, as_document
from govcheck.extract.interaction import (
    ChannelLinks,
    MessageList,
    channel_links,
    channel_links_in_frames,
    extract_messages,
    merge_channel_links,
    names_channel_section,
)
from govcheck.extract.bad_links import BadLink, find_bad_links
from govcheck.extract.links import extract_links, is_outbound
from govcheck.extract.listing import ListPage, extract_list
from govcheck.extract.guides import GuideLinks, find_guide_links
from govcheck.extract.marks import SiteMarks, find_site_marks
from govcheck.extract.search import SiteSearch, find_site_search
from govcheck.extract.navigation import NavigationEntry, discover_columns
from govcheck.extract.pagination import MorePages, more_pages, oldest_first
from govcheck.extract.services import ServiceSearch, find_service_entries, merge_service_searches
from govcheck.extract.wording import Hit, Term, find_serious_errors, page_texts

__all__ = [
    "PageReading",
    "channel_link_records",
    "leaves_a_channel_to_find",
    "names_a_write_in_channel",
    "navigation_with_frames",
    "read_page",
    "word_list_hits",
    "misspelling_record",
    "with_frame_lists",
    "with_frames",
]


@dataclass(frozen=True)
class PageReading:
    page: ListPage
    list_needs_a_browser: bool  # no list in the HTML, but scripts or a frame may show one (see browser_hints)
    # the page runs scripts or shows a frame: a browser may show it otherwise (see browser_hints)
    depends_on_a_browser: bool
    navigation: tuple[NavigationEntry, ...]  # the navigation's columns, when asked for
    serious_errors: tuple[Hit, ...]
    interaction_links: tuple[tuple[str, str], ...]  # home pages only
    interaction_unresolved: tuple[tuple[str, str, str], ...]  # home pages only: (name, target, why), see ChannelLinks
    # home pages naming no write-in channel: where one may be yet (govcheck.extract.channel_search)
    channel_search: ChannelSearch | None
    messages: MessageList | None  # interaction columns only
    links: tuple[str, ...]
    # a column's list that runs from old to new and says it goes on over more pages: its newest
    # entries may be on a later page (pagination.oldest_first, pagination.more_pages)
    more_pages: MorePages | None
    # home pages only: the service entries, navigation and unclear places (服务不实用 (1))
    services: ServiceSearch | None = None
    # links whose words or host are gambling, porn or violence, shown or hidden (安全 links)
    bad_links: tuple[BadLink, ...] = ()
    # home pages only: 网站标识码, ICP, 公安备案, 党政机关网站标识, 找错 (功能设计)
    marks: SiteMarks | None = None
    # hits of the misspelling list (错别字), shown then hidden; None: no list given (not checked)
    misspellings: tuple[Hit, ...] | None = None
    # home pages only: the site search a visitor may use (功能设计 搜索)
    search: SiteSearch | None = None
    # home pages only: the links to guides (办事指南), the site's own and those elsewhere (服务不实用 (2))
    guide_links: GuideLinks | None = None


def read_page(
    page: Document | str,
    url: str,
    as_of: datetime,
    read_at: datetime,
    terms: tuple[Term, ...],
    *,
    selector: str | None = None,
    home: bool = False,
    interaction_column: bool = False,
    navigation: bool = False,
    platform_hosts: Collection[str] = (),
    portal_hosts: Collection[str] = (),
    misspelling_terms: tuple[Term, ...] | None = None,
) -> PageReading:
    """What the sites spider reads from one page (``page``: the HTML, or the page already parsed)
    fetched from ``url``: each reader is handed the page parsed once.

    ``platform_hosts``: the profile's words of unified platforms' hosts (12345, liuyan…);
    ``portal_hosts``: those of 政务服务网 portals (zwfw…); ``misspelling_terms``: the misspelling
    list (None: 错别字 is not checked)."""
    document = as_document(page)
    listed = extract_list(document, url, as_of, selector, home=home)
    news = news_urls(listed)
    channels = channel_links(document, url, news=news) if home else ChannelLinks((), ())
    search = None
    if home and not names_a_write_in_channel(channels.found):
        search = plan_channel_search(document, url, read_at, news=news, platform_hosts=platform_hosts)
    # whether a script may fill the list is asked of the generic reader's list: a selector's
    # list is its own reading
    generic = listed if selector is None else None
    return PageReading(
        page=listed,
        list_needs_a_browser=listed.state == "unparsed" and list_needs_a_browser(document, as_of, generic),
        depends_on_a_browser=depends_on_a_browser(document),
        navigation=tuple(discover_columns(document, url)) if navigation else (),
        serious_errors=word_list_hits(document, terms),
        interaction_links=channels.found,
        interaction_unresolved=channels.unresolved,
        channel_search=search,
        messages=extract_messages(document, url, read_at) if interaction_column else None,
        links=tuple(extract_links(document, url)),
        more_pages=more_pages(document, url) if not home and listed.state == "entries" and oldest_first(listed) else None,
        services=find_service_entries(document, url, portal_hosts=portal_hosts, news=news) if home else None,
        bad_links=find_bad_links(document, url, news=news),
        marks=find_site_marks(document, url) if home else None,
        misspellings=word_list_hits(document, misspelling_terms) if misspelling_terms is not None else None,
        search=find_site_search(document, url) if home else None,
        guide_links=find_guide_links(document, url, portal_hosts=portal_hosts) if home else None,
    )


def channel_link_records(reading: PageReading) -> list[dict[str, object]]:
    """A home page's ``interaction_links`` as observations record them: ``{name, url}``, with
    ``section: true`` for a section holding channels (政民互动: it counts through its page) and
    ``platform: word`` for a link to a known unified platform (a channel by its host)."""
    records: list[dict[str, object]] = [
        {"name": name, "url": link, **({"section": True} if names_channel_section(name) else {})}
        for name, link in reading.interaction_links
    ]
    if reading.channel_search is not None:
        records += [{"name": name, "url": link, "platform": word} for name, link, word in reading.channel_search.platforms]
    return records


def leaves_a_channel_to_find(reading: PageReading) -> bool:
    """Whether a home page's reading names no channel and links to no known platform: the places
    where one may be are then to be read (reading.channel_search)."""
    search = reading.channel_search
    return search is not None and not names_a_write_in_channel(reading.interaction_links) and not search.platforms


def names_a_write_in_channel(found: Sequence[tuple[str, str]]) -> bool:
    """Whether a page's channel links name a channel, not only a section holding channels (政民互动)."""
    return any(not names_channel_section(name) for name, _ in found)


def word_list_hits(page: Document | str, terms: tuple[Term, ...]) -> tuple[Hit, ...]:
    """A word list's hits in the text the page shows, then those in the text it hides (marked):
    the serious-error list's, or the misspelling list's."""
    texts = page_texts(page)
    shown = find_serious_errors(texts.shown, terms)
    return (*shown, *(replace(hit, hidden=True) for hit in find_serious_errors(texts.hidden, terms)))

# hits of the misspelling list kept per page: a page full of one slip says no more than a few
MISSPELLINGS_PER_PAGE = 20


def misspelling_record(hits: Sequence[Hit]) -> list[dict[str, str]]:
    """A page's ``misspellings`` as observations record them: ``{wrong, right, sentence, where}``
    (``where``: ``shown``, or ``hidden`` for text the page hides), each wrong form once per
    sentence, at most MISSPELLINGS_PER_PAGE."""
    records: dict[tuple[str, str], dict[str, str]] = {}
    for hit in hits:
        key = (hit.wrong, hit.sentence)
        if key not in records and len(records) < MISSPELLINGS_PER_PAGE:
            records[key] = {"wrong": hit.wrong, "right": hit.right, "sentence": hit.sentence, "where": "hidden" if hit.hidden else "shown"}
    return list(records.values())


def with_frames(
    reading: PageReading,
    frames: Sequence[tuple[str, Document | str | None]],
    site_url: str,
    as_of: datetime,
    *,
    home: bool = False,
    platform_hosts: Collection[str] = (),
    portal_hosts: Collection[str] = (),
) -> PageReading:
    """A rendered page's reading with what its frames show (``(url, html)``, html None when the
    browser could not give it): page.content() holds the main frame only, and a list, a menu or
    a channel shown in an <iframe> is part of the page a visitor sees. The list takes the lists
    of frames on the site's own host (with_frame_lists), the navigation the menus of any frame,
    and a home page's channels and places to look for one those of its frames (an unreadable
    frame as unresolved). Each frame is parsed once for all of these."""
    if not frames:
        return reading
    frames = [(url, None if html is None else as_document(html)) for url, html in frames]
    channels = ChannelLinks(reading.interaction_links, reading.interaction_unresolved)
    search = reading.channel_search
    services = reading.services
    if home:
        services = merge_service_searches(
            [services or ServiceSearch((), (), ()), *(find_service_entries(html, url, portal_hosts=portal_hosts) for url, html in _frame_documents(frames))]
        )
        channels = merge_channel_links([channels, channel_links_in_frames(frames)])
        search = None
        if not names_a_write_in_channel(channels.found):
            searches = [
                plan_channel_search(framed, url, as_of, news=news_urls(extract_list(framed, url, as_of, home=True)), platform_hosts=platform_hosts)
                for url, framed in _frame_documents(frames)
            ]
            search = merge_channel_searches([reading.channel_search or ChannelSearch((), (), (), ()), *searches])
    return replace(
        reading,
        page=with_frame_lists(reading.page, frames, site_url, as_of, home=home),
        navigation=tuple(navigation_with_frames(reading.navigation, frames)),
        interaction_links=channels.found,
        interaction_unresolved=channels.unresolved,
        channel_search=search,
        services=services,
        # a frame's links are the page's: a hidden link in a frame is hidden from its visitors too
        bad_links=(*reading.bad_links, *(link for url, html in _frame_documents(frames) for link in find_bad_links(html, url))),
    )


def _frame_documents(frames: Sequence[tuple[str, Document | str | None]]) -> Iterator[tuple[str, Document | str]]:
    """The frames that are pages with a document: not about:blank or srcdoc, not unreadable."""
    for url, page in frames:
        if page is not None and url.lower().startswith(("http://", "https://")):
            yield url, page


def navigation_with_frames(
    navigation: Sequence[NavigationEntry], frames: Sequence[tuple[str, Document | str | None]]
) -> list[NavigationEntry]:
    """The page's navigation columns, then those of a menu shown in its frames (a frame's bar is
    a bar of the page: a header shown in an <iframe>), each URL once."""
    seen = {entry.url for entry in navigation}
    combined = list(navigation)
    for url, framed in _frame_documents(frames):
        for entry in discover_columns(framed, url):
            if entry.url not in seen:
                seen.add(entry.url)
                combined.append(entry)
    return combined


def with_frame_lists(
    page: ListPage, frames: Sequence[tuple[str, Document | str | None]], site_url: str, as_of: datetime, *, home: bool = False
) -> ListPage:
    """The page's list, followed by the entries of the lists its frames show, when the frames are
    on the site's own host: a visitor sees them as part of the page (older 政务公开 systems show a
    column's list in an <iframe>). Frames of other hosts (widgets, other units) are left out, so
    their dates never make the site's page look updated."""
    shown = [
        framed
        for url, document in _frame_documents(frames)
        if not is_outbound(url, site_url)
        if (framed := extract_list(document, url, as_of, home=home)).state == "entries"
    ]
    if not shown:
        return page
    own = [page] if page.state == "entries" else []
    entries = tuple(entry for listed in (*own, *shown) for entry in listed.entries)
    dated = [listed.newest for listed in (*own, *shown) if listed.newest is not None]
    newest = max(dated, key=lambda entry: entry.date) if dated else None  # type: ignore[arg-type, return-value]
    return ListPage("entries", entries, newest, page.reason if own else "")

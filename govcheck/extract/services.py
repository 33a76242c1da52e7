"""服务不实用 (1): where a home page offers its online services, and what on it could not be
understood. Plain functions over a page (its HTML or a parsed Document), no Scrapy.

A service entry is a link, button or menu entry named with a word of the service-entry list
(govcheck/data/service_entries.txt: 办事服务, 政务服务, 网上办事, 办事指南…), or a link to a
政务服务网 of the province or city (the profile's ``portal_hosts``: zwfw, zwfww… at the start or
end of one of the host's labels, as :func:`govcheck.extract.channel_search.platform_word`
matches). A link naming an interaction channel (政务服务投诉与建议入口) is a channel, not a
service entry.

"No entry" fails a site only when the places a person would look were read and understood
(docs/rules.md, "Proof of absence"). :func:`find_service_entries` therefore also gives the
navigation it recognised (its named entries) and what it could not understand (``unclear``):
navigation entries named with a word we do not know or not named at all (an image), and
unnamed links whose address says services (/bsdt/, /zwfw/, /bszn/…). A word we do not know is
never proof: such a place leaves the site to an inspector.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from govcheck.extract.channel_search import clickables, platform_word
from govcheck.extract.html import Document, as_document, base_url_of
from govcheck.extract.interaction import name_kind, names_interaction_channel

__all__ = ["ServiceEntry", "ServiceSearch", "find_service_entries", "merge_service_searches", "service_words"]

SERVICE_ENTRIES_FILE = "service_entries.txt"  # in govcheck/data (read as package data: eggs are zipped)

# path segments of service sections (办事大厅 bsdt, 办事指南 bszn, 网上办事 wsbs, 政务服务 zwfw…):
# an unnamed link there may be a service entry a visitor sees as an image
# an entry's name is short: a longer one is a title (news about 政务服务事项, a document)
_MAX_NAME = 12
_SERVICE_ADDRESS = re.compile(r"(^|[/._-])(bsdt|bszn|bsfw|wsbs|zwfw|banshi|fuwu|zxbs|ywtb)", re.I)


@dataclass(frozen=True)
class ServiceEntry:
    """A service entry on the page: ``why`` ``name`` (named with ``word`` of the list) or
    ``portal`` (its host carries ``word`` of the profile's portal hosts)."""

    name: str
    url: str
    why: str
    word: str
    in_navigation: bool


@dataclass(frozen=True)
class ServiceSearch:
    """What a home page shows of its services: the ``entries`` found, the ``navigation``'s named
    entries ``(name, url)``, and the places not understood, ``unclear`` ``(name, url, why)`` with
    why ``unknown navigation name``, ``unnamed navigation entry`` or ``unnamed service address``."""

    entries: tuple[ServiceEntry, ...]
    navigation: tuple[tuple[str, str], ...]
    unclear: tuple[tuple[str, str, str], ...]


@cache
def service_words(path: Path | None = None) -> tuple[str, ...]:
    """The words of the service-entry list at ``path`` (None: the shipped one), the first field of each line."""
    shipped = resources.files("govcheck") / "data" / SERVICE_ENTRIES_FILE
    text = (path or shipped).read_text(encoding="utf-8")
    name = path.name if path else SERVICE_ENTRIES_FILE
    words = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word = line.split("\t", 1)[0].strip()
        if len(word) < 2:
            raise ValueError(f"service-entry list {name}, line {number}: the word {word!r} is too short")
        words.append(word)
    if not words:
        raise ValueError(f"service-entry list {name}: no entries")
    return tuple(words)


def _service_word(name: str, words: Sequence[str]) -> str | None:
    squashed = re.sub(r"\s+", "", name)
    return next((word for word in words if word in squashed), None)


def find_service_entries(
    page: Document | str,
    base_url: str,
    *,
    portal_hosts: Collection[str] = (),
    news: Collection[str] = (),
    words: Sequence[str] | None = None,
) -> ServiceSearch:
    """The service entries of a page (a home page as fetched or as a browser shows it), the
    navigation it recognised and the places it could not understand. ``news``: the URLs of the
    page's dated list entries, news about services rather than an entry to them."""
    words = service_words() if words is None else words
    document = as_document(page)
    root = document.shown
    if root is None:
        return ServiceSearch((), (), ())
    base_url = base_url_of(root, base_url)
    entries: dict[str, ServiceEntry] = {}
    navigation: dict[str, tuple[str, str]] = {}
    unclear: dict[str, tuple[str, str, str]] = {}
    for name, url, script, in_nav, _image in clickables(document, base_url):
        if url in news or len(name) > _MAX_NAME:
            continue  # news, a title: understood, no entry
        where = url or script
        word = _service_word(name, words) if name and not names_interaction_channel(name) else None
        if word:
            entries.setdefault(where, ServiceEntry(name, url or "", "name", word, in_nav))
            continue
        portal = platform_word(url, portal_hosts) if url else None
        if portal:
            entries.setdefault(where, ServiceEntry(name, url or "", "portal", portal, in_nav))
            continue
        if in_nav and url:
            kind = name_kind(name)
            if kind == "unnamed":
                unclear.setdefault(url, (name, url, "unnamed navigation entry"))
            else:
                navigation.setdefault(url, (name, url))
                if kind == "unknown":
                    unclear.setdefault(url, (name, url, "unknown navigation name"))
            continue
        if url and not name and _SERVICE_ADDRESS.search(urlsplit(url).path):
            unclear.setdefault(url, (name, url, "unnamed service address"))
    return ServiceSearch(tuple(entries.values()), tuple(navigation.values()), tuple(unclear.values()))


def merge_service_searches(searches: Iterable[ServiceSearch]) -> ServiceSearch:
    """One search of a page and its frames (a menu shown in an <iframe> is the page's)."""
    entries: dict[str, ServiceEntry] = {}
    navigation: dict[str, tuple[str, str]] = {}
    unclear: dict[str, tuple[str, str, str]] = {}
    for search in searches:
        for entry in search.entries:
            entries.setdefault(entry.url or entry.name, entry)
        for place in search.navigation:
            navigation.setdefault(place[1], place)
        for doubt in search.unclear:
            unclear.setdefault(doubt[1], doubt)
    return ServiceSearch(tuple(entries.values()), tuple(navigation.values()), tuple(unclear.values()))


def service_record(search: ServiceSearch) -> dict[str, object]:
    """A home page's ``services`` as its observation records it (docs/schema.md)."""
    return {
        "entries": [
            {"name": e.name, "url": e.url, "why": e.why, "word": e.word, "in_navigation": e.in_navigation}
            for e in search.entries
        ],
        "navigation": [{"name": name, "url": url} for name, url in search.navigation],
        "unclear": [{"name": name, "url": url, "why": why} for name, url, why in search.unclear],
    }

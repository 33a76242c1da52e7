"""A home page's site search (2019 扣分指标, 功能设计: 搜索), and what a result page answers.
Plain functions over a page (its HTML or a parsed Document), no Scrapy.

:func:`find_site_search` tells what a visitor may search with, best first:

- ``form``: a GET form with a text box (by its words a search: ``search``, ``q``, ``keyword``,
  检索, 搜索…), submitted as a browser submits it (its hidden fields kept);
- ``link``: a search link with a query parameter (``/search?q=``);
- ``post``: a search form posted (a POST is not what we send to a site, so it is not tried);
- ``script``: a search box only scripts submit (no form, a form without an action, or one
  whose submit runs a script);
- ``none``: nothing, with ``scripted`` saying whether the page runs scripts or shows frames
  (a search box written by them would not be in the HTML).

:func:`read_search_results` counts the links of a result page whose words hold the query
(a title on a list is often cut short with an ellipsis: its beginning counts too).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from govcheck.extract.browser_hints import depends_on_a_browser, list_needs_a_browser
from govcheck.extract.html import Document, as_document, resolve_link
from govcheck.network_policy import registrable_domain

__all__ = ["SearchResults", "SiteSearch", "find_site_search", "read_search_results", "search_query", "search_record", "search_url", "same_site"]

# words of a form, a box or a link that say it searches the site
_SEARCH_WORDS = re.compile(r"search|sousuo|jansearch|souso|retrieval|检索|搜索|搜\s*索|站内|全文", re.I)
# names real sites give the query parameter
_QUERY_NAMES = frozenset({
    "q", "query", "keyword", "keywords", "key", "searchword", "searchwords", "searchkey", "searchtext",
    "wd", "kw", "word", "words", "sw", "qt", "text", "title", "content", "headsearchword",
})
_TEXT_TYPES = frozenset({"", "text", "search"})
# the ellipsis a home page list cuts a long title with
_ELLIPSIS = re.compile(r"(\.{2,}|…+|。{2,})\s*$")
# at most so many characters of a title are searched (full-text engines split long queries)
QUERY_CHARS = 20
# the shortest cut-short link text taken as a result of the query (shorter ones say nothing)
_MIN_CUT_TITLE = 6


@dataclass(frozen=True)
class SiteSearch:
    kind: str  # form, link, post, script or none
    url: str = ""  # where the search is sent (the form's action, the link without its query)
    field: str = ""  # the query parameter
    params: tuple[tuple[str, str], ...] = ()  # the form's hidden fields, the link's other parameters
    scripted: bool = False  # the page runs scripts or shows frames: a search box may be written by them


@dataclass(frozen=True)
class SearchResults:
    results: int  # links whose words hold the query
    matched: bool
    # none matched and the page may fill its results by script or show them in a frame
    needs_a_browser: bool


def _words(el: etree._Element) -> str:
    return " ".join(el.get(name) or "" for name in ("id", "name", "class", "action", "placeholder", "title", "value", "onsubmit"))


def _text_boxes(el: etree._Element) -> list[etree._Element]:
    return [i for i in el.iter("input") if (i.get("type") or "").strip().lower() in _TEXT_TYPES and i.get("readonly") is None]


def _is_search_box(box: etree._Element, around: str = "") -> bool:
    name = (box.get("name") or "").lower()
    return name in _QUERY_NAMES or bool(_SEARCH_WORDS.search(_words(box) + " " + around))


def find_site_search(page: Document | str, base_url: str) -> SiteSearch:
    """The site search a home page offers (see the module's docstring)."""
    document = as_document(page)
    root = document.tree
    if root is None:
        return SiteSearch("none")
    found: list[SiteSearch] = []
    for form in root.iter("form"):
        if any((i.get("type") or "").lower() == "password" for i in form.iter("input")):
            continue  # a login form
        boxes = _text_boxes(form)
        around = _words(form) + " " + " ".join(b.text_content() for b in form.iter("button")) + " " + " ".join(
            _words(i) for i in form.iter("input") if (i.get("type") or "").lower() in ("submit", "image", "button")
        )
        boxes = [b for b in boxes if b.get("name") and _is_search_box(b, around)]
        if not boxes:
            continue
        action = (form.get("action") or "").strip()
        target = resolve_link(action, base_url) if action else None
        method = (form.get("method") or "get").strip().lower()
        if target is None or (form.get("onsubmit") or "").strip().lower().startswith("return false"):
            found.append(SiteSearch("script"))
            continue
        if method != "get":
            found.append(SiteSearch("post", target, boxes[0].get("name") or ""))
            continue
        hidden = tuple(
            (i.get("name") or "", i.get("value") or "")
            for i in form.iter("input")
            if (i.get("type") or "").lower() == "hidden" and i.get("name")
        )
        found.append(SiteSearch("form", target, boxes[0].get("name") or "", hidden))
    for a in root.iter("a"):
        url = resolve_link(a.get("href"), base_url)
        if not url:
            continue
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        names = [name for name, _ in params if name.lower() in _QUERY_NAMES]
        if names and _SEARCH_WORDS.search(parts.path + " " + a.text_content()):
            others = tuple((n, v) for n, v in params if n != names[0])
            found.append(SiteSearch("link", urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), names[0], others))
    loose = [box for box in _text_boxes(root) if not any(a.tag == "form" for a in box.iterancestors())]
    if not found and any(_is_search_box(box) for box in loose):
        found.append(SiteSearch("script"))  # a search box outside any form: its button runs a script
    order = ("form", "link", "post", "script")
    if found:
        return min(found, key=lambda s: order.index(s.kind))
    return SiteSearch("none", scripted=depends_on_a_browser(document))


def search_url(search: SiteSearch, query: str) -> str:
    """The address a browser asks for when the query is searched (a GET form or a search link)."""
    parts = urlsplit(search.url)
    kept = [(n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([*kept, *search.params, (search.field, query)]), ""))


def search_query(titles: list[str], fallback: str) -> str:
    """What is searched: the first title's words (an ellipsis cut off, at most QUERY_CHARS
    characters), else ``fallback`` (the site's name)."""
    for title in titles:
        words = _ELLIPSIS.sub("", unicodedata.normalize("NFKC", title or "")).strip()
        if len(words) >= 2:
            return words[:QUERY_CHARS].strip()
    return fallback.strip()


def _plain(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def read_search_results(page: Document | str, url: str, query: str, as_of: datetime) -> SearchResults:
    """How many links of a result page hold the query in their words (or are its cut-short
    beginning); whether a browser may show results the HTML does not hold."""
    document = as_document(page)
    shown = document.shown
    wanted = _plain(query)
    results = 0
    if shown is not None and wanted:
        for a in shown.iter("a"):
            text = _ELLIPSIS.sub("", a.text_content() or "")
            words = _plain(text)
            if not words:
                continue
            cut = text != (a.text_content() or "") or len(words) < len(wanted)
            if wanted in words or (cut and len(words) >= _MIN_CUT_TITLE and wanted.startswith(words)):
                results += 1
    needs_a_browser = not results and list_needs_a_browser(document, as_of)
    return SearchResults(results, results > 0, needs_a_browser)


def same_site(url: str, home_url: str) -> bool:
    """Whether a search address is on the site's own registrable domain (www13.f5.bjjs.gov.cn
    for www.bjjs.gov.cn, govcheck.network_policy): a search elsewhere is another site's."""
    host, home = urlsplit(url).hostname or "", urlsplit(home_url).hostname or ""
    return bool(host) and registrable_domain(host) == registrable_domain(home)


def search_record(search: SiteSearch) -> dict[str, Any]:
    """What the home page showed of its search, as the observation's ``search`` starts it."""
    return {
        "kind": search.kind, "form_url": search.url, "field": search.field,
        "params": [list(p) for p in search.params], "scripted": search.scripted,
    }

"""What every page reader shares: the page decoded and parsed once, the tree a visitor sees,
page furniture, link titles and URL resolution. Plain functions over lxml trees; no Scrapy.

A page is parsed once into a :class:`Document`, which every reader of it is handed. Readers
need the page in three forms, each worked out once, on first use:

- ``tree``: the page as parsed (comments and processing instructions left out): its scripts,
  frames and every link, also those in ``<noscript>``;
- ``shown``: what a visitor sees: without scripts, styles, ``<noscript>`` and ``<template>``,
  with the entries Hanweb (大汉) lists ship as data in a script put in its place;
- ``content``: the shown tree without form controls (dropdowns, text areas, buttons), whose
  words would be read as a list's, a menu's or a message's text.

Readers never change these trees; one that needs to change a tree works on its own copy.
Every reader takes a :class:`Document` or the HTML text (parsed on the spot, for one reader).

Page furniture (headers, navigation, sidebars, footers, 热点/排行 widgets, blocks of links to
other articles such as 相关文章) is told by class and id words, tags and the headings above a
block; the list, date and navigation readers decide what to do with it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Hashable
from functools import cached_property, lru_cache
from typing import Any, TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from govcheck.charset import decode_page

__all__ = [
    "NOT_SHOWN",
    "PUNCTUATION",
    "Document",
    "absolute_url",
    "as_document",
    "base_url_of",
    "class_words",
    "decode_html",
    "drop",
    "heads_other_pages",
    "in_furniture",
    "is_ancestor",
    "is_furniture",
    "is_hidden",
    "is_other_pages_block",
    "link_title",
    "resolve_link",
    "same_page",
    "short_text",
    "squash",
    "under_widget_heading",
]

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# decoding and parsing

def decode_html(body: bytes, content_type: str | bytes | None = None) -> str:
    """Bytes of a page as text, as a browser in zh-CN reads them: the text of
    :func:`govcheck.charset.decode_page` (declared charset, then UTF-8, then GB18030, then a
    detector), the one decoder of fetched pages."""
    return decode_page(body, content_type).text


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
# One element class for every tag, chosen in C: lxml.html's own lookup runs Python for every
# element touched (a tenth of the reading time), to give forms and inputs classes we never use.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


_DATASTORE_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)


def _expand_datastores(root: lxml.html.HtmlElement) -> None:
    """Hanweb (大汉) jpage lists ship their entries as CDATA records in <script type="text/xml">."""
    for script in root.iter("script"):
        text = script.text or ""
        if "<recordset" not in text.lower():
            continue
        records = _DATASTORE_RECORD.findall(text)
        if not records:
            continue
        holder = lxml.html.fragment_fromstring("".join(records), create_parent="div")
        holder.set("data-govcheck", "datastore")
        holder.tail = script.tail
        script.getparent().replace(script, holder)


NOT_SHOWN = ("script", "style", "noscript", "template")
# form controls hold no list entries; their words (a 部门网站 dropdown, a 搜索 button) would be read as text
_FORM_CONTROLS = ("select", "textarea", "button")


def drop(root: lxml.html.HtmlElement, tags: tuple[str, ...]) -> None:
    """Takes the elements of these tags out of a tree (a tree of one's own: see Document), each
    with what it holds; the text after each stays where it was."""
    for el in list(root.iter(*tags)):
        if el.getparent() is not None:
            el.drop_tree()


class Document:
    """One page, parsed once, and the forms of it that readers share (see the module's docstring).

    ``tree``, ``shown`` and ``content`` are None when the text is no HTML document (empty,
    whitespace, unparsable). :meth:`remember` keeps what a reader worked out on this page for
    the next reader that asks the same (a list read, a page's channels), so that readers can
    call one another without reading twice.
    """

    def __init__(self, html: str) -> None:
        self.tree: lxml.html.HtmlElement | None = _parse(html)
        self._remembered: dict[Hashable, Any] = {}

    @cached_property
    def shown(self) -> lxml.html.HtmlElement | None:
        """The page as a visitor sees it: what a browser never shows dropped, Hanweb datastores expanded."""
        if self.tree is None:
            return None
        root = copy.deepcopy(self.tree)
        _expand_datastores(root)
        drop(root, NOT_SHOWN)
        return root

    @cached_property
    def content(self) -> lxml.html.HtmlElement | None:
        """The page as lists, menus and messages are read from it: the shown tree without its form controls."""
        shown = self.shown
        if shown is None:
            return None
        root = copy.deepcopy(shown)
        drop(root, _FORM_CONTROLS)
        return root

    def copy_of_tree(self) -> lxml.html.HtmlElement | None:
        """A copy of the page as parsed, for a reader that changes what it reads."""
        return None if self.tree is None else copy.deepcopy(self.tree)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute`` gives, worked out once per page and ``key`` (a reader's name and arguments)."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        return self._remembered[key]


def as_document(page: Document | str) -> Document:
    """The page as a Document: as given, or the HTML text parsed."""
    return page if isinstance(page, Document) else Document(page)


# ---------------------------------------------------------------------------------------------
# text

_WS = re.compile(r"\s+")
# punctuation, brackets and whitespace: what is left of a text without them says whether it holds words
PUNCTUATION = re.compile(r"[\s\[\]【】()（）<>《》〈〉:：|｜/\\\-—–_·•.,，、;；'\"“”]+")


def squash(text: str) -> str:
    """The text with its runs of whitespace (full-width and non-breaking spaces too) as one space, trimmed."""
    return _WS.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


def link_title(a: etree._Element, text: str | None = None) -> str:
    """The title of link ``a`` as a visitor reads it: its text (``text``, when already squashed),
    or its title attribute when the text is cut short (``…``), or its image's alt or title."""
    if text is None:
        text = squash(a.text_content())
    attr = squash(a.get("title") or "")
    if not text:
        return attr or _image_title(a)
    if attr and len(attr) > len(text) and (text.endswith(("...", "…", "..")) or attr.startswith(text[:4])):
        return attr  # truncated link text: the title attribute carries the whole title
    return text


def _image_title(a: etree._Element) -> str:
    """A link showing only an image (a 市长信箱 banner, a picture news entry) is named by it: alt, else title."""
    for img in a.iter("img"):
        name = squash(img.get("alt") or "") or squash(img.get("title") or "")
        if name:
            return name
    return ""


def short_text(el: etree._Element, limit: int = 24) -> str | None:
    """The element's text when it is short (a heading), else None; stops reading early."""
    if not isinstance(el.tag, str):
        return None
    pieces, size = [], 0
    for piece in el.itertext():
        size += len(piece.strip())
        if size > limit:
            return None
        pieces.append(piece)
    text = squash("".join(pieces))
    return text or None


def _lead_text(el: etree._Element) -> str:
    """The first piece of text an element shows, squashed."""
    for piece in el.itertext():
        if piece.strip():
            return squash(piece)
    return ""


def is_ancestor(ancestor: etree._Element, el: etree._Element) -> bool:
    """Whether ``ancestor`` holds ``el`` (an element is not its own ancestor)."""
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def is_hidden(el: etree._Element) -> bool:
    """Whether the element or one around it is hidden by its inline style (display:none) or the hidden attribute."""
    node = el
    while node is not None and isinstance(node.tag, str):
        style = (node.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or node.get("hidden") is not None:
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------------------------------------
# page furniture: what is not the page's own content

# class/id words of page furniture: exact words, and prefixes (side→sidebar, nav→navbar…)
_NOISE_WORDS = {
    "head", "header", "footer", "foot", "bottom", "copyright", "banquan", "bq", "aside", "daohang", "dh",
    "crumb", "crumbs", "curmb", "curmbs", "breadcrumb", "breadcrumbs", "position", "location", "dqwz",
    "weizhi", "rank", "ranking", "phb", "paihang", "djph", "rdph", "rdgz", "rdtj", "jrgz", "jrtt", "today",
    "yqlj", "friend", "friendlink", "links", "share", "weather",
}
_NOISE_PREFIXES = ("side", "nav", "menu", "foot", "hot", "copyright", "crumb", "breadcrumb", "rank", "sidebar")
_NOISE_TAGS = {"header", "footer", "nav", "aside"}
# headings of widgets that repeat other columns' entries with their (newer) dates
_NOISE_HEADINGS = re.compile(
    r"热点|热门|排行|点击榜|阅读榜|今日关注|今日头条|推荐阅读|相关阅读|相关文章|相关新闻|相关链接|相关信息|友情链接|猜你喜欢|专题专栏"
    r"|相关稿件|相关报道|延伸阅读|往期回顾"
)
# on an article's page, also the blocks pointing at the documents around it: an interpretation is
# published after its policy (on a column page such a box beside the list is no reason to drop it)
_OTHER_ARTICLES_HEADINGS = re.compile(f"{_NOISE_HEADINGS.pattern}|相关文件|相关政策|相关解读")
_CLASS_SPLIT = re.compile(r"[\s_\-]+")


def class_words(el: etree._Element) -> tuple[str, ...]:
    """The lower-case words of an element's class and id (``news_list`` → news, list)."""
    return _class_words(el.get("class"), el.get("id"))


@lru_cache(maxsize=4096)
def _class_words(class_value: str | None, id_value: str | None) -> tuple[str, ...]:
    """The words of a class and id; cached because a page repeats a few values on every element."""
    value = f"{class_value or ''} {id_value or ''}".lower()
    return tuple(w for w in _CLASS_SPLIT.split(value) if w)


def is_furniture(el: etree._Element) -> bool:
    """Whether the element is page furniture by its tag (header, footer, nav, aside) or its
    class and id words (head, footer, nav…, sidebar…, crumbs, 排行 widgets, share bars…)."""
    if not isinstance(el.tag, str):
        return False
    return el.tag in _NOISE_TAGS or _noisy_words(el.get("class"), el.get("id"))


# "pos" is a breadcrumb (当前位置) only as a class of its own or with "current": in a compound
# (xxgk_pos, zmhd_pos) it names where a block sits in the layout, news blocks included
_POSITION_TOKENS = {"pos", "curpos", "cur-pos", "cur_pos", "current-pos", "current_pos", "nowpos", "now-pos", "now_pos"}


@lru_cache(maxsize=4096)
def _noisy_words(class_value: str | None, id_value: str | None) -> bool:
    for word in _class_words(class_value, id_value):
        bare = word.rstrip("0123456789")
        if bare in _NOISE_WORDS or any(bare.startswith(p) for p in _NOISE_PREFIXES):
            return True
    return any(token.rstrip("0123456789") in _POSITION_TOKENS for token in f"{class_value or ''} {id_value or ''}".lower().split())


def in_furniture(el: etree._Element) -> bool:
    """Whether the element is page furniture or inside it."""
    node = el
    while node is not None:
        if is_furniture(node):
            return True
        node = node.getparent()
    return False


def under_widget_heading(
    container: etree._Element, short_texts: dict[etree._Element, str | None], headings: re.Pattern[str] = _NOISE_HEADINGS
) -> bool:
    """A widget headed 热点排行/今日关注… (``headings``): look at the headings just before the list and its parents.

    ``short_texts`` keeps the headings already read on this page: every item of a list looks
    at the same few elements above it.
    """
    node = container
    for _ in range(3):
        if node is None:
            return False
        sibling = node.getprevious()
        for _ in range(2):
            if sibling is None:
                break
            if sibling not in short_texts:
                short_texts[sibling] = short_text(sibling)
            text = short_texts[sibling]
            if text and headings.search(text):
                return True
            sibling = sibling.getprevious()
        node = node.getparent()
    return False


# the lines that lead to the previous and the next article (上一篇：<a>…</a> 2024-02-20)
_NEIGHBOUR_LEAD = re.compile(r"[\s【\[(（]*(上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇)")
# a block's own first words that head it (相关链接：, 推荐阅读): a heading is a few words, not a sentence
_HEADING_LENGTH = 8


def is_other_pages_block(el: etree._Element, short_texts: dict[etree._Element, str | None]) -> bool:
    """Whether an element of an article's page is a block of links to other pages, which prints
    those pages' dates: a widget headed 相关文章, 相关链接, 相关解读, 推荐阅读, 热点排行… (by a heading
    just before it, or by its own first words), or the 上一篇/下一篇 lines. No date in it belongs
    to the page it is on.

    ``short_texts``: the headings already read on this page (see under_widget_heading)."""
    if el.tag != "a" and next(el.iterdescendants("a"), None) is None:
        return False
    lead = _lead_text(el)
    return (
        bool(_NEIGHBOUR_LEAD.match(lead))
        or heads_other_pages(lead)
        or under_widget_heading(el, short_texts, _OTHER_ARTICLES_HEADINGS)
    )


def heads_other_pages(text: str) -> bool:
    """Whether a text is the heading of a block of other pages' links (相关文章, 热点排行 TOP10…)."""
    return bool(text) and len(PUNCTUATION.sub("", text)) <= _HEADING_LENGTH and bool(_OTHER_ARTICLES_HEADINGS.search(text))


# ---------------------------------------------------------------------------------------------
# URLs

_SKIP_HREF = re.compile(r"^\s*(javascript:|mailto:|tel:|data:|about:|#)", re.I)
# the placeholders of a page template left unfilled in the HTML as fetched ({{url}}, ${url},
# <%=url%>, also URL-encoded): no visitor is ever sent there, so it is no link
_TEMPLATE_HREF = re.compile(r"\{\{|\}\}|\$\{|<%|%>|%7b%7b|%7d%7d", re.I)


def resolve_link(href: str | None, base_url: str) -> str | None:
    """The absolute http(s) URL an href sends a visitor to, without its fragment; None for no
    href, a script, an e-mail or phone address, an anchor and a template's placeholder."""
    if not href or _SKIP_HREF.match(href) or _TEMPLATE_HREF.search(href):
        return None
    return absolute_url(href, base_url)


# An href of plain path segments (t1.html, 202401/t20240105_1.html, ./t1.html) joins any base as
# the base's folder followed by the href: urljoin only resolves the . and .. segments and drops
# the empty ones, which such an href does not have. Most entries' links are such hrefs, and
# the folder is worked out once per base instead of joining every one.
_PLAIN_PATH = re.compile(r"(\./)?[A-Za-z0-9_~%+=,-][A-Za-z0-9_~%+=,.-]*(/[A-Za-z0-9_~%+=,-][A-Za-z0-9_~%+=,.-]*)*/?")


@lru_cache(maxsize=4096)
def absolute_url(href: str, base_url: str) -> str | None:
    """The link's absolute http(s) URL; cached because the list, the links and the interaction
    channels of a page are read apart, each resolving the same hrefs."""
    href = href.strip().replace("\\", "/")
    if _PLAIN_PATH.fullmatch(href):
        folder = _folder_url(base_url)
        return folder + href.removeprefix("./") if folder is not None else None
    return _joined(href, base_url)


@lru_cache(maxsize=256)
def _folder_url(base_url: str) -> str | None:
    """The URL that plain relative paths continue (the base up to its last /, as urljoin makes
    it); None when the base makes them no http(s) URL."""
    probe = _joined("x", base_url)  # a one-letter href, whose letter is taken off again
    return probe[:-1] if probe is not None else None


def _joined(href: str, base_url: str) -> str | None:
    try:
        url = urldefrag(urljoin(base_url, href))[0]
    except ValueError:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def base_url_of(root: etree._Element, url: str) -> str:
    """The URL the page's links are relative to: its <base href>, else the page's own ``url``."""
    for base in root.iter("base"):
        if base.get("href"):
            return urljoin(url, base.get("href").strip())
    return url


_INDEX_FILE = re.compile(r"/(index|default)\.(s?html?|jsp|php|aspx?)$", re.I)


def same_page(a: str, b: str) -> bool:
    """Whether two URLs show the same page: fragments, trailing slashes and index files aside."""
    def norm(url: str) -> str:
        return _INDEX_FILE.sub("/", urldefrag(url)[0]).rstrip("/")

    return norm(a) == norm(b)

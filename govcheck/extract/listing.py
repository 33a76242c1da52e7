"""List pages: find a column's entries and its newest publish date without per-site rules.

A government column page is a list of links with dates (``ul/li`` with a ``<span>`` date, table
rows, ``div`` items…) wrapped in a header, a navigation, sidebars (今日关注, 热点排行), a
pagination bar and a footer (版权所有, ICP, 页面生成时间). The generic extractor groups sibling
elements of the same tag that each hold a link, scores the groups by how many of their items
carry a date and a title, ignores groups inside header/footer/nav/sidebar-like containers, and
takes the best one. The newest date of the group wins, whatever its position (pinned 置顶 items
come first and are often old).

Everything here is a plain function over an HTML string; no Scrapy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from datetime import datetime
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from govcheck.dates import parse_date, search_date

__all__ = [
    "ListEntry",
    "ListPage",
    "MorePages",
    "NavigationEntry",
    "decode_html",
    "depends_on_a_browser",
    "discover_columns",
    "extract_links",
    "extract_list",
    "list_needs_a_browser",
    "more_pages",
    "oldest_first",
]

State = Literal["entries", "empty", "unparsed"]


@dataclass(frozen=True)
class ListEntry:
    title: str
    url: str
    date: datetime | None
    date_text: str | None
    pinned: bool


@dataclass(frozen=True)
class ListPage:
    state: State
    entries: tuple[ListEntry, ...]
    newest: ListEntry | None
    reason: str = ""  # why the page is ``unparsed`` although it shows entries (kept as evidence)


# ---------------------------------------------------------------------------------------------
# decoding and parsing

def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Bytes of a page as text: BOM, then the HTTP charset, then the page's own <meta charset>.

    Government servers often send ``text/html`` without a charset and rely on the page's meta
    tag (GBK sites do); w3lib, which Scrapy uses, implements exactly that order.
    """
    from w3lib.encoding import html_to_unicode

    return html_to_unicode(content_type, body)[1]


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


_NOT_SHOWN = ("script", "style", "noscript", "template")
# form controls hold no list entries; their words (a 部门网站 dropdown, a 搜索 button) would be read as text
_FORM_CONTROLS = ("select", "textarea", "button")


def _drop(root: lxml.html.HtmlElement, tags: tuple[str, ...]) -> None:
    for el in list(root.iter(*tags)):
        if el.getparent() is not None:
            el.drop_tree()


def _shown_tree(html: str) -> lxml.html.HtmlElement | None:
    """The page without what a browser never shows (scripts, styles), Hanweb datastores expanded."""
    root = _parse(html)
    if root is None:
        return None
    _expand_datastores(root)
    _drop(root, _NOT_SHOWN)
    return root


def _content_tree(html: str) -> lxml.html.HtmlElement | None:
    """The page as lists are read from it: the shown tree without its form controls."""
    root = _shown_tree(html)
    if root is not None:
        _drop(root, _FORM_CONTROLS)
    return root


# ---------------------------------------------------------------------------------------------
# what is not the main list

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


def _words(el: etree._Element) -> tuple[str, ...]:
    return _class_words(el.get("class"), el.get("id"))


@lru_cache(maxsize=4096)
def _class_words(class_value: str | None, id_value: str | None) -> tuple[str, ...]:
    """The words of a class and id; cached because a page repeats a few values on every element."""
    value = f"{class_value or ''} {id_value or ''}".lower()
    return tuple(w for w in _CLASS_SPLIT.split(value) if w)


def _noisy_element(el: etree._Element) -> bool:
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


def _short_text(el: etree._Element, limit: int = 24) -> str | None:
    """The element's text when it is short (a heading), else None; stops reading early."""
    if not isinstance(el.tag, str):
        return None
    pieces, size = [], 0
    for piece in el.itertext():
        size += len(piece.strip())
        if size > limit:
            return None
        pieces.append(piece)
    text = _squash("".join(pieces))
    return text or None


def _noisy_heading(
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
                short_texts[sibling] = _short_text(sibling)
            text = short_texts[sibling]
            if text and headings.search(text):
                return True
            sibling = sibling.getprevious()
        node = node.getparent()
    return False


def _in_noise(el: etree._Element) -> bool:
    node = el
    while node is not None:
        if _noisy_element(node):
            return True
        node = node.getparent()
    return False


# the lines that lead to the previous and the next article (上一篇：<a>…</a> 2024-02-20)
_NEIGHBOUR_LEAD = re.compile(r"[\s【\[(（]*(上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇)")
# a block's own first words that head it (相关链接：, 推荐阅读): a heading is a few words, not a sentence
_HEADING_LENGTH = 8


def _lead_text(el: etree._Element) -> str:
    """The first piece of text an element shows, squashed."""
    for piece in el.itertext():
        if piece.strip():
            return _squash(piece)
    return ""


def _other_pages_block(el: etree._Element, short_texts: dict[etree._Element, str | None]) -> bool:
    """Whether an element of an article's page is a block of links to other pages, which prints
    those pages' dates: a widget headed 相关文章, 相关链接, 相关解读, 推荐阅读, 热点排行… (by a heading
    just before it, or by its own first words), or the 上一篇/下一篇 lines. No date in it belongs
    to the page it is on.

    ``short_texts``: the headings already read on this page (see _noisy_heading)."""
    if el.tag != "a" and next(el.iterdescendants("a"), None) is None:
        return False
    lead = _lead_text(el)
    return (
        bool(_NEIGHBOUR_LEAD.match(lead))
        or _heads_other_pages(lead)
        or _noisy_heading(el, short_texts, _OTHER_ARTICLES_HEADINGS)
    )


def _heads_other_pages(text: str) -> bool:
    """Whether a text is the heading of a block of other pages' links (相关文章, 热点排行 TOP10…)."""
    return bool(text) and len(_PUNCT.sub("", text)) <= _HEADING_LENGTH and bool(_OTHER_ARTICLES_HEADINGS.search(text))


# ---------------------------------------------------------------------------------------------
# entries

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


_SKIP_HREF = re.compile(r"^\s*(javascript:|mailto:|tel:|data:|about:|#)", re.I)


# the placeholders of a page template left unfilled in the HTML as fetched ({{url}}, ${url},
# <%=url%>, also URL-encoded): no visitor is ever sent there, so it is no link
_TEMPLATE_HREF = re.compile(r"\{\{|\}\}|\$\{|<%|%>|%7b%7b|%7d%7d", re.I)


def _resolve(href: str | None, base_url: str) -> str | None:
    if not href or _SKIP_HREF.match(href) or _TEMPLATE_HREF.search(href):
        return None
    return _absolute(href, base_url)


# An href of plain path segments (t1.html, 202401/t20240105_1.html, ./t1.html) joins any base as
# the base's folder followed by the href: urljoin only resolves the . and .. segments and drops
# the empty ones, which such an href does not have. Most entries' links are such hrefs, and
# the folder is worked out once per base instead of joining every one.
_PLAIN_PATH = re.compile(r"(\./)?[A-Za-z0-9_~%+=,-][A-Za-z0-9_~%+=,.-]*(/[A-Za-z0-9_~%+=,-][A-Za-z0-9_~%+=,.-]*)*/?")


@lru_cache(maxsize=4096)
def _absolute(href: str, base_url: str) -> str | None:
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


def _link_title(a: etree._Element) -> str:
    return _title_of(a, _squash(a.text_content()))


def _title_of(a: etree._Element, text: str) -> str:
    """The title of link ``a`` whose squashed text is ``text``."""
    attr = _squash(a.get("title") or "")
    if not text:
        return attr or _image_title(a)
    if attr and len(attr) > len(text) and (text.endswith(("...", "…", "..")) or attr.startswith(text[:4])):
        return attr  # truncated link text: the title attribute carries the whole title
    return text


def _image_title(a: etree._Element) -> str:
    """A link showing only an image (a 市长信箱 banner, a picture news entry) is named by it: alt, else title."""
    for img in a.iter("img"):
        name = _squash(img.get("alt") or "") or _squash(img.get("title") or "")
        if name:
            return name
    return ""


_PIN_WORDS = {"top", "zhiding", "zd", "istop", "settop", "sticky", "ding", "topping"}
_PIN_IMAGE = re.compile(r"(zhiding|(^|[/_\-])zd|(^|[/_\-])top)[^/]*\.(gif|png|jpe?g|svg)$", re.I)


def _is_pinned(item: etree._Element, text: str) -> bool:
    if "置顶" in text:
        return True
    for el in item.iter():
        if not isinstance(el.tag, str):
            continue
        if not _PIN_WORDS.isdisjoint(_words(el)):
            return True
        if el.tag == "img":
            if "置顶" in (el.get("alt") or "") + (el.get("title") or ""):
                return True
            if _PIN_IMAGE.search(el.get("src") or ""):
                return True
    return False


_PIN_MARK = re.compile(r"^\s*[\[【(（]?\s*置顶\s*[\]】)）]?\s*")


def _segments(item: etree._Element) -> Iterator[tuple[str, bool]]:
    """Text pieces of an item in document order, each with whether it is inside a link."""

    def walk(el: etree._Element, in_link: bool) -> Iterator[tuple[str, bool]]:
        inside = in_link or el.tag == "a"
        if el.text:
            yield el.text, inside
        for child in el:
            if isinstance(child.tag, str):
                yield from walk(child, inside)
            if child.tail:
                yield child.tail, inside

    yield from walk(item, False)
    if item.tag == "a" and item.tail:
        # links separated by <br>: the date follows the link as plain text
        yield item.tail.split("\n")[0], False


_LABELS = re.compile(r"发布时间|发布日期|更新时间|更新日期|发文日期|成文日期|留言时间|回复时间|日期|时间|发布|更新")
_PUNCT = re.compile(r"[\s\[\]【】()（）<>《》〈〉:：|｜/\\\-—–_·•.,，、;；'\"“”]+")
_STACKED_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s+(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$")
_STACKED_MONTH_FIRST = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s+(\d{1,2})\s*日?\s*$")


def _residue(text: str, matched: str) -> str:
    rest = text.replace(matched, " ", 1)
    rest = re.sub(r"\d{1,2}:\d{2}(:\d{2})?", " ", rest)
    return _PUNCT.sub("", _LABELS.sub("", rest))


def _stacked_date(item: etree._Element, as_of: datetime) -> tuple[str, datetime] | None:
    """<div class="date"><b>19</b><span>2024-02</span></div>: day and year-month in separate elements."""
    for el in item.iter():
        if not isinstance(el.tag, str) or el.tag == "a" or len(el) == 0 or not _starts_with_digit(el):
            continue
        pieces = [p.strip() for p in el.itertext() if p.strip()]
        if not 2 <= len(pieces) <= 3:
            continue
        joined = " ".join(pieces)
        if m := _STACKED_DAY_FIRST.match(joined):
            day, year, month = m.groups()
        elif m := _STACKED_MONTH_FIRST.match(joined):
            year, month, day = m.groups()
        else:
            continue
        when = parse_date(f"{year}-{int(month):02d}-{int(day):02d}", as_of)
        if when is not None:
            return joined, when
    return None


def _starts_with_digit(el: etree._Element) -> bool:
    """Whether the element's text starts with a digit, whitespace aside: a stacked date's does.
    Looks at the first piece only, before the whole text is listed."""
    for piece in el.itertext():
        if piece.strip():
            return piece.lstrip()[0].isdecimal()  # what \d matches
    return False


def _piece_date(text: str, as_of: datetime) -> tuple[str, datetime, bool] | None:
    """The first date in a piece of an item's text, and whether the piece is (nearly) only that date."""
    found = search_date(text, as_of)
    if not found:
        return None
    matched, when = found
    return matched, when, len(_residue(text, matched)) <= 2


@dataclass
class _Item:
    element: etree._Element
    title: str
    url: str
    date: datetime | None
    date_text: str | None
    text: str  # the item's whole text, squashed

    @cached_property
    def pinned(self) -> bool:
        # read only for the entries of the chosen list: most items of a page are candidates that lose
        return _is_pinned(self.element, self.text)


_MAX_LINKS_PER_ITEM = 4
_MAX_ITEM_TEXT = 600
_MIN_TITLE = 4


class _ItemReader:
    """Reads a page's elements as list items, working out each link's URL and title, each
    element's text and the date in each piece of text once: the search reads an entry at every
    level of its list (the <a> of an <li> as a one-item group, then the <li> in its <ul>'s group)."""

    def __init__(self, base_url: str, as_of: datetime) -> None:
        self.base_url = base_url
        self.as_of = as_of
        self._urls: dict[str | None, str | None] = {}
        self._texts: dict[etree._Element, str] = {}
        self._titles: dict[etree._Element, str] = {}
        self._piece_dates: dict[str, tuple[str, datetime, bool] | None] = {}

    def url(self, href: str | None) -> str | None:
        if href not in self._urls:
            self._urls[href] = _resolve(href, self.base_url)
        return self._urls[href]

    def text(self, el: etree._Element) -> str:
        """The element's whole text, squashed."""
        if el not in self._texts:
            self._texts[el] = _squash(el.text_content())
        return self._texts[el]

    def title(self, a: etree._Element) -> str:
        if a not in self._titles:
            self._titles[a] = _title_of(a, self.text(a))
        return self._titles[a]

    def date(self, item: etree._Element) -> tuple[str, datetime] | None:
        """The item's own date: a piece of text that is (nearly) only a date beats a date inside a title."""
        stacked = _stacked_date(item, self.as_of)
        if stacked:
            return stacked
        weak: tuple[str, datetime] | None = None
        for text, in_link in _segments(item):
            if not text.strip():
                continue
            if text not in self._piece_dates:
                self._piece_dates[text] = _piece_date(text, self.as_of)
            found = self._piece_dates[text]
            if not found:
                continue
            matched, when, alone = found
            if alone:
                return matched, when
            if weak is None:
                after = text[text.find(matched) + len(matched):]
                if not in_link or not _PUNCT.sub("", after):
                    weak = (matched, when)  # a labelled date in a line of text, or a date ending a title
        return weak

    def item(self, el: etree._Element) -> _Item | None:
        links = [el] if el.tag == "a" else list(el.iter("a"))
        best: tuple[str, str] | None = None
        hrefs: set[str] = set()
        for a in links:
            url = self.url(a.get("href"))
            if not url:
                continue
            hrefs.add(url)
            if len(hrefs) > _MAX_LINKS_PER_ITEM:
                return None  # a container of many links, not one entry: stop before reading them all
            title = self.title(a)
            if best is None or len(title) > len(best[0]):
                best = (title, url)
        if best is None or len(hrefs) > _MAX_LINKS_PER_ITEM:
            return None
        text = self.text(el)
        if len(text) > _MAX_ITEM_TEXT:
            return None
        title = _PIN_MARK.sub("", best[0]).strip()
        if len(title) < _MIN_TITLE:
            return None
        found = self.date(el)
        return _Item(
            element=el,
            title=title,
            url=best[1],
            date=_with_year_of_url(found[1], found[0], best[1]) if found else None,
            date_text=found[0] if found else None,
            text=text,
        )


# a publish date in an entry's address: TRS t20180315_4755, /201803/, /2017-03/13/, /2018/3/20/, _20180320
_URL_DATES = (
    re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(?![0-9])"),
    re.compile(r"/((?:19|20)[0-9]{2})[-/]?(0?[1-9]|1[0-2])/(?:(0?[1-9]|[12][0-9]|3[01])/)?"),
)
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def _url_date(url: str) -> tuple[int, int, int | None] | None:
    """The (year, month, day or None) an entry's address carries, when it carries one."""
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        if match := pattern.search(path):
            year, month, day = match.groups()
            return int(year), int(month), int(day) if day else None
    return None


def _with_year_of_url(when: datetime, date_text: str, url: str) -> datetime:
    """A date printed without its year (``03-15``) takes the year of the entry's address when the
    address dates the same day (/ggtz/201803/t20180315_4755.html), or only a month and the same
    month (/202310/…): the monitoring point's year is only a guess, wrong for a list that still
    shows items of earlier years. A January date in a December folder is of the next year. An
    address dating another day or month says nothing sure, and the guess stands: it is never
    older than the truth, so it never makes a page look stale."""
    if _YEAR.search(date_text):
        return when
    dated = _url_date(url)
    if dated is None:
        return when
    year, month, day = dated
    if day is None and month == 12 and when.month == 1:
        year += 1
    elif month != when.month or day not in (None, when.day):
        return when
    try:
        return when.replace(year=year)
    except ValueError:  # 02-29 in a year without one
        return when


def _entry(item: _Item) -> ListEntry:
    return ListEntry(title=item.title, url=item.url, date=item.date, date_text=item.date_text, pinned=item.pinned)


# ---------------------------------------------------------------------------------------------
# groups

_ITEM_TAGS = {"li", "tr", "div", "dd", "dt", "dl", "p", "a", "table", "article", "section", "span", "h3", "h4"}


@dataclass
class _Group:
    parent: etree._Element
    tag: str
    items: list[_Item]

    @property
    def dated(self) -> int:
        return sum(1 for i in self.items if i.date is not None)

    @property
    def is_dated(self) -> bool:
        return self.dated > 0 and self.dated * 2 >= len(self.items)

    @property
    def mean_title(self) -> float:
        return sum(len(i.title) for i in self.items) / len(self.items)

    def score(self) -> tuple[int, float]:
        if self.is_dated:
            return 1, self.dated * 10 + len(self.items) + min(self.mean_title, 40) / 10
        return 0, len(self.items) + min(self.mean_title, 40) / 10

    @property
    def qualifies(self) -> bool:
        if self.is_dated:
            return True
        return len(self.items) >= 3 and self.mean_title >= 8


def _groups(root: etree._Element, reader: _ItemReader) -> list[_Group]:
    groups: list[_Group] = []
    short_texts: dict[etree._Element, str | None] = {}

    def visit(parent: etree._Element) -> None:
        """Collects the groups of ``parent``'s children and below; ``parent`` is no page furniture."""
        elements = [c for c in parent if isinstance(c.tag, str)]
        furniture = {c for c in elements if _noisy_element(c)}
        by_tag: dict[str, list[etree._Element]] = {}
        for child in elements:
            if child.tag in _ITEM_TAGS:
                by_tag.setdefault(child.tag, []).append(child)
        found = []
        for tag, children in by_tag.items():
            items = [i for c in children if c not in furniture and (i := reader.item(c))]
            if items:
                found.append(_Group(parent, tag, items))
        qualified = [g for g in found if g.qualifies]
        # A 热点排行/今日关注 heading drops this widget's groups and everything inside it: read the
        # headings only when there is something to drop (no group lies below an entry's <li>, whose link is its child).
        if found and (qualified or _links_below(parent)) and _noisy_heading(parent, short_texts):
            return
        groups.extend(qualified)
        for child in elements:
            if len(child) and child not in furniture:  # an element without children holds no group
                visit(child)

    body = root.find("body")
    top = body if body is not None else root
    if not _noisy_element(top):
        visit(top)
    return groups


def _links_below(parent: etree._Element) -> bool:
    """Whether a link lies inside one of the element's children: a group of items below them needs one."""
    return any(a.getparent() is not parent for a in parent.iterdescendants("a"))


def _signature(el: etree._Element) -> tuple[str, str]:
    return el.tag, " ".join(sorted((el.get("class") or "").split()))


def _merge_siblings(best: _Group, groups: list[_Group]) -> list[_Item]:
    """Lists printed in blocks (five <li> per <ul>, a divider between) are one list."""
    grandparent = best.parent.getparent()
    if grandparent is None:
        return best.items
    sig = _signature(best.parent)
    merged = [
        g for g in groups
        if g.tag == best.tag and g.is_dated == best.is_dated and g.parent.getparent() is grandparent
        and _signature(g.parent) == sig
    ]
    if len(merged) <= 1:
        return best.items
    order = {el: n for n, el in enumerate(grandparent.iter())}
    items = [i for g in merged for i in g.items]
    return sorted(items, key=lambda i: order.get(i.element, 0))


def _with_other_blocks(main: list[_Item], dated: list[_Group]) -> list[_Item]:
    """The main list's items, then those of the other dated groups in page order, each link once."""
    items, seen = list(main), {i.url for i in main}
    for group in dated:
        for item in group.items:
            if item.url not in seen:
                seen.add(item.url)
                items.append(item)
    return items


# ---------------------------------------------------------------------------------------------
# "nothing here" pages

_EMPTY_MARKERS = re.compile(
    r"暂无(信息|数据|内容|记录|相关|文章|新闻|公告|资料|文件)"
    r"|没有(找到|查询到|检索到)?(任何)?(相关|符合条件)?的?(记录|信息|数据|内容|结果|文章)"
    r"|(?<![有])无(相关)?记录|无相关(信息|内容|数据)|查询(结果)?为空|(本|该)栏目(暂无|尚无|暂时没有|没有)"
    r"|尚无(信息|内容|数据)|^\s*no (data|records?|results?)\b",
    re.I,
)


def _hidden(el: etree._Element) -> bool:
    node = el
    while node is not None and isinstance(node.tag, str):
        style = (node.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or node.get("hidden") is not None:
            return True
        node = node.getparent()
    return False


def _empty_marker(root: etree._Element) -> tuple[str, etree._Element] | None:
    """The visible words saying the page has nothing (暂无信息…) and the element holding them."""
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str):
            continue
        for text, holder in ((el.text, el), (el.tail, el.getparent())):
            if not text or len(text.strip()) > 40 or not _EMPTY_MARKERS.search(text.strip()):
                continue
            if holder is None or holder.tag == "a" or _in_noise(holder) or _hidden(holder):
                continue
            return text.strip(), holder
    return None


def _says_empty(root: etree._Element) -> str:
    """The visible words saying the page has nothing (暂无信息…), or "" when it says no such thing."""
    marker = _empty_marker(root)
    return marker[0] if marker else ""


def _beside(marker: etree._Element, list_parent: etree._Element) -> bool:
    """Whether words saying "empty" sit in the same block as a list: under the list's parent, or
    under its grandparent unless that is the whole page (a 专题 block elsewhere on an empty
    column page is no contradiction)."""
    blocks = [list_parent]
    grandparent = list_parent.getparent()
    if grandparent is not None and grandparent.tag not in ("body", "html"):
        blocks.append(grandparent)
    return any(marker is block or _is_ancestor(block, marker) for block in blocks)


# ---------------------------------------------------------------------------------------------
# selectors

class SelectorError(ValueError):
    """A register's 选择器 that cannot select a page's elements; the message says why."""


# XPath 1.0's functions and node tests: a predicate's unknown function (or variable) is only
# found when it is evaluated on a matching element, so it is looked for in the text.
XPATH_FUNCTIONS = frozenset(
    "last position count id local-name namespace-uri name string concat starts-with contains substring-before "
    "substring-after substring string-length normalize-space translate boolean not true false lang number sum "
    "floor ceiling round node text comment processing-instruction".split()
)
_XPATH_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_XPATH_CALL = re.compile(r"(?<![\w.:-])([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")


def _unknown_functions(expression: str) -> list[str]:
    text = _XPATH_LITERAL.sub("''", expression)
    return [m.group(1) for m in _XPATH_CALL.finditer(text) if m.group(1) not in XPATH_FUNCTIONS]


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> etree.XPath:
    """A 选择器 as the XPath that finds its elements: CSS, or XPath when it starts with ``/``
    or ``(``. Raises SelectorError when it does not compile, or when it gives something other
    than elements (``count(//li)``, an unknown function, a variable): the register import
    refuses it at its row, so a crawl never meets it."""
    selector = selector.strip()
    if selector.startswith(("/", "(")):
        expression = selector
    else:
        from cssselect import HTMLTranslator, SelectorError as CssError

        try:
            expression = HTMLTranslator().css_to_xpath(selector)
        except CssError as error:
            hint = " (an XPath starts with / or ( )" if any(c in selector for c in "/@(") else ""
            raise SelectorError(f"not valid CSS{hint}: {error}") from None
    unknown = _unknown_functions(expression)
    if unknown:
        raise SelectorError(f"not valid XPath: unknown function {unknown[0]}()")
    if "$" in _XPATH_LITERAL.sub("''", expression):
        raise SelectorError("not valid XPath: a variable ($…), which nothing gives a value")
    try:
        compiled = etree.XPath(expression)
        found = compiled(lxml.html.fromstring("<html><body><p>x</p></body></html>"))
    except etree.XPathError as error:
        raise SelectorError(f"not valid XPath: {error}") from None
    if not isinstance(found, list):
        raise SelectorError(f"gives a {type(found).__name__}, not the page's elements")
    return compiled


def _select(root: etree._Element, selector: str) -> list[etree._Element]:
    found = compile_selector(selector)(root)
    return [el for el in found if isinstance(el, etree._Element) and isinstance(el.tag, str)]


# ---------------------------------------------------------------------------------------------
# public API

def _page(state: State, items: list[_Item]) -> ListPage:
    entries = tuple(_entry(i) for i in items)
    dated = [e for e in entries if e.date is not None]
    newest = max(dated, key=lambda e: e.date) if dated else None  # max keeps the first of equals
    return ListPage(state=state, entries=entries, newest=newest)


def extract_list(
    html: str, base_url: str, as_of: datetime, selector: str | None = None, home: bool = False
) -> ListPage:
    """The main list of a column page, its entries and the entry with the newest date.

    ``selector`` (CSS, or XPath when it starts with ``/`` or ``(``) names the entry elements and
    replaces the generic search. ``state`` is ``entries``, ``empty`` when the page itself says
    there is nothing (暂无信息…), or ``unparsed`` when no list could be found.

    ``home``: the page is a home page, whose news come in several blocks (要闻, 通知公告, 政策文件…)
    of different markup. Its entries are the main list's, then those of every other dated block
    outside page furniture, so the newest entry is the newest of the whole page.
    """
    root = _content_tree(html)
    if root is None:
        return ListPage("unparsed", (), None)
    base_url = _base_href(root, base_url)
    if selector:
        reader = _ItemReader(base_url, as_of)
        items = [i for el in _select(root, selector) if (i := reader.item(el))]
        if items:
            return _page("entries", items)
        return ListPage("empty" if _says_empty(root) else "unparsed", (), None)

    groups = _groups(root, _ItemReader(base_url, as_of))
    dated = [g for g in groups if g.is_dated]
    if dated:
        best = max(dated, key=_Group.score)
        items = _merge_siblings(best, dated)
        if home:
            items = _with_other_blocks(items, dated)
        return _page("entries", items)
    marker = _empty_marker(root)
    if groups:
        best = max(groups, key=_Group.score)
        page = _page("entries", _merge_siblings(best, groups))
        if marker is None:
            return page
        if _beside(marker[1], best.parent):
            # The page says it is empty beside a list (without dates): the signals conflict,
            # neither blank nor entries can be told. The entries stay as evidence for review.
            reason = f"the page says it is empty ({marker[0]}) beside a list of {len(page.entries)} undated entries"
            return ListPage("unparsed", page.entries, None, reason)
    if marker is not None:
        return ListPage("empty", (), None)
    return ListPage("unparsed", (), None)


def oldest_first(page: ListPage) -> bool:
    """Whether the list runs from old to new: at least three dated entries (pinned ones aside),
    each no older than the one before it, the last newer than the first. On such a list the
    newest entries are on its last page, when it has more than one."""
    dates = [entry.date for entry in page.entries if entry.date is not None and not entry.pinned]
    return len(dates) >= 3 and dates[0] < dates[-1] and all(a <= b for a, b in zip(dates, dates[1:]))


# what a list's pagination bar says: more pages, and the link to the last one
_MORE_PAGES = re.compile(r"下一页|尾页|末页|最后一页|共\s*\d+\s*页|第\s*\d+\s*/\s*\d+\s*页|\d+\s*/\s*\d+\s*页")
_LAST_PAGE = re.compile(r"^\s*(尾页|末页|最后一页|最后页)\s*$")


@dataclass(frozen=True)
class MorePages:
    """A list page's pagination: the page's own words for it, and the last page's address when a link names it."""

    says: str  # e.g. 下一页, 共5页
    last_page_url: str | None


def more_pages(html: str, base_url: str) -> MorePages | None:
    """Whether the page says its list goes on over more pages (下一页, 尾页, 共N页…), from the
    text it shows; None when it does not."""
    root = _shown_tree(html)
    if root is None:
        return None
    found = _MORE_PAGES.search(root.text_content())
    if found is None:
        return None
    base_url = _base_href(root, base_url)
    last = next((el for el in root.iter("a") if _LAST_PAGE.match(el.text_content() or "")), None)
    return MorePages(re.sub(r"\s+", "", found.group()), _resolve(last.get("href"), base_url) if last is not None else None)


def _base_href(root: etree._Element, base_url: str) -> str:
    for base in root.iter("base"):
        if base.get("href"):
            return urljoin(base_url, base.get("href").strip())
    return base_url


def extract_links(html: str, base_url: str) -> list[str]:
    """Absolute http(s) links of a page (<a>/<area>), in page order, without duplicates or fragments."""
    root = _parse(html)
    if root is None:
        return []
    base_url = _base_href(root, base_url)
    _drop(root, ("template",))  # markup kept for scripts to copy, never shown as it is
    seen: dict[str, None] = {}
    for el in root.iter("a", "area"):
        url = _resolve(el.get("href"), base_url)
        if url:
            seen.setdefault(url, None)
    return list(seen)


_MORE = re.compile(r"^\s*(更多|more|查看更多|更多>+|>>|»|\+)\s*[>+»]*\s*$", re.I)
_NOT_COLUMNS = {
    "首页", "网站首页", "返回首页", "主页", "home", "设为首页", "加入收藏", "无障碍", "无障碍浏览", "长者模式",
    "关怀版", "English", "繁体", "简体", "登录", "注册", "搜索", "网站地图", "联系我们",
}
_NAV_WORDS = {"nav", "navbar", "menu", "daohang", "dh", "mainnav", "topnav"}


def _nav_container(el: etree._Element) -> bool:
    if el.tag == "nav":
        return True
    for word in _words(el):
        bare = word.rstrip("0123456789")
        if bare in _NAV_WORDS or bare.startswith(("nav", "menu")):
            return True
    return False


def _same_site(url: str, base_url: str) -> bool:
    host, base = (urlsplit(u).hostname or "" for u in (url, base_url))
    if host == base:
        return True
    if re.fullmatch(r"[\d.]+|\[.*\]", base):
        return False
    keep = 3 if base.endswith((".gov.cn", ".com.cn", ".org.cn", ".edu.cn")) else 2
    return host.split(".")[-keep:] == base.split(".")[-keep:]


_INDEX_FILE = re.compile(r"/(index|default)\.(s?html?|jsp|php|aspx?)$", re.I)


def _same_page(a: str, b: str) -> bool:
    norm = lambda u: _INDEX_FILE.sub("/", urldefrag(u)[0]).rstrip("/")
    return norm(a) == norm(b)


@dataclass(frozen=True)
class NavigationEntry:
    """A column a home page links to: from its navigation, or from a news block's 更多 link."""

    name: str
    url: str
    # an entry of the navigation bar itself (一级栏目), not one of its submenus or hover panels,
    # nor a news block's 更多 link
    first_level: bool


def discover_columns(html: str, base_url: str) -> list[NavigationEntry]:
    """Columns a home page links to: its navigation menus, then the 更多 links of its news blocks.

    One entry per URL, in page order; a menu item that opens a submenu gives way to the submenu
    entry pointing at the same page (信息公开 → 通知公告), and a submenu entry to an entry of the
    bar itself that points at the same page.
    """
    root = _content_tree(html)
    if root is None:
        return []
    base_url = _base_href(root, base_url)
    found: dict[str, tuple[str, bool, bool]] = {}  # url → (name, opens a submenu, first level)

    def add(name: str, url: str | None, is_parent: bool, first_level: bool) -> None:
        name = _squash(name).strip("·>»+ 　")
        if not url or not name or name in _NOT_COLUMNS or not 2 <= len(name) <= 15 or _MORE.match(name):
            return  # a 更多 link names no column: its block's heading does (below)
        if not _same_site(url, base_url) or _same_page(url, base_url):
            return
        if url not in found:
            found[url] = (name, is_parent, first_level)
            return
        _, known_is_parent, known_first_level = found[url]
        if not is_parent and (known_is_parent or (first_level and not known_first_level)):
            found[url] = (name, is_parent, first_level)

    navs = [el for el in root.iter() if isinstance(el.tag, str) and _nav_container(el)]
    navs = [el for el in navs if not any(other is not el and _is_ancestor(other, el) for other in navs)]
    for nav in navs:
        bar = _bar_entries(nav)
        for a in nav.iter("a"):
            holder = a.getparent()
            is_parent = holder is not None and any(
                x is not a and x.tag in ("ul", "div", "dl", "ol") and x.find(".//a") is not None for x in holder
            )
            add(_link_title(a), _resolve(a.get("href"), base_url), is_parent, a in bar)

    for a in root.iter("a"):
        if not _MORE.match(_squash(a.text_content())) or _in_noise(a):
            continue
        url = _resolve(a.get("href"), base_url)
        node = a.getparent()
        for _ in range(3):
            if node is None:
                break
            name = _squash(" ".join(t for el in node.iter() if el is not a and not _is_ancestor(a, el)
                                    for t in _own_texts(el, a)))
            if name:
                add(name, url, False, False)
                break
            node = node.getparent()
    return [NavigationEntry(name, url, first_level) for url, (name, _, first_level) in found.items()]


# a list inside a bar's entry is its submenu (dd: the panel of a dt entry)
_SUBMENU_TAGS = {"ul", "ol", "dd"}


def _bar_entries(nav: etree._Element) -> set[etree._Element]:
    """The links of a navigation container's bar: the entries of its shallowest group of sibling
    elements of one tag that each hold a link (the most of them on a tie), each entry's own link.
    What else the container holds (submenus, hover panels, banners) is below the first level."""
    best: tuple[int, int] | None = None
    entries: list[etree._Element] = []
    depth_of = {nav: 0}
    for el in nav.iter():
        if not isinstance(el.tag, str):
            continue
        depth = depth_of[el] if el is not nav else 0
        by_tag: dict[str, list[etree._Element]] = {}
        for child in el:
            if isinstance(child.tag, str):
                depth_of[child] = depth + 1
                if child.tag == "a" or next(child.iter("a"), None) is not None:
                    by_tag.setdefault(child.tag, []).append(child)
        for items in by_tag.values():
            rank = (depth, -len(items))
            if len(items) >= 2 and (best is None or rank < best):
                best, entries = rank, items
    return {link for item in entries if (link := _own_link(item)) is not None}


def _own_link(item: etree._Element) -> etree._Element | None:
    """The link of a bar's entry itself: its first link, unless that one sits in a submenu (the
    entry is then a heading without a link of its own)."""
    if item.tag == "a":
        return item
    for a in item.iter("a"):
        node = a.getparent()
        while node is not None and node is not item:
            if node.tag in _SUBMENU_TAGS:
                return None
            node = node.getparent()
        return a
    return None


def _is_ancestor(ancestor: etree._Element, el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _own_texts(el: etree._Element, skip: etree._Element) -> Iterator[str]:
    if el.text and el is not skip:
        yield el.text
    for child in el:
        if child.tail and child is not skip:
            yield child.tail


_FETCHES = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(ajax|get|post|getJSON)\s*\(|jQuery\.(ajax|get|post|getJSON)\s*\("
    r"|\baxios\b|\.load\s*\(\s*['\"]|new\s+Vue\s*\(|createApp\s*\(|ReactDOM|\.jpage\s*\(",
)
_LIST_HOLDER = re.compile(r"list|news|data|item|content|article|app|container|result|table", re.I)


def list_needs_a_browser(html: str, as_of: datetime) -> bool:
    """True when no entries were found in the HTML (read as of ``as_of``) but a browser may show them.

    That is: no list (and no 暂无信息), and inline scripts fetching data (fetch, XMLHttpRequest,
    $.ajax/$.get/$.getJSON, axios, Vue/React mounts), an empty list container next to scripts,
    or another page shown in a frame (older 政务公开 systems show a column's list in an
    <iframe>). Such a column is worth opening in a browser (render: playwright).
    """
    root = _parse(html)
    if root is None:
        return False
    page = extract_list(html, "http://localhost/", as_of)
    if page.state != "unparsed" or page.entries:  # a list or 暂无信息 in the HTML: nothing to render
        return False
    return _fills_by_script(root) or _shows_a_frame(root)


# <script type> values a browser runs; others (application/json, ld+json, text/template) hold data
_RUNNABLE_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"})


def depends_on_a_browser(html: str) -> bool:
    """Whether a browser may show this page otherwise than its HTML: it runs a script (a file or
    inline code, or the body's onload) or shows another page in a frame. A list filled by a script
    file, or shown in an <iframe>, leaves no other sign in the HTML."""
    root = _parse(html)
    return root is not None and (_runs_scripts(root) or _shows_a_frame(root))


def _shows_a_frame(root: etree._Element) -> bool:
    """Whether the page shows another page in a frame (blank and script frames do not count)."""
    return any(_is_page_address(frame.get("src")) for frame in root.iter("iframe", "frame"))


def _runs_scripts(root: etree._Element) -> bool:
    """Whether the page runs a script: a script file, inline code, or the body's onload."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() in _RUNNABLE_SCRIPT_TYPES and (script.get("src") or (script.text or "").strip()):
            return True
    return any(body.get("onload") for body in root.iter("body"))


def _is_page_address(src: str | None) -> bool:
    src = (src or "").strip().lower()
    return bool(src) and not src.startswith(("about:", "javascript:", "data:"))


def _fills_by_script(root: lxml.html.HtmlElement) -> bool:
    scripts = list(root.iter("script"))
    if not scripts:
        return False
    if any(_FETCHES.search(s.text or "") for s in scripts):
        return True
    for el in root.iter("ul", "ol", "tbody", "table", "div", "dl"):
        if len(el) == 0 and not (el.text or "").strip() and not _in_noise(el):
            if _LIST_HOLDER.search(f"{el.get('id') or ''} {el.get('class') or ''}"):
                return True
    return False

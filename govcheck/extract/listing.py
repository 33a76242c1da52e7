"""List pages: find a column's entries and its newest publish date without per-site rules.

A government column page is a list of links with dates (``ul/li`` with a ``<span>`` date, table
rows, ``div`` items…) wrapped in a header, a navigation, sidebars (今日关注, 热点排行), a
pagination bar and a footer (版权所有, ICP, 页面生成时间). The generic extractor groups sibling
elements of the same tag that each hold a link, scores the groups by how many of their items
carry a date and a title, ignores groups inside header/footer/nav/sidebar-like containers, and
takes the best one. The newest date of the group wins, whatever its position (pinned 置顶 items
come first and are often old).

Everything here is a plain function over a parsed page (govcheck.extract.html); no Scrapy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from datetime import datetime
from typing import Literal, cast
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from govcheck.dates import parse_date, search_date
from govcheck.extract.html import (
    PUNCTUATION,
    Document,
    as_document,
    base_url_of,
    class_words,
    in_furniture,
    is_ancestor,
    is_furniture,
    is_hidden,
    link_title,
    resolve_link,
    squash,
    under_widget_heading,
)

__all__ = [
    "ListEntry",
    "ListPage",
    "SelectorError",
    "compile_selector",
    "extract_list",
    "says_empty",
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
# entries

_PIN_WORDS = {"top", "zhiding", "zd", "istop", "settop", "sticky", "ding", "topping"}
_PIN_IMAGE = re.compile(r"(zhiding|(^|[/_\-])zd|(^|[/_\-])top)[^/]*\.(gif|png|jpe?g|svg)$", re.I)


def _is_pinned(item: etree._Element, text: str) -> bool:
    if "置顶" in text:
        return True
    for el in item.iter():
        if not isinstance(el.tag, str):
            continue
        if not _PIN_WORDS.isdisjoint(class_words(el)):
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
_STACKED_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s+(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$")
_STACKED_MONTH_FIRST = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s+(\d{1,2})\s*日?\s*$")


def _residue(text: str, matched: str) -> str:
    rest = text.replace(matched, " ", 1)
    rest = re.sub(r"\d{1,2}:\d{2}(:\d{2})?", " ", rest)
    return PUNCTUATION.sub("", _LABELS.sub("", rest))


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
            self._urls[href] = resolve_link(href, self.base_url)
        return self._urls[href]

    def text(self, el: etree._Element) -> str:
        """The element's whole text, squashed."""
        if el not in self._texts:
            self._texts[el] = squash(el.text_content())
        return self._texts[el]

    def title(self, a: etree._Element) -> str:
        if a not in self._titles:
            self._titles[a] = link_title(a, self.text(a))
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
                if not in_link or not PUNCTUATION.sub("", after):
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
        furniture = {c for c in elements if is_furniture(c)}
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
        if found and (qualified or _links_below(parent)) and under_widget_heading(parent, short_texts):
            return
        groups.extend(qualified)
        for child in elements:
            if len(child) and child not in furniture:  # an element without children holds no group
                visit(child)

    body = root.find("body")
    top = body if body is not None else root
    if not is_furniture(top):
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


def _empty_marker(root: etree._Element) -> tuple[str, etree._Element] | None:
    """The visible words saying the page has nothing (暂无信息…) and the element holding them."""
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str):
            continue
        for text, holder in ((el.text, el), (el.tail, el.getparent())):
            if not text or len(text.strip()) > 40 or not _EMPTY_MARKERS.search(text.strip()):
                continue
            if holder is None or holder.tag == "a" or in_furniture(holder) or is_hidden(holder):
                continue
            return text.strip(), holder
    return None


def says_empty(root: etree._Element) -> str:
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
    return any(marker is block or is_ancestor(block, marker) for block in blocks)


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
    newest = max(dated, key=lambda e: cast(datetime, e.date)) if dated else None  # max keeps the first of equals
    return ListPage(state=state, entries=entries, newest=newest)


def extract_list(
    page: Document | str, base_url: str, as_of: datetime, selector: str | None = None, home: bool = False
) -> ListPage:
    """The main list of a column page, its entries and the entry with the newest date.

    ``selector`` (CSS, or XPath when it starts with ``/`` or ``(``) names the entry elements and
    replaces the generic search. ``state`` is ``entries``, ``empty`` when the page itself says
    there is nothing (暂无信息…), or ``unparsed`` when no list could be found.

    ``home``: the page is a home page, whose news come in several blocks (要闻, 通知公告, 政策文件…)
    of different markup. Its entries are the main list's, then those of every other dated block
    outside page furniture, so the newest entry is the newest of the whole page.
    """
    document = as_document(page)
    return document.remember(
        ("extract_list", base_url, as_of, selector, home), lambda: _read_list(document, base_url, as_of, selector, home)
    )


def _read_list(document: Document, base_url: str, as_of: datetime, selector: str | None, home: bool) -> ListPage:
    root = document.content
    if root is None:
        return ListPage("unparsed", (), None)
    base_url = base_url_of(root, base_url)
    if selector:
        reader = _ItemReader(base_url, as_of)
        items = [i for el in _select(root, selector) if (i := reader.item(el))]
        if items:
            return _page("entries", items)
        return ListPage("empty" if says_empty(root) else "unparsed", (), None)

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

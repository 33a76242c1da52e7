"""服务不实用 (2), 办事指南要素: the links to guides (办事指南) a page gives, and which of the
element classes a guide shows. Plain functions over a page (its HTML or a parsed Document), no
Scrapy.

Links (:func:`find_guide_links`): a link named with a word of govcheck/data/guide_links.txt
(办事指南, 服务指南…). One on the page's own registrable domain (``www.weinan.gov.cn`` and
``xxgk.weinan.gov.cn`` are one site) is the site's own guide; one to a 政务服务网 (a host with a
word of the profile's ``portal_hosts``, zwfw…) or to another registrant's site is a guide
elsewhere: the platform's, not the site's, recorded and not judged.

Elements (:func:`read_guide`): the 8 classes of the 2015 普查's 办事指南 说明, each with its names
(govcheck/data/guide_elements.txt). A class is present when one of its names is a field label
with some content after it. The page's text is read as a visitor reads it, block by block (a
table cell, a dt or dd, a heading, a paragraph): a block that is a label only (``申请条件``,
``三、申请材料：``, ``【办理时间】``) is followed by its content in the next block, or in the cell
below in a table whose first row names the fields; a block ``办理时间：工作日…`` holds both. A
label followed only by other labels (a tab bar, a table of contents, a header row over empty
cells) shows no content: its class is ``unclear``, never missing (the content may be shown by a
script or a click). 事项名称 is also present when the guide has a title (its first heading, else
the document's title). Hidden text counts (a tab's content is one click away).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from lxml import etree

from govcheck.extract.channel_search import clickables, platform_word
from govcheck.extract.html import Document, as_document, base_url_of, squash
from govcheck.network_policy import registrable_domain

__all__ = [
    "GuideClass",
    "GuideLink",
    "GuideLinks",
    "GuideReading",
    "find_guide_links",
    "guide_classes",
    "guide_link_words",
    "guide_record",
    "link_place",
    "read_guide",
]

ELEMENTS_FILE = "guide_elements.txt"  # in govcheck/data (read as package data: eggs are zipped)
LINK_WORDS_FILE = "guide_links.txt"
TITLE_CLASS = "事项名称"  # the class a guide's title counts for
# a link's name is short: a longer one is a document's title (通知 about guides)
_MAX_LINK_NAME = 40
# text blocks: these tags start and end one
_BLOCK_TAGS = frozenset(
    "p div td th tr table tbody thead tfoot caption li ul ol dl dt dd h1 h2 h3 h4 h5 h6 section article "
    "header footer nav main aside blockquote pre center form fieldset br hr body html".split()
)
# a label's numbering and decoration: 一、 1. （二） 第三条 ■ ●, 【…】
_LEADING = re.compile(r"^(?:[\s■□●○◆◇★☆▶►▪•·\-—*#]+|[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．:：]\s*|第[一二三四五六七八九十\d]{1,3}[条项部分章节]?[、：:.\s]*|[【\[])+")
_COLON = "[:：]"
_GENERIC_TITLES = re.compile(r"^(?:办事指南|服务指南|办理指南|首页|网站首页|详情|详细信息|正文)$")


@dataclass(frozen=True)
class GuideClass:
    """One element class: its name, the names a guide labels it with (the class's own first), and
    where those names were found."""

    name: str
    labels: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class GuideLink:
    """A link to a guide: ``where`` ``own`` (the page's registrable domain), ``portal`` (a
    政务服务网 host: ``word`` of portal_hosts) or ``other site``."""

    name: str
    url: str
    where: str
    word: str = ""


@dataclass(frozen=True)
class GuideLinks:
    own: tuple[GuideLink, ...]
    elsewhere: tuple[GuideLink, ...]


@dataclass(frozen=True)
class GuideReading:
    """What a page shows as a guide: its ``title`` and the classes ``present``, ``unclear``
    (named without content seen) and ``missing`` (not named as a field at all); ``labelled``:
    those present as a field label (``present`` less 事项名称 when only the title gave it)."""

    title: str
    present: tuple[str, ...]
    unclear: tuple[str, ...]
    missing: tuple[str, ...]
    labelled: tuple[str, ...]

    def is_a_guide(self, min_elements: int) -> bool:
        """Whether the page reads as a guide: at least ``min_elements`` classes labelled with
        content (the title not counted). Fewer: a list of guides, a page of another kind, or a
        guide shown by a script; its missing classes prove nothing."""
        return len(self.labelled) >= min_elements


def _data_lines(path: Path | None, shipped_name: str) -> list[tuple[int, list[str]]]:
    shipped = resources.files("govcheck") / "data" / shipped_name
    text = (path or shipped).read_text(encoding="utf-8")
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            lines.append((number, [field.strip() for field in line.split("\t")]))
    return lines


@cache
def guide_classes(path: Path | None = None) -> tuple[GuideClass, ...]:
    """The element classes of the list at ``path`` (None: the shipped one); ValueError naming the
    file and line of a line without its three fields."""
    name = path.name if path else ELEMENTS_FILE
    classes = []
    for number, fields in _data_lines(path, ELEMENTS_FILE):
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"guide element list {name}, line {number}: expected the class, its names and a source, tab-separated")
        labels = [fields[0], *(label.strip() for label in fields[1].split("/") if label.strip() and label.strip() != fields[0])]
        classes.append(GuideClass(fields[0], tuple(labels), fields[2]))
    if not classes:
        raise ValueError(f"guide element list {name}: no classes")
    return tuple(classes)


@cache
def guide_link_words(path: Path | None = None) -> tuple[str, ...]:
    """The words naming a link to a guide (the list at ``path``; None: the shipped one)."""
    name = path.name if path else LINK_WORDS_FILE
    words = []
    for number, fields in _data_lines(path, LINK_WORDS_FILE):
        if len(fields[0]) < 2 or len(fields) < 2 or not fields[1]:
            raise ValueError(f"guide link list {name}, line {number}: expected a word of two characters or more, a tab and a source")
        words.append(fields[0])
    return tuple(words)


# -- links -------------------------------------------------------------------------------


def find_guide_links(
    page: Document | str,
    url: str,
    *,
    site_url: str | None = None,
    portal_hosts: Collection[str] = (),
    words: Sequence[str] | None = None,
) -> GuideLinks:
    """The page's links named as guides, the site's own (on ``site_url``'s registrable domain;
    None: the page's) apart from those elsewhere, each URL once, in the page's order."""
    words = guide_link_words() if words is None else words
    document = as_document(page)
    if document.shown is None:
        return GuideLinks((), ())
    base = base_url_of(document.shown, url)
    own: dict[str, GuideLink] = {}
    elsewhere: dict[str, GuideLink] = {}
    for name, link, _script, _nav, _image in clickables(document, base):
        squashed = re.sub(r"\s+", "", name)
        if not link or not squashed or len(squashed) > _MAX_LINK_NAME or not any(word in squashed for word in words):
            continue
        link = urldefrag(link).url
        if not link.lower().startswith(("http://", "https://")) or link in own or link in elsewhere:
            continue
        where, word = link_place(link, site_url or url, portal_hosts)
        (own if where == "own" else elsewhere)[link] = GuideLink(name, link, where, word)
    return GuideLinks(tuple(own.values()), tuple(elsewhere.values()))


def link_place(url: str, site_url: str, portal_hosts: Collection[str] = ()) -> tuple[str, str]:
    """Where a link goes, seen from the site of ``site_url``:
    ``("portal", word)`` a 政务服务网 (its host carries ``word`` of ``portal_hosts``), ``("other
    site", "")`` another registrable domain, ``("own", "")`` the site's."""
    portal = platform_word(url, portal_hosts)
    if portal:
        return "portal", portal
    site = registrable_domain(urlsplit(site_url).hostname or "")
    return ("own", "") if registrable_domain(urlsplit(url).hostname or "") == site else ("other site", "")


# -- elements ----------------------------------------------------------------------------


def _blocks(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """The page's text, block by block in reading order, each with the element holding it."""
    blocks: list[tuple[str, etree._Element]] = []
    stack: list[etree._Element] = [root]
    buffer: list[str] = []

    def flush() -> None:
        text = squash("".join(buffer))
        buffer.clear()
        if text:
            blocks.append((text, stack[-1]))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        block = el.tag in _BLOCK_TAGS
        if event == "start":
            if block:
                flush()
                stack.append(el)
            if el.text:
                buffer.append(el.text)
        else:
            if block:
                flush()
                if len(stack) > 1:
                    stack.pop()
            if el.tail and el is not root:
                buffer.append(el.tail)
    flush()
    return blocks


def _label_pattern(labels: Sequence[str]) -> re.Pattern[str]:
    """A label alone (``申请条件``, ``申请材料（复印件）：``, ``办理时间】``) or followed by its
    content after a colon or a closing bracket (``办理时间：工作日``, ``【办理时间】工作日``)."""
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^(?:{names})(?:[（(][^）)]{{0,16}}[）)])?\s*(?P<sep>[】\]]\s*{_COLON}?|{_COLON})?\s*(?P<content>.*)$")


@cache
def _patterns(classes: tuple[GuideClass, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((c.name, _label_pattern(c.labels)) for c in classes)


def _label_of(text: str, patterns: Sequence[tuple[str, re.Pattern[str]]]) -> tuple[str, str] | None:
    """(class, the content after the label in the same block) when a block is a field label."""
    text = _LEADING.sub("", text)
    for name, pattern in patterns:
        match = pattern.match(text)
        # "电话费用说明" starts with 电话 but is no label: content must follow a colon or a bracket
        if match is not None and (not match.group("content") or match.group("sep")):
            return name, match.group("content")
    return None


def _cell_below(cell: etree._Element) -> str:
    """The text of the cell below a table cell (a table whose first row names the fields)."""
    row = cell.getparent()
    if row is None or row.tag != "tr":
        return ""
    index = [c for c in row if c.tag in ("td", "th")].index(cell)
    below = row.getnext()
    while below is not None and below.tag != "tr":
        below = below.getnext()
    if below is None:
        return ""
    cells = [c for c in below if c.tag in ("td", "th")]
    return squash("".join(cells[index].itertext())) if index < len(cells) else ""


def _title(document: Document) -> str:
    shown, tree = document.shown, document.tree
    for tag in ("h1", "h2"):
        for heading in shown.iter(tag) if shown is not None else ():
            text = squash("".join(heading.itertext()))
            if text and not _GENERIC_TITLES.match(text):
                return text
    title = tree.find(".//title") if tree is not None else None
    text = squash("".join(title.itertext())) if title is not None else ""
    return "" if _GENERIC_TITLES.match(text) else text


def read_guide(page: Document | str, classes: Sequence[GuideClass] | None = None) -> GuideReading:
    """Which element classes the page shows as a guide (see the module's docstring)."""
    classes = tuple(guide_classes() if classes is None else classes)
    patterns = _patterns(classes)
    document = as_document(page)
    root = document.shown
    if root is None:
        return GuideReading("", (), (), tuple(c.name for c in classes), ())
    blocks = _blocks(root)
    labels = [_label_of(text, patterns) for text, _ in blocks]
    present: set[str] = set()
    named: set[str] = set()
    for index, label in enumerate(labels):
        if label is None:
            continue
        name, content = label
        named.add(name)
        holder = blocks[index][1]
        if content or (index + 1 < len(blocks) and labels[index + 1] is None):
            present.add(name)  # its content on the same block, or the next block is its content
        elif holder.tag in ("td", "th") and (below := _cell_below(holder)) and _label_of(below, patterns) is None:
            present.add(name)  # a header row: the content is in the cell below
    labelled = set(present)
    title = _title(document)
    if title and any(c.name == TITLE_CLASS for c in classes):
        present.add(TITLE_CLASS)
    order = [c.name for c in classes]
    return GuideReading(
        title=title,
        present=tuple(n for n in order if n in present),
        unclear=tuple(n for n in order if n in named and n not in present),
        missing=tuple(n for n in order if n not in named and n not in present),
        labelled=tuple(n for n in order if n in labelled),
    )


def guide_record(url: str, reading: GuideReading) -> dict[str, object]:
    """A guide as the home page's ``guides`` records it (docs/schema.md)."""
    return {
        "url": url, "title": reading.title, "present": list(reading.present),
        "unclear": list(reading.unclear), "missing": list(reading.missing),
    }

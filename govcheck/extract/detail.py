"""Detail pages: the publish date of one article, as printed and as declared in meta tags.

An inspector reads the date printed under the title (发布时间：2024-02-18 09:30). The national
page-design rules also ask for ``<meta name="PubDate">``; TRS writes ``firstpublishedtime``,
other CMSs ``publishdate`` or ``ArticleDate``. The meta tag is sometimes a stale template value
(years off) while the printed date is right, so the printed date wins and the meta date is the
fallback; ``disagree`` flags pages where both exist and differ.

Never a publish date: 页面生成时间 / ``Maketime`` (when the CMS wrote the file), the header's
``今天是…``, any date in the header, navigation, sidebars or footer, and any date in a block of
links to other articles (相关文章, 相关链接, 推荐阅读, 热点排行, 上一篇/下一篇…): those are the other
articles' dates, often later than this one's, and would make a stale column look fresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from lxml import etree

from govcheck.dates import parse_date, search_date
from govcheck.extract.html import (
    Document,
    as_document,
    heads_other_pages,
    in_furniture,
    is_furniture,
    is_other_pages_block,
    squash,
)

__all__ = ["PublishDate", "extract_publish_date"]

_SHANGHAI = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class PublishDate:
    visible: datetime | None
    visible_text: str | None
    meta: datetime | None
    meta_name: str | None

    @property
    def date(self) -> datetime | None:
        """The printed date; the meta tag only when nothing is printed."""
        return self.visible if self.visible is not None else self.meta

    @property
    def disagree(self) -> bool:
        """Both dates present and on different calendar days (Asia/Shanghai)."""
        if self.visible is None or self.meta is None:
            return False
        return self.visible.astimezone(_SHANGHAI).date() != self.meta.astimezone(_SHANGHAI).date()


# in order of preference; Maketime / lastmodifiedtime are page-generation stamps, never used
_META_NAMES = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "articledate",
    "article:published_time",
    "publishtime",
    "publish_date",
    "pub_date",
    "dcterms.issued",
    "dc.date.issued",
    "dc.date",
)

_LABEL = re.compile(
    r"(发布时间|发布日期|发表时间|发表日期|发稿时间|发文时间|发文日期|发布于|更新时间|更新日期|成文日期|印发日期|留言时间"
    r"|回复时间|日期|时间)"
    r"\s*[:：]?"
)
_LABEL_RANK = {
    "发布时间": 0, "发布日期": 0, "发表时间": 0, "发表日期": 0, "发稿时间": 0, "发文时间": 0, "发文日期": 0,
    "发布于": 0, "日期": 1, "时间": 1, "留言时间": 1, "更新时间": 2, "更新日期": 2, "成文日期": 3, "印发日期": 3,
    "回复时间": 4,
}
# a label preceded by one of these is not a publish date (页面生成时间, 会议时间, 截止日期…)
_NOT_PUBLISH = re.compile(r"(生成|今天|当前|访问|打印|截止|报名|会议|活动|开始|结束|办理|受理|出生|有效|考试|录入)$")
_TODAY = re.compile(r"今天是|今日是|当前时间|页面生成|生成时间")


def _meta_date(root: etree._Element, as_of: datetime) -> tuple[datetime, str] | tuple[None, None]:
    metas: dict[str, tuple[str, str]] = {}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip()
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key.lower(), (key, content))
    for name in _META_NAMES:
        if name in metas:
            key, content = metas[name]
            when = parse_date(content, as_of)
            if when is not None:
                return when, key
    return None, None


def _segments(root: etree._Element, title: etree._Element | None) -> list[tuple[str, etree._Element]]:
    """Visible text pieces of the page body in document order, outside page furniture and
    outside blocks of links to other articles (a block holding the article's ``title`` is none)."""
    out: list[tuple[str, etree._Element]] = []
    # the title and what holds it are no block of other articles, nor a widget's heading, whatever
    # words the title uses (热点, 排行…)
    title_holders = set() if title is None else {title, *title.iterancestors()}
    headings: dict[etree._Element, str | None] = dict.fromkeys(title_holders)

    def walk(el: etree._Element) -> None:
        if is_furniture(el):
            return
        if el not in title_holders and is_other_pages_block(el, headings):
            return
        if el.text and el.text.strip():
            out.append((el.text, el))
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail and child.tail.strip():
                out.append((child.tail, el))

    body = root.find("body")
    walk(body if body is not None else root)
    return out


_LOGO = re.compile(r"logo|banner|site-?name|sitename", re.I)


def _title_element(root: etree._Element) -> etree._Element | None:
    """The article's title: the element printing <meta name="ArticleTitle">, else the first h1/h2."""
    body = root.find("body")
    scope = body if body is not None else root
    declared = next((squash(m.get("content") or "") for m in root.iter("meta")
                     if (m.get("name") or "").lower() == "articletitle"), "")
    if declared:
        for el in scope.iter("h1", "h2", "h3", "h4", "div", "p", "td", "span", "strong"):
            if squash(el.text_content()) == declared and not in_furniture(el):
                return el
    for el in scope.iter("h1", "h2"):
        text = squash(el.text_content())
        # an <h2> may head a block of other articles (相关新闻); an <h1> is the page's own
        if text and not in_furniture(el) and not _logo(el) and not (el.tag == "h2" and heads_other_pages(text)):
            return el
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        cls = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if re.search(r"(^|[\s_\-])(title|tit|article-?title|bt|biaoti)($|[\s_\-])", cls):
            text = squash(el.text_content())
            if text and not in_furniture(el) and not heads_other_pages(text):
                return el
    return None


def _logo(el: etree._Element) -> bool:
    node = el
    for _ in range(3):
        if node is None or not isinstance(node.tag, str):
            return False
        if _LOGO.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False


def _within(el: etree._Element, ancestor: etree._Element | None) -> bool:
    node = el
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _date_after_label(segments: list[tuple[str, etree._Element]], i: int, start: int,
                      as_of: datetime) -> tuple[str, datetime] | None:
    following = segments[i][0][start:] + " " + " ".join(t for t, _ in segments[i + 1:i + 3])
    following = following.lstrip(" \t\r\n\u3000\xa0:：")
    found = search_date(following[:48], as_of)
    if not found:
        return None
    matched, when = found
    if following.find(matched) > 3:
        return None
    return matched, when


def _visible_date(root: etree._Element, as_of: datetime) -> tuple[datetime, str] | tuple[None, None]:
    title = _title_element(root)
    segments = _segments(root, title)
    if not segments:
        return None, None
    title_at = next((n for n, (_, el) in enumerate(segments) if title is not None and _within(el, title)), None)

    best: tuple[tuple[int, int, int], str, datetime] | None = None
    for n, (text, _) in enumerate(segments):
        if _TODAY.search(text):
            continue
        for label in _LABEL.finditer(text):
            word = label.group(1)
            if _NOT_PUBLISH.search(text[:label.start()]):
                continue
            found = _date_after_label(segments, n, label.end(), as_of)
            if not found:
                continue
            matched, when = found
            before_title = 1 if title_at is not None and n < title_at else 0
            distance = abs(n - title_at) if title_at is not None else n
            key = (_LABEL_RANK[word], before_title, distance)
            if best is None or key < best[0]:
                best = (key, f"{squash(text[label.start():label.end()])}{matched.strip()}", when)
    if best is not None:
        return best[2], best[1]

    # no label: a short line with a date right under the title (2024-02-18 来源：…)
    if title_at is not None:
        for text, _ in segments[title_at + 1:title_at + 6]:
            if len(text.strip()) > 60 or _TODAY.search(text):
                continue
            found = search_date(text, as_of)
            if found:
                return found[1], found[0].strip()
    return None, None


def extract_publish_date(page: Document | str, as_of: datetime) -> PublishDate:
    """The publish date of a detail page: printed near the title, and from the meta tags."""
    root = as_document(page).content
    if root is None:
        return PublishDate(None, None, None, None)
    meta, meta_name = _meta_date(root, as_of)
    visible, visible_text = _visible_date(root, as_of)
    return PublishDate(visible=visible, visible_text=visible_text, meta=meta, meta_name=meta_name)

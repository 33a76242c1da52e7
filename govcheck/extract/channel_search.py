"""Proof of absence for 互动回应差 (1): where an interaction channel may be when a home page names
none, and what a page reached from it shows. Plain functions over HTML, no Scrapy.

"No channel" fails a site only when the places a person would look were read and understood
(docs/rules.md, "Proof of absence"). :func:`plan_channel_search` lists those places on a home
page (as a browser shows it) that names no write-in channel (市长信箱, 我要写信, 建言献策…, see
govcheck.extract.interaction):

- its navigation entries, each by what its name says: a channel, a section where channels sit
  (政民互动, 公众参与: its page is read), another known section or page furniture (新闻中心,
  政务公开, 首页: nothing to read), left out by the indicator (信访, 纪检举报), or a name we do
  not know, or none (its page is read: an unknown word is never proof);
- the page's other links, buttons and clickable blocks that may be a channel: sections, unnamed
  links whose address, image or block says interaction, names we do not know, image links
  without a name, those only a script opens and blocks classed like an interaction area
  (zmhd, hdjl…) left empty by a script (they cannot be read). News entries (dated list
  items), titles longer than a channel's name, documents (.pdf, .doc…), staff webmail (mail.…),
  known furniture and the names of other units (…人民政府, …局) are understood without a read;
- links to a known unified platform (the profile's ``platform_hosts``: 12345, liuyan, tousu,
  信箱 hosts), channels by their host; petition and discipline hosts never are;
- what the home page itself shows that is a channel: a message form or a list of messages.

:func:`read_channel_page` reads a page reached that way: it is a channel when it shows a message
form (a visible text area with a submit), a list of messages with dates and reply states, a
unified platform (its address, a frame or a link), or a link naming a channel. Otherwise it is
understood to hold none only when nothing on it is left unread: no link that may be a channel
but cannot be read, no login wall, some content; and for a section or a navigation entry, whose
page is where a channel would sit, no link of its own (not already on the home page) named with
a word we do not know. Anything else is ``unclear``: the rules review, never veto.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from lxml import etree

from govcheck.extract.controls import click_handler, control_name, controls, data_url, is_button, is_submit, script_url, start_tag
from govcheck.extract.html import (
    Document,
    as_document,
    base_url_of,
    is_hidden,
    link_title,
    resolve_link,
    same_page,
    squash,
)
from govcheck.extract.interaction import (
    channel_links,
    extract_messages,
    hints_channel,
    is_staff_mail,
    name_kind,
    names_channel_section,
)
from govcheck.extract.listing import ListPage, extract_list
from govcheck.extract.navigation import NavigationEntry, in_navigation, read_navigation

__all__ = [
    "Candidate",
    "ChannelPage",
    "ChannelSearch",
    "clickables",
    "combine_channel_pages",
    "merge_channel_searches",
    "news_urls",
    "plan_channel_search",
    "platform_word",
    "read_channel_page",
]

# a link to a file, not to a page a channel could be on
_DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|pptx?|zip|rar|7z|jpe?g|png|gif|bmp|mp4|flv|avi|mp3|txt)$", re.I)
# hosts of petition (信访) and discipline-report (纪检举报) systems: never a channel, whatever
# the profile's platform words match
_EXCLUDED_HOSTS = re.compile(r"xinfang|wsxf|jubao|12388|jjjc|ccdi", re.I)


def platform_word(url: str, platform_hosts: Collection[str]) -> str | None:
    """The platform word (``12345``, ``liuyan``…) a URL's host carries at the start or end of one
    of its labels (liuyan.www.gov.cn, www.jxyc12345.cn), None when none does; the hosts of
    petition and discipline systems never count."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or _EXCLUDED_HOSTS.search(host):
        return None
    labels = host.split(".")
    for word in platform_hosts:
        word = word.lower().strip(".")
        if word and any(label.startswith(word) or label.endswith(word) for label in labels):
            return word
    return None


def news_urls(page: ListPage) -> frozenset[str]:
    """The URLs of a page's dated list entries: news, never a channel (年夜饭零投诉…)."""
    return frozenset(entry.url for entry in page.entries if entry.date is not None)


# == the places to look on a home page ==========================================================


@dataclass(frozen=True)
class Candidate:
    """A link (or clickable element) whose page may hold or be a channel: ``url`` is "" when
    only a script we cannot read opens it. ``why``: ``section``, ``navigation`` (an entry of
    the navigation named with a word we do not know, or unnamed), ``interaction hint`` (an
    unnamed link whose address, image or block says interaction), ``unknown name``,
    ``unnamed image``, ``unnamed link``, ``script`` (``script`` then says what it runs) and
    ``empty block`` (a block classed like an interaction area that shows nothing: ``script``
    is its start tag); the last two have no ``url`` and can never be read."""

    name: str
    url: str
    why: str
    script: str = ""

    @property
    def whole_page(self) -> bool:
        """A section's or a navigation entry's page is where a channel would sit: it is
        understood only as a whole, its own links included."""
        return self.why in ("section", "navigation")


@dataclass(frozen=True)
class ChannelSearch:
    """The places a person would look for a channel on a home page (see the module's docstring).

    ``platforms``: ``(name, url, word)`` of the links to a known unified platform;
    ``shows``: what the page itself shows that is a channel (a message form, messages)."""

    navigation: tuple[NavigationEntry, ...]
    candidates: tuple[Candidate, ...]
    platforms: tuple[tuple[str, str, str], ...]
    shows: tuple[str, ...]


# the order in which candidates are read: the likeliest places first
_PRIORITY = ("section", "interaction hint", "navigation", "unknown name", "script", "empty block", "unnamed image", "unnamed link")


def plan_channel_search(
    page: Document | str,
    base_url: str,
    read_at: datetime,
    *,
    news: Collection[str] = (),
    platform_hosts: Collection[str] = (),
) -> ChannelSearch:
    """The places a person would look for a channel on a home page that names none."""
    document = as_document(page)
    root = document.shown
    if root is None:
        return ChannelSearch((), (), (), ())
    page_url, base_url = base_url, base_url_of(root, base_url)
    shows = tuple(_page_shows(document, base_url, read_at))
    candidates: list[Candidate] = []
    platforms: dict[str, tuple[str, str, str]] = {}

    def understood(url: str) -> bool:
        """A link whose address is no place to look: news, the page itself, a document, staff mail."""
        return url in news or same_page(url, base_url) or bool(_DOCUMENT.search(urlsplit(url).path)) or is_staff_mail(url)

    navigation: dict[str, NavigationEntry] = {}
    for entry in read_navigation(document, page_url):
        if not platform_word(entry.url, platform_hosts) and not understood(entry.url):
            navigation.setdefault(entry.url, entry)
    for name, url, script, in_nav, image in clickables(document, base_url):
        if url and (word := platform_word(url, platform_hosts)):
            platforms.setdefault(url, (name, url, word))
            continue
        if url and understood(url):
            continue
        kind = name_kind(name)
        if kind in ("channel", "other", "excluded"):
            continue  # a named channel is read as such (interaction.channel_links); the rest is understood
        if kind == "section":
            why = "section"
        elif not url:
            why = "script"
        elif in_nav:
            why = "navigation"
        elif kind == "unknown":
            why = "unknown name"
        else:
            why = "unnamed image" if image else "unnamed link"
        candidates.append(Candidate(name, url, why) if url else Candidate(name, "", why, script))
    for name, target, why in channel_links(document, base_url, news).unresolved:
        if why in ("unnamed image", "unnamed link"):
            candidates.append(Candidate(name, target, "interaction hint"))
    candidates.extend(Candidate("", "", "empty block", start_tag(block)) for block in _empty_channel_blocks(document.content))
    return ChannelSearch(tuple(navigation.values()), _ordered(candidates), tuple(platforms.values()), shows)


def _empty_channel_blocks(root: etree._Element | None) -> Iterator[etree._Element]:
    """Blocks whose class or id says interaction (zmhd, hdjl, szxx…) that show nothing: a script
    fills them, one our browser may not have run or whose data it could not load. Nobody can say
    what a visitor sees there."""
    for el in () if root is None else root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "a", "img") or not (el.get("class") or el.get("id")):
            continue
        if hints_channel(el.get("class"), el.get("id")) and not squash(el.text_content()) and next(el.iter("a", "img", "iframe"), None) is None:
            yield el


def _ordered(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """The candidates likeliest first, each address (or each script-run name) once."""
    chosen: dict[str, Candidate] = {}
    for candidate in sorted(candidates, key=lambda c: _PRIORITY.index(c.why)):
        key = candidate.url or f"script:{candidate.name}"
        chosen.setdefault(key, candidate)
    return tuple(chosen.values())


def merge_channel_searches(parts: Sequence[ChannelSearch]) -> ChannelSearch:
    """A rendered page's search and those of its frames as one (a menu shown in an <iframe>)."""
    navigation: dict[str, NavigationEntry] = {}
    platforms: dict[str, tuple[str, str, str]] = {}
    for part in parts:
        for entry in part.navigation:
            navigation.setdefault(entry.url, entry)
        for platform in part.platforms:
            platforms.setdefault(platform[1], platform)
    return ChannelSearch(
        tuple(navigation.values()),
        _ordered(candidate for part in parts for candidate in part.candidates),
        tuple(platforms.values()),
        tuple(dict.fromkeys(shown for part in parts for shown in part.shows)),
    )


def clickables(document: Document, base_url: str) -> Iterator[tuple[str, str | None, str, bool, bool]]:
    """``(name, url, script, in navigation, shows an image)`` of every link and clickable element
    of the page: ``url`` None when no plain address or script says where it goes, ``script``
    then what runs instead (its onclick or javascript: href). Form controls are read from the
    shown tree, links from the tree the list reader reads (without form controls)."""
    shown, content = document.shown, document.content
    if shown is None or content is None:
        return
    for el in controls(shown):
        if el.tag in ("a", "area") or el.tag == "option":
            continue  # links below; a dropdown's options are mostly other units' sites
        if not (is_button(el) or click_handler(el)) or is_submit(el):
            continue  # a text box; a form's submit is the form's (search, login)
        name = control_name(el)
        if not name and next(el.iter("img"), None) is None:
            continue  # an unnamed button: a search icon, a slideshow arrow
        url = script_url(el, base_url) or data_url(el, base_url)
        yield name, url, click_handler(el) or squash(etree.tostring(el, encoding="unicode")[:120]), in_navigation(el), False
    for a in content.iter("a", "area"):
        href = a.get("href")
        url = resolve_link(href, base_url) or script_url(a, base_url)
        name = link_title(a) if a.tag == "a" else squash(a.get("alt") or a.get("title") or "")
        if url is None:
            script = squash(a.get("onclick") or "") or squash(href or "")
            if not script or script.lower().startswith(("mailto:", "tel:")) or (not name and not a.get("onclick")):
                continue  # an anchor, an address (read as mailto by the channel reader), an empty javascript:; link
            yield name, None, script[:200], in_navigation(a), next(a.iter("img"), None) is not None
            continue
        yield name, url, "", in_navigation(a), next(a.iter("img"), None) is not None


# == what a page shows ============================================================================


@dataclass(frozen=True)
class ChannelPage:
    """What a page reached from the home page is: ``channel`` (``shows`` says why), ``none``
    (read and understood, no channel on it) or ``unclear`` (``shows`` says what could not be
    understood)."""

    outcome: Literal["channel", "none", "unclear"]
    shows: tuple[str, ...]


_PASSWORD = etree.XPath("//input[translate(@type, 'PASWORD', 'pasword')='password']")
_SUBMIT_WORDS = re.compile(r"提交|发送|发表|确定|写信|留言|submit", re.I)
_MIN_TEXT = 40  # a page showing less text than this shows nothing a visitor can read
_LISTED = 5  # unknown links named in an unclear outcome


def read_channel_page(
    page: Document | str,
    url: str,
    read_at: datetime,
    *,
    whole_page: bool = False,
    known_urls: Collection[str] = (),
    platform_hosts: Collection[str] = (),
) -> ChannelPage:
    """Whether a page reached from the home page is a channel, holds none, or is unclear.

    ``url``: where the page was read (after redirects); ``whole_page``: a section's or a
    navigation entry's page, where a channel would sit (its own links must be understood);
    ``known_urls``: links already on the home page (looked at there)."""
    shows = []
    if word := platform_word(url, platform_hosts):
        shows.append(f"统一互动平台：{urlsplit(url).hostname}（{word}）")
    document = as_document(page)
    root = document.shown
    if root is None:
        return ChannelPage("channel", tuple(shows)) if shows else ChannelPage("unclear", ("页面无法解析",))
    base_url = base_url_of(root, url)
    shows.extend(_page_shows(document, base_url, read_at))
    for frame in root.iter("iframe", "frame"):
        src = resolve_link(frame.get("src"), base_url)
        if src and (word := platform_word(src, platform_hosts)):
            shows.append(f"内嵌统一互动平台：{src}（{word}）")
    news = news_urls(extract_list(document, base_url, read_at))
    channels = channel_links(document, base_url, news)
    shows.extend(f"互动入口：{name}（{link}）" for name, link in channels.found if not names_channel_section(name))
    search = plan_channel_search(document, base_url, read_at, news=news, platform_hosts=platform_hosts)
    shows.extend(f"统一互动平台链接：{name or link}（{link}，{word}）" for name, link, word in search.platforms)
    if shows:
        return ChannelPage("channel", tuple(dict.fromkeys(shows)))
    unclear = [f"疑似入口无法读取：{name or why}（{target}）" for name, target, why in channels.unresolved]
    if _PASSWORD(root):
        unclear.append("页面要求登录")
    content = document.content
    if len(squash((root if content is None else content).text_content())) < _MIN_TEXT:
        unclear.append("页面几乎没有可读内容")
    if whole_page:
        own = [c for c in search.candidates if not c.url or (c.url not in known_urls and not same_page(c.url, url))]
        named = "、".join(f"{c.name or c.why}（{c.url or c.script}）" for c in own[:_LISTED])
        if own:
            more = f"等{len(own)}个" if len(own) > _LISTED else ""
            unclear.append(f"未识别的链接：{named}{more}")
    return ChannelPage("unclear" if unclear else "none", tuple(unclear))


def combine_channel_pages(pages: Sequence[ChannelPage]) -> ChannelPage:
    """A page and its frames as one: a channel when any is one, unclear when any is unclear."""
    for outcome in ("channel", "unclear"):
        if chosen := [page for page in pages if page.outcome == outcome]:
            return ChannelPage(outcome, tuple(dict.fromkeys(shown for page in chosen for shown in page.shows)))
    return ChannelPage("none", ())


def _page_shows(document: Document, base_url: str, read_at: datetime) -> Iterator[str]:
    """What on a page is a channel by what it is: a message form, a list of messages."""
    if document.shown is not None and (form := _message_form(document.shown)):
        yield form
    listed = extract_messages(document, base_url, read_at)
    with_replies = [m for m in listed.messages if m.answered is not None or m.replied is not None]
    if listed.state == "messages" and with_replies:
        newest = max(with_replies, key=lambda m: m.asked or read_at)
        reply = newest.answered_text or newest.status or ""
        yield f"留言列表：{len(listed.messages)}条留言，带留言时间与回复情况（如：{newest.title} {newest.asked_text} {reply}）".replace(" ）", "）")


def _message_form(root: etree._Element) -> str | None:
    """A visible text area with a submit beside it (in its form, or a button named 提交/发送…
    in the block around it): the text of the submit and the form's action, for evidence."""
    for area in root.iter("textarea"):
        if is_hidden(area) or (area.get("type") or "").lower() == "hidden":
            continue
        form = next(area.iterancestors("form"), None)
        scope = form if form is not None else _block_around(area)
        submit = next((el for el in scope.iter("input", "button") if is_submit(el)), None) if form is not None else None
        if submit is None:
            submit = next(
                (el for el in scope.iter("input", "button", "a") if _SUBMIT_WORDS.search(control_name(el) if el.tag != "a" else link_title(el))),
                None,
            )
        if submit is None:
            continue
        label = control_name(submit) if submit.tag != "a" else link_title(submit)
        action = form.get("action") if form is not None else ""
        field = area.get("name") or area.get("id") or ""
        return f"留言表单：文本框{f' {field} ' if field else ''}与提交按钮“{label or '提交'}”" + (f"（提交至 {action}）" if action else "")
    return None


def _block_around(el: etree._Element) -> etree._Element:
    """The block three levels up: a script-submitted form keeps its button near its text area."""
    node = el
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node

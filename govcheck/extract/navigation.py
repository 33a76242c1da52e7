"""A page's navigation: the entries of its menus and bars, and the columns a home page links to.
Plain functions over a parsed page.

:func:`read_navigation` is the one reader of a navigation. Each entry carries what both of its
readers need: whether it is an entry of the bar itself (一级栏目, ``first_level``) or of a
submenu, whether it opens a submenu, and what its name says (``kind``: a channel, a section
where channels sit, a known section or furniture, a word we do not know…, see
govcheck.extract.interaction.name_kind). :func:`discover_columns` takes the columns of a site
registered without any from it (and from the 更多 links of news blocks);
govcheck.extract.channel_search takes the places to look for an interaction channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from govcheck.extract.controls import script_url
from govcheck.extract.html import (
    Document,
    as_document,
    base_url_of,
    class_words,
    in_furniture,
    is_ancestor,
    link_title,
    resolve_link,
    same_page,
    squash,
)
from govcheck.extract.interaction import NameKind, name_kind

__all__ = ["NavigationEntry", "discover_columns", "in_navigation", "is_navigation_container", "read_navigation"]


@dataclass(frozen=True)
class NavigationEntry:
    """An entry of a page's navigation (or, among discovered columns, a news block's 更多 link)."""

    name: str
    url: str
    # an entry of the navigation bar itself (一级栏目), not one of its submenus or hover panels,
    # nor a news block's 更多 link
    first_level: bool
    opens_submenu: bool = False  # a bar entry whose submenu lists other entries (信息公开 → 通知公告…)

    @property
    def kind(self) -> NameKind:
        """What the entry's name says it is (channel, section, other, excluded, unknown, unnamed)."""
        return name_kind(self.name)


_NAV_WORDS = {"nav", "navbar", "menu", "daohang", "dh", "mainnav", "topnav"}


def is_navigation_container(el: etree._Element) -> bool:
    """A <nav>, or an element classed as a navigation or menu (nav, navbar, menu, daohang…)."""
    if el.tag == "nav":
        return True
    for word in class_words(el):
        bare = word.rstrip("0123456789")
        if bare in _NAV_WORDS or bare.startswith(("nav", "menu")):
            return True
    return False


def in_navigation(el: etree._Element) -> bool:
    """Whether the element is a navigation container or inside one."""
    return is_navigation_container(el) or any(is_navigation_container(node) for node in el.iterancestors())


def read_navigation(page: Document | str, base_url: str) -> tuple[NavigationEntry, ...]:
    """Every link of the page's navigation containers that leads somewhere (by its address or a
    plain script), in page order, as it shows: a link to one address may be there more than
    once (a bar entry and a submenu's, an image and a text), each reader of the navigation
    chooses among them."""
    document = as_document(page)
    return document.remember(("navigation", base_url), lambda: tuple(_navigation_links(document, base_url)))


def _navigation_links(document: Document, base_url: str) -> Iterator[NavigationEntry]:
    root = document.content
    if root is None:
        return
    base_url = base_url_of(root, base_url)
    navs = [el for el in root.iter() if isinstance(el.tag, str) and is_navigation_container(el)]
    navs = [el for el in navs if not any(other is not el and is_ancestor(other, el) for other in navs)]
    for nav in navs:
        bar = _bar_entries(nav)
        for a in nav.iter("a", "area"):
            url = resolve_link(a.get("href"), base_url) or script_url(a, base_url)
            if url is None:
                continue
            name = link_title(a) if a.tag == "a" else squash(a.get("alt") or a.get("title") or "")
            holder = a.getparent()
            opens_submenu = holder is not None and any(
                x is not a and x.tag in ("ul", "div", "dl", "ol") and x.find(".//a") is not None for x in holder
            )
            yield NavigationEntry(name, url, a in bar, opens_submenu)


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


# -- the columns a home page links to ------------------------------------------------------------

_MORE = re.compile(r"^\s*(更多|more|查看更多|更多>+|>>|»|\+)\s*[>+»]*\s*$", re.I)
_NOT_COLUMNS = {
    "首页", "网站首页", "返回首页", "主页", "home", "设为首页", "加入收藏", "无障碍", "无障碍浏览", "长者模式",
    "关怀版", "English", "繁体", "简体", "登录", "注册", "搜索", "网站地图", "联系我们",
}


def discover_columns(page: Document | str, base_url: str) -> list[NavigationEntry]:
    """Columns a home page links to: its navigation menus, then the 更多 links of its news blocks.

    One entry per URL, in page order; a menu item that opens a submenu gives way to the submenu
    entry pointing at the same page (信息公开 → 通知公告), and a submenu entry to an entry of the
    bar itself that points at the same page.
    """
    document = as_document(page)
    root = document.content
    if root is None:
        return []
    navigation = read_navigation(document, base_url)
    base_url = base_url_of(root, base_url)
    found: dict[str, tuple[str, bool, bool]] = {}  # url → (name, opens a submenu, first level)

    def add(name: str, url: str | None, is_parent: bool, first_level: bool) -> None:
        name = squash(name).strip("·>»+ 　")
        if not url or not name or name in _NOT_COLUMNS or not 2 <= len(name) <= 15 or _MORE.match(name):
            return  # a 更多 link names no column: its block's heading does (below)
        if not _same_site(url, base_url) or same_page(url, base_url):
            return
        if url not in found:
            found[url] = (name, is_parent, first_level)
            return
        _, known_is_parent, known_first_level = found[url]
        if not is_parent and (known_is_parent or (first_level and not known_first_level)):
            found[url] = (name, is_parent, first_level)

    for entry in navigation:
        add(entry.name, entry.url, entry.opens_submenu, entry.first_level)

    for a in root.iter("a"):
        if not _MORE.match(squash(a.text_content())) or in_furniture(a):
            continue
        url = resolve_link(a.get("href"), base_url)
        node = a.getparent()
        for _ in range(3):
            if node is None:
                break
            name = squash(" ".join(t for el in node.iter() if el is not a and not is_ancestor(a, el)
                                   for t in _own_texts(el, a)))
            if name:
                add(name, url, False, False)
                break
            node = node.getparent()
    return [NavigationEntry(name, url, first_level, is_parent) for url, (name, is_parent, first_level) in found.items()]


def _same_site(url: str, base_url: str) -> bool:
    host, base = (urlsplit(u).hostname or "" for u in (url, base_url))
    if host == base:
        return True
    if re.fullmatch(r"[\d.]+|\[.*\]", base):
        return False
    keep = 3 if base.endswith((".gov.cn", ".com.cn", ".org.cn", ".edu.cn")) else 2
    return host.split(".")[-keep:] == base.split(".")[-keep:]


def _own_texts(el: etree._Element, skip: etree._Element) -> Iterator[str]:
    if el.text and el is not skip:
        yield el.text
    for child in el:
        if child.tail and child is not skip:
            yield child.tail

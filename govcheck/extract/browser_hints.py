"""Whether a browser may show a page otherwise than its HTML as fetched: the signs that a page's
list or menus are written by a script or shown in a frame. Plain functions over a parsed page.

The sites spider opens such a page again in Chromium (render: playwright) before what the HTML
lacks (a list, a channel, recent dates) counts against its site.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree

from govcheck.extract.html import Document, as_document, in_furniture
from govcheck.extract.listing import ListPage, extract_list

__all__ = ["depends_on_a_browser", "list_needs_a_browser", "runs_scripts", "shows_a_frame"]

_FETCHES = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|\$\.(ajax|get|post|getJSON)\s*\(|jQuery\.(ajax|get|post|getJSON)\s*\("
    r"|\baxios\b|\.load\s*\(\s*['\"]|new\s+Vue\s*\(|createApp\s*\(|ReactDOM|\.jpage\s*\(",
)
_LIST_HOLDER = re.compile(r"list|news|data|item|content|article|app|container|result|table", re.I)


def list_needs_a_browser(page: Document | str, as_of: datetime, listed: ListPage | None = None) -> bool:
    """True when no entries were found in the HTML (read as of ``as_of``) but a browser may show them.

    That is: no list (and no 暂无信息), and inline scripts fetching data (fetch, XMLHttpRequest,
    $.ajax/$.get/$.getJSON, axios, Vue/React mounts), an empty list container next to scripts,
    or another page shown in a frame (older 政务公开 systems show a column's list in an
    <iframe>). Such a column is worth opening in a browser (render: playwright).

    ``listed``: the page's list as the generic reader read it (no selector), when already read.
    """
    document = as_document(page)
    root = document.tree
    if root is None:
        return False
    if listed is None:
        listed = extract_list(document, "http://localhost/", as_of)
    if listed.state != "unparsed" or listed.entries:  # a list or 暂无信息 in the HTML: nothing to render
        return False
    return _fills_by_script(root) or shows_a_frame(root)


# <script type> values a browser runs; others (application/json, ld+json, text/template) hold data
_RUNNABLE_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"})


def depends_on_a_browser(page: Document | str) -> bool:
    """Whether a browser may show this page otherwise than its HTML: it runs a script (a file or
    inline code, or the body's onload) or shows another page in a frame. A list filled by a script
    file, or shown in an <iframe>, leaves no other sign in the HTML."""
    root = as_document(page).tree
    return root is not None and (runs_scripts(root) or shows_a_frame(root))


def shows_a_frame(root: etree._Element) -> bool:
    """Whether the page (as parsed) shows another page in a frame (blank and script frames do not count)."""
    return any(_is_page_address(frame.get("src")) for frame in root.iter("iframe", "frame"))


def runs_scripts(root: etree._Element) -> bool:
    """Whether the page (as parsed) runs a script: a script file, inline code, or the body's onload."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() in _RUNNABLE_SCRIPT_TYPES and (script.get("src") or (script.text or "").strip()):
            return True
    return any(body.get("onload") for body in root.iter("body"))


def _is_page_address(src: str | None) -> bool:
    src = (src or "").strip().lower()
    return bool(src) and not src.startswith(("about:", "javascript:", "data:"))


def _fills_by_script(root: etree._Element) -> bool:
    scripts = list(root.iter("script"))
    if not scripts:
        return False
    if any(_FETCHES.search(s.text or "") for s in scripts):
        return True
    for el in root.iter("ul", "ol", "tbody", "table", "div", "dl"):
        if len(el) == 0 and not (el.text or "").strip() and not in_furniture(el):
            if _LIST_HOLDER.search(f"{el.get('id') or ''} {el.get('class') or ''}"):
                return True
    return False

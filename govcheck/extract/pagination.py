"""A list over several pages: whether a column's list runs from old to new, and what its
pagination bar says (more pages, the last page's address). Plain functions over a parsed page.

On a list that runs from old to new and goes on over more pages, the newest entries are on its
last page: the sites spider reads that page too before the column can count as stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govcheck.extract.html import Document, as_document, base_url_of, resolve_link
from govcheck.extract.listing import ListPage

__all__ = ["MorePages", "more_pages", "oldest_first"]


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


def more_pages(page: Document | str, base_url: str) -> MorePages | None:
    """Whether the page says its list goes on over more pages (下一页, 尾页, 共N页…), from the
    text it shows; None when it does not."""
    root = as_document(page).shown
    if root is None:
        return None
    found = _MORE_PAGES.search(root.text_content())
    if found is None:
        return None
    base_url = base_url_of(root, base_url)
    last = next((el for el in root.iter("a") if _LAST_PAGE.match(el.text_content() or "")), None)
    return MorePages(re.sub(r"\s+", "", found.group()), resolve_link(last.get("href"), base_url) if last is not None else None)

"""A folder of real saved pages with labels (``labels.json``, described in the folder's README),
read the way the sites spider reads a page: for the corpus test and the accuracy bench
(bench/corpus_bench.py); the product never reads the corpus. Nothing here fetches anything.

Each page is read at its own time, never at today's: the later of its labelled newest date
(the end of that day) and the generation stamp its HTML carries (``页面生成时间``, ``createDate``,
``Maketime``: when the page was written, equal to or after its newest item). A date printed
without its year is read against that time, as a live crawl reads it against the moment it
fetches. Pages saved within ``ROUND_DAYS`` of each other form one round (one monitoring time
point, the end of the latest of their days), so a crawl of the folder needs only a few rounds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from govcheck.dates import SHANGHAI, search_date
from govcheck.extract.html import decode_html
from govcheck.extract.page import channel_link_records, leaves_a_channel_to_find, read_page

__all__ = ["LabelledPage", "ROUND_DAYS", "home_observation", "load_corpus", "rounds"]

ROUND_DAYS = 14
# a page-generation stamp in a meta tag: <meta name="createDate" content="2018-03-21 19:38:34">,
# <meta name="others" content="页面生成时间 2023-10-11 11:36:07">, Maketime
_STAMP = re.compile(
    r"""<meta\s[^>]*name\s*=\s*["']?(?:createDate|Maketime|others)["']?[^>]*content\s*=\s*["']([^"']*?\d{4}-\d{1,2}-\d{1,2}[^"']*)["']""",
    re.I,
)
_LATEST = datetime(2100, 1, 1, tzinfo=SHANGHAI)  # reads a stamp without bounding it
# the round of a folder none of whose pages carries a time: any moment does, they show no date
UNTIMED_ROUND = datetime(2024, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class LabelledPage:
    """One labelled page: its label (labels.json's entry), file and text as the spider decodes it."""

    label: dict[str, Any]
    path: Path
    html: str = field(repr=False)

    @property
    def name(self) -> str:
        return self.label["file"]

    @property
    def base_url(self) -> str:
        return self.label["base_url"]

    @property
    def newest_date(self) -> str | None:
        return self.label.get("newest_date")

    @property
    def own_time(self) -> datetime | None:
        """The page's own time (see the module's docstring); None when neither is known."""
        times = [stamp for stamp in [generation_stamp(self.html)] if stamp is not None]
        if self.newest_date:
            times.append(datetime.combine(datetime.fromisoformat(self.newest_date).date(), time(23, 59, 59), SHANGHAI))
        return max(times) if times else None


def load_corpus(folder: Path, kind: str | None = None) -> list[LabelledPage]:
    """The folder's labelled pages (of one ``kind`` when given), in labels.json's order. Pages are
    decoded from their bytes as a page served without an HTTP charset: BOM, meta charset, else
    detection, as the spider does."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    pages = []
    for label in labels:
        if kind is not None and label.get("kind") != kind:
            continue
        path = folder / label["file"]
        pages.append(LabelledPage(label, path, decode_html(path.read_bytes(), None)))
    return pages


def generation_stamp(html: str) -> datetime | None:
    """When the page says it was generated, from its meta tags (None when it does not say)."""
    for match in _STAMP.finditer(html[:20000]):
        if found := search_date(match.group(1), _LATEST):
            return found[1]
    return None


def rounds(pages: Iterable[LabelledPage], days: int = ROUND_DAYS) -> list[tuple[datetime, list[LabelledPage]]]:
    """The pages as rounds ``(as_of, pages)``: pages whose own days lie within ``days`` calendar
    days of the round's first one share it, read at the latest of their times. Pages without a time of their
    own join the last round. A round's time point is the end of its latest page's day, as
    ``govcheck run --as-of DAY`` takes it."""
    timed = sorted((page for page in pages if page.own_time is not None), key=lambda page: page.own_time)
    untimed = [page for page in pages if page.own_time is None]
    grouped: list[list[LabelledPage]] = []
    for page in timed:
        if grouped and (page.own_time.date() - grouped[-1][0].own_time.date()).days <= days:  # type: ignore[union-attr]
            grouped[-1].append(page)
        else:
            grouped.append([page])
    if not grouped:
        grouped = [[]]
    grouped[-1].extend(untimed)
    found = []
    for group in grouped:
        days = [page.own_time.date() for page in group if page.own_time is not None]
        found.append((datetime.combine(max(days), time(23, 59, 59), SHANGHAI) if days else UNTIMED_ROUND, group))
    return found


def home_observation(page: LabelledPage, as_of: datetime, platform_hosts: Collection[str] = ()) -> dict[str, Any]:
    """The ``home`` observation the sites spider would record from this page at ``as_of``, in
    the case least favourable to the site: a browser showed what the saved page shows (``method``
    ``rendered``: the corpus keeps no scripts to run). The pages it links to are not in the
    corpus: each place where a channel may be is recorded as not read, as when the spider's
    budget runs out. Whether "no channel" is proven then rests on the home page alone: what it
    names, and whether it was understood."""
    reading = read_page(page.html, page.base_url, as_of, as_of, (), home=True, platform_hosts=platform_hosts)
    listed = reading.page
    observation: dict[str, Any] = {
        "kind": "home",
        "key": "home",
        "url": page.base_url,
        "fetched_at": as_of,
        "status": 200,
        "method": "rendered",
        "state": listed.state,
        "entries": [
            {"title": e.title, "url": e.url, "date": e.date, "date_text": e.date_text, "pinned": e.pinned} for e in listed.entries
        ],
        "newest_date": listed.newest.date if listed.newest else None,
        "error": listed.reason,
        "interaction_links": channel_link_records(reading),
        "interaction_unresolved": [{"name": n, "target": t, "why": w} for n, t, w in reading.interaction_unresolved],
    }
    search = reading.channel_search
    if search is not None and leaves_a_channel_to_find(reading):
        if search.shows:  # the home page itself shows a message form or messages
            pages = [{"name": "首页", "url": page.base_url, "why": "home", "outcome": "channel", "shows": list(search.shows)}]
        else:
            pages = [{"name": c.name, "url": c.url, "why": c.why, "script": c.script, "outcome": "not read"} for c in search.candidates]
        observation["channel_search"] = {
            "navigation": [{"name": e.name, "url": e.url, "kind": e.kind} for e in search.navigation],
            "pages": pages,
            "candidates": len(search.candidates),
        }
    return observation

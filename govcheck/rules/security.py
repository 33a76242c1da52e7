"""安全、泄密事故等严重问题 (2019 veto item), the parts a crawler sees besides wording errors:

- links to gambling, pornography or violence ("发布或链接反动、暴力、色情等内容"), shown or hidden
  (暗链), found on every home and column page read (``bad_links``,
  govcheck.extract.bad_links): a ``definite`` hit fails the site, naming the element, the page
  and how it is hidden; ``ambiguous`` hits only (a word a lawful page may use, a hidden title
  about the subject) are reviewed;
- 伪造发稿日期 in part: list entries dated after the moment their page was fetched. They are
  kept as evidence for an inspector and reviewed, never failed (a typing slip looks the same).

Thresholds and texts: the profile's ``websites.security``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import PageObservation
from govcheck.rules.common import EVIDENCE_ITEMS, Finding, ObservationLike, as_observation, calendar_date, judged, local, new_finding
from govcheck.rules.profile import Profile

# how many hits a review names in its reason (the evidence lists them all)
_HITS_NAMED = 5


def _hit_text(hit: Mapping[str, Any]) -> str:
    how = "、".join(hit.get("techniques") or []) or "可见"
    return f"“{hit.get('text') or hit.get('url', '')}”（{hit.get('url', '')}，{hit.get('category', '')}，{how}，见{hit.get('page_url', '')}）"


def bad_link_findings(
    target: Mapping[str, Any], pages: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """A link to gambling, porn or violence on a page read: a veto, or a review when only ambiguous."""
    rules = profile.section("websites", "security")
    hits = []
    for observation in pages:
        page = as_observation(observation, PageObservation)
        for hit in page.bad_links or []:
            hits.append({**hit, "page": page.key, "page_url": page.url, "fetched_at": local(page.fetched_at, profile)})
        # the pages read from it: the detail pages of a list without dates, the places looked at for a channel
        search = getattr(page, "channel_search", None)
        read_from = [*(page.detail_pages or []), *((search or {}).get("pages") or [] if isinstance(search, Mapping) else [])]
        for other in read_from:
            if not isinstance(other, Mapping):
                continue
            for hit in other.get("bad_links") or []:
                url = other.get("page_url") or other.get("url", "")
                hits.append({**hit, "page": page.key, "page_url": url, "fetched_at": local(other.get("fetched_at") or page.fetched_at, profile)})
    if not hits:
        return []
    definite = [h for h in hits if h.get("strength") == "definite"]
    ambiguous = [h for h in hits if h.get("strength") != "definite"]
    threshold = {"list": rules["list"], "categories": sorted({h.get("category", "") for h in hits})}
    evidence = {"links": definite, "link_count": len(definite), "ambiguous": ambiguous}
    if definite:
        severity, points = judged(profile, rules)
        hidden = any(h.get("techniques") for h in definite)
        label = rules["labels"]["hidden" if hidden else "shown"]
        evidence["techniques"] = sorted({t for h in definite for t in h.get("techniques") or []})
        return [new_finding(profile, rules["codes"]["bad_links"], label, severity, threshold, as_of, evidence, points=points)]
    listed = "、".join(_hit_text(h) for h in ambiguous[:_HITS_NAMED])
    if len(ambiguous) > _HITS_NAMED:
        listed += f"等{len(ambiguous)}处"
    reason = rules["reasons"]["ambiguous"].format(links=listed)
    return [new_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)]


def future_date_findings(
    target: Mapping[str, Any], pages: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Entries dated after the day their page was fetched (伪造发稿日期?): a review with each entry
    and the fetch time, never a veto."""
    rules = profile.section("websites", "security")
    later = []
    for observation in pages:
        page = as_observation(observation, PageObservation)
        fetched = calendar_date(page.fetched_at, profile)
        if fetched is None:
            continue
        for entry in page.entries or []:
            day = calendar_date(entry.get("date"), profile)
            if day is not None and day > fetched:
                later.append({
                    "page": page.key, "page_url": page.url, "fetched_at": local(page.fetched_at, profile),
                    "title": entry.get("title", ""), "url": entry.get("url", ""), "date": day, "date_text": entry.get("date_text", ""),
                })
    if not later:
        return []
    evidence = {"entries": later[:EVIDENCE_ITEMS * 4], "entry_count": len(later)}
    listed = "、".join(f"{e['title']}（{e['date']}，{e['page_url']}于{e['fetched_at']:%Y-%m-%d %H:%M}读取）" for e in later[:_HITS_NAMED])
    if len(later) > _HITS_NAMED:
        listed += f"等{len(later)}条"
    reason = rules["reasons"]["future_dates"].format(entries=listed)
    threshold = {"dated_after": "fetched_at"}
    return [new_finding(profile, rules["codes"]["future_dates"], rules["labels"]["future_dates"], "review", threshold, as_of, evidence, reason)]

"""错别字: common misspellings on the pages the round read (a 扣分 item of the score), found by
the misspelling list (govcheck/data/misspellings.txt) on the home, column and detail pages.

Points per distinct misspelling, up to the item's points. A hit that a page quotes rather than
uses — a correction word or the right form beside it (the serious-error rule's
``correction_cue``), or the wrong form standing in quotation marks — or one in text the page
hides takes nothing off: it is listed in the evidence of a deduction and nothing more (a
deduction item is never reviewed). No page text read, or pages read by a version that did not
look for misspellings: the item is ``unmeasured``.

Thresholds: the profile's ``websites.misspellings`` (``points``, ``max_points``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import PageObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, local, new_finding
from govcheck.rules.profile import Profile

# quotation marks a quoted form stands between (Chinese, corner, and ASCII ones)
QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"), ('"', '"'), ("'", "'"))
# page states whose text was read (a failed page showed us nothing)
READ_STATES = ("entries", "empty", "unparsed")


def misspelling_findings(
    target: Mapping[str, Any], pages: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """One deduction listing every misspelling used on the site's pages read, ``points`` per
    distinct wrong form up to ``max_points``; unmeasured when no page's text was scanned."""
    rules = profile.section("websites", "misspellings")
    read = [as_observation(page, PageObservation) for page in pages]
    scanned = [page for page in read if page.misspellings is not None]
    threshold = {"points_per_word": float(rules["points"]), "max_points": rules["max_points"],
                 "lists": sorted({page.misspelling_list or "" for page in scanned})}
    if not scanned:
        return [_unmeasured(read, rules, threshold, as_of, profile)]
    used: list[dict[str, Any]] = []
    quoted: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    for hit in (hit for page in scanned for hit in _page_hits(page, profile)):
        cue = _quotation_cue(hit)
        if cue:
            quoted.append({**hit, "cue": cue})
        elif hit["where"] == "hidden":
            hidden.append(hit)
        else:
            used.append(hit)
    distinct = list(dict.fromkeys(hit["wrong"] for hit in used))
    if not distinct:
        return []  # measured, nothing used wrongly: no finding
    points = min(float(rules["points"]) * len(distinct), float(rules["max_points"]))
    evidence = {
        "misspellings": used, "distinct": distinct, "distinct_count": len(distinct), "quoted": quoted, "hidden": hidden,
        "pages_scanned": [page.url for page in scanned],
    }
    label = rules["label"].format(count=len(distinct))
    return [new_finding(profile, rules["code"], label, "deduct", threshold, as_of, evidence, points=points)]


def _page_hits(page: PageObservation, profile: Profile) -> list[dict[str, Any]]:
    """The page's hits and those of its detail pages read, each with where it was seen."""
    seen = {"page": page.kind, "key": page.key, "fetched_at": local(page.fetched_at, profile)}
    hits = [{**seen, "url": page.url, **hit} for hit in page.misspellings or []]
    for detail in page.detail_pages or []:
        hits += [{**seen, "url": detail.get("url", ""), "detail_of": page.url, **hit} for hit in detail.get("misspellings") or []]
    return hits


def _quotation_cue(hit: Mapping[str, Any]) -> str:
    """What says a page quotes the wrong form rather than uses it: a correction word or the
    right form in its sentence (govcheck.extract.wording.correction_cue), or quotation marks
    around it; "" when nothing does."""
    from govcheck.extract.wording import Hit, correction_cue  # the one list of correction words

    sentence = str(hit.get("sentence") or "")
    wrong = str(hit.get("wrong") or "")
    cue = correction_cue(Hit(wrong, str(hit.get("right") or ""), sentence))
    if cue:
        return cue
    compact = "".join(sentence.split())
    for opening, closing in QUOTE_PAIRS:
        if f"{opening}{wrong}{closing}" in compact:
            return f"{opening}{closing}"
    return ""


def _unmeasured(
    read: Sequence[PageObservation], rules: Mapping[str, Any], threshold: Mapping[str, Any], as_of: datetime, profile: Profile
) -> Finding:
    """The item not measured: no page's text was read, or the pages read were not scanned (a round
    stored by a version that did not look for misspellings)."""
    text_read = [page for page in read if page.state in READ_STATES]
    reason_key = "not_scanned" if text_read else "not_read"
    listed = "、".join(page.url for page in (text_read or read))
    urls = f"（{listed}）" if listed else ""  # no page observed at all: none to name
    evidence = {"pages": [{"url": page.url, "state": page.state, "error": page.error} for page in read]}
    return new_finding(profile, rules["code"], rules["label"].format(count=0), "unmeasured", threshold, as_of, evidence,
                       rules["reasons"][reason_key].format(urls=urls))

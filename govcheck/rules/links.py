"""网站可用性, links: "unusable links on the home page and other pages" (deduction item):
points per distinct broken link, up to the indicator's points.

Thresholds: the profile's ``websites.links`` (``points``, ``max_points``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.extract.links import link_outcome, reached_by_name
from govcheck.observations import PageObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, new_finding
from govcheck.rules.profile import Profile


def link_findings(
    target: Mapping[str, Any], pages: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Broken links of the home and column pages: points per distinct broken URL, up to max_points.

    Unchecked links (our timeout, walls, rate limits) are listed and never counted.
    """
    rules = profile.section("websites", "links")
    checked_pages = [p for p in (as_observation(page, PageObservation) for page in pages) if isinstance(p.links, Mapping)]
    broken: dict[str, dict[str, Any]] = {}
    unchecked: dict[str, dict[str, Any]] = {}
    registered = _registered_page_answers(target, [as_observation(page, PageObservation) for page in pages])
    for page in checked_pages:
        for kind, found in (("broken", broken), ("unchecked", unchecked)):
            for link in [*((page.links or {}).get(kind) or []), *(a for a in _registered_links(page, registered) if a["outcome"] == kind)]:
                entry = found.setdefault(link.get("url", ""), {
                    "url": link.get("url", ""), "status": link.get("status"), "error": link.get("error", ""),
                    "outbound": bool(link.get("outbound")), "found_on": [],
                })
                entry["found_on"].append(page.url)
    for url in broken:
        unchecked.pop(url, None)  # broken seen from one page, unchecked from another: broken
    if not broken:
        return []
    per_link = float(rules.get("points", 0))
    severity = rules["severity"]
    points = min(per_link * len(broken), float(rules["max_points"])) if severity == "deduct" else 0.0
    evidence = {
        "broken": list(broken.values()),
        "broken_count": len(broken),
        "unchecked": list(unchecked.values()),
        "pages_checked": [p.url for p in checked_pages],
        "links_found": sum(int((p.links or {}).get("found") or 0) for p in checked_pages),
        "links_skipped": sum(int((p.links or {}).get("skipped") or 0) for p in checked_pages),
    }
    threshold = {"points_per_link": per_link, "max_points": rules["max_points"]}
    label = rules["label"].format(count=len(broken))
    return [new_finding(profile, rules["code"], label, severity, threshold, as_of, evidence, points=points)]


def _registered_page_answers(target: Mapping[str, Any], pages: Sequence[PageObservation]) -> dict[str, dict[str, Any]]:
    """How each registered page of the site answered the round (its own observation), by the
    address it is registered at: the links to it are answered by that, not checked again.
    A page with no observation was not read in this round: unchecked."""
    by_key = {p.key: p for p in pages}
    addresses = {target.get("url", ""): "home", **{c.get("url", ""): c.get("name") for c in target.get("columns") or []}}
    resolver_proven = reached_by_name(target.get("url", ""))
    answers = {}
    for url, key in addresses.items():
        page = by_key.get(key)
        status = page.status if page else None
        error = "" if status is not None else (page.error or "not fetched") if page else "not read in this round"
        outcome = link_outcome(status, error, resolver_proven)
        answers[url] = {
            "url": url, "status": status, "error": error if status is None else ("" if outcome == "ok" else f"HTTP {status}"),
            "outbound": False, "outcome": outcome, "checked_at": page.fetched_at if page else None,
        }
    return answers


def _registered_links(page: PageObservation, answers: Mapping[str, Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The answers to a page's links to its site's registered pages (its ``links.pages``)."""
    return [answers[url] for url in (page.links or {}).get("pages") or [] if url in answers]

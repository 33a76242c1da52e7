"""网站可用性, links: "unusable links on the home page and other pages" (deduction item):
points per distinct broken link, up to the indicator's points.

Thresholds: the profile's ``websites.links`` (``points``, ``max_points``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

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
    for page in checked_pages:
        for kind, found in (("broken", broken), ("unchecked", unchecked)):
            for link in (page.links or {}).get(kind) or []:
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

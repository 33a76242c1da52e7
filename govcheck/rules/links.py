"""网站可用性, links: "unusable links on the home page and other pages" (deduction item):
points per distinct broken link, up to the indicator's points.

Thresholds: the profile's ``websites.links`` (``points``, ``max_points``; ``home`` for the home
page's links, counted apart).
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
    """Broken links: points per distinct broken URL, up to max_points; those of the home page
    counted apart (the profile's ``websites.links.home``: 2015 普查 链接可用性 counts 首页 and
    其他页面 apart) — a URL broken on the home page counts there only.

    Unchecked links (our timeout, walls, rate limits) are listed and never counted. A group
    whose pages were not read with their links checked is ``unmeasured``.
    """
    rules = profile.section("websites", "links")
    typed = [as_observation(page, PageObservation) for page in pages]
    registered = _registered_page_answers(target, typed)
    home_rules = rules.get("home")
    if not home_rules:  # a profile copied before the home page's links were counted apart
        return _group_findings(rules, typed, registered, as_of, profile, "")
    homes = [p for p in typed if p.key == "home"]  # the home page's key (docs/schema.md)
    home_broken = {link["url"] for page in homes for link in _answers(page, registered, "broken")}
    others = [p for p in typed if p not in homes]
    return [
        *_group_findings({**rules, **home_rules}, homes, registered, as_of, profile, "首页"),
        *_group_findings(rules, others, registered, as_of, profile, "其他页面", leave_out=home_broken),
    ]


def _answers(page: PageObservation, registered: Mapping[str, Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [*((page.links or {}).get(kind) or []), *(a for a in _registered_links(page, registered) if a["outcome"] == kind)]


def _group_findings(
    rules: Mapping[str, Any],
    pages: Sequence[PageObservation],
    registered: Mapping[str, Mapping[str, Any]],
    as_of: datetime,
    profile: Profile,
    where: str,
    leave_out: set[str] | frozenset[str] = frozenset(),
) -> list[Finding]:
    checked_pages = [p for p in pages if isinstance(p.links, Mapping)]
    threshold = {"points_per_link": float(rules.get("points", 0)), "max_points": rules["max_points"]}
    if where and not checked_pages:
        reason = rules.get("unmeasured", "{where}未读取或未检查链接，链接可用性未能评分").format(where=where)
        unread: dict[str, Any] = {"pages": [p.url for p in pages]}
        return [new_finding(profile, rules["code"], rules["label"], "unmeasured", threshold, as_of, unread, reason)]
    broken: dict[str, dict[str, Any]] = {}
    unchecked: dict[str, dict[str, Any]] = {}
    for page in checked_pages:
        for kind, found in (("broken", broken), ("unchecked", unchecked)):
            for link in _answers(page, registered, kind):
                if link.get("url", "") in leave_out:
                    continue
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

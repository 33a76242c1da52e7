"""服务不实用 (1): the site offers no online services (2019 veto item 服务不实用; docs/rules.md
quotes what was recovered of its wording).

A site must offer services unless the register says it has none to offer (有无办事服务 无, or
empty and the profile's default for its 网站类别 says so): the 2019 指标说明 leaves departments
without services to the public out of the 办事服务 items. "No entry" is a veto only with a proof
of absence: the home page was read as a browser shows it (``method`` "rendered": menus are
often written by script), its navigation was recognised, and nothing on it that may be a
service entry was left not understood (``services.unclear``). Anything less is for an inspector,
naming what was looked for and where.

Thresholds and texts: the profile's ``websites.services``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import HomeObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, judged, local, new_finding
from govcheck.rules.profile import Profile

# how many unclear places a review names in its reason (the evidence lists them all)
_PLACES_NAMED = 5


def services_required(target: Mapping[str, Any], profile: Profile) -> bool:
    """Whether the site must offer online services: the register's 有无办事服务 (``services``:
    True or False) when filled in, else the profile's default for its 网站类别 (a category the
    profile does not name: not required)."""
    registered = target.get("services")
    if isinstance(registered, bool):
        return registered
    rules = profile.section("websites", "services")
    return bool((rules.get("offered_by_category") or {}).get(target.get("category", ""), False))


def shows_no_service_entry(target: Mapping[str, Any], page: ObservationLike, profile: Profile) -> bool:
    """Whether a home page read for service entries shows none, of a site that must offer them."""
    services = as_observation(page, HomeObservation).services
    return isinstance(services, Mapping) and not services.get("entries") and services_required(target, profile)


def service_findings(
    target: Mapping[str, Any], homes: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """服务不实用 (1): no service entry on the home page, with its proof of absence."""
    if not services_required(target, profile):
        return []
    rules = profile.section("websites", "services")
    home = as_observation(homes[0], HomeObservation) if homes else None
    if home is None or home.state != "entries":
        return []  # not read, or read without its content: the home page's own review says why
    url = home.url
    navigation_min_entries = rules.get("navigation_min_entries", 2)
    threshold = {"required": True, "navigation_min_entries": navigation_min_entries, "portal_hosts": rules["portal_hosts"]}
    services = home.services
    if not isinstance(services, Mapping):
        return []  # a round read before service entries were looked for: not checked there
    entries = [dict(e) for e in services.get("entries") or [] if isinstance(e, Mapping)]
    broken = {b.get("url") for b in (home.links or {}).get("broken") or []}
    evidence: dict[str, Any] = {
        "home_url": url,
        "fetched_at": local(home.fetched_at, profile),
        "read_as": home.method,
        "category": target.get("category", ""),
        "registered": target.get("services"),
        "entries": entries,
        "navigation": [dict(n) for n in services.get("navigation") or []],
        "unclear": [dict(u) for u in services.get("unclear") or []],
    }
    if any(not entry.get("url") or entry.get("url") not in broken for entry in entries):
        return []  # an entry that opens (or one a script opens: shown to visitors all the same)
    reasons = []
    if entries:
        reasons.append(rules["reasons"]["entries_broken"].format(urls="、".join(e.get("url", "") for e in entries)))
    if home.method != "rendered":
        if home.render_error:
            evidence["render_error"] = home.render_error
        reasons.append(rules["reasons"]["not_rendered"].format(url=url))
    named = evidence["navigation"]
    if len(named) < navigation_min_entries:
        reasons.append(rules["reasons"]["no_navigation"].format(url=url, count=len(named)))
    unclear = evidence["unclear"]
    if unclear:
        why = {"unknown navigation name": "导航项名称未能识别", "unnamed navigation entry": "导航项无文字", "unnamed service address": "无文字链接，地址似为办事栏目"}
        listed = "、".join(f"{u.get('name') or '无文字链接'}（{u.get('url', '')}：{why.get(u.get('why', ''), '未能识别')}）" for u in unclear[:_PLACES_NAMED])
        if len(unclear) > _PLACES_NAMED:
            listed += f"等{len(unclear)}处"
        reasons.append(rules["reasons"]["unclear"].format(url=url, places=listed))
    if reasons:
        return [_review(profile, rules, threshold, as_of, evidence, profile.review_separator.join(reasons))]
    severity, points = judged(profile, rules)
    return [new_finding(profile, rules["codes"]["none"], rules["labels"]["none"], severity, threshold, as_of, evidence, points=points)]


def _review(
    profile: Profile, rules: Mapping[str, Any], threshold: Any, as_of: datetime, evidence: dict[str, Any], reason: str
) -> Finding:
    return new_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)

"""服务不实用 (2), 办事指南要素: the element classes missing from the site's guides (a deduction,
the 2015 普查 rule; docs/rules.md quotes it and says what of 2019 was not recovered).

Each class missing from a guide read takes the profile's points, a class missing in several
guides once, up to ``max_points``. Only a class not named at all counts as missing; one named
without content seen (``unclear``: a tab bar, an empty cell) proves nothing. What could not be
measured is ``unmeasured`` with its reason: the home page not read, an observation of a round
that did not look for guides, no guide of the site's own found or none read as a guide (guides
only on a 政务服务网 or another site are listed for an inspector). A site that offers no services
(govcheck.rules.services.services_required) is not examined on guides: no finding at all; nor
is any site under a profile without ``websites.services``.

Thresholds and texts: the profile's ``websites.guides``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import HomeObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, local, new_finding
from govcheck.rules.profile import Profile
from govcheck.rules.services import services_required

# how many pages or links an unmeasured reason names (the evidence lists them all)
_NAMED = 5


def guides_examined(target: Mapping[str, Any], profile: Profile) -> bool:
    """Whether a site is examined on its guides: the profile checks them (``websites.guides``,
    with ``websites.services``, whose exemption and 政务服务网 hosts they share) and the site must
    offer services (2019 指标说明: a site without services to offer is not examined on them).
    The spider asks it before reading a site's guides."""
    websites = profile.section("websites")
    return "guides" in websites and "services" in websites and services_required(target, profile)


def guide_findings(
    target: Mapping[str, Any], homes: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """办事指南要素: the classes missing from the guides read, or why they could not be measured."""
    if not guides_examined(target, profile):
        return []
    rules = profile.section("websites", "guides")
    points, cap = float(rules["points"]), float(rules["max_points"])
    threshold = {"points_per_class": points, "max_points": cap, "sample_size": rules["sample_size"], "min_elements": rules["min_elements"]}
    home = as_observation(homes[0], HomeObservation) if homes else None
    if home is None or (home.guides is None and home.state in ("failed", "")):
        url = home.url if home else target.get("url", "")
        unread = {"home_url": url, "home_state": home.state if home else "not read", "error": home.error if home else ""}
        return [_unmeasured(profile, rules, threshold, as_of, unread, rules["reasons"]["home_not_read"].format(url=url))]
    guides = home.guides
    if not isinstance(guides, Mapping):
        unrecorded = {"home_url": home.url, "fetched_at": local(home.fetched_at, profile)}
        return [_unmeasured(profile, rules, threshold, as_of, unrecorded, rules["reasons"]["not_recorded"].format(url=home.url))]
    read = [dict(g) for g in guides.get("guides") or [] if isinstance(g, Mapping)]
    evidence: dict[str, Any] = {
        "home_url": home.url,
        "guides": read,
        "links": [dict(link) for link in guides.get("links") or []],
        "elsewhere": [dict(link) for link in guides.get("elsewhere") or []],
        "pages": [dict(page) for page in guides.get("pages") or []],
    }
    if not read:
        return [_unmeasured(profile, rules, threshold, as_of, evidence, _why_unmeasured(rules, evidence))]
    missing: dict[str, list[str]] = {}
    for guide in read:
        for name in guide.get("missing") or []:
            missing.setdefault(name, []).append(guide.get("url", ""))
    if not missing:
        return []
    evidence["missing"] = [{"class": name, "guides": urls} for name, urls in missing.items()]
    deducted = min(points * len(missing), cap) if rules["severity"] == "deduct" else 0.0
    reason = rules["reasons"]["missing"].format(classes="、".join(missing))
    return [new_finding(profile, rules["code"], rules["label"], rules["severity"], threshold, as_of, evidence, reason, points=deducted)]


def _why_unmeasured(rules: Mapping[str, Any], evidence: Mapping[str, Any]) -> str:
    """Why no guide was read: none of the site's own found (those elsewhere named), or none read."""
    reasons = rules["reasons"]
    if not evidence["links"] and evidence["elsewhere"]:
        return str(reasons["elsewhere_only"].format(links=_listed([link.get("url", "") for link in evidence["elsewhere"]])))
    unread = [page for page in evidence["pages"] if page.get("outcome") != "guide" and page.get("why") == "guide link"]
    if evidence["links"] or unread:
        return str(reasons["unreadable"].format(pages=_listed([f"{p.get('url', '')}（{p.get('error') or p.get('outcome', '')}）" for p in unread] or [link.get("url", "") for link in evidence["links"]])))
    return str(reasons["none_found"])


def _listed(items: Sequence[str]) -> str:
    listed = "、".join(items[:_NAMED])
    return listed + (f"等{len(items)}处" if len(items) > _NAMED else "")


def _unmeasured(
    profile: Profile, rules: Mapping[str, Any], threshold: Any, as_of: datetime, evidence: dict[str, Any], reason: str
) -> Finding:
    return new_finding(profile, rules["code"], rules["unmeasured_label"], "unmeasured", threshold, as_of, evidence, reason)

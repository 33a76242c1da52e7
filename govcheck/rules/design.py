"""功能设计 (2019 扣分指标): the marks that identify a site (网站标识码, ICP 备案编号, 公安机关备案
标识, 党政机关网站标识), the 我为政府网站找错 entry, a search that works on a query, and HTTPS.

Each item absent takes its points off (deductions, never a veto), and only with proof of
absence: the home page was read, its footer was found, and a footer a script may write into was
seen as a browser shows it; a search form was looked for on a page whose search box no script
may write; a search answered no result for the title of an entry the site itself shows; an
https:// visit was refused. What could not be completed (a page not read, a round recorded
before the item was, our timeout, a search on another host or only a script submits) is
``unmeasured`` with its reason: the score is then not final and the reports name the item.

Thresholds and texts: the profile's ``websites.design``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import HomeObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, local, new_finding
from govcheck.rules.profile import Profile

# the marks (the section's items) → the ``marks`` field that records each
MARK_FIELDS = {"site_code": "site_code", "icp": "icp", "police_record": "police", "party_mark": "conac", "find_error": "error_report"}
# errors of an https:// visit that say the site does not answer over TLS (govcheck.fetch_errors
# names them; a TLS failure comes as OpenSSL's words)
_REFUSALS = ("connection refused",)
_TLS_WORDS = ("ssl", "tls", "handshake", "wrong version number", "certificate")


def design_findings(
    target: Mapping[str, Any], homes: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Every 功能设计 item of the site: a deduction for what is absent (with its proof), an
    ``unmeasured`` finding for what could not be measured, nothing for what is there. The items'
    deductions together never take off more than the section's ``max_points``."""
    rules = profile.section("websites", "design")
    home = as_observation(homes[0], HomeObservation) if homes else None
    found = [*_mark_findings(target, home, as_of, profile, rules), *_search_findings(target, home, as_of, profile, rules), *_https_findings(target, home, as_of, profile, rules)]
    left = float(rules["max_points"])
    capped = []
    for finding in found:
        if finding.severity == "deduct":
            points = min(finding.points, left)
            left -= points
            finding = Finding(finding.code, finding.label, finding.severity, finding.rule, finding.evidence, finding.reason, points)
        capped.append(finding)
    return capped


def _item(profile: Profile, rules: Mapping[str, Any], name: str, as_of: datetime, evidence: dict[str, Any], reason: str = "") -> Finding:
    """The deduction of an item (``reason`` empty), or its ``unmeasured`` finding with why."""
    item = rules["items"][name]
    threshold = {"points": item["points"], "max_points": rules["max_points"]}
    if reason:
        return new_finding(profile, item["code"], item["label"], "unmeasured", threshold, as_of, evidence, reason)
    return new_finding(profile, item["code"], item["label"], rules["severity"], threshold, as_of, evidence,
                       points=float(item["points"]) if rules["severity"] == "deduct" else 0.0)


def _item_name(profile: Profile, rules: Mapping[str, Any], name: str) -> str:
    """An item's name as ``scoring.items`` gives it (网站标识码…), else its label."""
    code = rules["items"][name]["code"]
    return next((i.name for i in profile.score_items("websites") if i.code == code), rules["items"][name]["label"])


def _home_evidence(target: Mapping[str, Any], home: HomeObservation | None, profile: Profile) -> dict[str, Any]:
    return {
        "home_url": home.url if home else target.get("url", ""),
        "fetched_at": local(home.fetched_at, profile) if home else None,
        "read_as": home.method if home else "",
    }


def _not_read(home: HomeObservation | None, target: Mapping[str, Any]) -> str:
    """Why the home page gives nothing to judge ("" when it was read)."""
    if home is None:
        return "本轮没有首页读取记录"
    if home.status is None or not 200 <= home.status < 300 or home.state in ("", "failed"):
        return f"首页读取失败（{home.error or home.state or 'not read'}）"
    return ""


def _mark_findings(
    target: Mapping[str, Any], home: HomeObservation | None, as_of: datetime, profile: Profile, rules: Mapping[str, Any]
) -> list[Finding]:
    reasons = rules["reasons"]
    evidence = _home_evidence(target, home, profile)
    url = evidence["home_url"]
    not_read = _not_read(home, target)
    marks = home.marks if home is not None and not not_read else None
    findings = []
    for name, field in MARK_FIELDS.items():
        looked_for, item = rules["items"][name]["looked_for"], _item_name(profile, rules, name)
        seen = {**evidence, "looked_for": looked_for}
        if not_read:
            findings.append(_item(profile, rules, name, as_of, seen, reasons["not_read"].format(url=url, why=not_read, item=item)))
            continue
        if not isinstance(marks, Mapping) or "footer" not in marks:
            # a round read before the marks (or the footer) were recorded: not measured there
            findings.append(_item(profile, rules, name, as_of, seen, reasons["not_recorded"].format(url=url, item=item)))
            continue
        if marks.get(field):
            continue
        seen.update(where="页脚", footer=marks.get("footer", ""), footer_scripted=bool(marks.get("footer_scripted")), marks=dict(marks))
        if not marks.get("footer"):
            findings.append(_item(profile, rules, name, as_of, seen, reasons["no_footer"].format(url=url, item=item)))
        elif marks.get("footer_scripted") and home is not None and home.method != "rendered":
            findings.append(_item(profile, rules, name, as_of, seen, reasons["footer_scripted"].format(url=url, item=item)))
        else:
            findings.append(_item(profile, rules, name, as_of, seen))
    return findings


def _search_findings(
    target: Mapping[str, Any], home: HomeObservation | None, as_of: datetime, profile: Profile, rules: Mapping[str, Any]
) -> list[Finding]:
    reasons = rules["reasons"]
    evidence = _home_evidence(target, home, profile)
    url = evidence["home_url"]
    if not_read := _not_read(home, target):
        return [_item(profile, rules, "search", as_of, evidence, reasons["not_read"].format(url=url, why=not_read, item="搜索功能"))]
    assert home is not None
    search = home.search
    if not isinstance(search, Mapping):
        return [_item(profile, rules, "search", as_of, evidence, reasons["not_recorded"].format(url=url, item="搜索功能"))]
    evidence["search"] = dict(search)
    kind = search.get("kind")
    if kind == "none":
        if search.get("scripted") and home.method != "rendered":
            return [_item(profile, rules, "search", as_of, evidence, reasons["search_scripted"].format(url=url))]
        return [_item(profile, rules, "search", as_of, evidence)]
    if kind in ("script", "post"):
        return [_item(profile, rules, "search", as_of, evidence, reasons[f"search_{kind}"].format(url=url, form_url=search.get("form_url", "")))]
    if search.get("error") == "another host":
        return [_item(profile, rules, "search", as_of, evidence, reasons["search_other_host"].format(form_url=search.get("form_url", "")))]
    status = search.get("status")
    if search.get("error") or not isinstance(status, int) or not 200 <= status < 300:
        why = search.get("error") or f"HTTP {status}"
        return [_item(profile, rules, "search", as_of, evidence, reasons["search_failed"].format(query=search.get("query", ""), url=search.get("result_url", ""), error=why))]
    if search.get("matched"):
        return []
    if search.get("needs_a_browser"):
        return [_item(profile, rules, "search", as_of, evidence, reasons["search_results_scripted"].format(query=search.get("query", ""), url=search.get("result_url", "")))]
    if not search.get("from_entry"):
        # the site's name is no title the site shows: a search finding nothing for it proves little
        return [_item(profile, rules, "search", as_of, evidence, reasons["search_no_entry"].format(query=search.get("query", ""), url=search.get("result_url", "")))]
    return [_item(profile, rules, "search_broken", as_of, evidence)]


def _https_findings(
    target: Mapping[str, Any], home: HomeObservation | None, as_of: datetime, profile: Profile, rules: Mapping[str, Any]
) -> list[Finding]:
    reasons = rules["reasons"]
    evidence = _home_evidence(target, home, profile)
    https = home.https if home is not None else None
    if not isinstance(https, Mapping):
        return [_item(profile, rules, "https", as_of, evidence, reasons["not_recorded"].format(url=evidence["home_url"], item="HTTPS"))]
    evidence["https"] = dict(https)
    status, error, final = https.get("status"), str(https.get("error") or ""), str(https.get("final_url") or "")
    if isinstance(status, int) and 200 <= status < 300:
        if final.lower().startswith("http://"):
            return [_item(profile, rules, "https", as_of, evidence)]  # sent back to http://: no page over https
        return []
    if status is None and (error in _REFUSALS or any(word in error.lower() for word in _TLS_WORDS)):
        return [_item(profile, rules, "https", as_of, evidence)]
    why = error or f"HTTP {status}"
    return [_item(profile, rules, "https", as_of, evidence, reasons["https_failed"].format(url=https.get("url", ""), error=why))]

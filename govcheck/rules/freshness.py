"""首页不更新 and 栏目不更新 (1), (2): "no new information on the home page in the 2 weeks before
the monitoring time point"; "5 or more columns not updated (动态/要闻 over 2 weeks, first-level
通知公告/政策文件 over 6 months)" or "10 or more columns that should be updated not updated for
long" (2019 veto items).

Thresholds: the profile's ``websites.home_page`` and ``websites.columns`` (each column type's
``stale_after``, the veto counts); fewer stale columns than a veto count give a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.rules.columns import ColumnReading, column_threshold, entry_evidence, newest_date, unread_detail_pages
from govcheck.observations import HomeObservation
from govcheck.rules.common import Finding, ObservationLike, age_days, as_observation, calendar_date, judged, local, new_finding
from govcheck.rules.profile import Profile


def home_page_findings(
    target: Mapping[str, Any], homes: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """首页不更新: the home page's newest entry older than stale_days calendar days."""
    rules = profile.section("websites", "home_page")
    threshold = {"stale_days": rules["stale_days"]}
    reasons = rules["reasons"]
    url = target.get("url", "")

    def review(reason: str, evidence: dict[str, Any]) -> list[Finding]:
        return [new_finding(profile, rules["review_code"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)]

    if not homes:
        return review(reasons["missing"].format(url=url), {"url": url, "observed": False})
    home = as_observation(homes[0], HomeObservation)
    url = home.url or url
    newest, later_seen = newest_date(home, as_of, profile)
    evidence = {
        "url": url,
        "fetched_at": local(home.fetched_at, profile),
        "status": home.status,
        "state": home.state,
        "newest_date": local(newest, profile),
        "newest_date_seen": local(home.newest_date, profile),
        "entries": entry_evidence(home.entries or [], profile),
    }
    state = home.state
    if state != "entries":
        # failed / unparsed / empty / anything unknown: we could not see the home page's news
        if state in ("failed", "unparsed"):
            return review(reasons["unread"].format(url=url, state=state, error=home.error or "no detail"), evidence)
        return review(reasons["undated"].format(url=url, state=state or "no state"), evidence)
    age = age_days(newest, as_of, profile)
    if age is None and later_seen:
        return review(reasons["later_only"].format(url=url, as_of=as_of.date().isoformat()), evidence)
    if age is None and home.error:  # e.g. a detail page that could not be read
        return review(reasons["unread"].format(url=url, state=state, error=home.error), evidence)
    if age is None:
        return review(reasons["undated"].format(url=url, state=state), evidence)
    evidence["age_days"] = age
    if age > rules["stale_days"] and unread_detail_pages(home):
        # an entry whose detail page was not read may be newer than the dates read
        return review(reasons["unread"].format(url=url, state=state, error=home.error or "detail pages not read"), evidence)
    if age > rules["stale_days"] and home.render_error:
        # the page may show newer news in a browser, and ours could not open it
        evidence["render_error"] = home.render_error
        assert newest is not None  # it has an age
        return review(reasons["render_failed"].format(url=url, date=calendar_date(newest, profile).isoformat(), error=home.render_error), evidence)
    if age > rules["stale_days"]:
        severity, points = judged(profile, rules)
        return [new_finding(profile, rules["code"], rules["labels"]["stale"], severity, threshold, as_of, evidence, points=points)]
    return []


def stale_column_findings(readings: Sequence[ColumnReading], as_of: datetime, profile: Profile) -> list[Finding]:
    """Rule (1): ≥ N stale timely columns; rule (2): ≥ M long-stale should-be-updated columns; else a note."""
    rules = profile.section("websites", "columns")
    stale = [r for r in readings if r.status == "stale"]
    timely_stale = [r for r in stale if r.timely]
    long_stale = [r for r in stale if r.should_update]
    evidence = {
        "stale_columns": [r.evidence for r in stale],
        "timely_stale_count": len(timely_stale),
        "long_stale_count": len(long_stale),
        "columns_checked": len([r for r in readings if r.status in ("fresh", "stale")]),
    }
    threshold = column_threshold(profile)
    severity, points = judged(profile, rules)
    findings = []
    if len(timely_stale) >= rules["stale_veto_count"]:
        findings.append(new_finding(profile, rules["codes"]["stale"], rules["labels"]["stale"], severity, threshold, as_of, evidence, points=points))
    if len(long_stale) >= rules["long_stale_veto_count"]:
        findings.append(new_finding(profile, rules["codes"]["long_stale"], rules["labels"]["long_stale"], severity, threshold, as_of, evidence, points=points))
    if stale and not findings:
        # Below the veto counts the site passes, and the notice still names the problem.
        note_severity, note_points = judged(profile, rules, "note_severity")
        findings.append(new_finding(profile, rules["codes"]["stale"], rules["labels"]["stale_note"], note_severity, threshold, as_of, evidence, points=note_points))
    return findings

"""The rules: pure functions from a target's observations to findings and a verdict.

Nothing here reads the clock, the store or the network: every age is measured against the
round's monitoring time point (``as_of``) and every threshold and text comes from the
profile, so a round can be assessed again at any time and gives the same result.

House rules: a check that could not be completed (fetch or parse failed, unknown state)
gives a ``review`` finding (待人工复核) with its reason, never a veto; every finding carries
its rule ``{profile, code, threshold, as_of}`` and the evidence it rests on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from govcheck.extract.links import link_outcome, reached_by_name
from govcheck.rules.profile import Profile

__all__ = [
    "Severity",
    "Finding",
    "Assessment",
    "AccountState",
    "evaluate_site",
    "evaluate_account",
    "assess",
    "merge_account_observations",
    "check_messages",
    "MessageCheck",
]

Severity = Literal["veto", "deduct", "note", "review"]
Verdict = Literal["合格", "不合格", "待人工复核"]

# how many evidence items of a long list (entries, posts) a finding keeps
EVIDENCE_ITEMS = 5


@dataclass(frozen=True)
class Finding:
    """What one rule concluded about one target."""

    code: str
    label: str
    severity: Severity
    rule: dict[str, Any]
    evidence: dict[str, Any]
    reason: str = ""
    points: float = 0

    def to_document(self) -> dict[str, Any]:
        """The ``findings`` document (without round and target_key, which the caller adds)."""
        return {
            "code": self.code,
            "label": self.label,
            "severity": self.severity,
            "points": self.points,
            "rule": _plain(self.rule),
            "evidence": _plain(self.evidence),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Assessment:
    """A target's verdict for a round, with the findings it rests on."""

    target_key: str
    verdict: Verdict
    score: float
    labels: str
    findings: tuple[Finding, ...]


# -- time: naive = UTC, calendar dates in the profile's time zone ---------------------------------


def _instant(value: Any) -> datetime | None:
    """An aware datetime from what the store returns (naive datetimes are UTC, as pymongo's)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return None


def _calendar_date(value: Any, profile: Profile) -> date | None:
    """The calendar date of a moment in the profile's time zone (a bare date is taken as is)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    moment = _instant(value)
    return moment.astimezone(profile.timezone).date() if moment else None


def _local(value: Any, profile: Profile) -> datetime | None:
    """A moment in the profile's time zone, for evidence."""
    moment = _instant(value)
    return moment.astimezone(profile.timezone) if moment else None


def _age_days(value: Any, as_of: datetime, profile: Profile) -> int | None:
    """Calendar days between a publish time and the monitoring time point."""
    day = _calendar_date(value, profile)
    return None if day is None else (_calendar_date(as_of, profile) - day).days


def _normalised_as_of(as_of: datetime, profile: Profile) -> datetime:
    moment = _instant(as_of)
    if moment is None:
        raise ValueError(f"as_of must be a datetime, got {as_of!r}")
    return moment.astimezone(profile.timezone)


# -- small functions ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Profile values (read-only mappings, tuples) and dates as storable documents."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()  # BSON has no bare date
    return value


def _rule(profile: Profile, code: str, threshold: Any, as_of: datetime) -> dict[str, Any]:
    return {"profile": profile.name, "code": code, "threshold": _plain(threshold), "as_of": as_of}


def _finding(
    profile: Profile,
    code: str,
    label: str,
    severity: Severity,
    threshold: Any,
    as_of: datetime,
    evidence: dict[str, Any],
    reason: str = "",
    points: float = 0,
) -> Finding:
    return Finding(
        code=code,
        label=label,
        severity=severity,
        rule=_rule(profile, code, threshold, as_of),
        evidence=_plain(evidence),
        reason=reason,
        points=float(points),
    )


def _judged(profile: Profile, section: Mapping[str, Any], severity_key: str = "severity") -> tuple[Severity, float]:
    """A rule's severity from the profile, with the points a ``deduct`` takes off."""
    severity = section[severity_key]
    points = float(section.get("points", 0)) if severity == "deduct" else 0.0
    return severity, points


def _of_kind(observations: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [o for o in observations if o.get("kind") == kind]


def _entry_evidence(entries: Iterable[Mapping[str, Any]], profile: Profile) -> list[dict[str, Any]]:
    return [
        {
            "title": e.get("title", ""),
            "url": e.get("url", ""),
            "date": _local(e.get("date"), profile),
            "date_text": e.get("date_text", ""),
            "pinned": bool(e.get("pinned")),
        }
        for e in list(entries)[:EVIDENCE_ITEMS]
    ]


def _latest_until(moments: Iterable[Any], as_of: datetime, profile: Profile) -> tuple[datetime | None, bool]:
    """The latest moment dated on or before the monitoring day, and whether any was dated after it.

    A page or account read after the monitoring time point may show newer items; they say
    nothing about whether it was up to date at that point, so they are left out.
    """
    last_day = _calendar_date(as_of, profile)
    known = [m for m in (_instant(v) for v in moments) if m is not None]
    until = [m for m in known if m.astimezone(profile.timezone).date() <= last_day]
    return (max(until) if until else None), len(until) < len(known)


def _unread_detail_pages(observation: Mapping[str, Any]) -> bool:
    """Whether a list's dates were read on its detail pages and one could not be read: its
    newest date is then the newest of those read, a lower bound."""
    return any(detail.get("error") for detail in observation.get("detail_pages") or [])


def _newest_date(observation: Mapping[str, Any], as_of: datetime, profile: Profile) -> tuple[datetime | None, bool]:
    """The newest publish date of a page read up to the monitoring day (the spider's newest_date
    or its dated entries), and whether entries dated after that day were seen."""
    dates = [observation.get("newest_date"), *(e.get("date") for e in observation.get("entries") or [])]
    return _latest_until(dates, as_of, profile)


# == websites ===================================================================================


def evaluate_site(
    target: Mapping[str, Any], observations: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Every finding about a website: availability, home page, columns."""
    as_of = _normalised_as_of(as_of, profile)
    homes, columns = _of_kind(observations, "home"), _of_kind(observations, "column")
    return [
        *serious_error_findings(target, [*homes, *columns], as_of, profile),
        *availability_findings(target, _of_kind(observations, "probe"), as_of, profile),
        *home_page_findings(target, homes, as_of, profile),
        *column_findings(target, columns, as_of, profile, homes),
        *site_interaction_findings(target, homes, columns, as_of, profile),
        *link_findings(target, [*homes, *columns], as_of, profile),
    ]


# -- 站点无法访问 ------------------------------------------------------------------------------


def availability_findings(
    target: Mapping[str, Any], probes: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """站点无法访问: the week's failure ratio when measured, else what a one-shot round can say."""
    rules = profile.section("websites", "availability")
    visits = [p for p in probes if isinstance(p.get("ok"), bool)]
    # A probe without ok is no visit: the site refused us (a crawler block, a rate limit), which
    # says nothing about whether visitors reach it. Kept in the evidence with why.
    refused = [p for p in probes if not isinstance(p.get("ok"), bool)]
    # A visit after the monitoring time point says nothing about the site at that point (an
    # hourly job may go on running after it): when visits up to the point were made, the later
    # ones are not counted. Nor are visits before the monitored window (``window_days``, the
    # indicator's week; a profile without it has no window): a job left running since the last
    # round must not fail a site on an outage the indicator does not look at. A probe without
    # fetched_at cannot be placed and is counted, as before. A one-shot round crawled after its
    # monitoring time point (a replay, a re-run) has only later visits: they are the round's
    # visits and are counted, as before; the evidence says so.
    window_days = rules.get("window_days")
    window_starts = as_of - timedelta(days=window_days) if window_days else None
    measured, late, early = [], [], []
    for probe in visits:
        moment = _instant(probe.get("fetched_at"))
        if moment is not None and moment > as_of:
            late.append(probe)
        elif moment is not None and window_starts is not None and moment < window_starts:
            early.append(probe)
        else:
            measured.append(probe)
    only_later = not measured and not early
    if only_later:
        measured, late = late, []
    failed = [p for p in measured if not p["ok"]]

    def visit(probe: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "key": probe.get("key", ""),
            "url": probe.get("url", ""),
            "fetched_at": _local(probe.get("fetched_at"), profile),
            "ok": probe.get("ok"),
            "status": probe.get("status"),
            "error": probe.get("error", ""),
            "elapsed_ms": probe.get("elapsed_ms"),
            **({"network_witness": probe["network_witness"]} if probe.get("network_witness") else {}),
            **extra,
        }

    evidence = {
        "url": target.get("url", ""),
        "probes": len(measured),
        "failed": len(failed),
        "visits": [visit(p) for p in sorted(measured, key=_natural_key)],
        "only_after_as_of": only_later and bool(measured),
        "not_counted": {"after_as_of": len(late), **({"before_window": len(early)} if window_starts else {})},
        "visits_not_counted": [
            *(visit(p, not_counted="before_window") for p in sorted(early, key=_natural_key)),
            *(visit(p, not_counted="after_as_of") for p in sorted(late, key=_natural_key)),
            *(visit(p, not_counted="refused") for p in sorted(refused, key=_natural_key)),
        ],
    }
    threshold = {
        "failure_ratio": rules["failure_ratio"],
        "min_probes_for_ratio": rules["min_probes_for_ratio"],
        "probe_timeout_seconds": rules["probe_timeout_seconds"],
        **({"window_days": window_days} if window_days else {}),
    }
    severity, points = _judged(profile, rules)

    def review(reason: str) -> Finding:
        return _finding(profile, rules["review_code"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)

    if not measured and refused:
        errors = "；".join(dict.fromkeys(str(p.get("error") or "no detail") for p in refused))
        return [review(rules["reasons"]["refused"].format(url=target.get("url", ""), count=len(refused), errors=errors))]
    if not measured and early:
        return [review(rules["reasons"]["before_window"].format(url=target.get("url", ""), count=len(early), days=window_days))]
    if not measured:
        return [review(rules["reasons"]["no_probes"].format(url=target.get("url", "")))]
    if len(measured) >= rules["min_probes_for_ratio"]:
        # The indicator's own measure: failures reach the ratio of all visits in the window.
        ratio = Fraction(len(failed), len(measured))
        if ratio >= Fraction(str(rules["failure_ratio"])):
            return [_finding(profile, rules["code"], rules["labels"]["ratio"], severity, threshold, as_of, evidence, points=points)]
        return []
    # One-shot round: its visits straddle the monitoring time point at most by minutes, so the
    # later ones count here too; a visit refused to us means the server answered.
    round_visits = [*measured, *late]
    round_failed = [p for p in round_visits if not p["ok"]]
    if len(round_failed) == len(round_visits) and not refused:
        # Every visit at the monitoring time point failed: the notice's 监测时间点无法访问.
        return [_finding(profile, rules["code"], rules["labels"]["all_failed"], severity, threshold, as_of, evidence, points=points)]
    if round_failed:
        return [review(rules["reasons"]["partial"].format(failed=len(round_failed), probes=len(round_visits) + len(refused)))]
    return []


def _natural_key(observation: Mapping[str, Any]) -> list[Any]:
    """probe-2 before probe-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(observation.get("key", "")))]


# -- 首页不更新 --------------------------------------------------------------------------------


def home_page_findings(
    target: Mapping[str, Any], homes: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """首页不更新: the home page's newest entry older than stale_days calendar days."""
    rules = profile.section("websites", "home_page")
    threshold = {"stale_days": rules["stale_days"]}
    reasons = rules["reasons"]
    url = target.get("url", "")

    def review(reason: str, evidence: dict[str, Any]) -> list[Finding]:
        return [_finding(profile, rules["review_code"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)]

    if not homes:
        return review(reasons["missing"].format(url=url), {"url": url, "observed": False})
    home = homes[0]
    url = home.get("url") or url
    newest, later_seen = _newest_date(home, as_of, profile)
    evidence = {
        "url": url,
        "fetched_at": _local(home.get("fetched_at"), profile),
        "status": home.get("status"),
        "state": home.get("state", ""),
        "newest_date": _local(newest, profile),
        "newest_date_seen": _local(home.get("newest_date"), profile),
        "entries": _entry_evidence(home.get("entries") or [], profile),
    }
    state = home.get("state", "")
    if state != "entries":
        # failed / unparsed / empty / anything unknown: we could not see the home page's news
        if state in ("failed", "unparsed"):
            return review(reasons["unread"].format(url=url, state=state, error=home.get("error") or "no detail"), evidence)
        return review(reasons["undated"].format(url=url, state=state or "no state"), evidence)
    age = _age_days(newest, as_of, profile)
    if age is None and later_seen:
        return review(reasons["later_only"].format(url=url, as_of=as_of.date().isoformat()), evidence)
    if age is None and home.get("error"):  # e.g. a detail page that could not be read
        return review(reasons["unread"].format(url=url, state=state, error=home["error"]), evidence)
    if age is None:
        return review(reasons["undated"].format(url=url, state=state), evidence)
    evidence["age_days"] = age
    if age > rules["stale_days"] and _unread_detail_pages(home):
        # an entry whose detail page was not read may be newer than the dates read
        return review(reasons["unread"].format(url=url, state=state, error=home.get("error") or "detail pages not read"), evidence)
    if age > rules["stale_days"] and home.get("render_error"):
        # the page may show newer news in a browser, and ours could not open it
        evidence["render_error"] = home["render_error"]
        return review(reasons["render_failed"].format(url=url, date=_calendar_date(newest, profile).isoformat(), error=home["render_error"]), evidence)
    if age > rules["stale_days"]:
        severity, points = _judged(profile, rules)
        return [_finding(profile, rules["code"], rules["labels"]["stale"], severity, threshold, as_of, evidence, points=points)]
    return []


# -- 栏目不更新 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnReading:
    """One column as the rules see it: stale, blank, unreadable or fine."""

    name: str
    column_type: str
    url: str
    status: Literal["fresh", "stale", "blank", "unchecked", "review"]
    evidence: dict[str, Any]
    timely: bool = False
    should_update: bool = False
    reason: str = ""


def read_column(
    name: str, column_type: str, observation: Mapping[str, Any] | None, url: str, as_of: datetime, profile: Profile
) -> ColumnReading:
    """Classifies one column; an unreadable one is never counted as stale or blank."""
    reasons = profile.section("websites", "columns", "reasons")
    kind = profile.column_type(column_type) or profile.column_type("其他")
    timely = bool(kind and kind.timely)
    should_update = bool(kind and kind.should_update)
    if observation is None:
        evidence = {"name": name, "type": column_type, "url": url, "observed": False}
        return ColumnReading(name, column_type, url, "review", evidence, reason=reasons["missing"].format(column=name, url=url))
    url = observation.get("url") or url
    state = observation.get("state", "")
    newest, later_seen = _newest_date(observation, as_of, profile)
    evidence = {
        "name": name,
        "type": column_type,
        "url": url,
        "fetched_at": _local(observation.get("fetched_at"), profile),
        "status": observation.get("status"),
        "method": observation.get("method", ""),
        "state": state,
        "newest_date": _local(newest, profile),
        "newest_date_seen": _local(observation.get("newest_date"), profile),
    }
    threshold_date = kind.stale_before(_calendar_date(as_of, profile)) if kind else None
    if threshold_date is not None:
        evidence["threshold_date"] = threshold_date
    if observation.get("discovered"):
        evidence["discovered"] = True
    if observation.get("last_page"):  # listed old to new: the newest entries were read on its last page
        evidence["last_page"] = observation["last_page"]
    if state == "empty" and observation.get("render_error"):
        # the page runs scripts that may fill its list and hide its 暂无信息, and our browser could not open it
        evidence["render_error"] = observation["render_error"]
        reason = reasons["blank_render_failed"].format(column=name, url=url, error=observation["render_error"])
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if state == "empty":
        return ColumnReading(name, column_type, url, "blank", evidence, timely, should_update)
    if state != "entries" and observation.get("discovered") and threshold_date is None and column_type != INTERACTION_TYPE:
        # A navigation entry we guessed to be an untyped column (机构概况, 网上办事…) whose page
        # has no list: nothing the indicator checks, and not the site's fault.
        return ColumnReading(name, column_type, url, "unchecked", evidence)
    if state != "entries":
        reason = reasons["unread"].format(column=name, url=url, state=state or "no state", error=observation.get("error") or "no detail")
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if threshold_date is None:
        return ColumnReading(name, column_type, url, "unchecked", evidence)
    newest_day = _calendar_date(newest, profile)
    if newest_day is None:
        evidence["entries"] = _entry_evidence(observation.get("entries") or [], profile)
        if later_seen:
            reason = reasons["later_only"].format(column=name, url=url, as_of=as_of.date().isoformat())
        elif observation.get("error"):  # e.g. a detail page that could not be read
            reason = reasons["unread"].format(column=name, url=url, state=state, error=observation["error"])
        else:
            reason = reasons["undated"].format(column=name, url=url)
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if newest_day >= threshold_date:
        return ColumnReading(name, column_type, url, "fresh", evidence, timely, should_update)
    if _unread_detail_pages(observation):
        # an entry whose detail page was not read may be newer than the dates read
        evidence["entries"] = _entry_evidence(observation.get("entries") or [], profile)
        reason = reasons["unread"].format(column=name, url=url, state=state, error=observation.get("error") or "detail pages not read")
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if observation.get("more_pages"):
        # a list running from old to new that goes on: its newest entries are on a later page
        evidence["more_pages"] = observation["more_pages"]
        reason = reasons["oldest_first"].format(column=name, url=url, date=newest_day.isoformat(), says=observation["more_pages"].get("says", ""))
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if observation.get("render_error"):
        # the page may show a newer list in a browser, and ours could not open it
        evidence["render_error"] = observation["render_error"]
        reason = reasons["render_failed"].format(column=name, url=url, date=newest_day.isoformat(), error=observation["render_error"])
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    return ColumnReading(name, column_type, url, "stale", evidence, timely, should_update)


def read_columns(
    target: Mapping[str, Any], observations: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[ColumnReading]:
    """Every column of the target (observed or not) and every column observed."""
    by_name = {str(o.get("key") or o.get("column_name")): o for o in observations}
    readings = []
    registered = [c for c in target.get("columns") or [] if c.get("name")]
    for column in registered:
        observation = by_name.pop(column["name"], None)
        column_type = (observation or {}).get("column_type") or column.get("type") or "其他"
        readings.append(read_column(column["name"], column_type, observation, column.get("url", ""), as_of, profile))
    for name, observation in by_name.items():  # observed, though no longer registered
        readings.append(read_column(name, observation.get("column_type") or "其他", observation, "", as_of, profile))
    return readings


def column_findings(
    target: Mapping[str, Any],
    observations: Sequence[Mapping[str, Any]],
    as_of: datetime,
    profile: Profile,
    homes: Sequence[Mapping[str, Any]],
) -> list[Finding]:
    """栏目不更新 (stale, long stale, blank) with the notes below the veto counts, and a review per
    unreadable column; a review when the home page's navigation (``homes``, read for a site
    registered without columns: ``discovered_columns``) showed none."""
    readings = read_columns(target, observations, as_of, profile)
    homes_without_columns = [h for h in homes if h.get("discovered_columns") == 0]
    if not readings and homes_without_columns:
        # Registered without columns, and the home page's navigation showed none: no column was
        # checked, so the site has not passed this indicator either.
        rules = profile.section("websites", "columns")
        evidence = {"home_url": homes_without_columns[0].get("url", ""), "discovered_columns": 0}
        reason = rules["reasons"]["none_found"]
        return [_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", _stale_threshold(profile), as_of, evidence, reason)]
    return [
        *stale_column_findings(readings, as_of, profile),
        *blank_column_findings(readings, as_of, profile),
        *unreadable_column_findings(readings, as_of, profile),
    ]


def _stale_threshold(profile: Profile) -> dict[str, Any]:
    rules = profile.section("websites", "columns")
    return {
        "stale_veto_count": rules["stale_veto_count"],
        "long_stale_veto_count": rules["long_stale_veto_count"],
        "timely_types": rules["timely_types"],
        "should_update_types": rules["should_update_types"],
        "stale_after": [{"type": t["type"], **(t["stale_after"] or {})} for t in rules["column_types"] if t["stale_after"]],
    }


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
    threshold = _stale_threshold(profile)
    severity, points = _judged(profile, rules)
    findings = []
    if len(timely_stale) >= rules["stale_veto_count"]:
        findings.append(_finding(profile, rules["codes"]["stale"], rules["labels"]["stale"], severity, threshold, as_of, evidence, points=points))
    if len(long_stale) >= rules["long_stale_veto_count"]:
        findings.append(_finding(profile, rules["codes"]["long_stale"], rules["labels"]["long_stale"], severity, threshold, as_of, evidence, points=points))
    if stale and not findings:
        # Below the veto counts the site passes, and the notice still names the problem.
        note_severity, note_points = _judged(profile, rules, "note_severity")
        findings.append(_finding(profile, rules["codes"]["stale"], rules["labels"]["stale_note"], note_severity, threshold, as_of, evidence, points=note_points))
    return findings


def blank_column_findings(readings: Sequence[ColumnReading], as_of: datetime, profile: Profile) -> list[Finding]:
    """Rule (3): ≥ N blank columns (the page says there is nothing); fewer give a note."""
    rules = profile.section("websites", "columns")
    blank = [r for r in readings if r.status == "blank"]
    if not blank:
        return []
    evidence = {"blank_columns": [r.evidence for r in blank], "blank_count": len(blank)}
    threshold = {"blank_veto_count": rules["blank_veto_count"]}
    if len(blank) >= rules["blank_veto_count"]:
        severity, points = _judged(profile, rules)
        label = rules["labels"]["blank"]
    else:
        severity, points = _judged(profile, rules, "note_severity")
        label = rules["labels"]["blank_note"]
    return [_finding(profile, rules["codes"]["blank"], label, severity, threshold, as_of, evidence, points=points)]


def unreadable_column_findings(readings: Sequence[ColumnReading], as_of: datetime, profile: Profile) -> list[Finding]:
    """One review per column we could not read; its code names the column (findings are keyed by code)."""
    rules = profile.section("websites", "columns")
    threshold = _stale_threshold(profile)
    return [
        _finding(profile, f"{rules['codes']['review']}:{r.name}", rules["labels"]["review"], "review", threshold, as_of, r.evidence, r.reason)
        for r in readings
        if r.status == "review"
    ]


# -- 互动回应差 ----------------------------------------------------------------------------------

INTERACTION_TYPE = "互动交流"


@dataclass(frozen=True)
class MessageCheck:
    """The messages of one interaction column as 互动回应差 (2) sees them at the monitoring point."""

    overdue: tuple[dict[str, Any], ...]  # valid, asked in the window, unanswered for over the period
    unknown: tuple[dict[str, Any], ...]  # would be overdue, but the page shows neither a reply nor a status
    considered: int  # valid messages asked within the window, up to the monitoring day
    window_start: date
    overdue_before: date


def _message_evidence(message: Mapping[str, Any], profile: Profile) -> dict[str, Any]:
    return {
        "title": message.get("title", ""),
        "url": message.get("url", ""),
        "asked": _local(message.get("asked"), profile),
        "asked_text": message.get("asked_text", ""),
        "answered": _local(message.get("answered"), profile),
        "answered_text": message.get("answered_text", ""),
        "status": message.get("status", ""),
    }


def check_messages(messages: Iterable[Mapping[str, Any]], as_of: datetime, profile: Profile) -> MessageCheck:
    """Valid messages asked within ``window`` before the monitoring day and, at that day, left
    without a reply for more than ``reply_within`` (asked before as_of − reply_within).

    A reply dated after the monitoring day does not count (the message was open then); a
    status word saying it was answered counts when no reply date is printed. A message whose
    page shows neither is ``unknown`` (the rules never guess it unanswered).
    """
    rules = profile.section("websites", "interaction")
    day = _calendar_date(_normalised_as_of(as_of, profile), profile)
    window_start = day - relativedelta(**dict(rules["window"]))
    overdue_before = day - relativedelta(**dict(rules["reply_within"]))
    overdue, unknown, considered = [], [], 0
    for message in messages:
        asked = _calendar_date(message.get("asked"), profile)
        if asked is None or message.get("invalid") or not window_start <= asked <= day:
            continue
        considered += 1
        if asked >= overdue_before:
            continue  # not yet open for the whole period
        answered = _calendar_date(message.get("answered"), profile)
        if answered is not None:
            if answered > day:
                overdue.append(_message_evidence(message, profile))
            continue
        if message.get("replied") is True:
            continue
        target = overdue if message.get("replied") is False else unknown
        target.append(_message_evidence(message, profile))
    return MessageCheck(tuple(overdue), tuple(unknown), considered, window_start, overdue_before)


def _interaction_threshold(profile: Profile) -> dict[str, Any]:
    rules = profile.section("websites", "interaction")
    return {"window": rules["window"], "reply_within": rules["reply_within"]}


def site_interaction_findings(
    target: Mapping[str, Any],
    homes: Sequence[Mapping[str, Any]],
    columns: Sequence[Mapping[str, Any]],
    as_of: datetime,
    profile: Profile,
) -> list[Finding]:
    """互动回应差: overdue messages in an interaction column; no interaction channel at all.

    "No channel" is a veto only when it is proven: no 互动交流 column registered or discovered,
    and the home page, read as a browser shows it (``method`` "rendered": menus are often
    written by script), links to none and shows no link that may be one but could not be
    read (``interaction_unresolved``: a channel-named link run by a script, an unnamed image
    link in an interaction block): those are for an inspector. A channel we could not read is
    the column rules' review (栏目…读取失败), never a veto.
    """
    rules = profile.section("websites", "interaction")
    threshold = _interaction_threshold(profile)
    severity, points = _judged(profile, rules)
    channels = [o for o in columns if o.get("column_type") == INTERACTION_TYPE]
    registered = [c for c in target.get("columns") or [] if c.get("type") == INTERACTION_TYPE]
    if channels or registered:
        return _message_findings(channels, as_of, profile)
    home = homes[0] if homes else None
    links = home.get("interaction_links") if home else None
    if not isinstance(links, list) or home.get("state") != "entries":
        # Not read, or read without its content showing (a page built by script): "none" would
        # not be proven, and the home page's own review already says why.
        return []
    evidence = {
        "home_url": home.get("url", ""),
        "fetched_at": _local(home.get("fetched_at"), profile),
        "registered_interaction_columns": [],
        "interaction_links": [dict(link) for link in links],
    }
    # links that may be a channel but could not be read: "none" is not proven while they stand
    unresolved = [dict(u) for u in home.get("interaction_unresolved") or [] if isinstance(u, Mapping)]
    if unresolved:
        evidence["interaction_unresolved"] = unresolved
    if not links and not unresolved:
        evidence["columns_seen"] = [o.get("key", "") for o in columns]
        evidence["read_as"] = home.get("method", "")
        if home.get("method") != "rendered":
            if home.get("render_error"):
                evidence["render_error"] = home["render_error"]
            # menus are often written by script: the HTML as fetched does not prove there is none
            reason = rules["reasons"]["channel_not_rendered"].format(url=home.get("url", ""))
            return [_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)]
        return [_finding(profile, rules["codes"]["no_channel"], rules["labels"]["no_channel"], severity, threshold, as_of, evidence, points=points)]
    reasons = []
    if links:
        broken = {b.get("url") for b in (home.get("links") or {}).get("broken") or []}
        if not all(link.get("url") in broken for link in links):
            return []  # a channel link opens
        reasons.append(rules["reasons"]["channel_broken"].format(urls="、".join(link.get("url", "") for link in links)))
    if unresolved:
        unnamed = {"unnamed image": "无文字图片链接", "frame": "内嵌页面"}
        named = "、".join(f"{u.get('name') or unnamed.get(u.get('why'), '无文字链接')}（{u.get('target', '')}）" for u in unresolved)
        reasons.append(rules["reasons"]["channel_unresolved"].format(links=named))
    reason = profile.review_separator.join(reasons)
    return [_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)]


def _message_findings(channels: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile) -> list[Finding]:
    rules = profile.section("websites", "interaction")
    threshold = _interaction_threshold(profile)
    overdue_columns, unknown_columns, reasons = [], [], []
    for observation in channels:
        if observation.get("state") not in ("entries", "empty") or "messages_state" not in observation:
            continue  # not read (the column review says why), or read before messages were observed
        name, url = observation.get("key", ""), observation.get("url", "")
        if observation.get("messages_state") == "unparsed":
            reasons.append(rules["reasons"]["no_messages"].format(column=name, url=url))
            continue
        check = check_messages(observation.get("messages") or [], as_of, profile)
        column_evidence = {
            "column": name,
            "url": url,
            "fetched_at": _local(observation.get("fetched_at"), profile),
            "discovered": bool(observation.get("discovered")),
            "messages_read": len(observation.get("messages") or []),
            "messages_in_window": check.considered,
            "window_start": check.window_start,
            "overdue_before": check.overdue_before,
        }
        if check.overdue:
            overdue_columns.append({**column_evidence, "unanswered": list(check.overdue)})
        if check.unknown:
            unknown_columns.append({**column_evidence, "reply_unknown": list(check.unknown)})
            reasons.append(rules["reasons"]["unknown_replies"].format(column=name, url=url, count=len(check.unknown)))
    if overdue_columns:
        severity, points = _judged(profile, rules)
        evidence = {"columns": overdue_columns, "unanswered_count": sum(len(c["unanswered"]) for c in overdue_columns)}
        return [_finding(profile, rules["codes"]["unanswered"], rules["labels"]["unanswered"], severity, threshold, as_of, evidence, points=points)]
    if reasons:
        evidence = {"columns": unknown_columns}
        return [_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, profile.review_separator.join(reasons))]
    return []


# -- 严重表述错误 ---------------------------------------------------------------------------------


def serious_error_findings(
    target: Mapping[str, Any], pages: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """A known wrong wording on the home page or a column page: one veto listing every hit.

    A hit whose snippet reads as a correction or a quotation (a correction word, or the right
    wording beside it: govcheck.extract.wording.correction_cue) is not established as an error
    of the page. It is listed under ``quoted``; when no other hit is left, the finding is a
    review naming each such hit with its snippet, never a veto. So is a hit in text the page
    hides (``hidden``: a tab not yet opened, text for search engines), listed under ``hidden``:
    whether visitors see it is for an inspector.
    """
    from govcheck.extract.wording import Hit, correction_cue  # the one list of correction words

    rules = profile.section("websites", "serious_errors")
    hits = [
        {
            "page": page.get("kind", ""),
            "key": page.get("key", ""),
            "url": page.get("url", ""),
            "fetched_at": _local(page.get("fetched_at"), profile),
            "wrong": hit.get("wrong", ""),
            "right": hit.get("right", ""),
            "snippet": hit.get("snippet", ""),
            "hidden": hit.get("hidden") is True,
            "word_list": page.get("word_list", ""),
        }
        for page in pages
        for hit in page.get("serious_errors") or []
    ]
    if not hits:
        return []
    plain: list[dict[str, Any]] = []
    quoted: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    for hit in hits:
        cue = correction_cue(Hit(hit["wrong"], hit["right"], hit["snippet"]))
        if cue:
            quoted.append({**hit, "cue": cue})
        elif hit["hidden"]:
            hidden.append(hit)
        else:
            plain.append(hit)
    threshold = {"word_lists": sorted({h["word_list"] for h in hits})}
    evidence = {"hits": plain, "hit_count": len(plain), "quoted": quoted, "hidden": hidden}
    if plain:
        severity, points = _judged(profile, rules)
        return [_finding(profile, rules["code"], rules["label"], severity, threshold, as_of, evidence, points=points)]
    reasons = [
        rules["reasons"]["quoted"].format(url=h["url"], wrong=h["wrong"], right=h["right"], cue=h["cue"], snippet=h["snippet"])
        for h in quoted
    ] + [
        rules["reasons"]["hidden"].format(url=h["url"], wrong=h["wrong"], right=h["right"], snippet=h["snippet"])
        for h in hidden
    ]
    reason = profile.review_separator.join(dict.fromkeys(reasons))
    return [_finding(profile, rules["code"], rules["label"], "review", threshold, as_of, evidence, reason)]


# -- 不可用链接 ----------------------------------------------------------------------------------


def link_findings(
    target: Mapping[str, Any], pages: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Broken links of the home and column pages: points per distinct broken URL, up to max_points.

    Unchecked links (our timeout, walls, rate limits) are listed and never counted.
    """
    rules = profile.section("websites", "links")
    checked_pages = [p for p in pages if isinstance(p.get("links"), Mapping)]
    broken: dict[str, dict[str, Any]] = {}
    unchecked: dict[str, dict[str, Any]] = {}
    registered = _registered_page_answers(target, pages)
    for page in checked_pages:
        for kind, found in (("broken", broken), ("unchecked", unchecked)):
            for link in [*(page["links"].get(kind) or []), *(a for a in _registered_links(page, registered) if a["outcome"] == kind)]:
                entry = found.setdefault(link.get("url", ""), {
                    "url": link.get("url", ""), "status": link.get("status"), "error": link.get("error", ""),
                    "outbound": bool(link.get("outbound")), "found_on": [],
                })
                entry["found_on"].append(page.get("url", ""))
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
        "pages_checked": [p.get("url", "") for p in checked_pages],
        "links_found": sum(int(p["links"].get("found") or 0) for p in checked_pages),
        "links_skipped": sum(int(p["links"].get("skipped") or 0) for p in checked_pages),
    }
    threshold = {"points_per_link": per_link, "max_points": rules["max_points"]}
    label = rules["label"].format(count=len(broken))
    return [_finding(profile, rules["code"], label, severity, threshold, as_of, evidence, points=points)]


def _registered_page_answers(target: Mapping[str, Any], pages: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """How each registered page of the site answered the round (its own observation), by the
    address it is registered at: the links to it are answered by that, not checked again.
    A page with no observation was not read in this round: unchecked."""
    by_key = {p.get("key"): p for p in pages}
    addresses = {target.get("url", ""): "home", **{c.get("url", ""): c.get("name") for c in target.get("columns") or []}}
    resolver_proven = reached_by_name(target.get("url", ""))
    answers = {}
    for url, key in addresses.items():
        page = by_key.get(key)
        status = page.get("status") if page else None
        error = "" if status is not None else (page.get("error") or "not fetched") if page else "not read in this round"
        outcome = link_outcome(status, error, resolver_proven)
        answers[url] = {
            "url": url, "status": status, "error": error if status is None else ("" if outcome == "ok" else f"HTTP {status}"),
            "outbound": False, "outcome": outcome, "checked_at": page.get("fetched_at") if page else None,
        }
    return answers


def _registered_links(page: Mapping[str, Any], answers: Mapping[str, Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The answers to a page's links to its site's registered pages (its ``links.pages``)."""
    return [answers[url] for url in (page.get("links") or {}).get("pages") or [] if url in answers]


# == new media ==================================================================================

# fields merged from several observations of one account; `posts` and `error` are handled apart
_MERGED_FIELDS = ("found", "current_name", "latest_post_at", "interaction", "originals")
# dates of posts seen: the latest one proven by any source up to the monitoring day wins
_LATEST_SEEN_FIELDS = ("latest_post_at", "originals")


@dataclass(frozen=True)
class AccountState:
    """One account as several observations tell it together (crawled and manual)."""

    found: bool | None = None
    current_name: str | None = None
    latest_post_at: datetime | None = None
    latest_original_at: datetime | None = None
    originals_known: bool = False
    originals_source: str = ""
    posts: tuple[Mapping[str, Any], ...] | None = None  # None: the post list was not read
    interaction: Mapping[str, Any] | None = None
    error: str = ""
    sources: tuple[dict[str, Any], ...] = ()
    taken_from: dict[str, str] = field(default_factory=dict)  # field → source it was taken from
    posts_source: str = ""  # the source whose post list is ``posts``
    inspected: frozenset[str] = frozenset()  # the fields whose value an inspector's observation gave
    # field (and "posts") → when its source read the account; None when not recorded (an inspector's)
    read_at: dict[str, datetime | None] = field(default_factory=dict)


def _source_name(observation: Mapping[str, Any]) -> str:
    name = observation.get("source") or ("manual" if observation.get("manual") else "crawl")
    inspector = observation.get("inspector")
    return f"{name} ({inspector})" if inspector else str(name)


def _field_value(observation: Mapping[str, Any], name: str) -> Any:
    """A field of one observation, None when it is unknown there."""
    if name == "found":
        found = observation.get("found")
        return found if isinstance(found, bool) else None
    if name == "current_name":
        text = (observation.get("current_name") or "").strip()
        return text or None
    if name == "latest_post_at":
        latest = _instant(observation.get("latest_post_at"))
        if latest is not None or observation.get("error"):
            # A read that failed may have stopped before the newest post: its posts give no latest.
            return latest
        return _latest_post_time(observation.get("posts"))
    if name == "interaction":
        interaction = observation.get("interaction")
        if not isinstance(interaction, Mapping) or interaction.get("state") in (None, "", "unknown"):
            return None
        return interaction
    if name == "originals":
        # The pair is one fact: latest_original_at is meaningful only when originals are known,
        # and "no original seen" only from a read that did not fail.
        if observation.get("originals_known") is not True:
            return None
        latest = _instant(observation.get("latest_original_at"))
        return None if latest is None and observation.get("error") else (latest,)
    raise KeyError(name)


def _is_manual(observation: Mapping[str, Any]) -> bool:
    return bool(observation.get("manual") or observation.get("source") == "manual")


def _latest_post_time(posts: Any) -> datetime | None:
    """The newest post of a list read in full; pinned posts are never the latest."""
    times = [_instant(p.get("time")) for p in posts or [] if isinstance(p, Mapping) and not p.get("pinned")]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _source_evidence(observation: Mapping[str, Any], profile: Profile) -> dict[str, Any]:
    interaction = observation.get("interaction") if isinstance(observation.get("interaction"), Mapping) else {}
    posts = observation.get("posts")
    return {
        "source": observation.get("source", ""),
        "manual": bool(observation.get("manual")),
        "key": observation.get("key", ""),
        "url": observation.get("url", ""),  # the account's page as this source read it
        "fetched_at": _local(observation.get("fetched_at"), profile),
        "inspector": observation.get("inspector", ""),
        "screenshot": observation.get("screenshot", ""),
        "found": observation.get("found"),
        "current_name": observation.get("current_name"),
        "latest_post_at": _local(observation.get("latest_post_at"), profile),
        "latest_original_at": _local(observation.get("latest_original_at"), profile),
        "originals_known": observation.get("originals_known"),
        # all the posts the source read (the observation keeps only the last months' as evidence)
        "posts_read": observation.get("posts_read", None if posts is None else len(posts)),
        "oldest_post_read": _local(observation.get("oldest_post_read"), profile),
        "interaction": dict(interaction),
        "error": observation.get("error", ""),
    }


def merge_account_observations(
    observations: Sequence[Mapping[str, Any]], profile: Profile, as_of: datetime | None = None
) -> AccountState:
    """Crawled observations first, then manual ones: a manual value fills what the crawl left
    unknown and, where both have a value, the manual one wins (the inspector saw the account).

    The dates of the latest post and of the latest original are the exception: a post seen
    cannot be unseen, so the latest date any source proves on or before the monitoring day
    (``as_of``) wins, whoever saw it; on a tie, or when no source proves one up to that day,
    the order above decides. ``taken_from`` names the source of every value used.
    """
    ordered = sorted(observations, key=_is_manual)
    values: dict[str, Any] = {}
    taken_from: dict[str, str] = {}
    inspected: set[str] = set()
    read_at: dict[str, datetime | None] = {}
    seen: dict[str, list[tuple[datetime, Any, Mapping[str, Any]]]] = {name: [] for name in _LATEST_SEEN_FIELDS}
    last_day = _calendar_date(as_of, profile) if as_of is not None else None

    def take(name: str, value: Any, observation: Mapping[str, Any]) -> None:
        values[name] = value
        taken_from[name] = _source_name(observation)
        read_at[name] = _instant(observation.get("fetched_at"))
        if _is_manual(observation):
            inspected.add(name)
        else:
            inspected.discard(name)

    for observation in ordered:
        for name in _MERGED_FIELDS:
            value = _field_value(observation, name)
            if value is not None and (name not in values or _is_manual(observation)):
                take(name, value, observation)
            if name in seen and value is not None:
                moment = value[0] if name == "originals" else value
                if moment is not None and (last_day is None or _calendar_date(moment, profile) <= last_day):
                    seen[name].append((moment, value, observation))
    for name, proven in seen.items():
        if proven:
            # on equal dates the inspector's wins, then the source that read the account last
            _, value, observation = max(proven, key=_proof_rank)
            take(name, value, observation)
    # The post list: the first one read (a list, even empty) by an observation without an error.
    posts_read_by = next(
        (o for o in ordered if isinstance(o.get("posts"), list) and not o.get("error")), None
    )
    posts = None if posts_read_by is None else tuple(posts_read_by["posts"])
    if posts_read_by is not None:
        read_at["posts"] = _instant(posts_read_by.get("fetched_at"))
    if "interaction" not in values:
        # Nobody could tell the state: keep what the check saw (its URL and why) for the reason.
        unknown = [o["interaction"] for o in ordered if isinstance(o.get("interaction"), Mapping)]
        if unknown:
            values["interaction"] = max(unknown, key=lambda i: bool(i.get("detail") or i.get("url")))
    errors = [f"{_source_name(o)}: {o['error']}" for o in ordered if o.get("error")]
    originals = values.get("originals")
    originals_source = next(
        (str(o.get("source") or "") for o in ordered if o.get("originals_known") is not None), ""
    )
    return AccountState(
        found=values.get("found"),
        current_name=values.get("current_name"),
        latest_post_at=values.get("latest_post_at"),
        latest_original_at=originals[0] if originals else None,
        originals_known=originals is not None,
        originals_source=originals_source,
        posts=posts,
        interaction=values.get("interaction"),
        error="; ".join(errors),
        sources=tuple(_source_evidence(o, profile) for o in ordered),
        taken_from=taken_from,
        posts_source="" if posts_read_by is None else _source_name(posts_read_by),
        inspected=frozenset(inspected),
        read_at=read_at,
    )


def _proof_rank(candidate: tuple[datetime, Any, Mapping[str, Any]]) -> tuple[datetime, bool, datetime]:
    """Orders the sources proving a post date: the date, then the inspector's, then the latest read."""
    moment, _, observation = candidate
    read = _instant(observation.get("fetched_at")) or datetime.min.replace(tzinfo=timezone.utc)
    return _instant(moment), _is_manual(observation), read


def _account_evidence(target: Mapping[str, Any], state: AccountState, **extra: Any) -> dict[str, Any]:
    return {
        "name": target.get("name", ""),
        "platform": target.get("platform", ""),
        "account_id": target.get("account_id", ""),
        **extra,
        "taken_from": dict(state.taken_from),
        "observations": list(state.sources),
    }


def evaluate_account(
    target: Mapping[str, Any], observations: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Every finding about a new-media account, from its (merged) observations."""
    as_of = _normalised_as_of(as_of, profile)
    accounts = _of_kind(observations, "account")
    state = merge_account_observations(accounts, profile, as_of)
    if not accounts or state.found is not True:
        return found_findings(target, state, bool(accounts), as_of, profile)
    return [
        *rename_findings(target, state, as_of, profile),
        *update_findings(target, state, as_of, profile),
        *interaction_findings(target, state, as_of, profile),
    ]


# -- 搜索不到 ----------------------------------------------------------------------------------


def found_findings(
    target: Mapping[str, Any], state: AccountState, observed: bool, as_of: datetime, profile: Profile
) -> list[Finding]:
    """搜索不到 when the account was not found; review when that is unknown. Nothing else is judged then."""
    rules = profile.section("new_media", "not_found")
    evidence = _account_evidence(target, state, found=state.found)
    if state.found is False:
        severity, points = _judged(profile, rules)
        return [_finding(profile, rules["code"], rules["label"], severity, {"found": False}, as_of, evidence, points=points)]
    reason = rules["reasons"]["unknown"].format(error=state.error or "no detail") if observed else rules["reasons"]["missing"]
    review_label = profile.value("new_media", "review_label")
    return [_finding(profile, rules["review_code"], review_label, "review", {"found": False}, as_of, evidence, reason)]


# -- 已改名(…)系统中未改名 -----------------------------------------------------------------------


# Marks written in several styles, each compared as the first of its group: middle dots
# (U+00B7 ·, bullet •, katakana ・ — also the half-width ･ after NFKC —, hyphenation point ‧,
# operators ∙ ⋅), quotes (ASCII, curly, corner brackets 「」『』) and dashes (hyphens, en and em
# dashes, minus; the full-width and small hyphen-minus are ASCII after NFKC).
_SAME_MARK = str.maketrans({
    **dict.fromkeys("•・‧∙⋅", "·"),
    **dict.fromkeys("“”„‟「」『』'‘’‚‛", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
})
_DASHES = re.compile("-+")  # a Chinese dash is two em dashes (——): one dash however long
# A displayed name the platform cut short: it ends in an ellipsis ("…" is "..." after NFKC).
_CUT_SHORT = re.compile(r"(?:\.{3}|⋯)+$")


def _name_key(name: str) -> str:
    """The form in which the registered and the displayed name are compared for 已改名.

    Differences no reader sees as another name are dropped: Unicode width (NFKC: full-width
    letters, digits and brackets), Latin letter case, whitespace (the registry wraps long
    names in table cells: 卤阳湖开发区 行政审批服务中心), format characters (category Cf:
    zero-width space and joiners, BOM, word joiner, soft hyphen), and the style of middle
    dots, quotes and dashes (``_SAME_MARK``), with a run of dashes as one.

    Traditional against simplified characters (渭南發佈 / 渭南发布) and an emoji added to the
    name are left as they are: the account displays another name, which is a renaming.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    return _DASHES.sub("-", text.translate(_SAME_MARK))


def _cut_short(current_key: str, registered_key: str) -> bool:
    """The displayed name is the registered one cut short by the platform: it ends in an
    ellipsis and what precedes it begins the registered name."""
    ellipsis = _CUT_SHORT.search(current_key)
    return ellipsis is not None and registered_key.startswith(current_key[: ellipsis.start()])


def rename_findings(target: Mapping[str, Any], state: AccountState, as_of: datetime, profile: Profile) -> list[Finding]:
    """The account shows another name than the one filed in the national registry; a name the
    platform cut short (…) that begins like the registered one is for an inspector."""
    rules = profile.section("new_media", "renamed")
    registered = str(target.get("name", ""))
    if not state.current_name:
        return []
    current_key, registered_key = _name_key(state.current_name), _name_key(registered)
    if current_key == registered_key:
        return []
    current = state.current_name.strip()
    evidence = _account_evidence(
        target, state, registered_name=registered, current_name=current,
        compared_as={"registered_name": registered_key, "current_name": current_key},
    )
    threshold = {"registered_name": registered}
    if _cut_short(current_key, registered_key):
        reason = rules["reasons"]["truncated"].format(current_name=current, registered_name=registered)
        review_label = profile.value("new_media", "review_label")
        return [_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)]
    severity, points = _judged(profile, rules)
    label = rules["label"].format(current_name=current)
    return [_finding(profile, rules["code"], label, severity, threshold, as_of, evidence, points=points)]


# -- 长期无更新 / 14天未更新 / 3个月无原创 ------------------------------------------------------------


def update_findings(target: Mapping[str, Any], state: AccountState, as_of: datetime, profile: Profile) -> list[Finding]:
    """长期无更新 replaces 14天未更新 and 3个月无原创; otherwise each is judged on its own."""
    long_rules = profile.section("new_media", "long_no_update")
    rules = profile.section("new_media", "no_update")
    threshold = {"no_update_days": rules["days"], "long_no_update_days": long_rules["days"]}
    latest, later_seen, read_at, latest_from = _latest_post_until(state, as_of, profile)
    age = _age_days(latest, as_of, profile)
    read_before = _read_before(read_at, as_of, profile)
    evidence = _account_evidence(
        target,
        state,
        latest_post_at=_local(latest, profile),
        latest_post_from=latest_from,
        latest_post_at_seen=_local(state.latest_post_at, profile),
        latest_post_read_at=_local(read_at, profile),
        age_days=age,
        age_days_at_read=_age_at_read(latest, read_before, profile),
        posts_read=None if state.posts is None else len(state.posts),
        latest_posts=_post_evidence(state.posts or (), profile),
    )
    if read_before is not None and (age > rules["days"] if age is not None else not later_seen):
        # A read before the monitoring day did not see the days after it: a post then would cure
        # any staleness, so none is established at the monitoring point. Below, a read before
        # the day has shown nothing late.
        return [_read_before_review(rules, threshold, read_before, latest, as_of, evidence, profile),
                *original_findings(target, state, as_of, profile)]
    if age is None:
        if state.posts is not None and not state.posts and not later_seen:
            # The post list was read and holds nothing: the account has never been updated.
            severity, points = _judged(profile, long_rules)
            return [_finding(profile, long_rules["code"], long_rules["label"], severity, threshold, as_of, evidence, points=points)]
        if later_seen:
            reason = rules["reasons"]["later_only"].format(as_of=as_of.date().isoformat())
        elif state.error:
            reason = rules["reasons"]["unread"].format(error=state.error)
        else:
            reason = rules["reasons"]["unknown"]
        review_label = profile.value("new_media", "review_label")
        return [
            _finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason),
            *original_findings(target, state, as_of, profile),
        ]
    if age > rules["days"] and latest_from and latest_from["field"] == "latest_original_at":
        # Only an inspector's original is that late, and the post lists missed it: what came
        # after it is unrecorded, so the account is not shown to be without updates.
        reason = rules["reasons"]["original_only"].format(
            source=latest_from["source"], latest=_calendar_date(latest, profile).isoformat(),
            as_of=as_of.date().isoformat(), days=rules["days"],
        )
        review_label = profile.value("new_media", "review_label")
        return [
            _finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason),
            *original_findings(target, state, as_of, profile),
        ]
    if age > long_rules["days"]:
        severity, points = _judged(profile, long_rules)
        return [_finding(profile, long_rules["code"], long_rules["label"], severity, threshold, as_of, evidence, points=points)]
    findings = []
    if age > rules["days"]:
        severity, points = _judged(profile, rules)
        findings.append(_finding(profile, rules["code"], rules["label"], severity, threshold, as_of, evidence, points=points))
    return [*findings, *original_findings(target, state, as_of, profile)]


def _read_before_review(
    rules: Mapping[str, Any], threshold: dict[str, Any], read_before: datetime, latest: datetime | None,
    as_of: datetime, evidence: dict[str, Any], profile: Profile,
) -> Finding:
    """待人工复核 of an update rule whose source read the account before the monitoring day."""
    reason = rules["reasons"]["read_before"].format(
        fetched_at=_moment_text(read_before, profile), as_of=as_of.date().isoformat(),
        latest=_calendar_date(latest, profile).isoformat() if latest is not None else "无", days=rules["days"],
    )
    review_label = profile.value("new_media", "review_label")
    return _finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)


def _age_at_read(latest: datetime | None, read_before: datetime | None, profile: Profile) -> int | None:
    """How old the latest post (or original) was when a source read the account before the
    monitoring day: evidence of what that read could show."""
    return None if read_before is None or latest is None else _age_days(latest, read_before, profile)


def _read_before(read_at: datetime | None, as_of: datetime, profile: Profile) -> datetime | None:
    """When the source was read, if that was on a day before the monitoring day (else None:
    read on or after it, or an inspector's look whose time was not recorded)."""
    if read_at is None or _calendar_date(read_at, profile) >= _calendar_date(as_of, profile):
        return None
    return read_at


def _moment_text(moment: datetime, profile: Profile) -> str:
    return _local(moment, profile).strftime("%Y-%m-%d %H:%M")


def _latest_post_until(
    state: AccountState, as_of: datetime, profile: Profile
) -> tuple[datetime | None, bool, datetime | None, dict[str, str] | None]:
    """The latest post up to the monitoring day: the recorded one, else the newest such post of
    the list; whether a later one was seen; when the source of the date read the account; and
    which field of which source gave the date (None when there is none).

    An original post is a post: a later original an inspector saw up to that day (最近原创时间,
    recorded where the crawl cannot tell originals, whose list may miss the newest works) is
    the latest post. A crawl's originals are among the posts it read, so its latest post
    already covers them; they never move it.
    """
    recorded, later = _latest_until([state.latest_post_at], as_of, profile)
    if recorded is not None:
        latest, read_at, basis = recorded, state.read_at.get("latest_post_at"), "latest_post_at"
        latest_from = {"field": basis, "source": state.taken_from.get(basis, "")}
    else:
        # pinned posts are never the latest (an old pinned post must not make an account look alive or dead)
        times = (p.get("time") for p in state.posts or () if not p.get("pinned"))
        latest, later_in_list = _latest_until(times, as_of, profile)
        later, read_at, basis = later or later_in_list, state.read_at.get("posts"), "posts"
        latest_from = {"field": basis, "source": state.posts_source} if latest is not None else None
    original, _ = _latest_until([state.latest_original_at], as_of, profile)
    if original is not None and "originals" in state.inspected and (latest is None or original > latest):
        latest_from = {"field": "latest_original_at", "source": state.taken_from.get("originals", "")}
        return original, later, state.read_at.get("originals"), latest_from
    return latest, later, read_at, latest_from


def _latest_original_until(state: AccountState, as_of: datetime, profile: Profile) -> tuple[datetime | None, bool, datetime | None]:
    """The latest original post up to the monitoring day: the recorded one, else from the post
    list; whether a later one was seen; when the source of the date read the account."""
    recorded, later = _latest_until([state.latest_original_at], as_of, profile)
    if recorded is not None or not later:
        return recorded, later, state.read_at.get("originals")
    originals = (p.get("time") for p in state.posts or () if p.get("original") is True and not p.get("pinned"))
    from_list, _ = _latest_until(originals, as_of, profile)
    return from_list, True, state.read_at.get("posts")


def _post_evidence(posts: Iterable[Mapping[str, Any]], profile: Profile) -> list[dict[str, Any]]:
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    newest_first = sorted(posts, key=lambda p: _instant(p.get("time")) or oldest, reverse=True)
    return [
        {
            "url": p.get("url", ""),
            "title": p.get("title") or p.get("text", ""),
            "time": _local(p.get("time"), profile),
            "time_text": p.get("time_text", ""),
            "original": p.get("original"),
            "pinned": p.get("pinned"),
        }
        for p in newest_first[:EVIDENCE_ITEMS]
    ]


def original_findings(target: Mapping[str, Any], state: AccountState, as_of: datetime, profile: Profile) -> list[Finding]:
    """3个月无原创: no original post within `days`; review when the source cannot tell originals."""
    rules = profile.section("new_media", "no_original")
    threshold = {"no_original_days": rules["days"]}
    latest, later_seen, read_at = _latest_original_until(state, as_of, profile)
    age = _age_days(latest, as_of, profile)
    read_before = _read_before(read_at, as_of, profile)
    evidence = _account_evidence(
        target,
        state,
        originals_known=state.originals_known,
        latest_original_at=_local(latest, profile),
        latest_original_at_seen=_local(state.latest_original_at, profile),
        latest_original_read_at=_local(read_at, profile),
        age_days=age,
        age_days_at_read=_age_at_read(latest, read_before, profile),
    )
    review_label = profile.value("new_media", "review_label")
    if not state.originals_known:
        if state.error:  # the read stopped before the originals could be told: say why
            reason = rules["reasons"]["unread"].format(error=state.error)
        else:
            reason = rules["reasons"]["unknown"].format(source=state.originals_source or "no source")
        return [_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)]
    if latest is None and later_seen:
        # The only original seen is after the monitoring point: whether one came before is unknown.
        reason = rules["reasons"]["later_only"].format(as_of=as_of.date().isoformat())
        return [_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)]
    if age is None or age > rules["days"]:
        if read_before is not None:  # an original in the days after the read would cure it
            return [_read_before_review(rules, threshold, read_before, latest, as_of, evidence, profile)]
        severity, points = _judged(profile, rules)
        return [_finding(profile, rules["code"], rules["label"], severity, threshold, as_of, evidence, points=points)]
    return []


# -- 未提供有效互动功能 / 互动交流链接有误 -----------------------------------------------------------


def interaction_findings(target: Mapping[str, Any], state: AccountState, as_of: datetime, profile: Profile) -> list[Finding]:
    """missing → 未提供有效互动功能, broken → 互动交流链接有误, unknown → review, ok → nothing."""
    rules = profile.section("new_media", "interaction")
    interaction = dict(state.interaction or {})
    state_name = interaction.get("state") or "unknown"
    evidence = _account_evidence(target, state, interaction=interaction, interaction_url=target.get("interaction_url", ""))
    threshold = {"interaction_state": ["ok"]}
    if state_name == "ok":
        return []
    if state_name in ("missing", "broken"):
        severity, points = _judged(profile, rules)
        return [_finding(profile, rules["codes"][state_name], rules["labels"][state_name], severity, threshold, as_of, evidence, points=points)]
    url = interaction.get("url") or target.get("interaction_url") or "(none)"
    reason = rules["reasons"]["unknown"].format(url=url, detail=interaction.get("detail") or state.error or "not checked")
    review_label = profile.value("new_media", "review_label")
    return [_finding(profile, rules["codes"]["review"], review_label, "review", threshold, as_of, evidence, reason)]


# == verdict ====================================================================================


def score_of(findings: Iterable[Finding], profile: Profile) -> float:
    """Full score minus deductions, each indicator's deductions capped at its points."""
    per_indicator: dict[str, float] = {}
    for finding in findings:
        if finding.severity == "deduct":
            owner = _indicator_of(finding.code, profile)
            per_indicator[owner] = per_indicator.get(owner, 0.0) + finding.points
    deducted = 0.0
    for owner, points in per_indicator.items():
        cap = profile.max_points(owner)
        deducted += points if cap is None else min(points, cap)
    return max(0.0, profile.full_score - deducted)


def _indicator_of(code: str, profile: Profile) -> str:
    """The indicator holding a code's points: the longest capped code above it, else the code itself."""
    caps = profile.value("scoring", "max_points")
    owners = [c for c in caps if code == c or code.startswith(f"{c}.")]
    return max(owners, key=len) if owners else code


def _joined_labels(findings: Iterable[Finding], part: str, profile: Profile) -> str:
    labels: list[str] = []
    for finding in sorted(findings, key=lambda f: profile.label_rank(part, f.label)):
        if finding.label not in labels:  # two rules may print the same words
            labels.append(finding.label)
    return profile.label_separator.join(labels)


def verdict_of(findings: Sequence[Finding], part: str, profile: Profile) -> tuple[Verdict, float, str]:
    """Any veto → 不合格; a score below pass → 不合格; any review → 待人工复核; else 合格."""
    score = score_of(findings, profile)
    vetoes = [f for f in findings if f.severity == "veto"]
    if vetoes:
        return profile.verdict_text("fail"), score, _joined_labels(vetoes, part, profile)
    if score < profile.pass_score:
        return profile.verdict_text("fail"), score, _joined_labels([f for f in findings if f.severity == "deduct"], part, profile)
    reviews = [f for f in findings if f.severity == "review"]
    if reviews:
        reasons = list(dict.fromkeys(f.reason for f in reviews))
        return profile.verdict_text("review"), score, profile.review_separator.join(reasons)
    # A passing target still shows its problems: notes and points taken off (存在不可用链接…).
    printed = [f for f in findings if f.severity in ("note", "deduct")]
    return profile.verdict_text("pass"), score, _joined_labels(printed, part, profile)


_PARTS = {"site": ("websites", evaluate_site), "account": ("new_media", evaluate_account)}


def assess(
    target: Mapping[str, Any], observations: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> Assessment:
    """A target's findings and verdict, by its kind (``site`` or ``account``)."""
    kind = target.get("kind")
    if kind not in _PARTS:
        raise ValueError(f"target {target.get('key')!r}: unknown kind {kind!r} (expected site or account)")
    part, evaluate = _PARTS[kind]
    findings = evaluate(target, observations, as_of, profile)
    verdict, score, labels = verdict_of(findings, part, profile)
    return Assessment(
        target_key=str(target.get("key", "")),
        verdict=verdict,
        score=score,
        labels=labels,
        findings=tuple(findings),
    )

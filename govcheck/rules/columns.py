"""Column pages as the rules read them: fresh, stale, blank, unchecked or unreadable.

One reading per column (:func:`read_column`) serves 栏目不更新 (1) and (2)
(:mod:`govcheck.rules.freshness`) and 空白栏目 (:mod:`govcheck.rules.blank`); a column we
could not read is never counted as stale or blank, it is reviewed
(:func:`unreadable_column_findings`). The helpers that read a page's list (its newest date up
to the monitoring day, its entries as evidence) serve the home page too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from govcheck.observations import ColumnObservation, PageObservation
from govcheck.rules.common import (
    EVIDENCE_ITEMS,
    INTERACTION_TYPE,
    Finding,
    ObservationLike,
    as_observation,
    calendar_date,
    latest_until,
    local,
    new_finding,
)
from govcheck.rules.profile import Profile


def entry_evidence(entries: Iterable[Mapping[str, Any]], profile: Profile) -> list[dict[str, Any]]:
    return [
        {
            "title": e.get("title", ""),
            "url": e.get("url", ""),
            "date": local(e.get("date"), profile),
            "date_text": e.get("date_text", ""),
            "pinned": bool(e.get("pinned")),
        }
        for e in list(entries)[:EVIDENCE_ITEMS]
    ]


def unread_detail_pages(observation: PageObservation) -> bool:
    """Whether a list's dates were read on its detail pages and one could not be read: its
    newest date is then the newest of those read, a lower bound."""
    return any(detail.get("error") for detail in observation.detail_pages or [])


def newest_date(observation: PageObservation, as_of: datetime, profile: Profile) -> tuple[datetime | None, bool]:
    """The newest publish date of a page read up to the monitoring day (the spider's newest_date
    or its dated entries), and whether entries dated after that day were seen."""
    dates = [observation.newest_date, *(e.get("date") for e in observation.entries or [])]
    return latest_until(dates, as_of, profile)


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
    name: str, column_type: str, observation: ObservationLike | None, url: str, as_of: datetime, profile: Profile
) -> ColumnReading:
    """Classifies one column; an unreadable one is never counted as stale or blank."""
    reasons = profile.section("websites", "columns", "reasons")
    observation = None if observation is None else as_observation(observation, ColumnObservation)
    guess = None
    if observation is not None and observation.discovered:
        guess = observation.type_guess
        if guess is None and column_type not in ("其他", INTERACTION_TYPE):
            # found in the navigation by an older spider, which typed a column by any word of its
            # name at any level: a guess, never enough to count it towards a veto
            guess, column_type = column_type, "其他"
    kind = profile.column_type(column_type) or profile.column_type("其他")
    timely = bool(kind and kind.timely)
    should_update = bool(kind and kind.should_update)
    if observation is None:
        evidence = {"name": name, "type": column_type, "url": url, "observed": False}
        return ColumnReading(name, column_type, url, "review", evidence, reason=reasons["missing"].format(column=name, url=url))
    url = observation.url or url
    state = observation.state
    newest, later_seen = newest_date(observation, as_of, profile)
    evidence = {
        "name": name,
        "type": column_type,
        "url": url,
        "fetched_at": local(observation.fetched_at, profile),
        "status": observation.status,
        "method": observation.method,
        "state": state,
        "newest_date": local(newest, profile),
        "newest_date_seen": local(observation.newest_date, profile),
    }
    threshold_date = kind.stale_before(calendar_date(as_of, profile)) if kind else None
    if threshold_date is not None:
        evidence["threshold_date"] = threshold_date
    if observation.discovered:
        # what its name suggested (type is what it is judged by) and whether it is first-level
        evidence.update(discovered=True, type_guess=guess or column_type, first_level=observation.first_level)
    if observation.last_page:  # listed old to new: the newest entries were read on its last page
        evidence["last_page"] = observation.last_page
    if state == "empty" and observation.render_error:
        # the page runs scripts that may fill its list and hide its 暂无信息, and our browser could not open it
        evidence["render_error"] = observation.render_error
        reason = reasons["blank_render_failed"].format(column=name, url=url, error=observation.render_error)
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if state == "empty":
        return ColumnReading(name, column_type, url, "blank", evidence, timely, should_update)
    if state != "entries" and observation.discovered and threshold_date is None and column_type != INTERACTION_TYPE:
        # A navigation entry we guessed to be an untyped column (机构概况, 网上办事…) whose page
        # has no list: nothing the indicator checks, and not the site's fault.
        return ColumnReading(name, column_type, url, "unchecked", evidence)
    if state != "entries":
        reason = reasons["unread"].format(column=name, url=url, state=state or "no state", error=observation.error or "no detail")
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if threshold_date is None:
        return ColumnReading(name, column_type, url, "unchecked", evidence)
    newest_day = calendar_date(newest, profile)
    if newest_day is None:
        evidence["entries"] = entry_evidence(observation.entries or [], profile)
        if later_seen:
            reason = reasons["later_only"].format(column=name, url=url, as_of=as_of.date().isoformat())
        elif observation.error:  # e.g. a detail page that could not be read
            reason = reasons["unread"].format(column=name, url=url, state=state, error=observation.error)
        else:
            reason = reasons["undated"].format(column=name, url=url)
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if newest_day >= threshold_date:
        return ColumnReading(name, column_type, url, "fresh", evidence, timely, should_update)
    if unread_detail_pages(observation):
        # an entry whose detail page was not read may be newer than the dates read
        evidence["entries"] = entry_evidence(observation.entries or [], profile)
        reason = reasons["unread"].format(column=name, url=url, state=state, error=observation.error or "detail pages not read")
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if observation.more_pages:
        # a list running from old to new that goes on: its newest entries are on a later page
        evidence["more_pages"] = observation.more_pages
        reason = reasons["oldest_first"].format(column=name, url=url, date=newest_day.isoformat(), says=observation.more_pages.get("says", ""))
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    if observation.render_error:
        # the page may show a newer list in a browser, and ours could not open it
        evidence["render_error"] = observation.render_error
        reason = reasons["render_failed"].format(column=name, url=url, date=newest_day.isoformat(), error=observation.render_error)
        return ColumnReading(name, column_type, url, "review", evidence, reason=reason)
    return ColumnReading(name, column_type, url, "stale", evidence, timely, should_update)


def read_columns(
    target: Mapping[str, Any], observations: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[ColumnReading]:
    """Every column of the target (observed or not) and every column observed."""
    columns = [as_observation(o, ColumnObservation) for o in observations]
    by_name = {str(o.key or o.column_name): o for o in columns}
    readings = []
    registered = [c for c in target.get("columns") or [] if c.get("name")]
    for column in registered:
        observation = by_name.pop(column["name"], None)
        column_type = (observation.column_type if observation else None) or column.get("type") or "其他"
        readings.append(read_column(column["name"], column_type, observation, column.get("url", ""), as_of, profile))
    for name, observation in by_name.items():  # observed, though no longer registered
        readings.append(read_column(name, observation.column_type or "其他", observation, "", as_of, profile))
    return readings


def column_threshold(profile: Profile) -> dict[str, Any]:
    rules = profile.section("websites", "columns")
    return {
        "stale_veto_count": rules["stale_veto_count"],
        "long_stale_veto_count": rules["long_stale_veto_count"],
        "timely_types": rules["timely_types"],
        "should_update_types": rules["should_update_types"],
        "stale_after": [{"type": t["type"], **(t["stale_after"] or {})} for t in rules["column_types"] if t["stale_after"]],
    }


def unreadable_column_findings(readings: Sequence[ColumnReading], as_of: datetime, profile: Profile) -> list[Finding]:
    """One review per column we could not read; its code names the column (findings are keyed by code)."""
    rules = profile.section("websites", "columns")
    threshold = column_threshold(profile)
    return [
        new_finding(profile, f"{rules['codes']['review']}:{r.name}", rules["labels"]["review"], "review", threshold, as_of, r.evidence, r.reason)
        for r in readings
        if r.status == "review"
    ]

"""互动回应差: "(1) no working online consultation channel (petition and discipline-report
channels do not count); (2) within the year before the monitoring point, a 政务咨询 column left
valid messages unanswered for over 3 months" (2019 veto item).

(1) is a veto only with a proof of absence (docs/rules.md); (2) never guesses a message
unanswered. Thresholds: the profile's ``websites.interaction`` (``window``, ``reply_within``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta

from govcheck.observations import ColumnObservation, HomeObservation
from govcheck.rules.common import (
    INTERACTION_TYPE,
    Finding,
    ObservationLike,
    as_observation,
    calendar_date,
    judged,
    local,
    new_finding,
    normalised_as_of,
)
from govcheck.rules.profile import Profile


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
        "asked": local(message.get("asked"), profile),
        "asked_text": message.get("asked_text", ""),
        "answered": local(message.get("answered"), profile),
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
    day = calendar_date(normalised_as_of(as_of, profile), profile)
    window_start = day - relativedelta(**dict(rules["window"]))
    overdue_before = day - relativedelta(**dict(rules["reply_within"]))
    overdue: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    considered = 0
    for message in messages:
        asked = calendar_date(message.get("asked"), profile)
        if asked is None or message.get("invalid") or not window_start <= asked <= day:
            continue
        considered += 1
        if asked >= overdue_before:
            continue  # not yet open for the whole period
        answered = calendar_date(message.get("answered"), profile)
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
    homes: Sequence[ObservationLike],
    column_observations: Sequence[ObservationLike],
    as_of: datetime,
    profile: Profile,
) -> list[Finding]:
    """互动回应差: overdue messages in an interaction column; no interaction channel at all.

    A channel is a 互动交流 column registered or discovered, a home-page link naming one (市长信箱,
    建言献策…) or leading to a known unified platform's host, that opens, or a page reached from
    the home page that is one (``channel_search.pages``: a message form, a list of messages, a
    platform, a link naming a channel; a section such as 政民互动 counts only through its page).

    "No channel" is a veto only with a proof of absence: the home page was read as a browser
    shows it (``method`` "rendered": menus are often written by script), its navigation was
    recognised, and every place where a channel may be was read and understood to hold none
    (every page of ``channel_search`` ``none``; no link that may be one left unread,
    ``interaction_unresolved``). Anything less is for an inspector, with what was looked for and
    where. A channel we could not read is the column rules' review (栏目…读取失败), never a veto.
    """
    rules = profile.section("websites", "interaction")
    threshold = _interaction_threshold(profile)
    severity, points = judged(profile, rules)
    columns = [as_observation(o, ColumnObservation) for o in column_observations]
    channels = [o for o in columns if o.column_type == INTERACTION_TYPE]
    registered = [c for c in target.get("columns") or [] if c.get("type") == INTERACTION_TYPE]
    if channels or registered:
        return _message_findings(channels, as_of, profile)
    home = as_observation(homes[0], HomeObservation) if homes else None
    links = home.interaction_links if home else None
    if home is None or not isinstance(links, list) or home.state != "entries":
        # Not read, or read without its content showing (a page built by script): "none" would
        # not be proven, and the home page's own review already says why.
        return []
    evidence: dict[str, Any] = {
        "home_url": home.url,
        "fetched_at": local(home.fetched_at, profile),
        "registered_interaction_columns": [],
        "interaction_links": [dict(link) for link in links],
    }
    search = home.channel_search if isinstance(home.channel_search, Mapping) else None
    pages = [p for p in (search or {}).get("pages") or [] if isinstance(p, Mapping)]
    if search is not None:
        evidence["channel_search"] = search
    # a section (政民互动) is where channels sit: it counts through its page, read below
    named = [link for link in links if not link.get("section")]
    broken = {b.get("url") for b in (home.links or {}).get("broken") or []}
    if any(link.get("url") not in broken for link in named):
        return []  # a channel link opens
    if any(page.get("outcome") == "channel" for page in pages):
        return []  # a page reached from the home page is a channel
    # links that may be a channel but could not be read: "none" is not proven while they stand,
    # unless their page was read and holds none
    read_none = {page.get("url") for page in pages if page.get("outcome") == "none"}
    unresolved = [
        dict(u) for u in home.interaction_unresolved or [] if isinstance(u, Mapping) and u.get("target") not in read_none
    ]
    if unresolved:
        evidence["interaction_unresolved"] = unresolved
    reasons = []
    if named:
        reasons.append(rules["reasons"]["channel_broken"].format(urls="、".join(link.get("url", "") for link in named)))
    if unresolved:
        unnamed: dict[Any, str] = {"unnamed image": "无文字图片链接", "frame": "内嵌页面"}
        listed = "、".join(f"{u.get('name') or unnamed.get(u.get('why'), '无文字链接')}（{u.get('target', '')}）" for u in unresolved)
        reasons.append(rules["reasons"]["channel_unresolved"].format(links=listed))
    if not reasons:
        evidence["columns_seen"] = [o.key for o in columns]
        evidence["read_as"] = home.method
        rendered = home.method == "rendered"
        if not rendered:
            if home.render_error:
                evidence["render_error"] = home.render_error
            # menus are often written by script: the HTML as fetched does not prove there is none
            reasons.append(rules["reasons"]["channel_not_rendered"].format(url=home.url))
        if rendered or search is not None:
            reasons += _absence_not_proven(home.url, search, pages, rules)
        if not reasons:
            return [new_finding(profile, rules["codes"]["no_channel"], rules["labels"]["no_channel"], severity, threshold, as_of, evidence, points=points)]
    reason = profile.review_separator.join(reasons)
    return [new_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)]


# how many places an absence review names in its reason (the evidence lists them all)
_PLACES_NAMED = 5


def _absence_not_proven(
    url: str, search: Mapping[str, Any] | None, pages: Sequence[Mapping[str, Any]], rules: Mapping[str, Any]
) -> list[str]:
    """Why a rendered home page showing no channel does not prove there is none (empty: it does):
    the places where one may be were not looked for, the navigation was not recognised, or a
    page where one may be was not read, or read and not understood."""
    if search is None:
        return [rules["reasons"]["channel_not_searched"].format(url=url)]
    reasons = []
    named = [entry for entry in search.get("navigation") or [] if isinstance(entry, Mapping) and entry.get("name")]
    if len(named) < rules.get("navigation_min_entries", 2):
        reasons.append(rules["reasons"]["channel_no_navigation"].format(url=url, count=len(named)))
    open_pages = [page for page in pages if page.get("outcome") != "none"]
    if open_pages:
        listed = "、".join(_place(page) for page in open_pages[:_PLACES_NAMED])
        if len(open_pages) > _PLACES_NAMED:
            listed += f"等{len(open_pages)}处"
        reasons.append(rules["reasons"]["channel_pages_unread"].format(pages=listed))
    return reasons


def _place(page: Mapping[str, Any]) -> str:
    """A place where a channel may be, as a review reason names it: 政务服务（URL：why）."""
    why = {"failed": page.get("error") or "读取失败", "not read": "超出读取页面数上限"}.get(
        page.get("outcome", ""), "；".join(page.get("shows") or []) or "未能识别"
    )
    unnamed = {"unnamed image": "无文字图片链接", "unnamed link": "无文字链接", "interaction hint": "无文字链接", "script": "脚本链接", "empty block": "空的互动区块"}
    name = page.get("name") or unnamed.get(page.get("why", ""), "无文字链接")
    return f"{name}（{page.get('url') or page.get('script', '')}：{why}）"


def _message_findings(channels: Sequence[ColumnObservation], as_of: datetime, profile: Profile) -> list[Finding]:
    rules = profile.section("websites", "interaction")
    threshold = _interaction_threshold(profile)
    overdue_columns, unknown_columns, reasons = [], [], []
    for observation in channels:
        if observation.state not in ("entries", "empty") or observation.messages_state is None:
            continue  # not read (the column review says why), or read before messages were observed
        name, url = observation.key, observation.url
        if observation.messages_state == "unparsed":
            reasons.append(rules["reasons"]["no_messages"].format(column=name, url=url))
            continue
        check = check_messages(observation.messages or [], as_of, profile)
        column_evidence: dict[str, Any] = {
            "column": name,
            "url": url,
            "fetched_at": local(observation.fetched_at, profile),
            "discovered": bool(observation.discovered),
            "messages_read": len(observation.messages or []),
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
        severity, points = judged(profile, rules)
        evidence: dict[str, Any] = {"columns": overdue_columns, "unanswered_count": sum(len(c["unanswered"]) for c in overdue_columns)}
        return [new_finding(profile, rules["codes"]["unanswered"], rules["labels"]["unanswered"], severity, threshold, as_of, evidence, points=points)]
    if reasons:
        evidence = {"columns": unknown_columns}
        return [new_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", threshold, as_of, evidence, profile.review_separator.join(reasons))]
    return []

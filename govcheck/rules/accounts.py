"""The new-media rules (Weinan / Shaanxi practice, national 内容不更新 and 互动回应差):
搜索不到 (the account cannot be found), 已改名(新名)系统中未改名 (it shows another name than the
registry's), 14天未更新 / 长期无更新 (no post in the 14 days, or much longer, before the
monitoring point), 3个月无原创 (no original post in the 90 days before it), 未提供有效互动功能 /
互动交流链接有误 (no interaction entry, or a broken one).

They judge the account as its observations tell it together (:mod:`govcheck.rules.account_state`).
Thresholds: the profile's ``new_media`` section.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from govcheck.observations import AccountObservation
from govcheck.rules.account_state import AccountState, merge_account_observations
from govcheck.rules.common import (
    EVIDENCE_ITEMS,
    Finding,
    ObservationLike,
    age_days,
    calendar_date,
    instant,
    judged,
    latest_until,
    local,
    new_finding,
    normalised_as_of,
    of_kind,
)
from govcheck.rules.profile import Profile


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
    target: Mapping[str, Any], observations: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Every finding about a new-media account, from its (merged) observations."""
    as_of = normalised_as_of(as_of, profile)
    accounts = of_kind(observations, AccountObservation)
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
        severity, points = judged(profile, rules)
        return [new_finding(profile, rules["code"], rules["label"], severity, {"found": False}, as_of, evidence, points=points)]
    reason = rules["reasons"]["unknown"].format(error=state.error or "no detail") if observed else rules["reasons"]["missing"]
    review_label = profile.value("new_media", "review_label")
    return [new_finding(profile, rules["review_code"], review_label, "review", {"found": False}, as_of, evidence, reason)]


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
        return [new_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)]
    severity, points = judged(profile, rules)
    label = rules["label"].format(current_name=current)
    return [new_finding(profile, rules["code"], label, severity, threshold, as_of, evidence, points=points)]


# -- 长期无更新 / 14天未更新 / 3个月无原创 ------------------------------------------------------------


def update_findings(target: Mapping[str, Any], state: AccountState, as_of: datetime, profile: Profile) -> list[Finding]:
    """长期无更新 replaces 14天未更新 and 3个月无原创; otherwise each is judged on its own."""
    long_rules = profile.section("new_media", "long_no_update")
    rules = profile.section("new_media", "no_update")
    threshold = {"no_update_days": rules["days"], "long_no_update_days": long_rules["days"]}
    latest, later_seen, read_at, latest_from = _latest_post_until(state, as_of, profile)
    age = age_days(latest, as_of, profile)
    read_before = _read_before(read_at, as_of, profile)
    evidence = _account_evidence(
        target,
        state,
        latest_post_at=local(latest, profile),
        latest_post_from=latest_from,
        latest_post_at_seen=local(state.latest_post_at, profile),
        latest_post_read_at=local(read_at, profile),
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
            severity, points = judged(profile, long_rules)
            return [new_finding(profile, long_rules["code"], long_rules["label"], severity, threshold, as_of, evidence, points=points)]
        if later_seen:
            reason = rules["reasons"]["later_only"].format(as_of=as_of.date().isoformat())
        elif state.error:
            reason = rules["reasons"]["unread"].format(error=state.error)
        else:
            reason = rules["reasons"]["unknown"]
        review_label = profile.value("new_media", "review_label")
        return [
            new_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason),
            *original_findings(target, state, as_of, profile),
        ]
    if age > rules["days"] and latest_from and latest_from["field"] == "latest_original_at":
        # Only an inspector's original is that late, and the post lists missed it: what came
        # after it is unrecorded, so the account is not shown to be without updates.
        assert latest is not None  # it has an age
        reason = rules["reasons"]["original_only"].format(
            source=latest_from["source"], latest=calendar_date(latest, profile).isoformat(),
            as_of=as_of.date().isoformat(), days=rules["days"],
        )
        review_label = profile.value("new_media", "review_label")
        return [
            new_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason),
            *original_findings(target, state, as_of, profile),
        ]
    if age > long_rules["days"]:
        severity, points = judged(profile, long_rules)
        return [new_finding(profile, long_rules["code"], long_rules["label"], severity, threshold, as_of, evidence, points=points)]
    findings = []
    if age > rules["days"]:
        severity, points = judged(profile, rules)
        findings.append(new_finding(profile, rules["code"], rules["label"], severity, threshold, as_of, evidence, points=points))
    return [*findings, *original_findings(target, state, as_of, profile)]


def _read_before_review(
    rules: Mapping[str, Any], threshold: dict[str, Any], read_before: datetime, latest: datetime | None,
    as_of: datetime, evidence: dict[str, Any], profile: Profile,
) -> Finding:
    """待人工复核 of an update rule whose source read the account before the monitoring day."""
    reason = rules["reasons"]["read_before"].format(
        fetched_at=_moment_text(read_before, profile), as_of=as_of.date().isoformat(),
        latest=calendar_date(latest, profile).isoformat() if latest is not None else "无", days=rules["days"],
    )
    review_label = profile.value("new_media", "review_label")
    return new_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)


def _age_at_read(latest: datetime | None, read_before: datetime | None, profile: Profile) -> int | None:
    """How old the latest post (or original) was when a source read the account before the
    monitoring day: evidence of what that read could show."""
    return None if read_before is None or latest is None else age_days(latest, read_before, profile)


def _read_before(read_at: datetime | None, as_of: datetime, profile: Profile) -> datetime | None:
    """When the source was read, if that was on a day before the monitoring day (else None:
    read on or after it, or an inspector's look whose time was not recorded)."""
    if read_at is None or calendar_date(read_at, profile) >= calendar_date(as_of, profile):
        return None
    return read_at


def _moment_text(moment: datetime, profile: Profile) -> str:
    return local(moment, profile).strftime("%Y-%m-%d %H:%M")


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
    recorded, later = latest_until([state.latest_post_at], as_of, profile)
    if recorded is not None:
        latest: datetime | None = recorded
        read_at, basis = state.read_at.get("latest_post_at"), "latest_post_at"
        latest_from: dict[str, str] | None = {"field": basis, "source": state.taken_from.get(basis, "")}
    else:
        # by date, pinned posts included: pinning moves a post to the top, not its date
        times = (p.get("time") for p in state.posts or ())
        latest, later_in_list = latest_until(times, as_of, profile)
        later, read_at, basis = later or later_in_list, state.read_at.get("posts"), "posts"
        latest_from = {"field": basis, "source": state.posts_source} if latest is not None else None
    original, _ = latest_until([state.latest_original_at], as_of, profile)
    if original is not None and "originals" in state.inspected and (latest is None or original > latest):
        latest_from = {"field": "latest_original_at", "source": state.taken_from.get("originals", "")}
        return original, later, state.read_at.get("originals"), latest_from
    return latest, later, read_at, latest_from


def _latest_original_until(state: AccountState, as_of: datetime, profile: Profile) -> tuple[datetime | None, bool, datetime | None]:
    """The latest original post up to the monitoring day: the recorded one, else from the post
    list; whether a later one was seen; when the source of the date read the account."""
    recorded, later = latest_until([state.latest_original_at], as_of, profile)
    if recorded is not None or not later:
        return recorded, later, state.read_at.get("originals")
    originals = (p.get("time") for p in state.posts or () if p.get("original") is True)
    from_list, _ = latest_until(originals, as_of, profile)
    return from_list, True, state.read_at.get("posts")


def _post_evidence(posts: Iterable[Mapping[str, Any]], profile: Profile) -> list[dict[str, Any]]:
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    newest_first = sorted(posts, key=lambda p: instant(p.get("time")) or oldest, reverse=True)
    return [
        {
            "url": p.get("url", ""),
            "title": p.get("title") or p.get("text", ""),
            "time": local(p.get("time"), profile),
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
    age = age_days(latest, as_of, profile)
    read_before = _read_before(read_at, as_of, profile)
    evidence = _account_evidence(
        target,
        state,
        originals_known=state.originals_known,
        latest_original_at=local(latest, profile),
        latest_original_at_seen=local(state.latest_original_at, profile),
        latest_original_read_at=local(read_at, profile),
        age_days=age,
        age_days_at_read=_age_at_read(latest, read_before, profile),
    )
    review_label = profile.value("new_media", "review_label")
    if not state.originals_known:
        if state.error:  # the read stopped before the originals could be told: say why
            reason = rules["reasons"]["unread"].format(error=state.error)
        else:
            reason = rules["reasons"]["unknown"].format(source=state.originals_source or "no source")
        return [new_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)]
    if latest is None and later_seen:
        # The only original seen is after the monitoring point: whether one came before is unknown.
        reason = rules["reasons"]["later_only"].format(as_of=as_of.date().isoformat())
        return [new_finding(profile, rules["review_code"], review_label, "review", threshold, as_of, evidence, reason)]
    if age is None or age > rules["days"]:
        if read_before is not None:  # an original in the days after the read would cure it
            return [_read_before_review(rules, threshold, read_before, latest, as_of, evidence, profile)]
        severity, points = judged(profile, rules)
        return [new_finding(profile, rules["code"], rules["label"], severity, threshold, as_of, evidence, points=points)]
    return []


# -- 未提供有效互动功能 / 互动交流链接有误 -----------------------------------------------------------


def interaction_findings(target: Mapping[str, Any], state: AccountState, as_of: datetime, profile: Profile) -> list[Finding]:
    """missing (the register says 无, or an inspector saw none) → 未提供有效互动功能, broken (every
    try said the entry is gone) → 互动交流链接有误, server_error (a server error on every try) → review,
    or 互动交流链接有误 where the profile's ``server_error`` says ``broken``, unknown → review,
    unrecorded (the register's 互动入口 left empty: nobody looked) → review, ok (a working entry,
    a place in the app, the platform's own comments) → nothing."""
    rules = profile.section("new_media", "interaction")
    interaction = dict(state.interaction or {})
    state_name = interaction.get("state") or "unknown"
    evidence = _account_evidence(
        target, state, interaction=interaction, interaction_url=target.get("interaction_url", ""),
        interaction_entry=target.get("interaction_entry", target.get("interaction_url", "")),
    )
    threshold = {"interaction_state": ["ok"]}
    if state_name == "ok":
        return []
    if state_name == "server_error" and rules.get("server_error", "review") == "broken":
        state_name = "broken"  # the profile counts a server error on every try as a dead entry
    if state_name in ("missing", "broken"):
        severity, points = judged(profile, rules)
        return [new_finding(profile, rules["codes"][state_name], rules["labels"][state_name], severity, threshold, as_of, evidence, points=points)]
    url = interaction.get("url") or target.get("interaction_url") or "(none)"
    if state_name == "unrecorded":
        reason = rules["reasons"]["unrecorded"]
    elif state_name == "server_error":
        reason = rules["reasons"]["server_error"].format(url=url, detail=interaction.get("detail") or "HTTP 5xx")
    else:
        reason = rules["reasons"]["unknown"].format(url=url, detail=interaction.get("detail") or state.error or "not checked")
    review_label = profile.value("new_media", "review_label")
    return [new_finding(profile, rules["codes"]["review"], review_label, "review", threshold, as_of, evidence, reason)]

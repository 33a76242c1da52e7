"""Inspection rounds: their monitoring time point, and turning stored observations into verdicts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from govcheck.rules import Assessment, assess, load_profile
from govcheck.rules.profile import profile_reference
from govcheck.store import SHANGHAI, Store

ROUND_ID = re.compile(r"^\d{4}-[1-9]\d*$")


class RoundError(ValueError):
    """A round cannot be started or used as asked."""


ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}$")


def parse_as_of(text: str) -> datetime:
    """The monitoring time point: a day (``YYYY-MM-DD``) means the end of that day in Shanghai.

    Every ISO form of a single day means the same as ``YYYY-MM-DD``: ``20240220`` and
    ``2024-W08-2`` are 2024-02-20 23:59:59. An operator who types a day in another ISO
    spelling means that day, not its first second (datetime.fromisoformat would read them
    as midnight: a silent 24-hour shift), and refusing a valid spelling of a day would only
    be a nuisance. A week without its day (``2024-W08``) names seven days, not one, so it is
    refused rather than read as its Monday. A date-time with a time part keeps that time.
    """
    text = text.strip()
    if ISO_WEEK.match(text):
        raise RoundError(f"as_of {text!r}: a week, not a day; expected YYYY-MM-DD or an ISO date-time")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise RoundError(f"as_of {text!r}: expected YYYY-MM-DD or an ISO date-time") from None
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)


def parse_day_start(text: str) -> datetime:
    """A day given as ``YYYY-MM-DD``: its start in Shanghai."""
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise RoundError(f"{text!r}: expected a day, YYYY-MM-DD") from None
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)


def monitoring_point(round_document: dict[str, Any], kind: str) -> datetime:
    """The round's 监测时间点 for websites (``as_of``) or for accounts (``media_as_of``).

    Offices inspect websites and new media on different days (the Weinan notice: websites
    2月19日—2月20日, new media 2月23日); without a media time point both use ``as_of``.
    """
    if kind == "account":
        return round_document.get("media_as_of") or round_document["as_of"]
    return round_document["as_of"]


def start_round(
    store: Store,
    round_id: str,
    as_of: datetime,
    profile: str,
    started_at: datetime,
    media_as_of: datetime | None = None,
    inspected_from: datetime | None = None,
) -> dict[str, Any]:
    """Create the round, or reopen it for a re-run with the same monitoring time points.

    ``inspected_from``: the first day of the websites' inspection as the notice prints it
    (检查时间 2月19日——2月20日); without it the reports take the day the crawl started.
    """
    if not ROUND_ID.match(round_id):
        raise RoundError(f"round {round_id!r}: expected YEAR-N, e.g. 2024-1")
    profile = profile_reference(profile)  # a file by its absolute path: the round is used from other folders
    load_profile(profile)  # fail before crawling when the profile does not exist
    existing = store.get_round(round_id)
    media_as_of = media_as_of or as_of
    if existing and (existing["as_of"], monitoring_point(existing, "account")) != (as_of, media_as_of):
        raise RoundError(
            f"round {round_id} was inspected as of {existing['as_of'].isoformat()} "
            f"(new media {monitoring_point(existing, 'account').isoformat()}); a re-run must use the "
            f"same as_of (asked {as_of.isoformat()}, new media {media_as_of.isoformat()})"
        )
    document = {
        "round": round_id,
        "as_of": as_of,
        "media_as_of": media_as_of,
        "profile": profile,
        "started_at": existing["started_at"] if existing else started_at,
        "status": "running",
    }
    if inspected_from is not None:
        if inspected_from > as_of:
            raise RoundError(f"round {round_id}: the inspection cannot start ({inspected_from.date()}) after its monitoring time point ({as_of.date()})")
        document["inspected_from"] = inspected_from
    elif existing and existing.get("inspected_from"):
        document["inspected_from"] = existing["inspected_from"]
    store.save_round(document)
    return document


def get_round(store: Store, round_id: str) -> dict[str, Any]:
    found = store.get_round(round_id)
    if not found:
        raise RoundError(f"round {round_id} does not exist: start it with govcheck run")
    return found


def classify_round(
    store: Store, round_id: str, target_keys: Iterable[str] | None = None
) -> list[Assessment]:
    """Assess targets of a round from their stored observations and store the results.

    Pure rules on stored evidence, so it can run again at any time (after an inspector
    imports manual observations, say) and gives the same documents.
    """
    round_document = get_round(store, round_id)
    profile = load_profile(round_document["profile"])
    if target_keys is None:
        keys = sorted({o["target_key"] for o in store.find("observations", {"round": round_id})})
    else:
        keys = sorted(set(target_keys))
    targets = {t["key"]: t for t in store.find("targets", {"key": {"$in": keys}})}
    assessments = []
    for target_key in keys:
        target = targets.get(target_key)
        if target is None:
            continue  # observations of a target removed from the registry: nothing to judge
        as_of = monitoring_point(round_document, target["kind"])
        assessment = assess(target, store.observations_of(round_id, target_key), as_of, profile)
        store.save_assessment(
            round_id,
            verdict_document(target, assessment, profile.name, as_of),
            [finding.to_document() for finding in assessment.findings],
        )
        assessments.append(assessment)
    return assessments


def verdict_document(
    target: dict[str, Any], assessment: Assessment, profile: str, as_of: datetime
) -> dict[str, Any]:
    return {
        "target_key": target["key"],
        "kind": target["kind"],
        "name": target["name"],
        "category": target.get("category") or target.get("account_type", ""),
        "platform": target.get("platform", ""),
        "district": target.get("district", ""),
        "verdict": assessment.verdict,
        "score": assessment.score,
        "labels": assessment.labels,
        "finding_codes": [finding.code for finding in assessment.findings],
        "profile": profile,
        "as_of": as_of,
    }


def finish_round(store: Store, round_id: str, finished_at: datetime) -> None:
    document = get_round(store, round_id)
    store.save_round({**document, "finished_at": finished_at, "status": "finished"})

"""What every rule shares: findings and assessments, the time helpers, and how a finding is made.

Nothing in the rules reads the clock, the store or the network: every age is measured against
the round's monitoring time point (``as_of``) and every threshold and text comes from the
profile, so a round can be assessed again at any time and gives the same result.

House rules: a check that could not be completed (fetch or parse failed, unknown state)
gives a ``review`` finding (待人工复核) with its reason, never a veto; every finding carries
its rule ``{profile, code, threshold, as_of}`` and the evidence it rests on
(:func:`new_finding`).

Times: a naive datetime is UTC (as pymongo returns it), a calendar date is taken in the
profile's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Literal, TypeVar, overload

from govcheck.observations import OBSERVATION_KINDS, Observation
from govcheck.rules.profile import Profile


# what the rules take for an observation: a typed one, or the document the store gave back
ObservationLike = Observation | Mapping[str, Any]
KindOfObservation = TypeVar("KindOfObservation", bound=Observation)

# ``unmeasured``: a 扣分 item (``scoring.items``) this round could not measure or an inspector has
# not recorded; it changes no verdict, and the score is printed only when none is left
Severity = Literal["veto", "deduct", "note", "review", "unmeasured"]
# a verdict as the notice prints it: the profile's ``verdicts`` texts (national-2019: 合格,
# 不合格, 待人工复核; an office's profile may word them otherwise)
Verdict = str

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
    # None for a target a veto failed (no score is computed after a veto, 2019 指标说明)
    score: float | None
    labels: str
    findings: tuple[Finding, ...]
    # names of the 扣分 items not measured nor recorded: the score is not final while any is left
    score_missing: tuple[str, ...] = ()
    # why the crawler's items among them could not be measured (stored with the verdict)
    unmeasured: tuple[Finding, ...] = ()


# -- time: naive = UTC, calendar dates in the profile's time zone ---------------------------------


@overload
def instant(value: datetime) -> datetime: ...
@overload
def instant(value: Any) -> datetime | None: ...
def instant(value: Any) -> datetime | None:
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


@overload
def calendar_date(value: date, profile: Profile) -> date: ...
@overload
def calendar_date(value: Any, profile: Profile) -> date | None: ...
def calendar_date(value: Any, profile: Profile) -> date | None:
    """The calendar date of a moment in the profile's time zone (a bare date is taken as is)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    moment = instant(value)
    return moment.astimezone(profile.timezone).date() if moment else None


@overload
def local(value: datetime, profile: Profile) -> datetime: ...
@overload
def local(value: Any, profile: Profile) -> datetime | None: ...
def local(value: Any, profile: Profile) -> datetime | None:
    """A moment in the profile's time zone, for evidence."""
    moment = instant(value)
    return moment.astimezone(profile.timezone) if moment else None


def age_days(value: Any, as_of: datetime, profile: Profile) -> int | None:
    """Calendar days between a publish time and the monitoring time point."""
    day = calendar_date(value, profile)
    return None if day is None else (calendar_date(as_of, profile) - day).days


def normalised_as_of(as_of: datetime, profile: Profile) -> datetime:
    moment = instant(as_of)
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


def new_finding(
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


def judged(profile: Profile, section: Mapping[str, Any], severity_key: str = "severity") -> tuple[Severity, float]:
    """A rule's severity from the profile, with the points a ``deduct`` takes off."""
    severity = section[severity_key]
    points = float(section.get("points", 0)) if severity == "deduct" else 0.0
    return severity, points


def as_observation(observation: ObservationLike, kind: type[KindOfObservation]) -> KindOfObservation:
    """An observation of a kind as the rules read it: typed, from its stored document if need be
    (govcheck.observations; a stored document of an older round loads as well)."""
    if isinstance(observation, kind):
        return observation
    if isinstance(observation, Observation):
        raise TypeError(f"a {observation.kind} observation where a {kind.__name__} was expected")
    named = OBSERVATION_KINDS.get(str(observation.get("kind")))  # a home page where a page is asked for…
    return (named if named is not None and issubclass(named, kind) else kind).from_document(observation)  # type: ignore[return-value]


def kind_of(observation: ObservationLike) -> Any:
    """The kind of an observation, typed or stored (``probe``, ``home``…)."""
    return observation.kind if isinstance(observation, Observation) else observation.get("kind")


def of_kind(observations: Iterable[ObservationLike], kind: type[KindOfObservation]) -> list[KindOfObservation]:
    """The observations of one kind among a target's, typed."""
    return [as_observation(o, kind) for o in observations if kind_of(o) == kind.kind]


def latest_until(moments: Iterable[Any], as_of: datetime, profile: Profile) -> tuple[datetime | None, bool]:
    """The latest moment dated on or before the monitoring day, and whether any was dated after it.

    A page or account read after the monitoring time point may show newer items; they say
    nothing about whether it was up to date at that point, so they are left out.
    """
    last_day = calendar_date(as_of, profile)
    known = [m for m in (instant(v) for v in moments) if m is not None]
    until = [m for m in known if m.astimezone(profile.timezone).date() <= last_day]
    return (max(until) if until else None), len(until) < len(known)


# the register's column type of interaction channels (互动交流)
INTERACTION_TYPE = "互动交流"

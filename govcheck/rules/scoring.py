"""The 扣分 items an inspector measures (``scoring.items`` with ``by: inspector``): what the
inspector recorded (``score`` observations, ``govcheck observe scores``) takes its points off;
an item not recorded is missing from the score, which is not final until it is.

Items measured by a rule of ours (``by: crawler``) say themselves when they could not be
measured (an ``unmeasured`` finding, with why).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import ScoreObservation
from govcheck.rules.common import Finding, ObservationLike, local, new_finding, of_kind
from govcheck.rules.profile import Profile, ScoreItem
from govcheck.rules.services import services_required

INSPECTOR = "inspector"


def inspector_item_findings(
    target: Mapping[str, Any], observations: Sequence[ObservationLike], as_of: datetime, profile: Profile, part: str
) -> list[Finding]:
    """A deduction for each inspector item recorded with points, its record as the evidence."""
    records = {record.item: record for record in of_kind(observations, ScoreObservation)}
    findings = []
    for item in _inspector_items(target, profile, part):
        record = records.get(item.code)
        threshold = {"item": item.name, "by": INSPECTOR}
        if record is not None and record.points > 0:
            evidence = {"inspector": record.inspector, "recorded_at": local(record.recorded_at, profile),
                        "note": record.note, "points": record.points}
            label = profile.score_text("recorded").format(item=item.name, points=_points_text(record.points))
            findings.append(new_finding(profile, item.code, label, "deduct", threshold, as_of, evidence, points=record.points))
    return findings


def unrecorded_items(
    target: Mapping[str, Any], observations: Sequence[ObservationLike], profile: Profile, part: str
) -> tuple[str, ...]:
    """Names of the inspector items the target is examined on that no inspector has recorded."""
    recorded = {record.item for record in of_kind(observations, ScoreObservation)}
    return tuple(item.name for item in _inspector_items(target, profile, part) if item.code not in recorded)


def _inspector_items(target: Mapping[str, Any], profile: Profile, part: str) -> list[ScoreItem]:
    """The inspector items a target is examined on: 办事服务 ones only for sites that must offer
    services (2019 指标说明: departments without public services are not examined on them)."""
    return [item for item in profile.score_items(part) if item.by == INSPECTOR and _examined(target, item.code, profile)]


def _examined(target: Mapping[str, Any], code: str, profile: Profile) -> bool:
    """Whether a target is examined on an item: 办事服务 items only for sites that must offer services."""
    if ".services." not in code or "services" not in profile.section("websites"):
        return True
    return services_required(target, profile)


def _points_text(points: float) -> str:
    return f"{points:g}"

"""The 扣分 items measured by hand: an inspector's record (``score`` observations, ``govcheck
observe scores``) takes its points off, with the record as evidence.

Items ``by: inspector`` are always measured so. Items ``by: crawler`` are measured by a rule of
ours, which says when it could not (an ``unmeasured`` finding, with why); an inspector's record
of such an item then stands in for it (a week's 首页可用性 when the round was a one-shot one), and
is left aside when the crawler measured it. The score is final only when no item is left.
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


def recorded_item_findings(
    target: Mapping[str, Any],
    observations: Sequence[ObservationLike],
    unmeasured: Sequence[Finding],
    as_of: datetime,
    profile: Profile,
    part: str,
) -> tuple[list[Finding], tuple[str, ...]]:
    """The deductions inspectors recorded, and the names of the items still missing from the score.

    ``unmeasured``: the crawler's items it could not measure this round.
    """
    records = {record.item: record for record in of_kind(observations, ScoreObservation)}
    findings: list[Finding] = []
    missing: list[str] = []
    for item in profile.score_items(part):
        if not _examined(target, item, profile):
            continue
        left = item.by == INSPECTOR or any(item.covers(f.code) for f in unmeasured)
        if not left:
            continue
        record = records.get(item.code)
        if record is None:
            missing.append(item.name)
        elif record.points > 0:
            findings.append(_deduction(item, record, as_of, profile))
    return findings, tuple(missing)


def _deduction(item: ScoreItem, record: ScoreObservation, as_of: datetime, profile: Profile) -> Finding:
    threshold = {"item": item.name, "by": item.by, "recorded_by": INSPECTOR}
    evidence = {"inspector": record.inspector, "recorded_at": local(record.recorded_at, profile),
                "note": record.note, "points": record.points}
    label = profile.score_text("recorded").format(item=item.name, points=f"{record.points:g}")
    return new_finding(profile, item.code, label, "deduct", threshold, as_of, evidence, points=record.points)


def _examined(target: Mapping[str, Any], item: ScoreItem, profile: Profile) -> bool:
    """Whether a target is examined on an item: 办事服务 items only for sites that must offer
    services (2019 指标说明: departments without public services are not examined on them)."""
    if ".services." not in item.code or "services" not in profile.section("websites"):
        return True
    return services_required(target, profile)

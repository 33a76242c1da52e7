"""A target's verdict and score from its findings: any veto → 不合格; a score below the pass
score → 不合格; any review → 待人工复核; else 合格 (with the notes and deductions printed).

Deductions under one indicator never exceed its points (the profile's ``scoring.max_points``).
A score is final only when every 扣分 item of the profile (``scoring.items``) was measured or
recorded: an ``unmeasured`` finding names what is missing, and the reports print that instead
of a number. Deductions only take points off, so a score already below the pass score with
items missing is proof enough for 不合格 (得分低于60分); one above it decides nothing and
leaves the verdict to the vetoes and reviews.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.rules.accounts import evaluate_account
from govcheck.rules.common import Assessment, Finding, Verdict
from govcheck.rules.profile import Profile
from govcheck.rules.scoring import recorded_item_findings
from govcheck.rules.websites import evaluate_site


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


def verdict_of(findings: Sequence[Finding], part: str, profile: Profile) -> tuple[Verdict, float | None, str]:
    """Any veto → 不合格 (no score); a score below pass → 不合格; any review → 待人工复核; else 合格."""
    vetoes = [f for f in findings if f.severity == "veto"]
    if vetoes:
        return profile.verdict_text("fail"), None, _joined_labels(vetoes, part, profile)
    score = score_of(findings, profile)
    if score < profile.pass_score:
        labels = _joined_labels([f for f in findings if f.severity == "deduct"], part, profile)
        below = profile.score_text("below_pass")
        return profile.verdict_text("fail"), score, profile.label_separator.join(t for t in (below, labels) if t)
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
    evaluated = evaluate(target, observations, as_of, profile)
    unmeasured = [f for f in evaluated if f.severity == "unmeasured"]
    recorded, missing = recorded_item_findings(target, observations, unmeasured, as_of, profile, part)
    findings = [*(f for f in evaluated if f.severity != "unmeasured"), *recorded]
    verdict, score, labels = verdict_of(findings, part, profile)
    return Assessment(
        target_key=str(target.get("key", "")),
        verdict=verdict,
        score=score,
        labels=labels,
        findings=tuple(findings),
        score_missing=missing,
        unmeasured=tuple(unmeasured),
    )

"""Inspectors' decisions on targets in 待人工复核, and how they settle a verdict.

A check the crawl could not complete leaves a target 待人工复核 with its reasons. An
inspector who looked at it by hand records a decision (the console, ``govcheck serve``):
合格, 不合格 with the label the notice prints, or still open, with a reason, their name and
optionally a screenshot. Decisions are kept append-only in their own collection
(``decisions``: who, when, the verdict before and the one the decision gives); none is ever
changed or removed, a later decision on the same target supersedes an earlier one.

Verdicts are recomputed from the crawl and the decisions (govcheck.rounds.classify_round
calls :func:`apply_decision` on each assessment): the latest decision on a target settles it
while the crawl leaves it 待人工复核 on the reasons the inspector saw. A re-run that completes
the checks, or that finds a reason the inspector did not see, is judged by the rules again.
A settled target carries one finding ``review.decision`` (a veto with the inspector's label
when 不合格, severity ``decision`` when 合格) whose evidence names the inspector, the moment,
the reason and the review findings it settled (with their links); its 突出问题/备注 cell says
人工复核（name）, so every report, query and the CLI show who decided it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from govcheck.rules import Assessment, Finding, Profile, verdict_of
from govcheck.store import Store

COLLECTION = "decisions"
CODE = "review.decision"
PASS, FAIL, OPEN = "合格", "不合格", "待人工复核"
OUTCOMES = (PASS, FAIL, OPEN)
DECIDED = "decision"  # the severity of a 合格 decision's finding: printed, neither a problem nor a review
PARTS = {"site": "websites", "account": "new_media"}
MAX_TEXT = 2000  # characters of a reason or a label


class DecisionError(ValueError):
    """A decision that cannot be recorded as asked (named field, plain words)."""


def mark(inspector: str) -> str:
    """What the 突出问题/备注 cell says of a decided target: 人工复核（张三）."""
    return f"人工复核（{inspector}）"


def record_decision(
    store: Store,
    round_id: str,
    target_key: str,
    outcome: str,
    inspector: str,
    reason: str,
    decided_at: datetime,
    label: str = "",
    screenshot: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Appends a decision on a target's verdict in a round and returns it (not yet applied:
    the caller reassesses the target, govcheck.rounds.classify_round).

    ``before`` is the verdict as it stood, ``after`` the one the decision gives; ``settles``
    the review findings it was made on (their codes), so that a re-run with other reasons for
    doubt is not settled by it."""
    inspector, reason, label, verdict, settles = checked_decision(store, round_id, target_key, outcome, inspector, reason, label)
    document = {
        "id": uuid.uuid4().hex,
        "round": round_id,
        "target_key": target_key,
        "outcome": outcome,
        "label": label if outcome == FAIL else "",
        "reason": reason,
        "inspector": inspector,
        "decided_at": decided_at,
        "before": {"verdict": verdict.get("verdict", ""), "labels": verdict.get("labels", "")},
        "after": {"verdict": outcome, "label": label if outcome == FAIL else ""},
        "settles": settles,
    }
    if screenshot:
        document["screenshot"] = dict(screenshot)
    store.upsert(COLLECTION, document)
    return document


def checked_decision(
    store: Store, round_id: str, target_key: str, outcome: str, inspector: str, reason: str, label: str = ""
) -> tuple[str, str, str, dict[str, Any], list[str]]:
    """A decision's inspector, reason and label in plain words, the verdict it is about and the
    review codes it settles; DecisionError naming the field when it cannot be recorded."""
    inspector, reason, label = (" ".join(str(v or "").split()) for v in (inspector, reason, label))
    if outcome not in OUTCOMES:
        raise DecisionError(f"decision: {outcome!r} is none of {', '.join(OUTCOMES)}")
    if not inspector:
        raise DecisionError("检查人: the inspector's name is required")
    if not reason:
        raise DecisionError("理由: a decision needs its reason")
    if outcome == FAIL and not label:
        raise DecisionError("问题: a 不合格 decision needs the label the notice prints (e.g. 互动回应差)")
    if max(len(inspector), len(reason), len(label)) > MAX_TEXT:
        raise DecisionError(f"a field is longer than {MAX_TEXT} characters")
    verdict = store.find_one("verdicts", {"round": round_id, "target_key": target_key})
    if verdict is None:
        raise DecisionError(f"round {round_id} has no verdict of {target_key}")
    findings = store.find("findings", {"round": round_id, "target_key": target_key})
    reviewed = [f for f in findings if f.get("severity") == "review"]
    if not reviewed and not _decided(findings):
        raise DecisionError(f"{target_key} is {verdict.get('verdict')} by the rules in round {round_id}: nothing to review")
    settles = sorted({f["code"] for f in reviewed}) or _settled_codes(findings)
    return inspector, reason, label, verdict, settles


def decisions_of(store: Store, round_id: str, target_key: str | None = None) -> list[dict[str, Any]]:
    """A round's decisions (one target's when given), oldest first."""
    query: dict[str, Any] = {"round": round_id}
    if target_key is not None:
        query["target_key"] = target_key
    return store.find(COLLECTION, query, sort=[("decided_at", 1), ("id", 1)])


def latest_decisions(store: Store, round_id: str, target_keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The latest decision on each decided target of a round (of ``target_keys`` when given).

    Read by round: a round's decisions are few, its targets may be 100,000."""
    wanted = None if target_keys is None else set(target_keys)
    latest: dict[str, dict[str, Any]] = {}
    for decision in decisions_of(store, round_id):
        if wanted is None or decision["target_key"] in wanted:
            latest[decision["target_key"]] = decision
    return latest


def apply_decision(assessment: Assessment, decision: Mapping[str, Any] | None, profile: Profile, kind: str) -> Assessment:
    """The assessment as the inspector's latest decision settles it.

    Unchanged when there is no decision, when it leaves the target open, when the rules did
    not leave it 待人工复核, or when its review findings are not all ones the decision saw."""
    if decision is None or decision.get("outcome") not in (PASS, FAIL):
        return assessment
    reviews = [f for f in assessment.findings if f.severity == "review"]
    if not reviews or assessment.verdict != profile.verdict_text("review"):
        return assessment
    if not {f.code for f in reviews} <= set(decision.get("settles") or ()):
        return assessment
    kept = [f for f in assessment.findings if f.severity != "review"]
    failed = decision["outcome"] == FAIL
    settled = Finding(
        code=CODE,
        label=decision["label"] if failed else mark(decision["inspector"]),
        severity="veto" if failed else DECIDED,  # type: ignore[arg-type]
        rule={"profile": profile.name, "code": CODE, "threshold": {}, "decision": decision["id"]},
        evidence={
            "decided_by": decision["inspector"],
            "decided_at": decision["decided_at"],
            "decision_reason": decision["reason"],
            "settled": [f.reason or f.label for f in reviews],
            "reviewed": [{"code": f.code, "label": f.label, "evidence": f.evidence} for f in reviews],
            **({"screenshot": decision["screenshot"]} if decision.get("screenshot") else {}),
        },
        reason=decision["reason"],
    )
    findings = (*kept, settled)
    verdict, score, labels = verdict_of(findings, PARTS.get(kind, "websites"), profile)
    labels = profile.label_separator.join(part for part in (labels, mark(decision["inspector"])) if part)
    if failed:  # the decision's label leads; the mark says who decided it
        labels = profile.label_separator.join((decision["label"], mark(decision["inspector"])))
    return replace(assessment, verdict=verdict, score=score, labels=labels, findings=findings)


def decided_fields(assessment: Assessment) -> dict[str, Any]:
    """What a verdict document says of the decision that settled it: ``decided_by``,
    ``decision`` (its id); empty when the rules alone gave the verdict."""
    for finding in assessment.findings:
        if finding.code == CODE:
            return {"decided_by": finding.evidence["decided_by"], "decision": finding.rule["decision"]}
    return {"decided_by": None, "decision": None}


def _decided(findings: Iterable[Mapping[str, Any]]) -> bool:
    return any(f.get("code") == CODE for f in findings)


def _settled_codes(findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """A decided target's reviews, as the decision that settled it saw them (to decide again)."""
    for finding in findings:
        if finding.get("code") == CODE:
            return sorted({r["code"] for r in (finding.get("evidence") or {}).get("reviewed") or () if r.get("code")})
    return []

"""Re-checking rectification (整改复查): the targets that failed a round, inspected again.

``govcheck recheck --round R2 --from R --as-of DATE`` crawls only the targets whose verdict in
round R was 不合格, as round R2 with its own monitoring time point, and reports each one:

- 已整改 — R2's verdict is 合格;
- 未整改 — R2's verdict is 不合格;
- 待人工复核 — R2 could not complete its checks (its verdict is 待人工复核), or R2 has no
  verdict for the target at all (removed from the register, say): never 未整改 on a check
  that did not happen.

R2's round document records ``recheck_of: R``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govcheck.report.summary import FAIL, KINDS, PASS, REVIEW, RoundResults, TargetResult, load_round_results
from govcheck.report.titles import inspection_days, period_text, round_name
from govcheck.rounds import RoundError, get_round
from govcheck.store import Store

FIXED, NOT_FIXED = "已整改", "未整改"
STATUSES = (FIXED, NOT_FIXED, REVIEW)
NOT_RECHECKED = "复查轮次中没有该对象的检查结果，未能复查"


@dataclass(frozen=True)
class RecheckRow:
    number: int
    original: TargetResult  # in the round re-checked
    recheck: TargetResult | None  # in the re-check round (None: not re-checked)
    status: str  # 已整改 / 未整改 / 待人工复核
    note: str  # R2's problems, or why the re-check could not be completed

    @property
    def recheck_verdict(self) -> str:
        return self.recheck.verdict if self.recheck else "未复查"

    @property
    def findings(self) -> tuple[dict[str, Any], ...]:
        return self.recheck.findings if self.recheck else ()


def recheck_status(recheck: TargetResult | None) -> tuple[str, str]:
    """(status, note) of a target that failed the earlier round, from its re-check result."""
    if recheck is None:
        return REVIEW, NOT_RECHECKED
    if recheck.verdict == PASS:
        return FIXED, recheck.labels
    if recheck.verdict == FAIL:
        return NOT_FIXED, recheck.labels
    return REVIEW, "；".join(recheck.review_reasons()) or recheck.labels


@dataclass(frozen=True)
class RecheckReport:
    round: dict[str, Any]  # the re-check round
    from_round: str
    rows: tuple[RecheckRow, ...]

    @property
    def round_id(self) -> str:
        return self.round["round"]

    @property
    def title(self) -> str:
        return f"{round_name(self.from_round)}全面检查不合格对象整改复查情况表"

    @property
    def period(self) -> str:
        """（复查时间：…）: the days of the re-check round, websites and new media together."""
        days = [day for kind in KINDS for day in inspection_days(self.round, kind)]
        return period_text(min(days), max(days), "复查时间")

    @property
    def rechecked(self) -> list[TargetResult]:
        return [row.recheck for row in self.rows if row.recheck is not None]

    def counts(self, kind: str | None = None) -> dict[str, int]:
        """How many targets (of a kind) have each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            if kind is None or row.original.kind == kind:
                counts[row.status] += 1
        return counts


def recheck_report(original: RoundResults, rechecked: RoundResults) -> RecheckReport:
    """The failing targets of ``original`` (in its order) with their status in ``rechecked``."""
    by_key = {r.key: r for r in rechecked.results}
    rows = []
    for number, failed in enumerate((r for r in original.results if r.verdict == FAIL), start=1):
        recheck = by_key.get(failed.key)
        status, note = recheck_status(recheck)
        rows.append(RecheckRow(number, failed, recheck, status, note))
    return RecheckReport(rechecked.round, original.round_id, tuple(rows))


def load_recheck_report(store: Store, round_id: str, from_round: str) -> RecheckReport:
    original = load_round_results(store, from_round, verdict=FAIL)
    return recheck_report(original, load_round_results(store, round_id))


def failing_target_keys(store: Store, round_id: str) -> list[str]:
    get_round(store, round_id)
    return sorted(v["target_key"] for v in store.find("verdicts", {"round": round_id, "verdict": FAIL}))


def run_recheck(
    store: Store,
    round_id: str,
    from_round: str,
    as_of_text: str,
    media_as_of_text: str | None = None,
    profile: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> list[str]:
    """Crawls the targets that failed ``from_round`` as round ``round_id``; returns their keys.

    The re-check round uses the earlier round's rules profile unless another is named. A
    re-check may be run again (same as_of, as any round); an existing round that is not a
    re-check of ``from_round`` is refused.
    """
    from govcheck.crawl import run_round

    if round_id == from_round:
        raise RoundError(f"round {round_id}: a re-check needs its own round id, not the round it re-checks")
    original = get_round(store, from_round)
    existing = store.get_round(round_id)
    if existing and existing.get("recheck_of") != from_round:
        # an unfinished round without the mark is this re-check interrupted before it was marked
        if existing.get("recheck_of") or existing.get("status") == "finished":
            raise RoundError(f"round {round_id} exists and is not a re-check of {from_round}: choose another round id")
    keys = failing_target_keys(store, from_round)
    if not keys:
        return []
    # The crawl's target filter is comma-separated: a key holding a comma cannot be named in
    # it, so such a target gets no verdict and is reported 待人工复核 (未能复查), never 未整改.
    run_round(
        store,
        round_id,
        as_of_text,
        profile or original["profile"],
        targets=",".join(keys),
        settings=settings,
        media_as_of_text=media_as_of_text,
    )
    store.upsert("rounds", {"round": round_id, "recheck_of": from_round})
    return keys

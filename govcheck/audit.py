"""The auditor's usual questions as ready queries (``govcheck query --ask NAME``).

Each question is a collection, a MongoDB filter, a sort and the columns to show, the same on
either store; docs/audit.md gives the mongosh and pymongo forms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class QuestionError(ValueError):
    """A ready query was asked without what it needs (a round, a target, an indicator)."""


@dataclass(frozen=True)
class Question:
    collection: str
    query: dict[str, Any]
    sort: list[tuple[str, int]]
    columns: list[str]


def failures_by_district(round_id: str | None, **_: Any) -> Question:
    """不合格 targets of a round, by district, with their labels."""
    if not round_id:
        raise QuestionError("failures-by-district needs --round")
    return Question("verdicts", {"round": round_id, "verdict": "不合格"}, [("district", 1), ("kind", -1), ("name", 1)],
                    ["district", "name", "category", "labels"])


def history(round_id: str | None, target: str | None = None, **_: Any) -> Question:
    """One target's verdicts across rounds (its key, e.g. site:韩城市财政局, or its registered name)."""
    if not target:
        raise QuestionError("history needs --target (a key such as site:韩城市财政局, or a name)")
    query: dict[str, Any] = {"$or": [{"target_key": target}, {"name": target}]}
    if round_id:
        query["round"] = round_id
    return Question("verdicts", query, [("round", 1), ("target_key", 1)], ["round", "target_key", "verdict", "score", "labels"])


def indicator(round_id: str | None, code: str | None = None, **_: Any) -> Question:
    """Every finding of one indicator (a finding code, e.g. media.no_update_14d) in a round."""
    if not round_id or not code:
        raise QuestionError("indicator needs --round and --code (e.g. media.no_update_14d, site.columns.stale)")
    return Question("findings", {"round": round_id, "code": code}, [("target_key", 1)],
                    ["target_key", "label", "severity", "rule", "evidence"])


def reviews(round_id: str | None, **_: Any) -> Question:
    """What still needs an inspector (待人工复核) in a round, and why."""
    if not round_id:
        raise QuestionError("reviews needs --round")
    return Question("findings", {"round": round_id, "severity": "review"}, [("target_key", 1), ("code", 1)],
                    ["target_key", "label", "reason"])


QUESTIONS: Mapping[str, Callable[..., Question]] = {
    "failures-by-district": failures_by_district,
    "history": history,
    "indicator": indicator,
    "reviews": reviews,
}


def ask(name: str, round_id: str | None, target: str | None = None, code: str | None = None) -> Question:
    return QUESTIONS[name](round_id, target=target, code=code)

"""What spiders yield: one observation of one target (see docs/schema.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OBSERVATION_KINDS = ("probe", "home", "column", "account")


@dataclass
class ObservationItem:
    """One thing looked at for one target in one round, with its raw evidence.

    ``data`` holds the kind's fields (url, fetched_at, status, state, entries, …);
    the pipelines normalise its dates, validate it and store it under
    (round, target_key, kind, key).
    """

    round: str
    target_key: str
    kind: str
    key: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        return {
            **self.data,
            "round": self.round,
            "target_key": self.target_key,
            "kind": self.kind,
            "key": self.key,
        }

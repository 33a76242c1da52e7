"""Storing what operators import: the target register and inspectors' manual observations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from govcheck.manual import load_manual_observations
from govcheck.score_records import load_score_records
from govcheck.network_policy import Network
from govcheck.rounds import classify_round, get_round
from govcheck.rules import ProfileError, load_profile
from govcheck.store import Store
from govcheck.targets import load_targets


@dataclass
class ImportSummary:
    file: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # stored before, not in this file

    def describe(self) -> str:
        lines = [f"{self.file}: {len(self.added)} targets added, {len(self.updated)} updated"]
        if self.kept:
            shown = "、".join(self.kept[:10]) + ("…" if len(self.kept) > 10 else "")
            lines.append(
                f"{len(self.kept)} stored targets are not in this file and were kept "
                f"(they may belong to stored rounds): {shown}"
            )
        return "\n".join(lines)


def import_targets(
    store: Store, path: Path, imported_at: datetime, allowed_networks: tuple[Network, ...] | None = None
) -> ImportSummary:
    """Validates the whole file (raising TableFileError) before writing anything, then upserts by key.

    Every target of the file is written in one call. On the embedded store that is one
    transaction: a refused target leaves the register as it was. On MongoDB it is one unordered
    bulk write (FerretDB has no multi-document transactions): a document the server refuses
    fails alone and the others are written, and the error names it; the file's validation has
    refused everything the store could refuse for its content, and importing the corrected file
    again is idempotent.  A file without a 栏目 sheet keeps the columns stored for its sites (a
    new site has none).  ``allowed_networks``: as for :func:`govcheck.targets.load_targets`.
    """
    documents = load_targets(path, allowed_networks)
    stored = {t["key"]: t for t in store.find("targets")}
    stored_keys = set(stored)
    summary = ImportSummary(file=path)
    for document in documents:
        (summary.updated if document["key"] in stored_keys else summary.added).append(document["key"])
        if document["kind"] == "site" and "columns" not in document:
            document["columns"] = stored.get(document["key"], {}).get("columns", [])
    store.upsert_many("targets", [{**document, "imported_at": imported_at} for document in documents])
    file_keys = {d["key"] for d in documents}
    summary.kept = sorted(stored_keys - file_keys)
    return summary


def import_manual_observations(store: Store, path: Path, round_id: str) -> int:
    """Stores inspectors' observations beside the crawled ones (key ``manual``) and re-assesses.

    The round, its rules profile and the whole file are checked before anything is written
    (raising RoundError, ProfileError or TableFileError); the observations are then written in
    one call (one transaction on the embedded store, one unordered bulk write on MongoDB, as
    for targets) and their accounts assessed again.
    """
    round_document = get_round(store, round_id)
    try:
        load_profile(round_document["profile"])
    except ProfileError as error:
        raise ProfileError(f"round {round_id} cannot be assessed, nothing imported: {error}") from error
    known = {t["key"] for t in store.find("targets", {"kind": "account"})}
    observations = load_manual_observations(path, known)
    store.save_observations([{**observation, "round": round_id, "key": "manual"} for observation in observations])
    classify_round(store, round_id, [o["target_key"] for o in observations])
    return len(observations)


def import_score_records(store: Store, path: Path, round_id: str, recorded_at: datetime) -> int:
    """Stores inspectors' records of the 扣分 items they measure (``score`` observations) and
    re-assesses their sites; like :func:`import_manual_observations`, the whole file is checked
    against the round's profile before anything is written."""
    round_document = get_round(store, round_id)
    try:
        profile = load_profile(round_document["profile"])
    except ProfileError as error:
        raise ProfileError(f"round {round_id} cannot be assessed, nothing imported: {error}") from error
    known = {t["key"] for t in store.find("targets", {"kind": "site"})}
    records = load_score_records(path, known, profile, recorded_at)
    store.save_observations([{**record, "round": round_id} for record in records])
    classify_round(store, round_id, list(dict.fromkeys(r["target_key"] for r in records)))
    return len(records)

"""栏目不更新 (3), 空白栏目: "5 or more blank columns" (2019 veto item): column pages that
themselves say there is nothing (暂无信息). Fewer give a note.

Thresholds: the profile's ``websites.columns`` (``blank_veto_count``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from govcheck.rules.columns import ColumnReading
from govcheck.rules.common import Finding, judged, new_finding
from govcheck.rules.profile import Profile


def blank_column_findings(readings: Sequence[ColumnReading], as_of: datetime, profile: Profile) -> list[Finding]:
    """Rule (3): ≥ N blank columns (the page says there is nothing); fewer give a note."""
    rules = profile.section("websites", "columns")
    blank = [r for r in readings if r.status == "blank"]
    if not blank:
        return []
    evidence = {"blank_columns": [r.evidence for r in blank], "blank_count": len(blank)}
    threshold = {"blank_veto_count": rules["blank_veto_count"]}
    if len(blank) >= rules["blank_veto_count"]:
        severity, points = judged(profile, rules)
        label = rules["labels"]["blank"]
    else:
        severity, points = judged(profile, rules, "note_severity")
        label = rules["labels"]["blank_note"]
    return [new_finding(profile, rules["codes"]["blank"], label, severity, threshold, as_of, evidence, points=points)]

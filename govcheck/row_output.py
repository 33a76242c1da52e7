"""Rows of stored documents as a terminal table, JSON or CSV (for `govcheck query`), written to
the terminal or a file, and a round's verdicts summed up for the terminal.

Every CSV govcheck writes (``query --format csv``, ``targets list --format csv``, the demo's
verdicts) goes through :func:`format_rows`, whose cells pass :func:`spreadsheet_text`: a
page title or a name read from a site may start with ``=``, and a spreadsheet would run it.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

# The columns `govcheck query` shows of each collection (the demo writes its verdicts and findings with them).
QUERY_COLUMNS = {
    "verdicts": ["round", "target_key", "name", "category", "district", "verdict", "score", "labels"],
    "findings": ["round", "target_key", "code", "label", "severity", "reason"],
    "observations": ["round", "target_key", "kind", "key", "url", "state", "status", "error", "run"],
    "targets": ["key", "name", "category", "account_type", "district", "url"],
    "rounds": ["round", "as_of", "profile", "status", "started_at", "finished_at", "run", "status_why"],
    "runs": ["round", "run", "part", "state", "started_at", "heartbeat_at", "finished_at", "stopped"],
}


def write_rows(rows: list[dict[str, Any]], columns: list[str], output_format: str, out: Path | None) -> None:
    text = format_rows(rows, columns, output_format)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8-sig" if output_format == "csv" else "utf-8")
        print(f"{len(rows)} rows written to {out}")
    else:
        sys.stdout.write(text)


def print_verdict_summary(round_id: str, verdicts: list[dict[str, Any]]) -> None:
    counts = Counter(v["verdict"] for v in verdicts)
    print(
        f"round {round_id}: {len(verdicts)} targets — "
        + ", ".join(f"{label} {counts.get(label, 0)}" for label in ("合格", "不合格", "待人工复核"))
    )
    for verdict in verdicts:
        if verdict["verdict"] != "合格" or verdict.get("labels"):
            print(f"  {verdict['verdict']}\t{verdict['name']}\t{verdict.get('labels', '')}")


def format_rows(rows: list[dict[str, Any]], columns: list[str], output_format: str) -> str:
    if output_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=_json_value) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([spreadsheet_text(c) for c in columns])
        for row in rows:
            writer.writerow([spreadsheet_text(cell_text(row.get(c))) for c in columns])
        return buffer.getvalue()
    return format_table(rows, columns)


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Aligned columns; Chinese characters count as two cells wide, as a terminal shows them."""
    cells = [columns] + [[cell_text(row.get(c)) for c in columns] for row in rows]
    widths = [max(display_width(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(pad(text, width) for text, width in zip(line, widths)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + f"\n({len(rows)} rows)\n"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    return str(value)


# What makes a spreadsheet read a cell as a formula (=, +, -, @) or lets one hide behind a
# leading tab or carriage return (OWASP's CSV injection advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A CSV cell a spreadsheet shows as the text it is: one starting like a formula gets a
    leading ``'`` (Excel and LibreOffice then show it as text; the quote is visible in a
    plain text editor, which is the price of the cell never being run)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)

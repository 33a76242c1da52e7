"""Rows of stored documents as a terminal table, JSON or CSV (for `govcheck query`).

Every CSV govcheck writes (``query --format csv``, ``targets list --format csv``, the demo's
verdicts) goes through :func:`format_rows`, whose cells pass :func:`spreadsheet_text`: a
page title or a name read from a site may start with ``=``, and a spreadsheet would run it.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import datetime
from typing import Any


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

"""Writing operator table files (xlsx, csv, yaml) for tests.

A sheet is given as a list of rows, the first being the header: ``{"网站": [[...header], [...], ...]}``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import yaml


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, start_row: int = 1) -> Path:
    """One worksheet per entry; ``start_row`` leaves blank rows above each header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for offset, row in enumerate(rows):
            for col, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(row=start_row + offset, column=col, value=value)
    wb.save(path)
    return path


def write_csv(path: Path, sheets: dict[str, list[list]], *, encoding: str = "utf-8-sig",
              sheet_column: bool = True) -> Path:
    """All sheets in one CSV: a ``表`` column names each row's sheet; header = union of columns.

    With ``sheet_column=False`` (one sheet only) the ``表`` column is left out.
    """
    header: list[str] = []
    for rows in sheets.values():
        for name in rows[0]:
            if name not in header:
                header.append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((["表"] if sheet_column else []) + header)
    for title, rows in sheets.items():
        columns = rows[0]
        for row in rows[1:]:
            values = dict(zip(columns, row))
            line = ["" if values.get(c) is None else str(values.get(c)) for c in header]
            writer.writerow(([title] if sheet_column else []) + line)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_yaml(path: Path, sheets: dict[str, list[list]]) -> Path:
    """``{sheet: [{column: value}, ...]}``; blank values are left out of the mapping."""
    data = {
        title: [{c: v for c, v in zip(rows[0], row) if v not in (None, "")} for row in rows[1:]]
        for title, rows in sheets.items()
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path

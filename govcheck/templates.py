"""Blank Excel files for operators: the targets register and the inspectors' observation sheet.

Each sheet has the exact headers the importers read, drop-down lists for the columns with
fixed values (so a typo cannot reach the import), and the ID columns formatted as text
(Excel would round a 16-digit uid typed as a number).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from govcheck import manual, targets

# sheet → column → allowed values
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    targets.SITE_SHEET: {"网站类别": targets.SITE_CATEGORIES},
    targets.COLUMN_SHEET: {"栏目类型": targets.COLUMN_TYPES, "渲染方式": tuple(m for m in targets.RENDER_MODES if m)},
    targets.ACCOUNT_SHEET: {"平台": tuple(targets.PLATFORMS), "账号类型": targets.ACCOUNT_TYPES},
    manual.SHEET: {"平台": tuple(targets.PLATFORMS), "互动入口状态": tuple(manual.INTERACTION_STATES)},
}
TEXT_COLUMNS = {"账号ID", "最新发布时间", "最近原创时间"}
ROWS_PREPARED = 500  # drop-downs and text format reach this far down


def write_targets_template(path: Path) -> Path:
    """An empty register with the sheets 网站, 栏目 and 新媒体."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in (targets.SITE_SHEET, targets.COLUMN_SHEET, targets.ACCOUNT_SHEET):
        _sheet(workbook.create_sheet(sheet), sheet, targets.SHEET_COLUMNS[sheet][0])
    workbook.save(path)
    return path


def write_observations_template(path: Path) -> Path:
    """An empty 人工观察 sheet for what inspectors saw in the apps themselves."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = manual.SHEET
    _sheet(sheet, manual.SHEET, manual.COLUMNS)
    workbook.save(path)
    return path


def _sheet(sheet: Worksheet, name: str, columns: tuple[str, ...]) -> None:
    sheet.append(list(columns))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(column) * 2 + 6)
        cells = f"{letter}2:{letter}{ROWS_PREPARED + 1}"
        if column in CHOICES.get(name, {}):
            choices = DataValidation(type="list", formula1='"' + ",".join(CHOICES[name][column]) + '"', allow_blank=True)
            choices.error = f"{column} 只能是：" + "、".join(CHOICES[name][column])
            choices.showErrorMessage = True
            sheet.add_data_validation(choices)
            choices.add(cells)
        if column in TEXT_COLUMNS:
            for row in range(2, ROWS_PREPARED + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

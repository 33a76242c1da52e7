"""Blank Excel files for operators: the targets register and the inspectors' observation sheet.

Each sheet has the exact headers the importers read, drop-down lists for the columns with
fixed values (so a typo cannot reach the import), a drop-down of the usual values and a note
for the free-text columns that have a form of their own (互动入口), and the ID columns
formatted as text (Excel would round a 16-digit uid typed as a number).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from govcheck import manual, score_records, targets

# sheet → column → allowed values
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    targets.SITE_SHEET: {"网站类别": targets.SITE_CATEGORIES},
    targets.COLUMN_SHEET: {"栏目类型": targets.COLUMN_TYPES, "渲染方式": tuple(m for m in targets.RENDER_MODES if m)},
    targets.ACCOUNT_SHEET: {"平台": tuple(targets.PLATFORMS), "账号类型": targets.ACCOUNT_TYPES},
    manual.SHEET: {"平台": tuple(targets.PLATFORMS), "互动入口状态": tuple(manual.INTERACTION_STATES)},
}
# sheet → column → (values offered, the note shown on the cell): any other value may be typed
SUGGESTIONS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    targets.ACCOUNT_SHEET: {
        "互动入口": (
            (targets.NO_INTERACTION_ENTRY, "菜单：留言", "自动回复"),
            "网址（http:// 或 https:// 开头）；“无”＝已核实没有互动入口；入口在应用内、没有网址时写位置，"
            "如 菜单：留言、自动回复；未核实请留空（留空将待人工复核）",
        ),
    },
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
    return _one_sheet(path, manual.SHEET, manual.COLUMNS)


def write_score_records_template(path: Path) -> Path:
    """An empty 评分记录 sheet for the 扣分 items inspectors measure by hand."""
    return _one_sheet(path, score_records.SHEET, score_records.COLUMNS)


def _one_sheet(path: Path, name: str, columns: tuple[str, ...]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = name
    _sheet(sheet, name, columns)
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
        if column in SUGGESTIONS.get(name, {}):
            values, note = SUGGESTIONS[name][column]
            suggested = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
            suggested.showErrorMessage = False  # a URL or another place in the app is typed in
            suggested.showInputMessage = True
            suggested.promptTitle, suggested.prompt = column, note
            sheet.add_data_validation(suggested)
            suggested.add(cells)
        if column in TEXT_COLUMNS:
            for row in range(2, ROWS_PREPARED + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

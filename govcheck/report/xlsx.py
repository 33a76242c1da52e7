"""The Excel workbooks: a round's 附件1, 附件2, 全部检查对象, 发现问题 and 待人工复核; a re-check's
整改复查 and 复查明细.

全部检查对象 has one row per target (its problems joined in one cell, 得分 only where a score
was computed); 发现问题 has one row per finding with its evidence (the rule and threshold in
words, the facts, the links with their 抓取时间, a deduction's points, why a 扣分 item could not be
measured), numbered by the target's 序号 in 全部检查对象.

Laid out for printing as an office sends them: A4, the title and 检查时间 rows merged across
the table, thin borders, wrapped text, column widths, the header row repeated on every
printed page, frozen below the header.

Why the data rows are not written by openpyxl: it spends about 12 µs a cell, six seconds and
more for the detail sheet of a 100,000-target round. openpyxl writes the workbook (styles,
sheet settings, title and header rows); the data rows are then streamed as SpreadsheetML into
each sheet's ``<sheetData>`` with the style ids openpyxl registered for them (about 1 µs a
cell).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from govcheck.report.evidence import SEVERITY_NAMES, evidence_facts, evidence_links, rule_text
from govcheck.report.recheck import RecheckReport
from govcheck.report.summary import KIND_NAMES, REVIEW, RoundReport, TargetResult, attachment_tables, review_rows, score_cell
from govcheck.report.titles import round_name
from govcheck.report.xmltext import xml_text

FONT = "宋体"
LINE_HEIGHT = 15.0  # points per line of 11-point text
CELL_LIMIT = 32_767  # characters Excel keeps in a cell
LINKS_PER_FINDING = 20


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters (a Chinese character is two)
    center: bool = False


@dataclass
class SheetLayout:
    """One printable sheet: optional heading (附件1), a title, an optional subtitle, a header row, rows."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Any]]
    heading: str = ""
    subtitle: str = ""
    landscape: bool = False
    filter: bool = False
    fit_heights: bool = True  # estimate each row's height from its wrapped text (print sheets)


@dataclass(frozen=True)
class _DataRows:
    """Where a sheet's data rows go and how they look."""

    layout: SheetLayout
    rows: list[Sequence[Any]]
    first_row: int
    style_ids: list[int]  # per column


# -- a round ---------------------------------------------------------------------------------

TARGET_COLUMNS = (
    Column("序号", 7, center=True),
    Column("类型", 8, center=True),
    Column("名称", 30),
    Column("类别", 22),
    Column("区县", 12),
    Column("检查结果", 11, center=True),
    Column("得分", 10, center=True),
    Column("突出问题/备注", 30),
    Column("发现问题", 36),
    Column("待复核原因", 40),
    Column("发现问题数", 10, center=True),
)
FINDING_COLUMNS = (
    Column("序号", 7, center=True),  # the target's 序号 in 全部检查对象
    Column("类型", 8, center=True),
    Column("名称", 30),
    Column("区县", 12),
    Column("检查结果", 11, center=True),
    Column("发现问题", 26),
    Column("性质", 11, center=True),
    Column("扣分", 8, center=True),  # the points a deduction took off (after its indicator's cap)
    Column("规则及阈值", 40),
    Column("证据", 40),
    Column("证据链接（抓取时间为读取页面的时间）", 70),
    Column("待复核原因/未能评分原因", 40),
    Column("指标代码", 22),
)
REVIEW_COLUMNS = (
    Column("序号", 7, center=True),
    Column("类型", 8, center=True),
    Column("名称", 30),
    Column("类别", 20),
    Column("区县", 12),
    Column("待复核原因", 60),
    Column("证据链接", 60),
)
ATTACHMENT_WIDTHS = {"序号": 7, "网站名称": 40, "账号名称": 34, "账号类型": 14, "检查结果": 12, "突出问题": 42, "备注": 36}


def write_round_xlsx(report: RoundReport, path: Path) -> Path:
    """附件1, 附件2, every target (one row each), every finding with its evidence, and the 待人工复核 list."""
    name = round_name(report.round_id)
    sheets = [
        SheetLayout(
            name=table.label,
            heading=table.label,
            title=table.title,
            subtitle=table.period,
            columns=tuple(Column(c, ATTACHMENT_WIDTHS[c], center=c in ("序号", "检查结果", "账号类型")) for c in table.columns),
            rows=[row.cells() for row in table.rows],
        )
        for table in attachment_tables(report)
    ]
    numbered = list(enumerate(report.current.results, start=1))
    sheets.append(
        SheetLayout(
            name="全部检查对象",
            title=f"{name}政府网站与政务新媒体全面检查结果（每个检查对象一行）",
            columns=TARGET_COLUMNS,
            rows=list(target_rows(numbered)),
            landscape=True,
            filter=True,
            fit_heights=False,
        )
    )
    sheets.append(
        SheetLayout(
            name="发现问题",
            title=f"{name}政府网站与政务新媒体全面检查发现问题及证据（序号同“全部检查对象”）",
            columns=FINDING_COLUMNS,
            rows=list(finding_rows(numbered)),
            landscape=True,
            filter=True,
            fit_heights=False,
        )
    )
    sheets.append(
        SheetLayout(
            name="待人工复核",
            title=f"{name}全面检查待人工复核对象",
            columns=REVIEW_COLUMNS,
            rows=[
                (row.number, KIND_NAMES.get(row.target.kind, ""), row.target.name, row.target.category, row.target.district,
                 "\n".join(row.reasons), _links_text(row.target.findings, severities=("review",)))
                for row in review_rows(report.current.results)
            ],
            landscape=True,
        )
    )
    return write_workbook(path, sheets)


def target_rows(numbered: Iterable[tuple[int, TargetResult]]) -> Iterator[tuple[Any, ...]]:
    """One row per target: its verdict, 得分 where computed, and its findings joined, one a line."""
    for number, result in numbered:
        yield (
            number, KIND_NAMES.get(result.kind, ""), result.name, result.category, result.district,
            result.verdict, score_cell(result), result.labels,
            "\n".join(finding_line(f) for f in result.findings),
            "\n".join(result.review_reasons()) if result.verdict == REVIEW else "",
            len(result.findings) or None,
        )


def finding_line(finding: dict[str, Any]) -> str:
    """单项否决：14天未更新."""
    severity = finding.get("severity", "")
    return f"{SEVERITY_NAMES.get(severity, severity)}：{finding.get('label', '')}"


def finding_rows(numbered: Iterable[tuple[int, TargetResult]]) -> Iterator[tuple[Any, ...]]:
    """One row per finding, with the target's 序号 and name, the rule in words and the evidence."""
    for number, result in numbered:
        for finding in result.findings:
            yield (
                number, KIND_NAMES.get(result.kind, ""), result.name, result.district, result.verdict,
                finding.get("label", ""),
                SEVERITY_NAMES.get(finding.get("severity", ""), finding.get("severity", "")),
                finding.get("points") or None if finding.get("severity") == "deduct" else None,
                rule_text(finding.get("rule")),
                evidence_facts(finding.get("evidence")),
                "\n".join(_link_lines(finding)),
                finding.get("reason", "") if finding.get("severity") in ("review", "unmeasured") else "",
                finding.get("code", ""),
            )


def _link_lines(finding: dict[str, Any]) -> list[str]:
    """A finding's evidence links, one a line: the first LINKS_PER_FINDING, then how many more."""
    links = evidence_links(finding.get("evidence"))
    lines = [link.text() for link in links[:LINKS_PER_FINDING]]
    if len(links) > LINKS_PER_FINDING:
        lines.append(f"另有{len(links) - LINKS_PER_FINDING}个链接，完整证据可用 govcheck query --collection findings 查询")
    return lines


def _links_text(findings: Iterable[dict[str, Any]], severities: tuple[str, ...]) -> str:
    lines = [line for finding in findings if finding.get("severity") in severities for line in _link_lines(finding)]
    return "\n".join(dict.fromkeys(lines))


# -- a re-check --------------------------------------------------------------------------------

RECHECK_COLUMNS = (
    Column("序号", 7, center=True),
    Column("类型", 8, center=True),
    Column("名称", 30),
    Column("类别", 20),
    Column("区县", 12),
    Column("原检查问题", 30),
    Column("复查结果", 11, center=True),
    Column("整改情况", 11, center=True),
    Column("说明", 40),
    Column("证据链接", 60),
)


def write_recheck_xlsx(report: RecheckReport, path: Path) -> Path:
    """整改复查: every target that failed the earlier round and its status; 复查明细: the findings."""
    sheets = [
        SheetLayout(
            name="整改复查",
            title=report.title,
            subtitle=report.period,
            columns=RECHECK_COLUMNS,
            rows=[
                (row.number, KIND_NAMES.get(row.original.kind, ""), row.original.name, row.original.category,
                 row.original.district, row.original.labels, row.recheck_verdict, row.status, row.note,
                 _links_text(row.findings, severities=("veto", "deduct", "review", "note")))
                for row in report.rows
            ],
            landscape=True,
        ),
        SheetLayout(
            name="复查明细",
            title=f"{report.title}：复查发现问题及证据（序号同“整改复查”）",
            columns=FINDING_COLUMNS,
            rows=list(finding_rows((row.number, row.recheck) for row in report.rows if row.recheck is not None)),
            landscape=True,
            filter=True,
            fit_heights=False,
        ),
    ]
    return write_workbook(path, sheets)


# -- the workbook ------------------------------------------------------------------------------


def write_workbook(path: Path, sheets: Sequence[SheetLayout]) -> Path:
    """Writes the sheets to ``path``."""
    workbook = Workbook(write_only=True)
    styles = _Styles()
    pending = []
    for layout in sheets:
        sheet = workbook.create_sheet(layout.name)
        pending.append((sheet, _lay_out(sheet, layout, styles)))
    draft = path.with_name(f".{path.name}.openpyxl")
    try:
        workbook.save(draft)
        # sheet paths are known once saved: xl/worksheets/sheetN.xml
        _stream_rows(draft, path, {sheet.path.lstrip("/"): data for sheet, data in pending})
    finally:
        draft.unlink(missing_ok=True)
    return path


class _Styles:
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=FONT, size=11)
    bold = Font(name=FONT, size=11, bold=True)
    heading = Font(name="黑体", size=12)
    title = Font(name=FONT, size=16, bold=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _cell(sheet: Any, value: Any, font: Font, alignment: Alignment, border: Border | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font, cell.alignment = font, alignment
    if border is not None:
        cell.border = border
    return cell


def _lay_out(sheet: Any, layout: SheetLayout, styles: _Styles) -> _DataRows:
    """Sheet settings, title and header rows; returns where and how the data rows go."""
    last_column = get_column_letter(len(layout.columns))
    for index, column in enumerate(layout.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75

    header_row = 2 + bool(layout.heading) + bool(layout.subtitle)
    # a write-only sheet writes its view with its first row: freeze before appending
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    row = 0
    if layout.heading:
        row += 1
        sheet.append([_cell(sheet, layout.heading, styles.heading, Alignment(horizontal="left", vertical="center"))])
    row += 1
    sheet.row_dimensions[row].height = 36
    sheet.append([_cell(sheet, layout.title, styles.title, styles.center)])
    sheet.merged_cells.add(f"A{row}:{last_column}{row}")
    if layout.subtitle:
        row += 1
        sheet.row_dimensions[row].height = 22
        sheet.append([_cell(sheet, layout.subtitle, styles.body, styles.center)])
        sheet.merged_cells.add(f"A{row}:{last_column}{row}")
    sheet.row_dimensions[header_row].height = 22
    sheet.append([_cell(sheet, c.header, styles.bold, styles.center, styles.border) for c in layout.columns])
    rows = list(layout.rows)
    if layout.filter:
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + max(1, len(rows))}"
    style_ids = [
        _cell(sheet, "", styles.body, styles.center if c.center else styles.left, styles.border).style_id
        for c in layout.columns
    ]
    return _DataRows(layout, rows, header_row + 1, style_ids)


def _stream_rows(draft: Path, path: Path, members: dict[str, _DataRows]) -> None:
    """Copies the draft workbook to ``path`` with each sheet's data rows written into it."""
    with zipfile.ZipFile(draft) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename not in members:
                target.writestr(item, data)
                continue
            text = data.decode("utf-8")
            end = text.index("</sheetData>")
            with target.open(item.filename, "w", force_zip64=True) as out:
                out.write(text[:end].encode("utf-8"))
                for chunk in _row_chunks(members[item.filename]):
                    out.write(chunk.encode("utf-8"))
                out.write(text[end:].encode("utf-8"))


def _row_chunks(data: _DataRows, rows_per_chunk: int = 2000) -> Iterator[str]:
    columns = data.layout.columns
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    widths = [c.width for c in columns]
    parts: list[str] = []
    for offset, values in enumerate(data.rows):
        number = data.first_row + offset
        height = _row_height(values, widths) if data.layout.fit_heights else None
        parts.append(f'<row r="{number}" ht="{height}" customHeight="1">' if height else f'<row r="{number}">')
        for letter, style, value in zip(letters, data.style_ids, _padded(values, len(letters))):
            parts.append(_cell_xml(f"{letter}{number}", style, value))
        parts.append("</row>")
        if offset % rows_per_chunk == rows_per_chunk - 1:
            yield "".join(parts)
            parts.clear()
    yield "".join(parts)


def _padded(values: Sequence[Any], count: int) -> list[Any]:
    return list(values[:count]) + [None] * (count - len(values))


def _cell_xml(reference: str, style: int, value: Any) -> str:
    if value is None or value == "":
        return f'<c r="{reference}" s="{style}"/>'
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return f'<c r="{reference}" s="{style}"/>'
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        return f'<c r="{reference}" s="{style}"><v>{shown}</v></c>'
    return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value)[:CELL_LIMIT])}</t></is></c>'


def _row_height(values: Sequence[Any], widths: Sequence[float]) -> float:
    """Enough lines for the longest wrapped cell (a Chinese character is two widths wide)."""
    lines = 1
    for value, width in zip(values, widths):
        if not isinstance(value, str) or not value:
            continue
        if len(value) * 2 <= width - 1 and "\n" not in value:
            continue  # fits on one line whatever its characters
        usable = max(1.0, width - 1)
        lines = max(lines, sum(max(1, math.ceil(_text_width(part) / usable)) for part in value.split("\n")))
    return LINE_HEIGHT * lines + 4 if lines > 1 else 0.0


def _text_width(text: str) -> int:
    # GB18030 spends two bytes on a CJK character and one on ASCII: its length is the printed
    # width, computed in C (the per-character unicodedata lookup costs seconds on big rounds)
    return len(text.encode("gb18030", errors="replace"))

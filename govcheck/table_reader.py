"""Reading operator tables: one way for every input format.

Operators keep their lists (targets, manual observations) in Excel; the same content can also
come as CSV or YAML.  :func:`read_sheets` turns any of them into rows of text, keyed by the
column headers, with the row number the operator sees, so that callers validate one shape and
report problems the operator can find in the file.

Formats
-------
``.xlsx`` / ``.xlsm``
    Each requested sheet (matched by its title, surrounding spaces ignored).  The first
    non-empty row is the header; the data rows follow.  ``Row.number`` is the Excel row number
    (the header row counts).  Fully empty rows are skipped.  Cells are read with
    ``data_only`` (a formula gives its cached value; a file written by a program that does not
    compute formulas gives empty cells).
``.csv``
    One file holds every sheet: a column ``表`` names the sheet of each row (网站, 栏目, 新媒体,
    ...); the header row is the union of the columns of all sheets, a row leaves the columns of
    other sheets empty.  When only ONE sheet is requested (e.g. 人工观察) the ``表`` column may
    be left out and every row belongs to that sheet.  A row must have as many fields as the
    header (extra fields are accepted only when empty): a stray comma would otherwise move its
    values into the wrong columns.  ``Row.number`` is the line number in the file.  Encoding UTF-8 (with or without BOM), falling back to GB18030 (Excel on Chinese
    Windows saves "CSV" in GBK).
``.yaml`` / ``.yml``
    A mapping of sheet name to a list of mappings (column → value)::

        网站:
          - {网站名称: 示例市人民政府, 网址: "https://www.example.gov.cn/"}
        栏目: [...]

    ``Row.number`` is the 1-based position in that list.

Cell values become stripped text: ``None`` → ``""``; integral numbers without a trailing
``.0`` (uids: ``1669879400``); dates ``2024-02-19``; datetimes ``2024-02-19 10:30`` (seconds
only when not zero; midnight gives the date alone); ``True``/``False`` → ``TRUE``/``FALSE``.
In a workbook, Excel's ``_xHHHH_`` escapes are unescaped (``_x000D_``, the CR of a CR+LF cell)
and CR+LF is a line feed, as an Excel line break (:func:`workbook_text`).
Header names are stripped and inner whitespace collapsed (:func:`clean_text`); cell values
are only stripped, callers decide how to normalise them.  Text no UTF-8 file or store can hold
(a lone UTF-16 surrogate, which YAML's ``\\ud83d`` escape gives) is a problem located at its
cell; an escaped surrogate pair is read as the character it encodes (:func:`storable_text`).

A requested sheet that is absent is not an error here: it comes back as an empty
:class:`Sheet` with ``present`` False, the caller decides.  A sheet (YAML key) that is not
requested is an error when the file has any requested sheet — a misspelt ``新媒休`` would
otherwise lose its rows — except sheets of explanations (title starting or ending with
``说明``: 说明, 填表说明) and, in a workbook, sheets with no value at all (Excel's blank
``Sheet2``).

Problems
--------
What keeps the file from being read at all (unknown extension, missing or corrupt file, a file
over its size cap, a CSV of several sheets without the ``表`` column) raises
:class:`TableFileError` at once.  Every other problem of the file's shape (a sheet or a CSV row
naming a sheet not asked for, a CSV row not lining up with the header, a duplicate header,
text that cannot be stored, a sheet over :data:`MAX_ROWS` rows or a cell over
:data:`MAX_CELL_CHARS` characters) is collected: into the caller's :class:`Problems` when it
passes one, so that its own checks of the rows are reported in the same pass, else raised
together at the end.

Caps, so that a wrong or hostile file fails fast and small: a workbook unpacks to at most
:data:`MAX_UNPACKED_BYTES` (read sheet by sheet, row by row: openpyxl's read-only mode), a CSV
or YAML file is at most ``MAX_FILE_BYTES[suffix]``, a sheet has at most :data:`MAX_ROWS` data
rows (the rows after them are not read) and a cell at most :data:`MAX_CELL_CHARS` characters.
:class:`Problems` keeps the first :data:`MAX_PROBLEMS` problems and counts the others.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "Row",
    "Problem",
    "Problems",
    "Sheet",
    "TableFileError",
    "SHEET_COLUMN",
    "clean_text",
    "cell_text",
    "workbook_text",
    "storable_text",
    "read_sheets",
    "MAX_ROWS",
    "MAX_CELL_CHARS",
    "MAX_UNPACKED_BYTES",
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS",
]

#: The CSV column naming the sheet a row belongs to.
SHEET_COLUMN = "表"

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
YAML_SUFFIXES = (".yaml", ".yml")

#: Data rows read per sheet: a province's register (a thousand sites, ten thousand columns or
#: accounts) fits several times over.
MAX_ROWS = 50_000
#: Characters in one cell: no name, URL or selector comes near it.
MAX_CELL_CHARS = 4_000
#: What a workbook's parts unpack to, together (a zip bomb unpacks to gigabytes).
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
#: Size of a CSV or YAML file (YAML is parsed in Python, slowly: a smaller cap).
MAX_FILE_BYTES = {".csv": 64 * 1024 * 1024, ".yaml": 16 * 1024 * 1024, ".yml": 16 * 1024 * 1024}
#: Problems listed; the others are counted.
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Row:
    """One data row: ``values`` maps every header column of the sheet to its text ("" if blank)."""

    sheet: str
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Problem:
    """A problem located in an operator's file.  ``file`` is the file name (no directory)."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.row is not None:
            unit = "条" if self.file.lower().endswith(YAML_SUFFIXES) else "行"
            parts.append(f"第 {self.row} {unit}")
        if self.column:
            parts.append(f"列 {self.column}")
        return ", ".join(parts) + ": " + self.message


class Problems(list):
    """The problems found in one file: the first ``limit`` kept in order, every one counted
    (``total``), so that a file with a million bad rows is told in a hundred lines."""

    def __init__(self, problems: Iterable[Problem] = (), limit: int | None = None):
        super().__init__()
        self.limit = MAX_PROBLEMS if limit is None else limit
        self.total = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)


class TableFileError(ValueError):
    """The file cannot be used; ``problems`` lists the problems found (the first
    :data:`MAX_PROBLEMS`), ``total`` counts them all; str() one per line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        self.total: int = max(getattr(problems, "total", 0), len(self.problems))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem listed, and one saying how many more there are."""
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"……另有 {self.total - len(self.problems)} 个问题未列出（共 {self.total} 个）")
        return lines


class Sheet(list):
    """The rows of one sheet (a ``list[Row]``), plus what is known about the sheet itself.

    ``present``: the file has this sheet at all; ``header``: its column names in file order
    (empty when absent); ``has_header``: the format has a header row (xlsx, csv), so a column
    missing from ``header`` is worth reporting — in YAML a row simply leaves out the keys it
    has no value for, ``header`` is the union of the keys used; ``title``: the sheet's name as
    the operator sees it.
    """

    def __init__(self, title: str, rows: Iterable[Row] = (), header: Sequence[str] = (),
                 present: bool = False, has_header: bool = True):
        super().__init__(rows)
        self.title = title
        self.header: tuple[str, ...] = tuple(header)
        self.present = present
        self.has_header = has_header

    def __repr__(self) -> str:
        return f"Sheet({self.title!r}, present={self.present}, header={self.header!r}, rows={list.__repr__(self)})"


# ---------------------------------------------------------------------------------------------
# text

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def clean_text(value: str) -> str:
    """Trim and collapse every run of whitespace (incl. full-width spaces, newlines) to one space.

    Zero-width characters that come with text pasted from web pages are removed.
    """
    return _WS.sub(" ", _INVISIBLE.sub("", value)).strip()


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(text: str) -> tuple[str, str | None]:
    """``text`` as it can be stored, and the problem when it cannot (else None).

    Python text can hold UTF-16 surrogates, which no UTF-8 file or store can: YAML reads
    ``"\\ud83d\\ude00"`` (an emoji as a JSON writer escapes it) as two of them.  A high and low
    surrogate in a row are joined into the character they encode; a surrogate left alone (a cut
    emoji) is a problem, and the text comes back with U+FFFD in its place so that messages
    quoting it can still be printed.
    """
    if not _SURROGATE.search(text):
        return text, None
    text = _SURROGATE_PAIR.sub(
        lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)
    lone = _SURROGATE.findall(text)
    if not lone:
        return text, None
    codes = "、".join(dict.fromkeys(f"\\u{ord(c):04x}" for c in lone))
    return _SURROGATE.sub("\ufffd", text), (
        f"含有无法保存的字符 {codes}（不成对的 UTF-16 代理项，多为被截断的表情符号），请删除或改正")


_LINE_BREAK = re.compile(r"\r\n?")


def workbook_text(value: object) -> object:
    """A text cell of a workbook as Excel means it; other values as they are.

    Excel saves characters XML cannot carry as ``_xHHHH_`` escapes (the CR of a CR+LF line
    break pasted from a Windows export is ``_x000D_``) and a literal ``_x`` text as
    ``_x005F_x…``; openpyxl hands both on as text.  They are unescaped
    (``openpyxl.utils.escape.unescape``), and a CR+LF or lone CR becomes the line feed Excel's
    own line breaks give.  Only for workbooks: in CSV and YAML such text is the text itself.
    """
    if not isinstance(value, str) or ("_x" not in value and "\r" not in value):
        return value
    from openpyxl.utils.escape import unescape

    return _LINE_BREAK.sub("\n", unescape(value))


def cell_text(value: object) -> str:
    """A cell value as stripped text (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.to_integral_value())
        return str(value.normalize())
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        spec = "seconds" if value.second or value.microsecond else "minutes"
        return value.isoformat(sep=" ", timespec=spec)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# reading

def _is_instructions(title: str) -> bool:
    """A sheet of explanations beside the tables (说明, 填表说明, 填写说明): not data, not read."""
    return title.startswith("说明") or title.endswith("说明")


def _unknown_sheet(fname: str, title: str, sheets: Sequence[str]) -> Problem:
    """A sheet (YAML key) that is none of the requested ones: its rows would silently be lost."""
    return Problem(fname, title, None, None, f"未知的表 {title}，应为 {'、'.join(sheets)} 之一")


@dataclass
class OneSheet:
    """An inspector's one-sheet table being checked: its rows, its problems so far, and the
    columns its header lacks (:func:`read_one_sheet`)."""

    fname: str
    sheet: Sheet
    problems: Problems
    missing: list[str]

    def add(self, row: Row | None, column: str | None, message: str) -> None:
        """A problem of a row (None: of the file or its header) and column."""
        self.problems.append(Problem(self.fname, row.sheet if row else self.sheet.title,
                                     row.number if row else None, column, message))


def read_one_sheet(path: Path, name: str, required: Sequence[str]) -> OneSheet:
    """The sheet ``name`` of a table (or its only sheet), with a problem for each ``required``
    column its header lacks. Raises :class:`TableFileError` when the file has no such sheet."""
    path = Path(path)
    problems = Problems()  # the file's shape and its rows, in one pass
    sheet = read_sheets(path, [name], fallback_to_only_sheet=True, problems=problems)[name]
    table = OneSheet(path.name, sheet, problems, [])
    if not sheet.present:
        table.add(None, None, f"文件中没有 {name} 工作表")
        raise TableFileError(problems)
    table.missing = [c for c in required if sheet.has_header and sheet.header and c not in sheet.header]
    for column in table.missing:
        table.add(None, column, "表头缺少此列")
    return table


def read_sheets(path: Path, sheets: Sequence[str], *,
                fallback_to_only_sheet: bool = False,
                problems: Problems | None = None) -> dict[str, Sheet]:
    """Read the named sheets of an operator's table file.

    Returns ``{name: Sheet}`` for every name in ``sheets`` (an absent sheet is an empty Sheet
    with ``present`` False).  With ``fallback_to_only_sheet`` and a single requested name, a
    file whose only sheet has another name (an xlsx with just ``Sheet1``, a YAML mapping with
    one key or a bare list) is read as that sheet; ``Row.sheet`` keeps the real name.

    Raises :class:`TableFileError` when the file as a whole cannot be read.  The problems of
    its content go to ``problems`` when given (the caller raises them with its own), else they
    are raised at the end (see the module docstring).
    """
    path = Path(path)
    fname = path.name
    suffix = path.suffix.lower()
    if suffix not in XLSX_SUFFIXES + CSV_SUFFIXES + YAML_SUFFIXES:
        hint = "（.xls 请在 Excel 中另存为 .xlsx）" if suffix == ".xls" else ""
        raise TableFileError([Problem(
            fname, "", None, None,
            f"不支持的文件类型 {suffix or '(无扩展名)'}，应为 .xlsx、.csv 或 .yaml{hint}")])
    if not path.is_file():
        raise TableFileError([Problem(fname, "", None, None, f"文件不存在: {path}")])
    fallback = fallback_to_only_sheet and len(sheets) == 1
    collected = Problems() if problems is None else problems
    if suffix in XLSX_SUFFIXES:
        out = _read_xlsx(path, sheets, fallback, collected)
    elif suffix in CSV_SUFFIXES:
        out = _read_csv(path, sheets, collected)
    else:
        out = _read_yaml(path, sheets, fallback, collected)
    if problems is None and collected:
        raise TableFileError(collected)
    return out


def _read_capped(path: Path, suffix: str) -> bytes:
    """A CSV or YAML file's bytes; one over its cap is refused before it is read."""
    fname = path.name
    cap = MAX_FILE_BYTES[suffix]
    try:
        size = path.stat().st_size
        if size > cap:
            raise TableFileError([Problem(fname, "", None, None, _too_big(size, cap))])
        return path.read_bytes()
    except OSError as exc:
        raise TableFileError([Problem(fname, "", None, None, f"无法读取文件: {exc}")]) from exc


def _too_big(size: int, cap: int, what: str = "文件大小") -> str:
    return f"{what} {size / 1024 / 1024:.1f} MB，超过上限 {cap / 1024 / 1024:.0f} MB：请检查是否选错了文件，或分成几个文件导入"


def _capped_cell(text: str, fname: str, title: str, number: int, column: str | None,
                 problems: list[Problem]) -> str:
    """A cell's text, cut at MAX_CELL_CHARS (with its problem) when longer."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    problems.append(Problem(fname, title, number, column,
                            f"单元格有 {len(text)} 个字符，超过上限 {MAX_CELL_CHARS}"))
    return text[:MAX_CELL_CHARS]


def _build_sheet(fname: str, title: str,
                 raw_rows: Iterable[tuple[int, Sequence[object]]],
                 problems: list[Problem]) -> Sheet:
    """Header = first non-empty row; the rows after it become :class:`Row`s, at most MAX_ROWS
    of them: the rest is not read (``raw_rows`` may stream a sheet of any length)."""
    header: list[str | None] | None = None
    rows: list[Row] = []
    for number, raw in raw_rows:
        texts = [cell_text(v) for v in raw]
        if not any(texts):
            continue
        if header is not None and len(rows) >= MAX_ROWS:
            problems.append(Problem(fname, title, number, None,
                                    f"工作表超过 {MAX_ROWS} 行的上限：从此行起未读取，请分成几个文件导入"))
            break
        for col_no, text in enumerate(texts):
            column = header[col_no] if header and col_no < len(header) else None
            text = _capped_cell(text, fname, title, number, column, problems)
            texts[col_no], problem = storable_text(text)
            if problem:
                where = "" if header is not None else f"表头第 {col_no + 1} 列"
                problems.append(Problem(fname, title, number, column, where + problem))
        if header is None:
            header = []
            seen: set[str] = set()
            for col_no, text in enumerate(texts, start=1):
                name = clean_text(text)
                if name and name in seen:
                    problems.append(Problem(fname, title, number, name,
                                            f"表头第 {col_no} 列与前面的列重名"))
                    name = ""
                seen.add(name)
                header.append(name or None)
            continue
        values = {name: "" for name in header if name}
        for column_name, text in zip(header, texts):
            if column_name:
                values[column_name] = text
        if any(values.values()):
            rows.append(Row(title, number, values))
    names = [h for h in (header or []) if h]
    return Sheet(title, rows, names, present=True)


def _unpacked_size(path: Path) -> int:
    """What the workbook's parts unpack to, as its zip directory says (zipfile stops a part
    at its stated size, so a part cannot unpack to more)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return sum(member.file_size for member in archive.infolist())


@contextlib.contextmanager
def _dimensions_not_probed() -> Iterator[None]:
    """openpyxl's read-only workbook probes each sheet for its stated dimension when it is
    opened, and a sheet that states none is parsed to its end for it (a minute for a million
    rows) before a row is read. The dimension is not used here (the rows are read as they
    come, :meth:`reset_dimensions`), so the probe is skipped while the workbook is opened."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    probe = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = probe


def _worksheet_rows(fname: str, ws) -> Iterable[tuple[int, list[object]]]:
    """The worksheet's rows, numbered as Excel numbers them, one at a time."""
    try:
        for number, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [workbook_text(v) for v in row]
    except TableFileError:
        raise
    except Exception as exc:
        raise TableFileError([Problem(fname, ws.title, None, None,
                                      f"无法读取工作表: {type(exc).__name__}: {exc}")]) from exc


def _read_xlsx(path: Path, sheets: Sequence[str], fallback: bool, problems: Problems) -> dict[str, Sheet]:
    import zipfile

    import openpyxl

    fname = path.name
    try:
        unpacked = _unpacked_size(path)
        if unpacked > MAX_UNPACKED_BYTES:
            raise TableFileError([Problem(fname, "", None, None, _too_big(unpacked, MAX_UNPACKED_BYTES, "解压后大小"))])
        with _dimensions_not_probed():
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except TableFileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableFileError([Problem(fname, "", None, None,
                                      f"无法读取 Excel 文件（文件损坏或不是 .xlsx）: {exc}")]) from exc
    except Exception as exc:  # openpyxl raises assorted errors on malformed XML
        raise TableFileError([Problem(fname, "", None, None,
                                      f"无法读取 Excel 文件: {type(exc).__name__}: {exc}")]) from exc
    out: dict[str, Sheet] = {}
    used: set[int] = set()  # the worksheets read
    try:
        by_title: dict[str, Any] = {}
        for ws in wb.worksheets:
            by_title.setdefault(ws.title.strip(), ws)
        for name in sheets:
            ws = by_title.get(name)
            if ws is None and fallback and len(wb.worksheets) == 1:
                ws = wb.worksheets[0]
            if ws is None:
                out[name] = Sheet(name)
                continue
            # the dimension some programs write is wrong (it is not read, above): every row there is
            ws.reset_dimensions()
            out[name] = _build_sheet(fname, ws.title, _worksheet_rows(fname, ws), problems)
            used.add(id(ws))
        if any(sheet.present for sheet in out.values()):
            for ws in wb.worksheets:
                title = ws.title.strip()
                if id(ws) in used or title in sheets or _is_instructions(title) or _is_empty(ws):
                    continue
                problems.append(_unknown_sheet(fname, ws.title, sheets))
    finally:
        wb.close()
    return out


def _is_empty(ws) -> bool:
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    return not any(cell_text(workbook_text(v)) for row in ws.iter_rows(values_only=True) for v in row)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _width_problem(record: Sequence[str], header: Sequence[str]) -> str | None:
    """Why a CSV record does not line up with the header, or None.

    A record with a field more or less than the header cannot be matched to the columns: an
    unquoted comma in a name moves every later value one column on.  Two tolerances, because
    spreadsheet programs export a wider range than the table: fields beyond the header are
    accepted when all of them are empty, and a record may stop after the last named column
    (header cells left empty name no column).
    """
    if not any(cell.strip() for cell in record):
        return None  # a blank line is no row (csv gives [] for it)
    named = max((i + 1 for i, name in enumerate(header) if name), default=0)
    if len(record) < named:
        return f"此行有 {len(record)} 个字段，表头有 {len(header)} 个；缺少的字段会让值对错列"
    if any(cell.strip() for cell in record[len(header):]):
        return f"此行有 {len(record)} 个字段，表头有 {len(header)} 个；多出的值无法对应到列"
    return None


def _read_csv(path: Path, sheets: Sequence[str], problems: Problems) -> dict[str, Sheet]:
    fname = path.name
    data = _read_capped(path, ".csv")
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise TableFileError([Problem(fname, "", None, None, f"无法读取 CSV 文件: {exc}")]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TableFileError([*problems, Problem(fname, "", reader.line_num, None,
                                                 f"CSV 格式错误: {exc}")]) from exc

    # the header: first non-empty record
    header: list[str] = []
    header_line = 1
    body: list[tuple[int, list[str]]] = []
    for number, record in records:
        if not header:
            if any(cell.strip() for cell in record):
                header = [clean_text(c) for c in record]
                header_line = number
            continue
        body.append((number, record))
    if not header:
        return {name: Sheet(name) for name in sheets}

    if SHEET_COLUMN not in header:
        if len(sheets) == 1:
            # a one-sheet table: every row belongs to it; one that does not line up is not
            # read (its values would be checked in the wrong columns)
            lined_up = []
            for number, record in body:
                message = _width_problem(record, header)
                if message:
                    problems.append(Problem(fname, sheets[0], number, None, message))
                else:
                    lined_up.append((number, record))
            sheet = _build_sheet(fname, sheets[0],
                                 [(header_line, header)] + lined_up, problems)
            return {sheets[0]: sheet}
        raise TableFileError([*problems, Problem(
            fname, "", None, SHEET_COLUMN,
            f"CSV 文件缺少 {SHEET_COLUMN} 列（每行写明所属的表: {'、'.join(sheets)}）")])

    where = header.index(SHEET_COLUMN)
    per_sheet: dict[str, list[tuple[int, list[str]]]] = {name: [] for name in sheets}
    for number, record in body:
        if not any(cell.strip() for cell in record):
            continue
        target = clean_text(record[where]) if where < len(record) else ""
        if target not in per_sheet:
            what = f"{SHEET_COLUMN} 列为空" if not target else f"未知的表 {target}"
            problems.append(Problem(fname, target, number, SHEET_COLUMN,
                                    f"{what}，应为 {'、'.join(sheets)} 之一"))
            continue
        message = _width_problem(record, header)
        if message:
            problems.append(Problem(fname, target, number, None, message))
            continue
        per_sheet[target].append((number, [c for i, c in enumerate(record) if i != where]))
    columns = [c for i, c in enumerate(header) if i != where]
    out: dict[str, Sheet] = {}
    for name in sheets:
        rows = per_sheet[name]
        if not rows:
            out[name] = Sheet(name)
            continue
        out[name] = _build_sheet(fname, name, [(header_line, columns)] + rows, problems)
    return out


def _read_yaml(path: Path, sheets: Sequence[str], fallback: bool, problems: Problems) -> dict[str, Sheet]:
    import yaml

    fname = path.name
    data: Any = _read_capped(path, path.suffix.lower())
    try:
        data = yaml.safe_load(_decode(data))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TableFileError([Problem(fname, "", None, None, f"无法读取 YAML 文件: {exc}")]) from exc
    if fallback and isinstance(data, list):
        data = {sheets[0]: data}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TableFileError([Problem(fname, "", None, None,
                                      "YAML 文件应为 表名: [行, ...] 的映射")])
    named: dict[str, object] = {}
    for key, value in data.items():
        title, problem = storable_text(cell_text(key))
        if problem:
            problems.append(Problem(fname, title, None, None, "表名" + problem))
        named[title] = value
    data = named
    if fallback and sheets[0] not in data and len(data) == 1:
        (only,) = data
        items = {sheets[0]: (only, data[only])}
    else:
        items = {name: (name, data[name]) for name in sheets if name in data}

    if items:  # a file with none of the sheets: the caller says which it expected
        read = {title for title, _ in items.values()}
        problems.extend(_unknown_sheet(fname, key, sheets) for key in data
                        if key not in read and not _is_instructions(key))
    out: dict[str, Sheet] = {}
    for name in sheets:
        if name not in items:
            out[name] = Sheet(name)
            continue
        title, entries = items[name]
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            problems.append(Problem(fname, title, None, None, "应为一个列表，每项是一行"))
            continue
        header: list[str] = []
        rows: list[Row] = []
        for number, entry in enumerate(entries, start=1):
            if entry is None:
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(Problem(fname, title, number, None,
                                        f"超过 {MAX_ROWS} 条的上限：从此条起未读取，请分成几个文件导入"))
                break
            if not isinstance(entry, dict):
                problems.append(Problem(fname, title, number, None,
                                        "每项应为 列名: 值 的映射"))
                continue
            values: dict[str, str] = {}
            for key, value in entry.items():
                column, problem = storable_text(clean_text(cell_text(key)))
                if problem:
                    problems.append(Problem(fname, title, number, column, "列名" + problem))
                if isinstance(value, (list, dict)):
                    problems.append(Problem(fname, title, number, column,
                                            "值应为文字、数字或日期，不能是列表或映射"))
                    continue
                text = _capped_cell(cell_text(value), fname, title, number, column, problems)
                values[column], problem = storable_text(text)
                if problem:
                    problems.append(Problem(fname, title, number, column, problem))
                if column not in header:
                    header.append(column)
            rows.append(Row(title, number, values))
        # every row carries every column of the sheet
        full = [Row(r.sheet, r.number, {c: r.values.get(c, "") for c in header}) for r in rows]
        out[name] = Sheet(title, [r for r in full if any(r.values.values())], header,
                          present=True, has_header=False)
    return out

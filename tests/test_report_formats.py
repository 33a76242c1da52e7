"""The three report files of a round, written by `govcheck report`: their content, their print
layout, the escaping of scraped text, and LibreOffice opening them."""

from __future__ import annotations

import csv
import html
import re
import unicodedata
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import load_workbook

from govcheck.report.files import write_together
from govcheck.report.html import profile_name
from govcheck.report.summary import attachment_rows, load_round_report
from documents import POINTS_PER_MM, below_type_area, pdf_pages, soffice
from seed_round import ATTACHMENT_1, PREVIOUS, ROUND, moment, store_round, store_verdict
from support import govcheck, open_store, store_environment

HOSTILE_NAME = '<script>alert("name")</script>渭南'
HOSTILE_URL = 'https://mp.weixin.qq.com/s/x"><script>alert("url")</script>'
HOSTILE_DISTRICT = "临渭区<svg onload=alert(1)>"  # printed in a chart's SVG
REVIEW_REASON = "栏目通知公告（http://127.0.0.1:9/tzgg/）读取失败（failed: timeout）"


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def store_hostile_and_review_targets(store: Any) -> None:
    """An account whose name and evidence carry markup, and a website under review."""
    hostile = {"key": f"account:微信:{HOSTILE_NAME}", "kind": "account", "name": HOSTILE_NAME, "platform": "微信",
               "account_type": "微信订阅号", "district": HOSTILE_DISTRICT, "source": {"file": "targets.xlsx", "sheet": "新媒体", "row": 999}}
    store.upsert("targets", hostile)
    store_verdict(store, ROUND, hostile, "不合格", "14天未更新", [{
        "code": "media.no_update_14d", "label": "14天未更新", "severity": "veto",
        "rule": {"profile": "national-2019", "code": "media.no_update_14d", "threshold": {"no_update_days": 14, "long_no_update_days": 90}},
        "evidence": {"latest_post_at": moment("2024-01-30T08:00:00"), "latest_posts": [
            {"url": "javascript:alert('post')", "title": "<img src=x onerror=alert(1)>", "time": moment("2024-01-30T08:00:00")},
            {"url": HOSTILE_URL, "title": "正常标题", "time": moment("2024-01-29T08:00:00")},
        ]},
    }])
    pending = store.find_one("targets", {"key": "site:县级部门网站01"})
    store_verdict(store, ROUND, pending, "待人工复核", REVIEW_REASON, [{
        "code": "site.columns.review:通知公告", "label": "栏目更新情况待人工复核", "severity": "review", "reason": REVIEW_REASON,
        "evidence": {"name": "通知公告", "url": "http://127.0.0.1:9/tzgg/", "fetched_at": moment("2024-02-20T10:00:00")},
    }])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The notice's round (plus a hostile account and a website under review), reported by the CLI."""
    folder = tmp_path_factory.mktemp("report")
    with store_environment("embedded", folder) as environment:
        store = open_store(environment)
        store_round(store)
        store_hostile_and_review_targets(store)
        out = folder / "out"
        result = govcheck(environment, "report", "--round", ROUND, "--previous", PREVIOUS, "--out", str(out), "--date", "2024-02-28")
        assert result.returncode == 0, result.stderr
        yield {"out": out, "stdout": result.stdout, "report": load_round_report(store, ROUND, PREVIOUS), "env": environment}


def test_the_command_writes_the_three_files_and_nothing_else(written):
    out = written["out"]
    assert sorted(p.name for p in out.iterdir()) == ["notice-2024-1.docx", "report-2024-1.html", "report-2024-1.xlsx"]
    assert written["stdout"].count("written: ") == 3


# -- xlsx -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(written):
    return load_workbook(written["out"] / "report-2024-1.xlsx")


def test_the_workbook_has_the_attachments_and_the_detail_sheets(workbook):
    assert workbook.sheetnames == ["附件1", "附件2", "全部检查对象", "发现问题", "待人工复核"]


def test_attachment_1_is_the_notices_table(workbook):
    sheet = workbook["附件1"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "附件1"
    assert rows[1][0] == "2024年第一次政府网站全面检查情况汇总表"
    assert folded(rows[2][0]) == "(检查时间:2月19日——2月20日)"
    assert rows[3] == ("序号", "网站名称", "检查结果", "突出问题")
    assert rows[4:] == [(number, *row) for number, row in enumerate(ATTACHMENT_1, start=1)]


def test_attachment_2_has_the_rows_every_format_prints(workbook, written):
    sheet = workbook["附件2"]
    rows = list(sheet.iter_rows(values_only=True))
    assert (rows[1][0], folded(rows[2][0])) == ("2024年第一次政务新媒体全面检查情况汇总表", "(检查时间:2月23日)")
    assert rows[4:] == [row.cells() for row in attachment_rows(written["report"].current.results, "account")]
    assert rows[-1][1] == HOSTILE_NAME  # text as it is: a spreadsheet cell is not markup


def test_the_attachments_are_laid_out_for_printing(workbook):
    for name, last_column in (("附件1", "D"), ("附件2", "E")):
        sheet = workbook[name]
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"  # 9: A4
        assert sheet.print_title_rows == "$4:$4"  # the header on every printed page
        assert {str(r) for r in sheet.merged_cells.ranges} == {f"A2:{last_column}2", f"A3:{last_column}3"}
        assert sheet.freeze_panes == "A5"
        data = sheet["B5"]
        assert data.border.left.style == data.border.bottom.style == "thin" and data.alignment.wrap_text
        assert sheet.column_dimensions["B"].width >= 30 and sheet["A2"].font.b


def test_the_target_sheet_has_one_row_per_target_with_its_problems_joined(workbook, written):
    sheet = workbook["全部检查对象"]
    assert [c.value for c in sheet[2]] == ["序号", "类型", "名称", "类别", "区县", "检查结果", "得分", "突出问题/备注", "发现问题",
                                           "待复核原因", "发现问题数"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(written["report"].current.results) == 51 + 470 + 1
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    [hostile] = [row for row in rows if row[2] == HOSTILE_NAME]
    assert hostile[5:] == ("不合格", "单项否决", "14天未更新", "单项否决：14天未更新", None, 1)
    [pending] = [row for row in rows if row[5] == "待人工复核"]
    assert pending[6] is None and pending[9] == REVIEW_REASON
    assert sheet.page_setup.orientation == "landscape" and sheet.auto_filter.ref == f"A2:K{len(rows) + 2}"


def test_a_score_is_printed_only_where_one_was_computed(workbook):
    # the round's targets are stored with 得分 100: a veto's 不合格 says 单项否决, never 100
    rows = list(workbook["全部检查对象"].iter_rows(min_row=3, values_only=True))
    scores = {(row[5], row[6]) for row in rows}
    assert scores == {("合格", 100), ("不合格", "单项否决"), ("待人工复核", None)}


def test_the_findings_sheet_keeps_every_findings_evidence_under_its_targets_number(workbook):
    targets = {row[2]: row[0] for row in workbook["全部检查对象"].iter_rows(min_row=3, values_only=True)}
    sheet = workbook["发现问题"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    # 附件1's 6 findings, 附件2's 33 rows of which two print two problems, the hostile and the pending target's
    assert len(rows) == 6 + 33 + 2 + 1 + 1
    [hostile] = [row for row in rows if row[2] == HOSTILE_NAME]
    assert hostile[0] == targets[HOSTILE_NAME]
    assert hostile[4:9] == ("不合格", "14天未更新", "单项否决", None, "监测时间点前14天内没有发布（超过90天没有发布为长期无更新）")
    assert "最新发布时间：2024-01-30 08:00:00" in hostile[9]
    assert HOSTILE_URL in hostile[10] and "javascript:" not in hostile[10] and "发布 2024-01-29 08:00:00" in hostile[10]
    assert hostile[12] == "media.no_update_14d"
    [pending] = [row for row in rows if row[4] == "待人工复核"]
    assert pending[11] == REVIEW_REASON and "（抓取时间 2024-02-20 10:00:00）" in pending[10]
    assert sheet.auto_filter.ref == f"A2:M{len(rows) + 2}"


def test_the_review_sheet_lists_why_each_check_could_not_be_completed(workbook):
    rows = list(workbook["待人工复核"].iter_rows(min_row=3, values_only=True))
    assert rows == [(1, "网站", "县级部门网站01", "县级部门网站", "渭南市", REVIEW_REASON, "通知公告 http://127.0.0.1:9/tzgg/ （抓取时间 2024-02-20 10:00:00）")]


# -- docx -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notice(written):
    return Document(str(written["out"] / "notice-2024-1.docx"))


def test_the_notice_draft_has_the_sections_and_the_signature(notice):
    texts = [folded(p.text) for p in notice.paragraphs]
    assert texts[0] == "关于2024年第一次政府网站与政务新媒体全面检查情况的通报"
    assert "一、政府网站检查情况" in texts and "二、政务新媒体检查情况" in texts and "三、下一步工作要求" in texts
    websites = texts[texts.index("一、政府网站检查情况") + 1]
    assert "合格率92.2%,较去年第四次全面检查提升4%" not in websites  # one website is now under review
    assert "待人工复核网站1个" in websites and "合格率92%" in websites
    assert "2024年2月28日" in texts and "附件:1.2024年第一次政府网站全面检查情况汇总表" in texts


def test_the_notice_file_says_what_it_is_and_when_it_was_written(notice):
    properties = notice.core_properties
    assert properties.title == "关于2024年第一次政府网站与政务新媒体全面检查情况的通报"
    assert properties.author == properties.last_modified_by == "govcheck"
    assert "python-docx" not in f"{properties.comments} {properties.author} {properties.last_modified_by}"
    # written now, not the template's 2013 date
    assert abs(properties.created - datetime.now(timezone.utc)) < timedelta(hours=1)
    assert properties.modified == properties.created


def test_the_notice_draft_carries_both_attachments_as_tables(notice, written):
    first, second = notice.tables
    assert [c.text for c in first.rows[0].cells] == ["序号", "网站名称", "检查结果", "突出问题"]
    assert [tuple(c.text for c in row.cells) for row in first.rows[1:]] == [
        (str(n), *row) for n, row in enumerate(ATTACHMENT_1, start=1)
    ]
    assert len(second.rows) == 1 + len(attachment_rows(written["report"].current.results, "account"))
    assert second.rows[-1].cells[1].text == HOSTILE_NAME
    header = second.rows[0]._tr
    assert header.trPr is not None and header.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None


def test_the_notice_is_a4(notice):
    section = notice.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


# -- html -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(written) -> str:
    return (written["out"] / "report-2024-1.html").read_text(encoding="utf-8")


def test_the_page_loads_nothing_from_anywhere(page):
    assert not re.search(r"<script|<link|<iframe|<img|@import|url\(|\bsrc=", page, re.IGNORECASE)
    assert page.count("<svg") >= 4  # district, category, problems, change against the previous round


def test_scraped_text_is_escaped_everywhere(page):
    assert HOSTILE_NAME not in page and "<script>" not in page and "<svg onload" not in page
    assert "临渭区&lt;svg onload=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;渭南" in page
    assert "onerror=alert(1)>" not in page


def test_only_web_links_become_links(page):
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert 'href="https://mp.weixin.qq.com/s/x&quot;&gt;&lt;script&gt;alert(&quot;url&quot;)&lt;/script&gt;"' in page


def test_the_evidence_reads_as_words_with_the_moment_each_page_was_read(page):
    text = html.unescape(page)
    assert not re.search(r'[{\[]\s*"|"\s*:\s*[{\["\d]', text)  # no rule, threshold or evidence printed as JSON
    assert "threshold" not in text and "media.no_update_14d" not in text
    assert "判定规则：监测时间点前14天内没有发布（超过90天没有发布为长期无更新）" in text
    assert "正常标题 发布 2024-01-29 08:00:00" in text  # a date seen on the page, said to be one
    assert "（抓取时间 2024-02-20 10:00:00）" in text  # the moment the page was read, named so
    assert "“抓取时间”是本系统读取该页面的时间，不是信息的发布时间" in text


def test_the_page_shows_the_counts_charts_and_evidence(page):
    assert "92%" in page and "提升" in page and "各区县合格率" in page and "与去年第四次检查对比（合格率）" in page
    assert "渭南市民政局 · 市政府工作部门及派出机构网站 · 渭南市 · 不合格 · 多个栏目更新不及时" in page
    assert REVIEW_REASON in page


# -- all or nothing ------------------------------------------------------------------------------


def test_the_page_names_the_rules_profile(page):
    assert "规则：national-2019" in html.unescape(page)


def test_a_round_stored_without_its_profiles_name_is_printed_by_the_files_name_not_its_folder():
    assert profile_name({"profile": "/srv/office/rules/weinan.yaml"}) == "weinan.yaml"
    assert profile_name({"profile": "/srv/office/rules/weinan.yaml", "profile_name": "weinan-2024"}) == "weinan-2024"


def test_a_failing_writer_leaves_the_folder_as_it_was(tmp_path: Path):
    (tmp_path / "report-2024-1.xlsx").write_text("earlier", encoding="utf-8")

    def broken(path: Path) -> Path:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_together(tmp_path, [("report-2024-1.xlsx", lambda p: p.write_text("new") and p), ("notice-2024-1.docx", broken)])
    assert [(p.name, p.read_text()) for p in tmp_path.iterdir()] == [("report-2024-1.xlsx", "earlier")]


def test_an_unknown_round_or_date_is_refused_plainly(written):
    unknown = govcheck(written["env"], "report", "--round", "2019-1", "--out", str(written["out"]))
    bad_date = govcheck(written["env"], "report", "--round", ROUND, "--date", "2024/02/28", "--out", str(written["out"]))
    assert unknown.returncode == 1 and "2019-1 does not exist" in unknown.stderr
    assert bad_date.returncode == 1 and "--date '2024/02/28': expected YYYY-MM-DD" in bad_date.stderr
    assert "Traceback" not in unknown.stderr + bad_date.stderr


# -- LibreOffice ---------------------------------------------------------------------------------


def test_libreoffice_reads_every_sheet_of_the_workbook(written, tmp_path: Path):
    every_sheet_as_utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    result = soffice(tmp_path, every_sheet_as_utf8_csv, written["out"] / "report-2024-1.xlsx")
    assert result.returncode == 0, result.stderr
    sheets = {}
    for path in (tmp_path / "converted").glob("*.csv"):
        sheets[path.stem.removeprefix("report-2024-1-")] = list(csv.reader(path.open(encoding="utf-8")))
    assert set(sheets) == {"附件1", "附件2", "全部检查对象", "发现问题", "待人工复核"}
    assert sheets["附件1"][4] == ["1", "渭南市民政局", "不合格", "多个栏目更新不及时"]
    assert len(sheets["附件2"]) == 4 + 34
    assert any(row[2] == HOSTILE_NAME for row in sheets["全部检查对象"])


@pytest.fixture(scope="module")
def notice_pdf(written, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    result = soffice(folder, "pdf", written["out"] / "notice-2024-1.docx")
    assert result.returncode == 0, result.stderr
    return folder / "converted" / "notice-2024-1.pdf"


def test_libreoffice_converts_the_notice_to_pdf(notice_pdf: Path):
    assert notice_pdf.read_bytes().startswith(b"%PDF")
    assert len(pdf_pages(notice_pdf)) >= 3  # the notice and its two attachments


def test_every_page_of_the_notice_is_numbered_as_gb_t_9704_sets_it(notice_pdf: Path):
    # GB/T 9704-2012 7.5: "— 1 —" in 4号 below the type area, its top 7 mm below it; odd pages at
    # the right and even pages at the left, one character in; numbered on through the attachments
    pages = pdf_pages(notice_pdf)
    left_margin, right_margin, character = 28 * POINTS_PER_MM, 26 * POINTS_PER_MM, 16
    for number, page in enumerate(pages, start=1):
        below = below_type_area(page)
        assert [w.text for w in below] == ["—", str(number), "—"], f"page {number}"
        assert abs(below[0].y_min - (page.type_area_bottom + 7 * POINTS_PER_MM)) < 5, f"page {number}"
        if number % 2:
            assert abs(below[-1].x_max - (page.width - right_margin - character)) < 2, f"page {number}"
        else:
            assert abs(below[0].x_min - (left_margin + character)) < 2, f"page {number}"


def test_the_date_stands_four_characters_from_the_right_below_the_signature(notice_pdf: Path, notice):
    # GB/T 9704-2012 7.3.5.1: 成文日期右空四字, the 发文机关署名 on the line above it
    right_edge = 595.3 - 26 * POINTS_PER_MM
    for page in pdf_pages(notice_pdf):
        lines = list(page.lines().values())
        texts = ["".join(w.text for w in line) for line in lines]
        if "2024年2月28日" in texts:
            dated = texts.index("2024年2月28日")
            assert texts[dated - 1] == "××市人民政府办公室"
            assert abs(lines[dated][-1].x_max - (right_edge - 4 * 16)) < 2
            break
    else:
        pytest.fail("no line of the PDF is the notice's date")
    # centred on the date: 4 characters in, plus half of what the date (6.5 characters: its digits
    # are half-width) is shorter than the signature (10); fonts decide the printed widths
    paragraphs = [p for p in notice.paragraphs if p.text in ("××市人民政府办公室", "2024年2月28日")]
    assert [(p.alignment, p.paragraph_format.right_indent) for p in paragraphs] == [
        (WD_ALIGN_PARAGRAPH.RIGHT, Pt(4 * 16 + (6.5 - 10) * 16 / 2)), (WD_ALIGN_PARAGRAPH.RIGHT, Pt(4 * 16)),
    ]


def test_the_workbook_is_a_plain_zip_of_xml(written):
    with zipfile.ZipFile(written["out"] / "report-2024-1.xlsx") as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert "xl/workbook.xml" in names and sum(n.startswith("xl/worksheets/sheet") for n in names) == 5

"""The demo replays Weinan's 2024 round-1 inspection and gives the notice's tables and figures.

`govcheck demo` runs once (module-scoped: the round takes a minute or two) on an embedded store
of its own. The round's report, as the report writers load it from the stored verdicts in
register order, gives 附件1 and 附件2; they are compared cell by cell with the notice's tables,
and the headline figures with the notice's text. The notice draft the demo writes with the
replica's office profile (replica/weinan/office.yaml) is compared with the notice's own lines.

The notice (渭南市人民政府办公室, 2024-02-28) is the seed document the project reproduces. Its
text and its two tables are copied verbatim into tests/data/seed_weinan_2024_1.txt, so the test
reads nothing outside the checkout.
"""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from govcheck_demo.replicas.weinan import RegisterError, inspector_observations, load_register
from govcheck.report.notice import build_notice, default_addressees, infer_city
from govcheck.report.summary import RoundReport, attachment_tables, change_text, load_round_report, percent_text
from govcheck.targets import SITE_CATEGORIES
from documents import below_type_area, pdf_pages, soffice
from support import REPO, govcheck, open_store, store_environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # the demo round crawls 521 targets, Douyin's in Chromium

SEED = Path(__file__).parent / "data" / "seed_weinan_2024_1.txt"
ROUND, PREVIOUS = "2024-1", "2023-4"
SITE_COLUMNS = ("序号", "网站名称", "检查结果", "突出问题")
ACCOUNT_COLUMNS = ("序号", "账号名称", "账号类型", "检查结果", "备注")

# The notice's own slips, cell by cell: (table, 序号, column) → (what the notice printed, the
# rule's wording, which the round gives). Every other cell is compared exactly.
ERRATA = {
    # 附件2 row 9 drops the last character of the label rows 8, 10, 11 and 25 print in full.
    ("附件2", 9, "备注"): ("已改名(洛惠渠)系统中未改", "已改名(洛惠渠)系统中未改名"),
    # 附件2 row 19 words the missing interaction channel its own way; rows 3–5 and 7 print the
    # rules profile's label (and section 二 of the notice names 韩城公安 among the accounts
    # that 未提供有效互动渠道).
    ("附件2", 19, "备注"): ("无有效互动交流渠道", "未提供有效互动功能"),
}


# -- the notice ---------------------------------------------------------------------------------


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_table(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of 附件1 or 附件2 as printed (the header repeated after a page break skipped)."""
    body = seed_text().split(f"\n{name}\n", 1)[1]
    if name == "附件1":
        body = body.split("\n附件2\n", 1)[0]
    rows = []
    for line in body.splitlines():
        cells = [cell.strip() for cell in line.rstrip().rstrip("|").split(" | ")]
        if len(cells) == len(columns) and cells[0].isdigit():
            rows.append(dict(zip(columns, cells)))
    return rows


def corrected(table: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The notice's rows with the errata's cells in the rule's wording."""
    fixed = []
    for row in rows:
        row = dict(row)
        for (errata_table, number, column), (_printed, wording) in ERRATA.items():
            if errata_table == table and row["序号"] == str(number):
                row[column] = wording
        fixed.append(row)
    return fixed


def headline(paragraph: str) -> str:
    """A section's opening up to the change against the previous round, its punctuation in one
    width (the seed's text has ASCII commas and colons)."""
    text = paragraph.replace("，", ",").replace("：", ":")
    match = re.match(r".*?较去年第四次全面检查提升[\d.]+%", text)
    assert match, f"no change against the previous round in {paragraph!r}"
    return match.group(0)


# -- the demo -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`govcheck demo` run once on an embedded store of its own, and the round's report as the
    report writers load it (the single source of every number and row they print)."""
    folder = tmp_path_factory.mktemp("demo")
    with store_environment("embedded", folder) as env:
        finished = govcheck(env, "demo", "--out", str(folder / "reports"), timeout=1200)
        assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-4000:]
        store = open_store(env)
        yield {
            "store": store,
            "report": load_round_report(store, ROUND, PREVIOUS),
            "out": folder / "reports",
            "stdout": finished.stdout,
        }


def attachment(report: RoundReport, label: str) -> list[dict[str, str]]:
    """附件1 or 附件2 as the report writers lay it out, as text cells."""
    table = next(t for t in attachment_tables(report) if t.label == label)
    return [dict(zip(table.columns, (str(cell) for cell in row.cells()))) for row in table.rows]


# -- the tables ---------------------------------------------------------------------------------


def test_the_notice_tables_are_read_whole():
    assert [r["序号"] for r in seed_table("附件1", SITE_COLUMNS)] == [str(n) for n in range(1, 7)]
    assert [r["序号"] for r in seed_table("附件2", ACCOUNT_COLUMNS)] == [str(n) for n in range(1, 34)]


def test_the_errata_name_cells_the_notice_really_prints():
    tables = {"附件1": seed_table("附件1", SITE_COLUMNS), "附件2": seed_table("附件2", ACCOUNT_COLUMNS)}
    for (table, number, column), (as_printed, wording) in ERRATA.items():
        row = next(r for r in tables[table] if r["序号"] == str(number))
        assert row[column] == as_printed
        assert as_printed != wording


def test_attachment_1_is_the_notices(demo: dict[str, Any]):
    assert attachment(demo["report"], "附件1") == corrected("附件1", seed_table("附件1", SITE_COLUMNS))


def test_attachment_2_is_the_notices(demo: dict[str, Any]):
    assert attachment(demo["report"], "附件2") == corrected("附件2", seed_table("附件2", ACCOUNT_COLUMNS))


def test_the_unreachable_site_is_failed_under_the_demo_profile_s_short_probe_span(demo: dict[str, Any]):
    # 附件1 row 4: the demo's profile is national-2019 with the probe span compressed to seconds
    # (replica/weinan/profile.yaml), and the finding says so
    finding = demo["store"].find_one("findings", {"round": ROUND, "target_key": "site:韩城市财政局", "code": "site.availability.unreachable"})
    assert (finding["label"], finding["rule"]["profile"]) == ("监测时间点无法访问", "national-2019-demo")
    assert (finding["rule"]["threshold"]["probe_count"], finding["rule"]["threshold"]["probe_span_seconds"]) == (3, 2)
    assert finding["evidence"]["failed"] == 3 and finding["evidence"]["failed_span_seconds"] >= 2
    assert "rules profile national-2019-demo" in demo["stdout"]


def test_the_attachments_carry_the_notices_titles_and_inspection_times(demo: dict[str, Any]):
    printed = seed_text().splitlines()
    for table in attachment_tables(demo["report"]):
        heading = printed[printed.index(table.label) + 1: printed.index(table.label) + 3]
        # the seed's text has ASCII brackets and colons where the notice prints full-width ones
        assert [table.title, unicodedata.normalize("NFKC", table.period)] == heading


def test_no_target_is_left_for_manual_review(demo: dict[str, Any]):
    reviews = demo["store"].find("verdicts", {"round": ROUND, "verdict": "待人工复核"})
    assert [(v["name"], v["labels"]) for v in reviews] == []


# -- the headline figures -----------------------------------------------------------------------


def test_website_figures_are_the_notices(demo: dict[str, Any]):
    match = re.search(
        r"共运行网站(\d+)个,其中市政府门户网站(\d+)个,市政府工作部门及派出机构网站(\d+)个,"
        r"县级政府门户网站(\d+)个,县级部门网站(\d+)个。检查结果为:合格政府网站(\d+)个,"
        r"不合格政府网站(\d+)个,合格率([\d.]+%),较去年第四次全面检查(提升[\d.]+%)",
        seed_text(),
    )
    assert match, "the notice's website figures were not found in the seed text"
    total, *by_category, passed, failed, pass_rate, change = match.groups()
    report = demo["report"]
    counts = report.tally("site")
    categories = report.by_category("site")
    assert (counts.total, counts.passed, counts.failed, counts.review) == (int(total), int(passed), int(failed), 0)
    assert [categories[c].total for c in SITE_CATEGORIES] == [int(n) for n in by_category]
    assert percent_text(counts.rate) == pass_rate
    # the notice subtracts the printed rates: 92.2 − 88.2 (45 of 51 in 2023-4) = 4, not 3.9
    assert change_text(report.change("site")) == change


def test_new_media_figures_are_the_notices(demo: dict[str, Any]):
    match = re.search(
        r"共运行政务新媒体(\d+)个,检查结果为:合格政务新媒体(\d+)个,不合格政务新媒体(\d+)个,"
        r"合格率([\d.]+%),较去年第四次全面检查(提升[\d.]+%)",
        seed_text(),
    )
    assert match, "the notice's new-media figures were not found in the seed text"
    total, passed, failed, pass_rate, change = match.groups()
    report = demo["report"]
    counts = report.tally("account")
    assert (counts.total, counts.passed, counts.failed, counts.review) == (int(total), int(passed), int(failed), 0)
    assert percent_text(counts.rate) == pass_rate
    assert change_text(report.change("account")) == change  # 93 − 91.1 (428 of 470 in 2023-4)


def test_the_notice_draft_opens_its_sections_as_the_notice_does(demo: dict[str, Any]):
    sections = dict(build_notice(demo["report"], date(2024, 2, 28)).sections)
    seed = seed_text().splitlines()
    for heading in ("一、政府网站检查情况", "二、政务新媒体检查情况"):
        assert headline(sections[heading]) == headline(seed[seed.index(heading) + 1])


def test_the_notice_draft_has_the_offices_details_as_the_notice_prints_them(demo: dict[str, Any]):
    notice = Document(str(demo["out"] / f"notice-{ROUND}.docx"))
    # the seed's text has ASCII commas, colons and brackets where the notice prints full-width ones
    texts = [unicodedata.normalize("NFKC", p.text).strip() for p in notice.paragraphs]
    cells = [cell.text for table in notice.tables for row in table.rows for cell in row.cells]
    assert not [text for text in texts + cells if "×" in text]  # nothing left for the office to fill in
    seed = seed_text().splitlines()
    addressees, opening = seed[0], seed[1]
    requirements = seed[seed.index("三、下一步工作要求") + 1]
    attachments = seed[seed.index(requirements) + 1: seed.index(requirements) + 3]
    signature, dated = seed[seed.index("附件1") - 2: seed.index("附件1")]
    assert addressees == "各县、市、区人民政府,市人民政府各工作部门、直属机构,渭南高新区、经开区、华山景区管委会:"
    assert texts[texts.index(addressees) + 1] == opening
    assert texts[texts.index("三、下一步工作要求") + 1] == requirements  # 3月10日前…市政府办信息与政务公开科(电话:0913-2109218…
    assert texts[texts.index(attachments[0]): texts.index(attachments[0]) + 2] == attachments
    assert (signature, dated) == ("渭南市人民政府办公室", "2024年2月28日")
    assert texts[texts.index(signature) + 1] == dated


def test_libreoffice_prints_the_notice_draft_with_its_page_numbers(demo: dict[str, Any], tmp_path: Path):
    result = soffice(tmp_path, "pdf", demo["out"] / f"notice-{ROUND}.docx")
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(tmp_path / "converted" / f"notice-{ROUND}.pdf")
    assert len(pages) >= 4  # the notice, 附件1 and 附件2 on pages of their own
    assert [[w.text for w in below_type_area(page)] for page in pages] == [["—", str(n), "—"] for n in range(1, len(pages) + 1)]


def test_without_the_offices_line_the_addressees_are_the_registers_kinds_of_units(demo: dict[str, Any]):
    # the office's own line names the 管委会 by short names and leaves 卤阳湖 out; derived from
    # the register, the line has the same kinds of units, the city-level 管委会 by their names
    results = demo["report"].current.results
    assert infer_city(results) == "渭南市"
    assert default_addressees(results, "渭南市") == (
        "各县、市、区人民政府", "市人民政府各工作部门、直属机构",
        "卤阳湖现代产业开发区、渭南高新技术产业开发区、渭南经济技术开发区、华山风景名胜区管委会",
    )


def test_the_workbook_lists_each_target_once_and_each_finding_with_its_evidence(demo: dict[str, Any]):
    workbook = load_workbook(demo["out"] / f"report-{ROUND}.xlsx", read_only=True)
    targets = list(workbook["全部检查对象"].iter_rows(min_row=3, values_only=True))
    findings = list(workbook["发现问题"].iter_rows(min_row=3, values_only=True))
    assert len(targets) == 521 == len(demo["report"].current.results)  # 51 websites, 470 accounts: one row each
    assert len(findings) == demo["store"].count("findings", {"round": ROUND})
    # a veto's 不合格 prints 单项否决, never a score; a 合格 its score
    # a one-shot round scores no week's availability and no inspector has recorded their items:
    # a website's 得分 says what is missing, never a number that looks final; an account has no 扣分 items
    cells = {(row[1], row[5], row[6] if isinstance(row[6], str) and not row[6].startswith("评分未完成（缺：") else
              "score" if not isinstance(row[6], str) else "incomplete") for row in targets}
    assert cells == {("网站", "合格", "incomplete"), ("新媒体", "合格", "score"), ("网站", "不合格", "单项否决"), ("新媒体", "不合格", "单项否决")}
    assert all("首页可用性" in row[6] and "概况信息" in row[6] for row in targets if row[1] == "网站" and row[5] == "合格")
    number_of = {(row[1], row[2]): row[0] for row in targets}  # by kind and name: a site and an account may share a name
    assert all(row[0] == number_of[row[1], row[2]] for row in findings)  # each finding under its target's 序号
    # each finding's links (but an item a one-shot round could not score, 未能评分, which says why)
    assert all(row[10] if row[6] != "未能评分" else row[11] for row in findings)


def test_the_html_evidence_reads_as_words(demo: dict[str, Any]):
    text = html.unescape(re.sub(r"<[^>]+>", "", (demo["out"] / f"report-{ROUND}.html").read_text(encoding="utf-8")))
    assert not re.search(r'[{\[]\s*"|"\s*:\s*[{\["\d]', text)  # no rule or threshold printed as JSON
    assert "判定规则：访问超过15秒未打开记为失败" in text  # 韩城市财政局's veto, its threshold in words
    assert "判定规则：平台显示的名称与登记名称“华阴文化”不一致" in text
    assert re.search(r"通知公告 最新发布 2023-\d\d-\d\d http://127\.0\.0\.1:\d+/\S+（抓取时间 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d）", text)


def test_the_reports_name_the_rules_profile_never_the_folder_it_was_read_from(demo: dict[str, Any]):
    page = (demo["out"] / f"report-{ROUND}.html").read_text(encoding="utf-8")
    assert "规则：national-2019-demo" in page  # the replica's profile.yaml by its own name
    for written in demo["out"].iterdir():
        if written.suffix in (".html", ".csv", ".yaml", ".json"):
            assert str(REPO) not in written.read_text(encoding="utf-8"), written.name
    recorded = {v["profile"] for v in demo["store"].find("verdicts", {"round": PREVIOUS})}
    assert recorded == {"national-2019-demo"}  # as the crawled round's verdicts name it


# -- how the round was made ---------------------------------------------------------------------


def test_accounts_of_every_platform_are_crawled_from_the_replica(demo: dict[str, Any]):
    crawled = Counter(
        o["target_key"].split(":")[1]
        for o in demo["store"].find("observations", {"round": ROUND, "kind": "account"})
        if not o.get("manual")
    )
    assert crawled == {"微信": 450, "微博": 15, "抖音": 5}


def test_an_account_the_platform_does_not_know_is_not_found_by_the_inspectors_search(demo: dict[str, Any]):
    # the platform's "no such 账号ID" cannot tell a deleted account from a wrong ID in the
    # register: the inspectors searched the app by name, and their 搜索不到 establishes it
    key = "account:抖音:澄城县道路运输管理所"
    finding, = demo["store"].find("findings", {"round": ROUND, "target_key": key})
    assert (finding["code"], finding["label"]) == ("media.not_found", "搜索不到")
    assert finding["evidence"]["taken_from"]["found"].startswith("manual")


def test_the_inspectors_sheet_records_every_deleted_account_as_not_found():
    register = load_register(REPO / "replica" / "weinan")
    rows = {(r["平台"], r["账号名称"]): r for r in inspector_observations(register)["人工观察"]}
    deleted = [a for a in register.accounts if "deleted" in a.states]
    assert deleted and all(rows[(a.platform, a.name)]["当前名称"] == "搜索不到" for a in deleted)


def test_the_previous_round_is_marked_as_recorded_not_crawled(demo: dict[str, Any]):
    store = demo["store"]
    recorded = store.get_round(PREVIOUS)
    assert recorded["recorded_from"] == "replica/weinan/round-2023-4.yaml"
    verdicts = store.find("verdicts", {"round": PREVIOUS})
    assert len(verdicts) == 521
    assert {v["recorded_from"] for v in verdicts} == {recorded["recorded_from"]}
    assert store.count("observations", {"round": PREVIOUS}) == 0


def test_the_results_and_reports_are_written_to_the_folder(demo: dict[str, Any]):
    out = demo["out"]
    for name in ("targets.yaml", f"observations-{ROUND}.yaml", f"verdicts-{ROUND}.csv", f"verdicts-{PREVIOUS}.csv",
                 f"findings-{ROUND}.json", f"report-{ROUND}.xlsx", f"notice-{ROUND}.docx", f"report-{ROUND}.html"):
        assert (out / name).is_file(), name
    assert f"round {ROUND}: 521 targets — 合格 484, 不合格 37, 待人工复核 0" in demo["stdout"]


# -- the register -------------------------------------------------------------------------------


def test_a_register_the_replica_cannot_serve_is_refused_with_every_problem(tmp_path: Path):
    folder = tmp_path / "weinan"
    shutil.copytree(REPO / "replica" / "weinan", folder)
    register = folder / "register.yaml"
    text = register.read_text(encoding="utf-8")
    text = text.replace("{name: 渭南市卫生健康委员会, type: 微信订阅号, district: 渭南市, state: quiet}",
                        "{name: 渭南市卫生健康委员会, type: 微信订阅号, district: 渭南市, state: sleepy}")
    text = text.replace("category: 县级部门网站, district: 韩城市, template: hanweb, state: unreachable",
                        "category: 县级网站, district: 韩城市, template: hanweb, state: unreachable")
    register.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError) as refused:
        load_register(folder)
    assert refused.value.problems == [
        "register.yaml: sites[48] (韩城市财政局): category: unknown '县级网站' (expected one of "
        "市政府门户网站, 市政府工作部门及派出机构网站, 县级政府门户网站, 县级部门网站)",
        "register.yaml: accounts[25] (渭南市卫生健康委员会): state: unknown 'sleepy' (expected active, quiet, "
        "reposts_only, dormant, no_menu, dead_menu, expired_menu, renamed, deleted, joined with +)",
    ]


def test_the_register_is_the_notices_inventory():
    register = load_register(REPO / "replica" / "weinan")
    assert Counter(s.category for s in register.sites) == {
        "市政府门户网站": 1, "市政府工作部门及派出机构网站": 33, "县级政府门户网站": 11, "县级部门网站": 6,
    }
    assert len(register.accounts) == 470
    assert Counter(a.account_type for a in register.accounts).keys() == {"微信订阅号", "微信服务号", "新浪微博", "抖音短视频"}

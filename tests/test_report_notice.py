"""The notice draft's wording, modelled on the Weinan notice of 2024-02-28."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from govcheck.report.notice import (
    build_notice,
    default_addressees,
    infer_city,
    new_media_paragraph,
    problem_sentences,
    website_paragraph,
)
from govcheck.report.office import Office, OfficeError
from govcheck.report.summary import RoundReport, TargetResult, load_round_report
from seed_round import PREVIOUS, ROUND, store_round, store_verdict
from support import open_store, store_environment

# Sections 一 and 二 of the notice, as published, up to where they name units; the notice
# shortens unit names (市民政局), the draft prints the registered ones (渭南市民政局).
NOTICE_WEBSITES = (
    "截至2024年2月,全市政府系统共运行网站51个,其中市政府门户网站1个,市政府工作部门及派出机构网站33个,"
    "县级政府门户网站11个,县级部门网站6个。检查结果为:合格政府网站47个,不合格政府网站4个,合格率92.2%,"
    "较去年第四次全面检查提升4%,"
)
NOTICE_NEW_MEDIA = (
    "截至2024年2月,全市政府系统共运行政务新媒体470个,检查结果为:合格政务新媒体437个,不合格政务新媒体33个,"
    "合格率93%,较去年第四次全面检查提升1.9%,"
)


def folded(text: str) -> str:
    """Full-width punctuation folded as the notice's text has it."""
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> RoundReport:
    with store_environment("embedded", tmp_path_factory.mktemp("notice")) as environment:
        store = open_store(environment)
        store_round(store)
        return load_round_report(store, ROUND, PREVIOUS)


def test_the_website_paragraph_is_worded_as_the_notice(report: RoundReport):
    text = folded(website_paragraph(report))
    assert text == NOTICE_WEBSITES + (
        "渭南市民政局、渭南市住房和城乡建设局、渭南市应急管理局网站存在多个栏目更新不及时,韩城市财政局网站监测时间点无法访问。"
    )


def test_the_new_media_paragraph_is_worded_as_the_notice(report: RoundReport):
    text = folded(new_media_paragraph(report))
    assert text.startswith(NOTICE_NEW_MEDIA)
    named = text.removeprefix(NOTICE_NEW_MEDIA).removesuffix("。").split(",")
    # the most frequent problem first, two names then 等; renamed accounts without names, last
    assert named[0] == "渭南市卫生健康委员会、澄城公安等微信公众号内容14天未更新"
    assert "白水县卫生健康局抖音号、法治白水新浪微博等账号3个月内无原创信息" in named
    assert "渭南市城市管理执法局、渭南水务等微信公众号未提供有效互动渠道" in named
    assert named[-1] == "个别账号名称更改后未在全国政务新媒体报送系统及时更新"


def test_exactly_two_units_are_named_without_等():
    sentences = problem_sentences(_accounts_failing("互动交流链接有误", 2), "account")
    assert sentences == ["账号0、账号1微信公众号互动交流链接有误"]


def test_websites_failed_on_points_are_named_by_their_score_and_new_vetoes_as_notices_word_them():
    def site(name: str, findings: tuple[dict, ...], score: float | None) -> TargetResult:
        return TargetResult(key=f"site:{name}", kind="site", name=name, category="县级部门网站", platform="", district="",
                            verdict="不合格", score=score, labels="", findings=findings)

    on_points = site("甲县教育局", ({"code": "site.design.icp", "label": "未标注ICP备案编号", "severity": "deduct", "points": 1},
                                 {"code": "site.inspector.overview", "label": "概况信息扣40分", "severity": "deduct", "points": 40}), 55.0)
    hacked = site("乙县水务局", ({"code": "site.security.bad_links", "label": "存在暗链", "severity": "veto"},), None)
    no_service = site("丙县人民政府", ({"code": "site.services.none", "label": "服务不实用", "severity": "veto"},), None)
    assert problem_sentences([on_points, hacked, no_service], "site") == [
        "甲县教育局网站检查得分低于60分", "乙县水务局网站存在暗链等链接不良内容的安全隐患", "丙县人民政府网站未提供办事服务，服务不实用"]


def test_the_notice_has_its_sections_attachments_and_date(report: RoundReport):
    notice = build_notice(report, date(2024, 2, 28))
    assert notice.title == "关于2024年第一次政府网站与政务新媒体全面检查情况的通报"
    assert [heading for heading, _ in notice.sections] == ["一、政府网站检查情况", "二、政务新媒体检查情况", "三、下一步工作要求"]
    assert folded(notice.attachment_lines[0]) == "附件:1.2024年第一次政府网站全面检查情况汇总表"
    assert notice.attachment_lines[1].strip() == "2.2024年第一次政务新媒体全面检查情况汇总表"
    assert notice.date_text == "2024年2月28日"
    assert [len(table.rows) for table in notice.attachments] == [6, 33]


def test_targets_under_review_are_counted_apart_in_the_paragraph(tmp_path: Path):
    with store_environment("embedded", tmp_path) as environment:
        store = open_store(environment)
        store_round(store)
        target = store.find_one("targets", {"key": "site:县级部门网站01"})
        store_verdict(store, ROUND, target, "待人工复核", "首页读取失败",
                      [{"code": "site.home.review", "label": "首页更新情况待人工复核", "severity": "review", "reason": "首页读取失败"}])
        text = folded(website_paragraph(load_round_report(store, ROUND)))
    assert "合格政府网站46个,不合格政府网站4个,待人工复核网站1个(未计入合格率,复核后更新),合格率92%," in text
    assert "较" not in text  # no previous round named: no change


def _accounts_failing(label: str, count: int) -> list[TargetResult]:
    return [
        TargetResult(key=f"account:微信:账号{i}", kind="account", name=f"账号{i}", category="微信订阅号", platform="微信",
                     district="", verdict="不合格", score=100.0, labels=label,
                     findings=({"code": "media.interaction.broken", "label": label, "severity": "veto"},))
        for i in range(count)
    ]


# -- the office's details --------------------------------------------------------------------------

WEINAN_OFFICE = Office(
    source="office.yaml", city="渭南市", issuer="渭南市人民政府办公室", signature="渭南市人民政府办公室",
    addressees=("各县、市、区人民政府", "市人民政府各工作部门、直属机构", "渭南高新区、经开区、华山景区管委会"),
    organizers="市政务公开工作领导小组办公室联合市电子网络和大数据中心", section="市政府办信息与政务公开科",
    telephone="0913-2109218", email="644714438@qq.com", deadline_days=11,
)


def notice_texts(notice) -> list[str]:
    return [notice.title, notice.addressee, notice.opening, *(t for section in notice.sections for t in section),
            *notice.attachment_lines, notice.issuer, notice.signature, notice.date_text]


def test_an_office_profile_leaves_nothing_to_fill_in(report: RoundReport):
    notice = build_notice(report, date(2024, 2, 28), WEINAN_OFFICE)
    assert not [text for text in notice_texts(notice) if "×" in text]
    assert notice.addressee == "各县、市、区人民政府，市人民政府各工作部门、直属机构，渭南高新区、经开区、华山景区管委会："
    assert notice.opening.startswith("近期，市政务公开工作领导小组办公室联合市电子网络和大数据中心，按照《政府网站与政务新媒体检查指标》")
    requirements = dict(notice.sections)["三、下一步工作要求"]
    # 2024-02-28 + 11 days, over the leap day: the notice's 3月10日
    assert "并于3月10日前将整改情况书面报市政府办信息与政务公开科（电话：0913-2109218，邮箱：644714438@qq.com）" in requirements
    assert (notice.signature, notice.date_text) == ("渭南市人民政府办公室", "2024年2月28日")


def test_without_a_profile_the_draft_keeps_placeholders_where_nothing_is_known(report: RoundReport):
    notice = build_notice(report, date(2024, 2, 28))
    assert notice.signature == "××市人民政府办公室"
    assert "并于××月××日前将整改情况书面报市政府办公室（电话：××××，邮箱：××××）" in dict(notice.sections)["三、下一步工作要求"]
    # the addressees are still the kinds of units the round inspects (韩城市 websites, 临渭区 accounts)
    assert notice.addressee == "各市、区人民政府，市人民政府各工作部门、直属机构："
    assert notice.opening.startswith("近期，按照《政府网站与政务新媒体检查指标》")


def test_a_deadline_is_printed_with_its_year_when_it_falls_in_the_next(report: RoundReport):
    in_days = build_notice(report, date(2024, 12, 28), WEINAN_OFFICE)
    assert "并于2025年1月8日前" in dict(in_days.sections)["三、下一步工作要求"]
    on_a_date = Office(**{**WEINAN_OFFICE.__dict__, "deadline_days": None, "deadline_date": date(2024, 3, 15)})
    assert "并于3月15日前" in dict(build_notice(report, date(2024, 2, 28), on_a_date).sections)["三、下一步工作要求"]


def test_a_deadline_on_or_before_the_notice_date_is_refused_naming_the_file_and_field(report: RoundReport):
    past = Office(**{**WEINAN_OFFICE.__dict__, "deadline_days": None, "deadline_date": date(2024, 2, 28)})
    with pytest.raises(OfficeError, match=r"^office\.yaml: 整改期限: 2024-02-28 is not after the notice's date 2024-02-28"):
        build_notice(report, date(2024, 2, 28), past)


def unit(name: str, district: str, category: str = "微信订阅号", kind: str = "account", organizer: str = "") -> TargetResult:
    return TargetResult(key=f"{kind}:{name}", kind=kind, name=name, category=category, platform="", district=district,
                        verdict="合格", score=None, labels="", organizer=organizer or name)


def test_the_addressees_are_the_kinds_of_units_the_round_inspects():
    results = [
        unit("渭南市人民政府", "渭南市", "市政府门户网站", "site"),
        unit("渭南市民政局", "渭南市", "市政府工作部门及派出机构网站", "site"),
        unit("渭南市人民政府国有资产监督管理委员会", "渭南市", "市政府工作部门及派出机构网站", "site"),  # a department
        unit("渭南高新技术产业开发区管理委员会", "渭南市", "市政府工作部门及派出机构网站", "site"),
        unit("华山景区", "渭南市", organizer="华山风景名胜区管委会"),  # named by its 主办单位
        unit("临渭发布", "临渭区"),
        unit("韩城市人民政府", "韩城市", "县级政府门户网站", "site"),
        unit("合阳县教育局", "合阳县", "县级部门网站", "site"),
        unit("陕西省重点示范镇 秦东管委会", "潼关县"),  # a county's own: the county is addressed
    ]
    assert infer_city(results) == "渭南市"
    assert default_addressees(results, "渭南市") == (
        "各县、市、区人民政府", "市人民政府各工作部门、直属机构", "渭南高新技术产业开发区、华山风景名胜区管委会",
    )


def test_only_the_kinds_present_are_addressed():
    counties_only = [unit("临渭区人民政府", "临渭区", "县级政府门户网站", "site"), unit("华州发布", "华州区")]
    assert default_addressees(counties_only, "渭南市") == ("各区人民政府",)
    departments_only = [unit("渭南市民政局", "渭南市", "市政府工作部门及派出机构网站", "site")]
    assert default_addressees(departments_only, "") == ("市人民政府各工作部门、直属机构",)
    assert default_addressees([], "渭南市") == ("各有关单位",)

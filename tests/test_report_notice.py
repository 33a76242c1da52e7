"""The notice draft's wording, modelled on the Weinan notice of 2024-02-28."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from govcheck.report.notice import build_notice, new_media_paragraph, problem_sentences, website_paragraph
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

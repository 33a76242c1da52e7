"""The words of the notice draft (通报), modelled on the Weinan notice of 2024-02-28.

Sections 一 (websites) and 二 (new media) are written from the round's counts, rates, change
and failing units; section 三 and the addressee, issuer and deadline are fixed text with
placeholders (××) for the office to fill in. Prose uses full-width punctuation as the notice
does; the 突出问题 cells keep the profile's labels as they are.

Failing units are named by problem: websites all by name (the notice names each of its
four), new-media accounts by their first two names then 等 (市卫生健康委、澄城公安等微信公众号
内容14天未更新), renamed accounts in one sentence without names, as the notice does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from govcheck.report.summary import (
    FAIL,
    AttachmentTable,
    RoundReport,
    TargetResult,
    Tally,
    attachment_tables,
    change_text,
    percent_text,
)
from govcheck.report.titles import full_date, local_day, relative_round_name, round_name, year_month

ADDRESSEE = "各县、市、区人民政府，市人民政府各工作部门、直属机构："
ISSUER = "××市人民政府办公室"
SECTION_THREE = (
    "在今后工作中，各级各部门要夯实管理责任，认真做好政府网站与政务新媒体运维工作，按照“谁开设、谁负责”"
    "“谁主管、谁负责”的原则，严格执行常态化监管和信息发布审核制度，及时充分转载涉及群众切身利益的重要民生信息，"
    "扩大知晓率，提高传播力，同时，持续提升政府网站和政务新媒体服务能力。针对存在问题立即整改，并于××月××日前"
    "将整改情况书面报市政府办公室（电话：××××，邮箱：××××），对逾期未整改单位将在年终绩效评估中扣除相应分值。"
)
SITE_NAMES_SHOWN = 10  # websites named per problem before 等N个网站
ACCOUNT_NAMES_SHOWN = 2  # accounts named per problem before 等

# How the notice's prose words a problem (by finding code); other problems print their label.
SITE_PHRASES = {
    "site.columns.stale": "存在多个栏目更新不及时",
    "site.columns.long_stale": "存在多个栏目更新不及时",
    "site.wording.serious": "存在严重表述错误",
    "site.links.broken": "存在不可用链接",
}
ACCOUNT_PHRASES = {
    "media.no_update_14d": "内容14天未更新",
    "media.no_original_3m": "3个月内无原创信息",
    "media.interaction.missing": "未提供有效互动渠道",
    "media.interaction.broken": "互动交流链接有误",
}
RENAMED_CODE = "media.renamed"
RENAMED_SENTENCE = "个别账号名称更改后未在全国政务新媒体报送系统及时更新"
# what an account is called in prose, by platform (or by 账号类型 when the platform is missing)
ACCOUNT_NOUNS = {
    "微信": "微信公众号",
    "微博": "新浪微博",
    "抖音": "抖音号",
    "微信订阅号": "微信公众号",
    "微信服务号": "微信公众号",
    "新浪微博": "新浪微博",
    "抖音短视频": "抖音号",
}


@dataclass(frozen=True)
class Notice:
    title: str
    addressee: str
    opening: str
    sections: tuple[tuple[str, str], ...]  # (heading, paragraph)
    attachment_lines: tuple[str, ...]  # 附件：1.…  2.…
    issuer: str
    date_text: str
    attachments: tuple[AttachmentTable, ...]


def build_notice(report: RoundReport, notice_date: date) -> Notice:
    name = round_name(report.round_id)
    tables = attachment_tables(report)
    return Notice(
        title=f"关于{name}政府网站与政务新媒体全面检查情况的通报",
        addressee=ADDRESSEE,
        opening=(
            f"近期，按照《政府网站与政务新媒体检查指标》，组织开展全市{name}政府网站与政务新媒体全面检查，"
            "现将检查情况通报如下。"
        ),
        sections=(
            ("一、政府网站检查情况", website_paragraph(report)),
            ("二、政务新媒体检查情况", new_media_paragraph(report)),
            ("三、下一步工作要求", SECTION_THREE),
        ),
        attachment_lines=tuple(
            f"{'附件：' if number == 1 else '　　　'}{number}.{table.title}" for number, table in enumerate(tables, start=1)
        ),
        issuer=ISSUER,
        date_text=full_date(notice_date),
        attachments=tuple(tables),
    )


def website_paragraph(report: RoundReport) -> str:
    """截至2024年2月，全市政府系统共运行网站51个，其中…。检查结果为：合格政府网站47个，…"""
    counts = report.tally("site")
    month = year_month(local_day(report.current.round["as_of"]))
    categories = "，".join(f"{category}{t.total}个" for category, t in report.by_category("site").items() if t.total)
    opening = f"截至{month}，全市政府系统共运行网站{counts.total}个" + (f"，其中{categories}" if categories else "") + "。"
    results = _results(counts, "政府网站", "网站", report, "site")
    problems = problem_sentences(report.current.of_kind("site"), "site")
    return opening + results + "".join(f"，{p}" for p in problems) + "。"


def new_media_paragraph(report: RoundReport) -> str:
    """截至2024年2月，全市政府系统共运行政务新媒体470个，检查结果为：合格政务新媒体437个，…"""
    counts = report.tally("account")
    round_document = report.current.round
    month = year_month(local_day(round_document.get("media_as_of") or round_document["as_of"]))
    opening = f"截至{month}，全市政府系统共运行政务新媒体{counts.total}个，"
    results = _results(counts, "政务新媒体", "政务新媒体", report, "account")
    problems = problem_sentences(report.current.of_kind("account"), "account")
    return opening + results + "".join(f"，{p}" for p in problems) + "。"


def _results(counts: Tally, subject: str, review_subject: str, report: RoundReport, kind: str) -> str:
    text = f"检查结果为：合格{subject}{counts.passed}个，不合格{subject}{counts.failed}个"
    if counts.review:
        text += f"，待人工复核{review_subject}{counts.review}个（未计入合格率，复核后更新）"
    if counts.rate is not None:
        text += f"，合格率{percent_text(counts.rate)}"
        change = report.change(kind)
        if change is not None and report.previous is not None:
            text += f"，较{relative_round_name(report.previous.round_id, report.round_id)}全面检查{change_text(change)}"
    return text


def problem_sentences(results: Sequence[TargetResult], kind: str) -> list[str]:
    """The failing units named by problem, the most frequent problem first."""
    phrases = SITE_PHRASES if kind == "site" else ACCOUNT_PHRASES
    groups: dict[str, list[TargetResult]] = {}
    for result in results:
        if result.verdict != FAIL:
            continue
        seen: set[str] = set()
        for finding in result.problems():
            code = finding.get("code", "")
            phrase = RENAMED_SENTENCE if code == RENAMED_CODE else phrases.get(code, finding.get("label", ""))
            if phrase and phrase not in seen:
                seen.add(phrase)
                groups.setdefault(phrase, []).append(result)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == RENAMED_SENTENCE, -len(item[1])))
    if kind == "site":
        return [f"{_site_names(units)}网站{phrase}" for phrase, units in ordered]
    return [phrase if phrase == RENAMED_SENTENCE else f"{_account_names(units)}{phrase}" for phrase, units in ordered]


def _site_names(units: Sequence[TargetResult]) -> str:
    names = "、".join(u.name for u in units[:SITE_NAMES_SHOWN])
    return names if len(units) <= SITE_NAMES_SHOWN else f"{names}等{len(units)}个"


def account_noun(result: TargetResult) -> str:
    return ACCOUNT_NOUNS.get(result.platform) or ACCOUNT_NOUNS.get(result.category) or "账号"


def _account_names(units: Sequence[TargetResult]) -> str:
    shown = units[:ACCOUNT_NAMES_SHOWN]
    more = "等" if len(units) > len(shown) else ""
    nouns = {account_noun(u) for u in units}
    if len(nouns) == 1:
        return "、".join(u.name for u in shown) + more + nouns.pop()
    return "、".join(u.name + account_noun(u) for u in shown) + (f"{more}账号" if more else "")

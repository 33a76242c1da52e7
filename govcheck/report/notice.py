"""The words of the notice draft (通报), modelled on the Weinan notice of 2024-02-28.

Sections 一 (websites) and 二 (new media) are written from the round's counts, rates, change
and failing units; section 三 is fixed text with the office's own details: the rectification
deadline, the section that receives the reports, its telephone and e-mail, and the issuer
(:mod:`govcheck.report.office`). Without an office profile these stay placeholders (××) for
the office to fill in. The addressees (主送机关) are the profile's, or else derived from the
kinds of units the round inspects (:func:`default_addressees`). Prose uses full-width
punctuation as the notice does; the 突出问题 cells keep the profile's labels as they are.

Failing units are named by problem: websites all by name (the notice names each of its
four), new-media accounts by their first two names then 等 (市卫生健康委、澄城公安等微信公众号
内容14天未更新), renamed accounts in one sentence without names, as the notice does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
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
from govcheck.report.office import Office
from govcheck.report.titles import full_date, local_day, month_day, relative_round_name, round_name, year_month
from govcheck.targets import SITE_CATEGORIES
from govcheck.rules import SCORE_LABEL_DEFAULTS

# What the notice says where no office profile tells it more (the office fills in the ××).
UNKNOWN_ISSUER = "××市人民政府办公室"
UNKNOWN_DEADLINE = "××月××日"
UNKNOWN_SECTION = "市政府办公室"
UNKNOWN_CONTACT = "××××"
SECTION_THREE = (
    "在今后工作中，各级各部门要夯实管理责任，认真做好政府网站与政务新媒体运维工作，按照“谁开设、谁负责”"
    "“谁主管、谁负责”的原则，严格执行常态化监管和信息发布审核制度，及时充分转载涉及群众切身利益的重要民生信息，"
    "扩大知晓率，提高传播力，同时，持续提升政府网站和政务新媒体服务能力。针对存在问题立即整改，并于{deadline}前"
    "将整改情况书面报{section}（电话：{telephone}，邮箱：{email}），对逾期未整改单位将在年终绩效评估中扣除相应分值。"
)
CITY_PORTAL, CITY_DEPARTMENTS = SITE_CATEGORIES[0], SITE_CATEGORIES[1]
COUNTY_CATEGORIES = SITE_CATEGORIES[2:]
# county-level governments by the last character of their name, in the order notices list them
COUNTY_KINDS = ("县", "市", "区", "旗")
ZONE_WORDS = ("管理委员会", "管委会")  # a development zone's or scenic area's administration
ZONE_ENDINGS = ("区", "园")  # what such a zone's name ends with: 开发区, 高新区, 风景名胜区, 产业园
NO_ADDRESSEE = "各有关单位"  # a round without targets names no kind of unit
SITE_NAMES_SHOWN = 10  # websites named per problem before 等N个网站
ACCOUNT_NAMES_SHOWN = 2  # accounts named per problem before 等

# How the notice's prose words a problem (by finding code); other problems print their label.
SITE_PHRASES = {
    "site.columns.stale": "存在多个栏目更新不及时",
    "site.columns.long_stale": "存在多个栏目更新不及时",
    "site.wording.serious": "存在严重表述错误",
    "site.wording.misspellings": "存在错别字",
    "site.services.none": "未提供办事服务，服务不实用",
    "site.security.bad_links": "存在暗链等链接不良内容的安全隐患",
    "site.links.broken": "存在不可用链接",
    "site.links.home": "首页存在不可用链接",
    "site.reachability.home": "首页可用性不足",
}
ACCOUNT_PHRASES = {
    "media.no_update_14d": "内容14天未更新",
    "media.no_original_3m": "3个月内无原创信息",
    "media.interaction.missing": "未提供有效互动渠道",
    "media.interaction.broken": "互动交流链接有误",
}
# a website failed on points, as notices word it (the deductions are in the workbook's 发现问题)
SCORE_BELOW_PASS = "检查" + SCORE_LABEL_DEFAULTS["below_pass"]
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
    issuer: str  # 发文机关
    signature: str  # 发文机关署名, printed above the date
    date_text: str  # 成文日期
    attachments: tuple[AttachmentTable, ...]


def build_notice(report: RoundReport, notice_date: date, office: Office | None = None) -> Notice:
    """The notice of the round, dated ``notice_date``, with the office's details when given
    (raises OfficeError when the office's deadline is not after that date)."""
    name = round_name(report.round_id)
    tables = attachment_tables(report)
    organizers = f"{office.organizers}，" if office and office.organizers else ""
    city = office.city if office else infer_city(report.current.results)
    addressees = (office.addressees if office else ()) or default_addressees(report.current.results, city)
    return Notice(
        title=f"关于{name}政府网站与政务新媒体全面检查情况的通报",
        addressee="，".join(addressees) + "：",
        opening=(
            f"近期，{organizers}按照《政府网站与政务新媒体检查指标》，组织开展全市{name}政府网站与政务新媒体全面检查，"
            "现将检查情况通报如下。"
        ),
        sections=(
            ("一、政府网站检查情况", website_paragraph(report)),
            ("二、政务新媒体检查情况", new_media_paragraph(report)),
            ("三、下一步工作要求", section_three(office, notice_date)),
        ),
        attachment_lines=tuple(
            f"{'附件：' if number == 1 else '　　　'}{number}.{table.title}" for number, table in enumerate(tables, start=1)
        ),
        issuer=office.issuer if office else UNKNOWN_ISSUER,
        signature=office.signature if office else UNKNOWN_ISSUER,
        date_text=full_date(notice_date),
        attachments=tuple(tables),
    )


def section_three(office: Office | None, notice_date: date) -> str:
    """下一步工作要求, with the office's deadline and contacts (×× without a profile)."""
    if office is None:
        return SECTION_THREE.format(deadline=UNKNOWN_DEADLINE, section=UNKNOWN_SECTION, telephone=UNKNOWN_CONTACT,
                                    email=UNKNOWN_CONTACT)
    due = office.deadline(notice_date)
    # within the notice's year the day is enough (3月10日前), as the notice prints it
    deadline = month_day(due) if due.year == notice_date.year else full_date(due)
    return SECTION_THREE.format(deadline=deadline, section=office.section, telephone=office.telephone, email=office.email)


def office_lines(office: Office, notice_date: date) -> list[str]:
    """What a notice dated ``notice_date`` prints of the office, one line each (for a check)."""
    addressees = "，".join(office.addressees) + "：" if office.addressees else "（按本轮检查对象的单位生成）"
    return [
        f"城市：{office.city}",
        f"发文机关：{office.issuer}",
        f"发文机关署名：{office.signature}",
        f"主送机关：{addressees}",
        f"检查组织单位：{office.organizers or '（不写）'}",
        f"整改要求：{section_three(office, notice_date).split('针对存在问题立即整改，', 1)[1]}",
        f"成文日期：{full_date(notice_date)}，整改期限：{full_date(office.deadline(notice_date))}",
    ]


# -- the addressees ----------------------------------------------------------------------------------


def infer_city(results: Iterable[TargetResult]) -> str:
    """The city a round inspects, when no profile names it: the district of its portal
    (市政府门户网站), else the most frequent district of the city's department websites; "" when neither."""
    results = list(results)
    for category in (CITY_PORTAL, CITY_DEPARTMENTS):
        districts = Counter(r.district for r in results if r.kind == "site" and r.category == category and r.district)
        if districts:
            return districts.most_common(1)[0][0]
    return ""


def default_addressees(results: Iterable[TargetResult], city: str) -> tuple[str, ...]:
    """主送机关 from the kinds of units the round inspects, as a city's notice lists them:

    - 各县、市、区人民政府 when it inspects county-level units (a district other than the city,
      or a county-level website), naming only the kinds of county it has (县, 市, 区, 旗);
    - 市人民政府各工作部门、直属机构 when it inspects city departments (a department website,
      or a unit of the city other than its portal);
    - the city-level 管委会 that run inspected websites or accounts (高新区, 经开区, 景区…),
      by their names: 渭南高新技术产业开发区、华山风景名胜区管委会. A 管委会 within a county is
      the county's to address.
    """
    counties: list[str] = []
    zones: list[str] = []
    departments = False
    for result in results:
        county_level = (result.district and result.district != city) if city else result.category in COUNTY_CATEGORIES
        if county_level or result.category in COUNTY_CATEGORIES:
            if result.district and result.district not in counties:
                counties.append(result.district)
            continue
        zone = zone_name(result.organizer) or zone_name(result.name)
        if zone:
            if zone not in zones:
                zones.append(zone)
        elif result.category != CITY_PORTAL:
            departments = True
    level = city[-1] if city else "市"
    lines = []
    if counties:
        kinds = [kind for kind in COUNTY_KINDS if any(d.endswith(kind) for d in counties)]
        lines.append(f"各{'、'.join(kinds)}人民政府" if kinds else "各县（市、区）人民政府")
    if departments:
        lines.append(f"{level}人民政府各工作部门、直属机构")
    if zones:
        lines.append("、".join(zones) + "管委会")
    return tuple(lines) or (NO_ADDRESSEE,)


def zone_name(unit: str) -> str:
    """渭南高新技术产业开发区管理委员会 → 渭南高新技术产业开发区; "" for a unit that is not the
    管委会 of a zone (开发区, 高新区, 景区, 园区…): a 国有资产监督管理委员会 is a department."""
    for word in ZONE_WORDS:
        if word in unit:
            zone = unit.split(word, 1)[0].strip()
            return zone if zone.endswith(ZONE_ENDINGS) else ""
    return ""


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
        if kind == "site" and not result.vetoed:
            # failed on points: notices name the score, not each deduction (得分低于60分)
            groups.setdefault(SCORE_BELOW_PASS, []).append(result)
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

"""A finding's stored evidence as a reader sees it: its links (with what and when), its facts,
and the rule that fired with its threshold, all in Chinese words.

Evidence documents differ by rule (probes, stale columns, posts, broken links…), so they are
walked generically: every mapping holding an http(s) URL becomes a link, labelled with the
name, title or date it carries (最新发布 2023-12-01, 发布 2024-01-30: dates seen on the page),
the error or answer met there and its 抓取时间 (when govcheck read the page, never a
publication date); the scalar facts at the top level are printed under Chinese names, with an
account's interaction entry, its sources and the observations it was judged on. The rule is
worded from its stored threshold (:func:`rule_text`), never printed as data. Only http(s) URLs
are links: a scraped ``javascript:`` or ``data:`` value is never turned into one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from govcheck.store import SHANGHAI

# top-level evidence fields worth printing, with their Chinese names, in this order
FACT_NAMES: dict[str, str] = {
    "account_id": "账号ID",
    "registered_name": "登记名称",
    "current_name": "当前名称",
    "found": "账号存在",
    "probes": "探测次数",
    "failed": "失败次数",
    "state": "读取状态",
    "status": "HTTP状态",
    "newest_date": "最新发布日期",
    "age_days": "距监测日天数",
    "latest_post_read_at": "发布记录抓取时间",
    "latest_original_read_at": "原创记录抓取时间",
    "age_days_at_read": "抓取当日距最新发布天数",
    "latest_post_at": "最新发布时间",
    "latest_original_at": "最近原创时间",
    "originals_known": "可区分原创",
    "posts_read": "读取发布数",
    "timely_stale_count": "更新不及时栏目数",
    "long_stale_count": "长期未更新栏目数",
    "columns_checked": "检查栏目数",
    "blank_count": "空白栏目数",
    "count": "数量",
    "fetched_at": "抓取时间",
    "read_as": "读取方式",
    "render_error": "浏览器读取失败",
    # an inspector's decision on a review (govcheck.decisions)
    "decided_by": "复核人",
    "decided_at": "复核时间",
    "decision_reason": "复核理由",
    "settled": "复核事项",
}
# how a page was read (an observation's ``method``)
READING_METHOD_NAMES = {"rendered": "浏览器渲染", "generic": "静态页面", "selector": "静态页面（指定位置）", "detail": "详情页"}
# what reading a page gave (an observation's ``state``, govcheck.extract.listing)
READING_STATE_NAMES = {"entries": "读到信息列表", "empty": "暂无信息", "unparsed": "未能识别信息列表", "failed": "读取失败"}
# an account's interaction entry (the rules' states) and which source gave each of its fields
INTERACTION_STATE_NAMES = {"ok": "正常", "missing": "未提供", "broken": "链接有误", "unknown": "无法确认", "unrecorded": "未记录",
                           "server_error": "服务器错误"}
SOURCE_FIELD_NAMES = {
    "found": "账号存在", "current_name": "当前名称", "latest_post_at": "最新发布时间",
    "interaction": "互动入口", "originals": "原创",
}
# what a link is called, from the fields of the mapping that holds it
LINK_NAME_FIELDS = ("name", "column", "title", "wrong", "source", "key")
# dates seen on the page, by field, with what each is
LINK_DATE_FIELDS = {"newest_date": "最新发布", "date": "发布", "time": "发布", "asked": "留言"}
FETCHED = "抓取时间"  # the moment govcheck read the page
# the short names of failed fetches (govcheck.fetch_errors) in words
ERROR_NAMES = {
    "timeout": "超时未打开", "dns": "域名无法解析", "connection refused": "连接被拒绝", "connection reset": "连接中断",
    "redirect loop": "重定向循环",
}
PROBE_KEY = re.compile(r"^probe-(\d+)$")  # one of a round's probes of a site
URL_FIELDS = ("url", "home_url", "interaction_url")
# why a probe was left out of the availability count (the rules' ``not_counted``)
NOT_COUNTED_NAMES = {
    "after_as_of": "未计入：监测时间点之后", "before_window": "未计入：监测时段之前", "refused": "未计入：拒绝爬虫访问或未访问",
}
# mappings whose link is under a field of their own: their key → (that field, the link's label)
NESTED_LINKS = {
    # a failed probe's proof that our own network worked (govcheck.network)
    "network_witness": ("url", "网络正常佐证 HTTP {status}"),
    # a column listed old to new whose last page was not read
    "more_pages": ("last_page_url", "末页（{says}）未读取 {last_page_error}"),
}
SEVERITY_NAMES = {
    "veto": "单项否决", "deduct": "扣分", "note": "提示", "review": "待人工复核", "decision": "人工复核", "unmeasured": "未能评分",
}


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    label: str = ""  # e.g. 政务要闻 最新 2023-12-01, probe-1 timeout
    fetched_at: str = ""  # 2024-02-20 10:01:02, Asia/Shanghai

    def text(self) -> str:
        """One line: label, URL and fetch time."""
        parts = [self.label, self.url] if self.label else [self.url]
        if self.fetched_at:
            parts.append(fetched_text(self.fetched_at))
        return " ".join(parts)


def fetched_text(moment: str) -> str:
    """（抓取时间 2024-02-20 10:00:05）: when the page was read."""
    return f"（{FETCHED} {moment}）"


def is_web_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def moment_text(value: Any) -> str:
    """Times as Shanghai wall-clock text; midnight-only dates as the date."""
    if isinstance(value, datetime):
        local = value if value.tzinfo is SHANGHAI or value.tzinfo is None else value.astimezone(SHANGHAI)
        if not (local.hour or local.minute or local.second):
            return local.date().isoformat()
        return local.replace(tzinfo=None, microsecond=0).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def value_text(value: Any) -> str:
    """A stored value in words: lists joined with 、, a mapping as its fields, never as data."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date)):
        return moment_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        return duration_text(value) or "，".join(f"{key} {value_text(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(item) for item in value)
    return str(value)


def evidence_links(evidence: Any) -> list[EvidenceLink]:
    """Every http(s) URL of the evidence, in document order, with what it is.

    The same URL seen with other facts is kept once per fact (three probes of one address,
    each with its time and error); a bare mention of a URL that is also listed with facts is
    left out."""
    found: list[EvidenceLink] = []
    _collect_links(evidence, found)
    described = {link.url for link in found if link.label or link.fetched_at}
    links = [link for link in found if link.label or link.fetched_at or link.url not in described]
    return list(dict.fromkeys(links))


def _collect_links(value: Any, found: list[EvidenceLink]) -> None:
    # stored documents are plain dicts and lists: exact type checks keep this walk fast
    if isinstance(value, dict):
        urls = [value[f] for f in URL_FIELDS if is_web_url(value.get(f))]
        if urls:
            label = _link_label(value)
            fetched = value.get("fetched_at")
            fetched_text = moment_text(fetched) if fetched else ""
            found.extend(EvidenceLink(url, label, fetched_text) for url in urls)
        for key, item in value.items():
            if key in NESTED_LINKS and isinstance(item, dict):
                field, label = NESTED_LINKS[key]
                if is_web_url(item.get(field)):
                    fetched = moment_text(item["fetched_at"]) if item.get("fetched_at") else ""
                    text = label.format_map(_Blank({name: "" if v is None else v for name, v in item.items()}))
                    found.append(EvidenceLink(item[field], text.strip(), fetched))
            elif isinstance(item, (dict, list, tuple)) and key not in URL_FIELDS:
                _collect_links(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, str):
                if is_web_url(item):
                    found.append(EvidenceLink(item))
            elif isinstance(item, (dict, list, tuple)):
                _collect_links(item, found)


class _Blank(dict):
    """A label's fields: one the mapping lacks is left blank."""

    def __missing__(self, key: str) -> str:
        return ""


def _link_label(mapping: dict[str, Any]) -> str:
    """What the mapping says about its URL: its name or title, its date, the error met there."""
    name = next((str(mapping[f]) for f in LINK_NAME_FIELDS if mapping.get(f) not in (None, "")), "")
    probe = PROBE_KEY.match(name)
    if probe:
        name = f"第{probe.group(1)}次访问"
    elif name.startswith("probe-"):  # a scheduled probe, keyed by its time (printed as 抓取时间)
        name = "定时访问"
    parts = [name]
    field = next((f for f in LINK_DATE_FIELDS if mapping.get(f)), None)
    if field is not None:
        parts.append(f"{LINK_DATE_FIELDS[field]} {moment_text(mapping[field])}")
    if isinstance(mapping.get("not_counted"), str):  # a visit's; the top level counts them in a mapping
        parts.append(NOT_COUNTED_NAMES.get(mapping["not_counted"], f"未计入：{mapping['not_counted']}"))
    if mapping.get("error"):
        parts.append(ERROR_NAMES.get(str(mapping["error"]), str(mapping["error"])))
    elif mapping.get("detail"):
        parts.append(str(mapping["detail"]))  # an interaction entry's answer, e.g. HTTP 404
    return " ".join(part for part in parts if part)


def evidence_facts(evidence: Any) -> str:
    """The facts an auditor re-checks, e.g. ``探测次数：3；失败次数：3``: the top-level scalars under
    Chinese names, then an account's interaction entry, which source gave what, and each
    observation it was judged on (source, when, how many posts were read)."""
    if not isinstance(evidence, Mapping):
        return ""
    facts = [
        f"{name}：{_fact_text(field, evidence[field])}"
        for field, name in FACT_NAMES.items()
        if evidence.get(field) not in (None, "", [], {})
    ]
    if _no_original_seen(evidence):
        facts.append(f"{FACT_NAMES['latest_original_at']}：无")
    if isinstance(evidence.get("interaction"), Mapping):
        facts.append(f"互动入口：{_interaction_text(evidence['interaction'])}")
    if isinstance(evidence.get("taken_from"), Mapping) and evidence["taken_from"]:
        facts.append(f"依据来源：{_sources_text(evidence['taken_from'])}")
    for observation in evidence.get("observations") or ():
        if isinstance(observation, Mapping):
            facts.append(f"观察记录：{_observation_text(observation)}")
    return "；".join(facts)


def _fact_text(field: str, value: Any) -> str:
    if field == "read_as":
        return READING_METHOD_NAMES.get(str(value), str(value))
    if field == "state":
        return READING_STATE_NAMES.get(str(value), str(value))
    return value_text(value)


def _no_original_seen(evidence: Mapping[str, Any]) -> bool:
    """3个月无原创 judged on posts read that hold no original: the date is none, not unknown."""
    return (
        evidence.get("originals_known") is True
        and "latest_original_at" in evidence
        and evidence["latest_original_at"] is None
        and evidence.get("latest_original_at_seen") is None
    )


def _interaction_text(interaction: Mapping[str, Any]) -> str:
    state = str(interaction.get("state") or "unknown")
    text = INTERACTION_STATE_NAMES.get(state, state)
    if interaction.get("builtin"):
        text += "（平台自带评论、私信）"
    if interaction.get("entry"):  # what the register says: 无, or the place in the app
        text += f"（登记为：{interaction['entry']}）"
    said = interaction.get("detail") or (f"HTTP {interaction['status']}" if interaction.get("status") else "")
    return f"{text}（{said}）" if said and state != "ok" else text


def _sources_text(taken_from: Mapping[str, Any]) -> str:
    sources = {str(source) for source in taken_from.values() if source}
    if len(sources) == 1:
        return sources.pop()
    return "，".join(f"{SOURCE_FIELD_NAMES.get(field, field)}←{source}" for field, source in taken_from.items() if source)


def _observation_text(observation: Mapping[str, Any]) -> str:
    parts = [str(observation.get("source") or "")]
    if observation.get("inspector"):
        parts.append(f"检查人 {observation['inspector']}")
    if observation.get("fetched_at"):
        parts.append(f"{FETCHED} {moment_text(observation['fetched_at'])}")
    if observation.get("posts_read") is not None:
        parts.append(f"读取发布数 {observation['posts_read']}")
    if observation.get("oldest_post_read"):
        parts.append(f"最早读到 {moment_text(observation['oldest_post_read'])}")
    if observation.get("error"):
        parts.append(f"未完成：{observation['error']}")
    return " ".join(part for part in parts if part)


def rule_text(rule: Any) -> str:
    """The rule that fired, in words, with the thresholds it was judged by: 首页超过14天无新信息.

    Worded by the rule's code from the threshold stored with the finding (the profile's values
    of that round); a rule without wording of its own lists its thresholds by name."""
    if not isinstance(rule, Mapping):
        return ""
    code = str(rule.get("code") or "").split(":", 1)[0]
    threshold = found if isinstance(found := rule.get("threshold"), Mapping) else {}
    family = next((prefix for prefix in RULE_WORDS if code == prefix or code.startswith(f"{prefix}.")), None)
    if family is not None:
        try:
            return RULE_WORDS[family](threshold)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            pass  # a threshold of another shape than ours: listed by name below
    return "；".join(f"{THRESHOLD_NAMES.get(key, key)}：{value_text(value)}" for key, value in threshold.items())


DURATION_UNITS = (("years", "年"), ("months", "个月"), ("weeks", "周"), ("days", "天"))


def duration_text(value: Any) -> str:
    """{months: 6} → 6个月, {years: 1, months: 6} → 1年6个月; "" when ``value`` is no duration."""
    if not isinstance(value, Mapping) or not value or not set(value) <= {unit for unit, _ in DURATION_UNITS}:
        return ""
    return "".join(f"{value_text(value[unit])}{word}" for unit, word in DURATION_UNITS if value.get(unit))


def _percent(ratio: Any) -> str:
    return f"{float(ratio) * 100:g}%"


def _availability(t: Mapping[str, Any]) -> str:
    window = f"监测时段（{t['window_days']}天）" if t.get("window_days") else "监测时段"
    return (
        f"访问超过{t['probe_timeout_seconds']}秒未打开记为失败；监测时间点的各次访问均失败，"
        f"或{window}内访问满{t['min_probes_for_ratio']}次且失败占{_percent(t['failure_ratio'])}及以上"
    )


def _columns(t: Mapping[str, Any]) -> str:
    periods = "、".join(f"{item['type']}{duration_text({k: v for k, v in item.items() if k != 'type'})}" for item in t["stale_after"])
    return (
        f"栏目更新期限：{periods}；{'、'.join(t['timely_types'])}栏目超期{t['stale_veto_count']}个及以上，"
        f"或{'、'.join(t['should_update_types'])}栏目超期{t['long_stale_veto_count']}个及以上（不足时为提示）"
    )


def _posts(t: Mapping[str, Any]) -> str:
    return f"监测时间点前{t['no_update_days']}天内没有发布（超过{t['long_no_update_days']}天没有发布为长期无更新）"


RULE_WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "site.availability": _availability,
    "site.home": lambda t: f"首页超过{t['stale_days']}天没有新信息",
    "site.columns.blank": lambda t: f"空白栏目{t['blank_veto_count']}个及以上（不足时为提示）",
    "site.columns": _columns,
    "site.interaction": lambda t: (
        f"监测时间点前{duration_text(t['window'])}内的留言超过{duration_text(t['reply_within'])}未回复，或网站没有可用的互动渠道"
    ),
    "site.wording.serious": lambda t: f"页面出现严重表述错误（词表：{value_text(t['word_lists'])}）",
    "site.wording.misspellings": lambda t: (
        f"页面出现常见错别字（词表：{value_text(t['lists'])}），每个错别字扣{value_text(t['points_per_word'])}分，最多扣{value_text(t['max_points'])}分"
    ),
    # before site.services: the first family a code falls under words it
    "site.services.guides": lambda t: (
        f"抽查办事指南（至多{value_text(t['sample_size'])}个）缺少事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程中的一类要素"
        f"扣{value_text(t['points_per_class'])}分，同一要素只扣一次，最多扣{value_text(t['max_points'])}分"
    ),
    "site.services": lambda t: "须提供办事服务的网站，首页及其导航中没有办事服务入口",
    "site.security.future_dates": lambda t: "列表信息的发布日期晚于页面读取时间",
    "site.security": lambda t: f"页面链接指向赌博、色情、暴力等不良内容（含隐藏的暗链；词表：{t.get('list', '')}）",
    "site.links.broken": lambda t: f"每个不可用链接扣{value_text(t['points_per_link'])}分，最多扣{value_text(t['max_points'])}分",
    "media.not_found": lambda t: "平台上找不到该账号",
    "media.found": lambda t: "平台上找不到该账号",
    "media.no_update_14d": _posts,
    "media.long_no_update": _posts,
    "media.posts": _posts,
    "media.no_original_3m": lambda t: f"监测时间点前{t['no_original_days']}天内没有原创信息",
    "media.originals": lambda t: f"监测时间点前{t['no_original_days']}天内没有原创信息",
    "media.renamed": lambda t: f"平台显示的名称与登记名称“{t['registered_name']}”不一致",
    "media.interaction": lambda t: "没有互动入口，或互动入口不能正常打开",
    "review.decision": lambda t: "检查未能自动完成，由检查人人工复核作出结论",
}
# thresholds by name, for a rule worded by none of the above
THRESHOLD_NAMES = {
    "stale_days": "首页更新期限（天）", "no_update_days": "更新期限（天）", "long_no_update_days": "长期无更新（天）",
    "no_original_days": "原创期限（天）", "failure_ratio": "访问失败占比", "min_probes_for_ratio": "按比例判定的最少访问次数",
    "probe_timeout_seconds": "访问超时（秒）", "window_days": "监测时段（天）", "stale_veto_count": "超期栏目数",
    "long_stale_veto_count": "长期未更新栏目数", "blank_veto_count": "空白栏目数", "timely_types": "栏目类型",
    "should_update_types": "应更新栏目类型", "stale_after": "更新期限", "window": "留言时段", "reply_within": "答复期限",
    "word_lists": "词表", "points_per_link": "每个链接扣分", "max_points": "最多扣分", "registered_name": "登记名称",
    "interaction_state": "互动入口状态", "found": "账号存在",
}

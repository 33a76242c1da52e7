"""A finding's stored evidence as a reader sees it: its links (with what and when) and its facts.

Evidence documents differ by rule (probes, stale columns, posts, broken links…), so they are
walked generically: every mapping holding an http(s) URL becomes a link, labelled with the
name, title or date it carries, the error or answer met there and its fetch time; the scalar
facts at the top level are printed under Chinese names, with an account's interaction entry,
its sources and the observations it was judged on. Only http(s) URLs are links: a scraped ``javascript:`` or
``data:`` value is never turned into one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
    "latest_post_read_at": "最新发布的读取时间",
    "latest_original_read_at": "最近原创的读取时间",
    "age_days_at_read": "读取当日距最近发布天数",
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
}
# how a page was read (an observation's ``method``)
READING_METHOD_NAMES = {"rendered": "浏览器渲染", "generic": "静态页面", "selector": "静态页面（指定位置）", "detail": "详情页"}
# an account's interaction entry (the rules' states) and which source gave each of its fields
INTERACTION_STATE_NAMES = {"ok": "正常", "missing": "未提供", "broken": "链接有误", "unknown": "无法确认", "unrecorded": "未记录",
                           "server_error": "服务器错误"}
SOURCE_FIELD_NAMES = {
    "found": "账号存在", "current_name": "当前名称", "latest_post_at": "最新发布时间",
    "interaction": "互动入口", "originals": "原创",
}
# what a link is called, from the fields of the mapping that holds it
LINK_NAME_FIELDS = ("name", "column", "title", "wrong", "source", "key")
LINK_DATE_FIELDS = ("newest_date", "date", "time", "asked")
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
SEVERITY_NAMES = {"veto": "单项否决", "deduct": "扣分", "note": "提示", "review": "待人工复核"}


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    label: str = ""  # e.g. 政务要闻 最新 2023-12-01, probe-1 timeout
    fetched_at: str = ""  # 2024-02-20 10:01:02, Asia/Shanghai

    def text(self) -> str:
        """One line: label, URL and fetch time."""
        parts = [self.label, self.url] if self.label else [self.url]
        if self.fetched_at:
            parts.append(f"（抓取 {self.fetched_at}）")
        return " ".join(parts)


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
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date)):
        return moment_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return compact_json(value)
    return str(value)


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=moment_text)


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
    parts = [next((str(mapping[f]) for f in LINK_NAME_FIELDS if mapping.get(f) not in (None, "")), "")]
    field = next((f for f in LINK_DATE_FIELDS if mapping.get(f)), None)
    if field is not None:
        parts.append(("最新 " if field == "newest_date" else "") + moment_text(mapping[field]))
    if isinstance(mapping.get("not_counted"), str):  # a visit's; the top level counts them in a mapping
        parts.append(NOT_COUNTED_NAMES.get(mapping["not_counted"], f"未计入：{mapping['not_counted']}"))
    if mapping.get("error"):
        parts.append(str(mapping["error"]))
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
        parts.append(f"抓取 {moment_text(observation['fetched_at'])}")
    if observation.get("posts_read") is not None:
        parts.append(f"读取发布数 {observation['posts_read']}")
    if observation.get("oldest_post_read"):
        parts.append(f"最早读到 {moment_text(observation['oldest_post_read'])}")
    if observation.get("error"):
        parts.append(f"未完成：{observation['error']}")
    return " ".join(part for part in parts if part)


def rule_text(rule: Any) -> str:
    """``site.home.stale {"stale_days":14}``: which rule fired with which threshold."""
    if not isinstance(rule, Mapping):
        return ""
    threshold = rule.get("threshold")
    return f"{rule.get('code', '')} {compact_json(threshold)}".strip() if threshold not in (None, {}, []) else str(rule.get("code", ""))

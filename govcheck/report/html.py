"""One self-contained HTML page per report: counts, charts (inline SVG), the 附件 tables, the
待人工复核 list and each target's evidence.

No script, stylesheet, font or image is loaded from anywhere: the page opens offline, and its
Content-Security-Policy (``CSP``, a meta tag) holds it to that: no script runs, nothing is
fetched, no form is sent, should a scraped string ever get past the escaping. Every
string that came from a crawl or a register (names, labels, reasons, URLs, evidence) is
escaped; only http(s) URLs become links. Evidence is shown for targets with findings only,
each target collapsed (``<details>``) inside its verdict group, so a 100,000-target round stays
a page a browser opens: the complete evidence of every finding is in the xlsx. Evidence reads
as words: the rule and its threshold (:func:`govcheck.report.evidence.rule_text`), the dates
seen on each page, and each page's 抓取时间, the moment govcheck read it (not a publication date).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from govcheck.report.evidence import (
    SEVERITY_NAMES,
    FETCHED,
    EvidenceLink,
    evidence_facts,
    evidence_links,
    fetched_text,
    is_web_url,
    moment_text,
    rule_text,
)
from govcheck.report.notice import new_media_paragraph, website_paragraph
from govcheck.report.recheck import FIXED, NOT_FIXED, STATUSES, RecheckReport
from govcheck.report.summary import (
    FAIL,
    KIND_NAMES,
    KINDS,
    PASS,
    REVIEW,
    AttachmentTable,
    RoundReport,
    TargetResult,
    Tally,
    attachment_tables,
    change_text,
    district_of,
    percent_text,
    problem_counts,
    review_rows,
)
from govcheck.report.titles import relative_round_name, round_name
from govcheck.report.xmltext import clean

LINKS_PER_FINDING = 3
DISTRICT_GROUPS_FROM = 100  # a verdict group this large is split by district
CHART_WIDTH = 860
LABEL_WIDTH = 230
TEXT_WIDTH = 170  # room right of the longest bar for its text
BAR_HEIGHT = 18
COLORS = ("#2f6fb0", "#e08a2c", "#6a9f3a")
STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px auto;max-width:1100px;color:#222;line-height:1.6;padding:0 16px}
h1{font-size:24px;text-align:center}h2{font-size:19px;border-bottom:2px solid #2f6fb0;padding-bottom:4px;margin-top:32px}
h3{font-size:16px}table{border-collapse:collapse;width:100%;margin:8px 0 16px}
th,td{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}th{background:#eef3f9}
td.n,th.n{text-align:center;white-space:nowrap}.fail{color:#b00020;font-weight:bold}.review{color:#8a5a00;font-weight:bold}
.pass{color:#2e7d32}.meta{text-align:center;color:#555}.period{text-align:center}
details{margin:4px 0}details details{margin-left:18px}summary{cursor:pointer}
ul.findings{margin:4px 0 8px 0}ul.links{margin:2px 0;font-size:13px;word-break:break-all}
.charts svg{display:block;margin:8px 0 20px}.note{color:#555;font-size:13px}
"""


# Inline styles only (the page's <style> and the 未完成 banner's style attribute); everything
# else refused. Links still open: a CSP does not restrict following an <a href>.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def esc(value: Any) -> str:
    """Any value as escaped HTML text (quotes included, so it is safe in attributes too)."""
    return html.escape(clean("" if value is None else str(value)), quote=True)


def link(url: str, text: str | None = None) -> str:
    """An anchor for http(s) URLs; anything else (javascript:, data:) stays text."""
    if is_web_url(url):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text or url)}</a>'
    return esc(text or url)


def verdict_class(verdict: str) -> str:
    return {FAIL: "fail", REVIEW: "review", PASS: "pass"}.get(verdict, "")


def page(title: str, body: Iterable[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )


def table(columns: Sequence[str], rows: Iterable[Sequence[str]], centered: Sequence[str] = ()) -> str:
    """A table of already-escaped cell HTML."""
    head = "".join(f'<th class="n">{esc(c)}</th>' if c in centered else f"<th>{esc(c)}</th>" for c in columns)
    lines = []
    for row in rows:
        cells = "".join(f'<td class="n">{cell}</td>' if column in centered else f"<td>{cell}</td>" for column, cell in zip(columns, row))
        lines.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


# -- charts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per category; None: no bar
    texts: Sequence[str]  # printed after each bar


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], maximum: float) -> str:
    """Horizontal bars, one group per category, one bar per series; inline SVG."""
    if not categories:
        return ""
    group_height = BAR_HEIGHT * len(series) + 10
    legend = 24 if len(series) > 1 else 0
    height = 30 + legend + group_height * len(categories)
    scale = (CHART_WIDTH - LABEL_WIDTH - TEXT_WIDTH) / (maximum or 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" role="img" aria-label="{esc(title)}">',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{esc(title)}</text>',
    ]
    if legend:
        for index, item in enumerate(series):
            x = LABEL_WIDTH + index * 140
            parts.append(f'<rect x="{x}" y="28" width="12" height="12" fill="{COLORS[index % len(COLORS)]}"/>')
            parts.append(f'<text x="{x + 16}" y="39" font-size="12">{esc(item.name)}</text>')
    for row, category in enumerate(categories):
        top = 30 + legend + row * group_height
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{top + group_height / 2 + 2:.0f}" font-size="12" text-anchor="end">{esc(category)}</text>')
        for index, item in enumerate(series):
            value = item.values[row]
            y = top + index * BAR_HEIGHT
            if value is None:
                continue
            width = max(0.0, float(value) * scale)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT - 4}" fill="{COLORS[index % len(COLORS)]}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR_HEIGHT - 6}" font-size="12">{esc(item.texts[row])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def rate_series(name: str, tallies: Sequence[Tally | None]) -> Series:
    rates = [t.rate if t else None for t in tallies]
    texts = [f"{percent_text(r)}（{t.passed}/{t.judged}）" if t and r is not None else "" for r, t in zip(rates, tallies)]
    return Series(name, [float(r) if r is not None else None for r in rates], texts)


def round_charts(report: RoundReport) -> str:
    charts = []
    districts = sorted({d for kind in KINDS for d in report.by_district(kind)})
    by_district = {kind: report.by_district(kind) for kind in KINDS}
    charts.append(bar_chart(
        "各区县合格率", districts,
        [rate_series(f"{KIND_NAMES[kind]}合格率", [by_district[kind].get(d) for d in districts]) for kind in KINDS], 100,
    ))
    categories = [(kind, c, t) for kind in KINDS for c, t in report.by_category(kind).items()]
    charts.append(bar_chart("各类别合格率", [c for _, c, _ in categories], [rate_series("合格率", [t for _, _, t in categories])], 100))
    problems = problem_counts(report.current.results)
    if problems:
        charts.append(bar_chart(
            "问题分布（按指标，对象数）", [name for name, _ in problems],
            [Series("对象数", [count for _, count in problems], [str(count) for _, count in problems])],
            max(count for _, count in problems),
        ))
    if report.previous is not None:
        previous_name = relative_round_name(report.previous.round_id, report.round_id)
        rows = [(KIND_NAMES[kind] + "（合计）", report.previous_tally(kind), report.tally(kind)) for kind in KINDS]
        for kind in KINDS:
            before = report.by_category(kind, previous=True)
            rows += [(category, before.get(category), now) for category, now in report.by_category(kind).items()]
        charts.append(bar_chart(
            f"与{previous_name}检查对比（合格率）", [name for name, _, _ in rows],
            [rate_series(previous_name, [b for _, b, _ in rows]), rate_series("本次", [n for _, _, n in rows])], 100,
        ))
    return '<section class="charts"><h2>图表</h2>' + "".join(charts) + "</section>"


# -- a round -------------------------------------------------------------------------------------


def profile_name(round_document: Mapping[str, Any]) -> str:
    """The round's rules profile as a report prints it: by its name, never by the folder of the
    file it was read from (a round stored before it kept its name: the file's name)."""
    return str(round_document.get("profile_name") or PurePath(str(round_document.get("profile", ""))).name)


def write_round_html(report: RoundReport, path: Path) -> Path:
    name = round_name(report.round_id)
    title = f"{name}政府网站与政务新媒体全面检查情况"
    round_document = report.current.round
    meta = (
        f"监测时间点：网站 {esc(moment_text(round_document['as_of']))}，"
        f"新媒体 {esc(moment_text(round_document.get('media_as_of') or round_document['as_of']))}"
        f"；规则：{esc(profile_name(round_document))}"
    )
    body = [
        f"<h1>{esc(title)}</h1><p class=\"meta\">{meta}</p>",
        "<h2>检查结果</h2>",
        totals_table(report),
        f"<p>一、{esc(website_paragraph(report))}</p><p>二、{esc(new_media_paragraph(report))}</p>",
        round_charts(report),
    ]
    body += [attachment_section(t) for t in attachment_tables(report)]
    body.append(review_section(report))
    body.append(evidence_section(report.current.results))
    path.write_text(page(title, body), encoding="utf-8")
    return path


def totals_table(report: RoundReport) -> str:
    columns = ["类别", "总数", "合格", "不合格", "待人工复核", "合格率"]
    if report.previous is not None:
        columns.append(f"较{relative_round_name(report.previous.round_id, report.round_id)}")
    rows = []
    for kind in KINDS:
        t = report.tally(kind)
        row = [esc(KIND_NAMES[kind]), str(t.total), str(t.passed), str(t.failed), str(t.review), esc(percent_text(t.rate))]
        if report.previous is not None:
            row.append(esc(change_text(report.change(kind)) or "—"))
        rows.append(row)
    return table(columns, rows, centered=columns[1:])


def attachment_section(attachment: AttachmentTable) -> str:
    rows = []
    for row in attachment.rows:
        cells = [esc(c) for c in row.cells()]
        verdict_index = attachment.columns.index("检查结果")
        cells[verdict_index] = f'<span class="{verdict_class(row.target.verdict)}">{cells[verdict_index]}</span>'
        rows.append(cells)
    return (
        f"<h2>{esc(attachment.label)}　{esc(attachment.title)}</h2><p class=\"period\">{esc(attachment.period)}</p>"
        + (table(attachment.columns, rows, centered=("序号", "检查结果", "账号类型")) if rows else "<p>无不合格或有问题提示的对象。</p>")
    )


def review_section(report: RoundReport) -> str:
    pending = review_rows(report.current.results)
    if not pending:
        return "<h2>待人工复核</h2><p>无。</p>"
    rows = [
        [str(row.number), esc(KIND_NAMES.get(row.target.kind, "")), esc(row.target.name), esc(row.target.category),
         esc(row.target.district), "<br>".join(esc(reason) for reason in row.reasons),
         links_list(link for f in row.target.findings if f.get("severity") == "review" for link in evidence_links(f.get("evidence")))]
        for row in pending
    ]
    return "<h2>待人工复核</h2>" + table(["序号", "类型", "名称", "类别", "区县", "原因", "待查看"], rows, centered=("序号", "类型"))


def evidence_section(results: Sequence[TargetResult]) -> str:
    """Targets with problems, each collapsed: 不合格, then 合格 with a note; by district when many.

    The 待人工复核 targets are listed above with their reasons and the pages to look at."""
    groups = [
        ("不合格", [r for r in results if r.verdict == FAIL and r.findings]),
        ("合格（有问题提示）", [r for r in results if r.verdict == PASS and r.findings]),
    ]
    parts = ['<h2>检查证据</h2><p class="note">不合格和有问题提示的对象，点击展开；每条发现最多显示'
             f"{LINKS_PER_FINDING}个证据链接，全部发现和证据见汇总表（xlsx）“发现问题”工作表。"
             f"“最新发布”“发布”是页面上所见信息的日期；“{FETCHED}”是本系统读取该页面的时间，不是信息的发布时间。</p>"]
    for name, members in groups:
        if not members:
            continue
        parts.append(f"<details><summary>{esc(name)}（{len(members)}个）</summary>")
        if len(members) < DISTRICT_GROUPS_FROM:
            parts.extend(target_evidence(r) for r in members)
        else:
            by_district: dict[str, list[TargetResult]] = {}
            for result in members:
                by_district.setdefault(district_of(result), []).append(result)
            for district in sorted(by_district):
                parts.append(f"<details><summary>{esc(district)}（{len(by_district[district])}个）</summary>")
                parts.extend(target_evidence(r) for r in by_district[district])
                parts.append("</details>")
        parts.append("</details>")
    return "".join(parts)


def target_evidence(result: TargetResult) -> str:
    summary = " · ".join(esc(part) for part in (result.name, result.category, result.district, result.verdict, result.labels) if part)
    return f"<details><summary>{summary}</summary>{findings_list(result.findings)}</details>"


def findings_list(findings: Sequence[dict[str, Any]]) -> str:
    """Each finding: label, 性质, rule, reason or facts, and its first links."""
    items = []
    for finding in findings:
        severity = SEVERITY_NAMES.get(finding.get("severity", ""), finding.get("severity", ""))
        rule = rule_text(finding.get("rule"))
        parts = [f"<b>{esc(finding.get('label', ''))}</b> {esc(severity)}" + (f" · 判定规则：{esc(rule)}" if rule else "")]
        if finding.get("severity") == "review" and finding.get("reason"):
            parts.append(f"原因：{esc(finding['reason'])}")
        facts = evidence_facts(finding.get("evidence"))
        if facts:
            parts.append(esc(facts))
        items.append("<li>" + "<br>".join(parts) + links_list(evidence_links(finding.get("evidence"))) + "</li>")
    return f'<ul class="findings">{"".join(items)}</ul>'


def links_list(links: Iterable[EvidenceLink]) -> str:
    """The first LINKS_PER_FINDING links, with what they are and when they were fetched."""
    links = list(links)
    shown = "".join(
        f"<li>{esc(item.label + ' ') if item.label else ''}{link(item.url)}"
        f"{esc(fetched_text(item.fetched_at)) if item.fetched_at else ''}</li>"
        for item in links[:LINKS_PER_FINDING]
    )
    more = f"<li>另有{len(links) - LINKS_PER_FINDING}个链接，见汇总表</li>" if len(links) > LINKS_PER_FINDING else ""
    return f'<ul class="links">{shown}{more}</ul>' if shown else ""


# -- a re-check ----------------------------------------------------------------------------------


def write_recheck_html(report: RecheckReport, path: Path) -> Path:
    counts = {kind: report.counts(kind) for kind in KINDS}
    totals_rows = [[esc(KIND_NAMES[kind]), str(sum(counts[kind].values()))] + [str(counts[kind][s]) for s in STATUSES] for kind in KINDS]
    chart = bar_chart(
        "整改情况", [f"{KIND_NAMES[kind]}·{status}" for kind in KINDS for status in STATUSES],
        [Series("对象数", [counts[k][s] for k in KINDS for s in STATUSES], [str(counts[k][s]) for k in KINDS for s in STATUSES])],
        max([1] + [counts[k][s] for k in KINDS for s in STATUSES]),
    )
    status_class = {FIXED: "pass", NOT_FIXED: "fail", REVIEW: "review"}
    rows = [
        [str(row.number), esc(KIND_NAMES.get(row.original.kind, "")), esc(row.original.name), esc(row.original.category),
         esc(row.original.labels), f'<span class="{verdict_class(row.recheck_verdict)}">{esc(row.recheck_verdict)}</span>',
         f'<span class="{status_class.get(row.status, "")}">{esc(row.status)}</span>', esc(row.note),
         findings_list(row.findings) if row.findings else ""]
        for row in report.rows
    ]
    body = [
        f"<h1>{esc(report.title.removesuffix('表'))}</h1><p class=\"period\">{esc(report.period)}</p>",
        table(["类型", "复查对象", *STATUSES], totals_rows, centered=["复查对象", *STATUSES]),
        f'<section class="charts">{chart}</section>',
        "<h2>复查明细</h2>",
        table(["序号", "类型", "名称", "类别", "原检查问题", "复查结果", "整改情况", "说明", "证据"], rows,
              centered=("序号", "类型", "复查结果", "整改情况")),
    ]
    path.write_text(page(report.title, body), encoding="utf-8")
    return path

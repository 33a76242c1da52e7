"""What every report prints, read once from the store: counts, 合格率, changes, attachment rows.

The xlsx, docx and html writers and the tests all take their numbers and rows from here, so
the three files cannot disagree.

Conventions (those of the Weinan notice):

- 合格率 is 合格 ÷ (合格 + 不合格), in percent, rounded half up to one decimal and printed
  without a trailing ``.0`` (47/51 → 92.2%, 437/470 → 93%). Targets still 待人工复核 are
  counted apart and left out of the rate: a check we could not complete is never a failure,
  and not yet a pass either.
- The change against a previous round is the difference of the two printed rates, in
  percentage points, printed as the notice does (提升4%, 下降1.5%, 持平).
- 附件 tables list a kind's 不合格 targets first, then its 合格 targets that carry a note
  (个别栏目更新不及时), each group in register order: the order of the targets file
  (``source`` file, sheet, row) the targets were imported from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from govcheck.report.titles import inspection_days, period_text, round_name
from govcheck.rounds import get_round
from govcheck.rules import SCORE_LABEL_DEFAULTS
from govcheck.store import Store

from govcheck.targets import ACCOUNT_TYPES, SITE_CATEGORIES

PASS, FAIL, REVIEW = "合格", "不合格", "待人工复核"
KINDS = ("site", "account")
KIND_NAMES = {"site": "网站", "account": "新媒体"}
NO_DISTRICT = "未填区县"
SEVERITY_ORDER = {"veto": 0, "deduct": 1, "review": 2, "note": 3, "unmeasured": 4}
PROBLEM_SEVERITIES = ("veto", "deduct", "note")
ONE_DECIMAL = Decimal("0.1")
UNREGISTERED = (1, "", "", 0)  # the register order of a target with no source: after all others

# 附件 columns as the notice prints them
ATTACHMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "site": ("序号", "网站名称", "检查结果", "突出问题"),
    "account": ("序号", "账号名称", "账号类型", "检查结果", "备注"),
}


# -- one target's result -------------------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    """A target's verdict in a round, with its findings (most serious first)."""

    key: str
    kind: str
    name: str
    category: str  # 网站类别, or 账号类型 for an account
    platform: str
    district: str
    verdict: str
    score: float | None
    labels: str  # the 突出问题 / 备注 cell; for 待人工复核 the reasons
    findings: tuple[dict[str, Any], ...] = ()
    register_order: tuple[Any, ...] = ()
    organizer: str = ""  # 主办单位 in the register
    score_missing: tuple[str, ...] = ()  # 扣分 items not measured nor recorded: the score is not final

    @property
    def noted(self) -> bool:
        """合格, with a problem printed in the notice (个别栏目更新不及时)."""
        return self.verdict == PASS and bool(self.labels)

    def review_reasons(self) -> list[str]:
        """Why checks could not be completed, one per review finding (the verdict's text if none stored)."""
        reasons = [f.get("reason") or f.get("label", "") for f in self.findings if f.get("severity") == "review"]
        reasons = list(dict.fromkeys(r for r in reasons if r))
        return reasons or ([self.labels] if self.verdict == REVIEW and self.labels else [])

    @property
    def vetoed(self) -> bool:
        """不合格 by a veto (单项否决): its points say nothing of the verdict."""
        return self.verdict == FAIL and any(f.get("severity") == "veto" for f in self.findings)

    def problems(self) -> list[dict[str, Any]]:
        """The findings that make the 突出问题 cell: vetoes of a failed target (its deductions
        when points alone failed it), else the notes and deductions of a pass."""
        if self.verdict == FAIL:
            vetoes = [f for f in self.findings if f.get("severity") == "veto"]
            return vetoes or [f for f in self.findings if f.get("severity") == "deduct"]
        if self.verdict == PASS:
            return [f for f in self.findings if f.get("severity") in ("note", "deduct")]
        return []


VETOED = "单项否决"


def score_cell(result: TargetResult) -> float | str | None:
    """得分 as the reports print it: the score where it decided or could decide the verdict (a
    合格, a 不合格 on points); 单项否决 for a target a veto failed; nothing for one under review
    (its checks are incomplete), one without a stored score (a recorded round), or a 不合格 that
    neither a veto nor its points explain (never 100 beside 不合格); 评分未完成（缺：…） while
    items of the score were not measured nor recorded (never a number that looks final)."""
    if result.vetoed:
        return VETOED
    if result.score is None or result.verdict == REVIEW:
        return None
    if result.verdict == FAIL and not any(f.get("severity") == "deduct" for f in result.findings):
        return None
    if result.score_missing:
        return SCORE_LABEL_DEFAULTS["incomplete"].format(items="、".join(result.score_missing))
    return result.score


def result_from(verdict: dict[str, Any], target: dict[str, Any] | None, findings: Sequence[dict[str, Any]]) -> TargetResult:
    """A verdict joined with its target (None when it left the register) and its findings."""
    target = target or {}
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.get("severity", ""), 9), f.get("code", ""))) if findings else ()
    return TargetResult(
        key=verdict["target_key"],
        kind=verdict.get("kind") or target.get("kind", ""),
        name=verdict.get("name") or target.get("name", ""),
        category=verdict.get("category") or target.get("category") or target.get("account_type", ""),
        platform=verdict.get("platform") or target.get("platform", ""),
        district=verdict.get("district") or target.get("district", ""),
        verdict=verdict.get("verdict", ""),
        score=verdict.get("score"),
        labels=verdict.get("labels") or "",
        findings=tuple(ordered),
        register_order=register_order(target),
        organizer=target.get("organizer") or "",
        score_missing=tuple(verdict.get("score_missing") or ()),
    )


def register_order(target: dict[str, Any]) -> tuple[Any, ...]:
    """Where the target stands in the targets file; targets without a source go last."""
    source = target.get("source") or {}
    if not source:
        return UNREGISTERED
    return (0, str(source.get("file", "")), str(source.get("sheet", "")), int(source.get("row") or 0))


# -- a round's results ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundResults:
    """Every verdict of a round, websites then accounts, each in register order."""

    round: dict[str, Any]
    results: tuple[TargetResult, ...]

    @property
    def round_id(self) -> str:
        return self.round["round"]

    def of_kind(self, kind: str) -> tuple[TargetResult, ...]:
        return self._by_kind.get(kind, ())

    @cached_property
    def _by_kind(self) -> dict[str, tuple[TargetResult, ...]]:
        grouped: dict[str, list[TargetResult]] = defaultdict(list)
        for result in self.results:
            grouped[result.kind].append(result)
        return {kind: tuple(results) for kind, results in grouped.items()}


def load_round_results(store: Store, round_id: str, details: bool = True, verdict: str | None = None) -> RoundResults:
    """A round's verdicts (only those of ``verdict`` when given). With ``details`` they are
    joined with their targets and findings and put in register order; without, they are only
    good for counting. Raises RoundError when the round does not exist."""
    round_document = get_round(store, round_id)
    query: dict[str, Any] = {"round": round_id}
    if verdict is not None:
        query["verdict"] = verdict
    verdicts = store.find("verdicts", query)
    targets: dict[str, dict[str, Any]] = {}
    findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if details:
        targets = {t["key"]: t for t in store.find("targets")}
        wanted = {v["target_key"] for v in verdicts}
        for finding in store.find("findings", {"round": round_id}):
            if finding["target_key"] in wanted:
                findings[finding["target_key"]].append(finding)
    results = [result_from(v, targets.get(v["target_key"]), findings.get(v["target_key"], ())) for v in verdicts]
    if details:  # without the targets there is no register order to follow
        kind_rank = {kind: index for index, kind in enumerate(KINDS)}
        results.sort(key=lambda r: (kind_rank.get(r.kind, len(KINDS)), r.register_order, r.name, r.key))
    return RoundResults(round_document, tuple(results))


# -- counts and rates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """How many targets of a group got each verdict."""

    total: int = 0
    passed: int = 0
    failed: int = 0
    review: int = 0

    @property
    def judged(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> Decimal | None:
        """合格率 in percent to one decimal, over the judged targets; None when none was judged."""
        return percent(self.passed, self.judged)


def tally(results: Iterable[TargetResult]) -> Tally:
    counts = {PASS: 0, FAIL: 0, REVIEW: 0}
    total = 0
    for result in results:
        total += 1
        if result.verdict in counts:
            counts[result.verdict] += 1
    return Tally(total, counts[PASS], counts[FAIL], counts[REVIEW])


def tallies_by(results: Iterable[TargetResult], group: Callable[[TargetResult], str], order: Sequence[str] = ()) -> dict[str, Tally]:
    """One tally per group, the groups of ``order`` first (when present), the others by name."""
    grouped: dict[str, list[TargetResult]] = defaultdict(list)
    for result in results:
        grouped[group(result)].append(result)
    names = [name for name in order if name in grouped] + sorted(name for name in grouped if name not in order)
    return {name: tally(grouped[name]) for name in names}


def category_order(kind: str) -> tuple[str, ...]:
    return SITE_CATEGORIES if kind == "site" else ACCOUNT_TYPES


def district_of(result: TargetResult) -> str:
    return result.district or NO_DISTRICT


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in percent, rounded half up to one decimal (exact decimal arithmetic)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """92.2 → 92.2%, 93.0 → 93%; None → —."""
    if value is None:
        return "—"
    return f"{_plain_number(value)}%"


def change_points(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change in percentage points between two printed rates."""
    if current is None or previous is None:
        return None
    return current - previous


def change_text(change: Decimal | None) -> str:
    """提升4% / 下降1.5% / 持平, as the notice words the change against the previous round."""
    if change is None:
        return ""
    if change > 0:
        return f"提升{_plain_number(change)}%"
    if change < 0:
        return f"下降{_plain_number(-change)}%"
    return "持平"


def _plain_number(value: Decimal) -> str:
    value = value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value)


# -- the report of a round -------------------------------------------------------------------


@dataclass(frozen=True)
class RoundReport:
    """A round's results, and the previous round's (for the change) when one is named."""

    current: RoundResults
    previous: RoundResults | None = None

    @property
    def round_id(self) -> str:
        return self.current.round_id

    def tally(self, kind: str) -> Tally:
        return self._tallies[(kind, "current")]

    def previous_tally(self, kind: str) -> Tally | None:
        return self._tallies.get((kind, "previous"))

    def change(self, kind: str) -> Decimal | None:
        previous = self.previous_tally(kind)
        return change_points(self.tally(kind).rate, previous.rate if previous else None)

    def by_category(self, kind: str, previous: bool = False) -> dict[str, Tally]:
        return self._categories.get((kind, "previous" if previous else "current"), {})

    def by_district(self, kind: str) -> dict[str, Tally]:
        return self._districts[kind]

    # Counted once: the writers ask for the same counts many times over 100,000 results.

    @cached_property
    def _rounds(self) -> dict[str, RoundResults]:
        return {"current": self.current, **({"previous": self.previous} if self.previous else {})}

    @cached_property
    def _tallies(self) -> dict[tuple[str, str], Tally]:
        return {(kind, which): tally(results.of_kind(kind)) for which, results in self._rounds.items() for kind in KINDS}

    @cached_property
    def _categories(self) -> dict[tuple[str, str], dict[str, Tally]]:
        return {
            (kind, which): tallies_by(results.of_kind(kind), lambda r: r.category, category_order(kind))
            for which, results in self._rounds.items()
            for kind in KINDS
        }

    @cached_property
    def _districts(self) -> dict[str, dict[str, Tally]]:
        return {kind: tallies_by(self.current.of_kind(kind), district_of) for kind in KINDS}


def load_round_report(store: Store, round_id: str, previous: str | None = None) -> RoundReport:
    """The round with every detail; the previous round's verdicts only (its counts are compared)."""
    current = load_round_results(store, round_id)
    earlier = load_round_results(store, previous, details=False) if previous else None
    return RoundReport(current, earlier)


# -- rows of the tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentRow:
    """One row of 附件1 (websites) or 附件2 (new media)."""

    number: int
    target: TargetResult

    def cells(self) -> tuple[Any, ...]:
        """The row as ATTACHMENT_COLUMNS[kind] prints it."""
        t = self.target
        if t.kind == "site":
            return (self.number, t.name, t.verdict, t.labels)
        return (self.number, t.name, t.category, t.verdict, t.labels)


def attachment_rows(results: Sequence[TargetResult], kind: str) -> list[AttachmentRow]:
    """A kind's 不合格 targets, then its 合格 targets with a note, each in register order."""
    of_kind = [r for r in results if r.kind == kind]
    listed = [r for r in of_kind if r.verdict == FAIL] + [r for r in of_kind if r.noted]
    return [AttachmentRow(number, result) for number, result in enumerate(listed, start=1)]


@dataclass(frozen=True)
class ReviewRow:
    """A target still 待人工复核, with every reason a check could not be completed."""

    number: int
    target: TargetResult
    reasons: tuple[str, ...]


def review_rows(results: Sequence[TargetResult]) -> list[ReviewRow]:
    pending = [r for r in results if r.verdict == REVIEW]
    return [ReviewRow(number, r, tuple(r.review_reasons())) for number, r in enumerate(pending, start=1)]


def problem_name(label: str) -> str:
    """A label without its particulars, to count problems by indicator:
    已改名(高新警讯)系统中未改名 → 已改名系统中未改名, 存在不可用链接(6个) → 存在不可用链接."""
    return re.sub(r"[(（][^()（）]*[)）]", "", label).strip()


def problem_counts(results: Iterable[TargetResult]) -> list[tuple[str, int]]:
    """How many targets show each problem (vetoes, deductions, notes), most frequent first.

    Problems are told apart by indicator code and severity (the note 个别栏目更新不及时 is not
    the veto 多个栏目更新不及时) and named by their most frequent label without its
    particulars, so 已改名(洛惠渠)系统中未改 counts with 已改名(高新警讯)系统中未改名."""
    labels: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    codes_of: list[set[tuple[str, str]]] = []
    for result in results:
        codes = set()
        for finding in result.findings:
            if finding.get("severity") in PROBLEM_SEVERITIES:
                code = (finding.get("code", "").split(":")[0], finding["severity"])
                labels[code][problem_name(finding.get("label", ""))] += 1
                codes.add(code)
        if codes:
            codes_of.append(codes)
    name_of = {code: counter.most_common(1)[0][0] for code, counter in labels.items()}
    counts: Counter[str] = Counter()
    for codes in codes_of:
        counts.update({name_of[code] for code in codes if name_of[code]})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# -- the attachments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentTable:
    """附件1 or 附件2 of the notice: its label, title, inspection period, columns and rows."""

    label: str  # 附件1
    kind: str
    title: str  # 2024年第一次政府网站全面检查情况汇总表
    period: str  # （检查时间：2月19日——2月20日）
    columns: tuple[str, ...]
    rows: tuple[AttachmentRow, ...]


ATTACHMENT_SUBJECTS = {"site": "政府网站", "account": "政务新媒体"}


def attachment_tables(report: RoundReport) -> list[AttachmentTable]:
    """附件1 (websites) and 附件2 (new media) of the round."""
    name = round_name(report.round_id)
    return [
        AttachmentTable(
            label=f"附件{number}",
            kind=kind,
            title=f"{name}{ATTACHMENT_SUBJECTS[kind]}全面检查情况汇总表",
            period=period_text(*inspection_days(report.current.round, kind)),
            columns=ATTACHMENT_COLUMNS[kind],
            rows=tuple(attachment_rows(report.current.results, kind)),
        )
        for number, kind in enumerate(KINDS, start=1)
    ]

"""Inspection rounds: their monitoring time point, turning stored observations into verdicts,
and whether a round is finished.

Which observations count: those of the latest run that observed the target (runs carry ids
sortable by their start, govcheck.runs), the availability job's probes of every run (its
runs add to the round's record by design) and the inspectors' own observations (``govcheck
observe import``: they belong to no run and count until the next import of the same account
replaces them). Observations stored before runs were recorded (no ``run``) count only while
the target has none from a run. Older runs' observations stay in the store, as history: a
column removed from the register between two runs is not judged on the first run's evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from govcheck.decisions import apply_decision, decided_fields, latest_decisions
from govcheck.rules import Assessment, assess, load_profile, profile_reference
from govcheck.runs import FINISHED, INCOMPLETE, INTERRUPTED, RUNNING, SEVERITY, DEFAULT_STALE_SECONDS, part_is_dead
from govcheck.store import SHANGHAI, Store, StoreError

ROUND_ID = re.compile(r"^\d{4}-[1-9]\d*$")


class RoundError(ValueError):
    """A round cannot be started or used as asked."""


ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}$")


def parse_as_of(text: str) -> datetime:
    """The monitoring time point: a day (``YYYY-MM-DD``) means the end of that day in Shanghai.

    Every ISO form of a single day means the same as ``YYYY-MM-DD``: ``20240220`` and
    ``2024-W08-2`` are 2024-02-20 23:59:59. An operator who types a day in another ISO
    spelling means that day, not its first second (datetime.fromisoformat would read them
    as midnight: a silent 24-hour shift), and refusing a valid spelling of a day would only
    be a nuisance. A week without its day (``2024-W08``) names seven days, not one, so it is
    refused rather than read as its Monday. A date-time with a time part keeps that time.
    """
    text = text.strip()
    if ISO_WEEK.match(text):
        raise RoundError(f"as_of {text!r}: a week, not a day; expected YYYY-MM-DD or an ISO date-time")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise RoundError(f"as_of {text!r}: expected YYYY-MM-DD or an ISO date-time") from None
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)


def parse_day_start(text: str) -> datetime:
    """A day given as ``YYYY-MM-DD``: its start in Shanghai."""
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise RoundError(f"{text!r}: expected a day, YYYY-MM-DD") from None
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)


def monitoring_point(round_document: dict[str, Any], kind: str) -> datetime:
    """The round's 监测时间点 for websites (``as_of``) or for accounts (``media_as_of``).

    Offices inspect websites and new media on different days (the Weinan notice: websites
    2月19日—2月20日, new media 2月23日); without a media time point both use ``as_of``.
    """
    if kind == "account":
        return round_document.get("media_as_of") or round_document["as_of"]
    return round_document["as_of"]


def start_round(
    store: Store,
    round_id: str,
    as_of: datetime,
    profile: str,
    started_at: datetime,
    media_as_of: datetime | None = None,
    inspected_from: datetime | None = None,
) -> dict[str, Any]:
    """Create the round, or reopen it for a re-run with the same monitoring time points.

    ``inspected_from``: the first day of the websites' inspection as the notice prints it
    (检查时间 2月19日——2月20日); without it the reports take the day the crawl started.
    """
    if not ROUND_ID.match(round_id):
        raise RoundError(f"round {round_id!r}: expected YEAR-N, e.g. 2024-1")
    profile = profile_reference(profile)  # a file by its absolute path: the round is used from other folders
    profile_name = load_profile(profile).name  # fails before crawling when the profile does not exist
    existing = store.get_round(round_id)
    media_as_of = media_as_of or as_of
    if existing and (existing["as_of"], monitoring_point(existing, "account")) != (as_of, media_as_of):
        raise RoundError(
            f"round {round_id} was inspected as of {existing['as_of'].isoformat()} "
            f"(new media {monitoring_point(existing, 'account').isoformat()}); a re-run must use the "
            f"same as_of (asked {as_of.isoformat()}, new media {media_as_of.isoformat()})"
        )
    document = {
        "round": round_id,
        "as_of": as_of,
        "media_as_of": media_as_of,
        "profile": profile,
        # what the reports print and the findings name: a file's folder is this machine's
        "profile_name": profile_name,
        "started_at": existing["started_at"] if existing else started_at,
        "status": "running",
    }
    if inspected_from is not None:
        if inspected_from > as_of:
            raise RoundError(f"round {round_id}: the inspection cannot start ({inspected_from.date()}) after its monitoring time point ({as_of.date()})")
        document["inspected_from"] = inspected_from
    elif existing and existing.get("inspected_from"):
        document["inspected_from"] = existing["inspected_from"]
    store.save_round(document)
    return document


def get_round(store: Store, round_id: str) -> dict[str, Any]:
    found = store.get_round(round_id)
    if not found:
        raise RoundError(f"round {round_id} does not exist: start it with govcheck run")
    return found


def classify_round(
    store: Store, round_id: str, target_keys: Iterable[str] | None = None
) -> list[Assessment]:
    """Assess targets of a round from their stored observations and store the results.

    Pure rules on stored evidence, so it can run again at any time (after an inspector
    imports manual observations, say) and gives the same documents.
    """
    round_document = get_round(store, round_id)
    profile = load_profile(round_document["profile"])
    if target_keys is None:
        keys = sorted({o["target_key"] for o in store.find("observations", {"round": round_id})})
    else:
        keys = sorted(set(target_keys))
    targets = {t["key"]: t for t in store.find("targets", {"key": {"$in": keys}})}
    window = window_runs(store, round_id)
    decisions = latest_decisions(store, round_id, keys)  # inspectors' decisions on reviews (govcheck.decisions)
    assessments = []
    for target_key in keys:
        target = targets.get(target_key)
        if target is None:
            continue  # observations of a target removed from the registry: nothing to judge
        as_of = monitoring_point(round_document, target["kind"])
        counted = counted_observations(store.observations_of(round_id, target_key), window)
        assessment = apply_decision(assess(target, counted.observations, as_of, profile), decisions.get(target_key), profile, target["kind"])
        store.save_assessment(
            round_id,
            {**verdict_document(target, assessment, profile.name, as_of), "run": counted.run, "manual": counted.manual,
             **decided_fields(assessment)},
            [finding.to_document() for finding in assessment.findings],
        )
        assessments.append(assessment)
    return assessments


def window_runs(store: Store, round_id: str) -> set[str]:
    """The runs of the availability job (probes through the monitored week) in the round."""
    return {part["run"] for part in store.find("runs", {"round": round_id, "window": True})}


@dataclass(frozen=True)
class CountedObservations:
    """A target's observations that count, and what they came from: ``run``, the run whose
    crawl they are (None: none from a run), ``manual``, an inspector's among them."""

    observations: list[dict[str, Any]]
    run: str | None
    manual: bool


def counted_observations(observations: Sequence[Mapping[str, Any]], window: set[str] | frozenset[str] = frozenset()) -> CountedObservations:
    """The observations a target is judged on (see the module docstring), in their given order."""
    crawled = [o for o in observations if not o.get("manual") and o.get("run") not in window]
    latest = max((o.get("run") or "" for o in crawled), default=None)
    counted = [
        dict(o) for o in observations
        if o.get("manual") or o.get("run") in window or (o.get("run") or "") == latest
    ]
    return CountedObservations(counted, latest or None, any(o.get("manual") for o in observations))


def verdict_document(
    target: dict[str, Any], assessment: Assessment, profile: str, as_of: datetime
) -> dict[str, Any]:
    return {
        "target_key": target["key"],
        "kind": target["kind"],
        "name": target["name"],
        "category": target.get("category") or target.get("account_type", ""),
        "platform": target.get("platform", ""),
        "district": target.get("district", ""),
        "verdict": assessment.verdict,
        "score": assessment.score,
        # the 扣分 items not measured nor recorded: the score is not final while any is listed
        "score_missing": list(assessment.score_missing),
        # why the crawler's items among them could not be measured this round
        "score_unmeasured": [{"code": f.code, "label": f.label, "reason": f.reason} for f in assessment.unmeasured],
        "labels": assessment.labels,
        "finding_codes": [finding.code for finding in assessment.findings],
        "profile": profile,
        "as_of": as_of,
    }


def finish_round(store: Store, round_id: str, finished_at: datetime) -> None:
    """A round whose results were recorded rather than crawled (no runs): finished."""
    document = get_round(store, round_id)
    store.save_round({**document, "finished_at": finished_at, "status": FINISHED})


# -- is the round finished? ----------------------------------------------------------------


@dataclass(frozen=True)
class RoundState:
    """Whether a round's crawl is finished, and if not why, in words (``why``; ``why_zh`` for
    the reports' watermark). ``run``: its latest run; ``unreached``: targets a run was given
    and none reached; ``dead``: parts found dead by this reading, to be marked interrupted."""

    round_id: str
    state: str
    run: str | None = None
    why: str = ""
    why_zh: str = ""
    unreached: tuple[str, ...] = ()
    dead: tuple[dict[str, Any], ...] = ()

    @property
    def finished(self) -> bool:
        return self.state == FINISHED

    def describe(self) -> str:
        """round 2024-1 is interrupted: …"""
        return f"round {self.round_id} is {self.state}" + (f": {self.why}" if self.why else "")

    def watermark(self) -> str:
        """What every report of an unfinished round says at its top, after 【未完成】."""
        detail = f"（{self.why_zh}）" if self.why_zh else ""
        return f"本轮检查未完成{detail}，本文件中的结果不完整，不能作为检查结果通报。"


STATE_WORDS_ZH = {INTERRUPTED: "被中断", INCOMPLETE: "未完成", RUNNING: "仍在进行", FINISHED: "已完成"}


def round_state(store: Store, round_id: str, now: datetime | None = None) -> RoundState:
    """The round's state from its runs (govcheck.runs) and its verdicts, the worst that applies:

    - ``running``: a part of a run still works (its heartbeat is fresh);
    - the state of the latest run: ``interrupted`` when a part was stopped by a signal or died
      (no heartbeat for its ``stale_after``, or its process gone from this machine);
      ``incomplete`` when a part was stopped early otherwise (a close limit, the store) or a
      target it was given got no observation from any of its parts;
    - the state of an earlier run that was stopped early, when verdicts still rest on it (it
      is the latest run that observed those targets: their evidence may be partial);
    - ``incomplete`` when a target some run was given has been reached by none (no verdict on
      a run's observations or an inspector's);
    - else ``finished``.

    A round without recorded runs (recorded from a file, or crawled before runs were recorded)
    has the status stored on it; ``running`` without a run record is read as interrupted once
    the round is older than the default ``stale_after``.
    """
    now = now or datetime.now(SHANGHAI)
    round_document = get_round(store, round_id)
    parts = [p for p in store.find("runs", {"round": round_id}) if not p.get("window")]
    if not parts:
        return _unrecorded_state(round_document, now)
    dead = [p for p in parts if part_is_dead(p, now)]
    dead_keys = {(p["run"], p["part"]) for p in dead}
    alive = [p for p in parts if p.get("state") == RUNNING and (p["run"], p["part"]) not in dead_keys]
    by_run: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        by_run.setdefault(part["run"], []).append(part)
    latest = max(by_run)
    if alive:
        part = max(alive, key=lambda p: p["run"])
        beat = part.get("heartbeat_at") or part.get("started_at")
        return RoundState(
            round_id, RUNNING, part["run"],
            f"run {part['run']} ({part.get('command', '')}) on {part.get('host')} pid {part.get('pid')}, last heartbeat {_moment(beat)}",
            f"运行 {part['run']} 仍在进行", dead=tuple(dead),
        )

    def part_state(part: dict[str, Any]) -> str:
        return INTERRUPTED if (part["run"], part["part"]) in dead_keys else str(part.get("state"))

    def run_state(run: str) -> str:
        """Its worst part (an incomplete part is one stopped early), or incomplete when a target
        it was given got no observation from any of its parts."""
        state = worst(*(part_state(p) for p in by_run[run]))
        return worst(state, INCOMPLETE) if _run_unreached(by_run[run]) else state

    def stopped_early(run: str) -> bool:
        return any(part_state(p) in (INTERRUPTED, INCOMPLETE) for p in by_run[run])

    verdicts = store.find("verdicts", {"round": round_id})
    resting = Counter(v["run"] for v in verdicts if v.get("run") in by_run)
    reached = {v["target_key"] for v in verdicts if v.get("run") or v.get("manual")}
    state, why, why_zh = run_state(latest), [], []
    if state != FINISHED:
        why.append(f"its latest {_run_words(latest, by_run[latest], dead_keys)}")
        why_zh.append(f"最近一次运行 {latest} {STATE_WORDS_ZH[state]}")
    for run in sorted(resting, reverse=True):
        if run != latest and stopped_early(run):
            state = worst(state, run_state(run))
            why.append(f"verdicts rest on {_run_words(run, by_run[run], dead_keys)} (targets: {resting[run]})")
            why_zh.append(f"{resting[run]}个检查对象的结果来自{STATE_WORDS_ZH[run_state(run)]}的运行 {run}")
    unreached = sorted(set().union(*(_run_unreached(p) for p in by_run.values())) - reached)
    if unreached:
        state = worst(state, INCOMPLETE)
        shown = ", ".join(unreached[:5]) + (", …" if len(unreached) > 5 else "")
        why.append(f"targets reached by no run: {len(unreached)} ({shown})")
        why_zh.append(f"{len(unreached)}个检查对象未检查到")
    return RoundState(round_id, state, latest, "; ".join(why), "；".join(why_zh), tuple(unreached), tuple(dead))


def worst(*states: str) -> str:
    """The worst of states for the round: running > interrupted > incomplete > finished."""
    return max(states, key=lambda s: SEVERITY.get(s, 0))


def _run_unreached(parts: Sequence[Mapping[str, Any]]) -> set[str]:
    """A run's targets that none of its parts reached: a part of a shared round leaves to the
    others the targets their queue gave them."""
    given: dict[str, list[Mapping[str, Any]]] = {}
    for part in parts:
        for key in part.get("targets") or ():
            given.setdefault(key, []).append(part)
    return {key for key, holders in given.items() if all(key in (p.get("unreached") or ()) for p in holders)}


def _run_words(run: str, parts: Sequence[Mapping[str, Any]], dead: set[tuple[str, str]]) -> str:
    """What became of a run, for an operator: run X, stopped by SIGINT at …; 3 targets not reached."""
    said = []
    for part in parts:
        if (part["run"], part["part"]) in dead:
            beat = part.get("heartbeat_at") or part.get("started_at")
            said.append(f"{part.get('command', part['part'])} on {part.get('host')} pid {part.get('pid')} died (no heartbeat since {_moment(beat)})")
        elif part.get("state") == INTERRUPTED:
            said.append(f"stopped by {part.get('stopped') or 'a signal'} at {_moment(part.get('finished_at'))}")
        elif part.get("stopped"):
            said.append(f"stopped early: {part['stopped']}")
    unreached = _run_unreached(parts)
    if unreached:
        said.append(f"{len(unreached)} of its {len({k for p in parts for k in p.get('targets') or ()})} targets got no observation")
    return f"run {run}" + (f" ({'; '.join(said)})" if said else "")


def _unrecorded_state(round_document: Mapping[str, Any], now: datetime) -> RoundState:
    round_id, status = round_document["round"], round_document.get("status")
    if status in (FINISHED, INCOMPLETE, INTERRUPTED):
        return RoundState(round_id, status, why=round_document.get("status_why", ""))
    started = round_document.get("started_at")
    if started is not None and (now - started).total_seconds() <= DEFAULT_STALE_SECONDS:
        return RoundState(round_id, RUNNING, why=f"started at {_moment(started)}, no run recorded yet", why_zh="刚开始")
    return RoundState(round_id, INTERRUPTED, why=f"started at {_moment(started)} and never finished (no run recorded)", why_zh="开始后未完成")


def _moment(value: Any) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else "?"


def record_round_state(store: Store, state: RoundState) -> None:
    """Marks the parts found dead interrupted and stores the state on the round (``status``,
    ``status_why``), for queries; a store that refuses writes (read-only) is left as it is."""
    now = datetime.now(SHANGHAI)
    summary = {"status": state.state, "status_why": state.why, "run": state.run}
    try:
        for part in state.dead:
            store.upsert("runs", {"round": part["round"], "run": part["run"], "part": part["part"],
                                  "state": INTERRUPTED, "stopped": "died (no heartbeat)", "detected_at": now})
        stored = store.get_round(state.round_id) or {}
        if any((stored.get(name) or None) != (value or None) for name, value in summary.items()):
            store.upsert("rounds", {"round": state.round_id, **summary})
    except StoreError:
        pass


def report_refusal(store: Store, round_id: str, force: bool = False) -> str | None:
    """None when the round's reports may be written as they are; the 未完成 mark they must carry
    when it is not finished and ``force`` is given; else RoundError saying its state and what to do.
    A round without verdicts has nothing to report, forced or not."""
    state = round_state(store, round_id)
    record_round_state(store, state)
    if not store.count("verdicts", {"round": round_id}):
        raise RoundError(f"round {round_id} has no verdicts: nothing to report ({state.describe()}); crawl it with govcheck run --round {round_id}")
    if state.finished:
        return None
    if not force:
        raise RoundError(
            f"{state.describe()}. Reports are written for finished rounds only: run it again "
            f"(govcheck run --round {round_id} --as-of …), or write them anyway, each marked 未完成, with --force"
        )
    return state.watermark()

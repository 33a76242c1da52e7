"""Running a whole round in one process: every spider, then every target assessed.

The process is one run of the round (govcheck.runs): it records its part with a heartbeat
while it works and says at the end whether the round is finished. A signal (Ctrl-C, SIGTERM)
during the crawl stops the spiders as Scrapy does (the pages in flight are dropped), the
targets are assessed on what was stored and the run is ``interrupted``; a second signal stops
at once. The first write the store refuses stops the crawl (govcheck.pipelines) and ends the
command with the store's path and cause.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any

from govcheck.rounds import (
    RoundError,
    RoundState,
    classify_round,
    parse_as_of,
    parse_day_start,
    record_round_state,
    round_state,
    start_round,
)
from govcheck.runs import FINISHED, INTERRUPTED, RUNNING, RunPart, SpiderEnd, ended_state, new_run_id, part_name, spider_end
from govcheck.store import SHANGHAI, Store, StoreWriteError

# `govcheck run` exit codes besides 0 (finished) and 1 (an error): an incomplete round, and
# an interrupted one (128 + the signal's number when a signal stopped it, as shells do).
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 4
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def round_spiders(spider_loader: Any) -> list[str]:
    """The spiders of a round's crawl: every spider but the scheduled window jobs (probes)."""
    return [name for name in spider_loader.list() if getattr(spider_loader.load(name), "in_round_crawl", True)]


@dataclass(frozen=True)
class RunOutcome:
    """What a run did: its id, how it ended, the round's state after it, the stored verdicts."""

    run_id: str
    run_state: str
    stopped: str  # why the run stopped before its end ("" when it ran to its end)
    signal: str  # SIGINT, SIGTERM or ""
    unreached: tuple[str, ...]  # targets of the run's spiders without an observation from it
    round: RoundState
    verdicts: list[dict[str, Any]]
    notes: tuple[str, ...] = ()  # our own faults the run survived (a page-reading worker died)

    @property
    def exit_code(self) -> int:
        """0 only when the round is finished (and this run with it)."""
        if self.run_state == INTERRUPTED or self.round.state == INTERRUPTED:
            return 128 + signal.Signals[self.signal].value if self.signal else EXIT_INTERRUPTED
        if self.run_state != FINISHED or not self.round.finished:
            return EXIT_INCOMPLETE
        return 0


class SignalWatch:
    """Which signal stopped the crawl: handlers that note it and hand it on to Scrapy's."""

    def __init__(self) -> None:
        self.name = ""

    def install(self) -> None:
        """Wraps the handlers in place (Scrapy's, installed when the reactor started)."""
        for number in STOPPING_SIGNALS:
            handed_on = signal.getsignal(number)

            def noted(received: int, frame: FrameType | None, handed_on: Any = handed_on) -> None:
                self.name = self.name or signal.Signals(received).name
                if callable(handed_on):
                    handed_on(received, frame)

            signal.signal(number, noted)

    def after_crawl(self) -> None:
        """Once the reactor has stopped, a signal interrupts the assessment that follows."""
        def interrupt(received: int, frame: FrameType | None) -> None:
            self.name = self.name or signal.Signals(received).name
            raise KeyboardInterrupt

        for number in STOPPING_SIGNALS:
            signal.signal(number, interrupt)

    @staticmethod
    def restore() -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def covers(spidercls: Any, target: Mapping[str, Any]) -> bool:
    """Whether a spider inspects this target: its kind, and its platform for accounts."""
    if getattr(spidercls, "target_kind", None) != target.get("kind"):
        return False
    platform = getattr(spidercls, "platform", "")
    return not platform or platform == target.get("platform")


def refuse_a_second_run(store: Store, round_id: str) -> None:
    """A round is crawled by one run at a time; parts found dead are marked interrupted."""
    state = round_state(store, round_id)
    record_round_state(store, state)
    if state.state == RUNNING:
        raise RoundError(f"{state.describe()}; wait for it to end, or stop it, before running the round again")


def run_round(
    store: Store,
    round_id: str,
    as_of_text: str,
    profile: str,
    spiders: Sequence[str] | None = None,
    targets: str | None = None,
    settings: Mapping[str, Any] | None = None,
    media_as_of_text: str | None = None,
    inspected_from_text: str | None = None,
) -> RunOutcome:
    """Crawls the round's targets with the project's spiders and assesses them (see the module
    docstring). Each spider's pipeline assesses the targets it was given; targets no spider
    looked at still get a verdict here: 待人工复核, with the reason.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    media_as_of = parse_as_of(media_as_of_text) if media_as_of_text else None
    inspected_from = parse_day_start(inspected_from_text) if inspected_from_text else None
    started = datetime.now(SHANGHAI)
    if store.get_round(round_id):
        refuse_a_second_run(store, round_id)
    start_round(store, round_id, parse_as_of(as_of_text), profile, started, media_as_of, inspected_from)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "govcheck.settings")
    project_settings = get_project_settings()
    project_settings.setdict({**dict(settings or {}), "GOVCHECK_RECORD_RUN": False}, priority="cmdline")

    if targets:
        wanted = {t.strip() for t in targets.split(",")}
        registered = [t for t in store.find("targets") if t["key"] in wanted or t["name"] in wanted]
    else:
        registered = store.find("targets")
    keys = [t["key"] for t in registered]

    run_id = new_run_id(started)
    process = CrawlerProcess(project_settings)
    names = list(spiders or round_spiders(process.spider_loader))
    classes = [process.spider_loader.load(name) for name in names]
    given = sorted(t["key"] for t in registered if any(covers(cls, t) for cls in classes))
    part = RunPart(
        store, round_id, run_id, part_name("govcheck-run"), command="govcheck run",
        heartbeat_seconds=project_settings.getfloat("GOVCHECK_RUN_HEARTBEAT_SECONDS"),
        stale_seconds=project_settings.getfloat("GOVCHECK_RUN_STALE_SECONDS"),
    ).begin(targets=given)

    crawlers = []
    for name in names:
        arguments = {"round": round_id, "run": run_id}
        if targets:
            arguments["targets"] = targets
        crawler = process.create_crawler(name)
        process.crawl(crawler, **arguments)
        crawlers.append(crawler)
    watch = SignalWatch()
    from twisted.internet import reactor

    # after Scrapy's own handlers (twisted types the global reactor as its module, not as an IReactorTime)
    reactor.callWhenRunning(lambda: reactor.callLater(0, watch.install))  # type: ignore[arg-type]
    try:
        process.start()
        watch.after_crawl()
        ends = [spider_end(crawler) for crawler in crawlers]
        failure = next((getattr(crawler.spider, "store_failure", "") for crawler in crawlers if getattr(crawler.spider, "store_failure", "")), "")
        observed = set().union(*(end.observed for end in ends))
        unreached = sorted(set(given) - observed)
        if failure:
            state, stopped = ended_state(ends, watch.name, failure)
            part.end(state, targets=given, unreached=unreached, stopped=stopped, close_reasons=close_reasons(names, ends), notes=run_notes(ends))
            raise StoreWriteError(f"round {round_id} stopped at the first write the store refused: {failure}")
        assessed = {key for end in ends for key in end.targets}
        classify_round(store, round_id, [key for key in keys if key not in assessed])
    except KeyboardInterrupt:
        part.end(INTERRUPTED, targets=given, stopped=watch.name or "SIGINT", close_reasons={})
        raise RunInterrupted(round_id, run_id, watch.name or "SIGINT") from None
    finally:
        watch.restore()
    state, stopped = ended_state(ends, watch.name)
    notes = run_notes(ends)
    part.end(state, targets=given, unreached=unreached, stopped=stopped, close_reasons=close_reasons(names, ends), notes=notes)
    after = round_state(store, round_id)
    record_round_state(store, after)
    verdicts = store.find(
        "verdicts", {"round": round_id, "target_key": {"$in": keys}}, sort=[("kind", -1), ("target_key", 1)]
    )
    return RunOutcome(run_id, state, stopped, watch.name, tuple(unreached), after, verdicts, tuple(notes))


def run_notes(ends: Sequence[SpiderEnd]) -> list[str]:
    return [note for end in ends for note in end.notes]


def close_reasons(names: Sequence[str], ends: Sequence[SpiderEnd]) -> dict[str, str]:
    return {name: end.reason for name, end in zip(names, ends)}


class RunInterrupted(Exception):
    """A signal came while the crawled targets were being assessed: the run is interrupted."""

    def __init__(self, round_id: str, run_id: str, signal_name: str) -> None:
        super().__init__(f"round {round_id}: run {run_id} interrupted by {signal_name} while its targets were assessed")
        self.signal_name = signal_name

    @property
    def exit_code(self) -> int:
        return 128 + signal.Signals[self.signal_name].value

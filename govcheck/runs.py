"""Runs of a round: who crawled it when, whether they ran to their end, which targets they reached.

Each run of a round (one ``govcheck run``, or the jobs of one ``govcheck schedule`` call) has a
run id, sortable by its start: ``20240220T101500.123-3fa2`` (Asia/Shanghai time, milliseconds,
four random hex digits). Every observation written in the run carries it (``run``), and the
verdicts are judged on the latest run's observations of each target (govcheck.rounds).

A run is recorded in the ``runs`` collection, one document per *part*: a process crawling for
it (``govcheck run`` records one part for its whole process; a spider started by ``scrapy
crawl`` or scrapyd records its own, through :class:`RunRecorder`; the processes of a round
shared over Redis record one part each under the same run id). A part says:

- ``state``: ``running`` while it works, with a ``heartbeat_at`` written every
  GOVCHECK_RUN_HEARTBEAT_SECONDS by a thread of its own; ``finished`` (every spider ran to
  its end), ``incomplete`` (a spider was stopped early by something other than a signal: a
  close limit, a store failure), ``interrupted`` (a signal stopped it: Ctrl-C, SIGTERM). A part that died without a word (``kill -9``, a crash, the machine lost) keeps
  ``running``: it is read as ``interrupted`` once its heartbeat is older than its
  ``stale_after`` seconds, or at once when it ran on this machine and its process is gone
  (:func:`part_is_dead`).
- ``targets``: the target keys it was given; ``unreached``: those that got no observation from
  it (recorded when it ends: a part that died says nothing, its run is interrupted);
  ``stopped``: why it stopped before its end (``SIGINT``, ``closespider_timeout``, ``store
  write failed: …``); ``close_reasons``: each spider's close reason as Scrapy gives it;
  ``notes``: what went wrong on our side while it ran to its end (a page-reading worker that
  died and was replaced), so that a finished run does not claim all went well.
- ``window``: a part of the availability job (the probes spider, run on a schedule through the
  monitored week): its probes add to the round's record and count in every run, and its
  parts never make the round unfinished.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from govcheck import settings as defaults
from govcheck.store import SHANGHAI, Store, store_for

logger = logging.getLogger(__name__)

RUNNING, FINISHED, INCOMPLETE, INTERRUPTED = "running", "finished", "incomplete", "interrupted"
# How bad a state is for the round: the worst of its runs' wins.
SEVERITY = {FINISHED: 0, INCOMPLETE: 1, INTERRUPTED: 2, RUNNING: 3}
# the defaults of govcheck.settings, for records and commands that have no crawler's settings
DEFAULT_HEARTBEAT_SECONDS = float(defaults.GOVCHECK_RUN_HEARTBEAT_SECONDS)
DEFAULT_STALE_SECONDS = float(defaults.GOVCHECK_RUN_STALE_SECONDS)


def new_run_id(now: datetime | None = None) -> str:
    """A run id: its start in Shanghai time to the millisecond, then 4 random hex digits."""
    moment = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    return f"{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}-{secrets.token_hex(2)}"


def this_process() -> tuple[str, int]:
    return socket.gethostname(), os.getpid()


def part_is_dead(part: dict[str, Any], now: datetime) -> bool:
    """A ``running`` part that no longer runs: its heartbeat is older than its ``stale_after``,
    or its process is gone from this machine."""
    if part.get("state") != RUNNING:
        return False
    host, pid = this_process()
    if part.get("host") == host and isinstance(part.get("pid"), int) and part["pid"] != pid:
        try:
            os.kill(part["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # another user's process: alive
    beat = part.get("heartbeat_at") or part.get("started_at")
    stale_after = float(part.get("stale_after") or DEFAULT_STALE_SECONDS)
    return beat is None or (now - beat).total_seconds() > stale_after


class RunPart:
    """One process's part of a run: its document in ``runs``, and the thread that keeps its
    heartbeat while it works. A failed heartbeat write is logged once and tried again at the
    next beat: a store that refuses writes is reported by the crawl itself."""

    def __init__(
        self,
        store: Store,
        round_id: str,
        run_id: str,
        part: str,
        *,
        command: str,
        window: bool = False,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
        stale_seconds: float = DEFAULT_STALE_SECONDS,
    ) -> None:
        host, pid = this_process()
        self.store = store
        self.key = {"round": round_id, "run": run_id, "part": part}
        self.heartbeat_seconds = max(0.1, heartbeat_seconds)
        self.document: dict[str, Any] = {
            **self.key, "command": command, "host": host, "pid": pid, "window": window,
            "state": RUNNING, "stale_after": max(stale_seconds, 2 * self.heartbeat_seconds),
        }
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned = False

    def begin(self, targets: Iterable[str] | None = None) -> RunPart:
        now = datetime.now(SHANGHAI)
        self.document.update(started_at=now, heartbeat_at=now)
        if targets is not None:
            self.document["targets"] = sorted(set(targets))
        self.store.upsert("runs", self.document)  # a store that refuses it stops the run here
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat {self.key['run']}", daemon=True)
        self._thread.start()
        return self

    def rekey(self, run_id: str) -> None:
        """The part belongs to another run than it started with (a process joining a shared
        round takes the seeding process's run): its record moves there."""
        if run_id == self.key["run"]:
            return
        old = dict(self.key)
        self.key["run"] = self.document["run"] = run_id
        self._write(self.document)
        try:
            self.store.delete("runs", old)
        except Exception as error:
            logger.warning("run %s: the record under %s could not be removed: %s", run_id, old["run"], error)

    def end(
        self,
        state: str,
        *,
        targets: Iterable[str] | None = None,
        unreached: Iterable[str] = (),
        stopped: str = "",
        close_reasons: dict[str, str] | None = None,
        notes: Iterable[str] = (),
    ) -> None:
        """Stops the heartbeat and records how the part ended (a refused write is logged)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        fields: dict[str, Any] = {
            "state": state, "finished_at": datetime.now(SHANGHAI), "unreached": sorted(set(unreached)),
            "stopped": stopped, "close_reasons": dict(close_reasons or {}), "notes": list(notes),
        }
        if targets is not None:
            fields["targets"] = sorted(set(targets))
        self.document.update(fields)
        self._write(fields)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            self._write({"heartbeat_at": datetime.now(SHANGHAI)})

    def _write(self, fields: dict[str, Any]) -> None:
        try:
            self.store.upsert("runs", {**self.key, **fields})
        except Exception as error:  # the store's own trouble: the crawl reports it where it matters
            if not self._warned:
                self._warned = True
                logger.warning("run %s: its record could not be written: %s: %s", self.key["run"], type(error).__name__, error)


def part_name(spider: str) -> str:
    host, pid = this_process()
    return f"{spider}@{host}:{pid}"


@dataclass
class SpiderEnd:
    """How one spider of a run ended: Scrapy's close reason, the targets it was given and reached."""

    reason: str
    targets: set[str] = field(default_factory=set)
    observed: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # the spider's run_notes(): our own faults it survived

    @property
    def unreached(self) -> set[str]:
        return self.targets - self.observed


def spider_end(crawler: Crawler) -> SpiderEnd:
    spider = crawler.spider
    reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "not started"
    run_notes = getattr(spider, "run_notes", None)  # a spider's own faults it survived (the sites spider's)
    return SpiderEnd(
        str(reason),
        set(getattr(spider, "target_keys", ()) or ()),
        set(getattr(spider, "observed_target_keys", ()) or ()),
        list(run_notes()) if run_notes is not None else [],
    )


def ended_state(ends: Iterable[SpiderEnd], signal_name: str = "", store_failure: str = "") -> tuple[str, str]:
    """(state, why it stopped before its end or "") of a part from its spiders' ends.

    ``interrupted``: a signal stopped it (Scrapy closes its spiders with reason ``shutdown``);
    ``incomplete``: a spider closed for another reason than ``finished`` (a close limit, the
    store refusing a write); else ``finished``. Targets without an observation make the *run*
    incomplete (govcheck.rounds.round_state): in a round shared over Redis, a part leaves to
    the others the targets their queue gave them.
    """
    reasons = [end.reason for end in ends]
    if signal_name or "shutdown" in reasons:
        return INTERRUPTED, signal_name or "a signal (Scrapy's shutdown)"
    if store_failure:
        return INCOMPLETE, f"store write failed: {store_failure}"
    early = sorted({reason for reason in reasons if reason != "finished"})
    if early:
        return INCOMPLETE, ", ".join(early)
    return FINISHED, ""


class RunRecorder:
    """Records the part of a spider started on its own (``scrapy crawl``, a scrapyd job): its
    heartbeat while it runs, its targets once read, how it ended. ``govcheck run`` records its
    process's part itself (GOVCHECK_RECORD_RUN false for its spiders)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.part: RunPart | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        recorder = cls(crawler)
        if crawler.settings.getbool("GOVCHECK_RECORD_RUN", defaults.GOVCHECK_RECORD_RUN):
            crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Any) -> None:
        round_id, run_id = getattr(spider, "round_id", None), getattr(spider, "run_id", None)
        if not round_id or not run_id:
            return
        settings = self.crawler.settings
        self.part = RunPart(
            store_for(self.crawler), round_id, run_id, part_name(spider.name),
            command=f"scrapy crawl {spider.name}",
            window=not getattr(spider, "in_round_crawl", True),
            heartbeat_seconds=settings.getfloat("GOVCHECK_RUN_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS),
            stale_seconds=settings.getfloat("GOVCHECK_RUN_STALE_SECONDS", DEFAULT_STALE_SECONDS),
        )
        try:
            self.part.begin()
        except Exception as error:
            logger.error("run %s of round %s could not be recorded: %s: %s", run_id, round_id, type(error).__name__, error)
            self.part = None

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.part is None:
            return
        self.part.rekey(spider.run_id)  # a process of a shared round runs in the seeding process's run
        end = spider_end(self.crawler)
        end.reason = reason
        state, stopped = ended_state([end], store_failure=getattr(spider, "store_failure", ""))
        self.part.end(
            state, targets=end.targets, unreached=end.unreached, stopped=stopped, close_reasons={spider.name: reason}, notes=end.notes
        )

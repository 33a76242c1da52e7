"""``govcheck schedule``: start a round's spiders on scrapyd nodes through their HTTP API.

scrapyd runs jobs but has no clock: cron (or a systemd timer) calls ``govcheck schedule``,
which posts one ``schedule.json`` request per job. Every job carries the round, its
monitoring time points and the profile (the first job to run starts the round), the target
filter, the run id the jobs share (govcheck.runs) and any ``--set`` settings; the nodes' own
environment supplies the store (GOVCHECK_MONGO_URI) and the platform credentials.

Which node runs what:

- one node: every spider there;
- several nodes and ``--redis URL``: the shared spiders (``sites`` unless ``--shared`` says
  otherwise) run on every node and share one queue through Redis (govcheck.distributed); the
  first node seeds. Every other spider runs on one node, taken in turn, since a platform's pace
  is limited by the platform, not by our machines;
- several nodes without Redis: every spider on one node, taken in turn.

Cron examples (crontab of the operator's account; ``%`` must be written ``\\%`` in a crontab):

    # a province round on the 20th of the second month of each quarter at 02:00 (machine time);
    # --as-of today is that day in Beijing time
    0 2 20 2,5,8,11 *  govcheck schedule --scrapyd http://node1:6800 --scrapyd http://node2:6800 --redis redis://10.0.0.5:6379/0 --round "$(date +\\%Y)-$(( ($(date +\\%-m) + 2) / 3 ))" --as-of today

    # the week of availability probes before a round as of 2024-09-20: one visit per site every hour
    # from the 14th to the 20th (24 a day; the indicator asks for at least 20)
    0 * 14-20 9 *  govcheck schedule --scrapyd http://node1:6800 --spider probes --round 2024-3 --as-of 2024-09-20
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govcheck.distributed import REDIS_URL_SETTING
from govcheck.rounds import ROUND_ID, RoundError, parse_as_of
from govcheck.rules import profile_reference
from govcheck.runs import new_run_id
from govcheck.store import SHANGHAI

DEFAULT_PROJECT = "govcheck"
DEFAULT_SHARED = ("sites",)
# Scheduled on their own through the monitoring window (every hour), never with a round's crawl
# (the spiders whose in_round_crawl is False; scrapyd lists names only).
WINDOW_SPIDERS = ("probes",)
TIMEOUT_SECONDS = 30


class ScheduleError(Exception):
    """A scrapyd node refused or could not be reached; the message names the node."""


@dataclass(frozen=True)
class PlannedJob:
    """One job to post: which node runs which spider, and its role in a shared round."""

    node: str
    spider: str
    shared: bool = False  # takes its requests from the round's Redis queue
    seed: bool = False  # the one process of a shared spider that seeds the queue


@dataclass(frozen=True)
class Job:
    node: str
    spider: str
    job_id: str
    shared: bool = False
    seed: bool = False


@dataclass
class RoundArguments:
    """What every job of the round is told (spider arguments)."""

    round_id: str
    as_of: str
    media_as_of: str | None = None
    profile: str = "national-2019"
    targets: str | None = None
    settings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not ROUND_ID.match(self.round_id):
            raise RoundError(f"round {self.round_id!r}: expected YEAR-N, e.g. 2024-1")
        # a profile file by its absolute path: a job runs in scrapyd's folder, not the operator's
        self.profile = profile_reference(self.profile)

    def arguments(self) -> dict[str, str]:
        arguments = {"round": self.round_id, "as_of": self.as_of, "profile": self.profile}
        if self.media_as_of:
            arguments["media_as_of"] = self.media_as_of
        if self.targets:
            arguments["targets"] = self.targets
        return arguments


def resolve_as_of(text: str, now: datetime | None = None) -> str:
    """A monitoring time point as the spiders take it; ``today`` is today's date in Beijing (for cron)."""
    if text.strip().lower() == "today":
        return (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date().isoformat()
    parse_as_of(text)  # refuse a malformed date here, not in every job's log
    return text.strip()


def plan_jobs(
    nodes: Sequence[str], spiders: Sequence[str], shared: Iterable[str] = DEFAULT_SHARED, redis_url: str | None = None
) -> list[PlannedJob]:
    """Which node runs which spider (see the module docstring)."""
    if not nodes:
        raise ScheduleError("no scrapyd node given (--scrapyd URL)")
    shared_spiders = set(shared) if redis_url else set()
    planned: list[PlannedJob] = []
    turn = 0
    for spider in spiders:
        if spider in shared_spiders:
            planned.extend(PlannedJob(node, spider, shared=True, seed=index == 0) for index, node in enumerate(nodes))
        else:
            planned.append(PlannedJob(nodes[turn % len(nodes)], spider))
            turn += 1
    # Seeding jobs first: a joining job waits for its seed, never the other way round.
    return sorted(planned, key=lambda job: not job.seed)


def schedule_round(
    nodes: Sequence[str],
    round_arguments: RoundArguments,
    spiders: Sequence[str] | None = None,
    shared: Iterable[str] = DEFAULT_SHARED,
    redis_url: str | None = None,
    project: str = DEFAULT_PROJECT,
) -> list[Job]:
    """Posts the round's jobs to the nodes and returns them with scrapyd's job ids.

    ``spiders``: default every spider the first node lists for the project, but the window
    job (probes), which runs on its own schedule.
    """
    if spiders is None:
        spiders = [s for s in list_spiders(nodes[0], project) if s not in WINDOW_SPIDERS] if nodes else []
    run_id = new_run_id()  # the jobs are one run of the round (govcheck.runs)
    jobs = []
    for planned in plan_jobs(nodes, spiders, shared, redis_url):
        arguments = {**round_arguments.arguments(), "run": run_id}
        settings = dict(round_arguments.settings)
        if planned.shared:
            settings[REDIS_URL_SETTING] = str(redis_url)
            if planned.seed:
                arguments["seed"] = "1"
        job_id = post_job(planned.node, project, planned.spider, arguments, settings)
        jobs.append(Job(planned.node, planned.spider, job_id, planned.shared, planned.seed))
    return jobs


def post_job(node: str, project: str, spider: str, arguments: Mapping[str, str], settings: Mapping[str, str]) -> str:
    """One ``schedule.json`` request: spider arguments as fields, settings as repeated ``setting=K=V``."""
    fields = [("project", project), ("spider", spider), *arguments.items()]
    fields += [("setting", f"{name}={value}") for name, value in settings.items()]
    answer = call(node, "schedule.json", fields)
    return str(answer["jobid"])


def list_spiders(node: str, project: str = DEFAULT_PROJECT) -> list[str]:
    return list(call(node, "listspiders.json?" + urllib.parse.urlencode({"project": project}))["spiders"])


def list_jobs(node: str, project: str = DEFAULT_PROJECT) -> dict[str, list[dict[str, Any]]]:
    return call(node, "listjobs.json?" + urllib.parse.urlencode({"project": project}))


def wait_for_jobs(jobs: Sequence[Job], project: str = DEFAULT_PROJECT, timeout: float = 6 * 3600, poll: float = 10) -> dict[str, dict[str, Any]]:
    """Polls ``listjobs.json`` until every job is finished; returns scrapyd's entry of each, by job id."""
    deadline = time.monotonic() + timeout
    waiting = {job.job_id: job for job in jobs}
    finished: dict[str, dict[str, Any]] = {}
    interval = min(0.5, poll)  # short jobs are seen finishing soon, long ones are not polled often
    while True:
        for node in sorted({job.node for job in waiting.values()}):
            for entry in list_jobs(node, project).get("finished", []):
                if entry["id"] in waiting:
                    finished[entry["id"]] = entry
                    del waiting[entry["id"]]
        if not waiting:
            return finished
        if time.monotonic() > deadline:
            raise ScheduleError(f"jobs not finished after {timeout:.0f} s: " + ", ".join(f"{j.spider} {j.job_id} on {_public(j.node)}" for j in waiting.values()))
        time.sleep(interval)
        interval = min(interval * 2, poll)


def describe(jobs: Sequence[Job]) -> str:
    lines = []
    for job in jobs:
        role = (" (seeds the shared queue)" if job.seed else " (joins the shared queue)") if job.shared else ""
        lines.append(f"{job.spider}\t{_public(job.node)}\tjob {job.job_id}{role}")
    return "\n".join(lines)


def call(node: str, endpoint: str, fields: Sequence[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A scrapyd API call (POST when ``fields`` are given); credentials may be in the node URL."""
    parts = urllib.parse.urlsplit(node if node.endswith("/") else node + "/")
    url = urllib.parse.urljoin(_public(parts.geturl()), endpoint)
    headers = {}
    if parts.username:
        token = base64.b64encode(f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    data = urllib.parse.urlencode(list(fields)).encode() if fields is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    where = f"scrapyd {_public(node)} {endpoint.split('?')[0]}"
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise ScheduleError(f"{where}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise ScheduleError(f"{where}: {getattr(error, 'reason', error)}") from None
    except ValueError:
        raise ScheduleError(f"{where}: the answer is not JSON") from None
    if answer.get("status") != "ok":
        raise ScheduleError(f"{where}: {answer.get('message', answer)}".strip())
    return answer


def _public(node: str) -> str:
    """The node URL without credentials, for messages."""
    parts = urllib.parse.urlsplit(node)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()

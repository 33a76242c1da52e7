"""The demo round: Weinan's 2024 round-1 inspection replayed on a replica, end to end.

The replica (``replica/weinan``: 51 government websites and 470 new-media accounts, see
:mod:`govcheck_demo.replicas.weinan`) is served on 127.0.0.1; its register is imported as an
operator would import the city's targets file; round 2024-1 is crawled as of the notice's
monitoring time points (websites 2024-02-20, new media 2024-02-23) on the embedded store;
the inspectors' own observations are imported where a platform shows no original marker
(Douyin); and the previous round, 2023-4, is stored from its bundled results
(``round-2023-4.yaml``: recorded, not crawled) so that the notice can state the change. The
notice draft carries the office's details from the replica's office profile (``office.yaml``:
渭南市人民政府办公室, its addressees, section, telephone, e-mail and deadline).
Nothing leaves the machine.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from govcheck.crawl import run_round
from govcheck.network_policy import allowed_networks
from govcheck.registry import import_manual_observations, import_targets
from govcheck.report import write_round_reports
from govcheck.report.office import OfficeError, load_office
from govcheck.rounds import finish_round, parse_as_of, report_refusal, start_round
from govcheck.row_output import QUERY_COLUMNS, print_verdict_summary, write_rows
from govcheck.rules import load_profile
from govcheck.store import SHANGHAI, Store
from govcheck.user_errors import UserError
from govcheck_demo.replicas.weinan import (
    REGISTER_FILE,
    PreviousRound,
    Register,
    RegisterError,
    WeinanReplica,
    inspector_observations,
    load_previous_round,
    target_keys,
)

# The replica ships with the source checkout, beside the package.
DEFAULT_REPLICA = Path(__file__).resolve().parents[1] / "replica" / "weinan"
DEMO_ROUND = "2024-1"
OFFICE_FILE = "office.yaml"  # the office profile of the replica's notice
# The replica's rules profile (replica/weinan/profile.yaml): national-2019 with the probe span of
# 站点无法访问 compressed to seconds, so that the round takes minutes and still shows
# 监测时间点无法访问; its findings name it.
PROFILE_FILE = "profile.yaml"
# The replica is local and on one host: short timeouts, no politeness delays and more requests
# at a time to that host keep the demo within minutes. A real round keeps the profile's and the
# settings' values.
DEMO_SETTINGS: dict[str, Any] = {
    "GOVCHECK_PROBE_TIMEOUT": 5,
    "GOVCHECK_LINK_TIMEOUT": 5,
    "DOWNLOAD_TIMEOUT": 5,
    "RETRY_TIMES": 1,
    "CONCURRENT_REQUESTS": 48,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 24,
    "GOVCHECK_PROGRESS_INTERVAL": 10,
    "DOUYIN_CAPTURE_TIMEOUT": 5,
    "DOUYIN_DOWNLOAD_DELAY": 0,
    "WECHAT_DOWNLOAD_DELAY": 0,
    "WEIBO_DOWNLOAD_DELAY": 0,
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 10_000,
    "GOVCHECK_INTERACTION_RETRY_PAUSE": 1,
    # the replica is served on loopback, which the network policy otherwise refuses
    "GOVCHECK_ALLOW_PRIVATE_ADDRESSES": "127.0.0.0/8, ::1",
    # and nothing leaves it: Chromium reaches loopback only, whatever a page asks
    "GOVCHECK_CHROMIUM_LOOPBACK_ONLY": True,
}


def run_demo(out: Path, replica: Path | None = None) -> int:
    folder = (replica or DEFAULT_REPLICA).resolve()
    if not (folder / REGISTER_FILE).is_file():
        raise UserError(f"no replica register at {folder / REGISTER_FILE}: is this a source checkout of govcheck?")
    try:
        weinan = WeinanReplica(folder)
        previous = load_previous_round(weinan.register)
    except RegisterError as error:  # checked before anything is stored
        raise UserError(f"the replica's register cannot be served:\n{error}") from error
    try:
        office = load_office(folder / OFFICE_FILE)
    except OfficeError as error:
        raise UserError(f"the replica's office profile cannot be used:\n{error}") from error
    register = weinan.register
    profile = str(folder / PROFILE_FILE)
    out.mkdir(parents=True, exist_ok=True)
    store = Store.from_environment()
    print(f"demo: store: {store.description}")
    started = time.monotonic()
    with weinan:
        print(f"demo: {len(register.sites)} websites and {len(register.accounts)} new-media accounts served at {weinan.url}")
        targets_file = out / "targets.yaml"
        targets_file.write_text(
            yaml.safe_dump(weinan.targets_document(), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        allowed = allowed_networks(DEMO_SETTINGS["GOVCHECK_ALLOW_PRIVATE_ADDRESSES"])
        print(import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI), allowed_networks=allowed).describe())
        keys = target_keys(register)
        forget_other_targets(store, [previous.round_id, DEMO_ROUND], keys)
        store_previous_round(store, register, previous, profile)
        print(f"demo: round {previous.round_id} stored from its recorded results ({previous.file}), not crawled")
        print(f"demo: crawling round {DEMO_ROUND} as of {register.as_of} (new media {register.media_as_of}), "
              f"rules profile {load_profile(profile).name} ({PROFILE_FILE} of the replica: national-2019, probes over seconds)")
        run_round(
            store, DEMO_ROUND, register.as_of.isoformat(), profile, targets=",".join(keys),
            settings={**DEMO_SETTINGS, **weinan.settings()}, media_as_of_text=register.media_as_of.isoformat(),
            inspected_from_text=register.inspected_from.isoformat(),
        )
    observed_file = out / f"observations-{DEMO_ROUND}.yaml"
    observed_file.write_text(
        yaml.safe_dump(inspector_observations(register), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    count = import_manual_observations(store, observed_file, DEMO_ROUND)
    print(f"demo: {count} inspectors' observations imported ({observed_file.name}: Douyin originals, accounts the app finds no more)")
    print(f"demo: round {DEMO_ROUND} crawled and assessed in {time.monotonic() - started:.0f} s")

    verdicts = store.find("verdicts", {"round": DEMO_ROUND, "target_key": {"$in": keys}},
                          sort=[("kind", -1), ("target_key", 1)])
    print_verdict_summary(DEMO_ROUND, verdicts)
    for round_id in (previous.round_id, DEMO_ROUND):
        rows = store.find("verdicts", {"round": round_id, "target_key": {"$in": keys}}, sort=[("target_key", 1)])
        write_rows(rows, QUERY_COLUMNS["verdicts"], "csv", out / f"verdicts-{round_id}.csv")
    findings = store.find("findings", {"round": DEMO_ROUND}, sort=[("target_key", 1), ("code", 1)])
    write_rows(findings, QUERY_COLUMNS["findings"], "json", out / f"findings-{DEMO_ROUND}.json")
    report_refusal(store, DEMO_ROUND)  # the replica is ours: a demo round that did not finish is a fault to see
    for path in write_round_reports(store, DEMO_ROUND, out, register.notice_date, previous.round_id, office):
        print(f"written: {path}")
    print(f"demo: results in {out.resolve()}")
    return 0


def forget_other_targets(store: Store, rounds: list[str], keys: list[str]) -> None:
    """The demo's rounds hold the register's targets only: results an earlier demo stored in
    them for other targets (the store may be reused) are removed, so that counts are the register's."""
    for round_id in rounds:
        query = {"round": round_id, "target_key": {"$nin": keys}}
        removed = sum(store.delete(collection, query) for collection in ("observations", "findings", "verdicts"))
        if removed:
            print(f"demo: round {round_id}: {removed} stored documents of targets outside the register removed")


def store_previous_round(store: Store, register: Register, previous: PreviousRound, profile: str) -> None:
    """Round ``previous.round_id`` with the recorded verdict of every target of the register.

    No observations or findings: the round was not crawled. The round and each verdict carry
    ``recorded_from`` (the bundled file) so that no one takes them for a crawl's results.
    """
    now = datetime.now(SHANGHAI)
    as_of, media_as_of = parse_as_of(previous.as_of.isoformat()), parse_as_of(previous.media_as_of.isoformat())
    document = start_round(store, previous.round_id, as_of, profile, now, media_as_of)
    store.save_round({**document, "recorded_from": previous.file})
    targets = {t["key"]: t for t in store.find("targets", {"key": {"$in": target_keys(register)}})}
    for key in target_keys(register):
        target = targets[key]
        labels = previous.failed.get(key)
        verdict = {
            "target_key": key,
            "kind": target["kind"],
            "name": target["name"],
            "category": target.get("category") or target.get("account_type", ""),
            "platform": target.get("platform", ""),
            "district": target.get("district", ""),
            "verdict": "合格" if labels is None else "不合格",
            "score": None,  # not recorded
            "labels": labels or "",
            "finding_codes": [],
            "profile": document["profile_name"],  # as a crawled round's verdicts name it
            "as_of": media_as_of if target["kind"] == "account" else as_of,
            "recorded_from": previous.file,
        }
        store.save_assessment(previous.round_id, verdict, [])
    finish_round(store, previous.round_id, now)

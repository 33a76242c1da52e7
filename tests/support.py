"""Helpers shared by tests: where the replica lives, a store for a test to use, the CLI in a process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govcheck.store import Store

REPO = Path(__file__).resolve().parents[1]
REPLICA = REPO / "replica"
# national-2019 with the probe span of 站点无法访问 compressed to 0.4 s: a round that must show
# 监测时间点无法访问 runs with it (--profile), since national-2019 spreads a site's probes over
# 30 minutes. Rounds that do not judge availability keep national-2019 and GOVCHECK_PROBE_INTERVAL=0.
SHORT_PROBE_SPAN_PROFILE = REPO / "tests" / "data" / "profile-short-probe-span.yaml"

# Set by scripts/test.sh, which builds and starts FerretDB on loopback.
TEST_MONGO_URI = os.environ.get("GOVCHECK_TEST_MONGO_URI")
REQUIRE_TEST_MONGO = os.environ.get("GOVCHECK_REQUIRE_TEST_MONGO") == "1"
# A test or fixture parametrised over these runs once per store; the MongoDB run is marked
# ``mongo`` (it needs FerretDB), so ``-m "not mongo"`` keeps the embedded run.
STORE_KINDS = ["embedded", pytest.param("mongodb", marks=pytest.mark.mongo)]


def mongo_uri_or_skip() -> str:
    if TEST_MONGO_URI:
        return TEST_MONGO_URI
    if REQUIRE_TEST_MONGO:
        pytest.fail("GOVCHECK_TEST_MONGO_URI is not set: FerretDB was not started")
    pytest.skip("no MongoDB server: run the suite with scripts/test.sh (it starts FerretDB)")


@contextlib.contextmanager
def store_environment(kind: str, folder: Path) -> Iterator[dict[str, str]]:
    """The environment variables that point govcheck at a fresh store of this kind.

    Embedded: its own folder. MongoDB: its own database on the test server, dropped after.
    """
    if kind == "embedded":
        yield {"GOVCHECK_DATA_DIR": str(folder / "var"), "GOVCHECK_MONGO_URI": ""}
        return
    uri = mongo_uri_or_skip()
    database = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield {"GOVCHECK_MONGO_URI": uri, "GOVCHECK_MONGO_DB": database, "GOVCHECK_DATA_DIR": str(folder / "var")}
    finally:
        from pymongo import MongoClient

        MongoClient(uri).drop_database(database)


def govcheck(env: dict[str, str], *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m govcheck.cli ARGUMENTS`` as an operator runs it, with the test's store environment."""
    return subprocess.run(
        [sys.executable, "-m", "govcheck.cli", *arguments],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=timeout,
    )


def open_store(environment: dict[str, str]) -> Store:
    """The store the environment points at, as govcheck itself would open it."""
    return Store.open(
        environment.get("GOVCHECK_MONGO_URI") or None,
        environment["GOVCHECK_DATA_DIR"],
        environment.get("GOVCHECK_MONGO_DB"),
    )


def account_observation(store: Store, platform: str, name: str, round_id: str) -> dict:
    """The round's one ``account`` observation of a registered account (微信, 微博 or 抖音)."""
    found = store.find_one(
        "observations", {"round": round_id, "target_key": f"account:{platform}:{name}", "kind": "account", "key": "account"}
    )
    assert found is not None, f"no observation of {platform} account {name} in round {round_id}"
    return found


def account_verdict(store: Store, platform: str, name: str, round_id: str) -> dict:
    found = store.find_one("verdicts", {"round": round_id, "target_key": f"account:{platform}:{name}"})
    assert found is not None, f"no verdict of {platform} account {name} in round {round_id}"
    return found


def loopback_names(env: dict[str, str], hosts: Iterable[str]) -> dict[str, str]:
    """The environment with these host names resolving to the loopback replica in govcheck's
    processes (tests/fake_resolver.py, found through PYTHONPATH)."""
    return {
        **env,
        "GOVCHECK_TEST_HOSTS": ",".join(f"{host}=127.0.0.1" for host in hosts),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "tests"), os.environ.get("PYTHONPATH")])),
    }


def without_design(verdict: dict[str, Any]) -> dict[str, Any]:
    """A stored verdict without its 功能设计 deductions (marks, search, HTTPS): they are pinned on the
    sites made for them (tests/test_design_round.py); the small test sites of other behaviours
    carry none of them, as many real sites, and a 合格 cell would name them every time."""
    from govcheck.rules import load_profile

    design = load_profile("national-2019").section("websites", "design")["items"].values()
    labels, codes = {item["label"] for item in design}, {item["code"] for item in design}
    kept = [label for label in (verdict.get("labels") or "").split(",") if label and label not in labels]
    return {**verdict, "labels": ",".join(kept),
            "finding_codes": [code for code in verdict.get("finding_codes") or [] if code not in codes]}

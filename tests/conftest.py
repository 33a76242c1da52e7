"""Shared fixtures: the replica web server and the two stores (embedded and MongoDB wire)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from govcheck.replica import ReplicaServer
from govcheck.store import Store

REPO = Path(__file__).resolve().parents[1]
REPLICA = REPO / "replica"

# Set by scripts/test.sh, which builds and starts FerretDB on loopback.
TEST_MONGO_URI = os.environ.get("GOVCHECK_TEST_MONGO_URI")
REQUIRE_TEST_MONGO = os.environ.get("GOVCHECK_REQUIRE_TEST_MONGO") == "1"


@pytest.fixture(scope="session")
def replica_sites() -> Iterator[ReplicaServer]:
    """The replica government websites over real HTTP on 127.0.0.1."""
    with ReplicaServer(REPLICA / "sites") as server:
        yield server


def mongo_uri_or_skip() -> str:
    if TEST_MONGO_URI:
        return TEST_MONGO_URI
    if REQUIRE_TEST_MONGO:
        pytest.fail("GOVCHECK_TEST_MONGO_URI is not set: FerretDB was not started")
    pytest.skip("no MongoDB server: run the suite with scripts/test.sh (it starts FerretDB)")


@pytest.fixture(params=["embedded", "mongodb"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Where a test's store lives, as the environment variables govcheck reads.

    Each test gets its own embedded folder or its own database on the server.
    """
    if request.param == "embedded":
        yield {"GOVCHECK_DATA_DIR": str(tmp_path / "var"), "GOVCHECK_MONGO_URI": ""}
        return
    uri = mongo_uri_or_skip()
    database = f"test_{uuid.uuid4().hex[:12]}"
    yield {"GOVCHECK_MONGO_URI": uri, "GOVCHECK_MONGO_DB": database, "GOVCHECK_DATA_DIR": str(tmp_path / "var")}
    from pymongo import MongoClient

    MongoClient(uri).drop_database(database)


@pytest.fixture
def store(store_location: dict[str, str]) -> Store:
    return Store.open(
        store_location.get("GOVCHECK_MONGO_URI") or None,
        store_location["GOVCHECK_DATA_DIR"],
        store_location.get("GOVCHECK_MONGO_DB"),
    )

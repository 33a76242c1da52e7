"""Shared fixtures: the replica web server and the two stores (embedded and MongoDB wire)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import os

import pytest

from govcheck_demo.replica import ReplicaServer
from govcheck.store import Store
from support import REPLICA, STORE_KINDS, open_store, store_environment

# The replicas are on loopback: the network policy allows it for the whole suite (this process
# and the govcheck commands it starts), as the demo does; tests of the policy narrow it.
os.environ.setdefault("GOVCHECK_ALLOW_PRIVATE_ADDRESSES", "127.0.0.0/8, ::1")
# Nothing may leave loopback: Chromium resolves no other name and reaches no other address.
os.environ.setdefault("GOVCHECK_CHROMIUM_LOOPBACK_ONLY", "1")


@pytest.fixture(scope="session")
def replica_sites() -> Iterator[ReplicaServer]:
    """The replica government websites over real HTTP on 127.0.0.1."""
    with ReplicaServer(REPLICA / "sites") as server:
        yield server


@pytest.fixture(params=STORE_KINDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Where a test's store lives, as the environment variables govcheck reads."""
    with store_environment(request.param, tmp_path) as environment:
        yield environment


@pytest.fixture
def store(store_location: dict[str, str]) -> Store:
    return open_store(store_location)

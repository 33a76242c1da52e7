"""The one store module: MongoDB (through pymongo) or the embedded store (govcheck.embedded).

Every operation here sticks to what MongoDB, FerretDB 1.24 and the embedded store all run:
upsert by key with $set, find with a MongoDB query, sort and limit, count, delete. No
aggregate, no bulk_write, no keys with "." or "$" (FerretDB refuses them). Writes are upserts keyed by round + target (+ kind,
+ key or indicator code), so re-running a round replaces documents instead of adding them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure, WriteError

from govcheck.embedded import EmbeddedDatabase
from govcheck.store_errors import StoreError, StoreWriteError

logger = logging.getLogger(__name__)
T = TypeVar("T")

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_DB_NAME = "govcheck"

# collection -> the fields that identify one document (the upsert key)
KEYS: dict[str, tuple[str, ...]] = {
    "targets": ("key",),
    "rounds": ("round",),
    "observations": ("round", "target_key", "kind", "key"),
    "findings": ("round", "target_key", "code"),
    "verdicts": ("round", "target_key"),
    "runs": ("round", "run", "part"),
    "decisions": ("id",),  # appended, never replaced (govcheck.decisions)
}

# indexes for the upsert keys (unique) and the usual audit questions
INDEXES: dict[str, list[tuple[tuple[str, ...], bool]]] = {
    "targets": [(("key",), True), (("kind", "district"), False)],
    "rounds": [(("round",), True)],
    "observations": [(KEYS["observations"], True)],
    "findings": [(KEYS["findings"], True), (("round", "code"), False)],
    "verdicts": [
        (KEYS["verdicts"], True),
        (("round", "verdict"), False),
        (("round", "district"), False),
        (("target_key", "round"), False),
    ],
    "runs": [(KEYS["runs"], True)],
    "decisions": [(KEYS["decisions"], True), (("round", "target_key"), False)],
}


DUPLICATE_KEY = 11000  # MongoDB's error code for a write a unique index refuses


class MongoBackend:
    """A MongoDB (or FerretDB) database through pymongo.

    A write the server refuses for a reason of its own (disk, quota, rights: an
    OperationFailure that is not about one document) raises StoreWriteError; a document it
    refuses (WriteError, a bulk write's document errors) and a lost connection (retried by
    :func:`with_store_retries`) keep pymongo's errors.
    """

    embedded = False

    def __init__(self, database: Any, description: str = "MongoDB") -> None:
        self._db = database
        self.description = description

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except (WriteError, BulkWriteError, ConnectionFailure):
            raise
        except OperationFailure as error:
            raise StoreWriteError(f"{self.description}: {error}") from error

    # Two writers upserting the same new key at once (two jobs starting one round, two processes
    # of a distributed round) can both try the insert; the unique index refuses the second with a
    # duplicate key. MongoDB retries that itself since 4.2, FerretDB does not: sent once more, the
    # upsert finds the document the other writer inserted and updates it.

    def upsert(self, collection: str, key: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
        for attempt in (1, 2):
            try:
                with self._writing():
                    self._db[collection].update_one(dict(key), {"$set": dict(fields)}, upsert=True)
                return
            except DuplicateKeyError:
                if attempt == 2:
                    raise

    def upsert_many(self, collection: str, changes: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> None:
        # One round trip; unordered, so one refused document does not hold back the others.
        # A batch cut short by a lost connection is sent again whole: upserts repeat harmlessly.
        operations = [UpdateOne(dict(key), {"$set": dict(fields)}, upsert=True) for key, fields in changes]
        try:
            with self._writing():
                self._db[collection].bulk_write(operations, ordered=False)
        except BulkWriteError as error:
            raced = [e["index"] for e in error.details.get("writeErrors", []) if e.get("code") == DUPLICATE_KEY]
            if len(raced) < len(error.details.get("writeErrors", [])):
                raise  # refused for another reason too
            with self._writing():
                self._db[collection].bulk_write([operations[index] for index in raced], ordered=False)

    def find(self, collection: str, query: Mapping[str, Any], sort: Sequence[tuple[str, int]] | None, limit: int) -> list[dict[str, Any]]:
        cursor = self._db[collection].find(dict(query), {"_id": 0})
        if sort:
            cursor = cursor.sort(list(sort))
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor)

    def count(self, collection: str, query: Mapping[str, Any]) -> int:
        return self._db[collection].count_documents(dict(query))

    def delete(self, collection: str, query: Mapping[str, Any]) -> int:
        with self._writing():
            return self._db[collection].delete_many(dict(query)).deleted_count

    def ensure_indexes(self) -> None:
        for collection, indexes in INDEXES.items():
            for fields, unique in indexes:
                self._db[collection].create_index([(f, 1) for f in fields], unique=unique)


class Store:
    """govcheck's collections on one database, MongoDB or embedded."""

    def __init__(self, backend: MongoBackend | EmbeddedDatabase, description: str) -> None:
        self._backend = backend
        self.embedded = isinstance(backend, EmbeddedDatabase)
        self.description = description

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        mongo_uri: str | None = None,
        data_dir: str | Path | None = None,
        db_name: str | None = None,
    ) -> Store:
        """MongoDB when a URI is given, else the embedded store under ``data_dir``."""
        db_name = db_name or os.environ.get("GOVCHECK_MONGO_DB") or DEFAULT_DB_NAME
        if mongo_uri:
            from pymongo import MongoClient

            options: dict[str, Any] = {"tz_aware": True, "tzinfo": SHANGHAI}
            if "serverselectiontimeoutms" not in mongo_uri.lower():  # the URI's own value wins
                options["serverSelectionTimeoutMS"] = 10_000
            client = MongoClient(mongo_uri, **options)
            store = cls(MongoBackend(client[db_name], _redact(mongo_uri)), description=_redact(mongo_uri))
            try:
                store.ensure_indexes()
            except OperationFailure as error:  # a user who may only read: queries and reports still work
                logger.warning("the indexes of %s could not be made (%s): reading only", _redact(mongo_uri), error)
            return store
        folder = Path(data_dir or os.environ.get("GOVCHECK_DATA_DIR") or "var")
        path = folder / f"{db_name}.sqlite"
        return cls(EmbeddedDatabase(path), description=f"embedded store {path}")

    @classmethod
    def from_environment(cls) -> Store:
        return cls.open(os.environ.get("GOVCHECK_MONGO_URI"), os.environ.get("GOVCHECK_DATA_DIR"))

    def ensure_indexes(self) -> None:
        if isinstance(self._backend, MongoBackend):  # the embedded store indexes its keys itself
            self._backend.ensure_indexes()

    # -- generic operations ---------------------------------------------------------

    def upsert(self, collection: str, document: Mapping[str, Any]) -> None:
        """Insert or replace the fields of the document identified by the collection's key."""
        self._backend.upsert(collection, *self._key_and_fields(collection, document))

    def upsert_many(self, collection: str, documents: Sequence[Mapping[str, Any]]) -> None:
        """:meth:`upsert` of several documents in one call to the server (one transaction when embedded)."""
        if documents:
            self._backend.upsert_many(collection, [self._key_and_fields(collection, d) for d in documents])

    def _key_and_fields(self, collection: str, document: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        key = {field: document[field] for field in KEYS[collection]}
        fields = {k: v for k, v in document.items() if k != "_id"}
        return self._stored(key), self._stored(fields)

    def find(
        self,
        collection: str,
        query: Mapping[str, Any] | None = None,
        sort: Sequence[tuple[str, int]] | None = None,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        # both backends decode times aware, in Asia/Shanghai (the MongoClient's and the embedded codec)
        return self._backend.find(collection, self._stored(dict(query or {})), sort, limit)

    def find_one(self, collection: str, query: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.find(collection, query, limit=1)
        return found[0] if found else None

    def count(self, collection: str, query: Mapping[str, Any] | None = None) -> int:
        return self._backend.count(collection, self._stored(dict(query or {})))

    def delete(self, collection: str, query: Mapping[str, Any]) -> int:
        return self._backend.delete(collection, self._stored(dict(query)))

    # -- files kept beside the documents (screenshots, govcheck.screenshots) ---------

    @property
    def mongo_database(self) -> Any | None:
        """The pymongo Database of a MongoDB store (for GridFS); None for the embedded store."""
        return self._backend._db if isinstance(self._backend, MongoBackend) else None

    @property
    def folder(self) -> Path | None:
        """The embedded store's folder (GOVCHECK_DATA_DIR); None for MongoDB."""
        return self._backend.path.parent if isinstance(self._backend, EmbeddedDatabase) else None

    def _stored(self, value: Any) -> Any:
        """Values as the store compares them: aware times (a naive one is Shanghai wall time)."""
        return _as_aware(value)

    # -- govcheck's documents -------------------------------------------------------

    def save_round(self, round_document: Mapping[str, Any]) -> None:
        self.upsert("rounds", round_document)

    def get_round(self, round_id: str) -> dict[str, Any] | None:
        return self.find_one("rounds", {"round": round_id})

    def save_observation(self, observation: Mapping[str, Any]) -> None:
        self.upsert("observations", observation)

    def save_observations(self, observations: Sequence[Mapping[str, Any]]) -> None:
        self.upsert_many("observations", observations)

    def observations_of(self, round_id: str, target_key: str) -> list[dict[str, Any]]:
        return self.find(
            "observations", {"round": round_id, "target_key": target_key}, sort=[("key", 1)]
        )

    def save_assessment(
        self, round_id: str, verdict: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]
    ) -> None:
        """Replace a target's findings and verdict for a round.

        Findings are upserted first and only then are the codes that no longer apply
        removed, so an interrupted write leaves the old assessment or the new one,
        never a target with no findings at all.
        """
        target_key = verdict["target_key"]
        codes = [finding["code"] for finding in findings]
        self.upsert_many("findings", [{**finding, "round": round_id, "target_key": target_key} for finding in findings])
        self.delete(
            "findings", {"round": round_id, "target_key": target_key, "code": {"$nin": codes}}
        )
        self.upsert("verdicts", {**verdict, "round": round_id})


async def with_store_retries(store: Store, call: Callable[[], T], what: str, give_up_after: float) -> T:
    """Runs a store operation in a worker thread, retrying while the server is unreachable.

    A MongoDB server that restarts in the middle of a round must not lose observations, and
    waiting for it must not stall the crawl: a stalled reactor would turn our own pause into
    failed availability probes. Other errors are not retried. The embedded store is a local
    file that cannot go away: it is called directly.
    """
    if store.embedded:
        return call()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + give_up_after
    delay = 0.5
    while True:
        try:
            return await asyncio.to_thread(call)
        except ConnectionFailure as error:
            if loop.time() + delay > deadline:
                raise StoreError(f"the store stayed unreachable for {give_up_after:.0f} s while {what}: {error}") from error
            logger.warning("store unreachable while %s (%s); retrying in %.1f s", what, type(error).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


_stores: weakref.WeakKeyDictionary[Any, Store] = weakref.WeakKeyDictionary()


def store_for(crawler: Any) -> Store:
    """The one Store of a crawler, opened from its settings (MONGO_URI, GOVCHECK_DATA_DIR)."""
    if crawler not in _stores:
        settings = crawler.settings
        _stores[crawler] = Store.open(
            settings.get("MONGO_URI"),
            settings.get("GOVCHECK_DATA_DIR"),
            settings.get("MONGO_DATABASE"),
        )
    return _stores[crawler]


def _as_aware(value: Any) -> Any:
    """Naive times taken as Shanghai wall time, so that every stored and compared time is aware."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value
    if isinstance(value, dict):
        return {k: _as_aware(v) if isinstance(v, (datetime, dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [_as_aware(v) if isinstance(v, (datetime, dict, list)) else v for v in value]
    return value


def _redact(uri: str) -> str:
    """A URI fit for logs: no password."""
    if "@" in uri and "://" in uri:
        scheme, rest = uri.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return uri

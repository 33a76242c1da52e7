"""The embedded store: MongoDB-style collections in one SQLite file, for runs without a server.

Why not montydb's own storage: it scans the whole collection on every ``update_one``, so a
round of a few thousand observations took minutes (2,000 upserts: 55 s, growing with the
square of the count). Here each document lives under its upsert key in an indexed SQLite
table, encoded as BSON (pymongo's codec: dates, nesting and Chinese text come back as they
went in), and MongoDB query semantics for ``find`` come from montydb's query engine, so a
filter means the same thing on both stores.

A store that cannot be written (a read-only folder or file system, a file of another user)
is opened read-only: queries and reports work, every write raises StoreWriteError naming the
file. So does a write the disk refuses (full, I/O error): the transaction is rolled back and
nothing is half-written.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import bson
from bson.codec_options import CodecOptions
from montydb.engine.queries import QueryFilter

from govcheck.dates import SHANGHAI
from govcheck.store_errors import StoreError, StoreWriteError

# Times come back as MongoDB's client gives them to govcheck: aware, in Asia/Shanghai.
CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True, tzinfo=SHANGHAI)
# Fields that most queries pin to one value: stored as indexed columns to narrow the scan.
NARROWING_FIELDS = ("round", "target_key", "kind")


class EmbeddedDatabase:
    """Collections of BSON documents in one SQLite file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_only = False
        self._lock = threading.Lock()
        self._tables: set[str] = set()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(path, check_same_thread=False, timeout=60)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
        except (sqlite3.Error, OSError) as error:
            if not path.is_file():
                raise StoreError(f"{path}: cannot be opened: {error}") from error
            self._connection = self._open_read_only(error)

    def _open_read_only(self, why: BaseException) -> sqlite3.Connection:
        """The store file as it is, for reading, when it cannot be opened for writing.

        A WAL database in a read-only folder can only be read as immutable (SQLite cannot make
        its shared-memory file there). A write-ahead log left beside it holds writes the file
        lacks: reading without them could answer with an older state, so that is refused."""
        log = self.path.with_name(self.path.name + "-wal")
        if log.is_file() and log.stat().st_size > 0:
            raise StoreError(
                f"{self.path}: cannot be opened for writing ({why}), and its write-ahead log {log.name} holds "
                "writes not yet in the file: open it once where it can be written"
            )
        self.read_only = True
        self._why_read_only = f"{why}"
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True, check_same_thread=False)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction (with the lock): committed whole, or rolled back and raised as
        StoreWriteError when SQLite or the disk refuses it (a full disk, read-only, I/O)."""
        if self.read_only:
            raise StoreWriteError(f"{self.path}: the store is read-only ({self._why_read_only})")
        with self._lock:
            try:
                with self._connection:
                    yield
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
                if isinstance(error, (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError)):
                    raise
                raise StoreWriteError(f"{self.path}: {error}") from error
            except OSError as error:
                raise StoreWriteError(f"{self.path}: {error}") from error

    def upsert(self, collection: str, key: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
        """Sets ``fields`` on the document identified by ``key``, creating it when missing."""
        self.upsert_many(collection, [(key, fields)])

    def upsert_many(self, collection: str, changes: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> None:
        """:meth:`upsert` of each (key, fields) in one transaction: all of them are written or none."""
        with self._writing():
            table = self._table(collection)
            rows = []
            for key, fields in changes:
                identity = json.dumps([key[name] for name in sorted(key)], ensure_ascii=False, default=str)
                row = self._connection.execute(f'SELECT doc FROM "{table}" WHERE id = ?', (identity,)).fetchone()
                document = bson.decode(row[0], CODEC) if row else dict(key)
                document.update(fields)
                rows.append((identity, *(_text(document.get(name)) for name in NARROWING_FIELDS), bson.encode(document)))
            self._connection.executemany(
                f'INSERT OR REPLACE INTO "{table}" (id, round, target_key, kind, doc) VALUES (?, ?, ?, ?, ?)', rows
            )

    def find(
        self,
        collection: str,
        query: Mapping[str, Any],
        sort: Sequence[tuple[str, int]] | None = None,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        documents = [document for _, document in self._matching(collection, query)]
        for field, direction in reversed(sort or []):
            documents.sort(key=lambda document: _sort_key(document.get(field)), reverse=direction < 0)
        return documents[:limit] if limit else documents

    def count(self, collection: str, query: Mapping[str, Any]) -> int:
        return len(self._matching(collection, query))

    def delete(self, collection: str, query: Mapping[str, Any]) -> int:
        identities = [identity for identity, _ in self._matching(collection, query)]
        if identities:
            with self._writing():
                table = self._table(collection)
                self._connection.executemany(f'DELETE FROM "{table}" WHERE id = ?', [(i,) for i in identities])
        return len(identities)

    def close(self) -> None:
        self._connection.close()

    def _matching(self, collection: str, query: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        pinned = {name: query[name] for name in NARROWING_FIELDS if isinstance(query.get(name), str)}
        where = " AND ".join(f"{name} = ?" for name in pinned) or "1"
        with self._lock:
            table = self._table(collection, create=False)
            if table is None:
                return []  # nothing was ever written to it
            rows = self._connection.execute(f'SELECT id, doc FROM "{table}" WHERE {where}', tuple(pinned.values())).fetchall()
        decoded = ((identity, bson.decode(doc, CODEC)) for identity, doc in rows)
        rest = {name: value for name, value in query.items() if name not in pinned}  # SQL matched the pinned fields
        # {"target_key": {"$in": [thousands of keys]}}: montydb compares every value with every
        # key; a set answers for string values at once (minutes -> milliseconds on a 10,000-target round).
        wanted = {name: frozenset(value["$in"]) for name, value in rest.items() if _strings_in(value)}
        matches = QueryFilter({name: value for name, value in rest.items() if name not in wanted}) if len(rest) > len(wanted) else None
        found = []
        for identity, document in decoded:
            if wanted and not all(_is_in(document.get(name), values, name, rest[name], document) for name, values in wanted.items()):
                continue
            if matches is None or matches(document):
                found.append((identity, document))
        return found

    def _table(self, collection: str, create: bool = True) -> str | None:
        """The collection's table; one that does not exist is made when writing (``create``),
        and is None when reading (a read-only store cannot make it, and it would be empty)."""
        if not collection.isidentifier():
            raise ValueError(f"collection name {collection!r}: letters, digits and _ only")
        if collection in self._tables:
            return collection
        if not create:
            exists = self._connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (collection,)).fetchone()
            if exists:
                self._tables.add(collection)
            return collection if exists else None
        if collection not in self._tables:
            self._connection.execute(
                f'CREATE TABLE IF NOT EXISTS "{collection}" '
                "(id TEXT PRIMARY KEY, round TEXT, target_key TEXT, kind TEXT, doc BLOB NOT NULL)"
            )
            self._connection.execute(f'CREATE INDEX IF NOT EXISTS "{collection}_narrowing" ON "{collection}" (round, target_key, kind)')
            self._tables.add(collection)
        return collection


def _strings_in(condition: Any) -> bool:
    """A ``{"$in": [str, ...]}`` condition and nothing else."""
    return (
        isinstance(condition, Mapping) and list(condition) == ["$in"] and isinstance(condition["$in"], list | tuple)
        and all(isinstance(value, str) for value in condition["$in"])
    )


def _is_in(value: Any, wanted: frozenset[str], name: str, condition: Any, document: Mapping[str, Any]) -> bool:
    if isinstance(value, str):
        return value in wanted
    return QueryFilter({name: condition})(document)  # arrays, missing fields: MongoDB's own rules


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _sort_key(value: Any) -> tuple[int, Any]:
    """MongoDB's order across types, simplified: missing/None first, then numbers, text, dates."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (5, value)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, datetime):
        return (4, value)
    return (3, json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))

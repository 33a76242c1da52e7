"""Replica endpoints of the platforms (routes for govcheck_demo.replica.ReplicaServer), built from account states."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from govcheck.dates import to_shanghai

States = TypeVar("States")


class StatesFile(Generic[States]):
    """A replica's account states as ``load`` reads them from ``path``, read again when the file
    changes (tests and the demo rewrite it between rounds while the server runs)."""

    def __init__(self, path: Path, load: Callable[[Path], States]) -> None:
        self.path = Path(path)
        self._load = load
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._states: States | None = None

    def read(self) -> States:
        with self._lock:
            stamp = self.path.stat().st_mtime
            if stamp != self._stamp or self._states is None:
                self._states = self._load(self.path)
                self._stamp = stamp
            return self._states


def state_time(value: Any) -> datetime:
    """A time of a states file (a YAML timestamp or ISO text) in Asia/Shanghai; naive = Shanghai wall time."""
    return to_shanghai(value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip()))


def series_posts(series: Mapping[str, Any] | None, text_field: str) -> list[dict[str, Any]]:
    """A states file's ``series`` {newest, every_days, count, <text_field>, original_every}: posts
    spaced evenly back from ``newest``, titled "<text>（n）"; every ``original_every``-th one (the
    newest first) original, none when 0."""
    if not series:
        return []
    newest = state_time(series["newest"])
    every = timedelta(days=float(series.get("every_days", 7)))
    text = str(series.get(text_field) or "工作动态")
    original_every = int(series.get("original_every", 1))
    return [
        {"time": newest - n * every, text_field: f"{text}（{n + 1}）", "original": bool(original_every) and n % original_every == 0}
        for n in range(int(series.get("count", 10)))
    ]

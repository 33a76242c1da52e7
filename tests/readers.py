"""Driving a platform reader by hand (govcheck.extract.reading): each fetch it asks for is
answered from saved data, without Scrapy or a server."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

from govcheck.extract.reading import Fetch, Fetched

T = TypeVar("T")


def drive(reading: Generator[Fetch, Fetched, T], answer: Callable[[Fetch], Fetched | Any]) -> tuple[T, list[Fetch]]:
    """Runs ``reading`` to its end, ``answer(fetch)`` answering each fetch it yields:
    (what it returned, the fetches in order)."""
    fetches: list[Fetch] = []
    reply = None
    try:
        while True:
            fetch = reading.send(reply)  # type: ignore[arg-type]
            fetches.append(fetch)
            reply = answer(fetch)
    except StopIteration as stop:
        return stop.value, fetches


def reply(text: str, status: int = 200, url: str | None = None, **more: Any) -> Callable[[Fetch], Fetched]:
    """An answer of ``status`` with ``text`` to any fetch (at its own URL unless ``url``)."""
    return lambda fetch: Fetched(url or fetch.url, status, text, **more)

"""Reading pages off the crawl's thread: a pool of worker processes for large rounds.

A sites round spends most of its CPU time reading pages (lxml, the list extractor, the word
list), in the same thread that drives every download. On a machine with more than one core,
large rounds hand that work to worker processes so the crawl keeps fetching meanwhile; small
rounds (tests, one county) read inline, which starts nothing.

``GOVCHECK_PARSE_PROCESSES``: worker processes; ``None`` (default) chooses: none below
``GOVCHECK_PARSE_POOL_MIN_SITES`` sites, else one per core but one (at most 4).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from govcheck.extract.page import PageReading, read_page
from govcheck.extract.wording import Term

# The word list of this worker process, given once at its start rather than with every page.
_worker_terms: tuple[Term, ...] = ()


def _start_worker(terms: tuple[Term, ...]) -> None:
    global _worker_terms
    _worker_terms = terms


def _read_in_worker(html: str, url: str, as_of: datetime, read_at: datetime, options: dict[str, object]) -> PageReading:
    return read_page(html, url, as_of, read_at, _worker_terms, **options)  # type: ignore[arg-type]


def pool_size(configured: int | None, sites: int, minimum_sites: int) -> int:
    """Worker processes for a round of ``sites`` sites (0: read inline)."""
    if configured is not None:
        return max(0, configured)
    cores = os.cpu_count() or 1
    return 0 if sites < minimum_sites or cores < 2 else min(4, cores - 1)


class PageReader:
    """Reads pages inline or in worker processes; :meth:`close` when the crawl ends."""

    def __init__(self, terms: tuple[Term, ...], processes: int = 0) -> None:
        self.terms = terms
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        if processes:
            # spawn, not fork: the crawling process runs threads (store writes, DNS) that a fork would copy mid-step
            self._pool = ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(terms,)
            )

    async def read(self, html: str, url: str, as_of: datetime, read_at: datetime, **options: object) -> PageReading:
        if self._pool is None:
            return read_page(html, url, as_of, read_at, self.terms, **options)  # type: ignore[arg-type]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _read_in_worker, html, url, as_of, read_at, options)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

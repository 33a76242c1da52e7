"""Reading pages off the crawl's thread: a pool of worker processes for large rounds.

A sites round spends most of its CPU time reading pages (lxml, the list extractor, the word
list), in the same thread that drives every download. On a machine with more than one core,
large rounds hand that work to worker processes so the crawl keeps fetching meanwhile; small
rounds (tests, one county) read inline, which starts nothing.

``GOVCHECK_PARSE_PROCESSES``: worker processes; ``None`` (default) chooses: none below
``GOVCHECK_PARSE_POOL_MIN_SITES`` sites, else one per core but one (at most 4).

Our own faults are never the site's. A worker that dies (killed, or by the kernel's OOM killer:
every read waiting on its pool then fails with ``BrokenProcessPool``) is replaced by a new pool
and the pages are read again there, up to :data:`READ_ATTEMPTS` times each; the deaths are
counted (:attr:`PageReader.worker_deaths`) for the run's record. A read that still fails, or
that raises (``MemoryError``, an lxml ``XPathEvalError`` or ``ParserError``, any error of our
readers), raises :class:`PageReadFailed`, whose text is the evidence: the page is reviewed
(待人工复核) with it, never recorded as the site's failure.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from govcheck.extract.page import PageReading, read_page
from govcheck.extract.wording import Term

__all__ = ["READ_ATTEMPTS", "PageReadFailed", "PageReader", "pool_size"]

logger = logging.getLogger(__name__)

# Tries of one page in the pool: the first, and two after the pool's worker died under it (a
# page that kills its worker each time, e.g. one that runs it out of memory, is then given up).
READ_ATTEMPTS = 3

# The word lists of this worker process (serious errors; misspellings, None: not checked),
# given once at its start rather than with every page.
_worker_terms: tuple[Term, ...] = ()
_worker_misspellings: tuple[Term, ...] | None = None


def _start_worker(terms: tuple[Term, ...], misspellings: tuple[Term, ...] | None = None) -> None:
    global _worker_terms, _worker_misspellings
    _worker_terms, _worker_misspellings = terms, misspellings


def _read_in_worker(html: str, url: str, as_of: datetime, read_at: datetime, options: dict[str, object]) -> PageReading:
    return read_page(html, url, as_of, read_at, _worker_terms, misspelling_terms=_worker_misspellings, **options)  # type: ignore[arg-type]


def pool_size(configured: int | None, sites: int, minimum_sites: int) -> int:
    """Worker processes for a round of ``sites`` sites (0: read inline)."""
    if configured is not None:
        return max(0, configured)
    cores = os.cpu_count() or 1
    return 0 if sites < minimum_sites or cores < 2 else min(4, cores - 1)


class PageReadFailed(Exception):
    """Our own failure to read a page (not the page's, not the site's); str() is the evidence."""


class PageReader:
    """Reads pages inline or in worker processes; :meth:`close` when the crawl ends."""

    def __init__(self, terms: tuple[Term, ...], processes: int = 0, misspellings: tuple[Term, ...] | None = None) -> None:
        self.terms = terms
        self.misspellings = misspellings  # the misspelling list's terms (None: 错别字 not checked)
        self.processes = processes
        self.worker_deaths = 0  # pools replaced because a worker died
        self.pages_given_up = 0  # pages whose every try in the pool lost its worker
        self._pool: ProcessPoolExecutor | None = self._new_pool() if processes else None

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the crawling process runs threads (store writes, DNS) that a fork would copy mid-step
        return ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(self.terms, self.misspellings)
        )

    def worker_pids(self) -> list[int]:
        """The process ids of the pool's live workers (none when reading inline)."""
        if self._pool is None:
            return []
        # ProcessPoolExecutor names its workers nowhere public; _processes is {pid: Process}
        return [pid for pid, process in dict(getattr(self._pool, "_processes", None) or {}).items() if process.is_alive()]

    async def read(self, html: str, url: str, as_of: datetime, read_at: datetime, **options: object) -> PageReading:
        """The page read; :class:`PageReadFailed` when we could not read it (see the module docstring)."""
        if self._pool is None:
            try:
                return read_page(html, url, as_of, read_at, self.terms, misspelling_terms=self.misspellings, **options)  # type: ignore[arg-type]
            except Exception as error:
                raise self._failed(url, error) from error
        loop = asyncio.get_running_loop()
        for _ in range(READ_ATTEMPTS):
            pool = self._pool
            assert pool is not None, "read after close"
            try:
                return await loop.run_in_executor(pool, _read_in_worker, html, url, as_of, read_at, options)
            except BrokenProcessPool:
                self._replace(pool)
            except Exception as error:  # raised by the reader in the worker, or the page could not be sent to it
                raise self._failed(url, error) from error
        self.pages_given_up += 1
        raise PageReadFailed(
            f"our own failure: the page-reading worker died each of {READ_ATTEMPTS} times it read this page (killed, or out of memory)"
        )

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool for a broken one, once, whichever of the reads waiting on it comes first."""
        if self._pool is not broken:
            return
        self.worker_deaths += 1
        logger.warning("a page-reading worker died (killed, or out of memory): a new pool reads its pages again (%d so far)", self.worker_deaths)
        broken.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    @staticmethod
    def _failed(url: str, error: BaseException) -> PageReadFailed:
        logger.error("reading %s failed in our own code", url, exc_info=error)
        return PageReadFailed(f"our own failure reading the page: {type(error).__name__}: {error}"[:300])

    def notes(self) -> list[str]:
        """What the run's record says of this reader: the workers that died, the pages given up."""
        if not self.worker_deaths:
            return []
        note = f"page-reading worker died {self.worker_deaths} time(s) (killed, or out of memory): its pages were read again in a new worker"
        if self.pages_given_up:
            note += f"; {self.pages_given_up} page(s) given up after {READ_ATTEMPTS} tries, reviewed (待人工复核)"
        return [note]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

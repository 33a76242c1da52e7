"""Pages read in a worker process read exactly as pages read in the crawling process."""

from __future__ import annotations

import asyncio
from datetime import datetime

from govcheck.dates import SHANGHAI
from govcheck.extract.wording import load_terms
from govcheck.parsing import PageReader, pool_size
from support import REPLICA

AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
READ_AT = datetime(2024, 2, 21, 9, 0, tzinfo=SHANGHAI)
PAGES = [
    ("fresh-trs/index.html", {"home": True, "navigation": True}),
    ("interaction/hdjl/szxx/index.html", {"interaction_column": True}),
    ("serious-errors/pfxc/index.html", {}),
    ("no-dates/index.html", {"home": True}),
]


def read_all(reader: PageReader) -> list:
    async def run() -> list:
        return [
            await reader.read((REPLICA / "sites" / path).read_text(encoding="utf-8"), f"http://127.0.0.1:8000/{path}", AS_OF, READ_AT, **options)
            for path, options in PAGES
        ]

    try:
        return asyncio.run(run())
    finally:
        reader.close()


def test_a_worker_process_reads_every_part_of_a_page_as_the_crawl_does():
    terms, _ = load_terms()
    inline = read_all(PageReader(terms, processes=0))
    in_worker = read_all(PageReader(terms, processes=1))
    assert in_worker == inline
    home, interaction, wording, _ = inline
    assert home.page.state == "entries" and home.navigation and home.links and home.interaction_links
    assert interaction.messages is not None and interaction.messages.messages
    assert wording.serious_errors


def test_small_rounds_read_inline_and_a_setting_overrides_the_choice():
    assert pool_size(None, sites=10, minimum_sites=100) == 0
    assert pool_size(0, sites=10_000, minimum_sites=100) == 0
    assert pool_size(3, sites=1, minimum_sites=100) == 3


# -- our own faults: a worker killed, a reader that fails ----------------------------------------

import os  # noqa: E402
import signal  # noqa: E402

import pytest  # noqa: E402

from govcheck import parsing  # noqa: E402
from govcheck.parsing import PageReadFailed  # noqa: E402


def long_list_page(entries: int) -> str:
    """A home page whose list takes the reader seconds: time to kill its worker mid-read."""
    items = "".join(
        f'<li><a href="/n/{i}.html">渭南市召开第{i}次政府常务会议研究部署工作</a><span>2024-02-{1 + i % 19:02d}</span></li>' for i in range(entries)
    )
    return f'<html><body><div class="nav"><a href="/hdjl/">互动交流</a></div><ul class="news">{items}</ul></body></html>'


def test_a_killed_worker_is_replaced_and_its_page_read_again():
    terms, _ = load_terms()
    html = long_list_page(6000)
    reader = PageReader(terms, processes=1)

    async def run() -> tuple:
        reading = asyncio.ensure_future(reader.read(html, "http://127.0.0.1:8000/", AS_OF, READ_AT, home=True))
        while not reader.worker_pids():
            await asyncio.sleep(0.05)
        killed = reader.worker_pids()[0]
        await asyncio.sleep(0.5)  # starting, or reading the page: either way its read is lost
        os.kill(killed, signal.SIGKILL)  # as the kernel's OOM killer does
        result = await reading
        return killed, result, reader.worker_pids()

    try:
        killed, result, now_running = asyncio.run(run())
    finally:
        reader.close()
    inline = asyncio.run(PageReader(terms).read(html, "http://127.0.0.1:8000/", AS_OF, READ_AT, home=True))
    assert result == inline and result.page.state == "entries"
    assert killed not in now_running and reader.worker_deaths == 1 and reader.pages_given_up == 0
    assert reader.notes() == [
        "page-reading worker died 1 time(s) (killed, or out of memory): its pages were read again in a new worker"
    ]


def test_a_reader_error_is_our_failure_with_its_name():
    terms, _ = load_terms()
    reader = PageReader(terms, processes=1)
    try:
        with pytest.raises(PageReadFailed, match=r"^our own failure reading the page: SelectorError: not valid XPath"):
            asyncio.run(reader.read(long_list_page(3), "http://127.0.0.1:8000/", AS_OF, READ_AT, selector="//["))
    finally:
        reader.close()
    assert reader.worker_deaths == 0 and reader.notes() == []


def test_memory_exhausted_while_reading_is_our_failure(monkeypatch):
    def out_of_memory(*args: object, **options: object) -> None:
        raise MemoryError()

    monkeypatch.setattr(parsing, "read_page", out_of_memory)
    with pytest.raises(PageReadFailed, match=r"^our own failure reading the page: MemoryError"):
        asyncio.run(PageReader(()).read("<html></html>", "http://127.0.0.1:8000/", AS_OF, READ_AT))

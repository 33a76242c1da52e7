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

"""Time the sites spider spends reading one page: every reader of it together (read_page), and
how many times the page's HTML is parsed on the way.

    python bench/page_reading_bench.py [--pages FOLDER] [--corpus FOLDER] [--repeat N]

Two sets of pages, each read the way the sites spider reads it:

- the bench's labelled list pages (``--pages``, default bench/pages/, made from the replica by
  make_labelled_pages.py on first use), read as column pages;
- the real saved pages of ``--corpus`` (default ../shared/corpus, read in place through its
  labels.json), read as home pages of sites registered without columns (their navigation too),
  the most any page is read for.

Pages are decoded as the spider decodes them and read with the shipped sample word list.
Prints, per set: pages, the best of ``--repeat`` rounds in ms of CPU per page, and the parses of HTML
per page (calls of lxml's document parser, counted over one round). Run it on two commits
side by side to see what a change saves: only runs made together compare on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck.extract.html import decode_html  # noqa: E402
from govcheck.extract.page import read_page  # noqa: E402
from govcheck.extract.wording import load_terms  # noqa: E402

SHANGHAI = timezone(timedelta(hours=8))
DEFAULT_PAGES = REPO / "bench" / "pages"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

# (name, html, url, as_of, read_page's keyword options)
Page = tuple[str, str, str, datetime, dict[str, object]]


def bench_pages(folder: Path) -> list[Page]:
    """The labelled list pages of ``folder`` (NAME.html + NAME.expected.json), as column pages."""
    pages = []
    for path in sorted(folder.glob("*.html")):
        label_path = path.with_name(path.name[: -len(".html")] + ".expected.json")
        if not label_path.exists():
            continue
        label = json.loads(label_path.read_text(encoding="utf-8"))
        html = decode_html(path.read_bytes(), label.get("content_type"))
        pages.append((path.stem, html, label["base_url"], datetime.fromisoformat(label["as_of"]), {}))
    return pages


def corpus_pages(folder: Path) -> list[Page]:
    """The real saved pages listed in ``folder``/labels.json, as home pages whose navigation is read."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    as_of = datetime(2024, 6, 30, 12, tzinfo=SHANGHAI)  # the time point changes which dates count, not the work
    pages = []
    for label in labels:
        html = decode_html((folder / label["file"]).read_bytes())
        options = {"home": label["kind"] == "home", "navigation": label["kind"] == "home"}
        pages.append((label["file"], html, label["base_url"], as_of, options))
    return pages


def read_all(pages: list[Page], terms: tuple) -> None:
    for _, html, url, as_of, options in pages:
        read_page(html, url, as_of, as_of, terms, **options)  # type: ignore[arg-type]


def parses_per_page(pages: list[Page], terms: tuple) -> float:
    """Calls of lxml's document parser over one round, per page."""
    calls = 0
    parse: Callable[..., lxml.html.HtmlElement] = lxml.html.document_fromstring

    def counting(*args: object, **kwargs: object) -> lxml.html.HtmlElement:
        nonlocal calls
        calls += 1
        return parse(*args, **kwargs)

    lxml.html.document_fromstring = counting
    try:
        read_all(pages, terms)
    finally:
        lxml.html.document_fromstring = parse
    return calls / len(pages)


def best_ms_per_page(pages: list[Page], terms: tuple, repeat: int) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.process_time()  # CPU time: other work on the machine moves wall time by 2×
        read_all(pages, terms)
        best = min(best, time.process_time() - started)
    return best / len(pages) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time and parses per page of govcheck.extract.page.read_page")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="labelled list pages (bench/pages/)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="real saved pages with labels.json")
    parser.add_argument("--repeat", type=int, default=10, help="timing rounds; the best one is reported")
    args = parser.parse_args(argv)
    if args.pages == DEFAULT_PAGES and not args.pages.exists():
        from make_labelled_pages import main as make_labelled_pages

        make_labelled_pages(["--out", str(args.pages)])

    terms = load_terms()[0]
    sets = [("bench pages", bench_pages(args.pages))]
    if (args.corpus / "labels.json").exists():
        sets.append(("real pages", corpus_pages(args.corpus)))
    for name, pages in sets:
        if not pages:
            print(f"{name:12} none")
            continue
        read_all(pages, terms)  # warm the caches of compiled patterns and URL joins
        parses = parses_per_page(pages, terms)
        ms = best_ms_per_page(pages, terms, args.repeat)
        size = sum(len(html) for _, html, *_ in pages) / len(pages) / 1024
        print(f"{name:12} {len(pages)} pages ({size:.0f} K characters each): {ms:.2f} ms CPU a page, "
              f"{parses:.1f} parses a page (best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed and accuracy of the generic list extractor over a folder of labelled saved pages.

    python bench/extractor_bench.py [FOLDER] [--repeat N] [--selector-free]

FOLDER (default bench/pages/, built by bench/make_labelled_pages.py) holds NAME.html files,
each with NAME.expected.json: {"base_url": ..., "as_of": "...", "newest": "YYYY-MM-DD" | null,
"state": "entries" | "empty" | "unparsed"}. Pages are read as bytes and decoded the way the
spider does (HTTP charset if any, else the page's meta charset). A page is right when both
its state and its newest date match the label.

Prints each wrong page, then: pages, pages per second (decode + extract, best of --repeat
rounds), state accuracy, newest-date accuracy, overall accuracy. Not a test: it always exits 0
unless --fail-under is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck.extract.html import decode_html  # noqa: E402
from govcheck.extract.listing import extract_list  # noqa: E402


def load(folder: Path) -> list[tuple[str, bytes, dict]]:
    pages = []
    for html in sorted(folder.glob("*.html")):
        label = html.with_name(html.name[: -len(".html")] + ".expected.json")
        if not label.exists():
            print(f"skipped {html.name}: no {label.name}", file=sys.stderr)
            continue
        pages.append((html.stem, html.read_bytes(), json.loads(label.read_text(encoding="utf-8"))))
    return pages


def run_once(pages: list[tuple[str, bytes, dict]]) -> list:
    results = []
    for _, body, label in pages:
        text = decode_html(body, label.get("content_type"))
        results.append(extract_list(text, label["base_url"], datetime.fromisoformat(label["as_of"])))
    return results


DEFAULT_FOLDER = REPO / "bench" / "pages"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="speed and accuracy of govcheck.extract.listing.extract_list")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--repeat", type=int, default=10, help="timing rounds; the best one is reported")
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 when overall accuracy is lower")
    args = parser.parse_args(argv)
    if args.folder == DEFAULT_FOLDER and not args.folder.exists():
        # the default labelled folder is made from the replica, not kept in the repository
        from make_labelled_pages import main as make_labelled_pages

        make_labelled_pages(["--out", str(args.folder)])

    pages = load(args.folder)
    if not pages:
        print(f"no labelled pages in {args.folder}", file=sys.stderr)
        return 2

    best = float("inf")
    results = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        results = run_once(pages)
        best = min(best, time.perf_counter() - started)

    state_ok = newest_ok = both_ok = 0
    for (name, _body, label), page in zip(pages, results):
        newest = page.newest.date.date().isoformat() if page.newest else None
        s_ok = page.state == label["state"]
        n_ok = newest == label["newest"]
        state_ok += s_ok
        newest_ok += n_ok
        both_ok += s_ok and n_ok
        if not (s_ok and n_ok):
            print(f"WRONG {name}: got {page.state}/{newest}, expected {label['state']}/{label['newest']}")

    n = len(pages)
    size = sum(len(body) for _, body, _ in pages)
    print(f"pages            {n} ({size / 1024:.0f} KiB) from {args.folder}")
    print(f"speed            {n / best:.0f} pages/s ({best / n * 1000:.2f} ms/page, best of {args.repeat})")
    print(f"state accuracy   {state_ok}/{n} = {state_ok / n:.1%}")
    print(f"newest accuracy  {newest_ok}/{n} = {newest_ok / n:.1%}")
    print(f"overall accuracy {both_ok}/{n} = {both_ok / n:.1%}")
    if args.fail_under is not None and both_ok / n < args.fail_under:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Accuracy on the labelled real pages of the shared corpus, per kind of page.

    python bench/corpus_bench.py [FOLDER] [--pages]

FOLDER (default ../shared/corpus beside the checkout) holds labels.json and the pages it names
(its README says what each label means). Every page is read at its own time, through the
sites spider's reading path and the rules (tests/corpus.py: the home observation the spider
would record, the pages it links to not read, as they are not in the corpus). Printed per kind:

- interaction channel (home pages), by label: ``found`` (named, a known platform's host, or a
  form or messages on the page itself), ``unresolved`` (not found; the rules review it) and
  ``missed`` (the rules fail the site for "no channel": never acceptable on a page labelled
  with a channel, or "unclear"); on pages labelled without one, ``found`` is a false channel;
- newest date (home and list pages): ``right`` (the labelled date; no date when the label has
  none), ``unread`` (no date read, or the rules review the page) and ``wrong`` (another date).

``--pages`` prints each page's reading. Not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the corpus reader the corpus test uses

from corpus import LabelledPage, home_observation, load_corpus, rounds  # noqa: E402
from govcheck.extract.listing import extract_list  # noqa: E402
from govcheck.rules import load_profile  # noqa: E402
from govcheck.rules import evaluate_site, home_page_findings  # noqa: E402

DEFAULT_FOLDER = REPO.parent / "shared" / "corpus"
PROFILE = load_profile()
PLATFORM_HOSTS = PROFILE.section("websites", "interaction")["platform_hosts"]


def channel_outcome(page: LabelledPage, observation: dict) -> str:
    """found, unresolved or missed, as the rules see the home observation."""
    links = [link for link in observation["interaction_links"] if not link.get("section")]
    shown = [p for p in (observation.get("channel_search") or {}).get("pages", []) if p["outcome"] == "channel"]
    if links or shown:
        return "found"
    target = {"key": f"site:{page.name}", "url": page.base_url, "columns": []}
    findings = evaluate_site(target, [observation], observation["fetched_at"], PROFILE)
    return "missed" if any(f.code == "site.interaction.no_channel" for f in findings) else "unresolved"


def date_outcome(page: LabelledPage, read: str | None, reviewed: bool) -> str:
    if reviewed or read is None:
        return "right" if page.newest_date is None else "unread"
    return "right" if read == page.newest_date else "wrong"


def home_dates(page: LabelledPage, observation: dict) -> tuple[str | None, bool]:
    target = {"key": f"site:{page.name}", "url": page.base_url, "columns": []}
    findings = home_page_findings(target, [observation], observation["fetched_at"], PROFILE)
    if any(f.severity == "review" for f in findings):
        return None, True
    newest = next((f.evidence.get("newest_date") for f in findings), None) or observation["newest_date"]
    return (newest.date().isoformat() if newest else None), False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="accuracy of the readers on the labelled real pages of the shared corpus")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--pages", action="store_true", help="print each page's reading")
    args = parser.parse_args(argv)
    if not (args.folder / "labels.json").exists():
        print(f"no labels.json in {args.folder}", file=sys.stderr)
        return 2
    pages = load_corpus(args.folder)
    kinds = Counter(page.label.get("kind") for page in pages)
    print(f"corpus           {len(pages)} pages from {args.folder} ({', '.join(f'{kind} {n}' for kind, n in kinds.items())})")
    as_of = {page.name: when for when, group in rounds(pages) for page in group}
    channels: dict[str, Counter] = {}
    dates: dict[str, Counter] = {}
    for page in pages:
        kind = page.label.get("kind")
        when = page.own_time or as_of[page.name]
        if kind == "home":
            observation = home_observation(page, when, PLATFORM_HOSTS)
            channel = channel_outcome(page, observation)
            channels.setdefault(str(page.label.get("has_channel")).lower(), Counter())[channel] += 1
            read, reviewed = home_dates(page, observation)
        elif kind == "list":
            listed = extract_list(page.html, page.base_url, when)
            channel, reviewed = "-", listed.state != "entries"
            read = listed.newest.date.date().isoformat() if listed.newest else None
        else:
            print(f"skipped          {page.name}: no reader for kind {kind!r} here")
            continue
        outcome = date_outcome(page, read, reviewed)
        dates.setdefault(kind, Counter())[outcome] += 1
        if args.pages:
            print(f"  {page.name:<16} at {when.date()}  channel {str(page.label.get('has_channel')):<7} → {channel:<10}  "
                  f"newest {page.newest_date} → {read if not reviewed else 'review'} ({outcome})")
    for label in ("true", "unclear", "false"):
        if label in channels:
            found = channels[label]
            print(f"home channel     labelled {label:<7}: found {found['found']}, unresolved {found['unresolved']}, missed {found['missed']}")
    for kind, found in dates.items():
        total = sum(found.values())
        print(f"{kind:<5}newest date  right {found['right']}/{total} = {found['right'] / total:.0%}, unread {found['unread']}, wrong {found['wrong']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

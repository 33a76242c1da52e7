"""Builds the labelled folder bench/pages/ from the replica sites and their manifest.

    python bench/make_labelled_pages.py [--replica replica/sites] [--out bench/pages]

For every home page and column of replica/sites/manifest.yaml it copies the saved page
(bytes as served, GBK pages stay GBK) to OUT/NAME.html and writes OUT/NAME.expected.json:

    {"base_url": ..., "as_of": ..., "newest": "YYYY-MM-DD" | null, "state": "entries" | "empty" | "unparsed",
     "site": ..., "column": ..., "source": ...}

The label is what the list page itself shows: a column whose list has no dates (its newest
date is on the detail pages) is labelled entries/null. Columns that need a browser
(render: playwright) are left out: their saved HTML has no list to measure.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
ORIGIN = "http://127.0.0.1:8000"


def page_file(replica: Path, path: str) -> Path:
    rel = path.lstrip("/")
    return replica / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def page_name(path: str) -> str:
    slug, _, rest = path.strip("/").partition("/")
    rest = re.sub(r"(^|/)index\.html$", "", rest)
    rest = re.sub(r"\.html$", "", rest)
    rest = re.sub(r"[^A-Za-z0-9]+", "-", rest).strip("-")
    return f"{slug}__{rest or 'home'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replica", type=Path, default=REPO / "replica" / "sites")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "pages")
    args = parser.parse_args(argv)

    manifest = yaml.safe_load((args.replica / "manifest.yaml").read_text(encoding="utf-8"))
    if args.out.exists():
        for old in list(args.out.glob("*.html")) + list(args.out.glob("*.expected.json")):
            old.unlink()
    args.out.mkdir(parents=True, exist_ok=True)

    written = skipped = 0
    for site in manifest["sites"]:
        pages = [dict(column="首页", path=site["home"], state="entries", newest=site["expected_home_newest"],
                      method="generic")]
        for col in site["columns"]:
            pages.append(dict(column=col["name"], path=col["path"], state=col["expected_state"],
                              newest=col["expected_newest"], method=col["expected_method"]))
        for page in pages:
            if page["method"] == "rendered":
                skipped += 1
                continue
            name = page_name(page["path"])
            shutil.copyfile(page_file(args.replica, page["path"]), args.out / f"{name}.html")
            label = {
                "base_url": ORIGIN + page["path"],
                "as_of": manifest["as_of"],
                "newest": None if page["method"] == "detail" else page["newest"],
                "state": page["state"],
                "site": site["name"],
                "column": page["column"],
                "source": f"replica/sites{page['path']}",
            }
            (args.out / f"{name}.expected.json").write_text(
                json.dumps(label, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written += 1
    print(f"{written} labelled pages in {args.out} ({skipped} rendered columns left out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Screenshots of rendered pages: GridFS on MongoDB (FerretDB), files beside the embedded store.

First govcheck.screenshots on both stores, then rounds of the script-column replica site
whose script-loaded list is rendered by Playwright twice over: registered ``playwright``, and
registered plain (the spider notices the script and renders it). Each rendered column keeps
one screenshot, also when the round runs again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from gridfs.errors import NoFile

from govcheck.screenshots import BUCKET, load_screenshot, save_screenshot, screenshot_name
from govcheck.store import SHANGHAI, Store
from support import STORE_KINDS, open_store, store_environment
from test_sites_round import ROUND
from test_splash import PNG_SIGNATURE, SCRIPT_COLUMN, column_observations, column_row, inspect_register, register

TAKEN_AT = datetime(2024, 2, 20, 10, 30, tzinfo=SHANGHAI)
FIRST = PNG_SIGNATURE + b"first screenshot"
SECOND = PNG_SIGNATURE + b"second screenshot, after the page changed"


def stored_screenshots(store: Store) -> list[str]:
    """What the store holds: GridFS file names, or the PNG files beside the embedded store."""
    if store.mongo_database is not None:
        return sorted(f["filename"] for f in store.mongo_database[f"{BUCKET}.files"].find())
    folder = store.folder / "screenshots"
    return sorted(str(path.relative_to(store.folder)) for path in folder.rglob("*") if path.is_file())


def test_a_screenshot_is_stored_where_its_store_keeps_files(store):
    reference = save_screenshot(store, ROUND, "site:渭南市交通运输局", "column", "通知公告", FIRST, TAKEN_AT)

    assert load_screenshot(store, reference) == FIRST
    assert (reference["sha256"], reference["bytes"], reference["taken_at"]) == (hashlib.sha256(FIRST).hexdigest(), len(FIRST), TAKEN_AT)
    if store.embedded:
        assert reference["store"] == "file"
        assert reference["path"] == "screenshots/2024-1/site/渭南市交通运输局/column-通知公告.png"
        assert stored_screenshots(store) == [reference["path"]]
    else:
        assert reference["store"] == "gridfs" and reference["filename"] == "2024-1/site/渭南市交通运输局/column-通知公告.png"
        assert stored_screenshots(store) == [reference["filename"]]


def test_saving_a_page_again_replaces_its_screenshot(store):
    first = save_screenshot(store, ROUND, "site:渭南市交通运输局", "column", "通知公告", FIRST, TAKEN_AT)
    second = save_screenshot(store, ROUND, "site:渭南市交通运输局", "column", "通知公告", SECOND, TAKEN_AT)

    assert len(stored_screenshots(store)) == 1
    assert load_screenshot(store, second) == SECOND
    if not store.embedded:  # the earlier GridFS file is gone, chunks included
        with pytest.raises(NoFile):
            load_screenshot(store, first)
        assert store.mongo_database[f"{BUCKET}.chunks"].count_documents({}) == 1


def test_pages_and_rounds_keep_their_own_screenshots(store):
    save_screenshot(store, ROUND, "site:渭南市交通运输局", "column", "通知公告", FIRST, TAKEN_AT)
    save_screenshot(store, ROUND, "site:渭南市交通运输局", "column", "政策文件", FIRST, TAKEN_AT)
    save_screenshot(store, ROUND, "site:渭南市交通运输局", "home", "home", FIRST, TAKEN_AT)
    save_screenshot(store, "2024-2", "site:渭南市交通运输局", "column", "通知公告", FIRST, TAKEN_AT)
    assert len(stored_screenshots(store)) == 4


def test_names_stay_inside_their_folder_and_apart():
    """Separators and characters file systems refuse are replaced; a short hash of the original
    keeps names apart that would otherwise become one."""
    slashed = screenshot_name("2024-1", "site:某局", "column", "通知/公告")
    spaced = screenshot_name("2024-1", "site:某局", "column", "通知 公告")
    assert slashed.startswith("2024-1/site/某局/column-通知_公告-") and slashed.count("/") == 3
    assert slashed != spaced
    assert screenshot_name("2024-1", "site:某局", "home", "home") == "2024-1/site/某局/home.png"
    assert ".." not in screenshot_name("../..", "site:..", "column", "..")


def test_something_that_is_not_a_png_is_refused_and_nothing_stored(store):
    with pytest.raises(ValueError, match="site:渭南市交通运输局 column '通知公告' in round 2024-1: not a PNG image"):
        save_screenshot(store, ROUND, "site:渭南市交通运输局", "column", "通知公告", b"<html>error</html>", TAKEN_AT)
    assert stored_screenshots(store) == []


# -- rounds --------------------------------------------------------------------------------

AUTO_RENDERED = "通知公告（未标注）"  # registered without a render mode: rendered on noticing the script


@pytest.fixture(scope="module", params=STORE_KINDS)
def rendered_rounds(request, replica_sites, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The script-loaded list registered playwright and plain, inspected twice on one store."""
    folder = tmp_path_factory.mktemp(f"screenshots-{request.param}")
    url = replica_sites.url + SCRIPT_COLUMN["path"]
    targets = register(replica_sites.url, column_row(AUTO_RENDERED, url, ""))
    with store_environment(request.param, folder) as env:
        store = open_store(env)
        inspect_register(env, folder, targets, {})
        first = {"observations": column_observations(store), "stored": stored_screenshots(store)}
        inspect_register(env, folder, targets, {})
        yield {"store": store, "first": first, "observations": column_observations(store)}


RENDERED = (SCRIPT_COLUMN["name"], AUTO_RENDERED)


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_rendered_by_playwright_keeps_a_screenshot(rendered_rounds):
    store, observed = rendered_rounds["store"], rendered_rounds["observations"]
    for name in RENDERED:
        column = observed[name]
        assert (column["method"], column["renderer"], column["state"]) == ("rendered", "playwright", "entries")
        png = load_screenshot(store, column["screenshot"])
        assert png.startswith(PNG_SIGNATURE) and hashlib.sha256(png).hexdigest() == column["screenshot"]["sha256"]
        assert column["screenshot"]["store"] == ("file" if store.embedded else "gridfs")
    plain = [c for name, c in observed.items() if name not in RENDERED]
    assert plain and all(c["method"] == "generic" and "screenshot" not in c for c in plain)


@pytest.mark.browser
@pytest.mark.slow
def test_rerunning_the_round_keeps_one_screenshot_per_rendered_page(rendered_rounds):
    store, first = rendered_rounds["store"], rendered_rounds["first"]
    assert len(first["stored"]) == len(RENDERED)
    assert stored_screenshots(store) == first["stored"]  # same names, replaced in place
    if not store.embedded:  # new GridFS files; the first run's are gone
        for name in RENDERED:
            assert rendered_rounds["observations"][name]["screenshot"]["id"] != first["observations"][name]["screenshot"]["id"]
            with pytest.raises(NoFile):
                load_screenshot(store, first["observations"][name]["screenshot"])

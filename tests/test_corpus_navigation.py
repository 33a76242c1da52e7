"""Real home pages (../shared/corpus, read in place): the columns of their navigation, at the
level a visitor sees them, and typed so that only a column of the navigation bar whose name
leaves no doubt can count towards 栏目不更新.

The labels (``columns``: the navigation bar's column names, as an inspector reads the page)
are the ground truth. The folder grows: every labelled home page is checked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from govcheck.extract.columns import discovered_column_type
from govcheck.extract.html import decode_html
from govcheck.extract.navigation import NavigationEntry, discover_columns
from support import REPO

CORPUS = REPO.parent / "shared" / "corpus"
# the types 栏目不更新 judges by their publish dates (the others are checked for blankness only)
DATED_TYPES = {"动态要闻", "通知公告", "政策文件", "人事信息", "规划计划"}


def labelled_homes() -> list[Any]:
    labels = CORPUS / "labels.json"
    if not labels.is_file():
        pytest.fail(f"the corpus of real pages is missing: {labels} (it sits beside the checkout)")
    entries = json.loads(labels.read_text(encoding="utf-8"))
    return [pytest.param(entry, id=entry["file"]) for entry in entries if entry["kind"] == "home"]


def navigation(label: dict[str, Any]) -> list[NavigationEntry]:
    html = decode_html((CORPUS / label["file"]).read_bytes())
    return discover_columns(html, label["base_url"])


def bar_columns(label: dict[str, Any]) -> set[str]:
    return set(label["columns"]) - {"首页"}


@pytest.mark.parametrize("label", labelled_homes())
def test_the_columns_of_the_labelled_navigation_bar_are_read_as_first_level(label):
    found = [entry for entry in navigation(label) if entry.name in bar_columns(label)]
    assert [entry.name for entry in found if not entry.first_level] == []


@pytest.mark.parametrize("label", labelled_homes())
def test_a_discovered_column_is_judged_by_its_dates_only_when_it_is_in_the_bar_and_its_name_is_plain(label):
    judged = {entry.name: discovered_column_type(entry) for entry in navigation(label)}
    dated = {name: typed for name, typed in judged.items() if typed[0] in DATED_TYPES}
    assert set(dated) <= bar_columns(label), dated


@pytest.mark.parametrize("page, submenu", [
    # SuperSlide tab menu: each bar entry's hover panel is a <div> beside the bar (div.subNav)
    ("home/007.html", {"人事信息", "规划计划", "行政复议", "政府采购", "就业创业", "社会保险"}),
    # the second-level menus sit in hidden <div class="twonav"> inside each bar entry
    ("home/008.html", {"职权信息", "新闻动态", "法规文件", "政策解读", "公示公告", "意见征集", "局长信箱"}),
])
def test_hover_submenus_of_real_pages_are_below_the_first_level(page, submenu):
    [label] = [entry.values[0] for entry in labelled_homes() if entry.values[0]["file"] == page]
    levels = {entry.name: entry.first_level for entry in navigation(label)}
    assert {name for name, first in levels.items() if first} == bar_columns(label)
    assert submenu <= {name for name, first in levels.items() if not first}
    # 人事信息, 公示公告 and 新闻动态 name their type plainly, but a submenu column is not counted
    assert {discovered_column_type(e)[0] for e in navigation(label) if e.name in submenu} <= {"其他", "互动交流"}

"""Columns discovered from a home page's navigation: the 栏目类型 they are judged by.

A site registered without columns is inspected through the columns its home page links to
(``navigation.discover_columns``). Their type decides how they are judged, and a wrong type can
fail a site (栏目不更新 counts stale 动态要闻, 通知公告 and 政策文件 columns). So a discovered
column takes the type its name suggests only when the indicator would count it as such: its
name leaves no doubt (the whole name is one of the type's usual forms: 工作动态, 通知公告,
政府文件…, not 政策解读, 文件下载, 政策法规, 图片新闻, 新闻专题) and it is a first-level column (一级
栏目: an entry of the navigation bar, not of a submenu, a hover panel or a news block). Any
other is ``其他``, checked for blankness only, and what its name suggested is kept as its
``type_guess`` for the inspector.

An interaction column (互动交流: 政务咨询, 领导信箱…) is typed by its name at any level: it is
judged by its messages, not by publish dates, and it shows the site has a channel.
"""

from __future__ import annotations

import re

from govcheck.extract.interaction import names_interaction_channel
from govcheck.extract.navigation import NavigationEntry

__all__ = ["column_type_for_name", "column_type_guess", "discovered_column_type"]

OTHER = "其他"
INTERACTION = "互动交流"

# What a name suggests: a word anywhere in it, in this order (人事任免通知 is a personnel column,
# 工作计划 a plan). 新闻发布会 lists press conferences, held a few times a year: no 动态 column.
_SUGGESTED_BY: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("人事信息", re.compile(r"人事")),
    ("规划计划", re.compile(r"规划|计划")),
    ("通知公告", re.compile(r"通知|公告")),
    ("政策文件", re.compile(r"政策|文件")),
    ("动态要闻", re.compile(r"动态|要闻|新闻(?!发布会)")),
)

# The whole names that leave no doubt about the type suggested. A short prefix naming the place
# or the unit is allowed where columns carry one (南塬要闻, 部门动态, 县政府文件); topic words are
# not (招聘公告, 法规文件, 图片新闻 are columns of their own kind).
_CERTAIN: dict[str, re.Pattern[str]] = {
    "人事信息": re.compile(r"人事(信息|任免|任免信息)?"),
    "规划计划": re.compile(r"规划计划|计划规划|发展规划|工作计划|计划总结|规划信息"),
    "通知公告": re.compile(r"(政府|政务|最新|重要|部门|工作)?(通知|公告|通告)(通知|公告|通告|公示)?|公示公告"),
    "政策文件": re.compile(r"(?!.*(法规|解读|下载|相关|征求|草案)).{0,6}文件"),
    "动态要闻": re.compile(r"(?!.*(图片|视频|专题)).{0,6}(动态|要闻)|新闻发布|新闻动态"),
}


def column_type_guess(name: str) -> str:
    """The type a column's name suggests (互动交流, 人事信息, 规划计划, 通知公告, 政策文件, 动态要闻),
    else 其他: a guess, kept as evidence, never enough to judge a column by."""
    if names_interaction_channel(name):
        return INTERACTION
    for column_type, words in _SUGGESTED_BY:
        if words.search(name):
            return column_type
    return OTHER


def column_type_for_name(name: str) -> str:
    """The type a column's name leaves no doubt about, else 其他."""
    guess = column_type_guess(name)
    if guess == INTERACTION:
        return guess
    certain = _CERTAIN.get(guess)
    return guess if certain is not None and certain.fullmatch(name.strip()) else OTHER


def discovered_column_type(entry: NavigationEntry) -> tuple[str, str]:
    """``(type, type_guess)`` of a column found in a home page's navigation: the type it is
    judged by (its name's, when that leaves no doubt and the column is first-level, else 其他),
    and the type its name suggests."""
    guess = column_type_guess(entry.name)
    if guess == INTERACTION or entry.first_level:
        return column_type_for_name(entry.name), guess
    return OTHER, guess

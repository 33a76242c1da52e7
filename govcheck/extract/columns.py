"""Columns discovered from a home page's navigation: their 栏目类型 guessed from their name.

A site registered without columns is inspected through the columns its home page links to
(``discover_columns``). Their type decides how they are judged, so it is taken from the name
only when the name says it plainly; everything else is ``其他`` (checked for blankness only).
"""

from __future__ import annotations

import re

from govcheck.extract.interaction import names_interaction_channel

__all__ = ["column_type_for_name"]

# in this order: 政策咨询 is an interaction column, 人事任免通知 a personnel one, 工作计划 a plan.
# 新闻发布会 lists press conferences, held a few times a year: no 动态 column (14 days).
_TYPES_BY_WORD: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("人事信息", re.compile(r"人事")),
    ("规划计划", re.compile(r"规划|计划")),
    ("通知公告", re.compile(r"通知|公告")),
    ("政策文件", re.compile(r"政策|文件")),
    ("动态要闻", re.compile(r"动态|要闻|新闻(?!发布会)")),
)


def column_type_for_name(name: str) -> str:
    """动态要闻, 通知公告, 政策文件, 人事信息, 规划计划 or 互动交流 when the name says so, else 其他."""
    if names_interaction_channel(name):
        return "互动交流"
    for column_type, words in _TYPES_BY_WORD:
        if words.search(name):
            return column_type
    return "其他"

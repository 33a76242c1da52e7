"""Inspectors' records of the 扣分 items a crawler cannot measure (``govcheck observe scores FILE``).

The profile's ``scoring.items`` with ``by: inspector`` (概况信息, 解读回应, 留言办理…) are
looked at by hand, and so is an item of the crawler's it could not measure in a round (首页可用性
after a one-shot round: a record then stands in for it; where the crawler measured the item, its
measure counts). The inspector fills a table, sheet ``评分记录`` (or the workbook's only sheet;
CSV and YAML as in :mod:`govcheck.table_reader`):

网站名称 | 扣分项 | 扣分 | 说明 | 检查人

- 网站名称: required, a site of the targets.
- 扣分项: required, a 扣分 item of the round's profile, by its name (概况信息) or code.
- 扣分: the points taken off, a number ≥ 0 (0: looked at, nothing to take off); at most the
  item's points where the profile caps them (``scoring.max_points``).
- 说明: why (printed with the deduction as its evidence); required when 扣分 is above 0.
- 检查人: required.

Every problem is listed at once (:class:`TableFileError`, naming file, sheet, row and column);
a second row for the same site and item is a problem too (the later would silently replace it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govcheck.observations import ScoreObservation
from govcheck.rules import Profile
from govcheck.table_reader import TableFileError, clean_text, read_one_sheet
from govcheck.targets import site_key

__all__ = ["SHEET", "COLUMNS", "load_score_records"]

SHEET = "评分记录"
COLUMNS = ("网站名称", "扣分项", "扣分", "说明", "检查人")


def load_score_records(path: Path, known_sites: set[str], profile: Profile, recorded_at: dt.datetime) -> list[dict]:
    """Read and check a 评分记录 file; return ``score`` observation documents (no ``round``).

    ``known_sites`` holds the target keys of the sites inspected. Raises :class:`TableFileError`
    listing every problem.
    """
    table = read_one_sheet(path, SHEET, COLUMNS)
    sheet, problems, add, missing = table.sheet, table.problems, table.add, table.missing

    items = {i.name: i for i in profile.score_items("websites")}
    items.update({i.code: i for i in list(items.values())})
    names = "、".join(i.name for i in profile.score_items("websites"))
    documents: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for row in sheet:
        values = {c: clean_text(row.get(c)) for c in COLUMNS}
        for column in ("网站名称", "扣分项", "检查人"):
            if column not in missing and not values[column]:
                add(row, column, "不能为空")
        key = site_key(values["网站名称"]) if values["网站名称"] else ""
        if key and key not in known_sites:
            add(row, "网站名称", f"网站 {values['网站名称']} 不在检查对象中")
        item = items.get(values["扣分项"])
        if values["扣分项"] and item is None:
            add(row, "扣分项", f"{values['扣分项']} 不是本轮规则的扣分项，应为 {names or '（规则中没有）'} 之一")
        points = _points(values["扣分"])
        if points is None:
            add(row, "扣分", f"{values['扣分'] or '空'} 不是扣分数，应填 0 或正数")
        elif item is not None and (cap := profile.max_points(item.code)) is not None and points > cap:
            add(row, "扣分", f"{item.name}最多扣 {cap:g} 分，填了 {points:g}")
        if points and not values["说明"]:
            add(row, "说明", "扣分时须写明原因")
        if key and item is not None:
            if (key, item.code) in seen:
                add(row, "扣分项", f"{values['网站名称']} 的 {item.name} 与第 {seen[(key, item.code)]} 行重复")
            else:
                seen[(key, item.code)] = row.number
        if key and item is not None and points is not None:
            documents.append(ScoreObservation(
                target_key=key, key=f"score:{item.code}", item=item.code, points=points,
                note=values["说明"], inspector=values["检查人"], recorded_at=recorded_at,
            ).to_document())
    if problems:
        raise TableFileError(problems)
    return documents


def _points(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None

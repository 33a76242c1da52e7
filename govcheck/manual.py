"""Inspectors' own observations of new-media accounts (``govcheck observe import FILE``).

Where no API can be used (WeChat above all), inspectors look at the account by hand and fill a
table, sheet ``人工观察`` (or the workbook's only sheet; CSV and YAML as in
:mod:`govcheck.table_reader`, a CSV needs no ``表`` column):

账号名称 | 平台 | 最新发布时间 | 最近原创时间 | 当前名称 | 互动入口状态 | 截图文件 | 检查人

All columns but 截图文件 must be in the header (YAML rows just leave out empty values).  Values:

- 账号名称, 平台 (微信/微博/抖音): required; together they must name an account of the targets.
- 最新发布时间, 最近原创时间: ``2024-02-19``, ``2024-02-19 10:30[:15]``, ``2024/2/19``,
  ``2024年2月19日 [10:30]``, or an Excel date cell; Asia/Shanghai (a time written with an
  explicit offset, ``2024-02-19T02:30:00Z``, is converted).  Empty = not recorded
  (``None``).  ``无`` = nothing seen: 最近原创时间 ``无`` means no original post (latest
  original ``None`` but ``originals_known`` True); 最新发布时间 ``无`` gives ``None`` as well.
- 当前名称: the name the account shows now; ``搜索不到`` = the account could not be found
  (``found`` False).  Empty = not recorded (``current_name`` None).
- 互动入口状态: 正常, 无, 链接有误, 未检查 (empty = 未检查).
- 截图文件: optional, kept as text.
- 检查人: required.

:func:`load_manual_observations` raises one :class:`TableFileError` listing every problem;
a second row for the same account in one file is a problem too (the store keys observations
by round, target and kind, so one of them would silently be lost).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from govcheck.observations import AccountObservation
from govcheck.table_reader import TableFileError, clean_text, read_one_sheet
from govcheck.targets import PLATFORMS, account_key

__all__ = [
    "SHEET",
    "COLUMNS",
    "REQUIRED_HEADER",
    "INTERACTION_STATES",
    "NOT_FOUND",
    "NONE_SEEN",
    "SHANGHAI",
    "parse_time",
    "load_manual_observations",
]

SHEET = "人工观察"
COLUMNS = ("账号名称", "平台", "最新发布时间", "最近原创时间", "当前名称", "互动入口状态", "截图文件", "检查人")
REQUIRED_HEADER = tuple(c for c in COLUMNS if c != "截图文件")
INTERACTION_STATES = {"正常": "ok", "无": "missing", "链接有误": "broken", "未检查": "unknown"}
NOT_FOUND = "搜索不到"
NONE_SEEN = "无"
SHANGHAI = ZoneInfo("Asia/Shanghai")

_TIME = re.compile(
    r"""^(?P<y>\d{4})\s*(?:-|/|\.|年)\s*(?P<m>\d{1,2})\s*(?:-|/|\.|月)\s*(?P<d>\d{1,2})\s*日?
        (?:(?:\s+|T|\s*(?=\d))(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})
           (?:\s*[:：分]\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?
           \s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$""",
    re.VERBOSE,
)


def parse_time(text: str) -> dt.datetime:
    """An inspector's date or date-time as an aware Asia/Shanghai datetime.

    Raises ValueError when the text is none of the accepted forms or not a real date.
    """
    m = _TIME.match(clean_text(text))
    if not m:
        raise ValueError(text)
    if m["tz"]:  # an explicit offset (an ISO text, a YAML timestamp): the same instant
        offset = dt.datetime.strptime(m["tz"].replace("Z", "+0000").replace(":", ""), "%z").tzinfo
        moment = dt.datetime(int(m["y"]), int(m["m"]), int(m["d"]),
                             int(m["H"]), int(m["M"]), int(m["S"] or 0), tzinfo=offset)
        return moment.astimezone(SHANGHAI)
    return dt.datetime(int(m["y"]), int(m["m"]), int(m["d"]),
                       int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0), tzinfo=SHANGHAI)


def load_manual_observations(path: Path, known_accounts: set[str]) -> list[dict]:
    """Read and check a manual-observations file; return observation documents (no ``round``).

    ``known_accounts`` holds the target keys (``account:<平台>:<账号名称>``) of the accounts
    being inspected.  Raises :class:`TableFileError` listing every problem.
    """
    table = read_one_sheet(path, SHEET, REQUIRED_HEADER)
    sheet, problems, add, missing = table.sheet, table.problems, table.add, table.missing

    observations: list[dict] = []
    seen: dict[str, int] = {}
    for row in sheet:
        v = {c: clean_text(row.get(c)) for c in COLUMNS}
        name, platform = v["账号名称"], v["平台"]
        for column in ("账号名称", "平台", "检查人"):
            if column not in missing and not v[column]:
                add(row, column, "不能为空")

        key = None
        if platform and platform not in PLATFORMS:
            add(row, "平台", f"{platform} 不是有效值，应为 {'、'.join(PLATFORMS)} 之一")
        elif name and platform:
            key = account_key(platform, name)
            if key not in known_accounts:
                add(row, "账号名称", f"{platform} 账号 {name} 不在检查对象中")
            elif key in seen:
                add(row, "账号名称", f"{platform} 账号 {name} 与第 {seen[key]} 行重复")
            else:
                seen[key] = row.number

        times: dict[str, dt.datetime | None] = {}
        for column in ("最新发布时间", "最近原创时间"):
            text = v[column]
            times[column] = None
            if text and text != NONE_SEEN:
                try:
                    times[column] = parse_time(text)
                except ValueError:
                    add(row, column, f"无法识别的时间 {text}，应写成 2024-02-19、2024-02-19 10:30、"
                                     f"2024/2/19 或 2024年2月19日")

        state_text = v["互动入口状态"] or "未检查"
        state = INTERACTION_STATES.get(state_text)
        if state is None:
            add(row, "互动入口状态",
                f"{state_text} 不是有效值，应为 {'、'.join(INTERACTION_STATES)} 之一")

        found = v["当前名称"] != NOT_FOUND
        observations.append(AccountObservation(
            target_key=key or "",
            key="account",
            source="manual",
            manual=True,
            found=found,
            current_name=(v["当前名称"] or None) if found else None,
            latest_post_at=times["最新发布时间"],
            latest_original_at=times["最近原创时间"],
            originals_known=bool(v["最近原创时间"]),
            interaction={"state": state, "url": ""},
            screenshot=v["截图文件"],
            inspector=v["检查人"],
            fetched_at=None,
        ).to_document())

    if problems:
        raise TableFileError(problems)
    return observations

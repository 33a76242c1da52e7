"""How the notice names rounds and dates: 2024年第一次, 去年第四次, （检查时间：2月19日——2月20日）.

Round ids are ``YEAR-N`` (govcheck.rounds.ROUND_ID). Titles print the round with its year
(2024年第一次); a comparison names the other round relative to the year of the round being
reported, as the Weinan notice does (较去年第四次全面检查).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from govcheck.rounds import ROUND_ID, RoundError
from govcheck.store import SHANGHAI

DIGITS = "零一二三四五六七八九"
# A round started up to this many days before its monitoring day was inspected over those
# days (the notice's 2月19日——2月20日); one started later re-assesses an old time point.
INSPECTION_DAYS = 7


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (round numbers of a year)."""
    if not 0 < number < 100:
        raise ValueError(f"{number}: only 1 to 99 are written as round numbers")
    tens, units = divmod(number, 10)
    if tens == 0:
        return DIGITS[units]
    prefix = "" if tens == 1 else DIGITS[tens]
    return prefix + "十" + (DIGITS[units] if units else "")


def round_parts(round_id: str) -> tuple[int, int]:
    """``2024-1`` → (2024, 1)."""
    if not ROUND_ID.match(round_id or ""):
        raise RoundError(f"round {round_id!r}: expected YEAR-N, e.g. 2024-1")
    year, number = round_id.split("-")
    return int(year), int(number)


def round_name(round_id: str) -> str:
    """``2024-1`` → 2024年第一次."""
    year, number = round_parts(round_id)
    return f"{year}年第{chinese_number(number)}次"


def relative_round_name(other: str, current: str) -> str:
    """``other`` named from the year of ``current``: 本年第一次, 去年第四次, 前年第二次, else 2021年第四次."""
    year, number = round_parts(other)
    words = {0: "本年", 1: "去年", 2: "前年"}.get(round_parts(current)[0] - year, f"{year}年")
    return f"{words}第{chinese_number(number)}次"


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def full_date(day: date) -> str:
    """2024年2月28日, as a notice is dated."""
    return f"{day.year}年{day.month}月{day.day}日"


def year_month(day: date) -> str:
    """截至2024年2月."""
    return f"{day.year}年{day.month}月"


def period_text(first: date, last: date, what: str = "检查时间") -> str:
    """（检查时间：2月19日——2月20日）, or （检查时间：2月23日） for one day."""
    days = month_day(first) if first == last else f"{month_day(first)}——{month_day(last)}"
    return f"（{what}：{days}）"


def local_day(moment: datetime) -> date:
    """The Shanghai calendar day of a moment; a naive one is Shanghai time already (as the
    store and the date normaliser read it), never the machine's own zone."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(SHANGHAI).date()


def inspection_days(round_document: dict[str, Any], kind: str) -> tuple[date, date]:
    """The days a round inspected websites (``site``) or new media (``account``).

    The last day is the monitoring time point (as_of, or media_as_of for new media). A round
    started within INSPECTION_DAYS before it began then: the notice's websites were checked
    2月19日——2月20日 for as_of 2月20日. New media with their own time point were checked on
    that day (2月23日).
    """
    as_of = local_day(round_document["as_of"])
    media_as_of = local_day(round_document.get("media_as_of") or round_document["as_of"])
    if kind == "account" and media_as_of != as_of:
        return media_as_of, media_as_of
    last = media_as_of if kind == "account" else as_of
    started = round_document.get("inspected_from") or round_document.get("started_at")
    if started is not None:
        first = local_day(started)
        if last - timedelta(days=INSPECTION_DAYS) <= first <= last:
            return first, last
    return last, last

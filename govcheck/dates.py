"""Dates as the spiders meet them, normalised to aware Asia/Shanghai datetimes.

Why a regex fast path instead of handing everything to dateparser: dateparser costs ~0.4 ms a
call (seconds on the first one) and, with ``languages=['zh']``, is wrong or silent on the forms
Chinese government pages print most: it returns None for ``3月5日``, ``3月5号``,
``发布时间：2025年3月5日`` and Weibo's ``Tue Feb 20 10:00:00 +0800 2024``, and reads ``03/05``
as 2003-05. So the absolute forms, and the relative forms Weibo and Douyin show most
(``刚刚``, ``5分钟前``, ``3小时前``, ``3天前``, ``今天 08:00``, ``昨天 10:30``, ``前天``), are read
here with precompiled patterns; dateparser remains only as the fallback for other relative
text (``2周前``, ``3个月前``…) and is never called unless a relative keyword is present.

Every date is read against ``as_of``, the monitoring time point, never against the clock:
a date without a year takes as_of's year unless that would put it after as_of (then the year
before), and nothing after as_of is ever returned — a future date cannot prove freshness.
Invalid calendar dates, years before 1990 and text that is not a date give None; no string
makes these functions raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "find_dates", "from_epoch", "parse_date", "search_date", "to_shanghai"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

EARLIEST_YEAR = 1990
# dateparser is handed short relative phrases only; anything longer is not one
_DATEPARSER_MAX_CHARS = 40

# Full-width digits and punctuation → ASCII, one character for one so positions in the
# translated text are positions in the original (search_date returns original substrings).
_HALF_WIDTH = str.maketrans(
    "０１２３４５６７８９：－／．　\xa0\u2002\u2003\u2009\u202f\u2010\u2011\u2012\u2013\u2014\u2212Ｔ",
    "0123456789:-/.      ------T",
)

_MONTH_ABBREVIATIONS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PM_WORDS = frozenset(("下午", "晚上", "傍晚", "夜里", "夜间", "中午"))
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}
_FORMS_WITH_CLOCK = frozenset(("ymd", "cn", "md", "mdcn", "day_word"))
_RELATIVE_KEYWORDS = ("前", "昨天", "今天", "刚刚")  # 前天 contains 前

_NUMBER = r"(?:[0-9]{1,3}|[一二两三四五六七八九十]{1,3}|半)"

# One alternation, leftmost match first; each alternative is a named group whose name says
# which form it is (``match.lastgroup``). Lookarounds keep dates out of longer numbers
# (ICP备05001234号, 2008-2024, 1.2.3.4) and month-day forms out of words (2-3个工作日, 第1/2页);
# a month/day with a slash needs two digits each (02/19), so fractions (占比1/3) are no dates.
# The leading lookahead lists the characters a form can start with: the regex engine does not
# work that out for an alternation, and skipping the other positions at once makes a search
# through a title three times faster.
_DATE_FORMS = re.compile(
    r"(?=[0-9一二两三四五六七八九十半刚今昨前MTWFS])(?:"
    r"(?P<ymd>(?<![0-9])(?P<ymd_y>[0-9]{4})(?P<ymd_sep>[-/.])(?P<ymd_m>[0-9]{1,2})(?P=ymd_sep)"
    r"(?P<ymd_d>[0-9]{1,2})(?![0-9])(?![-/.][0-9]))"
    r"|(?P<cn>(?<![0-9])(?P<cn_y>[0-9]{4})\s*年\s*(?P<cn_m>[0-9]{1,2})\s*月\s*(?P<cn_d>[0-9]{1,2})"
    r"(?:\s*[日号]|(?![0-9])))"
    r"|(?P<weibo>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?P<weibo_mon>[A-Z][a-z]{2})\s+(?P<weibo_d>[0-9]{1,2})\s+"
    r"(?P<weibo_h>[0-9]{2}):(?P<weibo_mi>[0-9]{2}):(?P<weibo_s>[0-9]{2})\s+(?P<weibo_tz>[+-][0-9]{4})\s+"
    r"(?P<weibo_y>[0-9]{4})(?![0-9]))"
    r"|(?P<md>(?<![0-9A-Za-z_.:/\-第共])(?P<md_m>[0-9]{2}(?=/[0-9]{2})|[0-9]{1,2}(?=-))(?P<md_sep>[-/])"
    r"(?P<md_d>[0-9]{1,2})"
    r"(?![0-9A-Za-z\u4e00-\u9fff])(?![-/.][0-9]))"
    r"|(?P<mdcn>(?<![0-9年])(?P<mdcn_m>[0-9]{1,2})\s*月\s*(?P<mdcn_d>[0-9]{1,2})\s*[日号])"
    r"|(?P<just_now>刚刚)"
    rf"|(?P<ago>(?<![0-9])(?P<ago_n>{_NUMBER})\s*(?P<ago_unit>秒钟?|分钟|个?小时|个?钟头|天)\s*[之以]?前"
    r"(?![往来去进后夕]))"
    rf"|(?P<ago_long>(?<![0-9])(?P<ago_long_n>{_NUMBER})\s*(?:个?(?:周|星期|礼拜)|个月|年)\s*[之以]?前"
    r"(?![往来去进后夕]))"
    r"|(?P<day_word>(?:(?<=[于在])|(?<![\u4e00-\u9fff]))(?P<day_word_w>今天|昨天|前天)(?![是的]))"
    r")"
)

# A time of day right after a date: 10:30, 10:30:05, T10:30:05+08:00, 下午3点, 上午10点30分, 3点半.
_TIME_OF_DAY = re.compile(
    r"(?:T|\s*)(?:(?P<ampm>上午|下午|晚上|早上|凌晨|中午|傍晚|夜里|夜间)\s*)?(?P<h>[0-9]{1,2})"
    r"(?:"
    r":(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,6})?)?(?:\s*(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2}))?"
    r"|\s*[时点](?:\s*(?P<cn_mi>[0-9]{1,2})\s*分(?:\s*(?P<cn_s>[0-9]{1,2})\s*秒)?|\s*(?P<half>半))?"
    r")(?![0-9])"
)
# parse_date tolerates a label before the date, brackets around it and a weekday after it.
_LABEL_PREFIX = re.compile(r"^\s*(?:[\u4e00-\u9fffA-Za-z_ ]{1,12}[:：]|(?:发布|更新|发表)于?)\s*")
_WEEKDAY_SUFFIX = re.compile(r"\s*[(（\[]?\s*(?:星期|周|礼拜)[一二三四五六日天][)）\]]?\s*$")
_WEEKDAY_TAIL_CHARS = 16
_AROUND_DATE = " \t\r\n[]()（）【】〔〕<>《》「」『』,，;；。:"
_COMPACT_DATE = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})")


# -- public API --------------------------------------------------------------------------------


def parse_date(text: str, as_of: datetime) -> datetime | None:
    """The date that ``text`` is, as an aware Shanghai datetime, or None.

    The whole text must be one date (absolute, month-day, time-only or relative), optionally
    after a label (``发布时间：``), inside brackets and followed by a weekday; a date later than
    as_of, an impossible date or anything else gives None.
    """
    if not isinstance(text, str) or not text:
        return None
    reference = _reference(as_of)
    cleaned = _clean_whole(text)
    if not cleaned:
        return None
    match = _DATE_FORMS.match(cleaned)
    if match is not None:
        end, when = _read_match(cleaned, match, reference)
        if end == len(cleaned):
            return when
    elif compact := _COMPACT_DATE.fullmatch(cleaned):
        return _absolute(int(compact["y"]), int(compact["m"]), int(compact["d"]), 0, 0, 0, reference)
    else:
        time_only = _TIME_OF_DAY.fullmatch(cleaned)
        if time_only is not None:
            return _time_only(time_only, reference)
    if any(keyword in cleaned for keyword in _RELATIVE_KEYWORDS):
        return _dateparser_relative(cleaned, reference)
    return None


def search_date(text: str, as_of: datetime) -> tuple[str, datetime] | None:
    """The first date in a longer text, with the substring of ``text`` it was read from."""
    for found in _iter_dates(text, as_of):
        return found
    return None


def find_dates(text: str, as_of: datetime) -> list[tuple[str, datetime]]:
    """Every date in ``text``, in order, each with the substring it was read from."""
    return list(_iter_dates(text, as_of))


def from_epoch(seconds: int | float | str) -> datetime:
    """A Unix timestamp (Douyin ``create_time``, Sogou ``timeConvert('1500000000')``) in Shanghai.

    Values of 10¹¹ and more are taken as milliseconds. Raises ValueError for text that is not
    a number.
    """
    value = float(seconds.strip()) if isinstance(seconds, str) else float(seconds)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a timestamp: {seconds!r}")
    if abs(value) >= 1e11:
        value /= 1000.0
    return datetime.fromtimestamp(value, tz=timezone.utc).astimezone(SHANGHAI)


def to_shanghai(value: datetime) -> datetime:
    """``value`` in Asia/Shanghai: a naive datetime is taken as Shanghai wall time already."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


# -- reading -----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _reference(as_of: datetime) -> datetime:
    """as_of in Shanghai: the year for inference and the latest moment allowed.

    Every datetime built here carries the same SHANGHAI object, so comparing one with the
    reference compares wall times, without a UTC-offset look-up.
    """
    return to_shanghai(as_of)


def _clean_whole(text: str) -> str:
    """The text without label, brackets and weekday around the date (checks skipped when they cannot apply)."""
    ascii_only = text.isascii()
    if not ascii_only:
        text = text.translate(_HALF_WIDTH)
    text = text.strip(_AROUND_DATE)
    if text and not text[0].isdigit() and (label := _LABEL_PREFIX.match(text)):
        text = text[label.end():].strip(_AROUND_DATE)
    if not ascii_only and ("期" in text or "周" in text or "拜" in text):
        if weekday := _WEEKDAY_SUFFIX.search(text, max(0, len(text) - _WEEKDAY_TAIL_CHARS)):
            text = text[:weekday.start()].strip(_AROUND_DATE)
    return text


def _iter_dates(text: str, as_of: datetime) -> Iterator[tuple[str, datetime]]:
    if not isinstance(text, str) or not text:
        return
    reference = _reference(as_of)
    scanned = text if text.isascii() else text.translate(_HALF_WIDTH)
    position = 0
    while (match := _DATE_FORMS.search(scanned, position)) is not None:
        end, when = _read_match(scanned, match, reference)
        if when is not None:
            yield text[match.start():end], when
        position = max(end, match.start() + 1)


def _read_match(text: str, match: re.Match[str], reference: datetime) -> tuple[int, datetime | None]:
    """Where the date (with any time of day after it) ends, and what it is."""
    form = match.lastgroup
    end = match.end()
    if form not in _FORMS_WITH_CLOCK:
        return end, _read_without_clock(form, match, reference)
    clock: tuple[int, int, int, timezone | None] | None = None
    if end < len(text) and (clock_match := _TIME_OF_DAY.match(text, end)) is not None:
        clock = _clock(clock_match)
        if clock is not None:
            end = clock_match.end()
    hour, minute, second, offset = clock or (0, 0, 0, None)
    if form == "ymd":
        year, month, day = int(match["ymd_y"]), int(match["ymd_m"]), int(match["ymd_d"])
    elif form == "cn":
        year, month, day = int(match["cn_y"]), int(match["cn_m"]), int(match["cn_d"])
    elif form == "md":
        return end, _without_year(int(match["md_m"]), int(match["md_d"]), hour, minute, second, reference)
    elif form == "mdcn":
        return end, _without_year(int(match["mdcn_m"]), int(match["mdcn_d"]), hour, minute, second, reference)
    else:  # day_word
        return end, _relative_day(_DAYS_BACK[match["day_word_w"]], clock, reference)
    if offset is not None:
        return end, _with_offset(year, month, day, hour, minute, second, offset, reference)
    return end, _absolute(year, month, day, hour, minute, second, reference)


def _read_without_clock(form: str | None, match: re.Match[str], reference: datetime) -> datetime | None:
    if form == "weibo":
        return _weibo(match, reference)
    if form == "just_now":
        return _as_result(reference)
    if form == "ago":
        return _ago(match["ago_n"], match["ago_unit"], reference)
    # ago_long: weeks, months, years ago
    return _dateparser_relative(_arabic_numbers(match[0], match["ago_long_n"]), reference)


def _relative_day(days_back: int, clock: tuple[int, int, int, timezone | None] | None,
                  reference: datetime) -> datetime | None:
    """今天/昨天/前天, at the time given, else at as_of's time of day (the way dateparser reads it)."""
    when = reference - timedelta(days=days_back)
    if clock is not None:
        when = when.replace(hour=clock[0], minute=clock[1], second=clock[2], microsecond=0)
    return _not_after(when, reference)


def _clock(match: re.Match[str]) -> tuple[int, int, int, timezone | None] | None:
    """Hour, minute, second and UTC offset of a time of day, or None when it is not one."""
    hour = int(match["h"])
    if match["mi"] is not None:
        minute, second = int(match["mi"]), int(match["s"] or 0)
    elif match["half"] is not None:
        minute, second = 30, 0
    else:
        minute, second = int(match["cn_mi"] or 0), int(match["cn_s"] or 0)
    ampm = match["ampm"]
    if ampm is not None:
        if ampm in _PM_WORDS and hour < 12:
            hour += 12
        elif ampm == "凌晨" and hour == 12:
            hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = None
    if (zone := match["tz"]) is not None:
        offset = _utc_offset(zone)
        if offset is None:
            return None
    return hour, minute, second, offset


def _utc_offset(zone: str) -> timezone | None:
    if zone == "Z":
        return timezone.utc
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if zone[0] == "-" else delta)


def _time_only(match: re.Match[str], reference: datetime) -> datetime | None:
    """A bare time of day (下午3:05): today, or yesterday when today's would be after as_of."""
    read = _clock(match)
    if read is None or read[3] is not None:
        return None
    hour, minute, second, _ = read
    when = reference.replace(hour=hour, minute=minute, second=second, microsecond=0)
    if when > reference:
        when -= timedelta(days=1)
    return _as_result(when)


def _absolute(year: int, month: int, day: int, hour: int, minute: int, second: int,
              reference: datetime) -> datetime | None:
    if year < EARLIEST_YEAR or year > reference.year:
        return None
    try:
        when = datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)
    except ValueError:
        return None
    return None if when > reference else when


def _with_offset(year: int, month: int, day: int, hour: int, minute: int, second: int,
                 offset: timezone, reference: datetime) -> datetime | None:
    """An ISO 8601 time with its own UTC offset, converted to Shanghai wall time."""
    if year < EARLIEST_YEAR:
        return None
    try:
        when = datetime(year, month, day, hour, minute, second, tzinfo=offset).astimezone(SHANGHAI)
    except (ValueError, OverflowError):
        return None
    return _not_after(when, reference)


def _without_year(month: int, day: int, hour: int, minute: int, second: int,
                  reference: datetime) -> datetime | None:
    """as_of's year, or the year before when that date would be after as_of (or does not exist)."""
    for year in (reference.year, reference.year - 1):
        try:
            when = datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)
        except ValueError:
            if not 1 <= month <= 12 or not 1 <= day <= 31:
                return None
            continue
        if when <= reference:
            return _as_result(when)
    return None


def _weibo(match: re.Match[str], reference: datetime) -> datetime | None:
    """``Tue Feb 20 10:00:00 +0800 2024`` (strptime ``%a %b %d %H:%M:%S %z %Y``), locale-free."""
    month = _MONTH_ABBREVIATIONS.get(match["weibo_mon"].lower())
    offset = _utc_offset(match["weibo_tz"])
    hour, minute, second = int(match["weibo_h"]), int(match["weibo_mi"]), int(match["weibo_s"])
    if month is None or offset is None or hour > 23 or minute > 59 or second > 59:
        return None
    return _with_offset(int(match["weibo_y"]), month, int(match["weibo_d"]), hour, minute, second,
                        offset, reference)


def _ago(number: str, unit: str, reference: datetime) -> datetime | None:
    """``5分钟前``, ``3小时前``, ``3天前``, ``半小时前``, ``十秒前``: as_of minus that much."""
    amount = _count(number)
    if amount is None:
        return None
    if unit.startswith("秒"):
        delta = timedelta(seconds=amount)
    elif unit == "分钟":
        delta = timedelta(minutes=amount)
    elif unit == "天":
        delta = timedelta(days=amount)
    else:  # (个)小时, (个)钟头
        delta = timedelta(hours=amount)
    try:
        return _not_after(reference - delta, reference)
    except OverflowError:
        return None


def _count(number: str) -> float | None:
    """``12``, ``半`` (0.5), or a Chinese numeral up to 99 (``三``, ``十五``, ``二十``)."""
    if number.isdigit():
        return float(number)
    if number == "半":
        return 0.5
    if "十" in number:
        tens, _, units = number.partition("十")
        if "十" in units or len(tens) > 1 or len(units) > 1:
            return None
        return float(_CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(units, 0))
    if len(number) != 1:
        return None
    return float(_CHINESE_DIGITS[number])


def _arabic_numbers(phrase: str, number: str) -> str:
    """``三周前`` → ``3周前``: dateparser reads Arabic counts only."""
    amount = _count(number)
    if amount is None or number.isdigit() or amount != int(amount):
        return phrase
    return phrase.replace(number, str(int(amount)), 1)


def _not_after(when: datetime, reference: datetime) -> datetime | None:
    """``when`` (in SHANGHAI) as the result, unless it is after as_of or before 1990."""
    if when > reference or when.year < EARLIEST_YEAR:
        return None
    return when


def _as_result(when: datetime) -> datetime | None:
    return None if when.year < EARLIEST_YEAR else when


# -- dateparser fallback -----------------------------------------------------------------------


def _dateparser_relative(text: str, reference: datetime) -> datetime | None:
    """Relative text the patterns do not read (``2周前``, ``3个月前``…), read by dateparser."""
    if len(text) > _DATEPARSER_MAX_CHARS:
        return None
    try:
        parsed = _dateparser_parse(text, reference.replace(tzinfo=None))
    except Exception:  # dateparser raises assorted errors on odd input; none is a date
        return None
    if parsed is None:
        return None
    return _not_after(to_shanghai(parsed).replace(microsecond=0), reference)


def _dateparser_parse(text: str, relative_base: datetime) -> datetime | None:
    """The one call into dateparser (imported on first use: it takes ~60 ms to import)."""
    import dateparser

    return dateparser.parse(
        text,
        languages=["zh"],
        settings={
            "RELATIVE_BASE": relative_base,
            "PREFER_DATES_FROM": "past",
            "TIMEZONE": "Asia/Shanghai",
            "RETURN_AS_TIMEZONE_AWARE": True,
        },
    )

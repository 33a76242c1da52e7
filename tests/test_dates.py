"""Dates are read against the monitoring time point, in Shanghai time, and never from the future."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from govcheck import dates
from govcheck.dates import SHANGHAI, find_dates, from_epoch, parse_date, search_date, to_shanghai

AS_OF = datetime(2024, 2, 23, 23, 59, 59, tzinfo=SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def assert_shanghai(value: datetime) -> None:
    assert value.tzinfo is SHANGHAI, f"{value!r} is not in Asia/Shanghai"


ABSOLUTE_FORMS = [
    ("2024-02-19", at(2024, 2, 19)),
    ("[2024-02-19]", at(2024, 2, 19)),
    ("(2024-02-19)", at(2024, 2, 19)),
    ("2024年2月19日", at(2024, 2, 19)),
    ("2024年02月19日", at(2024, 2, 19)),
    ("2024/02/19", at(2024, 2, 19)),
    ("2024/2/9", at(2024, 2, 9)),
    ("2024.02.19", at(2024, 2, 19)),
    ("2024-2-9", at(2024, 2, 9)),
    ("2024-02-19 10:30", at(2024, 2, 19, 10, 30)),
    ("2024-02-19 10:30:05", at(2024, 2, 19, 10, 30, 5)),
    ("2024年2月19日 10:30", at(2024, 2, 19, 10, 30)),
    ("2024/2/9 10:30:05", at(2024, 2, 9, 10, 30, 5)),
    ("2024-02-19T10:30:05+08:00", at(2024, 2, 19, 10, 30, 5)),
    ("2024-02-19T02:30:05Z", at(2024, 2, 19, 10, 30, 5)),
    ("2024-02-18T21:30:05-05:00", at(2024, 2, 19, 10, 30, 5)),
    ("20240219", at(2024, 2, 19)),
    # no year: as_of's year, as long as that is not after as_of
    ("02-19", at(2024, 2, 19)),
    ("2-9", at(2024, 2, 9)),
    ("02/19", at(2024, 2, 19)),
    ("2月19日", at(2024, 2, 19)),
    ("02月19日", at(2024, 2, 19)),
    ("2月5号", at(2024, 2, 5)),
    ("3月5号", at(2023, 3, 5)),  # 2024-03-05 would be after as_of
    ("06月17日 18:12", at(2023, 6, 17, 18, 12)),  # weibo.cn
    ("02-19 10:30", at(2024, 2, 19, 10, 30)),
    # Chinese time words
    ("2024年2月5日 下午3点", at(2024, 2, 5, 15)),
    ("2024年2月5日 上午10点30分", at(2024, 2, 5, 10, 30)),
    ("2024-02-05 下午3:05", at(2024, 2, 5, 15, 5)),
    ("2024年2月5日 晚上8点半", at(2024, 2, 5, 20, 30)),
    ("2024年2月5日 下午12点", at(2024, 2, 5, 12)),
    ("2024年2月5日10时30分", at(2024, 2, 5, 10, 30)),
    ("上午10点30分", at(2024, 2, 23, 10, 30)),  # a bare time of day is as_of's day
    ("下午3:05", at(2024, 2, 23, 15, 5)),
    # labels, brackets, full-width colons and weekdays around the date
    ("发布时间：2024年2月5日", at(2024, 2, 5)),
    ("发布日期:2024-02-19 10:00", at(2024, 2, 19, 10)),
    ("日期：[2024-02-19]", at(2024, 2, 19)),
    ("发布于 2024-02-19", at(2024, 2, 19)),
    ("更新时间： 2024-02-19 10：30", at(2024, 2, 19, 10, 30)),
    ("2024年2月19日 星期一", at(2024, 2, 19)),
    ("２０２４－０２－１９", at(2024, 2, 19)),
    # Weibo API
    ("Tue Feb 20 10:00:00 +0800 2024", at(2024, 2, 20, 10)),
    ("Tue Feb 20 02:00:00 +0000 2024", at(2024, 2, 20, 10)),
]

RELATIVE_FORMS = [
    ("刚刚", AS_OF),
    ("5分钟前", AS_OF - timedelta(minutes=5)),
    ("3小时前", AS_OF - timedelta(hours=3)),
    ("1 小时前", AS_OF - timedelta(hours=1)),
    ("半小时前", AS_OF - timedelta(minutes=30)),
    ("3天前", AS_OF - timedelta(days=3)),
    ("三天前", AS_OF - timedelta(days=3)),
    ("10秒前", AS_OF - timedelta(seconds=10)),
    ("今天 08:00", at(2024, 2, 23, 8)),
    ("昨天 10:30", at(2024, 2, 22, 10, 30)),
    ("前天", AS_OF - timedelta(days=2)),
    ("前天 08:00", at(2024, 2, 21, 8)),
    ("昨天", AS_OF - timedelta(days=1)),
    # not read by the patterns: dateparser's fallback
    ("2周前", AS_OF - timedelta(weeks=2)),
    ("1个月前", at(2024, 1, 23, 23, 59, 59)),
]


@pytest.mark.parametrize(("text", "expected"), ABSOLUTE_FORMS + RELATIVE_FORMS)
def test_parse_date_reads_every_form_the_spiders_meet(text: str, expected: datetime) -> None:
    parsed = parse_date(text, AS_OF)
    assert parsed == expected
    assert_shanghai(parsed)


# forms read only as the whole text: a bare 8-digit number or time of day inside prose is no date
WHOLE_TEXT_ONLY = {"20240219", "上午10点30分", "下午3:05"}
SEARCHABLE_FORMS = [(text, expected) for text, expected in ABSOLUTE_FORMS + RELATIVE_FORMS if text not in WHOLE_TEXT_ONLY]
PATTERN_FORMS = ABSOLUTE_FORMS + RELATIVE_FORMS[:13]  # everything but dateparser's fallback


@pytest.mark.parametrize(("text", "expected"), SEARCHABLE_FORMS)
def test_search_date_finds_the_same_forms_inside_text(text: str, expected: datetime) -> None:
    found = search_date(f"通知公告 {text} 来源：本站", AS_OF)
    assert found is not None
    matched, when = found
    assert when == expected
    assert matched in text
    assert_shanghai(when)


def test_labelled_date_a_year_later_is_read_when_as_of_is_later() -> None:
    as_of = datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI)
    assert parse_date("发布时间：2025年3月5日", as_of) == at(2025, 3, 5)
    assert parse_date("2025年3月5日 下午3点", as_of) == at(2025, 3, 5, 15)
    assert parse_date("3月5日", as_of) == at(2025, 3, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12-30", at(2023, 12, 30)),
        ("01-05", at(2024, 1, 5)),
        ("01-06", at(2023, 1, 6)),
        ("1月5日", at(2024, 1, 5)),
        ("12月31日 23:59", at(2023, 12, 31, 23, 59)),
        ("01/05 18:01", at(2023, 1, 5, 18, 1)),  # 2024-01-05 18:01 is a minute after as_of
    ],
)
def test_year_is_inferred_across_new_year_and_never_in_the_future(text: str, expected: datetime) -> None:
    as_of = datetime(2024, 1, 5, 18, 0, tzinfo=SHANGHAI)
    assert parse_date(text, as_of) == expected


def test_february_29th_without_year_is_the_latest_leap_day() -> None:
    assert parse_date("02-29", datetime(2025, 3, 1, tzinfo=SHANGHAI)) == at(2024, 2, 29)
    assert parse_date("02-29", datetime(2026, 3, 1, tzinfo=SHANGHAI)) is None


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-24",
        "2025年1月1日",
        "2024-02-24 00:00:00",
        "2024-02-23T16:00:00Z",  # 2024-02-24 00:00 in Shanghai
        "Sat Feb 24 10:00:00 +0800 2024",
        "20240224",
        "日期：[2030-01-01]",
    ],
)
def test_a_date_after_as_of_is_never_returned(text: str) -> None:
    assert parse_date(text, AS_OF) is None
    assert search_date(f"关于某事的通知 {text}", AS_OF) is None


def test_a_time_of_day_after_as_of_today_is_not_returned() -> None:
    as_of = datetime(2024, 2, 23, 7, 0, tzinfo=SHANGHAI)
    assert parse_date("今天 08:00", as_of) is None
    assert parse_date("2024-02-23 08:00", as_of) is None
    assert parse_date("2024-02-23", as_of) == at(2024, 2, 23)


def test_as_of_in_another_zone_is_read_in_shanghai() -> None:
    as_of = datetime(2024, 2, 23, 16, 0, tzinfo=timezone.utc)  # 2024-02-24 00:00 in Shanghai
    assert parse_date("2024-02-24", as_of) == at(2024, 2, 24)
    assert parse_date("刚刚", as_of) == at(2024, 2, 24)


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024年2月30日",
        "02-30",
        "13/01",
        "2024-02-19 25:00",
        "2024-02-19 10:61",
        "2024-02-19T10:30:00+25:00",
        "Tue Foo 20 10:00:00 +0800 2024",
        "1989-06-01",
        "0000-00-00",
        "20241301",
    ],
)
def test_invalid_dates_are_none_not_errors(text: str) -> None:
    assert parse_date(text, AS_OF) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "关于做好春节期间安全工作的通知",
        "ICP备05001234号",
        "2008-2024",
        "版权所有 2008-2024",
        "2024",
        "2024年2月",
        "第1/2页",
        "3.14",
        "192.168.1.1",
        "0571-88888888",
        "2024-02-19 至 2024-02-20",
        "本站 20240219 号文件",
    ],
)
def test_text_that_is_not_one_date_is_none(text: str) -> None:
    assert parse_date(text, AS_OF) is None


def test_search_date_finds_the_date_in_a_list_item() -> None:
    assert search_date("<li>关于做好春节期间安全工作的通知 [2024-02-19]</li>", AS_OF) == (
        "2024-02-19",
        at(2024, 2, 19),
    )


def test_search_date_reads_a_labelled_date_with_its_time() -> None:
    found = search_date("发布时间：2024年02月19日 10:30 来源：市民政局 浏览次数：123", AS_OF)
    assert found == ("2024年02月19日 10:30", at(2024, 2, 19, 10, 30))


@pytest.mark.parametrize(
    "text",
    [
        "版权所有 2008-2024 ICP备05001234号",
        "京ICP备05001234号-1 京公网安备 11010502030143号",
        "需2-3个工作日办理",
        "共12页 第1/2页",
        "占比1/3，同比增长2/5",
        "电话：0571-88888888 邮编：310000",
        "版本 1.2.3.4",
        "目前天气晴好",
    ],
)
def test_search_date_ignores_numbers_that_are_not_dates(text: str) -> None:
    assert search_date(text, AS_OF) is None
    assert find_dates(text, AS_OF) == []


def test_search_date_returns_the_substring_of_the_original_text() -> None:
    text = "发布日期：２０２４年２月１９日　１０：３０"
    matched, when = search_date(text, AS_OF)
    assert matched == "２０２４年２月１９日　１０：３０"
    assert matched in text
    assert when == at(2024, 2, 19, 10, 30)


def test_search_date_skips_a_future_date_for_the_next_one() -> None:
    assert search_date("活动时间：2024-03-01 发布时间：2024-02-19", AS_OF) == ("2024-02-19", at(2024, 2, 19))


def test_find_dates_lists_every_date_in_order() -> None:
    text = "2024-02-19 通知一；02-18 通知二；截止 2030-01-01；3天前；昨天 10:30；2024年2月1日 下午3点"
    assert find_dates(text, AS_OF) == [
        ("2024-02-19", at(2024, 2, 19)),
        ("02-18", at(2024, 2, 18)),
        ("3天前", AS_OF - timedelta(days=3)),
        ("昨天 10:30", at(2024, 2, 22, 10, 30)),
        ("2024年2月1日 下午3点", at(2024, 2, 1, 15)),
    ]


def test_dateparser_is_not_called_for_absolute_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dateparser(text: str, relative_base: datetime) -> None:
        pytest.fail(f"dateparser was called for {text!r}")  # BaseException: not swallowed

    monkeypatch.setattr(dates, "_dateparser_parse", no_dateparser)
    for text, expected in PATTERN_FORMS:
        assert parse_date(text, AS_OF) == expected
        if text not in WHOLE_TEXT_ONLY:
            assert search_date(f"通知 {text} 来源", AS_OF)[1] == expected
    for text in ("版权所有 2008-2024 ICP备05001234号", "关于做好春节期间安全工作的通知", "2024-02-30", "13/01"):
        parse_date(text, AS_OF)
        search_date(text, AS_OF)


def test_dateparser_reads_only_the_relative_phrase_against_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, datetime]] = []

    def recording(text: str, relative_base: datetime) -> datetime:
        calls.append((text, relative_base))
        return relative_base.replace(tzinfo=SHANGHAI) - timedelta(weeks=2)

    monkeypatch.setattr(dates, "_dateparser_parse", recording)
    assert search_date("某某局 发布于 两周前 阅读 100", AS_OF) == ("两周前", AS_OF - timedelta(weeks=2))
    assert calls == [("2周前", datetime(2024, 2, 23, 23, 59, 59))]


def test_dateparser_failures_are_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, relative_base: datetime) -> datetime:
        raise ValueError("dateparser choked")

    monkeypatch.setattr(dates, "_dateparser_parse", broken)
    assert parse_date("3周前", AS_OF) is None
    assert parse_date("很久以前", AS_OF) is None


def test_no_string_makes_it_raise() -> None:
    rng = random.Random(20240223)
    alphabet = "0123456789０１２３-/.:：年月日号时点分秒前天今昨刚上下午晚 T+Z[]（）星期周个小钟半两三十\u3000\n"
    texts = ["", " ", "\x00", "\ud800", "前" * 10_000, "2024-" * 20_000, "1" * 100_000, " " * 100_000 + "2024"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(2_000)]
    texts += ["".join(chr(rng.randint(1, 0x10FFFF)) for _ in range(rng.randint(1, 200))) for _ in range(200)]
    for text in texts:
        parsed = parse_date(text, AS_OF)
        if parsed is not None:
            assert_shanghai(parsed)
            assert parsed <= AS_OF
        for _, when in find_dates(text, AS_OF):
            assert_shanghai(when)
            assert when <= AS_OF
        search_date(text, AS_OF)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (1500000000, at(2017, 7, 14, 10, 40)),
        ("1500000000", at(2017, 7, 14, 10, 40)),
        (" 1708308000 ", at(2024, 2, 19, 10)),
        (1708308000.0, at(2024, 2, 19, 10)),
        (1708308000123, datetime(2024, 2, 19, 10, 0, 0, 123000, tzinfo=SHANGHAI)),  # milliseconds
    ],
)
def test_from_epoch_is_shanghai_time(seconds: int | float | str, expected: datetime) -> None:
    when = from_epoch(seconds)
    assert when == expected
    assert_shanghai(when)


def test_from_epoch_rejects_text_that_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        from_epoch("昨天")


def test_to_shanghai_takes_naive_as_shanghai_wall_time_and_converts_aware() -> None:
    naive = to_shanghai(datetime(2024, 2, 19, 10, 30))
    assert naive == at(2024, 2, 19, 10, 30)
    assert_shanghai(naive)
    utc = to_shanghai(datetime(2024, 2, 19, 2, 30, tzinfo=timezone.utc))
    assert utc == at(2024, 2, 19, 10, 30) and utc.hour == 10
    assert_shanghai(utc)

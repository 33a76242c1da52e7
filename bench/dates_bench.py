"""Speed and agreement of govcheck.dates.parse_date against dateparser.parse alone.

    python bench/dates_bench.py [--size N] [--repeat N] [--seed N]

Builds a mixed corpus (default 5,000 strings, deterministic for a seed) of the date forms the
spiders meet — ISO and Chinese absolute dates with and without times, bracketed and labelled
dates, month-day forms without a year, Weibo's API form, and the relative forms Weibo and Douyin
show — each with the datetime it stands for, against one monitoring time point (as_of).

Prints, per form family and overall: how many strings each reader reads, how many of those
are right, and on the strings both read, how often they agree; then dates per second of
parse_date (best of --repeat rounds) and of dateparser.parse with the settings parse_date's
fallback uses (one round: it is far slower), and the speed-up. Not a test: exits 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dateparser  # noqa: E402

from govcheck import dates  # noqa: E402
from govcheck.dates import SHANGHAI, parse_date  # noqa: E402

AS_OF = datetime(2024, 2, 23, 23, 59, 59, tzinfo=SHANGHAI)
WALL = AS_OF.replace(tzinfo=None)
DATEPARSER_SETTINGS = {
    "RELATIVE_BASE": WALL,
    "PREFER_DATES_FROM": "past",
    "TIMEZONE": "Asia/Shanghai",
    "RETURN_AS_TIMEZONE_AWARE": True,
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Sample = tuple[str, str, datetime]  # family, text, the datetime it stands for (naive Shanghai wall time)


def _day(rng: random.Random, within_days: int) -> datetime:
    return datetime.combine((WALL - timedelta(days=rng.randint(1, within_days))).date(), datetime.min.time())


def _clock(rng: random.Random, day: datetime) -> datetime:
    return day.replace(hour=rng.randint(0, 23), minute=rng.randint(0, 59), second=rng.randint(0, 59))


def _absolute(rng: random.Random) -> Sample:
    d = _day(rng, 5 * 365)
    y, m, dd = d.year, d.month, d.day
    form = rng.choice((
        "iso", "bracket", "paren", "cn", "cn_padded", "slash", "slash_short", "dot", "dash_short", "compact",
    ))
    text = {
        "iso": f"{y}-{m:02d}-{dd:02d}",
        "bracket": f"[{y}-{m:02d}-{dd:02d}]",
        "paren": f"({y}-{m:02d}-{dd:02d})",
        "cn": f"{y}年{m}月{dd}日",
        "cn_padded": f"{y}年{m:02d}月{dd:02d}日",
        "slash": f"{y}/{m:02d}/{dd:02d}",
        "slash_short": f"{y}/{m}/{dd}",
        "dot": f"{y}.{m:02d}.{dd:02d}",
        "dash_short": f"{y}-{m}-{dd}",
        "compact": f"{y}{m:02d}{dd:02d}",
    }[form]
    return "absolute date", text, d


def _absolute_with_time(rng: random.Random) -> Sample:
    t = _clock(rng, _day(rng, 5 * 365))
    form = rng.choice(("minutes", "seconds", "iso_offset", "iso_utc", "cn_minutes"))
    if form == "minutes":
        return "date and time", t.strftime("%Y-%m-%d %H:%M"), t.replace(second=0)
    if form == "seconds":
        return "date and time", t.strftime("%Y-%m-%d %H:%M:%S"), t
    if form == "iso_offset":
        return "date and time", t.strftime("%Y-%m-%dT%H:%M:%S+08:00"), t
    if form == "iso_utc":
        return "date and time", (t - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ"), t
    return "date and time", f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}", t.replace(second=0)


def _chinese_time_words(rng: random.Random) -> Sample:
    d = _day(rng, 3 * 365)
    hour = rng.randint(1, 11)
    head = f"{d.year}年{d.month}月{d.day}日"
    form = rng.choice(("afternoon", "morning", "afternoon_colon"))
    if form == "afternoon":
        return "time words", f"{head} 下午{hour}点", d.replace(hour=hour + 12)
    if form == "morning":
        minute = rng.randint(0, 59)
        return "time words", f"{head} 上午{hour}点{minute}分", d.replace(hour=hour, minute=minute)
    minute = rng.randint(0, 59)
    return "time words", f"{d:%Y-%m-%d} 下午{hour}:{minute:02d}", d.replace(hour=hour + 12, minute=minute)


def _without_year(rng: random.Random) -> Sample:
    d = _day(rng, 360)
    m, dd = d.month, d.day
    form = rng.choice(("md", "md_short", "md_slash", "cn", "cn_padded", "hao", "weibo_cn"))
    if form == "weibo_cn":
        t = _clock(rng, d).replace(second=0)
        return "no year", f"{m:02d}月{dd:02d}日 {t:%H:%M}", t
    text = {
        "md": f"{m:02d}-{dd:02d}",
        "md_short": f"{m}-{dd}",
        "md_slash": f"{m:02d}/{dd:02d}",
        "cn": f"{m}月{dd}日",
        "cn_padded": f"{m:02d}月{dd:02d}日",
        "hao": f"{m}月{dd}号",
    }[form]
    return "no year", text, d


def _labelled(rng: random.Random) -> Sample:
    d = _day(rng, 3 * 365)
    form = rng.choice(("published", "date_time", "bracketed"))
    if form == "published":
        return "labelled", f"发布时间：{d.year}年{d.month}月{d.day}日", d
    if form == "date_time":
        t = _clock(rng, d).replace(second=0)
        return "labelled", f"发布日期:{t:%Y-%m-%d %H:%M}", t
    return "labelled", f"日期：[{d:%Y-%m-%d}]", d


def _weibo_api(rng: random.Random) -> Sample:
    t = _clock(rng, _day(rng, 2 * 365))
    text = f"{WEEKDAYS[t.weekday()]} {MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} +0800 {t.year}"
    return "weibo api", text, t


def _relative(rng: random.Random) -> Sample:
    form = rng.choice(("just_now", "minutes", "hours", "days", "yesterday", "day_before", "today"))
    if form == "just_now":
        return "relative", "刚刚", WALL
    if form == "minutes":
        n = rng.randint(1, 59)
        return "relative", f"{n}分钟前", WALL - timedelta(minutes=n)
    if form == "hours":
        n = rng.randint(1, 23)
        return "relative", f"{n}小时前", WALL - timedelta(hours=n)
    if form == "days":
        n = rng.randint(1, 30)
        return "relative", f"{n}天前", WALL - timedelta(days=n)
    if form == "day_before":
        return "relative", "前天", WALL - timedelta(days=2)
    t = _clock(rng, datetime.combine(WALL.date(), datetime.min.time())).replace(second=0)
    if form == "today":
        return "relative", f"今天 {t:%H:%M}", t
    return "relative", f"昨天 {t:%H:%M}", t - timedelta(days=1)


GENERATORS: tuple[Callable[[random.Random], Sample], ...] = (
    _absolute, _absolute, _absolute, _absolute_with_time, _absolute_with_time, _chinese_time_words,
    _without_year, _without_year, _labelled, _weibo_api, _relative, _relative,
)


def build_corpus(size: int, seed: int) -> list[Sample]:
    rng = random.Random(seed)
    return [rng.choice(GENERATORS)(rng) for _ in range(size)]


def read_with_dateparser(text: str) -> datetime | None:
    return dateparser.parse(text, languages=["zh"], settings=DATEPARSER_SETTINGS)


def read_all(reader: Callable[[str], datetime | None], texts: list[str], repeat: int) -> tuple[list, float]:
    """The reader's results and its best wall time over ``repeat`` rounds."""
    best = float("inf")
    results: list = []
    for _ in range(repeat):
        start = time.perf_counter()
        results = [reader(text) for text in texts]
        best = min(best, time.perf_counter() - start)
    return results, best


def same(a: datetime, b: datetime) -> bool:
    return a.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0) == b.replace(microsecond=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds for parse_date (dateparser runs once)")
    parser.add_argument("--seed", type=int, default=20240223)
    args = parser.parse_args()

    corpus = build_corpus(args.size, args.seed)
    texts = [text for _, text, _ in corpus]

    fallback_calls = 0
    real_fallback = dates._dateparser_parse

    def counting_fallback(text: str, relative_base: datetime) -> datetime | None:
        nonlocal fallback_calls
        fallback_calls += 1
        return real_fallback(text, relative_base)

    dates._dateparser_parse = counting_fallback
    read_with_dateparser("2024-02-19")  # the first call loads dateparser's language data: seconds
    parse_date("2024-02-19", AS_OF)

    ours, our_seconds = read_all(lambda text: parse_date(text, AS_OF), texts, args.repeat)
    fallback_calls //= args.repeat
    theirs, their_seconds = read_all(read_with_dateparser, texts, 1)

    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (family, _, truth), mine, other in zip(corpus, ours, theirs):
        for key in (family, "all"):
            row = tally[key]
            row["n"] += 1
            row["ours"] += mine is not None
            row["ours_right"] += mine is not None and same(mine, truth)
            row["theirs"] += other is not None
            row["theirs_right"] += other is not None and same(other, truth)
            if mine is not None and other is not None:
                row["both"] += 1
                row["agree"] += same(other, mine.replace(tzinfo=None))

    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:5.1f}%" if whole else "    –"

    print(f"corpus: {len(corpus)} strings, seed {args.seed}, as_of {AS_OF.isoformat()}")
    print(f"{'family':<15}{'n':>6}  {'parse_date read/right':>22}  {'dateparser read/right':>22}  {'both read: agree':>18}")
    for family in sorted(k for k in tally if k != "all") + ["all"]:
        row = tally[family]
        print(
            f"{family:<15}{row['n']:>6}  {pct(row['ours'], row['n'])} / {pct(row['ours_right'], row['ours']):>12}  "
            f"{pct(row['theirs'], row['n'])} / {pct(row['theirs_right'], row['theirs']):>12}  "
            f"{row['both']:>6}: {pct(row['agree'], row['both'])}"
        )
    our_rate = len(texts) / our_seconds
    their_rate = len(texts) / their_seconds
    print(f"parse_date       {our_rate:>12,.0f} dates/s ({1e6 / our_rate:.2f} µs each, best of {args.repeat}; "
          f"dateparser fallback calls: {fallback_calls})")
    print(f"dateparser.parse {their_rate:>12,.0f} dates/s ({1e6 / their_rate:.2f} µs each)")
    print(f"speed-up         {our_rate / their_rate:>12,.0f}×  (goal ≥ 100×)")
    print(f"agreement where both read: {tally['all']['agree']}/{tally['all']['both']} = "
          f"{pct(tally['all']['agree'], tally['all']['both']).strip()}")


if __name__ == "__main__":
    main()

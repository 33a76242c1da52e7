"""Properties that hold for any input: the date normaliser and the list extractor never raise
and never return a date after the monitoring time point."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from govcheck.dates import SHANGHAI, find_dates, parse_date, search_date
from govcheck.extract.listing import extract_list

AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)

# Text that looks like what pages hold: digits, separators, date words, Chinese and noise.
date_pieces = st.sampled_from(list("0123456789-/.:年月日号时分秒前天昨今刚上下午晚 []()发布时间：") + ["Feb", "+0800", "小时", "分钟", "2024", "12-31"])
date_like = st.lists(date_pieces, max_size=20).map("".join)
any_text = st.text(max_size=200)
as_of_values = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)).map(lambda d: d.replace(tzinfo=SHANGHAI))


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(date_like, any_text), as_of=as_of_values)
def test_parse_date_never_raises_and_never_looks_past_as_of(text, as_of):
    parsed = parse_date(text, as_of)
    assert parsed is None or (parsed <= as_of and parsed.tzinfo is not None)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(date_like, any_text), as_of=as_of_values)
def test_searching_dates_in_text_never_returns_one_after_as_of(text, as_of):
    found = search_date(text, as_of)
    assert found is None or (found[0] in text and found[1] <= as_of)
    assert all(when <= as_of for _, when in find_dates(text, as_of))


entry = st.tuples(st.text(min_size=1, max_size=30), date_like)
page_html = st.lists(entry, max_size=25).map(
    lambda entries: "<html><body><div class='list'><ul>"
    + "".join(f"<li><a href='/a/{i}.html'>{title}</a><span>{date}</span></li>" for i, (title, date) in enumerate(entries))
    + "</ul></div><div class='footer'>版权所有 2005-2024 陕ICP备05001234号</div></body></html>"
)


@settings(max_examples=200, deadline=None)
@given(html=st.one_of(page_html, any_text))
def test_the_list_extractor_never_raises_and_never_dates_after_as_of(html):
    page = extract_list(html, "http://127.0.0.1/col/", AS_OF)
    assert page.state in ("entries", "empty", "unparsed")
    assert all(e.date is None or e.date <= AS_OF for e in page.entries)
    if page.newest is not None:
        assert page.newest.date == max(e.date for e in page.entries if e.date)


@settings(max_examples=100, deadline=None)
@given(days=st.integers(min_value=0, max_value=4000))
def test_an_iso_date_before_as_of_reads_back_exactly(days):
    day = (AS_OF - timedelta(days=days)).date()
    assert parse_date(day.isoformat(), AS_OF).date() == day

"""What the Weibo container API's answers say, and how far an account's post list is read.

The samples in tests/data/weibo are real m.weibo.cn answers (2019, from a public crawler
project's test data): the profile (``containerid=100505{uid}``) and a page of the post list
(``containerid=107603{uid}``) of one account, with short ``06-14`` dates and a repost. The
reading of a whole account is driven here by hand, answer by answer, with built answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from govcheck.dates import SHANGHAI
from govcheck.extract.posts import latest_times
from govcheck.extract.reading import Fetched
from govcheck.extract.weibo import (
    Target,
    WeiboRead,
    is_pinned,
    posts_url,
    profile_url,
    read_account,
    read_answer,
    read_posts,
    read_profile,
    server_time,
    trusted_posts,
    uid_of,
)
import readers

DATA = Path(__file__).parent / "data" / "weibo"
BASE = "https://m.weibo.cn"
UID = "2803301701"
AS_OF = datetime(2024, 2, 23, 23, 59, 59, tzinfo=SHANGHAI)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def sample(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# -- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account_id", "uid"),
    [
        ("1669879400", "1669879400"),
        (" 1669879400 ", "1669879400"),
        ("https://weibo.com/u/1669879400", "1669879400"),
        ("weibo.com/u/1669879400", "1669879400"),
        ("https://m.weibo.cn/u/1669879400?uid=1669879400&luicode=10000011", "1669879400"),
        ("https://m.weibo.cn/profile/1669879400", "1669879400"),
        ("https://weibo.com/1669879400", "1669879400"),
        ("https://weibo.com/wnfb", None),  # a custom address names no uid
        ("渭南发布", None),
        ("", None),
        ("0123", None),
    ],
)
def test_the_uid_is_taken_from_the_id_or_a_profile_address(account_id, uid):
    assert uid_of(account_id) == uid


def test_the_api_addresses_are_the_mobile_sites_own():
    assert profile_url(BASE, UID) == f"{BASE}/api/container/getIndex?type=uid&value={UID}&containerid=100505{UID}"
    assert posts_url(BASE, UID, 1) == f"{BASE}/api/container/getIndex?type=uid&value={UID}&containerid=107603{UID}"
    assert posts_url(BASE, UID, 3).endswith(f"&containerid=107603{UID}&page=3")


# -- the real answers --------------------------------------------------------------------------


def test_the_real_profile_gives_the_current_name_and_post_count():
    answer = read_answer(200, json.dumps(sample("getIndex_100505_1669879400_2019.json"), ensure_ascii=False))
    assert answer.kind == "data"
    profile = read_profile(answer.data)
    assert (profile.uid, profile.screen_name, profile.statuses_count) == ("1669879400", "Dear-迪丽热巴", 1008)
    assert profile.verified_reason == "嘉行传媒签约演员"


def test_the_real_post_list_reads_short_dates_reposts_and_plain_text():
    answer = read_answer(200, json.dumps(sample("getIndex_107603_1669879400_2019.json"), ensure_ascii=False))
    posts, names = read_posts(answer.data, "1669879400", BASE, reference=at("2019-06-15 12:00"))
    assert len(posts) == 10 and names == ["Dear-迪丽热巴"]
    assert [p["time"] for p in posts[:3]] == [at("2019-06-14 00:00"), at("2019-06-14 00:00"), at("2019-06-11 00:00")]
    assert posts[0]["time_text"] == "06-14" and posts[0]["time_read_against"] == at("2019-06-15 12:00")
    assert [p["original"] for p in posts[:3]] == [True, False, True]
    assert "repost_of" in posts[1] and "repost_of" not in posts[0]
    assert not any(p["pinned"] for p in posts)  # mblogtype 1 is not pinned
    assert posts[0]["title"].startswith("搬完这块砖，就可以吃好吃的了") and "<" not in posts[0]["title"]
    assert posts[0]["url"] == f"{BASE}/detail/4383183661430868"


# -- dates -------------------------------------------------------------------------------------


def card(created_at: str, **mblog: Any) -> dict[str, Any]:
    return {"card_type": 9, "mblog": {"id": "1", "created_at": created_at, "text": "x",
                                      "user": {"id": int(UID), "screen_name": "渭南发布"}, **mblog}}


def posts_of(*cards: dict[str, Any], reference: datetime = at("2024-02-23 21:00")) -> list[dict[str, Any]]:  # noqa: B008 (a datetime is immutable)
    return read_posts({"cards": list(cards)}, UID, BASE, reference)[0]


@pytest.mark.parametrize(
    ("created_at", "reference", "expected", "relative"),
    [
        ("Tue Feb 20 10:00:00 +0800 2024", "2024-02-23 21:00", "2024-02-20 10:00", False),
        ("Mon Feb 19 18:00:00 +0000 2024", "2024-02-23 21:00", "2024-02-20 02:00", False),
        ("刚刚", "2024-02-23 21:00", "2024-02-23 21:00", True),
        ("5分钟前", "2024-02-23 21:00", "2024-02-23 20:55", True),
        ("3小时前", "2024-02-23 21:00", "2024-02-23 18:00", True),
        ("今天 10:30", "2024-02-23 21:00", "2024-02-23 10:30", True),
        ("昨天 10:30", "2024-02-23 21:00", "2024-02-22 10:30", True),
        ("02-19", "2024-02-23 21:00", "2024-02-19 00:00", True),
        ("12-30", "2024-01-05 09:00", "2023-12-30 00:00", True),  # never in the future: the year before
        ("2023-11-02", "2024-02-23 21:00", "2023-11-02 00:00", False),
        # read against the server's clock, not as_of: crawled three days after as_of, "yesterday" is after it
        ("昨天 09:00", "2024-02-26 10:00", "2024-02-25 09:00", True),
    ],
)
def test_created_at_is_read_against_the_clock_the_server_wrote_it_with(created_at, reference, expected, relative):
    post, = posts_of(card(created_at), reference=at(reference))
    assert post["time"] == at(expected)
    # a relative form keeps, as evidence, the clock it was read against
    assert post.get("time_read_against") == (at(reference) if relative else None)


def test_the_servers_clock_comes_from_the_date_header_else_from_our_clock():
    received = at("2026-05-01 08:00")
    assert server_time("Fri, 23 Feb 2024 13:00:00 GMT", received) == at("2024-02-23 21:00")
    assert server_time("", received) == received
    assert server_time("yesterday-ish", received) == received


# -- pinned, groups, other accounts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mblog", "pinned"),
    [
        ({"mblogtype": 2}, True),
        ({"isTop": 1}, True),
        ({"title": {"text": "置顶", "base_color": 1}}, True),
        ({"mblogtype": 1}, False),
        ({"mblogtype": 0, "isTop": 0, "title": {"text": "热门"}}, False),
    ],
)
def test_every_pinned_marker_weibo_used_is_read(mblog, pinned):
    assert is_pinned(mblog) is pinned


def test_posts_wrapped_in_a_card_group_are_unwrapped_in_place_and_other_accounts_skipped():
    group = {"card_type": 11, "card_group": [card("Wed Feb 21 18:00:00 +0800 2024", id="2", isTop=1),
                                             {"card_type": 58, "desc": "他的全部微博"}]}
    other = card("Thu Feb 22 08:00:00 +0800 2024", id="3", user={"id": 1234567890, "screen_name": "别人"})
    posts = posts_of(group, other, card("Thu Feb 01 10:00:00 +0800 2024", id="4"))
    assert [(p["id"], p["pinned"]) for p in posts] == [("2", True), ("4", False)]


# -- what an answer is ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "location", "kind", "detail"),
    [
        (418, "", "", "rate_limited", "rate limited (HTTP 418)"),
        (432, "<html></html>", "", "rate_limited", "rate limited (HTTP 432)"),
        (200, '{"ok":0,"msg":"这里还没有内容","data":{"cards":[]}}', "", "nothing", "这里还没有内容"),
        (200, "<html><title>微博-安全验证</title><div id=geetest></div></html>", "", "captcha", "captcha page"),
        (200, '<html><head><title>Sina Visitor System</title></head></html>', "", "captcha", "captcha page"),
        (200, "<html><body>服务器开小差了</body></html>", "", "failed", "answer is not JSON"),
        (200, "", "", "failed", "empty answer"),
        (200, '{"ok":-100,"url":"https://passport.weibo.cn/signin/welcome?entry=mweibo"}', "", "login",
         "login required (ok -100, the answer points to passport.weibo.cn)"),
        (200, '{"ok":0,"url":"https://security.weibo.com/captcha/geetest?from=m"}', "", "captcha",
         "captcha (the answer points to security.weibo.com)"),
        (200, '{"ok":0,"msg":"请求过于频繁"}', "", "failed", "ok 0: 请求过于频繁"),
        (302, "", "https://passport.weibo.cn/visitor/visitor?entry=miniblog", "captcha",
         "captcha (redirected to passport.weibo.cn)"),
        (302, "", "https://passport.weibo.cn/signin/login?r=x", "login",
         "redirected to passport.weibo.cn (HTTP 302): login or visitor check"),
        (503, "", "", "failed", "HTTP 503"),
    ],
)
def test_not_found_rate_limits_captchas_and_failures_are_told_apart(status, body, location, kind, detail):
    answer = read_answer(status, body, location)
    assert (answer.kind, answer.detail) == (kind, detail)


# -- reading one account -------------------------------------------------------------------------


def profile_body(statuses_count: int = 100, name: str = "渭南发布") -> str:
    return json.dumps({"ok": 1, "data": {"userInfo": {"id": int(UID), "screen_name": name,
                                                      "statuses_count": statuses_count}}}, ensure_ascii=False)


def page_body(cards: list[dict[str, Any]]) -> str:
    return json.dumps({"ok": 1, "data": {"cardlistInfo": {"containerid": f"107603{UID}"}, "cards": cards}},
                      ensure_ascii=False)


NOTHING = '{"ok":0,"msg":"这里还没有内容","data":{"cards":[]}}'
DATE = "Fri, 23 Feb 2024 13:00:00 GMT"


def weibo_time(text: str) -> str:
    moment = at(text)
    return moment.strftime("%a %b %d %H:%M:%S +0800 %Y")


def daily_cards(newest: str, count: int, original_every: int = 0, start: int = 0) -> list[dict[str, Any]]:
    """``count`` posts a day apart back from ``newest``; reposts unless ``original_every``."""
    cards = []
    for n in range(start, start + count):
        moment = at(newest).timestamp() - n * 86400
        text = datetime.fromtimestamp(moment, SHANGHAI).strftime("%a %b %d %H:%M:%S +0800 %Y")
        repost = not (original_every and n % original_every == 0)
        cards.append(card(text, id=str(1000 + n), **({"retweeted_status": {"id": "9"}} if repost else {})))
    return cards


def page_of(url: str) -> int:
    return 0 if "100505" in url else int(url.split("page=")[1]) if "page=" in url else 1


def drive(answer: Callable[[str, int], Fetched], **target: Any) -> tuple[WeiboRead, list[str]]:
    """Reads an account, ``answer(url, page)`` answering each URL the reading asks for."""
    reading = read_account(Target(uid=UID, as_of=AS_OF, base_url=BASE, **target))
    read, fetches = readers.drive(reading, lambda fetch: answer(fetch.url, page_of(fetch.url)))
    return read, [f.url for f in fetches]


def pages(profile: str, *bodies: str) -> Callable[[str, int], Fetched]:
    def answer(url: str, page: int) -> Fetched:
        body = profile if page == 0 else bodies[page - 1] if page <= len(bodies) else NOTHING
        return Fetched(url, 200, body, date_header=DATE, received_at=at("2030-01-01 00:00"))
    return answer


def test_a_uid_the_profile_answers_nothing_for_is_left_for_a_search_by_name():
    # the same answer for a deleted account and for a mistyped 账号ID: not 搜索不到 on its own
    read, urls = drive(pages(NOTHING))
    assert (read.found, read.posts, urls) == (None, [], [profile_url(BASE, UID)])
    assert read.error == (f"profile: the platform has no account with 账号ID {UID} (这里还没有内容): deleted, "
                          "or the register's ID is wrong; search the app by name")
    assert read.note == "the profile answers 这里还没有内容"


def test_reading_stops_at_the_first_original_up_to_as_of():
    cards = daily_cards("2024-02-23 08:00", 30, original_every=0)
    cards[14] = card(weibo_time("2024-02-09 08:00"), id="original")
    read, urls = drive(pages(profile_body(), page_body(cards[:10]), page_body(cards[10:20]), page_body(cards[20:])))
    assert len(urls) == 1 + 2 and read.pages_read == 2
    assert (read.found, read.current_name, read.originals_known, read.error) == (True, "渭南发布", True, "")
    assert [p["id"] for p in read.posts if p["original"]] == ["original"]


def test_a_list_of_reposts_is_read_back_past_the_history_and_then_known_without_original():
    cards = daily_cards("2024-02-23 08:00", 100, original_every=0)
    bodies = [page_body(cards[n:n + 10]) for n in range(0, 100, 10)]
    read, urls = drive(pages(profile_body(), *bodies), history_days=92)
    # 93 daily posts reach back before as_of - 92 days: ten pages
    assert read.pages_read == 10 and read.originals_known is True
    assert not any(p["original"] for p in read.posts)
    limited, _ = drive(pages(profile_body(), *bodies), history_days=92, max_pages=4)
    assert limited.originals_known is False and limited.error == ""
    assert limited.note == ("40 posts read (4 pages), no original up to as_of and the list goes on: "
                            "originals not determined")


def test_old_pinned_originals_neither_stop_the_reading_nor_hide_the_latest_original():
    pinned = [card(weibo_time("2022-06-01 09:00"), id="p1", mblogtype=2),
              card(weibo_time("2021-06-01 09:00"), id="p2", title={"text": "置顶"})]
    cards = daily_cards("2024-02-23 08:00", 20, original_every=0)
    cards[15] = card(weibo_time("2024-02-08 08:00"), id="original")
    read, urls = drive(pages(profile_body(), page_body(pinned + cards[:10]), page_body(cards[10:])))
    assert read.pages_read == 2 and read.originals_known
    assert [p["id"] for p in read.posts[:2]] == ["p1", "p2"] and all(p["pinned"] for p in read.posts[:2])
    assert latest_times(trusted_posts(read.posts), AS_OF) == (at("2024-02-23 08:00"), at("2024-02-08 08:00"))


def test_a_fresh_pinned_post_above_january_posts_is_the_latest_post():
    pinned = card(weibo_time("2024-02-20 12:00"), id="pinned", isTop=1)
    january = daily_cards("2024-01-20 10:00", 9, original_every=3)
    read, _ = drive(pages(profile_body(statuses_count=10), page_body([pinned, *january])))
    assert read.originals_known and read.error == ""
    assert latest_times(trusted_posts(read.posts), AS_OF) == (at("2024-02-20 12:00"), at("2024-02-20 12:00"))


def test_an_undated_pinned_post_may_be_the_newest_so_nothing_below_it_gives_the_latest():
    cards = [card("置顶的某天", id="pinned", mblogtype=2), card(weibo_time("2024-02-01 08:00"), id="a")]
    read, _ = drive(pages(profile_body(), page_body(cards)))
    assert read.error == "post list page 1: created_at not understood ('置顶的某天')"
    assert trusted_posts(read.posts) == [] and read.originals_known is False


def test_posts_after_as_of_do_not_end_the_search_for_the_latest_original():
    # crawled on 02-26: the newest posts were written after the monitoring time point
    later = [card("昨天 09:00", id="later"), card("02-24", id="later2")]
    older = [card("02-02", id="before")]
    bodies = {0: profile_body(), 1: page_body(later), 2: page_body(older)}
    def answer(url: str, page: int) -> Fetched:
        body = bodies.get(page, NOTHING)
        return Fetched(url, 200, body, date_header="Mon, 26 Feb 2024 02:00:00 GMT", received_at=at("2030-01-01"))
    read, urls = drive(answer)
    assert read.pages_read == 2 and read.originals_known
    assert [p["time"] for p in read.posts] == [at("2024-02-25 09:00"), at("2024-02-24 00:00"), at("2024-02-02 00:00")]


def test_an_empty_list_is_never_posted_only_when_the_profile_counts_no_post():
    never, _ = drive(pages(profile_body(statuses_count=0), NOTHING))
    assert (never.found, never.posts, never.originals_known, never.error) == (True, [], True, "")
    hidden, _ = drive(pages(profile_body(statuses_count=12), page_body([])))
    assert hidden.found is True and hidden.error == "post list: empty although the profile counts 12 posts"
    assert hidden.originals_known is False


def test_an_empty_later_page_before_the_window_and_the_count_are_reached_is_not_the_end_of_the_list():
    # 10 fresh reposts of the 3000 posts the profile counts, then an empty page: risk control or a
    # visitor limit, not the end of the list, whether it answers no cards or 这里还没有内容
    reposts = page_body(daily_cards("2024-02-22 10:00", 10))
    for empty in ('{"ok":1,"data":{"cards":[]}}', NOTHING):
        read, urls = drive(pages(profile_body(statuses_count=3000), reposts, empty))
        assert (read.found, len(read.posts), read.pages_read, len(urls)) == (True, 10, 1, 3)
        assert read.originals_known is False
        assert read.error == ("post list page 2: empty after 10 of the 3000 posts the profile counts, "
                              "before reaching back to 2023-11-23")
    uncounted, _ = drive(pages(profile_body().replace('"statuses_count": 100', '"statuses_count": null'), reposts))
    assert uncounted.originals_known is False
    assert uncounted.error == ("post list page 2: empty after 10 posts (the profile gives no post count), "
                               "before reaching back to 2023-11-23")


def test_a_list_ends_on_an_empty_page_once_every_counted_post_was_read():
    reposts = page_body(daily_cards("2024-02-22 10:00", 10))
    read, urls = drive(pages(profile_body(statuses_count=10), reposts))
    assert (read.error, read.originals_known, read.pages_read, len(urls)) == ("", True, 1, 3)
    assert not any(p["original"] for p in read.posts)
    # more posts read than the profile counts: nothing is missing either
    fewer, _ = drive(pages(profile_body(statuses_count=8), reposts))
    assert (fewer.error, fewer.originals_known) == ("", True)


def test_a_failure_on_a_later_page_keeps_what_was_read_and_says_why():
    cards = daily_cards("2024-02-23 08:00", 10)
    def answer(url: str, page: int) -> Fetched:
        if page == 2:
            return Fetched(url, 432, "", retries=2, received_at=at("2030-01-01"))
        return pages(profile_body(), page_body(cards))(url, page)
    read, urls = drive(answer)
    assert (read.found, len(read.posts), read.originals_known) == (True, 10, False)
    assert read.error == "post list page 2: rate limited (HTTP 432), still after 2 retries with backoff"
    assert read.rate_limited_answers == 2


def test_our_failures_and_the_platforms_refusals_leave_the_account_unread():
    timeout, _ = drive(lambda url, page: Fetched(url, error="timeout"))
    assert (timeout.found, timeout.error) == (None, "profile: timeout")
    captcha, _ = drive(lambda url, page: Fetched(url, 200, "<html><title>安全验证</title></html>"))
    assert (captcha.found, captcha.error) == (None, "profile: captcha page")
    no_user, _ = drive(lambda url, page: Fetched(url, 200, '{"ok":1,"data":{"cards":[]}}'))
    assert (no_user.found, no_user.error) == (None, "profile: no userInfo in the answer")


def test_an_unreadable_date_stops_the_reading_and_hides_what_is_below_it():
    cards = [card(weibo_time("2024-02-22 08:00"), id="a"), card("上个礼拜的某天", id="b"),
             card(weibo_time("2024-02-01 08:00"), id="c")]
    read, _ = drive(pages(profile_body(), page_body(cards)))
    assert read.error == "post list page 1: created_at not understood ('上个礼拜的某天')"
    assert read.found is True and read.originals_known is False
    assert [p["id"] for p in trusted_posts(read.posts)] == ["a"]

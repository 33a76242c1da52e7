"""The one shape of the platform readers (govcheck.extract.reading), driven by hand.

Each platform's ``observe`` and the interaction entry's reader yield what to fetch and are
sent saved answers, without Scrapy or a server: what they ask for, and the observation fields
they return. The spiders' own crawls over the replicas are in tests/test_*_spider.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from govcheck.extract import douyin, weibo
from govcheck.extract.account_entry import EntryCheck, read_interaction
from govcheck.extract.reading import Fetch, Fetched, guarded
from govcheck.extract.wechat_sources import ClientSource, MpSource, SogouSource
from govcheck.extract.wechat_sources import Target as WechatTarget
from govcheck.extract.wechat_sources import observe as wechat_observe
from govcheck.spiders.accounts import request_for
from govcheck.store import SHANGHAI
from govcheck.targets import InteractionEntry
from readers import drive, reply

AS_OF = datetime(2024, 2, 23, 23, 59, 59, tzinfo=SHANGHAI)
DOUYIN_DATA = Path(__file__).parent / "data" / "douyin"
DOUYIN = "https://www.douyin.com"
SEC_UID = "MS4wLjABAAAAloeWEWUPgKgTkqUuDbmwI3ZpCHxFGOHBMOVBpQXg7u8"
DOUYIN_API = f"{DOUYIN}/aweme/v1/web/{{}}?device_platform=webapp&sec_user_id={SEC_UID}&msToken=abc123&a_bogus=xyz789"


def douyin_data(name: str) -> str:
    return (DOUYIN_DATA / name).read_text(encoding="utf-8")


# -- the shape --------------------------------------------------------------------------------


def test_a_reader_that_breaks_returns_its_failure_with_the_reason():
    def broken():
        yield Fetch("https://example.org/")
        raise ValueError("unexpected answer")

    result, fetches = drive(guarded(broken(), lambda reason: {"error": reason}, "test"), reply("{}"))
    assert result == {"error": "internal error: ValueError"}
    assert [f.url for f in fetches] == ["https://example.org/"]


def test_a_fetch_becomes_the_request_it_says():
    followed = request_for(Fetch("https://example.org/a"))
    assert followed.meta["referrer_policy"] == "no-referrer"  # platform URLs may carry tokens
    assert "dont_redirect" not in followed.meta and "dont_retry" not in followed.meta
    assert 404 in followed.meta["handle_httpstatus_list"] and 302 not in followed.meta["handle_httpstatus_list"]
    secret = request_for(Fetch("https://example.org/b", headers={"Cookie": "a=1"}, follow_redirects=False,
                               retry=False, own_cookies=True))
    assert secret.meta["dont_redirect"] and secret.meta["dont_retry"] and secret.meta["dont_merge_cookies"]
    assert secret.meta["handle_httpstatus_all"] and secret.headers["Cookie"] == b"a=1"


# -- each platform's observe -------------------------------------------------------------------


def test_weibo_asks_the_api_as_its_mobile_site_does_and_returns_the_observation_fields():
    target = weibo.Target(uid="2803301701", as_of=AS_OF, base_url="https://m.weibo.cn", cookie="SUB=x")
    fields, fetches = drive(weibo.observe(target), reply('{"ok": 0, "msg": "这里还没有内容"}'))
    first = fetches[0]
    assert first.headers["X-Requested-With"] == "XMLHttpRequest" and first.headers["Cookie"] == "SUB=x"
    assert not first.follow_redirects and first.own_cookies and {418, 429, 432} <= set(first.rate_limited)
    assert (fields["uid"], fields["found"], fields["operator_cookie"]) == ("2803301701", None, True)
    assert fields["fetched_urls"] == [f.url for f in fetches]


def test_a_weibo_account_id_that_is_no_uid_fetches_nothing():
    target = weibo.Target(uid="", account_id="wnfb", as_of=AS_OF, base_url="https://m.weibo.cn")
    fields, fetches = drive(weibo.observe(target), reply(""))
    assert fetches == [] and fields["found"] is None
    assert fields["error"] == "账号ID 'wnfb' is not a Weibo uid (the number in weibo.com/u/…): the API cannot be asked"


def test_douyin_renders_the_profile_page_and_reads_the_answers_it_captured():
    target = douyin.Target(account_id=SEC_UID, base_url=DOUYIN, as_of=AS_OF)
    captured = {
        "profile": Fetched(DOUYIN_API.format("user/profile/other/"), 200, douyin_data("profile_other_ok.json")),
        "posts": Fetched(DOUYIN_API.format("aweme/post/"), 200, douyin_data("aweme_post_ok.json")),
    }
    page = douyin_data("user_page_rendered.html")
    fields, fetches = drive(douyin.observe(target), lambda fetch: Fetched(fetch.url, 200, page, captured=captured))
    (fetch,) = fetches
    assert fetch.url == f"{DOUYIN}/user/{SEC_UID}" and not fetch.retry  # each retry is one more page for risk control
    assert fetch.render is not None and set(fetch.render.capture) == {"profile", "posts"}
    assert fetch.render.capture["posts"](captured["posts"].url)
    assert not fetch.render.capture["posts"](captured["posts"].url.replace(SEC_UID, "MS4wLjABAAAAother"))
    assert (fields["found"], fields["current_name"], fields["works_count"]) == (True, "澄城县融媒体中心", 214)
    assert fields["fetched_urls"][0] == fetch.url and len(fields["fetched_urls"]) == 3
    assert not any("msToken" in url or "a_bogus" in url for url in fields["fetched_urls"])


def test_a_douyin_page_that_did_not_load_is_its_reason():
    target = douyin.Target(account_id=SEC_UID, base_url=DOUYIN, as_of=AS_OF)
    fields, _ = drive(douyin.observe(target), lambda fetch: Fetched(fetch.url, error="timeout\nCall log: …"))
    assert (fields["found"], fields["error"]) == (None, "timeout: the profile page did not load")


def test_wechat_with_no_source_configured_fetches_nothing_and_says_why_for_each():
    sources = [MpSource("https://mp.weixin.qq.com", "", ""), ClientSource("https://mp.weixin.qq.com", "", "")]
    target = WechatTarget(name="渭南发布", account_id="wnfabu", as_of=AS_OF)
    fields, fetches = drive(wechat_observe(target, sources), reply(""))
    assert fetches == [] and fields["found"] is None
    assert fields["error"] == "mp: not configured; client: not configured"


def test_wechat_asks_the_next_source_when_one_cannot_tell():
    sources = [SogouSource("https://weixin.sogou.com"), MpSource("https://mp.weixin.qq.com", "c=1", "t")]
    target = WechatTarget(name="渭南发布", account_id="wnfabu", as_of=AS_OF)

    def answer(fetch: Fetch) -> Fetched:
        if "sogou" in fetch.url:
            return Fetched(fetch.url, error="timeout")
        return Fetched(fetch.url, 200, '{"base_resp": {"ret": 200003, "err_msg": "invalid session"}}')

    fields, fetches = drive(wechat_observe(target, sources), answer)
    assert [f.follow_redirects for f in fetches] == [True, False]  # only the MP host gets credentials
    assert fields["error"] == "sogou: timeout; mp: session expired (base_resp.ret 200003)"
    assert [s["outcome"] for s in fields["sources"]] == ["failed", "failed"]


# -- the interaction entry ---------------------------------------------------------------------


def test_an_entry_is_opened_again_after_the_pause_until_it_opens():
    answers = iter([502, 502, 200])
    check = EntryCheck(tries=3, pause=60.0)
    interaction, fetches = drive(
        read_interaction(InteractionEntry("url", "https://hd.example.gov.cn/ly"), True, check),
        lambda fetch: Fetched(fetch.url, next(answers), "<p>留言</p>"),
    )
    assert [f.delay for f in fetches] == [0.0, 60.0, 60.0] and not any(f.retry for f in fetches)
    assert interaction["state"] == "ok" and [a["status"] for a in interaction["attempts"]] == [502, 502, 200]


@pytest.mark.parametrize(
    ("entry", "found", "builtin", "state"),
    [
        (InteractionEntry("none", "无"), True, False, "missing"),
        (InteractionEntry("in_app", "菜单：留言"), True, False, "ok"),
        (InteractionEntry("unrecorded"), True, True, "ok"),
        (InteractionEntry("unrecorded"), True, False, "unrecorded"),
        (InteractionEntry("url", "https://hd.example.gov.cn/ly"), False, False, "unknown"),
    ],
)
def test_an_entry_without_an_address_to_open_or_of_an_account_not_there_fetches_nothing(entry, found, builtin, state):
    interaction, fetches = drive(read_interaction(entry, found, EntryCheck(builtin=builtin)), reply(""))
    assert fetches == [] and interaction["state"] == state

"""What Sogou's pages and the MP/client JSON answers say, read from real saved responses.

The samples in tests/data/wechat are real (2017–2020, from public crawler projects' test
data, handed to the project with its seed documents under `samples/platforms/`): a Sogou account search for 高考, Sogou's
anti-spider page, items of the MP backend's appmsg list_ex, items of the client's
profile_ext getmsg, and a dead article page.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from govcheck import settings as project_settings
from govcheck.dates import SHANGHAI
from govcheck.extract.posts import evidence_posts
from govcheck.extract.wechat import (
    MpAccount,
    SogouCard,
    biz_of,
    is_original,
    is_wechat_id,
    match_card,
    match_mp_account,
    read_appmsg,
    read_getmsg,
    read_searchbiz,
    read_sogou,
    redact_text,
    redact_url,
    sogou_posts,
    sogou_search_url,
)
from govcheck.extract.wechat_sources import EVIDENCE_DAYS, EVIDENCE_NEWEST

DATA = Path(__file__).parent / "data" / "wechat"
SOGOU_URL = "https://weixin.sogou.com/weixin?type=1&query=%E9%AB%98%E8%80%83&ie=utf8"


def sample(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in sample(name).splitlines() if line.strip()]


def list_ex(items: list[dict], ret: int = 0, total: int | None = None) -> str:
    """The real list_ex envelope around saved items."""
    return json.dumps({"app_msg_cnt": len(items) if total is None else total, "app_msg_list": items,
                       "base_resp": {"err_msg": "ok", "ret": ret}}, ensure_ascii=False)


def getmsg(messages: list[dict], can_continue: int = 1) -> str:
    """The real getmsg envelope: general_msg_list is a JSON string inside the JSON."""
    return json.dumps({"ret": 0, "errmsg": "ok", "msg_count": len(messages), "can_msg_continue": can_continue,
                       "general_msg_list": json.dumps({"list": messages}), "next_offset": 10 + len(messages),
                       "video_count": 1, "use_video_tab": 1, "real_type": 0, "home_page_list": []})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- Sogou ----------------------------------------------------------------------------------


def test_the_real_sogou_result_page_lists_ten_accounts_with_their_latest_article():
    page = read_sogou(sample("sogou_weixin_search_gzh_gaokao_2017.html"), SOGOU_URL)
    assert (page.kind, len(page.cards), page.more_pages, page.result_count) == ("results", 10, True, 178)
    first = page.cards[0]
    # the <em><!--red_beg-->高考<!--red_end--></em> highlight is part of the name, its comments are not
    assert (first.name, first.wechat_id, first.certified_by) == ("山东高考指南", "sdgkzn", "《山东商报》社")
    assert first.latest_title.startswith("【院校传真】编程猫创始人李天驰入选福布斯精英榜")
    assert first.latest_epoch == "1500773936" and first.latest_at == at("2017-07-23 09:38:56")
    assert first.latest_url.startswith("http://mp.weixin.qq.com/s?src=3&timestamp=1500827209")
    assert [c.wechat_id for c in page.cards][-3:] == ["gh_591a43050b5f", "tjsjgk", "koogaokao"]


def test_a_card_without_a_latest_article_gives_no_post_rather_than_an_empty_account():
    page = read_sogou(sample("sogou_weixin_search_gzh_gaokao_2017.html"), SOGOU_URL)
    yuntian = match_card(page.cards, "yuntiangaokao", "")
    assert yuntian is not None and yuntian.name == "云天高考"
    assert (yuntian.latest_title, yuntian.latest_at) == ("", None)
    assert sogou_posts(yuntian) == []
    post, = sogou_posts(page.cards[0])
    assert post == {"id": "1500773936", "time": at("2017-07-23 09:38:56"), "time_text": "",
                    "title": page.cards[0].latest_title, "url": page.cards[0].latest_url, "original": None,
                    "pinned": False}


def test_a_card_matches_by_wechat_id_first_then_by_the_registered_name():
    cards = read_sogou(sample("sogou_weixin_search_gzh_gaokao_2017.html"), SOGOU_URL).cards
    assert match_card(cards, "QQ_GAOKAO", "腾讯高考").name == "腾讯高考"  # ids compare case-insensitively
    # same WeChat id, another name: the account was renamed since it was registered
    renamed = match_card(cards, "hngaokao", "河南省高考服务中心")
    assert (renamed.wechat_id, renamed.name) == ("hngaokao", "河南高考指南")
    assert match_card(cards, "", "高考 家长圈").wechat_id == "sinagkjzq"  # a wrapped registry cell
    assert match_card(cards, "nosuchid", "高考") is None  # a search word is not a name


def test_names_match_across_character_widths_and_spaces_as_the_rules_compare_them():
    card = SogouCard(name="渭南市（发布）", wechat_id="wnfb1")
    assert match_card([card], "", "渭南市(发布)") is card  # full-width and ASCII parentheses
    assert match_card([card], "", "渭南市 （发布）") is card
    wide = SogouCard(name="ＷＮ发布", wechat_id="wnfb2")
    assert match_card([wide], "", "WN发布") is wide
    mp = MpAccount(fakeid="MzA3NTE5MzQzMA==", nickname="渭南市（发布）", alias="", service_type=1)
    assert match_mp_account([mp], "", "渭南市(发布)") is mp


def test_the_real_anti_spider_page_is_a_captcha_never_an_answer():
    text = sample("sogou_weixin_antispider_2017.html")
    assert read_sogou(text, "https://weixin.sogou.com/antispider/?from=%2fweixin%3Ftype%3d1").kind == "captcha"
    assert read_sogou(text, SOGOU_URL).kind == "captcha"  # by its texts alone
    # the URL alone too, whatever the page shows
    assert read_sogou("<html><body>x</body></html>", "https://weixin.sogou.com/antispider/?from=x").kind == "captcha"


def test_only_a_page_that_says_nothing_was_found_is_empty():
    no_result = ('<html><body><div class="news-box"><div class="no-sosuo" id="noresult_part1_container">'
                 '<p class="p1">暂无与“<em>渭南市不存在局</em>”相关的官方认证订阅号。</p></div></div></body></html>')
    assert read_sogou(no_result, SOGOU_URL).kind == "empty"
    # a changed layout, a blank page or items we cannot read: our failure, never 搜索不到
    assert read_sogou("<html><body><div id='main'>搜狗微信搜索</div></body></html>", SOGOU_URL).kind == "unparsed"
    assert read_sogou("", SOGOU_URL).kind == "unparsed"
    odd = '<ul class="news-list2"><li><div class="gzh-box3"><span>渭南发布</span></div></li></ul>'
    assert read_sogou(odd, SOGOU_URL).kind == "unparsed"


def test_the_search_url_is_the_account_search():
    assert sogou_search_url("http://127.0.0.1:8/wechat/sogou/", "渭南发布") == (
        "http://127.0.0.1:8/wechat/sogou/weixin?type=1&query=%E6%B8%AD%E5%8D%97%E5%8F%91%E5%B8%83&ie=utf8")


# -- MP backend -----------------------------------------------------------------------------


def test_the_real_list_ex_items_become_posts_newest_first():
    items = jsonl("mp_cgi_appmsg_list_ex_items_2020.jsonl")
    answer = read_appmsg(list_ex(items))
    assert answer.error == "" and answer.total == 26 and len(answer.posts) == 26
    first = answer.posts[0]
    assert first["id"] == "2659017567_1" and first["time"] == at("2020-11-06 21:55:46")
    assert first["title"].startswith("iPhone 12 mini/Pro Max预约破百万")
    assert first["url"].startswith("http://mp.weixin.qq.com/s?__biz=MjM5MDQ4MzU5NQ==&mid=2659017567&idx=1")
    assert [p["time"] for p in answer.posts] == sorted((p["time"] for p in answer.posts), reverse=True)
    # copyright_type 0 throughout the sample: none declared original
    assert {p["original"] for p in answer.posts} == {False} and {p["pinned"] for p in answer.posts} == {False}


def test_a_declared_original_is_marked_by_copyright_type_or_copyright_stat():
    items = jsonl("mp_cgi_appmsg_list_ex_items_2020.jsonl")
    items[3] = {**items[3], "copyright_type": 1}
    answer = read_appmsg(list_ex(items))
    assert [p["id"] for p in answer.posts if p["original"]] == [items[3]["aid"]]
    assert is_original({"copyright_stat": 11}) and is_original({"copyright_type": 11})
    for value in (0, 100, 101, 12, 14, 201, None, "x"):
        assert not is_original({"copyright_stat": value, "copyright_type": 0})


@pytest.mark.parametrize(
    ("ret", "reason"),
    [
        (200003, "session expired (base_resp.ret 200003)"),
        (200013, "frequency control (base_resp.ret 200013)"),
        (200002, "search disabled (base_resp.ret 200002)"),
        (200099, "error weird (base_resp.ret 200099)"),
    ],
)
def test_an_mp_refusal_is_a_failed_check_with_its_reason(ret, reason):
    refused = json.dumps({"base_resp": {"ret": ret, "err_msg": "weird"}})
    assert read_appmsg(refused).error == reason and read_appmsg(refused).posts == []
    assert read_searchbiz(refused).error == reason


@pytest.mark.parametrize(("body", "reason"), [("", "answer is empty"), ("<html>登录</html>", "answer is not JSON"),
                                              ('{"x": 1}', "answer has no base_resp"),
                                              ('{"base_resp": {"ret": 0}}', "answer has no app_msg_list")])
def test_an_mp_answer_that_cannot_be_read_is_never_an_empty_list(body, reason):
    assert read_appmsg(body).error == reason


def test_searchbiz_lists_accounts_matched_by_alias_then_nickname():
    answer = read_searchbiz(json.dumps({
        "base_resp": {"err_msg": "ok", "ret": 0}, "total": 2,
        "list": [{"alias": "wnfabu", "fakeid": "MzA3NTE5MzQzMA==", "nickname": "渭南发布", "service_type": 1},
                 {"alias": "", "fakeid": "MjM5MDQ4MzU5NQ==", "nickname": "渭南&amp;发布", "service_type": 2}],
    }, ensure_ascii=False))
    assert answer.error == "" and answer.total == 2
    assert answer.accounts[1] == MpAccount("MjM5MDQ4MzU5NQ==", "渭南&发布", "", 2)
    assert match_mp_account(answer.accounts, "WNFABU", "别的名字").fakeid == "MzA3NTE5MzQzMA=="
    assert match_mp_account(answer.accounts, "MjM5MDQ4MzU5NQ==", "").nickname == "渭南&发布"  # 账号ID = __biz
    assert match_mp_account(answer.accounts, "", "渭南&发布").fakeid == "MjM5MDQ4MzU5NQ=="
    assert match_mp_account(answer.accounts, "other_id", "渭南") is None


# -- client getmsg --------------------------------------------------------------------------


def test_the_real_getmsg_messages_become_one_post_per_article():
    messages = jsonl("mp_profile_ext_getmsg_gongqingtuanzhongyang_2019.jsonl")
    answer = read_getmsg(getmsg(messages))
    articles = sum(1 + len(m["app_msg_ext_info"]["multi_app_msg_item_list"]) for m in messages)
    assert answer.error == "" and len(answer.posts) == articles and answer.more and answer.next_offset == 40
    first = answer.posts[0]
    assert first["id"] == "1000004715_1" and first["time"] == at("2019-09-30 06:35:08")
    assert first["title"].startswith("赢了！焊接、数控、移动机器人")
    # the link as general_msg_list writes it (http:\/\/…&amp;…), cleaned
    assert first["url"] == ("http://mp.weixin.qq.com/s?__biz=MzA3NTE5MzQzMA==&mid=2655077856&idx=1"
                            "&sn=bd33ea60b48d3f3b8ceaf8dc1189596f&chksm=84c1a8d9b3b621cf92f87ad1ae3ba8996a9f3333132c7533"
                            "b7b0c3bbcba856c0429d1ed7aa74&scene=27#wechat_redirect")
    assert answer.posts[1]["id"] == "1000004715_2" and answer.posts[1]["time"] == first["time"]
    # copyright_stat 100 and 101 only: nothing declared original
    assert not any(p["original"] for p in answer.posts)


def test_copyright_stat_11_marks_a_getmsg_article_original():
    messages = jsonl("mp_profile_ext_getmsg_gongqingtuanzhongyang_2019.jsonl")[:3]
    messages[1]["app_msg_ext_info"]["multi_app_msg_item_list"] = [{"title": "原创稿", "copyright_stat": 11,
                                                                 "content_url": ""}]
    posts = read_getmsg(getmsg(messages, can_continue=0)).posts
    assert [p["title"] for p in posts if p["original"]] == ["原创稿"]
    assert read_getmsg(getmsg(messages, can_continue=0)).more is False


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"ret": -3, "errmsg": "no session", "cookie_count": 0}, "no session (ret -3)"),
        ({"ret": 0, "errmsg": "no session"}, "no session (ret 0)"),
        ({"ret": -6, "errmsg": "unknown error"}, "request refused (too frequent or unsafe) (ret -6)"),
        ({"ret": 0, "errmsg": "ok", "general_msg_list": "{broken"}, "general_msg_list is not a message list"),
    ],
)
def test_a_getmsg_refusal_is_a_failed_check(answer, reason):
    assert read_getmsg(json.dumps(answer)).error == reason


# -- identifiers, credentials, posts ----------------------------------------------------------


def test_wechat_ids_and_biz_values_are_told_apart():
    for good in ("wnfabu", "gh_591a43050b5f", "sctvgaokao360", "wn-sw_2024"):
        assert is_wechat_id(good)
    for bad in ("wnfz", "1wnfabu", "渭南发布", "", "MzA3NTE5MzQzMA==", "a" * 21):
        assert not is_wechat_id(bad)
    assert biz_of("MzA3NTE5MzQzMA==") == "MzA3NTE5MzQzMA=="
    assert biz_of("http://mp.weixin.qq.com/s?__biz=MjM5MDQ4MzU5NQ==&amp;mid=2659017567") == "MjM5MDQ4MzU5NQ=="
    assert biz_of("wnfabu") == "" and biz_of("sctvgaokao360") == ""  # base64-shaped, not a number


def test_credentials_are_removed_from_urls_and_messages():
    url = "http://127.0.0.1:9/wechat/mp/mp/profile_ext?action=getmsg&__biz=MzA3NTE5MzQzMA==&key=K3Y&uin=MTIz&f=json"
    assert redact_url(url) == "http://127.0.0.1:9/wechat/mp/mp/profile_ext?action=getmsg&__biz=MzA3NTE5MzQzMA==&f=json"
    assert redact_url("https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&token=123456&f=json") == (
        "https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&f=json")
    message = "Getting https://mp.weixin.qq.com/cgi-bin/searchbiz?query=x&token=123456&lang=zh_CN took too long (key=K3Y)"
    assert "123456" not in redact_text(message) and "K3Y" not in redact_text(message)
    assert "query=x" in redact_text(message)


def test_evidence_keeps_three_months_and_always_the_newest_posts():
    posts = [{"id": str(n), "time": at("2024-02-20 10:00") - (n * (at("2024-01-11") - at("2024-01-01"))),
              "pinned": False} for n in range(40)]
    kept = evidence_posts(posts, at("2024-02-20 10:00"), days=EVIDENCE_DAYS, newest=EVIDENCE_NEWEST)
    assert [p["id"] for p in kept] == [str(n) for n in range(10)]  # within 92 days: 0, 10, … 90 days old
    old = [{"id": str(n), "time": at("2023-01-01") - (at("2023-01-02") - at("2023-01-01")) * n} for n in range(5)]
    assert [p["id"] for p in evidence_posts(old, at("2024-02-23 23:59"), days=EVIDENCE_DAYS, newest=EVIDENCE_NEWEST)] == ["0", "1", "2"]


def test_a_dead_article_page_shows_one_of_the_interaction_error_texts():
    text = sample("mp_article_link_expired.html")
    assert [t for t in project_settings.INTERACTION_ERROR_TEXTS if t in text] == ["链接已过期"]

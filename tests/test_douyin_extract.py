"""Reading Douyin's profile and post-list answers (govcheck.extract.douyin), without a browser.

The answers are in tests/data/douyin (see its README: no real Douyin answer is published, they
follow the documented shapes). Each test pins one decision of the extractor: what counts as
the latest post, when an account is "not found", and every way a check stays incomplete.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from govcheck.extract.douyin import (
    evidence_url,
    is_posts_api,
    is_profile_api,
    profile_says_not_found,
    read_account,
    sec_uid_of,
)
from govcheck.extract.posts import evidence_posts, latest_times
from govcheck.extract.reading import Fetched
from govcheck.store import SHANGHAI

DATA = Path(__file__).parent / "data" / "douyin"
BASE = "https://www.douyin.com"
SEC_UID = "MS4wLjABAAAAloeWEWUPgKgTkqUuDbmwI3ZpCHxFGOHBMOVBpQXg7u8"
PROFILE_URL = f"{BASE}/aweme/v1/web/user/profile/other/?device_platform=webapp&aid=6383&sec_user_id={SEC_UID}&msToken=abc123&a_bogus=xyz789"
POSTS_URL = f"{BASE}/aweme/v1/web/aweme/post/?device_platform=webapp&aid=6383&sec_user_id={SEC_UID}&max_cursor=0&count=18&msToken=abc123&a_bogus=xyz789"
RENDERED = (DATA / "user_page_rendered.html").read_text(encoding="utf-8")


def data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def profile(text: str | None = None, status: int = 200) -> Fetched:
    return Fetched(PROFILE_URL, status, data("profile_other_ok.json") if text is None else text)


def posts(text: str | None = None, status: int = 200) -> Fetched:
    return Fetched(POSTS_URL, status, data("aweme_post_ok.json") if text is None else text)


def posts_json(**changes) -> str:
    document = json.loads(data("aweme_post_ok.json"))
    document.update(changes)
    return json.dumps(document, ensure_ascii=False)


def profile_json(**user_changes) -> str:
    document = json.loads(data("profile_other_ok.json"))
    document["user"].update(user_changes)
    return json.dumps(document, ensure_ascii=False)


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account_id", "expected"),
    [
        (SEC_UID, SEC_UID),
        (f" {SEC_UID} ", SEC_UID),
        (f"https://www.douyin.com/user/{SEC_UID}?from_tab_name=main&vid=7338102938475610112", SEC_UID),
        ("chengcheng_rm", None),  # a 抖音号 opens no profile page
        ("", None),
    ],
)
def test_the_sec_uid_comes_from_the_id_or_the_profile_url(account_id, expected):
    assert sec_uid_of(account_id) == expected


def test_only_the_accounts_own_first_post_page_is_captured():
    assert is_profile_api(PROFILE_URL, SEC_UID)
    assert is_posts_api(POSTS_URL, SEC_UID)
    assert not is_posts_api(POSTS_URL.replace("max_cursor=0", "max_cursor=1708257600000"), SEC_UID)
    assert not is_posts_api(POSTS_URL.replace(SEC_UID, "MS4wLjABAAAAsomebodyElse0000000000000000000000"), SEC_UID)
    assert not is_profile_api(POSTS_URL, SEC_UID)


def test_evidence_urls_keep_no_page_tokens_or_signatures():
    kept = evidence_url(POSTS_URL)
    assert "msToken" not in kept and "a_bogus" not in kept and "abc123" not in kept
    assert f"sec_user_id={SEC_UID}" in kept and "max_cursor=0" in kept and kept.startswith(f"{BASE}/aweme/v1/web/aweme/post/?")


# -- an account read completely --------------------------------------------------------


def test_an_active_account_is_found_with_its_name_and_works():
    read = read_account(BASE, profile(), posts(), 200, RENDERED)
    assert (read.found, read.error, read.current_name, read.aweme_count) == (True, "", "澄城县融媒体中心", 214)
    assert [p["id"] for p in read.posts] == [
        "7338102938475610112",  # pinned first, as the page lists it
        "7337925301938572345",
        "7336814002938471936",
        "7306927410384920576",
    ]
    first, note = read.posts[0], read.posts[1]
    assert first["pinned"] is True and not any(p["pinned"] for p in read.posts[1:])
    assert first["time"] == shanghai("2024-02-22 08:00") and first["time"].utcoffset().total_seconds() == 8 * 3600
    assert note == {
        "id": "7337925301938572345",
        "time": shanghai("2024-02-21 09:15"),
        "time_text": "",
        "title": "图说澄城｜雪后尧头窑",
        "url": f"{BASE}/note/7337925301938572345",
        "original": None,  # Douyin has no original/repost marker
        "pinned": False,
    }
    assert read.posts[2]["url"] == f"{BASE}/video/7336814002938471936"
    assert read.posts[2]["title"] == "元宵节安全提示： 燃放烟花爆竹请到指定区域"  # whitespace collapsed
    assert read.has_more is True and read.names_seen == ["澄城县融媒体中心"]


def test_a_private_work_is_not_shown_to_visitors_and_is_counted_apart():
    read = read_account(BASE, profile(), posts(), 200, RENDERED)
    assert "7338001122334455667" not in [p["id"] for p in read.posts]
    assert read.hidden_posts == 1


def test_the_pinned_work_counts_by_its_date_not_by_its_place():
    read = read_account(BASE, profile(), posts(), 200, RENDERED)
    pinned = read.posts[0]
    assert pinned["pinned"] is True and pinned["time"] == shanghai("2024-02-22 08:00")
    assert latest_times(read.posts)[0] == shanghai("2024-02-22 08:00")  # the newest work, and pinned
    old_pinned_on_top = [dict(pinned, time=shanghai("2023-06-01 08:00")), *read.posts[1:]]
    assert latest_times(old_pinned_on_top)[0] == shanghai("2024-02-21 09:15")


def test_a_renamed_account_shows_its_new_name():
    read = read_account(BASE, profile(profile_json(nickname="澄城融媒")), posts(), 200, RENDERED)
    assert read.found is True and read.current_name == "澄城融媒"


def test_without_the_profile_answer_the_name_comes_from_the_works_author():
    read = read_account(BASE, None, posts(), 200, RENDERED)
    assert (read.found, read.current_name, read.error) == (True, "澄城县融媒体中心", "")


def test_a_co_authors_nickname_is_never_the_current_name():
    # the profile answer is rate limited; the newest work is a co-creation published by another account
    document = json.loads(data("aweme_post_ok.json"))
    document["aweme_list"][0]["author"] = dict(document["aweme_list"][0]["author"], nickname="渭南发布",
                                               sec_uid="MS4wLjABAAAAweinanfabuweinanfabuweinanfabu00")
    co_created = posts(json.dumps(document, ensure_ascii=False))
    read = read_account(BASE, profile("", 429), co_created, 200, RENDERED)
    assert (read.found, read.current_name) == (True, "澄城县融媒体中心")  # from the account's own works
    assert read.names_seen == ["渭南发布", "澄城县融媒体中心"]  # every author stays evidence
    # no work whose author is the account itself (or no author sec_uid given): no current name
    for item in document["aweme_list"]:
        item["author"] = {"nickname": "渭南发布", "sec_uid": "MS4wLjABAAAAweinanfabuweinanfabuweinanfabu00"}
    others = read_account(BASE, profile("", 429), posts(json.dumps(document, ensure_ascii=False)), 200, RENDERED)
    assert (others.found, others.current_name) == (True, None)
    for item in document["aweme_list"]:
        item["author"] = {"nickname": "渭南发布"}
    unsigned = read_account(BASE, None, posts(json.dumps(document, ensure_ascii=False)), 200, RENDERED)
    assert unsigned.current_name is None
    # the profile's nickname is the account's own, whoever the works' authors are
    assert read_account(BASE, profile(), co_created, 200, RENDERED).current_name == "澄城县融媒体中心"


def test_an_account_with_no_works_at_all_is_read_as_such():
    empty = posts(posts_json(aweme_list=[], has_more=0))
    read = read_account(BASE, profile(profile_json(aweme_count=0)), empty, 200, RENDERED)
    assert (read.found, read.posts, read.error) == (True, [], "")


def test_a_list_that_ends_where_the_profile_count_does_is_complete():
    # 4 works shown and 1 private one: all the 5 works the profile counts
    read = read_account(BASE, profile(profile_json(aweme_count=5)), posts(posts_json(has_more=0)), 200, RENDERED)
    assert (read.found, read.error, len(read.posts), read.has_more) == (True, "", 4, False)
    # the profile counting the private work or not: either way nothing is missing
    read = read_account(BASE, profile(profile_json(aweme_count=4)), posts(posts_json(has_more=0)), 200, RENDERED)
    assert (read.found, read.error) == (True, "")


def test_only_old_works_and_no_more_pages_against_a_larger_count_is_an_incomplete_list():
    # an anonymous browser shown one old work of the 214 the profile counts: the newest ones
    # may be shown only to a logged-in browser, so the list proves no staleness
    document = json.loads(data("aweme_post_ok.json"))
    document["aweme_list"] = [a for a in document["aweme_list"] if a["aweme_id"] == "7306927410384920576"]
    document["has_more"] = 0
    read = read_account(BASE, profile(), posts(json.dumps(document, ensure_ascii=False)), 200, RENDERED)
    assert (read.found, read.posts, read.aweme_count) == (None, [], 214)
    assert read.error.startswith("post list incomplete: the profile counts 214 works, 1 listed and the list says")
    assert read.current_name == "澄城县融媒体中心"  # still evidence


def test_the_login_dialog_of_a_normal_page_is_not_a_captcha():
    assert "获取验证码" in RENDERED
    read = read_account(BASE, profile(), posts(), 200, RENDERED)
    assert read.found is True and read.error == ""


def test_evidence_keeps_pinned_recent_and_the_newest_work():
    read = read_account(BASE, profile(), posts(), 200, RENDERED)
    as_of = shanghai("2024-03-05 23:59:59")  # the 2023-11-30 work is 96 days old then
    assert [p["id"] for p in evidence_posts(read.posts, as_of)] == [p["id"] for p in read.posts[:3]]
    much_later = shanghai("2024-12-31 23:59:59")
    # the pinned work, which is the newest too
    assert [p["id"] for p in evidence_posts(read.posts, much_later)] == ["7338102938475610112"]
    old_pinned = [dict(read.posts[0], time=shanghai("2023-06-01 08:00")), *read.posts[1:]]
    assert [p["id"] for p in evidence_posts(old_pinned, much_later)] == ["7338102938475610112", "7337925301938572345"]
    assert len(evidence_posts(read.posts, as_of, limit=2)) == 2


# -- no such user: only when the page says so, and then a search by name must tell --------

NO_SUCH_USER = (f"profile: the platform has no account with 账号ID {SEC_UID} (用户不存在): deleted, "
                "or the register's ID is wrong; search the app by name")


def test_the_profile_saying_the_user_does_not_exist_is_left_for_a_search_by_name():
    # the same answer for a deleted account and for a mistyped sec_uid: not 搜索不到 on its own
    missing = profile(data("profile_other_not_found.json"))
    assert profile_says_not_found(missing)
    empty_list = posts(posts_json(aweme_list=[], has_more=0))
    read = read_account(BASE, missing, empty_list, 200, "<div class='user-not-exist'>用户不存在</div>")
    assert (read.found, read.error, read.current_name, read.posts) == (None, NO_SUCH_USER, None, [])
    assert read_account(BASE, missing, None, 200, "").error == NO_SUCH_USER
    typo = "MS4wLjABAAAAwrongwrongwrongwrongwrong"
    elsewhere = Fetched(PROFILE_URL.replace(SEC_UID, typo), 200, data("profile_other_not_found.json"))
    assert f"no account with 账号ID {typo} (用户不存在)" in read_account(BASE, elsewhere, None, 200, "").error


def test_an_empty_user_is_no_such_user_only_when_the_pages_error_element_says_so():
    no_user = profile(json.dumps({"status_code": 0, "status_msg": None, "user": None}))
    said = read_account(BASE, no_user, None, 200, "<div class='user-not-exist'>用户不存在</div>")
    assert (said.found, said.error) == (None, NO_SUCH_USER)
    unclear = read_account(BASE, no_user, None, 200, RENDERED)
    assert unclear.found is None and unclear.error == "profile: no user in the answer; post list not loaded"
    # the words anywhere else on the page (a work's title, a notice) are no answer of the platform
    quoted = RENDERED.replace("图说澄城｜雪后尧头窑", "警惕！冒充客服称“您的账号已注销”的诈骗")
    assert "账号已注销" in quoted
    read = read_account(BASE, no_user, None, 200, quoted)
    assert read.found is None and read.error == "profile: no user in the answer; post list not loaded"


def test_a_loaded_post_list_is_never_read_as_not_found():
    # risk control answers the profile with no user; the list loads, one work quoting 账号已注销
    document = json.loads(data("aweme_post_ok.json"))
    document["aweme_list"][1]["desc"] = "警惕！冒充客服称“您的账号已注销”的诈骗"
    quoted = RENDERED.replace("图说澄城｜雪后尧头窑", "警惕！冒充客服称“您的账号已注销”的诈骗")
    no_user = profile(json.dumps({"status_code": 0, "user": None}))
    read = read_account(BASE, no_user, posts(json.dumps(document, ensure_ascii=False)), 200, quoted)
    assert (read.found, read.error, len(read.posts)) == (True, "", 4)
    # the profile saying the user does not exist while its works load: the answers disagree
    contradicted = read_account(BASE, profile(data("profile_other_not_found.json")), posts(), 200, RENDERED)
    assert (contradicted.found, contradicted.posts) == (None, [])
    assert "the profile says the user does not exist but the post list shows 5 works" in contradicted.error


# -- every way the check stays incomplete: found None with the reason -----------------------

RISK_CASES = [
    # (what, profile answer, post-list answer, page status, page html, words of the reason)
    ("rate limited", profile(), posts("", 429), 200, RENDERED, "rate limited (HTTP 429)"),
    ("login wall", profile(), posts("", 401), 200, RENDERED, "login required (HTTP 401)"),
    ("forbidden", profile(), posts("", 403), 200, RENDERED, "forbidden (HTTP 403)"),
    ("unavailable", profile(), posts("", 503), 200, RENDERED, "unavailable (HTTP 503)"),
    ("empty body", profile(), posts(""), 200, RENDERED, "empty response (risk control)"),
    ("blocked", profile(), posts("blocked"), 200, RENDERED, "blocked (risk control)"),
    ("status 2053", profile(), posts(data("aweme_post_risk_control.json")), 200, RENDERED, "status_code 2053 with an empty list (risk control)"),
    ("verify page for JSON", profile(), posts(data("verify_page.html")), 200, RENDERED, "post list: captcha page"),
    ("cut JSON", profile(), posts(data("aweme_post_ok.json")[:700]), 200, RENDERED, "post list: answer is not JSON"),
    ("works hidden", profile(), posts(posts_json(aweme_list=[], has_more=0)), 200, RENDERED, "post list empty although the profile counts 214 works"),
    ("empty list, no profile", None, posts(posts_json(aweme_list=[], has_more=0)), 200, RENDERED, "profile could not confirm"),
    ("list shorter than the count", profile(), posts(posts_json(has_more=0)), 200, RENDERED,
     "post list incomplete: the profile counts 214 works, 4 listed (1 more hidden) and the list says there are no more"),
    ("verify page", None, None, 200, data("verify_page.html"), "captcha page"),
    ("page HTTP 503", None, None, 503, "<html><body>error</body></html>", "profile page: unavailable (HTTP 503)"),
    ("profile blocked, no list", profile("blocked"), None, 200, RENDERED, "profile: blocked (risk control); post list not loaded"),
]


@pytest.mark.parametrize(("what", "profile_answer", "posts_answer", "status", "html", "reason"), RISK_CASES, ids=[c[0] for c in RISK_CASES])
def test_an_incomplete_check_is_unknown_with_its_reason(what, profile_answer, posts_answer, status, html, reason):
    read = read_account(BASE, profile_answer, posts_answer, status, html)
    assert read.found is None, what
    assert reason in read.error
    assert read.posts == []


def test_no_post_list_in_time_is_a_timeout_not_an_empty_account():
    read = read_account(BASE, profile(), None, 200, RENDERED, waited_seconds=4.0)
    assert read.found is None
    assert read.error == "timeout: the page loaded no post list within 4 s"
    assert read.current_name == "澄城县融媒体中心"  # the name seen is still evidence


def test_a_profile_answered_with_an_error_is_not_read_as_missing():
    risky = profile(json.dumps({"status_code": 2053, "status_msg": "", "user": None}))
    read = read_account(BASE, risky, None, 200, RENDERED, waited_seconds=4.0)
    assert read.found is None and "profile: status_code 2053" in read.error

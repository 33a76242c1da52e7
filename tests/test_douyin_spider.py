"""The Douyin spider in real Chromium against the replica profile pages, over real HTTP.

One crawl (module-scoped) of every account state in replica/platforms/douyin/accounts.yaml,
then one test per behaviour: what the observation says and the verdict the rules give.
The operator's browser state (a ``sessionid`` cookie) is given through
GOVCHECK_DOUYIN_COOKIES: it must open the account whose works show only to a logged-in
browser, and appear nowhere in the output or the store.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck.registry import import_manual_observations, import_targets
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas import douyin
from govcheck.spiders.douyin import storage_state
from govcheck.store import SHANGHAI
from support import REPLICA, REPO, account_observation, account_verdict, open_store, store_environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Douyin's pages are read in Chromium

ROUND = "2024-1"
AS_OF = "2024-02-23"
STATES = REPLICA / "platforms" / "douyin" / "accounts.yaml"
SECRET = "sid-7f3a9c0e1d2b4c5a"  # the operator's session cookie: must never be written anywhere
ACCOUNT_BY_DOUYIN_NUMBER = "澄城县交通运输局"  # registered with a 抖音号 instead of its sec_uid
FAST = {
    "DOUYIN_CAPTURE_TIMEOUT": "4",
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": "5000",
    "DOUYIN_DOWNLOAD_DELAY": "0",
    "GOVCHECK_PROGRESS_INTERVAL": "1",
}


# States this module adds to the replica's own (written with them to the crawl's folder).
EXTRA_ACCOUNTS = [
    {   # an anonymous browser is shown one old work of the 214 the profile counts, and no more pages
        "sec_uid": "MS4wLjABAAAAc0unTs2l4rGeRtHaNtHeL1sTsh0wSaNoLdW0rKoNlY",
        "registered_name": "澄城县文化和旅游局",
        "nickname": "澄城县文化和旅游局",
        "aweme_count": 214,
        "posts": [{"time": "2023-11-30 10:00", "desc": "澄城县尧头窑文化旅游景区冬季开放公告"}],
    },
]


def registered_accounts() -> list[dict[str, Any]]:
    return yaml.safe_load(STATES.read_text(encoding="utf-8"))["accounts"] + EXTRA_ACCOUNTS


def states_file(folder: Path) -> Path:
    """The replica's account states with this module's, beside the replica's page templates."""
    states = folder / "douyin-states"
    states.mkdir()
    for page in ("user.html", "verify.html"):
        shutil.copy(STATES.parent / page, states / page)
    path = states / "accounts.yaml"
    path.write_text(yaml.safe_dump({"accounts": registered_accounts()}, allow_unicode=True), encoding="utf-8")
    return path


def targets_document() -> dict[str, list[dict[str, str]]]:
    rows = [
        {"账号名称": a["registered_name"], "平台": "抖音", "账号类型": "抖音短视频", "账号ID": a["sec_uid"],
         "主办单位": a["registered_name"], "区县": "渭南市"}
        for a in registered_accounts()
    ]
    rows.append({"账号名称": ACCOUNT_BY_DOUYIN_NUMBER, "平台": "抖音", "账号类型": "抖音短视频", "账号ID": "cc_jtj",
                 "主办单位": ACCOUNT_BY_DOUYIN_NUMBER, "区县": "澄城县"})
    return {"新媒体": rows}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("douyin")
    routes = {"/douyin/": douyin.route(states_file(folder))}
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes=routes) as server:
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(), allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets_file, datetime.now(SHANGHAI))
        command = [sys.executable, "-m", "govcheck.cli", "run", "--round", ROUND, "--as-of", AS_OF, "--spider", "douyin",
                   "--set", f"DOUYIN_BASE_URL={server.url}/douyin"]
        for name, value in FAST.items():
            command += ["--set", f"{name}={value}"]
        environment = {**os.environ, **env, "GOVCHECK_DOUYIN_COOKIES": json.dumps([{"name": "sessionid", "value": SECRET}]),
                       "GOVCHECK_LOG_LEVEL": "DEBUG"}
        environment.pop("GOVCHECK_SECRETS_FILE", None)
        started = time.monotonic()
        run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=environment, timeout=180)
        elapsed = time.monotonic() - started
        assert run.returncode == 0, run.stderr[-4000:]
        yield {"store": store, "run": run, "elapsed": elapsed, "folder": folder, "base": f"{server.url}/douyin"}


def observation(crawled: dict[str, Any], name: str) -> dict[str, Any]:
    return account_observation(crawled["store"], "抖音", name, ROUND)


def verdict(crawled: dict[str, Any], name: str) -> dict[str, Any]:
    return account_verdict(crawled["store"], "抖音", name, ROUND)


def findings(crawled: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return crawled["store"].find("findings", {"round": ROUND, "target_key": f"account:抖音:{name}"})


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_every_account_gets_one_observation_and_a_verdict_in_bounded_time(crawled):
    names = [a["registered_name"] for a in registered_accounts()] + [ACCOUNT_BY_DOUYIN_NUMBER]
    for name in names:
        assert observation(crawled, name)["source"] == "douyin-page"
        assert verdict(crawled, name)["verdict"] in ("合格", "不合格", "待人工复核")
    assert crawled["elapsed"] < 75, crawled["elapsed"]


def test_an_active_account_is_read_from_the_json_the_page_loaded(crawled):
    seen = observation(crawled, "澄城县融媒体中心")
    assert (seen["found"], seen["error"], seen["current_name"]) == (True, "", "澄城县融媒体中心")
    assert seen["latest_post_at"] == shanghai("2024-02-22 18:30")
    assert seen["originals_known"] is False and seen["latest_original_at"] is None
    assert seen["posts_listed"] == 18 and seen["more_posts"] is True  # the page's first page of works
    newest = seen["posts"][0]
    assert newest["title"].startswith("澄城县2024年春季招聘会") and newest["pinned"] is False and newest["original"] is None
    assert newest["url"] == f"{crawled['base']}/video/{newest['id']}"
    assert seen["posts"][1]["url"].startswith(f"{crawled['base']}/note/")
    # evidence: the page and both JSON answers, without the page's tokens
    assert seen["url"] == f"{crawled['base']}/user/MS4wLjABAAAAloeWEWUPgKgTkqUuDbmwI3ZpCHxFGOHBMOVBpQXg7u8"
    assert any("/aweme/v1/web/aweme/post/" in u and "count=18" in u for u in seen["fetched_urls"])
    assert any("/aweme/v1/web/user/profile/other/" in u for u in seen["fetched_urls"])
    assert not any("msToken" in u or "a_bogus" in u for u in seen["fetched_urls"])
    assert seen["interaction"]["state"] == "ok"  # comments and messages are built in


def test_an_active_account_is_left_for_review_because_originals_are_unknown(crawled):
    judged = verdict(crawled, "澄城县融媒体中心")
    assert judged["verdict"] == "待人工复核"
    reviews = [f for f in findings(crawled, "澄城县融媒体中心") if f["severity"] == "review"]
    assert [f["code"] for f in reviews] == ["media.originals.review"]
    assert "无法区分原创与转发" in reviews[0]["reason"] and "douyin-page" in reviews[0]["reason"]
    assert "无法区分原创与转发" in judged["labels"]
    assert all(f["severity"] == "review" for f in findings(crawled, "澄城县融媒体中心"))  # nothing else is wrong


def test_a_fresh_pinned_work_above_january_works_is_the_latest_post(crawled):
    seen = observation(crawled, "合阳县文化和旅游局")
    assert seen["posts"][0]["pinned"] is True and seen["posts"][0]["time"] == shanghai("2024-02-20 12:00")
    assert seen["posts"][1]["time"] == shanghai("2024-01-26 09:00")
    assert seen["latest_post_at"] == shanghai("2024-02-20 12:00")
    # only the originals, which Douyin does not tell, are left to an inspector
    assert [(f["code"], f["severity"]) for f in findings(crawled, "合阳县文化和旅游局")] == [("media.originals.review", "review")]
    manual = crawled["folder"] / "manual-pinned.yaml"
    manual.write_text(yaml.safe_dump({"人工观察": [
        {"账号名称": "合阳县文化和旅游局", "平台": "抖音", "最新发布时间": "", "最近原创时间": "2024-02-20 12:00",
         "当前名称": "", "互动入口状态": "", "检查人": "张三"},
    ]}, allow_unicode=True), encoding="utf-8")
    import_manual_observations(crawled["store"], manual, ROUND)
    judged = verdict(crawled, "合阳县文化和旅游局")
    assert (judged["verdict"], judged["labels"]) == ("合格", "")


def test_an_old_pinned_work_on_top_is_judged_by_the_real_dates(crawled):
    seen = observation(crawled, "潼关县文化和旅游局")
    assert seen["posts"][0]["pinned"] is True and seen["posts"][0]["time"] == shanghai("2023-05-01 10:00")
    assert seen["latest_post_at"] == shanghai("2024-01-28 11:00")
    judged = verdict(crawled, "潼关县文化和旅游局")
    assert (judged["verdict"], judged["labels"]) == ("不合格", "14天未更新")


def test_sixteen_days_without_a_work_is_fourteen_days_stale(crawled):
    assert observation(crawled, "蒲城县应急管理局")["latest_post_at"] == shanghai("2024-02-07 10:00")
    judged = verdict(crawled, "蒲城县应急管理局")
    assert judged["verdict"] == "不合格" and "14天未更新" in judged["labels"] and "长期无更新" not in judged["labels"]


def test_a_user_the_page_says_does_not_exist_is_not_found_once_an_inspector_searched_the_app(crawled):
    # 用户不存在 for the registered sec_uid: the account deleted, or the register's 账号ID wrong
    seen = observation(crawled, "澄城县道路运输管理所")
    assert (seen["found"], seen["posts"]) == (None, [])
    assert seen["error"] == ("profile: the platform has no account with 账号ID "
                             "MS4wLjABAAAA9IC56fqSMjl3aN8Glp2qLwadlr8_FEUaPDm1sOghv-U (用户不存在): deleted, "
                             "or the register's ID is wrong; search the app by name")
    judged = verdict(crawled, "澄城县道路运输管理所")
    assert judged["verdict"] == "待人工复核" and "search the app by name" in judged["labels"]
    # the inspector searched the Douyin app by name and found nothing: that establishes 搜索不到
    manual = crawled["folder"] / "manual-not-found.yaml"
    manual.write_text(yaml.safe_dump({"人工观察": [
        {"账号名称": "澄城县道路运输管理所", "平台": "抖音", "最新发布时间": "", "最近原创时间": "", "当前名称": "搜索不到",
         "互动入口状态": "", "检查人": "张三"},
    ]}, allow_unicode=True), encoding="utf-8")
    import_manual_observations(crawled["store"], manual, ROUND)
    judged = verdict(crawled, "澄城县道路运输管理所")
    assert (judged["verdict"], judged["labels"]) == ("不合格", "搜索不到")


def test_a_renamed_account_is_labelled_with_its_new_name(crawled):
    seen = observation(crawled, "韩城市市场监督管理局")
    assert seen["found"] is True and seen["current_name"] == "韩城市场监管"
    assert "已改名(韩城市场监管)系统中未改名" in verdict(crawled, "韩城市市场监督管理局")["labels"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("富平县市场监督管理局", "status_code 2053 with an empty list (risk control)"),
        ("大荔县卫生健康局", "captcha page"),
        ("潼关县融媒体中心", "timeout: the page loaded no post list within"),
        ("华州区农业农村局", "post list empty although the profile counts 9 works"),
        ("临渭区教育局", "rate limited (HTTP 429)"),
        ("渭南市高新区融媒体中心", "timeout: the profile page did not load"),
        ("大荔县交通运输局", "profile page: unavailable (HTTP 503)"),
        ("白水县融媒体中心", "post list: answer is not JSON"),
        (ACCOUNT_BY_DOUYIN_NUMBER, "is not a sec_uid"),
    ],
)
def test_a_check_that_could_not_be_completed_is_left_for_review_with_its_reason(crawled, name, reason):
    seen = observation(crawled, name)
    assert seen["found"] is None and reason in seen["error"]
    assert seen["posts"] == [] and seen["latest_post_at"] is None  # never a made-up "no posts"
    judged = verdict(crawled, name)
    assert judged["verdict"] == "待人工复核"
    assert not any(f["severity"] in ("veto", "deduct") for f in findings(crawled, name))


def test_a_list_shorter_than_the_profile_count_proves_no_staleness(crawled):
    seen = observation(crawled, "澄城县文化和旅游局")
    assert (seen["found"], seen["posts"], seen["latest_post_at"], seen["works_count"]) == (None, [], None, 214)
    assert seen["error"].startswith("post list incomplete: the profile counts 214 works, 1 listed")
    judged = verdict(crawled, "澄城县文化和旅游局")
    assert judged["verdict"] == "待人工复核" and "长期无更新" not in judged["labels"]


def test_the_operators_browser_state_opens_works_shown_only_when_logged_in(crawled):
    seen = observation(crawled, "华阴市政务服务中心")
    assert (seen["found"], seen["error"], seen["logged_in_browser"]) == (True, "", True)
    assert seen["latest_post_at"] == shanghai("2024-02-21 16:00")


def test_the_operators_cookie_is_never_logged_or_stored(crawled):
    run = crawled["run"]
    assert SECRET not in run.stdout and SECRET not in run.stderr
    assert "Douyin pages load with the operator's browser state (1 cookies)" in run.stderr
    for collection in ("observations", "findings", "verdicts", "rounds", "targets"):
        assert SECRET not in repr(crawled["store"].find(collection)), collection
    stored = [p for p in crawled["folder"].rglob("*") if p.is_file()]
    assert stored and not any(SECRET.encode() in p.read_bytes() for p in stored)


def test_an_inspectors_observation_gives_three_months_without_original(crawled):
    # The crawl cannot tell originals on Douyin; the inspector sees only reposts in the app.
    assert observation(crawled, "白水县卫生健康局")["originals_known"] is False
    assert verdict(crawled, "白水县卫生健康局")["verdict"] == "待人工复核"
    manual = crawled["folder"] / "manual.yaml"
    manual.write_text(yaml.safe_dump({"人工观察": [
        {"账号名称": "白水县卫生健康局", "平台": "抖音", "最新发布时间": "2024-02-22 17:00", "最近原创时间": "无",
         "当前名称": "白水县卫生健康局", "互动入口状态": "正常", "检查人": "张三"},
    ]}, allow_unicode=True), encoding="utf-8")
    import_manual_observations(crawled["store"], manual, ROUND)
    judged = verdict(crawled, "白水县卫生健康局")
    assert (judged["verdict"], judged["labels"]) == ("不合格", "3个月无原创")


# -- the operator's browser state, as given ----------------------------------------------------


def test_a_cookie_list_becomes_a_storage_state_for_the_douyin_host():
    state = storage_state(json.dumps([{"name": "sessionid", "value": SECRET, "sameSite": "no_restriction",
                                       "expirationDate": 1900000000.5, "domain": ".douyin.com"},
                                      {"name": "ttwid", "value": "1|x"}]), "www.douyin.com")
    first, second = state["cookies"]
    assert first == {"name": "sessionid", "value": SECRET, "domain": ".douyin.com", "path": "/", "expires": 1900000000.5,
                     "httpOnly": False, "secure": True, "sameSite": "None"}
    assert (second["domain"], second["path"], second["sameSite"], second["expires"]) == ("www.douyin.com", "/", "Lax", -1)


def test_a_cookie_header_and_a_storage_state_file_are_accepted(tmp_path):
    header = storage_state(f"sessionid={SECRET}; ttwid=1%7Cabc", "www.douyin.com")
    assert [(c["name"], c["value"]) for c in header["cookies"]] == [("sessionid", SECRET), ("ttwid", "1%7Cabc")]
    saved = tmp_path / "state.json"
    saved.write_text(json.dumps({"cookies": [{"name": "sessionid", "value": SECRET, "domain": ".douyin.com", "path": "/"}],
                                 "origins": [{"origin": "https://www.douyin.com", "localStorage": []}]}))
    state = storage_state(str(saved), "www.douyin.com")
    assert state["cookies"][0]["value"] == SECRET and state["origins"][0]["origin"] == "https://www.douyin.com"


@pytest.mark.parametrize("given", [f"[{SECRET}", "[]", f'[{{"value": "{SECRET}"}}]', "/nonexistent/state.json"])
def test_an_unusable_browser_state_is_refused_without_quoting_it(given):
    with pytest.raises(ValueError) as refused:
        storage_state(given, "www.douyin.com")
    assert SECRET not in str(refused.value) and "nonexistent" not in str(refused.value)

"""The Weibo spider over real HTTP against the replica container API, with the real rules.

Two crawls (module-scoped), each a ``govcheck run`` in a subprocess:

- round 2024-1 of every account state in replica/platforms/weibo/accounts.yaml, the replica
  answering at the evening of the monitoring day (2024-02-23 21:00), with the operator's
  cookie in the secrets file: one account per notice label, the pinned-post, repost, group and
  paging cases, not found vs captcha vs rate limited, a backoff that ends in success;
- round 2024-2 of the two accounts with relative dates, the replica answering three days
  after the monitoring day and no cookie: posts of "yesterday" are then after as_of and must
  not count.

The cookie must reach the API requests and nothing else: not the interaction entries, not the
logs (DEBUG), not the store.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from datetime import datetime
from typing import Any

import pytest
import yaml
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from govcheck import settings as project_settings
from govcheck.credentials import secret
from govcheck.extract.account_entry import entry_outcome, entry_state
from govcheck.extract.wording import page_text
from govcheck.registry import import_manual_observations, import_targets
from govcheck.rules import load_profile
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas import weibo as weibo_replica
from govcheck_demo.replicas.targets import weibo_row
from govcheck.spiders.accounts import backoff_delay
from govcheck.spiders.weibo import COOKIE_VARIABLE, WeiboSpider
from govcheck.store import SHANGHAI
from support import REPLICA, REPO, account_observation, account_verdict, open_store, store_environment

STATES = REPLICA / "platforms" / "weibo" / "accounts.yaml"
AS_OF = "2024-02-23"
LATER_CLOCK = datetime(2024, 2, 26, 10, 0, tzinfo=SHANGHAI)
# the operator's cookie: its values must never be written anywhere
COOKIE_PARTS = ("_2A25LwEeEDeRhGeFN7lcY-S7MyzuIHXVo1aVMrDV8PUNbmtAGLXf2kW9NQ9pRi0yQwz3c",
                "0033WrSXqPxfM725Ws9jqgMF55529P9D9W5")
COOKIE = f"SUB={COOKIE_PARTS[0]}; SUBP={COOKIE_PARTS[1]}"
BACKOFF = 0.3
ENTRY_PAUSE = 0.4  # between two tries of an interaction entry (the profile's 60 s, shortened)
FAST = ["WEIBO_DOWNLOAD_DELAY=0", f"WEIBO_BACKOFF_SECONDS={BACKOFF}", "WEIBO_RETRIES=2", "DOWNLOAD_TIMEOUT=3",
        "GOVCHECK_PROGRESS_INTERVAL=1", f"GOVCHECK_INTERACTION_RETRY_PAUSE={ENTRY_PAUSE}"]
RELATIVE_ACCOUNTS = ("澄城县人民政府", "韩城市人民政府")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def states() -> list[dict[str, Any]]:
    return yaml.safe_load(STATES.read_text(encoding="utf-8"))["accounts"]


def uid_of_name(name: str) -> str:
    return next(s["uid"] for s in states() if s["registered_name"] == name)


class RecordingRoute:
    """A replica route, remembering each request's path, query, headers and arrival time."""

    def __init__(self, **route: Any) -> None:
        self.inner = weibo_replica.route(STATES, **route)
        self.seen: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, path: str, query: dict[str, list[str]], headers: Any) -> Any:
        with self.lock:
            self.seen.append({"path": path, "query": {k: v[0] for k, v in query.items()},
                              "headers": dict(headers.items()), "at": time.monotonic()})
        return self.inner(path, query, headers)

    def for_uid(self, uid: str) -> list[dict[str, Any]]:
        return [r for r in self.seen if r["query"].get("containerid", "")[6:] == uid]


def crawl(env: dict[str, str], server: ReplicaServer, round_id: str, extra_env: dict[str, str],
          targets: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "govcheck.cli", "run", "--round", round_id, "--as-of", AS_OF, "--spider", "weibo",
               "--set", f"WEIBO_API_BASE_URL={server.url}/weibo"]
    for setting in FAST:
        command += ["--set", setting]
    if targets:
        command += ["--targets", targets]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GOVCHECK_WEIBO", "GOVCHECK_SECRETS"))}
    environment.update({**env, **extra_env, "GOVCHECK_LOG_LEVEL": "DEBUG"})
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=environment, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    return run


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("weibo")
    evening, later = RecordingRoute(), RecordingRoute(clock=LATER_CLOCK)
    with store_environment("embedded", folder) as env, \
            ReplicaServer(folder, routes={"/weibo/": evening}) as server, \
            ReplicaServer(folder, routes={"/weibo/": later}) as later_server:
        base = f"{server.url}/weibo"
        targets_file = folder / "targets.yaml"
        rows = [weibo_row(state, base) for state in states()]
        targets_file.write_text(yaml.safe_dump({"新媒体": rows}, allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets_file, datetime.now(SHANGHAI))
        secrets_file = folder / "secrets.yaml"
        secrets_file.write_text(yaml.safe_dump({"weibo_cookie": COOKIE}))
        started = time.monotonic()
        first = crawl(env, server, "2024-1", {"GOVCHECK_SECRETS_FILE": str(secrets_file)})
        elapsed = time.monotonic() - started
        second = crawl(env, later_server, "2024-2", {}, targets=",".join(RELATIVE_ACCOUNTS))
        yield {"store": store, "runs": [first, second], "elapsed": elapsed, "folder": folder, "base": base,
               "requests": evening, "later_requests": later}


def observation(crawled: dict[str, Any], name: str, round_id: str = "2024-1") -> dict[str, Any]:
    return account_observation(crawled["store"], "微博", name, round_id)


def verdict(crawled: dict[str, Any], name: str, round_id: str = "2024-1") -> tuple[str, str]:
    found = account_verdict(crawled["store"], "微博", name, round_id)
    return found["verdict"], found["labels"]


# -- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("渭南发布", ("合格", "")),
        ("渭南市应急管理局", ("不合格", "14天未更新")),
        ("法治白水", ("不合格", "3个月无原创")),
        ("陕西富平到贤派出所", ("不合格", "3个月无原创")),
        ("华阴市城市管理执法局", ("不合格", "3个月无原创")),
        ("渭南市生态环境局", ("合格", "")),
        ("渭南市地方志办公室", ("不合格", "长期无更新")),
        ("渭南市公安局交通警察支队", ("不合格", "已改名(渭南交警)系统中未改名")),
        ("蒲城县人民政府", ("合格", "")),
        ("大荔县人民政府", ("合格", "")),
        ("合阳县人民政府", ("合格", "")),
        ("潼关县人民政府", ("不合格", "14天未更新")),
        ("澄城县人民政府", ("合格", "")),
        ("韩城市人民政府", ("不合格", "14天未更新")),
        ("渭南市住房和城乡建设局", ("不合格", "互动交流链接有误")),
        ("渭南市教育局", ("合格", "")),
    ],
)
@pytest.mark.slow
def test_each_account_gets_the_notice_label_its_state_calls_for(crawled, name, expected):
    assert verdict(crawled, name) == expected


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("渭南市市场监督管理局", "profile: captcha page"),
        ("渭南市卫生健康委员会", "profile: rate limited (HTTP 432), still after 2 retries with backoff"),
        ("华州区人民政府", "账号ID 'weibo.com/hzqrmzf' is not a Weibo uid"),
        ("渭南市人民防空办公室", "deleted, or the register's ID is wrong; search the app by name"),
    ],
)
@pytest.mark.slow
def test_what_could_not_be_read_is_left_for_review_with_its_reason(crawled, name, reason):
    judged, labels = verdict(crawled, name)
    assert judged == "待人工复核" and reason in labels
    seen = observation(crawled, name)
    assert seen["found"] is None and reason in seen["error"]


@pytest.mark.slow
def test_every_account_is_observed_once_in_bounded_time(crawled):
    for state in states():
        assert observation(crawled, state["registered_name"])["source"] == "weibo-api"
    assert len(crawled["store"].find("observations", {"round": "2024-1"})) == len(states())
    assert crawled["elapsed"] < 40, crawled["elapsed"]


# -- posts: reposts, pinned, groups, paging -----------------------------------------------------------


@pytest.mark.slow
def test_an_account_of_fresh_reposts_is_read_back_past_three_months_without_an_original(crawled):
    seen = observation(crawled, "法治白水")
    assert (seen["found"], seen["error"], seen["originals_known"]) == (True, "", True)
    assert seen["latest_post_at"] == at("2024-02-22 16:00") and seen["latest_original_at"] is None
    assert seen["pages_read"] == 5 and seen["oldest_post_read"] < at("2023-11-23 00:00")
    assert not any(p["original"] for p in seen["posts"]) and seen["posts"][0]["repost_of"] == "陕西发布"


@pytest.mark.slow
def test_an_old_pinned_original_counts_by_its_date_and_is_too_old(crawled):
    seen = observation(crawled, "陕西富平到贤派出所")
    pinned = seen["posts"][0]  # on top of the list, as the account shows it
    assert (pinned["pinned"], pinned["original"], pinned["time"]) == (True, True, at("2023-06-01 09:00"))
    assert seen["latest_post_at"] == at("2024-02-21 11:00") and seen["latest_original_at"] == at("2023-06-01 09:00")
    assert seen["originals_known"] is True
    assert seen["oldest_post_read"] == at("2023-10-27 11:00")  # how far the list was read: pinned posts aside


@pytest.mark.slow
def test_a_fresh_pinned_post_above_january_posts_is_the_latest_post(crawled):
    seen = observation(crawled, "合阳县人民政府")
    pinned = seen["posts"][0]
    assert (pinned["pinned"], pinned["time"]) == (True, at("2024-02-20 12:00"))
    assert seen["posts"][1]["time"] == at("2024-01-29 10:00")
    assert (seen["latest_post_at"], seen["latest_original_at"]) == (at("2024-02-20 12:00"), at("2024-02-20 12:00"))
    assert seen["pages_read"] == 1


@pytest.mark.slow
def test_an_old_pinned_post_on_top_is_judged_by_the_real_dates(crawled):
    seen = observation(crawled, "潼关县人民政府")
    assert (seen["posts"][0]["pinned"], seen["posts"][0]["time"]) == (True, at("2023-05-01 10:00"))
    assert seen["latest_post_at"] == at("2024-01-27 10:00")
    finding = next(f for f in crawled["store"].find("findings", {"round": "2024-1", "target_key": "account:微博:潼关县人民政府"}))
    assert (finding["code"], finding["evidence"]["age_days"]) == ("media.no_update_14d", 27)
    assert all(p["pinned"] is False for p in finding["evidence"]["latest_posts"])  # the newest posts, by date


@pytest.mark.slow
def test_an_original_older_than_three_months_is_found_and_reported(crawled):
    seen = observation(crawled, "华阴市城市管理执法局")
    assert seen["latest_original_at"] == at("2023-10-20 15:00") and seen["pages_read"] == 2


@pytest.mark.slow
def test_the_latest_original_is_found_by_paging_and_reading_stops_there(crawled):
    seen = observation(crawled, "渭南市生态环境局")
    assert seen["latest_original_at"] == at("2024-01-03 10:00") and seen["latest_post_at"] == at("2024-02-23 08:00")
    assert seen["pages_read"] == 5 and seen["posts_read"] == 46
    pages = [r["query"].get("page", "1") for r in crawled["requests"].for_uid(uid_of_name("渭南市生态环境局"))
             if r["query"]["containerid"].startswith("107603")]
    assert pages == ["1", "2", "3", "4", "5"]


@pytest.mark.slow
def test_two_old_pinned_posts_above_fresh_ones_are_not_the_latest(crawled):
    seen = observation(crawled, "蒲城县人民政府")
    assert [p["pinned"] for p in seen["posts"][:3]] == [True, True, False]
    assert [p["time"] for p in seen["posts"][:2]] == [at("2023-03-01 09:00"), at("2022-12-01 09:00")]
    assert seen["latest_post_at"] == at("2024-02-22 09:30") and seen["pages_read"] == 1


@pytest.mark.slow
def test_posts_in_a_card_group_are_unwrapped(crawled):
    seen = observation(crawled, "大荔县人民政府")
    assert seen["latest_post_at"] == at("2024-02-21 18:00")  # only inside a card_type 11 group
    assert any(p["pinned"] and p["time"] == at("2023-08-01 09:00") for p in seen["posts"])


@pytest.mark.slow
def test_a_stale_account_is_measured_from_its_latest_post(crawled):
    assert observation(crawled, "渭南市应急管理局")["latest_post_at"] == at("2024-02-05 10:00")
    assert observation(crawled, "渭南市地方志办公室")["latest_post_at"] == at("2023-10-08 10:00")


# -- names, not found, interaction ------------------------------------------------------------------


@pytest.mark.slow
def test_a_renamed_account_shows_its_current_name(crawled):
    seen = observation(crawled, "渭南市公安局交通警察支队")
    assert (seen["found"], seen["current_name"], seen["names_seen"]) == (True, "渭南交警", ["渭南交警"])
    assert seen["url"] == f"{crawled['base']}/u/{uid_of_name('渭南市公安局交通警察支队')}"


@pytest.mark.slow
def test_a_uid_the_api_has_nothing_for_is_not_found_once_an_inspector_searched_the_app(crawled):
    # 这里还没有内容 for the registered uid: the account deleted, or the register's 账号ID wrong
    uid = uid_of_name("渭南市人民防空办公室")
    seen = observation(crawled, "渭南市人民防空办公室")
    assert (seen["found"], seen["posts"]) == (None, [])
    assert seen["error"] == (f"profile: the platform has no account with 账号ID {uid} (这里还没有内容): deleted, "
                             "or the register's ID is wrong; search the app by name")
    assert seen["note"] == "the profile answers 这里还没有内容"
    assert len(crawled["requests"].for_uid(uid)) == 1
    # the inspector searched the Weibo app by name and found nothing: that establishes 搜索不到
    manual = crawled["folder"] / "manual.yaml"
    manual.write_text(yaml.safe_dump({"人工观察": [
        {"账号名称": "渭南市人民防空办公室", "平台": "微博", "最新发布时间": "", "最近原创时间": "", "当前名称": "搜索不到",
         "互动入口状态": "", "检查人": "张三"},
    ]}, allow_unicode=True), encoding="utf-8")
    import_manual_observations(crawled["store"], manual, "2024-1")
    assert verdict(crawled, "渭南市人民防空办公室") == ("不合格", "搜索不到")


@pytest.mark.slow
def test_comments_are_built_in_unless_the_register_names_an_entry(crawled):
    builtin = observation(crawled, "渭南市应急管理局")["interaction"]
    assert builtin == {"state": "ok", "url": "", "builtin": True}
    checked = observation(crawled, "渭南发布")["interaction"]
    assert (checked["state"], checked["url"]) == ("ok", f"{crawled['base']}/hd/2803301701.html")
    broken = observation(crawled, "渭南市住房和城乡建设局")["interaction"]
    assert (broken["state"], broken["detail"]) == ("broken", "HTTP 404, on each of 3 tries")


@pytest.mark.slow
def test_an_account_registered_by_its_profile_address_is_read_by_its_uid(crawled):
    seen = observation(crawled, "渭南发布")
    assert seen["uid"] == "2803301701" and seen["found"] is True and seen["latest_post_at"] == at("2024-02-23 09:00")


# -- rate limits, captcha, backoff ----------------------------------------------------------------


@pytest.mark.slow
def test_a_rate_limited_answer_is_retried_after_a_backoff_and_then_read(crawled):
    seen = observation(crawled, "渭南市教育局")
    assert (seen["found"], seen["error"], seen["rate_limited_answers"]) == (True, "", 1)
    first, retry = crawled["requests"].for_uid(uid_of_name("渭南市教育局"))[:2]
    assert first["query"] == retry["query"] and retry["at"] - first["at"] >= BACKOFF
    assert "rate limited (HTTP 418), retry 1 of 2" in crawled["runs"][0].stderr


@pytest.mark.slow
def test_a_lasting_rate_limit_is_retried_with_growing_backoff_then_left_for_review(crawled):
    requests = crawled["requests"].for_uid(uid_of_name("渭南市卫生健康委员会"))
    assert len(requests) == 3 and all(r["query"]["containerid"].startswith("100505") for r in requests)
    gaps = [b["at"] - a["at"] for a, b in zip(requests, requests[1:])]
    assert gaps[0] >= BACKOFF and gaps[1] >= 2 * BACKOFF
    assert observation(crawled, "渭南市卫生健康委员会")["rate_limited_answers"] == 2


@pytest.mark.slow
def test_a_captcha_page_is_not_retried(crawled):
    assert len(crawled["requests"].for_uid(uid_of_name("渭南市市场监督管理局"))) == 1


def test_the_backoff_doubles_with_up_to_half_of_it_at_random():
    rng = random.Random(7)
    delays = [[backoff_delay(10, retry, rng) for _ in range(200)] for retry in range(3)]
    for retry, drawn in enumerate(delays):
        assert all(10 * 2**retry <= d <= 15 * 2**retry for d in drawn)
        assert max(drawn) - min(drawn) > 2**retry  # really spread, so accounts do not retry in step


# -- relative dates --------------------------------------------------------------------------------


@pytest.mark.slow
def test_relative_dates_are_read_against_the_servers_clock(crawled):
    seen = observation(crawled, "澄城县人民政府")
    # 刚刚 at the replica's 21:00 (its Date header), although the crawl itself ran years later
    assert seen["latest_post_at"] == at("2024-02-23 21:00") and seen["fetched_at"] > at("2025-01-01 00:00")
    newest = seen["posts"][0]
    assert (newest["time_text"], newest["time_read_against"]) == ("刚刚", at("2024-02-23 21:00"))
    assert [p["time_text"] for p in seen["posts"]] == ["刚刚", "5分钟前", "今天 10:30", "昨天 10:30", "02-19"]
    assert seen["posts_read"] == 6 and seen["oldest_post_read"] == at("2023-11-02 00:00")
    assert [p["original"] for p in seen["posts"][:4]] == [True, False, True, False]


@pytest.mark.slow
def test_crawled_after_the_monitoring_day_posts_of_yesterday_do_not_count(crawled):
    seen = observation(crawled, "韩城市人民政府", "2024-2")
    newest = seen["posts"][0]
    assert (newest["time_text"], newest["time"]) == ("昨天 09:00", at("2024-02-25 09:00"))
    assert newest["time_read_against"] == LATER_CLOCK
    # 02-02 both times: written MM-DD by the replica, read at midnight
    assert seen["latest_post_at"] == at("2024-02-02 00:00")
    assert observation(crawled, "韩城市人民政府")["latest_post_at"] == at("2024-02-02 00:00")
    assert verdict(crawled, "韩城市人民政府", "2024-2") == ("不合格", "14天未更新")
    earlier = observation(crawled, "澄城县人民政府", "2024-2")
    assert earlier["posts"][0]["time_text"] == "02-23" and earlier["latest_post_at"] == at("2024-02-23 00:00")
    assert verdict(crawled, "澄城县人民政府", "2024-2") == ("合格", "")


# -- the operator's cookie -------------------------------------------------------------------------


def test_the_cookie_comes_from_the_environment_or_the_secrets_file(tmp_path, monkeypatch):
    secrets_file = tmp_path / "secrets.yaml"
    secrets_file.write_text(yaml.safe_dump({"weibo_cookie": COOKIE}))
    monkeypatch.delenv(COOKIE_VARIABLE, raising=False)
    assert secret(Settings({"GOVCHECK_SECRETS_FILE": str(secrets_file)}), COOKIE_VARIABLE) == COOKIE
    monkeypatch.setenv(COOKIE_VARIABLE, "SUB=from-env")
    assert secret(Settings({"GOVCHECK_SECRETS_FILE": str(secrets_file)}), COOKIE_VARIABLE) == "SUB=from-env"


@pytest.mark.slow
def test_the_cookie_goes_with_every_api_request_and_nowhere_else(crawled):
    requests = crawled["requests"].seen
    api = [r for r in requests if r["path"].startswith("api/")]
    assert api and all(r["headers"].get("Cookie") == COOKIE for r in api)
    entries = [r for r in requests if r["path"].startswith("hd/")]
    # 渭南发布's entry once, 渭南市住房和城乡建设局's (HTTP 404) on each of its three tries
    assert len(entries) == 4 and not any(COOKIE_PARTS[0] in " ".join(r["headers"].values()) for r in entries)
    anonymous = crawled["later_requests"].seen
    assert anonymous and not any("Cookie" in r["headers"] for r in anonymous)
    assert observation(crawled, "渭南发布")["operator_cookie"] is True
    assert observation(crawled, "澄城县人民政府", "2024-2")["operator_cookie"] is False
    assert "anonymous (GOVCHECK_WEIBO_COOKIE not set)" in crawled["runs"][1].stderr
    assert "with the operator's cookie" in crawled["runs"][0].stderr


@pytest.mark.slow
def test_the_cookie_never_reaches_the_logs_or_the_store(crawled):
    for run in crawled["runs"]:
        assert "Crawled (200)" in run.stderr  # DEBUG lines were written
        for value in (COOKIE, *COOKIE_PARTS):
            assert value not in run.stdout and value not in run.stderr
    for collection in ("observations", "findings", "verdicts", "rounds", "targets"):
        dumped = repr(crawled["store"].find(collection))
        assert not any(value in dumped for value in COOKIE_PARTS), collection
    stored = [p for p in (crawled["folder"] / "var").rglob("*") if p.is_file()]
    assert stored and not any(value.encode() in p.read_bytes() for p in stored for value in COOKIE_PARTS)


# -- interaction entries that moved, refuse us, are busy or gone; a list cut short after page 1 -------

# A third crawl over a states file of its own: the interaction entries answer as real ones do
# when they moved, refuse crawlers, are busy or are gone, and one account's list stops answering
# after its first page. Every account posts originals, so only the checked part decides.
EDGE_ACCOUNTS = [
    {"uid": "3100000001", "registered_name": "渭南市信访局", "interaction": "redirect"},
    {"uid": "3100000002", "registered_name": "渭南市人力资源和社会保障局", "interaction": "http_403"},
    {"uid": "3100000003", "registered_name": "渭南市医疗保障局", "interaction": "http_429"},
    {"uid": "3100000004", "registered_name": "渭南市民政局", "interaction": "http_404"},
    {"uid": "3100000005", "registered_name": "渭南市司法局", "interaction": "busy"},
    {"uid": "3100000006", "registered_name": "渭南市财政局", "interaction": "gone"},
    {"uid": "3100000007", "registered_name": "渭南市水务局", "interaction": "ok_with_alerts"},
    {"uid": "3100000008", "registered_name": "渭南市审计局", "interaction": "redirect_loop"},
    {"uid": "3100000009", "registered_name": "渭南市农业农村局", "interaction": "http_503"},
    # a gateway's 502 on the first try, then the page
    {"uid": "3100000011", "registered_name": "渭南市商务局", "interaction": "ok",
     "interaction_fails": {"status": 502, "first": 1}},
    # a 503 on the first two tries, then the page says it is gone: not every try said so
    {"uid": "3100000012", "registered_name": "渭南市林业局", "interaction": "gone",
     "interaction_fails": {"status": 503, "first": 2}},
]
EDGE_SERIES = {"newest": "2024-02-22 10:00", "every_days": 2, "count": 5, "text": "工作动态", "original_every": 1}
# ten fresh reposts of the 3000 posts the profile counts; page 2 answers 这里还没有内容
CUT_SHORT = {"uid": "3100000010", "registered_name": "渭南市统计局", "statuses_count": 3000,
             "series": {"newest": "2024-02-22 10:00", "every_days": 1, "count": 10, "text": "转发：陕西统计",
                        "original_every": 0}}


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("weibo-edges")
    states_file = folder / "accounts.yaml"
    accounts = [{**a, "series": EDGE_SERIES} for a in EDGE_ACCOUNTS] + [CUT_SHORT]
    states_file.write_text(yaml.safe_dump({"clock": "2024-02-23 21:00", "accounts": accounts}, allow_unicode=True),
                           encoding="utf-8")
    route = RecordingRoute()
    route.inner = weibo_replica.route(states_file)
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes={"/weibo/": route}) as server:
        base = f"{server.url}/weibo"
        targets_file = folder / "targets.yaml"
        rows = [weibo_row(state, base) for state in accounts]
        targets_file.write_text(yaml.safe_dump({"新媒体": rows}, allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets_file, datetime.now(SHANGHAI))
        run = crawl(env, server, "2024-1", {})
        yield {"store": store, "run": run, "base": base, "requests": route}


@pytest.mark.parametrize(
    ("name", "state", "detail", "expected"),
    [
        ("渭南市信访局", "ok", "", ("合格", "")),
        ("渭南市水务局", "ok", "", ("合格", "")),  # 参数错误 and 系统繁忙 only in its scripts
        ("渭南市民政局", "broken", "HTTP 404, on each of 3 tries", ("不合格", "互动交流链接有误")),
        ("渭南市农业农村局", "server_error", "HTTP 503, on each of 3 tries", ("待人工复核", "每次访问均返回服务器错误")),
        ("渭南市财政局", "broken", "the page says 页面不存在, on each of 3 tries", ("不合格", "互动交流链接有误")),
        ("渭南市商务局", "ok", "", ("合格", "")),
        ("渭南市林业局", "server_error", "HTTP 503; HTTP 503; the page says 页面不存在 (3 tries)", ("待人工复核", "服务器错误")),
        ("渭南市人力资源和社会保障局", "unknown", "HTTP 403", ("待人工复核", "HTTP 403")),
        ("渭南市医疗保障局", "unknown", "HTTP 429", ("待人工复核", "HTTP 429")),
        ("渭南市司法局", "unknown", "the page says 系统繁忙", ("待人工复核", "the page says 系统繁忙")),
        ("渭南市审计局", "unknown", "redirect loop", ("待人工复核", "redirect loop")),
    ],
)
@pytest.mark.slow
def test_an_interaction_entry_fails_only_when_it_is_gone(edges, name, state, detail, expected):
    seen = observation(edges, name)["interaction"]
    assert seen["state"] == state and seen["detail"].startswith(detail)
    judged, labels = verdict(edges, name)
    assert judged == expected[0] and expected[1] in labels


def entry_requests(edges: dict[str, Any], uid: str) -> list[dict[str, Any]]:
    return [r for r in edges["requests"].seen if r["path"] == f"hd/{uid}.html"]


@pytest.mark.slow
def test_an_entry_that_answers_502_once_is_tried_again_after_a_pause_and_passes(edges):
    seen = observation(edges, "渭南市商务局")["interaction"]
    assert [(a["status"], a["detail"]) for a in seen["attempts"]] == [(502, "HTTP 502"), (200, "")]
    first, second = entry_requests(edges, "3100000011")
    assert second["at"] - first["at"] >= ENTRY_PAUSE
    assert seen["attempts"][1]["fetched_at"] > seen["attempts"][0]["fetched_at"]


@pytest.mark.slow
def test_an_entry_gone_on_every_try_fails_and_a_server_error_on_every_try_is_reviewed(edges):
    gone = observation(edges, "渭南市民政局")["interaction"]
    assert [a["status"] for a in gone["attempts"]] == [404, 404, 404]
    requests = entry_requests(edges, "3100000004")
    assert len(requests) == 3 and all(b["at"] - a["at"] >= ENTRY_PAUSE for a, b in zip(requests, requests[1:]))
    failing = observation(edges, "渭南市农业农村局")["interaction"]
    assert [a["status"] for a in failing["attempts"]] == [503, 503, 503]
    review = edges["store"].find_one("findings", {"round": "2024-1", "target_key": "account:微博:渭南市农业农村局"})
    assert (review["code"], review["severity"]) == ("media.interaction.review", "review")
    assert review["reason"] == (f"互动入口{edges['base']}/hd/3100000009.html每次访问均返回服务器错误"
                                "（HTTP 503, on each of 3 tries），不能证明入口已失效")


@pytest.mark.slow
def test_an_entry_that_opens_is_tried_once(edges):
    assert len(entry_requests(edges, "3100000007")) == 1
    assert [a["status"] for a in observation(edges, "渭南市水务局")["interaction"]["attempts"]] == [200]


@pytest.mark.slow
def test_a_moved_interaction_entry_is_followed_to_where_it_answers(edges):
    seen = observation(edges, "渭南市信访局")["interaction"]
    uid = "3100000001"
    assert (seen["url"], seen["status"]) == (f"{edges['base']}/hd/{uid}.html?moved=1", 200)
    asked = [r["query"] for r in edges["requests"].seen if r["path"] == f"hd/{uid}.html"]
    assert asked == [{}, {"moved": "1"}]


@pytest.mark.slow
def test_a_list_that_stops_answering_after_page_one_is_left_for_review(edges):
    seen = observation(edges, "渭南市统计局")
    assert (seen["found"], seen["pages_read"], seen["posts_read"], seen["originals_known"]) == (True, 1, 10, False)
    reason = "post list page 2: empty after 10 of the 3000 posts the profile counts, before reaching back to 2023-11-23"
    assert seen["error"] == reason
    # the reviewer reads why the originals are unknown: the read stopped, not the source's limits
    assert verdict(edges, "渭南市统计局") == ("待人工复核", f"未能读完账号发布记录，原创情况不明：weibo-api: {reason}")
    review = edges["store"].find_one("findings", {"round": "2024-1", "target_key": "account:微博:渭南市统计局",
                                                  "code": "media.originals.review"})
    assert [o["error"] for o in review["evidence"]["observations"]] == [reason]


def tried(*states: str) -> list[dict[str, str]]:
    return [{"state": state, "detail": {"ok": "", "broken": "HTTP 404", "server_error": "HTTP 502",
                                        "unknown": "timeout"}[state]} for state in states]


@pytest.mark.parametrize(("attempts", "expected"), [
    (tried("ok"), ("ok", "")),
    (tried("server_error", "ok"), ("ok", "")),
    (tried("broken"), ("broken", "HTTP 404")),
    (tried("broken", "broken", "broken"), ("broken", "HTTP 404, on each of 3 tries")),
    (tried("server_error", "server_error", "server_error"), ("server_error", "HTTP 502, on each of 3 tries")),
    (tried("server_error", "broken", "broken"), ("server_error", "HTTP 502; HTTP 404; HTTP 404 (3 tries)")),
    (tried("broken", "unknown", "broken"), ("unknown", "HTTP 404; timeout; HTTP 404 (3 tries)")),
])
def test_only_what_every_try_of_an_entry_says_counts(attempts, expected):
    assert entry_state(attempts) == expected


def spider_with(profile: Any, **settings: Any) -> Any:
    spider = WeiboSpider.from_crawler(get_crawler(WeiboSpider, settings), round="2024-1")
    spider.profile = profile
    return spider


def test_the_tries_of_an_entry_and_their_pause_come_from_the_profile(tmp_path):
    shipped = load_profile("national-2019")
    assert (spider_with(shipped).entry_tries, spider_with(shipped).entry_pause) == (3, 60)
    assert spider_with(shipped, GOVCHECK_INTERACTION_RETRY_PAUSE=0.5).entry_pause == 0.5  # tests and demos only
    data = yaml.safe_load((REPO / "govcheck" / "rules" / "profiles" / "national-2019.yaml").read_text(encoding="utf-8"))
    for key in ("attempts", "pause_seconds"):
        del data["new_media"]["interaction"][key]
    older = tmp_path / "older.yaml"
    older.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    copied = spider_with(load_profile(older))
    assert (copied.entry_tries, copied.entry_pause) == (1, 0)  # a copy made before the keys: one try, as then


def test_an_entry_answer_is_read_by_its_status_then_by_what_a_visitor_reads():
    gone, busy = project_settings.INTERACTION_ERROR_TEXTS, project_settings.INTERACTION_BUSY_TEXTS
    expired = (REPO / "tests" / "data" / "wechat" / "mp_article_link_expired.html").read_text(encoding="utf-8")
    assert entry_outcome(200, page_text(expired), gone, busy) == ("broken", "the page says 链接已过期")
    assert entry_outcome(410, "", gone, busy) == ("broken", "HTTP 410")
    assert entry_outcome(502, "", gone, busy) == ("server_error", "HTTP 502")
    assert entry_outcome(521, "", gone, busy)[0] == "unknown"  # a CDN's answer to crawlers
    assert entry_outcome(401, "", gone, busy)[0] == "unknown"
    assert entry_outcome(418, "", gone, busy)[0] == "unknown"
    # a page saying it is busy and gone at once is not counted against the account
    assert entry_outcome(200, "参数错误：访问过于频繁，请稍后再试", gone, busy) == (
        "unknown", "the page says 稍后再试 (busy: to be opened again later)")
    form = '<html><script>alert("参数错误")</script><body><form>留言</form></body></html>'
    assert entry_outcome(200, page_text(form), gone, busy) == ("ok", "")

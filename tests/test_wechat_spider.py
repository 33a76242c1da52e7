"""The WeChat spider: its sources one by one, their chain, and whole rounds over real HTTP.

Sources are driven by hand with saved real answers (tests/data/wechat) to pin what each one
concludes; then the spider crawls the replica (replica/platforms/wechat/accounts.yaml) in a
subprocess with the real rules, twice:

- round 2024-1 with every source configured (the MP session in the environment, the client's
  key and uin in the secrets file): one account per notice label, a passing one, and the
  fallbacks (Sogou refused → MP; Sogou and MP refused → client; all refused → 待人工复核);
- round 2024-2 with no credentials at all: Sogou alone, whose captcha page leaves the account
  for review and whose answers cannot tell originals.

Credentials must appear nowhere: not in the logs (DEBUG), not in the store, not in a request
to another host (Referer).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy.http import Request, TextResponse
from scrapy.settings import Settings

from govcheck.dates import SHANGHAI
from govcheck.extract.reading import Fetch, Fetched
from govcheck.registry import import_targets
from govcheck_demo.replica import ReplicaServer
from govcheck_demo.replicas import wechat as wechat_replica
from govcheck_demo.replicas.targets import wechat_row
from govcheck.extract.wechat_sources import (
    ClientSource,
    MpSource,
    SogouSource,
    SourceChain,
    SourceResult,
    Target,
    combine,
)
from govcheck.spiders.accounts import request_for
from govcheck.spiders.wechat import RedactingLogFormatter, secret
from readers import drive
from support import REPLICA, REPO, account_observation, account_verdict, open_store, store_environment

DATA = Path(__file__).parent / "data" / "wechat"
STATES = REPLICA / "platforms" / "wechat" / "accounts.yaml"
AS_OF = "2024-02-23"
MP_COOKIE = "slave_sid=c2VjcmV0LWNvb2tpZS03NzQx; slave_user=gh_0a1b2c3d4e5f"
MP_TOKEN = "1873526491"
CLIENT_KEY = "8f3a91c0d2e4b6a7c9e1f3a5b7d9e1f3a5b7c9d1e3f5a7b9"
CLIENT_UIN = "MTk4NzY1NDMyMQ=="
SECRETS = (MP_COOKIE, "c2VjcmV0LWNvb2tpZS03NzQx", MP_TOKEN, CLIENT_KEY, CLIENT_UIN)
FAST = ["WECHAT_DOWNLOAD_DELAY=0", "GOVCHECK_PROGRESS_INTERVAL=1", "DOWNLOAD_TIMEOUT=3",
        "GOVCHECK_INTERACTION_RETRY_PAUSE=0.2"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- driving one source by hand ------------------------------------------------------------------


def html_reply(name_or_text: str, url: str | None = None) -> Callable[[Fetch], Fetched]:
    path = DATA / name_or_text
    text = path.read_text(encoding="utf-8") if path.suffix and path.exists() else name_or_text
    return lambda fetch: Fetched(url or fetch.url, 200, text)


def json_reply(document: Any) -> Fetched:
    return Fetched("http://x/", 200, json.dumps(document, ensure_ascii=False))


def not_answered(reason: str) -> Callable[[Fetch], Fetched]:
    return lambda fetch: Fetched(fetch.url, error=reason)


def sample_items(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


NO_RESULT = ('<html><body><div class="no-sosuo" id="noresult_part1_container"><p class="p1">暂无与“<em>x</em>”'
             '相关的官方认证订阅号。</p></div></body></html>')


def test_sogou_finds_a_renamed_account_by_its_wechat_id_on_the_real_result_page():
    target = Target(name="河南省高考服务中心", account_id="hngaokao", as_of=at("2017-07-24 23:59"))
    result, requests = drive(SogouSource("https://weixin.sogou.com").read(target),
                             html_reply("sogou_weixin_search_gzh_gaokao_2017.html"))
    assert [r.url for r in requests] == ["https://weixin.sogou.com/weixin?type=1&query=hngaokao&ie=utf8"]
    assert (result.found, result.current_name, result.wechat_id, result.error) == (True, "河南高考指南", "hngaokao", "")
    assert [p["time"] for p in result.posts] == [at("2017-07-21 10:37:37")]
    # found, with its latest post, but originals unknown: the chain goes on to the next source
    assert result.originals_known is False and not result.complete
    assert "河南高考指南 (hngaokao)" in result.names_seen


def test_sogou_anti_spider_page_fails_the_source():
    target = Target(name="渭南发布", account_id="wnfabu", as_of=at("2024-02-23 23:59"))
    result, _ = drive(SogouSource("https://weixin.sogou.com").read(target),
                      html_reply("sogou_weixin_antispider_2017.html", "https://weixin.sogou.com/antispider/?from=x"))
    assert (result.found, result.error, result.posts) == (None, "captcha page", None)


def test_sogou_says_not_found_only_when_every_search_says_nothing_was_found():
    target = Target(name="渭南市不存在局", account_id="wnbczj", as_of=at("2024-02-23 23:59"))
    result, requests = drive(SogouSource("https://weixin.sogou.com").read(target), html_reply(NO_RESULT))
    assert len(requests) == 2 and "query=wnbczj" in requests[0].url  # by 账号ID, then by name
    assert (result.found, result.posts, result.error) == (False, [], "")
    assert result.index_only and not result.complete  # an index's answer: WeChat's own search is still asked
    # a listing with more pages and no match says nothing about the account
    unsure, _ = drive(SogouSource("https://weixin.sogou.com").read(Target("渭南市不存在局", "", at("2024-02-23"))),
                      html_reply("sogou_weixin_search_gzh_gaokao_2017.html"))
    assert unsure.found is None and "10 accounts listed" in unsure.error
    # a listing of other accounts only (the account renamed, or indexed under another name) neither
    listing = ('<html><body><form name="searchForm"></form><ul class="news-list2"><li><div class="txt-box">'
               '<p class="tit"><a href="http://mp.weixin.qq.com/profile?x">高新警讯</a></p><p class="info">微信号：'
               '<label name="em_weixinhao">gxjx110</label></p></div></li></ul></body></html>')
    other, _ = drive(SogouSource("https://weixin.sogou.com").read(Target("渭南市公安局高新分局", "", at("2024-02-23"))),
                     html_reply(listing))
    assert (other.found, other.posts, other.index_only) == (None, None, False)
    assert other.error == "1 accounts listed for '渭南市公安局高新分局', none with this 账号ID or name"
    assert other.names_seen == ["高新警讯 (gxjx110)"]
    failed, _ = drive(SogouSource("https://weixin.sogou.com").read(target), not_answered("timeout"))
    assert (failed.found, failed.error) == (None, "timeout")


def mp_answers(items: list[dict], total: int) -> Callable[[Fetch], Fetched]:
    def answer(request: Fetch) -> Fetched:
        if "searchbiz" in request.url:
            return json_reply({"base_resp": {"ret": 0, "err_msg": "ok"}, "total": 1, "list": [
                {"fakeid": "MjM5MDQ4MzU5NQ==", "nickname": "手机中国", "alias": "cnmo_weixin", "service_type": 1}]})
        begin = int(request.url.split("begin=")[1].split("&")[0])
        return json_reply({"app_msg_cnt": total, "app_msg_list": items[begin: begin + 5],
                           "base_resp": {"ret": 0, "err_msg": "ok"}})
    return answer


def test_mp_reads_the_article_list_until_the_whole_list_is_read():
    items = sample_items("mp_cgi_appmsg_list_ex_items_2020.jsonl")
    target = Target(name="手机中国", account_id="cnmo_weixin", as_of=at("2020-11-07 23:59"))
    source = MpSource("https://mp.weixin.qq.com", MP_COOKIE, MP_TOKEN)
    result, fetches = drive(source.read(target), mp_answers(items, total=26))
    requests = [request_for(fetch) for fetch in fetches]  # as the spider sends them
    assert len(requests) == 1 + 6  # the search, then 26 articles 5 at a time
    assert (result.found, result.current_name, result.biz) == (True, "手机中国", "MjM5MDQ4MzU5NQ==")
    assert len(result.posts) == 26 and result.originals_known and result.complete
    assert not any(p["original"] for p in result.posts)  # → 3个月无原创 by the Weinan practice
    for request in requests:
        assert request.headers["Cookie"].decode() == MP_COOKIE
        assert request.meta["dont_retry"] and request.meta["dont_redirect"] and request.meta["dont_merge_cookies"]
    assert all(MP_TOKEN not in url for url in result.fetched_urls)  # evidence without the token


def test_mp_stops_at_the_page_limit_without_claiming_no_original():
    items = sample_items("mp_cgi_appmsg_list_ex_items_2020.jsonl")
    target = Target(name="手机中国", account_id="cnmo_weixin", as_of=at("2020-11-07 23:59"), max_pages=2)
    result, requests = drive(MpSource("https://mp.weixin.qq.com", MP_COOKIE, MP_TOKEN).read(target),
                             mp_answers(items, total=26))
    assert len(requests) == 3 and len(result.posts) == 10
    assert result.found is True and result.originals_known is False and not result.complete
    assert "originals not determined" in result.note


def test_mp_stops_reading_at_the_first_original():
    items = sample_items("mp_cgi_appmsg_list_ex_items_2020.jsonl")
    items[7] = {**items[7], "copyright_type": 1}
    target = Target(name="手机中国", account_id="cnmo_weixin", as_of=at("2020-11-07 23:59"))
    result, requests = drive(MpSource("https://mp.weixin.qq.com", MP_COOKIE, MP_TOKEN).read(target),
                             mp_answers(items, total=26))
    assert len(requests) == 1 + 2 and result.complete
    assert [p["id"] for p in result.posts if p["original"]] == [items[7]["aid"]]


def test_an_empty_mp_article_list_is_not_an_account_that_never_posted():
    target = Target(name="手机中国", account_id="cnmo_weixin", as_of=at("2020-11-07 23:59"))
    result, _ = drive(MpSource("https://mp.weixin.qq.com", MP_COOKIE, MP_TOKEN).read(target), mp_answers([], total=0))
    assert (result.found, result.posts) == (True, None) and not result.complete
    assert result.error == "article list: empty (no mass-sent article listed)"


def test_an_expired_mp_session_fails_the_source_and_an_unconfigured_one_is_said_so():
    target = Target(name="渭南发布", account_id="wnfabu", as_of=at("2024-02-23 23:59"))
    result, _ = drive(MpSource("https://mp.weixin.qq.com", MP_COOKIE, MP_TOKEN).read(target),
                      lambda r: json_reply({"base_resp": {"ret": 200003, "err_msg": "invalid session"}}))
    assert (result.found, result.error) == (None, "session expired (base_resp.ret 200003)")
    assert MpSource("https://mp.weixin.qq.com", "", MP_TOKEN).unavailable() == "not configured"
    assert ClientSource("https://mp.weixin.qq.com", CLIENT_KEY, "").unavailable() == "not configured"


def getmsg_answer(messages: list[dict], more: int) -> Callable[[Fetch], Fetched]:
    return lambda request: json_reply({"ret": 0, "errmsg": "ok", "msg_count": len(messages), "can_msg_continue": more,
                                       "next_offset": 10, "general_msg_list": json.dumps({"list": messages})})


def test_the_client_reads_the_account_by_its_biz_with_the_real_getmsg_answer():
    messages = sample_items("mp_profile_ext_getmsg_gongqingtuanzhongyang_2019.jsonl")[:10]
    target = Target(name="共青团中央", account_id="MzA3NTE5MzQzMA==", as_of=at("2019-10-01 23:59"))
    source = ClientSource("https://mp.weixin.qq.com", CLIENT_KEY, CLIENT_UIN)
    result, requests = drive(source.read(target), getmsg_answer(messages, more=0))
    assert "__biz=MzA3NTE5MzQzMA%3D%3D" in requests[0].url and f"key={CLIENT_KEY}" in requests[0].url
    assert result.found is True and result.complete and result.current_name is None
    articles = sum(1 + len(m["app_msg_ext_info"]["multi_app_msg_item_list"]) for m in messages)
    assert result.posts[0]["time"] == at("2019-09-30 06:35:08") and len(result.posts) == articles == 24
    assert all(CLIENT_KEY not in u and CLIENT_UIN not in u for u in result.fetched_urls)
    # the list goes on and nothing original was seen yet: not determined within one page
    limited = Target(name="共青团中央", account_id="MzA3NTE5MzQzMA==", as_of=at("2019-10-01 23:59"), max_pages=1)
    unsure, _ = drive(source.read(limited), getmsg_answer(messages, more=1))
    assert unsure.found is True and unsure.originals_known is False


def test_the_client_needs_a_biz_and_reads_an_empty_list_as_unknown():
    source = ClientSource("https://mp.weixin.qq.com", CLIENT_KEY, CLIENT_UIN)
    result, requests = drive(source.read(Target("渭南发布", "wnfabu", at("2024-02-23"))), lambda r: None)
    assert requests == [] and result.found is None and result.error.startswith("no __biz known")
    empty, _ = drive(source.read(Target("渭南发布", "MzA3NTE5MzQzMA==", at("2024-02-23"))), getmsg_answer([], more=0))
    assert empty.found is None and "empty message list" in empty.error
    refused, _ = drive(source.read(Target("渭南发布", "MzA3NTE5MzQzMA==", at("2024-02-23"))),
                       lambda r: json_reply({"ret": -3, "errmsg": "no session"}))
    assert refused.error == "no session (ret -3)"


def test_when_no_source_can_read_the_account_the_observation_says_why_each_failed():
    results = [SourceResult("sogou", error="captcha page"), SourceResult("mp", error="not configured"),
               SourceResult("client", error="not configured")]
    fields = combine(results, [], at("2024-02-23 23:59"))
    assert fields["found"] is None and fields["posts"] == [] and fields["latest_post_at"] is None
    assert fields["error"] == "sogou: captcha page; mp: not configured; client: not configured"
    assert [s["outcome"] for s in fields["sources"]] == ["failed", "not configured", "not configured"]


def test_a_partial_answer_is_kept_and_a_complete_one_wins():
    sogou = SourceResult("sogou", found=True, current_name="高新警讯", wechat_id="wngxfj",
                         posts=[{"id": "1", "time": at("2024-02-22 12:00"), "original": None, "pinned": False}])
    mp_failed = SourceResult("mp", error="frequency control (base_resp.ret 200013)")
    kept = combine([sogou, mp_failed, SourceResult("client", error="not configured")], [], at("2024-02-23 23:59"))
    assert (kept["source"], kept["found"], kept["error"], kept["originals_known"]) == ("wechat-sogou", True, "", False)
    assert kept["latest_post_at"] == at("2024-02-22 12:00") and kept["latest_original_at"] is None
    client = SourceResult("client", found=True, originals_known=True, biz="MzA3NTE5MzQzMA==",
                          posts=[{"id": "9", "time": at("2024-02-21 09:00"), "original": True, "pinned": False}])
    won = combine([sogou, mp_failed, client], [], at("2024-02-23 23:59"))
    assert (won["source"], won["current_name"], won["latest_original_at"]) == ("wechat-client", "高新警讯", at("2024-02-21 09:00"))
    assert won["sources"][0] == {"source": "sogou", "outcome": "partly answered", "detail": ""}
    # found, but no post list read anywhere: the reasons go to error (→ 待人工复核 for updates)
    card_only = SourceResult("sogou", found=True, current_name="渭南发布", error="the account card shows no latest article")
    partial = combine([card_only, mp_failed], ["client"], at("2024-02-23 23:59"))
    assert partial["found"] is True and partial["error"].startswith("sogou: the account card shows no latest article; mp:")
    assert partial["sources"][-1] == {"source": "client", "outcome": "not tried", "detail": ""}


def test_sogou_not_finding_an_account_asks_the_next_sources_and_alone_establishes_nothing():
    not_in_sogou = SourceResult("sogou", found=False, posts=[], index_only=True, note="no account found for '渭南二黄'")
    run = SourceChain([SogouSource("https://weixin.sogou.com")], Target("渭南二黄", "", at("2024-02-23")))
    run.record(not_in_sogou)
    assert not not_in_sogou.complete and not run.done  # the MP search (WeChat's own) is still asked
    in_mp = SourceResult("mp", found=True, current_name="渭南二黄", originals_known=True,
                         posts=[{"id": "1", "time": at("2024-02-21 09:00"), "original": True, "pinned": False}])
    found = combine([not_in_sogou, in_mp], [], at("2024-02-23 23:59"))
    assert (found["source"], found["found"]) == ("wechat-mp", True)
    # Sogou is an index: its "not found" alone establishes nothing (待人工复核 with the reason)
    alone = combine([not_in_sogou, SourceResult("mp", error="not configured"), SourceResult("client", error="not configured")],
                    [], at("2024-02-23 23:59"))
    assert (alone["source"], alone["found"], alone["posts"], alone["latest_post_at"]) == ("wechat", None, [], None)
    assert alone["error"] == ("Sogou lists no matching account (no account found for '渭南二黄'); WeChat's own search "
                              "was not available (mp: not configured; client: not configured)")
    assert alone["sources"][0] == {"source": "sogou", "outcome": "not found", "detail": "no account found for '渭南二黄'"}
    expired = combine([not_in_sogou, SourceResult("mp", error="session expired (base_resp.ret 200003)")], ["client"],
                      at("2024-02-23 23:59"))
    assert expired["found"] is None and expired["error"].endswith(
        "(mp: session expired (base_resp.ret 200003); client: not tried)")
    not_in_mp = SourceResult("mp", found=False, posts=[], note="searchbiz lists nothing")
    assert not_in_mp.complete  # the platform's own search saying nothing matches is definite


def test_log_lines_never_show_the_token():
    request = Request(f"https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&token={MP_TOKEN}&f=json",
                      headers={"Referer": f"https://mp.weixin.qq.com/cgi-bin/searchbiz?token={MP_TOKEN}"})
    response = TextResponse(url=request.url, body=b"{}", request=request)
    entry = RedactingLogFormatter().crawled(request, response, None)
    line = entry["msg"] % entry["args"]
    assert line.startswith("Crawled (200) <GET https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&f=json>")
    assert MP_TOKEN not in line
    scraped = RedactingLogFormatter().scraped({"x": 1}, response, None)
    assert MP_TOKEN not in scraped["msg"] % scraped["args"]


def test_credentials_come_from_the_environment_or_the_secrets_file(tmp_path, monkeypatch):
    secrets_file = tmp_path / "secrets.yaml"
    secrets_file.write_text(yaml.safe_dump({"wechat_mp_token": MP_TOKEN, "govcheck_wechat_client_uin": CLIENT_UIN}))
    settings = Settings({"GOVCHECK_SECRETS_FILE": str(secrets_file)})
    monkeypatch.delenv("GOVCHECK_WECHAT_MP_TOKEN", raising=False)
    monkeypatch.delenv("GOVCHECK_WECHAT_CLIENT_UIN", raising=False)
    assert secret(settings, "GOVCHECK_WECHAT_MP_TOKEN") == MP_TOKEN
    assert secret(settings, "GOVCHECK_WECHAT_CLIENT_UIN") == CLIENT_UIN
    assert secret(settings, "GOVCHECK_WECHAT_MP_COOKIE") == ""
    monkeypatch.setenv("GOVCHECK_WECHAT_MP_TOKEN", "from-env")
    assert secret(settings, "GOVCHECK_WECHAT_MP_TOKEN") == "from-env"


def test_the_replica_pages_read_like_the_real_ones():
    """The replica's Sogou page goes through the same parser as the saved real one."""
    from govcheck.extract.wechat import read_getmsg, read_sogou

    answer = wechat_replica.route(STATES)
    page = answer("sogou/weixin", {"type": ["1"], "query": ["wngxfj"], "ie": ["utf8"]}, {"Host": "127.0.0.1:1"})
    card, = read_sogou(page.body, "").cards
    assert (card.name, card.wechat_id, card.latest_at) == ("高新警讯", "wngxfj", at("2024-02-22 12:00"))
    nothing = answer("sogou/weixin", {"type": ["1"], "query": ["wncgzf"]}, {"Host": "127.0.0.1:1"})
    assert read_sogou(nothing.body, "").kind == "empty"
    biz = wechat_replica.biz_for("wnfabu")
    messages = answer("mp/mp/profile_ext", {"__biz": [biz], "key": ["k"], "uin": ["u"]}, {"Host": "127.0.0.1:1"})
    posts = read_getmsg(messages.body).posts
    assert posts[0]["title"] == "渭南市2024年重点项目集中开工" and posts[0]["original"] is True
    assert "\\/" not in posts[0]["url"] and "&amp;" not in posts[0]["url"]


# -- whole rounds over real HTTP -------------------------------------------------------------------


def states() -> list[dict[str, Any]]:
    return yaml.safe_load(STATES.read_text(encoding="utf-8"))["accounts"]


def targets_document(base: str) -> dict[str, list[dict[str, str]]]:
    return {"新媒体": [wechat_row(state, f"{base}/wechat") for state in states()]}


class RecordingRoute:
    """The replica route, remembering each request's path and headers."""

    def __init__(self) -> None:
        self.inner = wechat_replica.route(STATES)
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def __call__(self, path: str, query: dict[str, list[str]], headers: Any) -> Any:
        with self.lock:
            self.seen.append((path, {k: v for k, v in headers.items()}))
        return self.inner(path, query, headers)


def crawl(env: dict[str, str], server: ReplicaServer, round_id: str, extra_env: dict[str, str],
          targets: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "govcheck.cli", "run", "--round", round_id, "--as-of", AS_OF, "--spider", "wechat",
               "--set", f"WECHAT_SOGOU_BASE_URL={server.url}/wechat/sogou",
               "--set", f"WECHAT_MP_BASE_URL={server.url}/wechat/mp"]
    for setting in FAST:
        command += ["--set", setting]
    if targets:
        command += ["--targets", targets]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GOVCHECK_WECHAT", "GOVCHECK_SECRETS"))}
    environment.update({**env, **extra_env, "GOVCHECK_LOG_LEVEL": "DEBUG"})
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=environment, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    return run


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("wechat")
    recorder = RecordingRoute()
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes={"/wechat/": recorder}) as server:
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(server.url), allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        import_targets(store, targets_file, datetime.now(SHANGHAI))
        secrets_file = folder / "secrets.yaml"
        secrets_file.write_text(yaml.safe_dump({"wechat_client_key": CLIENT_KEY, "wechat_client_uin": CLIENT_UIN}))
        started = time.monotonic()
        full = crawl(env, server, "2024-1", {"GOVCHECK_WECHAT_MP_COOKIE": MP_COOKIE,
                                             "GOVCHECK_WECHAT_MP_TOKEN": MP_TOKEN,
                                             "GOVCHECK_SECRETS_FILE": str(secrets_file)})
        sogou_only = crawl(env, server, "2024-2", {},
                           targets="渭南市教育局,渭南市卫生健康委员会,渭南发布,渭南市城市管理执法局")
        yield {"store": store, "runs": [full, sogou_only], "elapsed": time.monotonic() - started,
               "folder": folder, "base": server.url, "requests": recorder.seen}


def observation(crawled: dict[str, Any], name: str, round_id: str = "2024-1") -> dict[str, Any]:
    return account_observation(crawled["store"], "微信", name, round_id)


def verdict(crawled: dict[str, Any], name: str, round_id: str = "2024-1") -> tuple[str, str]:
    found = account_verdict(crawled["store"], "微信", name, round_id)
    return found["verdict"], found["labels"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("渭南发布", ("合格", "")),
        ("渭南市卫生健康委员会", ("不合格", "14天未更新")),
        ("华阴市退役军人事务局", ("不合格", "3个月无原创")),
        ("渭南市路灯管理站", ("不合格", "长期无更新,互动交流链接有误")),
        ("渭南地方志", ("不合格", "长期无更新,未提供有效互动功能")),
        ("渭南水务", ("不合格", "未提供有效互动功能")),
        ("渭南二黄", ("不合格", "互动交流链接有误")),
        ("渭南市公安局高新分局", ("不合格", "已改名(高新警讯)系统中未改名")),
        ("渭南市城市管理执法局", ("不合格", "搜索不到")),
        ("渭南市交通运输局", ("合格", "")),
        ("渭南市统计局", ("合格", "")),
        ("渭南市人力资源和社会保障局", ("待人工复核", "互动入口未记录")),
        ("渭南市政务服务中心", ("合格", "")),
    ],
)
@pytest.mark.slow
def test_each_account_gets_the_notice_label_its_state_calls_for(crawled, name, expected):
    assert verdict(crawled, name) == expected


@pytest.mark.slow
def test_every_account_is_observed_once_in_bounded_time(crawled):
    for state in states():
        assert observation(crawled, state["registered_name"])["source"].startswith("wechat")
    assert len(crawled["store"].find("observations", {"round": "2024-1"})) == len(states())
    assert crawled["elapsed"] < 60, crawled["elapsed"]


@pytest.mark.slow
def test_three_months_without_original_comes_from_the_mp_article_list(crawled):
    seen = observation(crawled, "华阴市退役军人事务局")
    assert (seen["source"], seen["found"], seen["error"], seen["originals_known"]) == ("wechat-mp", True, "", True)
    assert seen["latest_post_at"] == at("2024-02-20 16:00") and seen["latest_original_at"] is None
    # read back past 90 days (5 articles a page) and none declared original
    assert seen["oldest_post_read"] == at("2023-11-17 16:00") and seen["posts_read"] == 20
    assert not any(p["original"] for p in seen["posts"]) and seen["posts"][0]["title"] == "转载：陕西退役军人（1）"
    assert [s["outcome"] for s in seen["sources"]] == ["partly answered", "answered", "not tried"]
    assert sum("cgi-bin/appmsg" in u for u in seen["fetched_urls"]) == 4


@pytest.mark.slow
def test_a_stale_account_is_measured_from_its_latest_article(crawled):
    seen = observation(crawled, "渭南市卫生健康委员会")
    assert seen["latest_post_at"] == at("2024-02-03 10:00") and seen["latest_original_at"] == at("2024-02-03 10:00")
    lamps = observation(crawled, "渭南市路灯管理站")
    assert lamps["latest_post_at"] == at("2023-09-26 11:00")
    assert lamps["interaction"]["state"] == "broken"
    assert lamps["interaction"]["detail"] == "the page says 链接已过期, on each of 3 tries"
    assert observation(crawled, "渭南二黄")["interaction"]["detail"] == "HTTP 404, on each of 3 tries"
    assert observation(crawled, "渭南地方志")["interaction"] == {"state": "missing", "url": "", "entry": "无"}


@pytest.mark.slow
def test_the_register_tells_none_from_not_recorded_and_keeps_an_entry_inside_the_app(crawled):
    # 无: the office looked and found none; empty: nobody looked; 菜单：我要留言: it opens inside WeChat
    assert observation(crawled, "渭南水务")["interaction"] == {"state": "missing", "url": "", "entry": "无"}
    assert observation(crawled, "渭南市人力资源和社会保障局")["interaction"] == {"state": "unrecorded", "url": ""}
    finding = next(f for f in crawled["store"].find("findings", {"round": "2024-1"})
                   if f["target_key"] == "account:微信:渭南市人力资源和社会保障局")
    assert (finding["code"], finding["severity"], finding["reason"]) == ("media.interaction.review", "review", "互动入口未记录")
    in_app = observation(crawled, "渭南市政务服务中心")["interaction"]
    assert in_app == {"state": "ok", "url": "", "entry": "菜单：我要留言", "in_app": True}
    assert not [path for path, _ in crawled["requests"] if path.startswith("menu/wnszwfw") or path.startswith("menu/wnsrsj")]


@pytest.mark.slow
def test_a_renamed_account_is_recognised_by_its_wechat_id(crawled):
    seen = observation(crawled, "渭南市公安局高新分局")
    assert (seen["found"], seen["current_name"], seen["wechat_id"]) == (True, "高新警讯", "wngxfj")
    assert "高新警讯 (wngxfj)" in seen["names_seen"]
    assert "query=wngxfj" in seen["fetched_urls"][0]


@pytest.mark.slow
def test_an_account_without_id_is_searched_by_its_name(crawled):
    seen = observation(crawled, "渭南水务")
    assert "query=%E6%B8%AD%E5%8D%97%E6%B0%B4%E5%8A%A1" in seen["fetched_urls"][0]
    assert (seen["found"], seen["wechat_id"]) == (True, "wnsw_gov")


@pytest.mark.slow
def test_an_account_neither_sogou_nor_the_mp_search_finds_is_not_found(crawled):
    seen = observation(crawled, "渭南市城市管理执法局")
    assert (seen["source"], seen["found"], seen["error"], seen["posts"]) == ("wechat-mp", False, "", [])
    assert [s["outcome"] for s in seen["sources"]] == ["not found", "not found", "not tried"]


@pytest.mark.slow
def test_when_sogou_refuses_the_next_sources_read_the_account(crawled):
    statistics = observation(crawled, "渭南市统计局")
    assert statistics["source"] == "wechat-mp" and statistics["sources"][0] == {
        "source": "sogou", "outcome": "failed", "detail": "HTTP 503"}
    transport = observation(crawled, "渭南市交通运输局")
    assert (transport["source"], transport["found"], transport["error"]) == ("wechat-client", True, "")
    assert transport["current_name"] == "渭南市交通运输局"  # from the MP search; getmsg carries no name
    assert [s["detail"] for s in transport["sources"]] == [
        "captcha page", "article list: frequency control (base_resp.ret 200013)", ""]
    assert any("/wechat/sogou/antispider/" in u for u in transport["fetched_urls"])
    assert transport["latest_original_at"] == at("2024-02-21 10:00")


@pytest.mark.slow
def test_when_every_source_refuses_the_account_is_left_for_review(crawled):
    seen = observation(crawled, "渭南市教育局")
    assert (seen["source"], seen["found"], seen["posts"], seen["latest_post_at"]) == ("wechat", None, [], None)
    assert seen["error"] == "sogou: captcha page; mp: session expired (base_resp.ret 200003); client: no session (ret -3)"
    assert verdict(crawled, "渭南市教育局")[0] == "待人工复核"


@pytest.mark.slow
def test_our_timeout_is_a_failed_source_never_an_answer(crawled):
    seen = observation(crawled, "渭南市文化和旅游局")
    assert (seen["found"], seen["posts"]) == (None, [])
    assert seen["error"] == ("sogou: captcha page; mp: timeout; "
                             "client: no __biz known (the 账号ID is not one and no other source found the account)")
    assert verdict(crawled, "渭南市文化和旅游局")[0] == "待人工复核"


@pytest.mark.slow
def test_a_card_without_its_latest_article_is_found_but_not_judged_stale(crawled):
    seen = observation(crawled, "渭南市气象局")
    assert (seen["source"], seen["found"], seen["current_name"], seen["posts"]) == ("wechat-sogou", True, "渭南市气象局", [])
    assert seen["error"].startswith("sogou: the account card shows no latest article; mp: session expired")
    judged, labels = verdict(crawled, "渭南市气象局")
    assert judged == "待人工复核" and "长期无更新" not in labels and "the account card shows no latest article" in labels


@pytest.mark.slow
def test_with_no_credentials_a_captcha_leaves_the_account_for_review(crawled):
    seen = observation(crawled, "渭南市教育局", "2024-2")
    assert seen["found"] is None
    assert seen["error"] == "sogou: captcha page; mp: not configured; client: not configured"
    judged, labels = verdict(crawled, "渭南市教育局", "2024-2")
    assert judged == "待人工复核" and "sogou: captcha page; mp: not configured; client: not configured" in labels
    assert "WeChat sources in order: sogou (ready), mp (not configured), client (not configured)" in crawled["runs"][1].stderr


@pytest.mark.slow
def test_with_sogou_alone_staleness_is_judged_and_originals_are_left_for_review(crawled):
    stale = observation(crawled, "渭南市卫生健康委员会", "2024-2")
    assert (stale["source"], stale["originals_known"], stale["error"]) == ("wechat-sogou", False, "")
    assert [p["time"] for p in stale["posts"]] == [at("2024-02-03 10:00")]
    assert verdict(crawled, "渭南市卫生健康委员会", "2024-2") == ("不合格", "14天未更新")
    judged, labels = verdict(crawled, "渭南发布", "2024-2")
    assert judged == "待人工复核" and "wechat-sogou" in labels  # the fresh account: its originals are unknown
    assert len(crawled["store"].find("verdicts", {"round": "2024-2"})) == 4


@pytest.mark.slow
def test_with_sogou_alone_an_account_missing_from_its_index_is_left_for_review(crawled):
    # WeChat's own search (MP) says it is gone in round 2024-1; Sogou alone cannot say so
    seen = observation(crawled, "渭南市城市管理执法局", "2024-2")
    assert (seen["found"], seen["posts"]) == (None, [])
    assert seen["error"].startswith("Sogou lists no matching account (no account found for 'wncgzf' / '渭南市城市管理执法局')")
    judged, labels = verdict(crawled, "渭南市城市管理执法局", "2024-2")
    assert judged == "待人工复核" and "WeChat's own search was not available" in labels


@pytest.mark.slow
def test_credentials_reach_only_the_mp_host_and_are_never_logged_or_stored(crawled):
    for run in crawled["runs"]:
        for value in SECRETS:
            assert value not in run.stdout and value not in run.stderr
    for collection in ("observations", "findings", "verdicts", "rounds", "targets"):
        dumped = repr(crawled["store"].find(collection))
        assert not any(value in dumped for value in SECRETS), collection
    stored = [p for p in (crawled["folder"] / "var").rglob("*") if p.is_file()]
    assert stored and not any(value.encode() in p.read_bytes() for p in stored for value in SECRETS)
    requests = crawled["requests"]
    mp_calls = [h for path, h in requests if path.startswith("mp/cgi-bin/")]
    assert mp_calls and all(h.get("Cookie") == MP_COOKIE for h in mp_calls)
    elsewhere = [h for path, h in requests if not path.startswith("mp/")]
    assert elsewhere and any(p.startswith("menu/") for p, _ in requests)
    for headers in elsewhere:  # Sogou and the interaction entries: no cookie, no Referer with a token
        assert not any(value in " ".join(headers.values()) for value in SECRETS), headers

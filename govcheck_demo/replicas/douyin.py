"""Replica of www.douyin.com's profile page and the two JSON endpoints its script loads.

Served under a prefix (``ReplicaServer(root, routes={"/douyin/": douyin.route(file)})``;
the spider's ``DOUYIN_BASE_URL`` is then ``http://127.0.0.1:PORT/douyin``):

- ``user/<sec_uid>``: the profile page (``replica/platforms/douyin/user.html``), the same
  for every account. Its inline script fetches the two endpoints below with the query
  parameters of the real page (dummy ``msToken`` and ``a_bogus`` included) and renders
  the works into the DOM.
- ``aweme/v1/web/user/profile/other/?sec_user_id=…`` →
  ``{extra, log_pb, status_code, status_msg, user{nickname, sec_uid, unique_id, uid,
  aweme_count, …}}``
- ``aweme/v1/web/aweme/post/?sec_user_id=…&count=18&max_cursor=…`` →
  ``{status_code, min_cursor, max_cursor, has_more, aweme_list[{aweme_id, desc,
  create_time, author{nickname, sec_uid}, is_top, aweme_type, status{private_status,
  is_delete}, is_prohibited, …}], extra, log_pb}`` (pinned works on the first page only).

Like the real endpoints, a request without ``msToken`` and ``a_bogus`` gets an empty body:
only a page that runs its own script reads anything.

The answers are built from the account states of a YAML file (schema at the top of
``replica/platforms/douyin/accounts.yaml``); the file is read again when it changes, so a
demo may rewrite it between rounds. Douyin publishes no not-found answer: the replica's
(``status_code`` 2065, ``status_msg`` 用户不存在) is a stand-in that the spider reads by its
text, never by its code.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from govcheck_demo.replica import Reply, Route
from govcheck_demo.replicas import StatesFile, series_posts, state_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROFILE = "aweme/v1/web/user/profile/other/"
POSTS = "aweme/v1/web/aweme/post/"
NOT_FOUND_CODE, NOT_FOUND_MESSAGE = 2065, "用户不存在"
RISK_CONTROL_CODE = 2053
BEHAVIOURS = (
    "ok", "not_found", "risk_control", "verify", "blocked", "empty_body", "hidden_posts",
    "login_required", "hang", "hang_posts", "malformed",
)
LOGIN_COOKIE = "sessionid"
HTML = "text/html; charset=utf-8"


def route(states_file: Path) -> Route:
    """The replica's route over the account states of ``states_file``."""
    states = StatesFile(Path(states_file), load_states)
    page = (Path(states_file).parent / "user.html").read_text(encoding="utf-8")
    verify = (Path(states_file).parent / "verify.html").read_text(encoding="utf-8")

    def answer(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Reply | None:
        path = path.lstrip("/")
        if path.startswith("user/"):
            sec_uid = path[len("user/"):].strip("/")
            return _page(states.read().get(sec_uid), page, verify)
        if path in (PROFILE, POSTS):
            parameters = {k: v[0] for k, v in query.items() if v}
            if not parameters.get("msToken") or not parameters.get("a_bogus"):
                return Reply(200, b"", "application/json; charset=utf-8")  # unsigned: nothing
            account = states.read().get(parameters.get("sec_user_id", ""))
            logged_in = _has_cookie(headers, LOGIN_COOKIE)
            if path == PROFILE:
                return _profile(account, verify)
            return _posts(account, parameters, logged_in, verify)
        return None

    return answer


# -- account states ----------------------------------------------------------------------


def load_states(path: Path) -> dict[str, dict[str, Any]]:
    """Accounts by sec_uid, each with its works expanded (``posts`` + ``series``)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    accounts = {}
    for number, raw in enumerate(document.get("accounts") or [], start=1):
        sec_uid = str(raw.get("sec_uid") or "")
        if not sec_uid:
            raise ValueError(f"{path}: account {number} has no sec_uid")
        behaviour = str(raw.get("behaviour") or "ok")
        if behaviour not in BEHAVIOURS and not behaviour.startswith(("http_", "page_http_")):
            raise ValueError(f"{path}: account {sec_uid}: unknown behaviour {behaviour!r}")
        works = [_work(sec_uid, index, post) for index, post in enumerate(raw.get("posts") or [])]
        works += [
            _work(sec_uid, len(works) + n, {"time": post["time"].isoformat(), "desc": post["desc"]})
            for n, post in enumerate(series_posts(raw.get("series"), "desc"))
        ]
        accounts[sec_uid] = {**raw, "behaviour": behaviour, "works": works}
    return accounts



def _work(sec_uid: str, index: int, post: Mapping[str, Any]) -> dict[str, Any]:
    created = int(state_time(post["time"]).timestamp())
    return {
        "aweme_id": str(post.get("id") or f"7{created}{index:08d}"),
        "desc": str(post.get("desc") or ""),
        "create_time": created,
        "is_top": 1 if post.get("pinned") else 0,
        "aweme_type": 68 if post.get("type") == "note" else 0,
        "private_status": 1 if post.get("private") else 0,
    }


# -- answers -----------------------------------------------------------------------------


def _has_cookie(headers: Mapping[str, str], name: str) -> bool:
    cookies = headers.get("Cookie") or ""
    return any(part.strip().split("=", 1)[0] == name for part in cookies.split(";"))


def _envelope(**fields: Any) -> dict[str, Any]:
    now = int(time.time() * 1000)
    log_id = time.strftime("%Y%m%d%H%M%S") + "0102450220261546B838"
    return {**fields, "extra": {"fatal_item_ids": [], "logid": log_id, "now": now}, "log_pb": {"impr_id": log_id}}


def _json(document: Mapping[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(document, ensure_ascii=False), "application/json; charset=utf-8")


def _page(account: dict[str, Any] | None, page: str, verify: str) -> Reply:
    behaviour = account["behaviour"] if account else "not_found"
    if behaviour == "hang":
        return Reply(hang=True)
    if behaviour == "verify":
        return Reply(200, verify, HTML)
    if behaviour.startswith("page_http_"):
        return Reply(int(behaviour[len("page_http_"):]), "<html><body>error</body></html>", HTML)
    return Reply(200, page, HTML, headers={"Set-Cookie": "ttwid=1%7Creplica; Path=/; SameSite=Lax"})


def _failure(behaviour: str, verify: str) -> Reply | None:
    """The misbehaviours both JSON endpoints share."""
    if behaviour == "verify":
        return Reply(200, verify, HTML)
    if behaviour == "blocked":
        return Reply(200, "blocked", "text/plain; charset=utf-8")
    if behaviour == "empty_body":
        return Reply(200, b"", "application/json; charset=utf-8")
    if behaviour.startswith("http_"):
        return Reply(int(behaviour[len("http_"):]), "", "application/json; charset=utf-8")
    return None


def _profile(account: dict[str, Any] | None, verify: str) -> Reply:
    if account is None or account["behaviour"] == "not_found":
        return _json(_envelope(status_code=NOT_FOUND_CODE, status_msg=NOT_FOUND_MESSAGE, user=None))
    failure = _failure(account["behaviour"], verify)
    if failure:
        return failure
    visible = [w for w in account["works"] if not w["private_status"]]
    user = {
        "uid": str(zlib.crc32(account["sec_uid"].encode()) * 97 % 10**11),
        "sec_uid": account["sec_uid"],
        "unique_id": str(account.get("unique_id") or ""),
        "nickname": str(account.get("nickname") or ""),
        "signature": str(account.get("signature") or ""),
        "aweme_count": int(account.get("aweme_count", len(visible))),
        "follower_count": int(account.get("follower_count", 1000)),
        "enterprise_verify_reason": str(account.get("verify_reason") or ""),
        "is_ban": False,
        "is_block": False,
    }
    return _json(_envelope(status_code=0, status_msg=None, user=user))


def _item(account: dict[str, Any], work: dict[str, Any]) -> dict[str, Any]:
    return {
        "aweme_id": work["aweme_id"],
        "desc": work["desc"],
        "create_time": work["create_time"],
        "author": {"nickname": str(account.get("nickname") or ""), "sec_uid": account["sec_uid"]},
        "is_top": work["is_top"],
        "aweme_type": work["aweme_type"],
        "status": {"private_status": work["private_status"], "is_delete": False},
        "is_prohibited": False,
        "statistics": {"digg_count": 10, "comment_count": 2, "share_count": 1},
        "share_url": f"https://www.iesdouyin.com/share/video/{work['aweme_id']}/",
    }


def _posts(account: dict[str, Any] | None, parameters: dict[str, str], logged_in: bool, verify: str) -> Reply:
    empty = {"status_code": 0, "min_cursor": 0, "max_cursor": 0, "has_more": 0, "aweme_list": []}
    if account is None or account["behaviour"] == "not_found":
        return _json(_envelope(**empty))
    behaviour = account["behaviour"]
    failure = _failure(behaviour, verify)
    if failure:
        return failure
    if behaviour == "hang_posts":
        return Reply(hang=True)
    if behaviour == "risk_control":
        return _json(_envelope(**{**empty, "status_code": RISK_CONTROL_CODE, "status_msg": ""}))
    if behaviour == "hidden_posts" or (behaviour == "login_required" and not logged_in):
        return _json(_envelope(**empty))
    count = int(parameters.get("count") or 18)
    cursor = int(parameters.get("max_cursor") or 0)
    works = [w for w in account["works"] if not w["private_status"] or logged_in]
    pinned = [w for w in works if w["is_top"]] if cursor == 0 else []
    rest = sorted((w for w in works if not w["is_top"]), key=lambda w: -w["create_time"])
    if cursor:
        rest = [w for w in rest if w["create_time"] * 1000 < cursor]
    page = (pinned + rest)[:count]
    shown_rest = [w for w in page if not w["is_top"]]
    document = _envelope(
        status_code=0,
        min_cursor=shown_rest[0]["create_time"] * 1000 if shown_rest else 0,
        max_cursor=shown_rest[-1]["create_time"] * 1000 if shown_rest else 0,
        has_more=1 if len(rest) > len(shown_rest) else 0,
        aweme_list=[_item(account, w) for w in page],
    )
    if behaviour == "malformed":
        text = json.dumps(document, ensure_ascii=False)
        return Reply(200, text[: len(text) // 2], "application/json; charset=utf-8")
    return _json(document)

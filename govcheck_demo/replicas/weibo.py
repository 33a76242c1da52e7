"""Replica of Weibo's mobile container API (``m.weibo.cn/api/container/getIndex``).

Served under a prefix (``ReplicaServer(root, routes={"/weibo/": weibo.route(file)})``; the
spider's ``WEIBO_API_BASE_URL`` is then ``http://127.0.0.1:PORT/weibo``). Paths below it:

- ``api/container/getIndex?type=uid&value=UID&containerid=100505UID`` → the profile,
  ``{ok: 1, data{avatar_guide, userInfo{id, screen_name, statuses_count, verified,
  verified_type, verified_reason, description, followers_count, follow_count, …}, fans_scheme,
  follow_scheme, tabsInfo{selectedTab, tabs[…]}, scheme, showAppTips}}``, shaped like the saved
  real answer (2019);
- ``…&containerid=107603UID[&page=N]`` → the post list, ten posts a page, newest first, the
  pinned ones at the top of page 1: ``{ok: 1, data{cardlistInfo{containerid, v_p, show_style,
  total, page}, cards[{card_type: 9, itemid, scheme, mblog{created_at, id, idstr, mid, bid,
  text, source, user{id, screen_name, …}, reposts_count, comments_count, attitudes_count,
  mblogtype, retweeted_status?, isTop?, title?}}], scheme, showAppTips}}``; a post marked
  ``group`` is wrapped in a ``card_type`` 11 card's ``card_group``. Past the last page, and
  for both containers of an unknown or ``not_found`` uid: ``{ok: 0, msg: 这里还没有内容,
  data{cards: []}}``, as the real API answers.
- ``hd/UID.html``: an interaction entry named in the targets file (:func:`register_entry`:
  what the register files, this page's URL, ``无`` or a place in the app), as its state says: a 留言
  page (``ok``; ``ok_with_alerts``: its scripts hold the form's error messages, 参数错误 and
  系统繁忙，请稍后再试, shown only when a submission fails), a 302 to that page
  (``redirect``) or to itself for ever (``redirect_loop``), a busy page (``busy``: 系统繁忙，
  请稍后再试, HTTP 200), a page that says it does not exist (``gone``, HTTP 200), or HTTP NNN
  (``http_NNN``); with ``interaction_fails: {status, first}`` its first ``first`` requests
  answer HTTP ``status`` instead (a gateway's 502 before the page answers).

The replica answers at its clock: the ``clock`` of the states file (or the one given to
:func:`route`, else the real time). It sends it as the ``Date`` header, serves no post
dated after it, and writes the ``created_at`` of a ``relative`` account against it the way
older answers did: 刚刚, N分钟前, 今天 HH:MM, 昨天 HH:MM, MM-DD (this year), YYYY-MM-DD.

The answers are built from the account states of a YAML file (schema at the top of
``replica/platforms/weibo/accounts.yaml``); the file is read again when it changes.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from govcheck_demo.replica import Reply, Route
from govcheck_demo.replicas import StatesFile, series_posts, state_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTML = "text/html; charset=utf-8"
PAGE_SIZE = 10
BEHAVIOURS = ("ok", "not_found", "captcha")
PINNED_MARKERS = ("mblogtype", "isTop", "title")
# interaction entries (hd/UID.html); besides these, http_NNN answers HTTP NNN
INTERACTIONS = ("unrecorded", "none", "in_app", "ok", "ok_with_alerts", "redirect", "redirect_loop", "busy", "gone")
IN_APP_ENTRY = "私信"
NOTHING_HERE = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CAPTCHA_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>微博-安全验证</title></head>
<body><div class="verify-box"><h3>安全验证</h3><p>您的访问出现异常，请完成验证后继续访问。</p>
<div id="geetest-captcha"></div><script src="https://static.geetest.com/static/js/gt.0.4.9.js"></script>
</div></body></html>"""


def route(states_file: Path, clock: datetime | None = None) -> Route:
    """The replica's route over the account states of ``states_file``, answering at ``clock``."""
    states = StatesFile(Path(states_file), load_states)
    served: dict[str, int] = {}  # requests answered per uid, for the rate-limited states
    entry_served: dict[str, int] = {}  # requests of each uid's entry page, for the failing-first states
    lock = threading.Lock()

    def answer(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Reply | None:
        path = path.lstrip("/")
        parameters = {k: v[0] for k, v in query.items() if v}
        now = state_time(clock) if clock is not None else states.read()[0] or datetime.now(SHANGHAI)
        if path == "api/container/getIndex":
            container = parameters.get("containerid", "")
            uid = container[6:]
            account = states.read()[1].get(uid)
            with lock:
                served[uid] = served.get(uid, 0) + 1
                count = served[uid]
            reply = _get_index(account, container[:6], uid, parameters, now, count)
        elif path.startswith("hd/") and path.endswith(".html"):
            uid = path[len("hd/"):-len(".html")]
            with lock:
                entry_served[uid] = entry_served.get(uid, 0) + 1
                count = entry_served[uid]
            reply = _entry(states.read()[1].get(uid), parameters, count)
        else:
            return None
        reply.headers["Date"] = format_datetime(now.astimezone(timezone.utc), usegmt=True)
        return reply

    return answer


# -- account states ----------------------------------------------------------------------


def load_states(path: Path) -> tuple[datetime | None, dict[str, dict[str, Any]]]:
    """The file's clock and its accounts by uid, each with its posts expanded (``posts`` + ``series``)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    clock = state_time(document["clock"]) if document.get("clock") else None
    accounts = {}
    for number, raw in enumerate(document.get("accounts") or [], start=1):
        uid = str(raw.get("uid") or "")
        if not uid.isdigit():
            raise ValueError(f"{path}: account {number} has no numeric uid")
        account = {**raw, "uid": uid, "behaviour": str(raw.get("behaviour") or "ok"),
                   "interaction": str(raw.get("interaction") or "unrecorded")}
        if account["behaviour"] not in BEHAVIOURS and not account["behaviour"].startswith("http_"):
            raise ValueError(f"{path}: account {uid}: unknown behaviour {account['behaviour']!r}")
        if account["interaction"] not in INTERACTIONS and not _is_http(account["interaction"]):
            raise ValueError(f"{path}: account {uid}: unknown interaction {account['interaction']!r}")
        failing = raw.get("interaction_fails")
        if failing is not None and (not isinstance(failing, dict) or not 400 <= int(failing.get("status", 0)) < 600
                                    or int(failing.get("first", 0)) < 1):
            raise ValueError(f"{path}: account {uid}: interaction_fails needs a status 400–599 and first ≥ 1")
        limited = raw.get("rate_limited")
        if limited is not None and (not isinstance(limited, dict)
                                    or int(limited.get("status", 0)) not in (418, 429, 432)):
            raise ValueError(f"{path}: account {uid}: rate_limited needs a status of 418, 429 or 432")
        series = [{"time": p["time"], "text": p["text"], "repost": not p["original"]} for p in series_posts(raw.get("series"), "text")]
        posts = [dict(p) for p in raw.get("posts") or []] + series
        for post in posts:
            if post.get("pinned") not in (None, False, *PINNED_MARKERS):
                raise ValueError(f"{path}: account {uid}: pinned must be one of {', '.join(PINNED_MARKERS)}")
        account["posts"] = [_post(uid, index, post) for index, post in enumerate(posts)]
        accounts[uid] = account
    return clock, accounts



def _post(uid: str, index: int, post: Mapping[str, Any]) -> dict[str, Any]:
    when = state_time(post["time"])
    mid = str(4990000000000000 + zlib.crc32(f"{uid}/{when.isoformat()}/{index}".encode()) % 10**12)
    return {
        "mid": mid,
        "bid": _bid(int(mid)),
        "time": when,
        "text": str(post.get("text") or "工作动态"),
        "repost": bool(post.get("repost")),
        "repost_of": str(post.get("repost_of") or "陕西发布"),
        "pinned": post.get("pinned") or None,
        "group": bool(post.get("group")),
    }


def _bid(number: int) -> str:
    """A base-62 short id like the ones in real status URLs (``HyTZc60ew``)."""
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = alphabet[rest] + digits
    return digits or "0"


# -- answers -----------------------------------------------------------------------------


def _json(document: Mapping[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(document, ensure_ascii=False), "application/json; charset=utf-8")


def _get_index(account: dict[str, Any] | None, container: str, uid: str, parameters: dict[str, str],
               now: datetime, count: int) -> Reply:
    if account is None or account["behaviour"] == "not_found" or container not in ("100505", "107603"):
        return _json(NOTHING_HERE)
    limited = account.get("rate_limited")
    if limited and (limited.get("first") is None or count <= int(limited["first"])):
        return Reply(int(limited["status"]), "", HTML)  # no JSON, as the real 418/432
    behaviour = account["behaviour"]
    if behaviour == "captcha":
        return Reply(200, CAPTCHA_PAGE, HTML)
    if behaviour.startswith("http_"):
        return Reply(int(behaviour[len("http_"):]), "<html><body>error</body></html>", HTML)
    visible = [p for p in account["posts"] if p["time"] <= now]
    if container == "100505":
        return _json(_profile(account, len(visible)))
    page_text = parameters.get("page") or "1"
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    pinned = [p for p in visible if p["pinned"]]
    listed = sorted((p for p in visible if not p["pinned"]), key=lambda p: p["time"], reverse=True)
    shown = listed[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    if page == 1:
        shown = pinned + shown
    if not shown:
        return _json(NOTHING_HERE)
    more = len(listed) > page * PAGE_SIZE
    cards = [_card(account, post, now) for post in shown]
    return _json({"ok": 1, "data": {
        "cardlistInfo": {"containerid": f"107603{uid}", "v_p": 42, "show_style": 1, "total": len(visible),
                         **({"page": page + 1} if more else {})},
        "cards": cards,
        "scheme": f"sinaweibo://cardlist?containerid=107603{uid}&type=uid&value={uid}&v_p=42",
        "showAppTips": 0,
    }})


def _user(account: Mapping[str, Any]) -> dict[str, Any]:
    uid = account["uid"]
    return {
        "id": int(uid),
        "screen_name": str(account.get("screen_name") or account.get("registered_name") or ""),
        "profile_image_url": f"https://tvax1.sinaimg.cn/crop.0.0.180.180.180/{uid[:8]}ly8g.jpg",
        "profile_url": f"https://m.weibo.cn/u/{uid}?uid={uid}&luicode=10000011&lfid=107603{uid}",
        "verified": True,
        "verified_type": 1,
        "verified_reason": str(account.get("verified_reason") or account.get("registered_name") or ""),
        "close_blue_v": False,
        "description": str(account.get("description") or ""),
        "gender": "m",
        "mbtype": 0,
        "urank": 4,
        "mbrank": 0,
        "follow_me": False,
        "following": False,
        "followers_count": int(account.get("followers_count", 3600)),
        "follow_count": 120,
    }


def _profile(account: Mapping[str, Any], visible: int) -> dict[str, Any]:
    uid = account["uid"]
    back = f"&luicode=10000011&lfid=100505{uid}"
    user = {**_user(account), "statuses_count": int(account.get("statuses_count", visible)),
            "cover_image_phone": "https://tva2.sinaimg.cn/crop.0.0.640.640.640/a1d3feabjw1ecasunmkncj20hs0hsq4j.jpg",
            "like": False, "like_me": False,
            "toolbar_menus": [{"type": "profile_follow", "name": "关注", "pic": "", "params": {"uid": int(uid)}}]}
    tabs = [
        {"id": 1, "tabKey": "profile", "must_show": 1, "hidden": 0, "title": "主页", "tab_type": "profile",
         "containerid": f"230283{uid}"},
        {"id": 2, "tabKey": "weibo", "must_show": 1, "hidden": 0, "title": "微博", "tab_type": "weibo",
         "containerid": f"107603{uid}", "apipath": "/profile/statuses", "url": "/index/my"},
        {"id": 10, "tabKey": "album", "must_show": 0, "hidden": 0, "title": "相册", "tab_type": "album",
         "containerid": f"107803{uid}"},
    ]
    return {"ok": 1, "data": {
        "avatar_guide": [],
        "isStarStyle": 0,
        "userInfo": user,
        "fans_scheme": f"https://m.weibo.cn/p/index?containerid=231051_-_fans_intimacy_-_{uid}{back}",
        "follow_scheme": f"https://m.weibo.cn/p/index?containerid=231051_-_followersrecomm_-_{uid}{back}",
        "tabsInfo": {"selectedTab": 1, "tabs": tabs},
        "scheme": f"sinaweibo://userinfo?uid={uid}&type=uid&value={uid}&luicode=10000011&lfid=100505{uid}&v_p=42",
        "showAppTips": 0,
    }}


def created_at(when: datetime, now: datetime, relative: bool) -> str:
    """``Tue Feb 20 10:00:00 +0800 2024``, or the relative form an older answer showed at ``now``."""
    when, now = when.astimezone(SHANGHAI), now.astimezone(SHANGHAI)
    if not relative:
        return (f"{WEEKDAYS[when.weekday()]} {MONTHS[when.month - 1]} {when.day:02d} "
                f"{when:%H:%M:%S} +0800 {when.year}")
    ago = now - when
    if ago < timedelta(minutes=1):
        return "刚刚"
    if ago < timedelta(hours=1):
        return f"{int(ago.total_seconds() // 60)}分钟前"
    if when.date() == now.date():
        return f"今天 {when:%H:%M}"
    if when.date() == now.date() - timedelta(days=1):
        return f"昨天 {when:%H:%M}"
    if when.year == now.year:
        return f"{when:%m-%d}"
    return f"{when:%Y-%m-%d}"


def _repost_text(source: str) -> str:
    return f"转发微博 //<a href='/n/{source}'>@{source}</a>"


def _mblog(account: Mapping[str, Any], post: Mapping[str, Any], now: datetime, user: dict[str, Any]) -> dict[str, Any]:
    relative = account.get("dates") == "relative"
    mblog: dict[str, Any] = {
        "created_at": created_at(post["time"], now, relative),
        "id": post["mid"],
        "idstr": post["mid"],
        "mid": post["mid"],
        "bid": post["bid"],
        "can_edit": False,
        "show_additional_indication": 0,
        "text": _repost_text(post["repost_of"]) if post["repost"] else post["text"],
        "textLength": len(post["text"]) * 2,
        "source": "微博 weibo.com",
        "favorited": False,
        "pic_ids": [],
        "is_paid": False,
        "mblog_vip_type": 0,
        "user": user,
        "reposts_count": 3,
        "comments_count": 1,
        "attitudes_count": 12,
        "pending_approval_count": 0,
        "isLongText": False,
        "reward_exhibition_type": 0,
        "hide_flag": 0,
        "visible": {"type": 0, "list_id": 0},
        "mblogtype": 2 if post["pinned"] == "mblogtype" else 0,
        "more_info_type": 0,
        "content_auth": 0,
        "pic_num": 0,
    }
    if post["pinned"] == "isTop":
        mblog["isTop"] = 1
    if post["pinned"] == "title":
        mblog["title"] = {"text": "置顶", "base_color": 1}
    if post["repost"]:
        source_uid = 1000000000 + zlib.crc32(post["repost_of"].encode()) % 10**9
        mblog["retweeted_status"] = {
            "created_at": mblog["created_at"],
            "id": str(int(post["mid"]) - 7),
            "mid": str(int(post["mid"]) - 7),
            "text": post["text"],
            "user": {"id": source_uid, "screen_name": post["repost_of"], "verified": True, "verified_type": 1},
            "reposts_count": 120,
            "comments_count": 30,
            "attitudes_count": 400,
            "mblogtype": 0,
        }
    return mblog


def _card(account: Mapping[str, Any], post: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    uid = account["uid"]
    card = {
        "card_type": 9,
        "itemid": f"107603{uid}_-_{post['mid']}",
        "scheme": f"https://m.weibo.cn/status/{post['bid']}?mblogid={post['bid']}&luicode=10000011&lfid=107603{uid}",
        "mblog": _mblog(account, post, now, _user(account)),
    }
    if post["group"]:
        return {"card_type": 11, "itemid": "", "show_type": 1, "card_group": [card]}
    return card


def register_entry(state: Mapping[str, Any], base_url: str) -> str:
    """The 互动入口 the register files for an account state (``base_url``: where the route is
    served): nothing (``unrecorded``: the platform's own comments), ``无`` (``none``), the place
    in the app (``in_app``), else the address of its entry page."""
    interaction = str(state.get("interaction") or "unrecorded")
    if interaction == "unrecorded":
        return ""
    if interaction == "none":
        return "无"
    if interaction == "in_app":
        return str(state.get("in_app_entry") or IN_APP_ENTRY)
    return f"{base_url.rstrip('/')}/hd/{state['uid']}.html"


def _is_http(interaction: str) -> bool:
    code = interaction[len("http_"):]
    return interaction.startswith("http_") and code.isdigit() and 100 <= int(code) < 600


ENTRY_ALERTS = """<script>
function failed(code) { alert(code === 400 ? "参数错误" : "系统繁忙，请稍后再试"); }
</script>"""


def _entry(account: Mapping[str, Any] | None, parameters: Mapping[str, str], count: int = 1) -> Reply:
    """An interaction entry named in the targets file (a 留言 page of the office), at its
    ``count``-th request."""
    failing = (account or {}).get("interaction_fails")
    if failing and count <= int(failing["first"]):  # a server's bad moment before it answers as its state says
        status = int(failing["status"])
        return Reply(status, f"<html><body><h1>{status}</h1><p>nginx</p></body></html>", HTML)
    kind = "http_404" if account is None else account["interaction"]
    if kind == "http_404":
        return Reply(404, "<html><body>404 Not Found</body></html>", HTML)
    if _is_http(kind):
        return Reply(int(kind[len("http_"):]), f"<html><body>HTTP {kind[len('http_'):]}</body></html>", HTML)
    uid = account["uid"]
    if kind == "redirect" and "moved" not in parameters:
        return Reply(302, "", HTML, headers={"Location": f"{uid}.html?moved=1"})
    if kind == "redirect_loop":
        hop = int(parameters.get("hop", "0")) if parameters.get("hop", "0").isdigit() else 0
        return Reply(302, "", HTML, headers={"Location": f"{uid}.html?hop={hop + 1}"})
    if kind == "busy":
        return Reply(200, "<html><head><title>提示</title></head><body><p>系统繁忙，请稍后再试</p></body></html>", HTML)
    if kind == "gone":
        return Reply(200, "<html><head><title>提示</title></head><body><p>对不起，您访问的页面不存在</p></body></html>", HTML)
    name = str(account.get("screen_name") or account.get("registered_name") or "")
    alerts = ENTRY_ALERTS if kind == "ok_with_alerts" else ""
    return Reply(200, f"<html><head><title>{name} 留言</title>{alerts}</head><body><form>留言</form></body></html>", HTML)

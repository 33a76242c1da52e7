"""Replica of the WeChat sources: Sogou WeChat search, the MP backend, the client's getmsg.

Served under a prefix (``ReplicaServer(root, routes={"/wechat/": wechat.route(file)})``);
the spider's settings are then ``WECHAT_SOGOU_BASE_URL=http://127.0.0.1:PORT/wechat/sogou``
and ``WECHAT_MP_BASE_URL=http://127.0.0.1:PORT/wechat/mp``. Paths below the prefix:

- ``sogou/weixin?type=1&query=…&ie=utf8[&page=N]``: the account search page, shaped like
  the saved real one (``ul.news-list2 li`` cards: ``p.tit a`` with the query highlighted in
  ``<em><!--red_beg-->…<!--red_end--></em>``, ``label[name=em_weixinhao]``, 认证 and 最近文章
  ``dl`` blocks with ``timeConvert('EPOCH')``; ten per page, ``#sogou_next`` when there are
  more). An account matches a query equal to its WeChat id or contained in its name. No
  match: Sogou's no-result page (暂无与“…”相关的官方认证订阅号). A ``captcha`` account among
  the matches answers 302 to ``sogou/antispider/?from=…``, the anti-spider page.
- ``mp/cgi-bin/searchbiz?action=search_biz&query=…&token=…`` →
  ``{base_resp{ret, err_msg}, list[{fakeid, nickname, alias, round_head_img, service_type,
  signature}], total}``
- ``mp/cgi-bin/appmsg?action=list_ex&fakeid=…&begin=…&count=…&token=…`` →
  ``{app_msg_cnt, app_msg_list[{aid, appmsgid, itemidx, title, link, create_time,
  update_time, copyright_type, digest, cover, …}], base_resp}`` newest first.
  Without a Cookie header or ``token`` both answer ``base_resp.ret`` 200003.
- ``mp/mp/profile_ext?action=getmsg&__biz=…&offset=…&count=…&key=…&uin=…`` →
  ``{ret, errmsg, msg_count, can_msg_continue, next_offset, general_msg_list}`` with
  ``general_msg_list`` a JSON string ``{"list": [{comm_msg_info{id, type, datetime, fakeid,
  status, content}, app_msg_ext_info{title, content_url, copyright_stat,
  multi_app_msg_item_list[…], …}}]}`` (links written ``http:\\/\\/…&amp;…`` as the real one).
  Without ``key``/``uin``: ``{"ret": -3, "errmsg": "no session"}``.
- ``mp/s?__biz=…&mid=…&idx=…``: an article page, or the 链接已过期 page for an unknown one.
- ``menu/<wechat_id>.html``: the account's interaction entry (its menu's 互动 page), as
  its state says: ok, HTTP NNN, or the 链接已过期 page. :func:`register_entry` is what the
  register files as its 互动入口: this page's URL, ``无`` (``none``), the place in the app
  (``in_app``) or nothing (``unrecorded``).

The answers come from the account states of a YAML file (schema at the top of
``replica/platforms/wechat/accounts.yaml``), re-read when the file changes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import yaml

from govcheck_demo.replica import Reply, Route
from govcheck_demo.replicas import StatesFile, series_posts, state_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
SOGOU_PAGE_SIZE = 10
BEHAVIOURS = ("ok", "not_found")
SOGOU_BEHAVIOURS = ("ok", "hidden", "captcha", "no_latest", "hang")
MP_BEHAVIOURS = ("ok", "hidden", "session_expired", "frequency_control", "search_disabled", "hang", "malformed")
CLIENT_BEHAVIOURS = ("ok", "no_session", "refused", "hang", "malformed")
# the 互动入口 filed in the register, and what its page (if any) answers; besides these, http_NNN
INTERACTIONS = ("unrecorded", "none", "in_app", "ok", "expired")
IN_APP_ENTRY = "菜单：留言"
MP_ERRORS = {"session_expired": (200003, "invalid session"), "frequency_control": (200013, "freq control"),
             "search_disabled": (200002, "invalid args")}


def route(states_file: Path, prefix: str = "/wechat/") -> Route:
    """The replica's route over the account states of ``states_file``, served under ``prefix``."""
    states = StatesFile(Path(states_file), load_states)

    def answer(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Reply | None:
        path = path.lstrip("/")
        parameters = {k: v[0] for k, v in query.items() if v}
        site = f"http://{headers.get('Host') or '127.0.0.1'}{prefix}"
        accounts = states.read()
        if path == "sogou/weixin":
            return _sogou_search(accounts, parameters, site, prefix)
        if path.rstrip("/") == "sogou/antispider":
            return Reply(200, _antispider_page(parameters.get("from", "")), HTML)
        if path == "mp/cgi-bin/searchbiz":
            return _searchbiz(accounts, parameters, headers)
        if path == "mp/cgi-bin/appmsg":
            return _appmsg(accounts, parameters, headers, site)
        if path == "mp/mp/profile_ext":
            return _getmsg(accounts, parameters, site)
        if path == "mp/s":
            return _article(accounts, parameters)
        if path.startswith("menu/") and path.endswith(".html"):
            return _menu(accounts, path[len("menu/"):-len(".html")])
        return None

    return answer


# -- account states ----------------------------------------------------------------------


def biz_for(wechat_id: str) -> str:
    """A stable, real-shaped ``__biz`` (base64 of a ten-digit number) for an account."""
    number = 3000000000 + zlib.crc32(wechat_id.encode("utf-8")) % 1000000000
    return base64.b64encode(str(number).encode()).decode()


def load_states(path: Path) -> list[dict[str, Any]]:
    """Accounts with their posts expanded (``posts`` + ``series``) into messages, newest first."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    accounts = []
    for number, raw in enumerate(document.get("accounts") or [], start=1):
        wechat_id = str(raw.get("wechat_id") or "")
        if not wechat_id:
            raise ValueError(f"{path}: account {number} has no wechat_id")
        account = {
            **raw,
            "wechat_id": wechat_id,
            "name": str(raw.get("name") or raw.get("registered_name") or ""),
            "biz": str(raw.get("biz") or biz_for(wechat_id)),
            "behaviour": str(raw.get("behaviour") or "ok"),
            "sogou": str(raw.get("sogou") or "ok"),
            "mp": str(raw.get("mp") or "ok"),
            "client": str(raw.get("client") or "ok"),
            "interaction": str(raw.get("interaction") or "unrecorded"),
        }
        for key, allowed in (("behaviour", BEHAVIOURS), ("sogou", SOGOU_BEHAVIOURS), ("mp", MP_BEHAVIOURS),
                             ("client", CLIENT_BEHAVIOURS), ("interaction", INTERACTIONS)):
            if account[key] not in allowed and not account[key].startswith("http_"):
                raise ValueError(f"{path}: account {wechat_id}: unknown {key} {account[key]!r}")
        posts = [dict(p) for p in raw.get("posts") or []]
        posts += series_posts(raw.get("series"), "title")
        messages = [_message(account, index, post) for index, post in enumerate(posts)]
        account["messages"] = sorted(messages, key=lambda m: -m["datetime"])
        accounts.append(account)
    return accounts



def register_entry(state: Mapping[str, Any], base_url: str) -> str:
    """The 互动入口 the register files for an account state (``base_url``: where the route is
    served, e.g. ``http://127.0.0.1:PORT/wechat``)."""
    interaction = str(state.get("interaction") or "unrecorded")
    if interaction == "unrecorded":
        return ""
    if interaction == "none":
        return "无"
    if interaction == "in_app":
        return str(state.get("in_app_entry") or IN_APP_ENTRY)
    return f"{base_url.rstrip('/')}/menu/{state['wechat_id']}.html"


def _message(account: Mapping[str, Any], index: int, post: Mapping[str, Any]) -> dict[str, Any]:
    """One mass-sent message: a main article and the ``more`` articles sent with it."""
    when = int(state_time(post["time"]).timestamp())
    mid = 2650000000 + zlib.crc32(f"{account['wechat_id']}/{when}/{index}".encode()) % 10000000
    titles = [str(post.get("title") or "工作动态"), *[str(t) for t in post.get("more") or []]]
    articles = [
        {"idx": idx, "title": title, "original": bool(post.get("original")) if idx == 1 else bool(post.get("more_original")),
         "sn": hashlib.md5(f"{mid}/{idx}".encode()).hexdigest()}
        for idx, title in enumerate(titles, start=1)
    ]
    return {"id": 1000000000 + index, "mid": mid, "datetime": when, "articles": articles}


def _find(accounts: list[dict[str, Any]], **wanted: str) -> dict[str, Any] | None:
    for account in accounts:
        if account["behaviour"] == "not_found":
            continue
        if all(str(account.get(k, "")) == v for k, v in wanted.items()):
            return account
    return None


def _article_link(site: str, account: Mapping[str, Any], message: Mapping[str, Any], article: Mapping[str, Any]) -> str:
    chksm = hashlib.md5(article["sn"].encode()).hexdigest() * 2
    return (f"{site}mp/s?__biz={account['biz']}&mid={message['mid']}&idx={article['idx']}"
            f"&sn={article['sn']}&chksm={chksm[:72]}#rd")


def _status_reply(behaviour: str) -> Reply | None:
    if behaviour == "hang":
        return Reply(hang=True)
    if behaviour.startswith("http_"):
        return Reply(int(behaviour[len("http_"):]), "<html><body>error</body></html>", HTML)
    return None


# -- Sogou ---------------------------------------------------------------------------------


def _sogou_search(accounts: list[dict[str, Any]], parameters: dict[str, str], site: str, prefix: str) -> Reply:
    query = parameters.get("query", "").strip()
    page_text = parameters.get("page") or "1"
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    matches = [
        a for a in accounts
        if a["behaviour"] != "not_found" and a["sogou"] != "hidden" and query
        and (query.lower() == a["wechat_id"].lower() or query in a["name"])
    ]
    for account in matches:
        if account["sogou"] == "captcha":
            origin = f"/weixin?{urlencode({'type': parameters.get('type', '1'), 'query': query, 'ie': 'utf8'})}"
            return Reply(302, "", HTML, headers={"Location": f"{prefix}sogou/antispider/?from={quote(origin, safe='')}"})
        failure = _status_reply(account["sogou"])
        if failure:
            return failure
    if not matches:
        return Reply(200, _sogou_page(query, "", _NO_RESULT.format(query=html.escape(query))), HTML)
    shown = matches[(page - 1) * SOGOU_PAGE_SIZE: page * SOGOU_PAGE_SIZE]
    cards = "".join(_sogou_card(a, n, query, site) for n, a in enumerate(shown))
    more = len(matches) > page * SOGOU_PAGE_SIZE
    pager = _pager(query, page, more, len(matches))
    return Reply(200, _sogou_page(query, f'<ul class="news-list2">\n{cards}\n</ul>\n{pager}', ""), HTML)


def _highlight(name: str, query: str) -> str:
    escaped = html.escape(name)
    if query and query in name:
        mark = html.escape(query)
        return escaped.replace(mark, f"<em><!--red_beg-->{mark}<!--red_end--></em>", 1)
    return escaped


def _sogou_card(account: Mapping[str, Any], number: int, query: str, site: str) -> str:
    openid = "oIWsFt" + hashlib.md5(account["wechat_id"].encode()).hexdigest()[:22]
    profile = f"http://mp.weixin.qq.com/profile?src=3&amp;timestamp=1500827209&amp;ver=1&amp;signature={openid}"
    latest = ""
    messages = account["messages"]
    if messages and account["sogou"] != "no_latest":
        message = messages[0]
        article = message["articles"][0]
        link = html.escape(_article_link(site, account, message, article))
        latest = (
            "<dl>\n<dt>最近文章：</dt>\n<dd>\n"
            f'<a target="_blank" uigs="account_article_{number}" href="{link}">{_highlight(article["title"], query)}</a>'
            f"<span><script>document.write(timeConvert('{message['datetime']}'))</script></span>\n</dd>\n</dl>\n"
        )
    return f"""
		<!-- a -->
		<li id="sogou_vr_11002301_box_{number}" d="{openid}">
<div class="gzh-box2">
<div class="img-box">
<a target="_blank" uigs="account_image_{number}" href="{profile}"><span></span><img src="http://img01.sogoucdn.com/app/a/100520090/{openid}" onload="resizeImage(this,58,58)" onerror="errorHeadImage(this)"></a>
</div>
<div class="txt-box">
<p class="tit">
<a target="_blank" uigs="account_name_{number}" href="{profile}">{_highlight(account['name'], query)}</a><i></i>
</p>
<p class="info">微信号：<label name="em_weixinhao">{html.escape(account['wechat_id'])}</label>
</p>
</div>
</div>
<dl>
<dt>功能介绍：</dt>
<dd>{html.escape(str(account.get('signature') or account['name'] + '官方微信公众号'))}</dd>
</dl>
<dl>
<dt>
<script>document.write(authname('2'))</script>认证：</dt>
<dd>{html.escape(str(account.get('certified_by') or account.get('registered_name') or account['name']))}</dd>
</dl>
{latest}</li>

		<!-- z -->
"""


def _pager(query: str, page: int, more: bool, count: int) -> str:
    links = "".join(
        f'<a id="sogou_page_{n}" href="?query={quote(query)}&type=1&page={n}&ie=utf8" uigs="page_{n}">{n}</a>'
        if n != page else f"<span>{n}</span>"
        for n in range(1, page + (2 if more else 1))
    )
    following = (f'\n\t\t\t<a id="sogou_next" href="?query={quote(query)}&type=1&page={page + 1}&ie=utf8" '
                 f'class="np" uigs="page_next">下一页</a>') if more else ""
    return (f'<div class="p-fy" id="pagebar_container">\n\t{links}{following}\n\n'
            f'\t\t<div class="mun">找到约{count}条结果<!--resultbarnum:{count}--></div>\n</div>')


_NO_RESULT = """<div class="no-sosuo" id="noresult_part1_container">
<p class="p1">暂无与“<em>{query}</em>”相关的官方认证订阅号。</p>
<p class="p2">建议您：</p>
<ul><li>检查输入是否正确</li><li>简化输入词</li><li>尝试其他相关词，如同义、近义词等</li></ul>
</div>"""


def _sogou_page(query: str, results: str, no_result: str) -> str:
    q = html.escape(query)
    return f"""<!doctype html>
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
    <title>{q}的相关微信公众号 – 搜狗微信搜索</title>
    <script>
        var oldQuery = "{q}";
        var keywords_string = "{q}";
    </script>
</head>
<body>
<div class="wrapper" id="wrapper">
        <div class="main-left" id="main">
<div class="wx-topbox">
    <div class="all-time">
        <div class="all-time-y2 ">
            <div class="all-time-y all-time-y-v1" id="text">
                以下内容来自微信公众号
            </div>
        </div>
    </div>
</div>
<div class="news-box">
{results}{no_result}
</div>
        </div>
    <div class="bottom-form">
<form name="searchForm" action="/weixin">
    <div class="querybox">
        <input type="hidden" name="type" value="1"/>
        <input type="text" class="query" name="query" id="query" ov="{q}" value="{q}" autocomplete="off"/>
        <input type="hidden" name="ie" value="utf8"/>
        <input type="button" value="搜文章" class="swz" onclick="search(this,2)" uigs="search_article"/>
        <input type="button" value="搜公众号" class="swz2" onclick="search(this,1)" uigs="search_account"/>
    </div>
</form>
    </div>
</div>
</body>
</html>
<!--zly--><!--weixin-->
"""


def _antispider_page(origin: str) -> str:
    """Sogou's anti-spider page (the saved 2017 one, without its scripts)."""
    return f"""<!DOCTYPE HTML>
<html>
<head>
    <meta charset="utf-8">
    <title>搜狗搜索</title>
    <link rel="stylesheet" href="static/css/anti.min.css?v=1"/>
</head>
<body>
<div class="header">
    <div class="other"><span class="s1">您的访问出错了</span><span class="s2"><a href="/">返回首页&gt;&gt;</a></span></div>
</div>
<div class="content-box">
    <p class="ip-time-p">IP:127.0.0.1<br>访问时间：2024.02.23 22:36:19</p>
    <p class="p2">用户您好，您的访问过于频繁，为确认本次访问为正常用户行为，需要您协助验证。</p>
    <p class="p3"><label for="seccodeInput">验证码：</label></p>
    <form name="authform" method="POST" id="seccodeForm" action="/">
        <p class="p4">
            <input type=text name="c" value="" placeholder="请输入验证码" id="seccodeInput">
            <input type="hidden" name="r" id="from" value="{html.escape(quote(origin, safe=''))}" >
            <img id="seccodeImage" src="util/seccode.php?tc=1500993379" width="100" height="40" alt="请输入图中的验证码" title="请输入图中的验证码">
        </p>
    </form>
</div>
</body>
</html>
"""


# -- MP backend ----------------------------------------------------------------------------


def _mp_reply(document: Mapping[str, Any], malformed: bool = False) -> Reply:
    text = json.dumps(document, ensure_ascii=False)
    return Reply(200, text[: len(text) // 2] if malformed else text, JSON)


def _base_resp(ret: int = 0, message: str = "ok") -> dict[str, Any]:
    return {"base_resp": {"err_msg": message, "ret": ret}}


def _mp_session(parameters: Mapping[str, str], headers: Mapping[str, str]) -> bool:
    return bool(parameters.get("token")) and bool((headers.get("Cookie") or "").strip())


def _mp_refusal(behaviour: str, call: str) -> Reply | None:
    failure = _status_reply(behaviour)
    if failure:
        return failure
    if behaviour == "session_expired" or (behaviour == "search_disabled" and call == "searchbiz") or (
            behaviour == "frequency_control" and call == "appmsg"):
        ret, message = MP_ERRORS[behaviour]
        return _mp_reply(_base_resp(ret, message))
    return None


def _searchbiz(accounts: list[dict[str, Any]], parameters: dict[str, str], headers: Mapping[str, str]) -> Reply:
    if not _mp_session(parameters, headers):
        return _mp_reply(_base_resp(*MP_ERRORS["session_expired"]))
    query = parameters.get("query", "").strip()
    matches = [
        a for a in accounts
        if a["behaviour"] != "not_found" and a["mp"] != "hidden" and query
        and (query.lower() == a["wechat_id"].lower() or query in a["name"])
    ]
    for account in matches:
        refusal = _mp_refusal(account["mp"], "searchbiz")
        if refusal:
            return refusal
    count = int(parameters.get("count") or 5)
    listed = [
        {"alias": a["wechat_id"] if not a["wechat_id"].startswith("gh_") else "", "fakeid": a["biz"],
         "nickname": a["name"], "round_head_img": f"http://mmbiz.qpic.cn/mmbiz_png/{a['biz']}/0?wx_fmt=png",
         "service_type": 2 if a.get("account_type") == "微信服务号" else 1,
         "signature": str(a.get("signature") or "")}
        for a in matches[:count]
    ]
    return _mp_reply({**_base_resp(), "list": listed, "total": len(matches)},
                     malformed=any(a["mp"] == "malformed" for a in matches))


def _appmsg(accounts: list[dict[str, Any]], parameters: dict[str, str], headers: Mapping[str, str], site: str) -> Reply:
    if not _mp_session(parameters, headers):
        return _mp_reply(_base_resp(*MP_ERRORS["session_expired"]))
    account = _find(accounts, biz=parameters.get("fakeid", ""))
    if account is None:
        return _mp_reply(_base_resp(200002, "invalid args"))
    refusal = _mp_refusal(account["mp"], "appmsg")
    if refusal:
        return refusal
    items = [
        {
            "aid": f"{m['mid']}_{a['idx']}", "album_id": "0", "appmsg_album_infos": [], "appmsgid": m["mid"],
            "checking": 0, "copyright_type": 1 if a["original"] else 0,
            "cover": f"https://mmbiz.qlogo.cn/mmbiz_jpg/{a['sn']}/0?wx_fmt=jpeg", "create_time": m["datetime"],
            "digest": a["title"][:54], "has_red_packet_cover": 0, "is_pay_subscribe": 0, "item_show_type": 0,
            "itemidx": a["idx"], "link": _article_link(site, account, m, a), "media_duration": "0:00",
            "mediaapi_publish_status": 0, "tagid": [], "title": a["title"], "update_time": m["datetime"] - 1,
        }
        for m in account["messages"] for a in m["articles"]
    ]
    begin, count = int(parameters.get("begin") or 0), int(parameters.get("count") or 5)
    return _mp_reply({"app_msg_cnt": len(items), "app_msg_list": items[begin: begin + count], **_base_resp()},
                     malformed=account["mp"] == "malformed")


# -- client getmsg -------------------------------------------------------------------------


def _escaped_link(link: str) -> str:
    """A link the way general_msg_list writes it: ``http:\\/\\/host\\/s?a=1&amp;b=2``."""
    return html.escape(link, quote=False).replace("/", "\\/")


def _getmsg(accounts: list[dict[str, Any]], parameters: dict[str, str], site: str) -> Reply:
    if not parameters.get("key") or not parameters.get("uin"):
        return _mp_reply({"ret": -3, "errmsg": "no session", "cookie_count": 0})
    account = _find(accounts, biz=parameters.get("__biz", ""))
    if account is None:
        return _mp_reply({"ret": -1, "errmsg": "system error"})
    behaviour = account["client"]
    failure = _status_reply(behaviour)
    if failure:
        return failure
    if behaviour == "no_session":
        return _mp_reply({"ret": -3, "errmsg": "no session", "cookie_count": 1})
    if behaviour == "refused":
        return _mp_reply({"ret": -6, "errmsg": "unknown error"})
    offset, count = int(parameters.get("offset") or 0), int(parameters.get("count") or 10)
    messages = account["messages"][offset: offset + count]
    listed = []
    for m in messages:
        articles = [
            {"title": a["title"], "digest": "", "content": "", "fileid": 0,
             "content_url": _escaped_link(_article_link(site, account, m, a)), "source_url": "",
             "cover": "http:\\/\\/mmbiz.qpic.cn\\/mmbiz_jpg\\/" + a["sn"] + "\\/0?wx_fmt=jpeg", "author": "",
             "copyright_stat": 11 if a["original"] else 100, "del_flag": 1, "item_show_type": 0, "audio_fileid": 0,
             "duration": 0, "play_url": "", "malicious_title_reason_id": 0, "malicious_content_type": 0}
            for a in m["articles"]
        ]
        main, more = articles[0], articles[1:]
        listed.append({
            "comm_msg_info": {"id": m["id"], "type": 49, "datetime": m["datetime"], "fakeid": account["biz"],
                              "status": 2, "content": ""},
            "app_msg_ext_info": {**main, "subtype": 9, "is_multi": 1 if more else 0, "multi_app_msg_item_list": more},
        })
    continues = offset + len(messages) < len(account["messages"])
    return _mp_reply({
        "ret": 0, "errmsg": "ok", "msg_count": len(messages), "can_msg_continue": 1 if continues else 0,
        "general_msg_list": json.dumps({"list": listed}, ensure_ascii=False), "next_offset": offset + len(messages),
        "video_count": 1, "use_video_tab": 1, "real_type": 0, "home_page_list": [],
    }, malformed=behaviour == "malformed")


# -- pages: articles and interaction entries -----------------------------------------------

_EXPIRED_PAGE = """<!DOCTYPE html>
<!--headTrap<body></body><head></head><html></html>--><html>
    <head>
        <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
        <title></title>
<link rel="stylesheet" href="https://res.wx.qq.com/open/libs/weui/1.1.0/weui.min.css">
    </head>
    <body id="activity-detail" class="zh_CN ">
<div class="weui-msg">
        <div class="weui-msg__icon-area"><i class="weui-icon-warn weui-icon_msg"></i></div>
    <div class="weui-msg__text-area">
        <h2 class="weui-msg__title">
        链接已过期 
        </h2>
    </div>
    </div>
    </body>
</html>
"""


def _content_page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{html.escape(title)}</title></head>
<body id="activity-detail" class="zh_CN ">
<div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title" id="activity-name">{html.escape(title)}</h1>
<div class="rich_media_content" id="js_content">{body}</div>
</div>
</body>
</html>
"""


def _article(accounts: list[dict[str, Any]], parameters: dict[str, str]) -> Reply:
    account = _find(accounts, biz=parameters.get("__biz", ""))
    for message in (account or {}).get("messages", []):
        if str(message["mid"]) == parameters.get("mid"):
            for article in message["articles"]:
                if str(article["idx"]) == parameters.get("idx", "1"):
                    return Reply(200, _content_page(article["title"], f"<p>{html.escape(article['title'])}</p>"), HTML)
    return Reply(200, _EXPIRED_PAGE, HTML)


def _menu(accounts: list[dict[str, Any]], wechat_id: str) -> Reply:
    account = next((a for a in accounts if a["wechat_id"] == wechat_id), None)
    state = account["interaction"] if account else "unrecorded"
    if state == "ok":
        title = f"{account['name']} 互动交流"
        body = "<form action='#'><p>留言咨询</p><textarea name='content'></textarea><button>提交</button></form>"
        return Reply(200, _content_page(title, body), HTML)
    if state == "expired":
        return Reply(200, _EXPIRED_PAGE, HTML)
    if state.startswith("http_"):
        return Reply(int(state[len("http_"):]), "<html><body><h1>404 Not Found</h1></body></html>", HTML)
    return Reply(404, "<html><body><h1>404 Not Found</h1></body></html>", HTML)

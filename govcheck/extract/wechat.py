"""WeChat official accounts: what Sogou's search pages and the MP/client JSON answers say.

Three sources, each read by plain functions over the saved text (the spider only fetches):

- **Sogou WeChat search** (anonymous): ``{base}/weixin?type=1&query=…&ie=utf8`` lists
  account cards (``ul.news-list2 li``): name ``p.tit a`` (search highlights in ``<em>``),
  WeChat id ``label[name=em_weixinhao]``, and under 最近文章 the latest article's title and
  ``timeConvert('EPOCH')``. One post per account, no original marker.
  Its anti-spider page (final URL with ``antispider``, or the texts 请输入验证码 /
  您的访问过于频繁) is a failed check, never an answer.
- **MP backend** (operator cookie + token): ``/cgi-bin/searchbiz?action=search_biz`` →
  ``list[{fakeid, nickname, alias, service_type}]``; ``/cgi-bin/appmsg?action=list_ex`` →
  ``app_msg_list[{aid, title, link, create_time, update_time, copyright_type}]``.
  ``base_resp.ret`` 200003 session expired, 200013 frequency control, 200002 search disabled.
- **Client credentials** (key + uin captured from the desktop client):
  ``/mp/profile_ext?action=getmsg&__biz=…`` → ``general_msg_list`` (a JSON string) →
  ``list[{comm_msg_info{id, datetime}, app_msg_ext_info{title, content_url, copyright_stat,
  multi_app_msg_item_list[…]}}]``; ``ret`` -3 / -6 or ``no session`` is a failed check.

Originals: ``copyright_stat == 11`` (getmsg, appmsgpublish) and a set ``copyright_type``
(list_ex: 1, the MP editor's 原创 flag; 11 accepted as well) mark an article declared 原创.
Other values (0, 100, 101, 12, 14, 201) are not reliably reposts, but the Weinan office counts
an account without any declared original in 90 days as 3个月无原创, so both JSON sources give
``original`` True/False and ``originals_known``; Sogou gives ``original`` None.

Credentials travel in query strings (``token``, ``key``, ``uin``): :func:`redact_url` and
:func:`redact_text` remove them from every URL and message kept as evidence or logged.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector

from govcheck.dates import from_epoch
from govcheck.extract.posts import newest_first

__all__ = [
    "CAPTCHA_TEXTS",
    "MP_ERRORS",
    "SECRET_PARAMS",
    "SogouCard",
    "SogouPage",
    "JsonAnswer",
    "MpAccount",
    "is_wechat_id",
    "biz_of",
    "redact_url",
    "redact_text",
    "sogou_search_url",
    "read_sogou",
    "match_card",
    "sogou_posts",
    "searchbiz_url",
    "appmsg_url",
    "getmsg_url",
    "read_searchbiz",
    "match_mp_account",
    "read_appmsg",
    "read_getmsg",
    "is_original",
    "comparable_name",
]

# Sogou's anti-spider page (and the URL it is served under after the redirect).
CAPTCHA_TEXTS = ("请输入验证码", "您的访问过于频繁")
ANTISPIDER_URL_MARK = "antispider"
# Sogou's normal page when a search finds nothing: 暂无与“…”相关的官方认证订阅号。
_SOGOU_EMPTY = re.compile(r"暂无与.{0,80}?相关的(?:官方认证)?(?:订阅号|公众号|微信公众号)")
_TIME_CONVERT = re.compile(r"timeConvert\(\s*['\"]?(\d{9,13})['\"]?\s*\)")
_WECHAT_ID = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{5,19}$")
_BIZ = re.compile(r"^[A-Za-z0-9+/]{8,24}={0,2}$")

MP_ERRORS = {
    200003: "session expired",
    200013: "frequency control",
    200002: "search disabled",
    200040: "invalid csrf token (session expired)",
    -1: "system error",
}
CLIENT_ERRORS = {-3: "no session", -6: "request refused (too frequent or unsafe)", -2: "invalid arguments"}
# Query parameters that carry the operator's credentials: never kept, never logged.
SECRET_PARAMS = frozenset({"token", "key", "uin", "pass_ticket", "appmsg_token", "wxtoken", "wap_sid2", "devicetype"})
_SECRET_IN_TEXT = re.compile(
    r"(?i)(?<![A-Za-z0-9_])(" + "|".join(sorted(SECRET_PARAMS)) + r")=[^&\s#'\"<>]*"
)


# -- identifiers and URLs ------------------------------------------------------------------


def is_wechat_id(text: str) -> bool:
    """A WeChat id (微信号): 6–20 letters, digits, ``_`` or ``-``, starting with a letter.

    Original ids (``gh_591a43050b5f``) count too; Sogou shows them for accounts without one.
    """
    return bool(_WECHAT_ID.match(text or ""))


def biz_of(text: str) -> str:
    """The account's ``__biz`` (base64 of its numeric id) in ``text`` — itself or a URL with
    ``__biz=`` — or ``""``."""
    text = (text or "").strip()
    if "__biz=" in text:
        text = dict(parse_qsl(urlsplit(html.unescape(text)).query)).get("__biz", "")
    if not _BIZ.match(text):
        return ""
    try:
        decoded = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return ""
    return text if decoded.isdigit() else ""


def redact_url(url: str) -> str:
    """``url`` without the query parameters that carry credentials (token, key, uin…)."""
    if not url:
        return url
    parts = urlsplit(url)
    if not parts.query:
        return url
    # the raw parameters are kept as they were written (``__biz=MzA…==`` stays unencoded)
    kept = [p for p in re.split(r"&(?:amp;)?", parts.query) if p.split("=", 1)[0].lower() not in SECRET_PARAMS]
    return urlunsplit(parts._replace(query="&".join(kept)))


def redact_text(text: str) -> str:
    """Any ``token=…``, ``key=…``, ``uin=…`` in free text (a log line, an error) blanked out."""
    return _SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}=[redacted]", text or "")


def comparable_name(name: str) -> str:
    """Names compared as the rules compare them: after NFKC width folding (（） and (), Ｗ and
    W are one name) and without whitespace (registry cells wrap long names)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


# -- Sogou ---------------------------------------------------------------------------------


@dataclass
class SogouCard:
    """One account of a Sogou result page."""

    name: str
    wechat_id: str
    profile_url: str = ""
    certified_by: str = ""
    latest_title: str = ""
    latest_url: str = ""
    latest_epoch: str = ""  # the timeConvert('…') argument, as shown
    latest_at: datetime | None = None


@dataclass
class SogouPage:
    """What a Sogou search answer is.

    ``kind``: ``results`` (cards listed), ``empty`` (the page says nothing was found),
    ``captcha`` (anti-spider page) or ``unparsed`` (none of these: our failure, never an answer).
    """

    kind: str
    cards: list[SogouCard] = field(default_factory=list)
    more_pages: bool = False
    result_count: int | None = None
    detail: str = ""


def sogou_search_url(base_url: str, query: str, page: int = 1) -> str:
    parameters = {"type": "1", "query": query, "ie": "utf8"}
    if page > 1:
        parameters["page"] = str(page)
    return f"{base_url.rstrip('/')}/weixin?{urlencode(parameters)}"


def _text(selector: Selector) -> str:
    return re.sub(r"\s+", " ", selector.xpath("string(.)").get() or "").strip()


def read_sogou(text: str, url: str = "") -> SogouPage:
    """A Sogou account-search answer (``type=1``), as a :class:`SogouPage`."""
    if ANTISPIDER_URL_MARK in (url or "") or any(t in (text or "") for t in CAPTCHA_TEXTS):
        return SogouPage("captcha", detail="captcha page")
    page = Selector(text=text or "<html></html>")
    items = page.css("ul.news-list2 > li")
    cards = [card for card in (_card(item) for item in items) if card is not None]
    if cards:
        count = re.search(r"resultbarnum:(\d+)", text or "")
        return SogouPage(
            "results",
            cards=cards,
            more_pages=bool(page.css("#sogou_next")),
            result_count=int(count.group(1)) if count else None,
        )
    if items:
        return SogouPage("unparsed", detail=f"{len(items)} result items without an account name or WeChat id")
    if _SOGOU_EMPTY.search(_text(page)) or page.css("#noresult_part1_container"):
        return SogouPage("empty")
    if page.css("ul.news-list2") and page.css("form[name=searchForm]"):
        return SogouPage("empty")  # the result list is there and holds no account
    return SogouPage("unparsed", detail="neither account cards nor a no-result notice")


def _card(item: Selector) -> SogouCard | None:
    name_link = item.css("p.tit a")
    name = _text(name_link[0]) if name_link else ""
    wechat_id = _text(item.css("label[name=em_weixinhao]")[0]) if item.css("label[name=em_weixinhao]") else ""
    if not name and not wechat_id:
        return None
    # attribute values come decoded (&amp; → &): no second unescaping (&times… would turn into ×)
    card = SogouCard(name=name, wechat_id=wechat_id, profile_url=name_link.attrib.get("href", "") if name_link else "")
    for block in item.css("dl"):
        label = _text(block.css("dt")[0]) if block.css("dt") else ""
        body = block.css("dd")
        if not body:
            continue
        if label.endswith("认证："):
            card.certified_by = _text(body[0])
        elif label.startswith("最近文章"):
            article = body[0].css("a")
            card.latest_title = _text(article[0]) if article else ""
            card.latest_url = article.attrib.get("href", "") if article else ""
            stamp = _TIME_CONVERT.search(body[0].get())
            if stamp:
                card.latest_epoch = stamp.group(1)
                card.latest_at = from_epoch(stamp.group(1))
    return card


def match_card(cards: list[SogouCard], account_id: str, name: str) -> SogouCard | None:
    """The card of the target: same WeChat id as the 账号ID, else the same name as registered."""
    wanted_id = (account_id or "").strip().lower()
    if wanted_id:
        for card in cards:
            if card.wechat_id and card.wechat_id.lower() == wanted_id:
                return card
    wanted_name = comparable_name(name)
    for card in cards:
        if wanted_name and comparable_name(card.name) == wanted_name:
            return card
    return None


def sogou_posts(card: SogouCard) -> list[dict[str, Any]]:
    """The one article a card shows (最近文章); Sogou cannot tell originals."""
    if not card.latest_title and not card.latest_epoch:
        return []
    return [{
        "id": card.latest_epoch,
        "time": card.latest_at,
        "time_text": "" if card.latest_at else card.latest_epoch,
        "title": card.latest_title,
        "url": card.latest_url,
        "original": None,
        "pinned": False,
    }]


# -- JSON answers (MP backend and client) ---------------------------------------------------


@dataclass
class JsonAnswer:
    """An MP or client JSON answer: ``error`` "" when it could be read and says ok."""

    error: str = ""
    code: int | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[MpAccount] = field(default_factory=list)
    total: int | None = None
    more: bool = False
    next_offset: int | None = None
    listed: int = 0  # items in this page of the list, deleted ones included (the paging step)


@dataclass
class MpAccount:
    fakeid: str
    nickname: str
    alias: str
    service_type: int | None = None


def searchbiz_url(base_url: str, query: str, token: str, count: int = 5) -> str:
    parameters = {"action": "search_biz", "begin": "0", "count": str(count), "query": query, "token": token,
                  "lang": "zh_CN", "f": "json", "ajax": "1"}
    return f"{base_url.rstrip('/')}/cgi-bin/searchbiz?{urlencode(parameters)}"


def appmsg_url(base_url: str, fakeid: str, token: str, begin: int = 0, count: int = 5) -> str:
    parameters = {"action": "list_ex", "fakeid": fakeid, "begin": str(begin), "count": str(count), "type": "9",
                  "query": "", "token": token, "lang": "zh_CN", "f": "json", "ajax": "1"}
    return f"{base_url.rstrip('/')}/cgi-bin/appmsg?{urlencode(parameters)}"


def getmsg_url(base_url: str, biz: str, key: str, uin: str, offset: int = 0, count: int = 10) -> str:
    parameters = {"action": "getmsg", "__biz": biz, "f": "json", "offset": str(offset), "count": str(count),
                  "is_ok": "1", "scene": "124", "key": key, "uin": uin}
    return f"{base_url.rstrip('/')}/mp/profile_ext?{urlencode(parameters)}"


def _json(text: str) -> tuple[Any, str]:
    try:
        return json.loads(text), ""
    except (TypeError, ValueError):
        stripped = (text or "").lstrip()[:1]
        return None, "answer is empty" if not stripped else "answer is not JSON"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _mp_failure(document: Any) -> tuple[str, int | None]:
    """The reason an MP answer refuses (``base_resp.ret`` ≠ 0), or ""."""
    if not isinstance(document, dict):
        return "answer is not a JSON object", None
    base = document.get("base_resp")
    if not isinstance(base, dict):
        return "answer has no base_resp", None
    code = _int(base.get("ret"))
    if code == 0:
        return "", 0
    meaning = MP_ERRORS.get(code) if code is not None else None
    message = str(base.get("err_msg") or "").strip()
    reason = meaning or (f"error {message}" if message else "error")
    return redact_text(f"{reason} (base_resp.ret {base.get('ret')})"), code


def read_searchbiz(text: str) -> JsonAnswer:
    """``searchbiz`` → the accounts listed (``list[{fakeid, nickname, alias, service_type}]``)."""
    document, error = _json(text)
    if error:
        return JsonAnswer(error=error)
    failure, code = _mp_failure(document)
    if failure:
        return JsonAnswer(error=failure, code=code)
    listed = document.get("list")
    if not isinstance(listed, list):
        return JsonAnswer(error="answer has no account list", code=code)
    accounts = [
        MpAccount(
            fakeid=str(a.get("fakeid") or ""),
            nickname=html.unescape(str(a.get("nickname") or "")).strip(),
            alias=str(a.get("alias") or "").strip(),
            service_type=_int(a.get("service_type")),
        )
        for a in listed
        if isinstance(a, dict) and a.get("fakeid")
    ]
    return JsonAnswer(code=0, accounts=accounts, total=_int(document.get("total")))


def match_mp_account(accounts: list[MpAccount], account_id: str, name: str) -> MpAccount | None:
    """Same alias (微信号) as the 账号ID, else the same nickname as the registered name."""
    wanted_id = (account_id or "").strip().lower()
    if wanted_id:
        for account in accounts:
            if account.alias and account.alias.lower() == wanted_id:
                return account
        biz = biz_of(account_id)
        for account in accounts:
            if biz and account.fakeid == biz:
                return account
    wanted_name = comparable_name(name)
    for account in accounts:
        if wanted_name and comparable_name(account.nickname) == wanted_name:
            return account
    return None


def is_original(item: dict[str, Any]) -> bool:
    """Declared 原创: ``copyright_stat`` 11, or the list_ex ``copyright_type`` flag (1; 11 accepted)."""
    return _int(item.get("copyright_stat")) == 11 or _int(item.get("copyright_type")) in (1, 11)


def _article_url(value: Any) -> str:
    """An article link as the JSON carries it (``http:\\/\\/…&amp;…``), cleaned and redacted."""
    return redact_url(html.unescape(str(value or "").replace("\\/", "/")).strip())


def read_appmsg(text: str) -> JsonAnswer:
    """``appmsg list_ex`` → posts (one per article, newest first), ``total`` = ``app_msg_cnt``."""
    document, error = _json(text)
    if error:
        return JsonAnswer(error=error)
    failure, code = _mp_failure(document)
    if failure:
        return JsonAnswer(error=failure, code=code)
    items = document.get("app_msg_list")
    if not isinstance(items, list):
        return JsonAnswer(error="answer has no app_msg_list", code=code)
    posts = []
    for item in items:
        if not isinstance(item, dict) or item.get("is_deleted"):
            continue
        stamp = item.get("create_time") or item.get("update_time")
        when = _epoch(stamp)
        posts.append({
            "id": str(item.get("aid") or f"{item.get('appmsgid', '')}_{item.get('itemidx', '')}"),
            "time": when,
            "time_text": "" if when else str(stamp or ""),
            "title": html.unescape(str(item.get("title") or "")).strip(),
            "url": _article_url(item.get("link")),
            "original": is_original(item),
            "pinned": False,
        })
    posts.sort(key=newest_first)
    return JsonAnswer(code=0, posts=posts, total=_int(document.get("app_msg_cnt")), more=bool(items), listed=len(items))


def read_getmsg(text: str) -> JsonAnswer:
    """``profile_ext getmsg`` → posts (each article of each message), ``more`` and ``next_offset``."""
    document, error = _json(text)
    if error:
        return JsonAnswer(error=error)
    if not isinstance(document, dict):
        return JsonAnswer(error="answer is not a JSON object")
    code = _int(document.get("ret"))
    message = str(document.get("errmsg") or "").strip()
    if code != 0 or message.lower() == "no session":
        meaning = CLIENT_ERRORS.get(code) if code is not None else None
        if message.lower() == "no session":
            meaning = "no session"
        reason = meaning or (f"error {message}" if message else "error")
        return JsonAnswer(error=redact_text(f"{reason} (ret {document.get('ret')})"), code=code)
    inner = document.get("general_msg_list")
    listed, error = _json(inner) if isinstance(inner, str) else (inner, "")
    if error or not isinstance(listed, dict) or not isinstance(listed.get("list"), list):
        return JsonAnswer(error="general_msg_list is not a message list", code=code)
    posts: list[dict[str, Any]] = []
    for message_item in listed["list"]:
        if isinstance(message_item, dict):
            posts.extend(_message_posts(message_item))
    posts.sort(key=newest_first)
    return JsonAnswer(
        code=0,
        posts=posts,
        more=_int(document.get("can_msg_continue")) == 1,
        next_offset=_int(document.get("next_offset")),
        listed=len(listed["list"]),
    )


def _message_posts(message: dict[str, Any]) -> list[dict[str, Any]]:
    info = found if isinstance(found := message.get("comm_msg_info"), dict) else {}
    when = _epoch(info.get("datetime"))
    base_id = str(info.get("id") or "")
    article = message.get("app_msg_ext_info")
    if not isinstance(article, dict):
        # text / image / voice messages: an update without an article (no original marker)
        content = html.unescape(str(info.get("content") or "")).strip()
        return [{"id": base_id, "time": when, "time_text": "" if when else str(info.get("datetime") or ""),
                 "title": content[:80], "url": "", "original": None, "pinned": False}]
    articles = [article, *[a for a in article.get("multi_app_msg_item_list") or [] if isinstance(a, dict)]]
    return [
        {
            "id": f"{base_id}_{index}",
            "time": when,
            "time_text": "" if when else str(info.get("datetime") or ""),
            "title": html.unescape(str(a.get("title") or "")).strip(),
            "url": _article_url(a.get("content_url")),
            "original": is_original(a),
            "pinned": False,
        }
        for index, a in enumerate(articles, start=1)
    ]


def _epoch(value: Any) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        return from_epoch(value)
    except (TypeError, ValueError, OverflowError, OSError):
        return None

"""Weibo: what the mobile container API says about an account, and how much of it to read.

Two answers of ``{base}/api/container/getIndex`` (``m.weibo.cn``), both JSON ``{"ok": 1, "data": …}``:

- the profile, ``type=uid&value={uid}&containerid=100505{uid}`` →
  ``data.userInfo{id, screen_name, statuses_count, verified_reason}``;
- the post list, ``…&containerid=107603{uid}&page=N`` → ``data.cards[]``, newest first,
  about ten a page: a post is the ``mblog`` of a ``card_type`` 9 card; a ``card_type`` 11
  card wraps cards in ``card_group`` (the pinned or the newest post) and is unwrapped.

What the answers mean (every failure is a reason for 待人工复核, never an answer):

- **no account with this uid**: the profile answers ``ok: 0`` with 这里还没有内容 (or
  用户不存在), the API's word for a uid without an account. A deleted account and a mistyped
  账号ID in the register answer alike, so this is not 搜索不到 on its own: ``found`` None with
  the reason (待人工复核) until an inspector searches the app by name (``govcheck observe
  import``, 当前名称 搜索不到). The same words (or no cards) on
  the post list of an account that exists mean an empty list (page 1) or the end of the list
  (later pages) — only when the profile's ``statuses_count`` agrees: an empty page 1 of an
  account that counts posts, or an empty later page before the posts read reach that count
  or back past the history (below), is risk control or a visitor limit, a failure.
- **rate limited**: HTTP 418 and 432 (Weibo's answers to crawlers, even to anonymous reads)
  and 429; the spider backs off and retries before it gives up on the account.
- **captcha / login**: an HTML verification page instead of JSON, a JSON answer that only
  points to a ``url`` (the visitor check, the passport login), or a redirect (not followed).
- **posts**: ``retweeted_status`` marks a repost (``original`` False); a pinned post
  (``mblogtype`` 2, older answers ``isTop`` 1 or a ``title.text`` 置顶; up to two, page 1
  only) counts by its date like any other (:mod:`govcheck.extract.posts`), but its place in
  the list says nothing of its age: how far back the list was read, and whether the latest
  original has been seen, are told by the posts that are not pinned. Posts of other users
  that a list may carry are skipped.

Dates: ``created_at`` is ``Tue Feb 20 10:00:00 +0800 2024`` or, in older answers, a form the
server wrote against its own clock at the moment it answered: 刚刚, 5分钟前, 今天 10:30,
昨天 10:30, ``02-19`` (this year), ``2023-11-02``. Those are read against the answer's
``Date`` header (the server's clock, hence exactly their reference), or the moment we received
the answer when it has none — not against the round's monitoring time point (as_of): the
crawl may run days after it, and a post of "yesterday" would then be moved before as_of and
taken for a fresh one. A post that turns out to be after as_of stays in the evidence and is
left out of the latest post and original (as the rules do with anything after as_of).

How much is read: pages until the latest original up to as_of has been seen (the latest post
is then known too: the list is newest first), or the list reaches back past ``history_days``
before as_of, or it ends; at most ``max_pages``. A list cut short by that limit leaves the
originals undetermined (``originals_known`` False → 待人工复核 for 3个月无原创).

The reader (:func:`observe`, the one shape of :mod:`govcheck.extract.reading`) asks for each
answer with the mobile site's own headers and the operator's cookie when there is one (sent as
the Cookie header, never merged into the cookie jar, never followed through a redirect); the
spider asks a rate-limited answer again after a backoff and says how often (``retries``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from govcheck.dates import parse_date, to_shanghai
from govcheck.extract.posts import evidence_posts, latest_times
from govcheck.extract.reading import Fetch, Fetched, Observing, Reading, guarded

__all__ = [
    "PROFILE_CONTAINER",
    "POSTS_CONTAINER",
    "RATE_LIMIT_STATUSES",
    "NOT_FOUND_TEXTS",
    "Answer",
    "Profile",
    "Target",
    "WeiboRead",
    "uid_of",
    "account_url",
    "profile_url",
    "posts_url",
    "server_time",
    "read_answer",
    "read_profile",
    "read_posts",
    "is_pinned",
    "trusted_posts",
    "window_covered",
    "read_account",
    "account_fields",
    "observe",
]

PROFILE_CONTAINER = "100505"
POSTS_CONTAINER = "107603"
RATE_LIMIT_STATUSES = frozenset({418, 429, 432})
# What the API says (``msg`` of an ``ok: 0`` answer) for a container with nothing in it.
NOT_FOUND_TEXTS = ("这里还没有内容", "用户不存在", "该用户不存在")
# An HTML page instead of JSON that asks to prove we are human (or to pass the visitor check).
CAPTCHA_TEXTS = (
    "验证码", "安全验证", "请完成验证", "captcha", "geetest", "Sina Visitor System", "visitor/visitor",
)
TITLE_LENGTH = 80
# What the mobile site's own script sends with its API calls.
API_HEADERS = {"Accept": "application/json, text/plain, */*", "X-Requested-With": "XMLHttpRequest", "MWeibo-Pwa": "1"}
_UID = re.compile(r"^[1-9][0-9]{4,11}$")
_TAG = re.compile(r"<[^>]+>")
# created_at forms that carry their own year and time: anything else was written against the server's clock.
_ABSOLUTE = re.compile(
    r"^(?:[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}|\d{4}-\d{1,2}-\d{1,2}(?: .*)?)$"
)


# -- addresses ---------------------------------------------------------------------------------


def uid_of(account_id: str) -> str | None:
    """The numeric uid in a 账号ID: the uid itself or a profile URL (``weibo.com/u/UID``,
    ``m.weibo.cn/u/UID``, ``m.weibo.cn/profile/UID``, ``weibo.com/UID``, ``?uid=UID``).

    A custom domain (``weibo.com/wnfb``) or a screen name cannot address the API: None.
    """
    text = (account_id or "").strip()
    if _UID.match(text):
        return text
    if "/" not in text and "uid=" not in text:
        return None
    parts = urlsplit(text if "//" in text else f"//{text}")
    query = parse_qs(parts.query)
    for name in ("uid", "value"):
        if query.get(name) and _UID.match(query[name][0]):
            return query[name][0]
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[0] in ("u", "profile") and _UID.match(segments[1]):
        return segments[1]
    if len(segments) == 1 and _UID.match(segments[0]):
        return segments[0]
    return None


def account_url(base_url: str, uid: str) -> str:
    """The account's page, as an inspector opens it."""
    return f"{base_url.rstrip('/')}/u/{uid}"


def _container_url(base_url: str, uid: str, container: str, page: int = 1) -> str:
    query = {"type": "uid", "value": uid, "containerid": f"{container}{uid}"}
    if page > 1:
        query["page"] = str(page)
    return f"{base_url.rstrip('/')}/api/container/getIndex?{urlencode(query)}"


def profile_url(base_url: str, uid: str) -> str:
    return _container_url(base_url, uid, PROFILE_CONTAINER)


def posts_url(base_url: str, uid: str, page: int = 1) -> str:
    return _container_url(base_url, uid, POSTS_CONTAINER, page)


# -- answers -----------------------------------------------------------------------------------


def server_time(date_header: str, received_at: datetime) -> datetime:
    """The server's clock when it answered (``Date`` header), else when we received the answer."""
    try:
        when = parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None or when.tzinfo is None:
        return to_shanghai(received_at)
    return to_shanghai(when)


@dataclass(frozen=True)
class Answer:
    """What one answer is: ``data`` (``ok: 1``), ``nothing`` (``ok: 0`` 这里还没有内容) or a failure."""

    kind: Literal["data", "nothing", "rate_limited", "captcha", "login", "failed"]
    data: dict[str, Any] | None = None
    detail: str = ""


def _is_captcha(text: str) -> bool:
    lowered = text.lower()
    return any(marker.lower() in lowered for marker in CAPTCHA_TEXTS)


def _host(url: str) -> str:
    return urlsplit(url).hostname or "another page"


def read_answer(status: int, text: str, location: str = "") -> Answer:
    """Classifies one getIndex answer by its HTTP status and body (see the module docstring)."""
    if status in RATE_LIMIT_STATUSES:
        return Answer("rate_limited", detail=f"rate limited (HTTP {status})")
    if 300 <= status < 400:
        if _is_captcha(location):
            return Answer("captcha", detail=f"captcha (redirected to {_host(location)})")
        return Answer("login", detail=f"redirected to {_host(location)} (HTTP {status}): login or visitor check")
    if not 200 <= status < 300:
        return Answer("failed", detail=f"HTTP {status}")
    body = (text or "").strip()
    if not body:
        return Answer("failed", detail="empty answer")
    try:
        document = json.loads(body)
    except ValueError:
        if _is_captcha(body):
            return Answer("captcha", detail="captcha page")
        return Answer("failed", detail="answer is not JSON")
    if not isinstance(document, dict):
        return Answer("failed", detail=f"unexpected JSON ({type(document).__name__})")
    ok, data, message = document.get("ok"), document.get("data"), str(document.get("msg") or "").strip()
    if ok == 1 and isinstance(data, dict):
        return Answer("data", data)
    if ok != 1 and any(t in message for t in NOT_FOUND_TEXTS):
        return Answer("nothing", detail=message)
    if document.get("url") and not data:
        url = str(document["url"])
        if _is_captcha(url):
            return Answer("captcha", detail=f"captcha (the answer points to {_host(url)})")
        return Answer("login", detail=f"login required (ok {ok}, the answer points to {_host(url)})")
    return Answer("failed", detail=f"ok {ok}: {message or 'no data'}")


@dataclass(frozen=True)
class Profile:
    uid: str
    screen_name: str
    statuses_count: int | None
    verified_reason: str


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_profile(data: dict[str, Any]) -> Profile | None:
    """The ``userInfo`` of a profile answer, or None when it carries none."""
    user = data.get("userInfo")
    if not isinstance(user, dict) or not str(user.get("screen_name") or "").strip():
        return None
    return Profile(
        uid=str(user.get("id") or ""),
        screen_name=str(user["screen_name"]).strip(),
        statuses_count=_int(user.get("statuses_count")),
        verified_reason=str(user.get("verified_reason") or "").strip(),
    )


def is_pinned(mblog: dict[str, Any]) -> bool:
    """Pinned by any of the markers Weibo used: ``mblogtype`` 2, ``isTop`` 1, a 置顶 title."""
    if _int(mblog.get("mblogtype")) == 2 or _int(mblog.get("isTop")) == 1:
        return True
    title = mblog.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return isinstance(text, str) and "置顶" in text


def _plain_text(markup: Any) -> str:
    text = _TAG.sub(" ", str(markup or ""))
    return " ".join(html.unescape(text).split())


def _cards(cards: Any) -> list[dict[str, Any]]:
    """The cards of a list, those wrapped in a ``card_type`` 11 group in their place."""
    unwrapped: list[dict[str, Any]] = []
    for card in cards if isinstance(cards, list) else []:
        if not isinstance(card, dict):
            continue
        if _int(card.get("card_type")) == 11 and isinstance(card.get("card_group"), list):
            unwrapped += _cards(card["card_group"])
        else:
            unwrapped.append(card)
    return unwrapped


def _post(mblog: dict[str, Any], base_url: str, reference: datetime) -> dict[str, Any]:
    post_id = str(mblog.get("id") or mblog.get("idstr") or mblog.get("mid") or "")
    created_at = str(mblog.get("created_at") or "").strip()
    repost_of = mblog.get("retweeted_status")
    post = {
        "id": post_id,
        "time": parse_date(created_at, reference) if created_at else None,
        "time_text": created_at,
        "title": _plain_text(mblog.get("text"))[:TITLE_LENGTH],
        "url": f"{base_url.rstrip('/')}/detail/{post_id}" if post_id else "",
        "original": not isinstance(repost_of, dict),
        "pinned": is_pinned(mblog),
    }
    if isinstance(repost_of, dict):
        author = found if isinstance(found := repost_of.get("user"), dict) else {}
        post["repost_of"] = str(author.get("screen_name") or "")  # empty: the original was deleted
    if created_at and not _ABSOLUTE.match(created_at):
        post["time_read_against"] = reference  # a relative form: the server's clock it was written against
    return post


def read_posts(
    data: dict[str, Any], uid: str, base_url: str, reference: datetime
) -> tuple[list[dict[str, Any]], list[str]]:
    """(the page's posts in list order, the author names they show)."""
    posts: list[dict[str, Any]] = []
    names: list[str] = []
    for card in _cards(data.get("cards")):
        mblog = card.get("mblog")
        if _int(card.get("card_type")) != 9 or not isinstance(mblog, dict):
            continue
        user = found if isinstance(found := mblog.get("user"), dict) else {}
        if user.get("id") is not None and str(user["id"]) != uid:
            continue  # another account's post shown in the list
        name = str(user.get("screen_name") or "").strip()
        if name and name not in names:
            names.append(name)
        posts.append(_post(mblog, base_url, reference))
    return posts, names


def trusted_posts(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The posts above the first undated one: below it, the list order no longer says which
    post is the newest, so the latest post must be found above it. An undated pinned post may
    be the newest of all: the posts above it (only pinned ones) are all that is trusted then."""
    for index, post in enumerate(posts):
        if post.get("time") is None:
            return posts[:index]
    return posts


def window_covered(posts: list[dict[str, Any]], as_of: datetime, history_start: datetime) -> bool:
    """Enough is known: an original (not pinned) up to as_of was seen — the latest original
    of the list, the latest post being at or above it, and the pinned posts, all on page 1,
    read before it — or the list reaches back before ``history_start``. A pinned post sits on
    top whatever its age, so it tells neither."""
    listed = [p for p in posts if not p.get("pinned") and p.get("time")]
    if any(p["original"] and p["time"] <= as_of for p in listed):
        return True
    return any(p["time"] < history_start for p in listed)


# -- reading one account -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One account to read: its ``uid`` (``""`` when its 账号ID, kept in ``account_id``, names
    none), the monitoring time point, the API, how far to read, the operator's cookie."""

    uid: str
    as_of: datetime
    base_url: str
    history_days: int = 92
    max_pages: int = 10
    cookie: str = ""  # a ``name=value; …`` header, or ""
    account_id: str = ""

    @property
    def history_start(self) -> datetime:
        return self.as_of - timedelta(days=self.history_days)


@dataclass
class WeiboRead:
    """What was read of one account. ``found`` None: the check is not complete (``error`` says why)."""

    found: bool | None = None
    current_name: str | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)
    originals_known: bool = False
    error: str = ""
    note: str = ""
    statuses_count: int | None = None
    verified_reason: str = ""
    names_seen: list[str] = field(default_factory=list)
    fetched_urls: list[str] = field(default_factory=list)
    pages_read: int = 0
    rate_limited_answers: int = 0

    def failed(self, where: str, fetched: Fetched, answer: Answer | None = None) -> WeiboRead:
        reason = fetched.error or (answer.detail if answer else "")
        if answer is not None and answer.kind == "rate_limited" and fetched.retries:
            reason += f", still after {fetched.retries} retries with backoff"
        self.error = f"{where}: {reason}"
        return self


def _undated(posts: list[dict[str, Any]]) -> list[str]:
    return [p["time_text"] or "(none)" for p in posts if p.get("time") is None]


def api_fetch(target: Target, url: str) -> Fetch:
    """How an API answer is asked for (see the module docstring)."""
    headers = {**API_HEADERS, "Referer": account_url(target.base_url, target.uid)}
    if target.cookie:
        headers["Cookie"] = target.cookie
    # a redirect is a login or visitor check: read, not followed (with the cookie)
    return Fetch(url, headers=headers, follow_redirects=False, own_cookies=True, rate_limited=RATE_LIMIT_STATUSES)


def _not_a_uid(account_id: str) -> str:
    if not account_id:
        return "no 账号ID (the account's uid): the API cannot be asked"
    return f"账号ID {account_id!r} is not a Weibo uid (the number in weibo.com/u/…): the API cannot be asked"


def read_account(target: Target) -> Reading[WeiboRead]:
    """Reads the profile, then post pages until enough is known (see the module docstring)."""
    read = WeiboRead()
    if not target.uid:
        read.error = _not_a_uid(target.account_id)
        return read

    def fetch(url: str) -> Generator[Fetch, Fetched, Fetched]:
        fetched = yield api_fetch(target, url)
        read.fetched_urls.append(url)
        read.rate_limited_answers += fetched.retries
        return fetched

    fetched = yield from fetch(profile_url(target.base_url, target.uid))
    answer = _answer(fetched)
    if answer.kind == "nothing":
        # The API's word for a uid without an account: a deleted account and a mistyped 账号ID
        # in the register answer alike, so only a search of the app by name can tell.
        read.note = f"the profile answers {answer.detail}"
        read.error = (f"profile: the platform has no account with 账号ID {target.uid} ({answer.detail}): "
                      "deleted, or the register's ID is wrong; search the app by name")
        return read
    if answer.kind != "data":
        return read.failed("profile", fetched, answer)
    profile = read_profile(answer.data or {})
    if profile is None:
        answer = Answer("failed", detail="no userInfo in the answer")
        return read.failed("profile", fetched, answer)
    read.found, read.current_name = True, profile.screen_name
    read.statuses_count, read.verified_reason = profile.statuses_count, profile.verified_reason
    read.names_seen.append(profile.screen_name)

    for page in range(1, target.max_pages + 1):
        fetched = yield from fetch(posts_url(target.base_url, target.uid, page))
        answer = _answer(fetched)
        if answer.kind == "nothing" or (answer.kind == "data" and not _cards((answer.data or {}).get("cards"))):
            return _list_ended(read, page, target)
        if answer.kind != "data":
            return read.failed(f"post list page {page}", fetched, answer)
        reference = server_time(fetched.date_header, fetched.received_at or target.as_of)
        posts, names = read_posts(answer.data or {}, target.uid, target.base_url, reference)
        read.pages_read = page
        read.posts += posts
        read.names_seen += [n for n in names if n not in read.names_seen]
        undated = _undated(read.posts)
        if undated:
            read.error = f"post list page {page}: created_at not understood ({', '.join(repr(t) for t in undated[:3])})"
            return read
        if window_covered(read.posts, target.as_of, target.history_start):
            read.originals_known = True
            return read
    read.note = (f"{len(read.posts)} posts read ({target.max_pages} pages), no original up to as_of and the list "
                 "goes on: originals not determined")
    return read


def _answer(fetched: Fetched) -> Answer:
    if fetched.error or fetched.status is None:
        return Answer("failed", detail=fetched.error or "no answer")
    return read_answer(fetched.status, fetched.text, fetched.location)


def _list_ended(read: WeiboRead, page: int, target: Target) -> WeiboRead:
    """The list has no more posts: everything there is has been read — unless the profile
    counts more posts than were read and what was read does not reach back past the history."""
    if page == 1 and not read.posts and read.statuses_count != 0:
        # risk control or posts shown to some visitors only: never read as "never posted"
        counted = "gives no post count" if read.statuses_count is None else f"counts {read.statuses_count} posts"
        read.error = f"post list: empty although the profile {counted}"
        return read
    short = read.statuses_count is None or len(read.posts) < read.statuses_count
    if page > 1 and short and not window_covered(read.posts, target.as_of, target.history_start):
        # the same risk control on a later page: the list is cut short, not ended
        if read.statuses_count is None:
            counted = f"{len(read.posts)} posts (the profile gives no post count)"
        else:
            counted = f"{len(read.posts)} of the {read.statuses_count} posts the profile counts"
        read.error = f"post list page {page}: empty after {counted}, before reaching back to {target.history_start:%Y-%m-%d}"
        return read
    read.originals_known = True
    return read


# -- what the observation keeps ----------------------------------------------------------------


def account_fields(target: Target, read: WeiboRead) -> dict[str, Any]:
    """The account observation's fields (docs/schema.md) from what was read."""
    posts = read.posts
    latest, latest_original = latest_times(trusted_posts(posts), target.as_of)
    return {
        "url": account_url(target.base_url, target.uid) if target.uid else "",
        "uid": target.uid,
        "found": read.found,
        "current_name": read.current_name,
        # in list order: the pinned posts first, as the account shows them
        "posts": evidence_posts(posts, target.as_of, days=target.history_days),
        # the newest by date up to as_of, pinned posts included; later posts stay in the evidence only
        "latest_post_at": latest,
        "latest_original_at": latest_original if read.originals_known else None,
        "originals_known": read.originals_known,
        "error": read.error,
        "note": read.note,
        "fetched_urls": read.fetched_urls,
        "names_seen": read.names_seen,
        "statuses_count": read.statuses_count,
        "verified_reason": read.verified_reason,
        "posts_read": len(posts),
        "pages_read": read.pages_read,
        # how far back the list was read (the evidence keeps only the last three months); a
        # pinned post sits on top whatever its age, so it says nothing of that
        "oldest_post_read": min((p["time"] for p in posts if p.get("time") and not p.get("pinned")), default=None),
        "rate_limited_answers": read.rate_limited_answers,
        "operator_cookie": bool(target.cookie),
    }


def observe(target: Target) -> Observing:
    """The account's observation fields, read as :func:`read_account` reads (a failure of the
    reading itself is one more reason for 待人工复核)."""
    read = yield from guarded(read_account(target), lambda reason: WeiboRead(error=reason), f"weibo {target.uid}")
    return account_fields(target, read)

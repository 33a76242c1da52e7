"""Douyin: what the profile page's own JSON says about an account.

The reader (:func:`observe`, the one shape of :mod:`govcheck.extract.reading`) asks for one
fetch: ``{base}/user/{sec_uid}`` rendered in Chromium, capturing the two JSON answers the
page's script loads (the requests need the page's ``a_bogus`` signature and
``msToken``/``ttwid`` cookies):

- ``/aweme/v1/web/user/profile/other/?sec_user_id=…`` →
  ``{status_code, status_msg, user{nickname, aweme_count, sec_uid, unique_id}}``
- ``/aweme/v1/web/aweme/post/?sec_user_id=…&count=18&max_cursor=0`` →
  ``{status_code, aweme_list[{aweme_id, desc, create_time, author{nickname}, is_top,
  aweme_type}], has_more, max_cursor}``

Everything else here is a plain function over what was captured (HTTP status and body text),
so the rules can be pinned without a browser. What the answers mean:

- **no such user** only when the page itself says the user does not exist: the profile
  JSON's ``status_msg`` says so, or its ``user`` is empty and the page's own not-found element
  (``.user-not-exist``) shows the text — never the same words anywhere else on the page (a
  work's title may quote 账号已注销). Nothing else — not a timeout, not an empty list — is
  read as "gone", and never when the post list loaded works (a profile saying so beside a
  list of works is a contradiction: not read). Even then it is not 搜索不到 on its own: a
  deleted account and a mistyped sec_uid in the register answer alike, so ``found`` is None
  with the reason (待人工复核) until an inspector searches the app by name (``govcheck
  observe import``, 当前名称 搜索不到). This reader never gives ``found`` False.
- **the post list could not be read** (``found`` None with the reason, 待人工复核): HTTP
  401/403/404/408/429/5xx, an empty body, ``blocked``, a non-zero ``status_code`` (2053 and
  friends are risk control), a captcha/verify page, a body that is not JSON, an empty list
  although the profile counts works (risk control, or works shown only to a logged-in
  browser), a list that says it has no more works although it holds fewer than the profile
  counts (less the hidden ones it lists), or no post list loaded in time.
- **current name**: the profile's ``nickname``; without the profile, the ``author.nickname``
  of a work whose ``author.sec_uid`` is the account's (a co-creation shows another account as
  its author); else unknown. Every author's name is kept in ``names_seen``.
- **posts**: ``create_time`` is epoch seconds; ``is_top`` marks a pinned work, which counts
  by its date like any other (:mod:`govcheck.extract.posts`). Private, deleted or prohibited works are left out (a visitor
  does not see them) and counted.
- **originals**: Douyin publishes no original/repost marker in these answers (reposts sit in
  a separate tab), so ``originals_known`` is always False and each post's ``original`` None;
  the rules then say 待人工复核 for 3个月无原创 unless an inspector records the latest
  original by hand (``govcheck observe import``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from parsel import Selector

from govcheck.dates import from_epoch
from govcheck.extract.posts import evidence_posts, latest_times
from govcheck.extract.reading import Fetch, Fetched, Observing, Reading, Render, guarded

__all__ = [
    "PROFILE_PATH",
    "POSTS_PATH",
    "NOT_FOUND_TEXTS",
    "PAGE_NOT_FOUND_CLASS",
    "DouyinRead",
    "Target",
    "sec_uid_of",
    "profile_url",
    "is_profile_api",
    "is_posts_api",
    "evidence_url",
    "captcha_title",
    "profile_says_not_found",
    "read_account",
    "read_posts",
    "profile_page_fetch",
    "read_profile_page",
    "account_fields",
    "observe",
]

PROFILE_PATH = "/aweme/v1/web/user/profile/other/"
POSTS_PATH = "/aweme/v1/web/aweme/post/"
# What the page and its profile answer say when the user does not exist (or was cancelled).
NOT_FOUND_TEXTS = ("用户不存在", "该用户不存在", "账号不存在", "该账号不存在", "账号已注销", "该账号已注销")
# The class of the page's own not-found element (the replica's stand-in: no real one is
# published); only its text is read, never the whole page's.
PAGE_NOT_FOUND_CLASS = "user-not-exist"
# Texts of an answer that is a verify (captcha) page instead of JSON.
CAPTCHA_TEXTS = ("验证码中间页", "请完成下列验证", "安全验证", "验证码", "captcha", "verify-bar")
# The same for the whole rendered page, stricter: the normal page carries a login dialog
# whose texts include 验证码 too. Only consulted when the post list did not load.
PAGE_CAPTCHA_TEXTS = ("验证码中间页", "请完成下列验证", "captcha_container", "verify-bar")
_CAPTCHA_TITLE = re.compile(r"<title[^>]*>[^<]*(验证|captcha|verify)[^<]*</title>", re.IGNORECASE)
# Query parameters the page's script computes (session tokens and signatures): never kept.
_SECRET_PARAMS = {"msToken", "a_bogus", "X-Bogus", "verifyFp", "fp", "webid", "uifid", "ttwid"}
_HTTP_REASONS = {
    401: "login required",
    403: "forbidden",
    404: "not served",
    408: "request timeout",
    429: "rate limited",
    503: "unavailable",
}
_SEC_UID = re.compile(r"^(MS4wLj[A-Za-z0-9_\-]+|[A-Za-z0-9_\-]{30,})$")
# aweme_type of image posts (图文), linked as /note/ID; the others are videos, /video/ID.
_NOTE_TYPES = {2, 68, 150}
TITLE_LENGTH = 80


@dataclass
class DouyinRead:
    """What one profile page showed; ``found`` None means the check is not complete."""

    found: bool | None
    current_name: str | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    aweme_count: int | None = None
    names_seen: list[str] = field(default_factory=list)
    hidden_posts: int = 0
    has_more: bool = False
    url: str = ""  # the profile page
    fetched_urls: list[str] = field(default_factory=list)  # the page, then the answers it loaded


@dataclass(frozen=True)
class Target:
    """One account to read: its 账号ID as registered, the site, the monitoring time point, and
    whether the browser carries the operator's state (evidence only)."""

    account_id: str
    base_url: str
    as_of: datetime
    logged_in_browser: bool = False


# -- addresses ---------------------------------------------------------------------------


def sec_uid_of(account_id: str) -> str | None:
    """The sec_uid in a 账号ID: the id itself or the last part of a ``/user/`` URL.

    A 抖音号 (``unique_id``, short) cannot open a profile page: None.
    """
    text = (account_id or "").strip()
    if "/user/" in text:
        text = urlsplit(text).path.split("/user/", 1)[1].split("/", 1)[0]
    return text if _SEC_UID.match(text) else None


def profile_url(base_url: str, sec_uid: str) -> str:
    return f"{base_url.rstrip('/')}/user/{sec_uid}"


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _is_api(url: str, path: str, sec_uid: str) -> bool:
    parts = urlsplit(url)
    return parts.path.endswith(path) and _query(url).get("sec_user_id", [""])[0] == sec_uid


def is_profile_api(url: str, sec_uid: str) -> bool:
    return _is_api(url, PROFILE_PATH, sec_uid)


def is_posts_api(url: str, sec_uid: str) -> bool:
    """The first page of the account's works (``max_cursor`` 0 or absent)."""
    return _is_api(url, POSTS_PATH, sec_uid) and _query(url).get("max_cursor", ["0"])[0] in ("0", "")


def evidence_url(url: str) -> str:
    """The URL without the tokens and signatures the page computed (they are session data)."""
    parts = urlsplit(url)
    kept = [(k, v) for k, values in parse_qs(parts.query, keep_blank_values=True).items() if k not in _SECRET_PARAMS for v in values]
    query = f"?{urlencode(kept)}" if kept else ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}{query}"


def captcha_title(html: str) -> bool:
    """The document is a verify (captcha) middle page, judged by its title."""
    return bool(_CAPTCHA_TITLE.search(html or ""))


# -- answers -----------------------------------------------------------------------------


def _http_reason(status: int) -> str:
    reason = _HTTP_REASONS.get(status) or ("unavailable" if status >= 500 else "refused")
    return f"{reason} (HTTP {status})"


def _says_not_found(text: str | None) -> str:
    return next((t for t in NOT_FOUND_TEXTS if text and t in text), "")


def _has_captcha(text: str) -> bool:
    return captcha_title(text) or any(marker in text for marker in CAPTCHA_TEXTS)


def _page_has_captcha(html: str) -> bool:
    return captcha_title(html) or any(marker in (html or "") for marker in PAGE_CAPTCHA_TEXTS)


def _json_problem(what: str, answer: Fetched) -> tuple[dict[str, Any] | None, str]:
    """The answer's JSON object, or the reason it cannot be used."""
    if answer.status is None:
        return None, f"{what}: {answer.error or 'no answer'}"
    if not 200 <= answer.status < 300:
        return None, f"{what}: {_http_reason(answer.status)}"
    body = answer.text.strip()
    if not body:
        return None, f"{what}: empty response (risk control)"
    if body.strip('"').lower() == "blocked":
        return None, f"{what}: blocked (risk control)"
    try:
        data = json.loads(body)
    except ValueError:
        if _has_captcha(body):
            return None, f"{what}: captcha page"
        return None, f"{what}: answer is not JSON"
    if not isinstance(data, dict):
        return None, f"{what}: unexpected JSON ({type(data).__name__})"
    return data, ""


def _status_code(data: dict[str, Any]) -> int:
    try:
        return int(data.get("status_code") or 0)
    except (TypeError, ValueError):
        return -1


def _page_says_not_found(html: str) -> str:
    """What the page's own not-found element says ("" when it shows none). Only that element
    counts: the same words elsewhere (a work's title, a notice quoting 账号已注销) are no answer."""
    if not html or PAGE_NOT_FOUND_CLASS not in html:
        return ""
    shown = " ".join(Selector(text=html).css(f".{PAGE_NOT_FOUND_CLASS} ::text").getall())
    return _says_not_found(shown)


def _read_profile(profile: Fetched | None, page_html: str) -> tuple[dict[str, Any] | None, str, str]:
    """(user, what says there is no such user ("" when nothing does), reason the profile could not be read)."""
    if profile is None:
        return None, "", "profile: not loaded"
    data, problem = _json_problem("profile", profile)
    if data is None:
        return None, "", problem
    message = str(data.get("status_msg") or "")
    user = data.get("user")
    if _status_code(data) != 0:
        if _says_not_found(message):
            return None, _says_not_found(message), ""
        return None, "", f"profile: status_code {data.get('status_code')} {message}".rstrip()
    if not isinstance(user, dict) or not user:
        said = _says_not_found(message) or _page_says_not_found(page_html)
        if said:
            return None, said, ""
        return None, "", "profile: no user in the answer"
    return user, "", ""


def profile_says_not_found(profile: Fetched) -> bool:
    """The profile answer itself says the user does not exist (the page may add the text)."""
    return bool(_read_profile(profile, "")[1])


def _no_such_user(sec_uid: str, said: str) -> str:
    """Why "no such user" is not 搜索不到: a deleted account and a wrong 账号ID look alike."""
    which = f"账号ID {sec_uid}" if sec_uid else "the registered 账号ID"
    return (f"profile: the platform has no account with {which} ({said}): deleted, or the register's ID is "
            "wrong; search the app by name")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _post(item: dict[str, Any], base_url: str) -> dict[str, Any]:
    aweme_id = str(item.get("aweme_id") or "")
    created = _int(item.get("create_time"))
    kind = "note" if _int(item.get("aweme_type")) in _NOTE_TYPES else "video"
    desc = " ".join(str(item.get("desc") or "").split())
    return {
        "id": aweme_id,
        "time": from_epoch(created) if created else None,
        "time_text": "" if created else str(item.get("create_time") or ""),
        "title": desc[:TITLE_LENGTH],
        "url": f"{base_url.rstrip('/')}/{kind}/{aweme_id}" if aweme_id else "",
        "original": None,
        "pinned": bool(_int(item.get("is_top"))),
    }


def _hidden(item: dict[str, Any]) -> bool:
    status = found if isinstance(found := item.get("status"), dict) else {}
    return bool(item.get("is_prohibited") or status.get("is_delete") or _int(status.get("private_status")))


def read_posts(
    answer: Fetched, base_url: str, sec_uid: str = ""
) -> tuple[list[dict[str, Any]], list[str], int, bool, str, str | None]:
    """(posts as the page lists them, pinned ones first, then newest first; author names, hidden
    count, has_more, problem, the nickname of the works' author whose sec_uid is ``sec_uid``, or None).

    A work may be a co-creation published by another account: only an author with the
    account's own sec_uid names the account.
    """
    data, problem = _json_problem("post list", answer)
    if data is None:
        return [], [], 0, False, problem, None
    items = data.get("aweme_list")
    if _status_code(data) != 0:
        message = str(data.get("status_msg") or "").strip()
        listed = "an empty list" if not items else f"{len(items)} works"
        reason = f"post list: status_code {data.get('status_code')} with {listed} (risk control){' ' + message if message else ''}"
        return [], [], 0, False, reason, None
    if items is None:
        items = []
    if not isinstance(items, list):
        return [], [], 0, False, "post list: aweme_list is not a list", None
    shown = [i for i in items if isinstance(i, dict) and not _hidden(i)]
    names = []
    own_name = None
    for item in shown:
        author = found if isinstance(found := item.get("author"), dict) else {}
        name = str(author.get("nickname") or "").strip()
        if name and name not in names:
            names.append(name)
        if name and own_name is None and sec_uid and str(author.get("sec_uid") or "") == sec_uid:
            own_name = name
    posts = [_post(i, base_url) for i in shown]
    # pinned first (as the page lists them), then newest first; an undated work last
    posts.sort(key=lambda p: (not p["pinned"], -(p["time"].timestamp() if p["time"] else float("-inf"))))
    return posts, names, len(items) - len(shown), bool(_int(data.get("has_more"))), "", own_name


def _answer_sec_uid(*answers: Fetched | None) -> str:
    """The sec_uid the captured answers were asked for (their ``sec_user_id``)."""
    for answer in answers:
        if answer is not None:
            value = _query(answer.url).get("sec_user_id", [""])[0]
            if value:
                return value
    return ""


def read_account(
    base_url: str,
    profile: Fetched | None,
    posts: Fetched | None,
    page_status: int | None,
    page_html: str,
    waited_seconds: float | None = None,
    sec_uid: str = "",
) -> DouyinRead:
    """What the page showed of one account; see the module docstring for the decisions.

    ``sec_uid`` is the account's (by default the one the captured answers were asked for).
    """
    user, not_found, profile_problem = _read_profile(profile, page_html)
    name = str(user.get("nickname") or "").strip() if user else ""
    aweme_count = _int(user.get("aweme_count")) if user else None
    names_seen = [name] if name else []
    sec_uid = sec_uid or _answer_sec_uid(posts, profile)

    if posts is not None:
        listed, authors, hidden, has_more, problem, own_name = read_posts(posts, base_url, sec_uid)
        if not_found and (listed or hidden):
            # works of this sec_uid loaded: never "not found", and the answers disagree
            problem = f"the profile says the user does not exist but the post list shows {len(listed) + hidden} works"
            return DouyinRead(found=None, error=problem, names_seen=authors)
        if not_found:
            return DouyinRead(found=None, error=_no_such_user(sec_uid, not_found))
        names_seen += [a for a in authors if a not in names_seen]
        # the profile's nickname, else the works' own author's: never a co-author's
        current_name = name or own_name
        if not problem and not listed:
            if aweme_count is not None and aweme_count - hidden > 0:
                problem = (
                    f"post list empty although the profile counts {aweme_count} works "
                    "(risk control, or works shown only to a logged-in browser)"
                )
            elif aweme_count is None:
                problem = f"post list empty and the profile could not confirm it ({profile_problem})"
        elif not problem and not has_more and aweme_count is not None and aweme_count - hidden > len(listed):
            # The list ends short of the works the profile counts: its newest works may be
            # shown only to a logged-in browser, so what was listed proves no staleness.
            more_hidden = f" ({hidden} more hidden)" if hidden else ""
            problem = (
                f"post list incomplete: the profile counts {aweme_count} works, {len(listed)} listed{more_hidden} "
                "and the list says there are no more (works shown only to a logged-in browser, or risk control)"
            )
        if problem:
            return DouyinRead(found=None, current_name=current_name, error=problem, aweme_count=aweme_count, names_seen=names_seen)
        return DouyinRead(
            found=True,
            current_name=current_name,
            posts=listed,
            aweme_count=aweme_count,
            names_seen=names_seen,
            hidden_posts=hidden,
            has_more=has_more,
        )

    if not_found:
        return DouyinRead(found=None, error=_no_such_user(sec_uid, not_found))
    # The post list never arrived: say why, as precisely as the page allows.
    if page_status is not None and not 200 <= page_status < 300:
        reason = f"profile page: {_http_reason(page_status)}"
    elif _page_has_captcha(page_html):
        reason = "captcha page"
    elif profile is not None and profile_problem:
        reason = f"{profile_problem}; post list not loaded"
    elif waited_seconds is not None:
        reason = f"timeout: the page loaded no post list within {waited_seconds:g} s"
    else:
        reason = "the page loaded no post list"
    return DouyinRead(found=None, current_name=name or None, error=reason, aweme_count=aweme_count, names_seen=names_seen)


# -- reading one account -----------------------------------------------------------------


def _settled(captured: Mapping[str, Fetched]) -> bool:
    """The post list arrived, or the profile says there is no such user: read soon."""
    return "posts" in captured or ("profile" in captured and profile_says_not_found(captured["profile"]))


def profile_page_fetch(base_url: str, sec_uid: str) -> Fetch:
    """The profile page, rendered, with the two answers of this sec_uid it loads. Never
    retried: each retry is one more page for Douyin's risk control to count (an account not
    read is 待人工复核 and can be run again alone)."""
    return Fetch(
        profile_url(base_url, sec_uid),
        retry=False,
        render=Render(
            capture={"profile": partial(is_profile_api, sec_uid=sec_uid), "posts": partial(is_posts_api, sec_uid=sec_uid)},
            settled=_settled,
            refused=lambda title: captcha_title(f"<title>{title}</title>"),
        ),
    )


def _failure(error: str) -> str:
    reason = error.splitlines()[0]  # Playwright appends its call log
    return "timeout: the profile page did not load" if reason == "timeout" else reason


def read_profile_page(target: Target, sec_uid: str) -> Reading[DouyinRead]:
    """What the rendered profile page showed (:func:`read_account`), with the evidence URLs."""
    page = yield profile_page_fetch(target.base_url, sec_uid)
    if page.error:
        read = DouyinRead(found=None, error=_failure(page.error))
    else:
        read = read_account(
            target.base_url,
            page.captured.get("profile"),
            page.captured.get("posts"),
            page.status,
            page.text,
            # the watch ran out of time with no post list
            waited_seconds=page.waited_seconds if "posts" not in page.captured else None,
            sec_uid=sec_uid,
        )
    return replace(read, url=page.url, fetched_urls=[page.url, *(evidence_url(a.url) for a in page.captured.values())])


def account_fields(target: Target, read: DouyinRead) -> dict[str, Any]:
    """The account observation's fields (docs/schema.md) from what the page showed."""
    return {
        "url": read.url,
        "found": read.found,
        "current_name": read.current_name,
        "posts": evidence_posts(read.posts, target.as_of),
        "latest_post_at": latest_times(read.posts)[0],
        # Douyin shows no original/repost marker: the rules give 待人工复核 for
        # 3个月无原创 unless an inspector records the latest original by hand.
        "latest_original_at": None,
        "originals_known": False,
        "error": read.error,
        "fetched_urls": read.fetched_urls,
        "names_seen": read.names_seen,
        "works_count": read.aweme_count,
        "posts_listed": len(read.posts),
        "hidden_posts": read.hidden_posts,
        "more_posts": read.has_more,
        "logged_in_browser": target.logged_in_browser,
    }


def observe(target: Target) -> Observing:
    """The account's observation fields. A 账号ID that is no sec_uid (a 抖音号) opens no
    page: 待人工复核 with the reason, nothing fetched."""
    sec_uid = sec_uid_of(target.account_id)
    if not sec_uid:
        given = target.account_id
        reason = (
            f"账号ID {given!r} is not a sec_uid (the last part of the profile URL www.douyin.com/user/…): "
            "cannot open the profile page" if given else "no 账号ID (sec_uid): cannot open the profile page"
        )
        return {"url": "", "found": None, "current_name": None, "posts": [], "latest_post_at": None,
                "latest_original_at": None, "originals_known": False, "error": reason}
    read = yield from guarded(read_profile_page(target, sec_uid), lambda reason: DouyinRead(found=None, error=reason),
                              f"douyin {sec_uid}")
    return account_fields(target, read)

"""WeChat's sources: each official account read from pluggable sources, tried in order.

Every automatic WeChat source is fragile, so each is a small class with one job (read one
account from one place), a reader of the one shape (:mod:`govcheck.extract.reading`): its
``read`` yields what to fetch and is sent what came back. :func:`observe` tries them in order
until one gives a definite answer and returns the account observation's fields:

1. ``sogou`` — Sogou WeChat search, anonymous: the account card (current name, WeChat id)
   and its latest article. It cannot tell originals from reposts.
2. ``mp`` — the MP backend with an operator's logged-in session (cookie and token):
   ``searchbiz`` then ``appmsg list_ex``, with the 原创 flag of every article.
3. ``client`` — ``profile_ext getmsg`` with key and uin captured from the desktop client, for
   the account's ``__biz`` (its 账号ID when that is one, else the MP search's fakeid), with
   ``copyright_stat`` on every article.

What each page or answer says is read by :mod:`govcheck.extract.wechat`; which source is
configured, and with what, is the spider's (:mod:`govcheck.spiders.wechat`).

A *definite* answer is "the account does not exist" (the platform's own search says nothing
matches: an empty MP search list), or "found" together with a post list whose originals are
known. Sogou's no-result page is an index's answer, not WeChat's: the next sources are still
asked, and when none of them can say, the account is undetermined (``found`` None: "Sogou
lists no matching account; WeChat's own search was not available (…)" → 待人工复核), never
搜索不到 — an account may be missing from Sogou's index, or listed there under a new name. A
Sogou page listing other accounts only is undetermined as well. Sogou's answer (found, name,
latest post, originals unknown) is kept while the next sources are tried for the originals;
when none of them can say, the observation is Sogou's, and the rules leave 3个月无原创 to an
inspector (待人工复核). When no source could read the account, ``found`` is None and
``error`` names each source's reason (``sogou: captcha page; mp: not configured; client: not
configured``) → 待人工复核. A later source never overrules an earlier "found" with "not found".

Credentials are sent only to the MP host, in fetches that are never retried, redirected or
merged with the cookie jar (:func:`secret_fetch`); every URL kept as evidence has its
``token``/``key``/``uin`` removed, and no credential is kept in what a source returns.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from functools import partial
from datetime import datetime, timedelta
from typing import Any

from govcheck.extract.posts import evidence_posts, latest_times, newest_first
from govcheck.extract.reading import Fetch, Fetched, Observing, guarded
from govcheck.extract.wechat import (
    MpAccount,
    appmsg_url,
    biz_of,
    getmsg_url,
    is_wechat_id,
    match_card,
    match_mp_account,
    read_appmsg,
    read_getmsg,
    read_searchbiz,
    read_sogou,
    redact_text,
    redact_url,
    searchbiz_url,
    sogou_posts,
    sogou_search_url,
)

__all__ = [
    "NOT_CONFIGURED",
    "EVIDENCE_DAYS",
    "EVIDENCE_NEWEST",
    "Target",
    "SourceResult",
    "SourceRead",
    "Source",
    "SogouSource",
    "MpSource",
    "ClientSource",
    "SourceChain",
    "secret_fetch",
    "search_queries",
    "read_sources",
    "source_outcome",
    "combine",
    "observe",
]

SOURCE_PREFIX = "wechat-"
NOT_CONFIGURED = "not configured"
MP_PAGE_SIZE = 5
CLIENT_PAGE_SIZE = 10
# The evidence keeps the articles of the last EVIDENCE_DAYS and always the EVIDENCE_NEWEST
# newest (a message of several articles shares one date).
EVIDENCE_DAYS = 92
EVIDENCE_NEWEST = 3


# -- what a source tells ---------------------------------------------------------------------


@dataclass
class Target:
    """What the sources know of the account they read."""

    name: str
    account_id: str
    as_of: datetime
    history_days: int = 92
    max_pages: int = 8
    earlier: list[SourceResult] = field(default_factory=list)

    @property
    def history_start(self) -> datetime:
        return self.as_of - timedelta(days=self.history_days)


@dataclass
class SourceResult:
    """One source's reading of one account.

    ``found`` None: the source could not tell (``error`` says why). ``posts`` None: the
    post list was not read. A *complete* result ends the chain.
    """

    source: str
    found: bool | None = None
    current_name: str | None = None
    posts: list[dict[str, Any]] | None = None
    originals_known: bool = False
    error: str = ""
    note: str = ""
    url: str = ""
    fetched_urls: list[str] = field(default_factory=list)
    names_seen: list[str] = field(default_factory=list)
    wechat_id: str = ""
    biz: str = ""
    # "not found" in a third-party index (Sogou), not in the platform's own search: the next
    # sources are still asked, and it stands only when none of them can say
    index_only: bool = False

    @property
    def complete(self) -> bool:
        if self.found is False:
            return not self.index_only
        return self.found is True and self.posts is not None and self.originals_known

    def fetched(self, url: str) -> str:
        kept = redact_url(url)
        self.fetched_urls.append(kept)
        self.url = self.url or kept
        return url

    def failed(self, reason: str) -> SourceResult:
        self.error = redact_text(reason)
        return self


SourceRead = Generator[Fetch, Fetched, SourceResult]


def _status_reason(status: int | None) -> str:
    if status is not None and 300 <= status < 400:
        return f"redirected (HTTP {status}): login required"
    return f"HTTP {status}"


def secret_fetch(url: str, headers: dict[str, str] | None = None) -> Fetch:
    """A fetch that carries credentials: no retry (its log line would show the URL), no
    redirect (MP sends an expired session to the login page), the Cookie header sent as given."""
    return Fetch(url, headers=headers or {}, follow_redirects=False, retry=False, own_cookies=True)


def search_queries(target: Target) -> list[str]:
    """What to search for: the WeChat id (exact) when the 账号ID is one, then the registered name."""
    queries = [target.account_id] if is_wechat_id(target.account_id) else []
    if target.name and target.name not in queries:
        queries.append(target.name)
    return queries


def _window_covered(posts: list[dict[str, Any]], target: Target) -> bool:
    """The list read so far holds an original up to as_of, or reaches back past the history."""
    if any(p.get("original") is True and p.get("time") and p["time"] <= target.as_of for p in posts):
        return True
    times = [p["time"] for p in posts if p.get("time")]
    return bool(times) and min(times) < target.history_start


# -- the sources -------------------------------------------------------------------------------


class Source:
    """Reads one account from one place. ``read`` yields fetches, is sent what they brought and
    returns a :class:`SourceResult`; a source that cannot run says why in ``unavailable``."""

    name = ""

    def unavailable(self) -> str:
        return ""

    def read(self, target: Target) -> SourceRead:
        raise NotImplementedError
        yield  # pragma: no cover


class SogouSource(Source):
    """Sogou WeChat account search: the card with the 账号ID, else with the registered name."""

    name = "sogou"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def read(self, target: Target) -> SourceRead:
        result = SourceResult(self.name)
        queries = search_queries(target)
        if not queries:
            return result.failed("nothing to search for (no 账号ID, no name)")
        undetermined: list[str] = []
        for query in queries:
            # redirects followed: Sogou's anti-spider page is reached through one
            reply = yield Fetch(result.fetched(sogou_search_url(self.base_url, query)))
            if reply.error:
                return result.failed(reply.error)
            if reply.url != result.fetched_urls[-1]:
                result.fetched(reply.url)
            if reply.status is None or not 200 <= reply.status < 300:
                return result.failed(_status_reason(reply.status))
            page = read_sogou(reply.text, reply.url)
            if page.kind == "captcha":
                return result.failed("captcha page")
            if page.kind == "unparsed":
                return result.failed(f"result page not understood ({page.detail})")
            result.names_seen += [f"{c.name} ({c.wechat_id})" for c in page.cards]
            card = match_card(page.cards, target.account_id, target.name)
            if card is not None:
                result.found, result.current_name, result.wechat_id = True, card.name, card.wechat_id
                posts = sogou_posts(card)
                if posts:
                    result.posts = posts
                    result.note = "Sogou shows the latest article only and cannot tell originals"
                else:
                    result.error = "the account card shows no latest article"
                return result
            if page.kind == "results":
                # other accounts listed: ours may be among them under a new name, or further on
                undetermined.append(
                    f"{len(page.cards)} accounts listed for {query!r} and more pages, none matching" if page.more_pages
                    else f"{len(page.cards)} accounts listed for {query!r}, none with this 账号ID or name"
                )
        if undetermined:
            return result.failed("; ".join(undetermined))
        result.found, result.posts, result.index_only = False, [], True
        result.note = f"no account found for {' / '.join(repr(q) for q in queries)}"
        return result


class MpSource(Source):
    """The MP backend: ``searchbiz`` for the account's fakeid, then its ``appmsg list_ex`` pages."""

    name = "mp"

    def __init__(self, base_url: str, cookie: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._cookie, self._token = cookie, token

    def unavailable(self) -> str:
        return "" if self._cookie and self._token else NOT_CONFIGURED

    def _fetch(self, url: str) -> Fetch:
        return secret_fetch(url, {"Cookie": self._cookie, "Referer": f"{self.base_url}/"})

    def read(self, target: Target) -> SourceRead:
        result = SourceResult(self.name)
        queries = search_queries(target)
        if not queries:
            return result.failed("nothing to search for (no 账号ID, no name)")
        match: MpAccount | None = None
        listed_any = False
        for query in queries:
            reply = yield self._fetch(result.fetched(searchbiz_url(self.base_url, query, self._token)))
            if reply.error:
                return result.failed(reply.error)
            if reply.status is None or not 200 <= reply.status < 300:
                return result.failed(_status_reason(reply.status))
            answer = read_searchbiz(reply.text)
            if answer.error:
                return result.failed(answer.error)
            result.names_seen += [f"{a.nickname} ({a.alias or a.fakeid})" for a in answer.accounts]
            listed_any = listed_any or bool(answer.accounts)
            match = match_mp_account(answer.accounts, target.account_id, target.name)
            if match is not None:
                break
        if match is None:
            if listed_any:
                return result.failed("the MP search lists other accounts, none with this 账号ID or name")
            result.found, result.posts = False, []
            result.note = f"the MP search lists no account for {' / '.join(repr(q) for q in queries)}"
            return result
        result.found, result.current_name, result.wechat_id, result.biz = True, match.nickname, match.alias, match.fakeid
        posts: list[dict[str, Any]] = []
        begin = 0
        for page in range(target.max_pages):
            reply = yield self._fetch(result.fetched(appmsg_url(self.base_url, match.fakeid, self._token, begin, MP_PAGE_SIZE)))
            if reply.error:
                return result.failed(f"article list: {reply.error}")
            if reply.status is None or not 200 <= reply.status < 300:
                return result.failed(f"article list: {_status_reason(reply.status)}")
            answer = read_appmsg(reply.text)
            if answer.error:
                return result.failed(f"article list: {answer.error}")
            if page == 0 and not answer.listed:
                # list_ex lists mass-sent articles: an empty list does not prove an account never posted
                return result.failed("article list: empty (no mass-sent article listed)")
            posts += answer.posts
            begin += answer.listed
            if not answer.listed or (answer.total is not None and begin >= answer.total) or _window_covered(posts, target):
                result.posts, result.originals_known = posts, True
                return result
        result.posts = posts
        result.note = (f"{len(posts)} articles read ({target.max_pages} pages), none declared original, "
                       "the list goes on: originals not determined")
        return result


class ClientSource(Source):
    """``profile_ext getmsg`` with the client's key and uin, for the account's ``__biz``."""

    name = "client"

    def __init__(self, base_url: str, key: str, uin: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._key, self._uin = key, uin

    def unavailable(self) -> str:
        return "" if self._key and self._uin else NOT_CONFIGURED

    def read(self, target: Target) -> SourceRead:
        result = SourceResult(self.name)
        biz = biz_of(target.account_id) or next((r.biz for r in target.earlier if r.biz), "")
        if not biz:
            return result.failed("no __biz known (the 账号ID is not one and no other source found the account)")
        result.biz = biz
        posts: list[dict[str, Any]] = []
        offset = 0
        for page in range(target.max_pages):
            url = getmsg_url(self.base_url, biz, self._key, self._uin, offset, CLIENT_PAGE_SIZE)
            reply = yield secret_fetch(result.fetched(url))
            if reply.error:
                return result.failed(reply.error)
            if reply.status is None or not 200 <= reply.status < 300:
                return result.failed(_status_reason(reply.status))
            answer = read_getmsg(reply.text)
            if answer.error:
                return result.failed(answer.error)
            if page == 0 and not answer.listed:
                # getmsg answers an empty list for a __biz it does not know as well
                return result.failed("empty message list (an account without messages or an unknown __biz)")
            posts += answer.posts
            result.found = True
            if not answer.more or _window_covered(posts, target):
                result.posts, result.originals_known = posts, True
                return result
            offset = answer.next_offset if answer.next_offset and answer.next_offset > offset else offset + CLIENT_PAGE_SIZE
        result.posts = posts
        result.note = (f"{len(posts)} articles read ({target.max_pages} pages), none declared original, "
                       "the list goes on: originals not determined")
        return result


# -- the chain ---------------------------------------------------------------------------------


class SourceChain:
    """One account's way through the sources: which are still to be asked, what each said."""

    def __init__(self, sources: list[Source], target: Target) -> None:
        self.pending = list(sources)
        self.target = target
        self.results: list[SourceResult] = []

    def record(self, result: SourceResult) -> None:
        if result.found is False and any(r.found for r in self.results):
            earlier = next(r.source for r in self.results if r.found)
            result.found, result.posts = None, None
            result.error = result.error or f"found no account although {earlier} found it ({result.note})"
        self.results.append(result)
        self.target.earlier = self.results

    @property
    def done(self) -> bool:
        return any(r.complete for r in self.results) or not self.pending


def _source_failed(name: str, reason: str) -> SourceResult:
    return SourceResult(name, error=redact_text(reason))


def read_sources(target: Target, sources: list[Source]) -> Generator[Fetch, Fetched, SourceChain]:
    """Asks the sources in order until one gives a definite answer (see the module docstring)."""
    chain = SourceChain(sources, target)
    while not chain.done:
        source = chain.pending.pop(0)
        reason = source.unavailable()
        if reason:
            chain.record(SourceResult(source.name, error=reason))
            continue
        # a source's bug must not lose the account: the next sources are asked
        chain.record((yield from guarded(
            source.read(target),
            partial(_source_failed, source.name),
            f"wechat source {source.name} on {target.name or target.account_id}",
        )))
    return chain


def observe(target: Target, sources: list[Source]) -> Observing:
    """The account's observation fields: the sources' answers combined."""
    chain = yield from read_sources(target, sources)
    return combine(chain.results, [s.name for s in chain.pending], target.as_of)


def source_outcome(result: SourceResult) -> dict[str, str]:
    if result.error == NOT_CONFIGURED:
        outcome = NOT_CONFIGURED
    elif result.found is False:
        outcome = "not found"
    elif result.found and result.complete:
        outcome = "answered"
    elif result.found:
        outcome = "partly answered"
    else:
        outcome = "failed"
    return {"source": result.source, "outcome": outcome, "detail": result.error or result.note}


def combine(results: list[SourceResult], untried: Iterable[str], as_of: datetime) -> dict[str, Any]:
    """The observation's fields from what each source said (see the module docstring)."""
    found = [r for r in results if r.found]
    chosen = (
        next((r for r in results if r.complete), None)
        or next((r for r in found if r.posts is not None), None)
        or (found[0] if found else None)
        # Sogou's "not found", when no later source could say either way: undetermined (below)
        or next((r for r in results if r.found is False), None)
    )
    reasons = "; ".join(f"{r.source}: {r.error}" for r in results if r.error)
    fetched = [u for r in results for u in r.fetched_urls]
    names = list(dict.fromkeys(n for r in results for n in r.names_seen))
    sources = [source_outcome(r) for r in results] + [
        {"source": name, "outcome": "not tried", "detail": ""} for name in untried
    ]
    if chosen is not None and chosen.found is False and chosen.index_only:
        # Sogou is a third-party index: an account missing there (not indexed, a service
        # account, listed under a new name) is not established as gone. Only WeChat's own
        # search could say so, and it could not be asked.
        unavailable = [f"{r.source}: {r.error}" for r in results if r.error] + [f"{name}: not tried" for name in untried]
        reasons = (f"Sogou lists no matching account ({chosen.note}); WeChat's own search was not available"
                   + (f" ({'; '.join(unavailable)})" if unavailable else ""))
        chosen = None
    if chosen is None:
        return {
            "source": SOURCE_PREFIX.rstrip("-"),
            "url": fetched[0] if fetched else "",
            "found": None,
            "current_name": None,
            "posts": [],
            "latest_post_at": None,
            "latest_original_at": None,
            "originals_known": False,
            "error": reasons or "no source could read the account",
            "fetched_urls": fetched,
            "names_seen": names,
            "sources": sources,
        }
    posts = chosen.posts or []
    latest, latest_original = latest_times(posts)
    return {
        "source": SOURCE_PREFIX + chosen.source,
        "url": chosen.url,
        "found": chosen.found,
        "current_name": chosen.current_name or next((r.current_name for r in found if r.current_name), None),
        "posts": evidence_posts(sorted(posts, key=newest_first), as_of, days=EVIDENCE_DAYS, newest=EVIDENCE_NEWEST),
        "latest_post_at": latest,
        "latest_original_at": latest_original if chosen.originals_known else None,
        "originals_known": chosen.originals_known,
        # an answer without its post list is not a complete check: say why
        "error": "" if chosen.found is False or chosen.posts is not None else reasons,
        "fetched_urls": fetched,
        "names_seen": names,
        "wechat_id": chosen.wechat_id or next((r.wechat_id for r in found if r.wechat_id), ""),
        "biz": chosen.biz or next((r.biz for r in results if r.biz), ""),
        "posts_read": len(posts),
        # how far back the list was read (the evidence keeps only the last three months)
        "oldest_post_read": min((p["time"] for p in posts if p.get("time")), default=None),
        "sources": sources,
    }

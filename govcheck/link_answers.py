"""The round's answers to link checks: each URL asked once, the round's own fetches reused.

Many links of a round lead where the round goes anyway or where another site's link went: a
site's navigation to its columns, a city's sites linking each other's home pages, every
footer linking the same portals. So the sites spider asks this book before it checks a link:

- a URL the round fetched as a page (home, column, last page, detail page) is answered by that
  fetch: a GET with the usual retries, as good an answer as a link check's. A link to a page
  that is in the downloader now waits for it, at most ``page_wait`` seconds. (Never for a page
  still in the scheduler: the engine takes no scheduled request while the scraper is full, and
  pages waiting for their links fill it. Links to a site's own registered pages are not asked
  here at all: their own observations answer them, in the rules.)
- a URL already checked, or being checked, for any site is answered by that check;
- with ``GOVCHECK_REDIS_URL`` (several nodes sharing the round) a node also reads the answers
  the other nodes wrote to the round's hash in Redis (``govcheck:<spider>:<round>:links``) and
  writes its own there. Two nodes that need one URL at the same moment may both check it; a
  URL answered before is not asked again by any node;
- a budget (the profile's ``websites.links.checked_per_site``, one for a site's own host and one
  for other hosts) counts only the links this book could not answer without a request; the home
  page's links are given first (a site's other pages wait for its home page when that page is
  being fetched or read here); with Redis the budgets are kept there, so they hold across nodes.

Answers are ``(status, error, checked_at)``; what they mean is decided by govcheck.extract.links.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError

Answer = tuple[int | None, str, datetime]
Check = Callable[[str], Awaitable[tuple[int | None, str]]]

# Keys of a round's answers and budgets expire on their own (as the round's queue keys do).
KEY_SECONDS = 2 * 24 * 3600

# KEYS[1]: the links given a check under one budget. ARGV: budget, key lifetime (s), then the
# links asked for. Returns 1 for each link given (before, or now within the budget), else 0.
GIVE = """
local given = {}
local count = redis.call('SCARD', KEYS[1])
for i = 3, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then
    given[i - 2] = 1
  elseif count < tonumber(ARGV[1]) then
    redis.call('SADD', KEYS[1], ARGV[i])
    count = count + 1
    given[i - 2] = 1
  else
    given[i - 2] = 0
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return given
"""


class LinkAnswers:
    """One process's book of answers; ``redis_url`` and ``shared_prefix`` share it between nodes."""

    def __init__(self, clock: Callable[[], datetime], page_wait: float, redis_url: str | None = None, shared_prefix: str = "") -> None:
        self.clock = clock
        self.page_wait = page_wait
        self.answers: dict[str, asyncio.Future[Answer]] = {}
        self.fetching: set[str] = set()  # URLs whose future a page fetch of this process will settle
        self.checks: dict[str, asyncio.Task] = {}  # URL → its link check, while it runs
        self.given: dict[str, set[str]] = {}  # budget key → links given a check (without Redis)
        self.redis_url = redis_url
        self.prefix = shared_prefix
        self._client: Any = None
        self._give: Any = None
        self._writing: set[asyncio.Task] = set()
        self._homes: dict[str, asyncio.Event] = {}  # site key → its home page's links were given

    # -- the round's own fetches --------------------------------------------------------

    def page_requested(self, url: str) -> None:
        """A page of the round reached the downloader: links to it wait for its answer."""
        if url not in self.answers:
            self.answers[url] = asyncio.get_running_loop().create_future()
            self.fetching.add(url)

    def page_answered(self, url: str, status: int | None, error: str) -> None:
        """A page of the round was fetched (``status``) or failed (``error``)."""
        future = self.answers.get(url)
        if future is None:
            future = self.answers[url] = asyncio.get_running_loop().create_future()
        self.fetching.discard(url)
        if not future.done():
            future.set_result((status, error, self.clock()))
            self._share(url, future.result())

    # -- a site's links -----------------------------------------------------------------

    def home_links_given(self, site_key: str) -> None:
        """The site's home page has had its links given (or will have none): the site's other
        pages may take what is left of its budget."""
        event = self._homes.setdefault(site_key, asyncio.Event())
        if event.is_set():
            return
        event.set()
        if self.redis_url:
            self._in_background(self._mark_home(site_key))

    async def wait_for_home_links(self, site_key: str, home_url: str) -> None:
        """Waits, when the site's home page is being fetched or read here, until its links were
        given (at most ``page_wait`` seconds): they come first in the budget."""
        event = self._homes.setdefault(site_key, asyncio.Event())
        if event.is_set():
            return
        if home_url in self.answers:
            try:
                await asyncio.wait_for(event.wait(), self.page_wait)
            except TimeoutError:
                pass
        elif self.redis_url and await self._home_marked(site_key):
            event.set()

    def known(self, url: str) -> bool:
        """Whether the URL is answered, or being answered, without a check for the asking site."""
        return url in self.answers

    async def give(self, budget_key: str, links: Sequence[str], budget: int) -> list[str]:
        """The links of ``links`` that get a check of their own, within the budget kept under
        ``budget_key``: those answered already, or being answered, need none."""
        unknown = [link for link in links if link not in self.answers]
        if unknown and self.redis_url:
            await self._read_shared(unknown)
            unknown = [link for link in unknown if link not in self.answers]
        if not unknown:
            return []
        if self.redis_url:
            try:
                flags = await self._give(keys=[f"{self.prefix}:given:{budget_key}"], args=[budget, KEY_SECONDS, *unknown])
                return [link for link, flag in zip(unknown, flags) if flag]
            except (RedisError, OSError):
                pass  # the budget of this process alone, below
        given = self.given.setdefault(budget_key, set())
        chosen = []
        for link in unknown:
            if link in given or len(given) < budget:
                given.add(link)
                chosen.append(link)
        return chosen

    async def answer(self, url: str, check: Check) -> Answer:
        """The URL's answer: the round's own, or ``check(url)``'s (made once)."""
        future = self.answers.get(url)
        if future is None:
            future = self.answers[url] = asyncio.get_running_loop().create_future()
        elif url in self.fetching and not future.done():
            try:
                return await asyncio.wait_for(asyncio.shield(future), self.page_wait)
            except TimeoutError:
                self.fetching.discard(url)  # the page went back to the scheduler (a retry): check it
        if not future.done() and url not in self.fetching and url not in self.checks:
            self.checks[url] = asyncio.ensure_future(self._check(url, future, check))
        return await asyncio.shield(future)

    async def _check(self, url: str, future: asyncio.Future[Answer], check: Check) -> None:
        try:
            status, error = await check(url)
        except Exception as exception:  # noqa: BLE001 - the answer is that it failed
            status, error = None, f"{type(exception).__name__}: {exception}"
        finally:
            self.checks.pop(url, None)  # the future holds the answer: a large round keeps no task per URL
        if not future.done():
            future.set_result((status, error, self.clock()))
            self._share(url, future.result())

    # -- several nodes ------------------------------------------------------------------

    def _connect(self) -> None:
        if self._client is None:
            assert self.redis_url is not None  # only a round shared over Redis connects
            self._client = redis_asyncio.from_url(self.redis_url)
            self._give = self._client.register_script(GIVE)

    def _in_background(self, write: Awaitable[None]) -> None:
        self._connect()
        task = asyncio.ensure_future(write)
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)

    async def _mark_home(self, site_key: str) -> None:
        try:
            await self._client.set(f"{self.prefix}:home:{site_key}", 1, ex=KEY_SECONDS)
        except (RedisError, OSError):
            pass  # the other nodes give their links in the order they come

    async def _home_marked(self, site_key: str) -> bool:
        self._connect()
        try:
            return bool(await self._client.exists(f"{self.prefix}:home:{site_key}"))
        except (RedisError, OSError):
            return False

    async def _read_shared(self, urls: list[str]) -> None:
        self._connect()
        try:
            values = await self._client.hmget(f"{self.prefix}:links", urls)
        except (RedisError, OSError):
            return  # every node checks what it needs meanwhile
        loop = asyncio.get_running_loop()
        for url, value in zip(urls, values):
            if value is not None and url not in self.answers:
                status, error, checked_at = json.loads(value)
                future = self.answers[url] = loop.create_future()
                future.set_result((status, error, datetime.fromisoformat(checked_at)))

    def _share(self, url: str, answer: Answer) -> None:
        if self.redis_url:
            status, error, checked_at = answer
            self._in_background(self._write(url, json.dumps([status, error, checked_at.isoformat()])))

    async def _write(self, url: str, value: str) -> None:
        key = f"{self.prefix}:links"
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.hset(key, url, value)
                pipe.expire(key, KEY_SECONDS)
                await pipe.execute()
        except (RedisError, OSError):
            pass  # the other nodes check it themselves

    async def drain(self) -> None:
        """Waits for the answers still being written to Redis, and disconnects."""
        if self._writing:
            await asyncio.gather(*self._writing, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

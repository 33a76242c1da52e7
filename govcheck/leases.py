"""Leases on hosts in Redis: the per-host limit shared by every node of a round.

Each node of a round shared over Redis (govcheck.distributed) keeps its own per-host limit in
its downloader (govcheck.politeness); alone, N nodes would put N times the limit on a host.
So when ``GOVCHECK_REDIS_URL`` (the shared round's) or ``GOVCHECK_HOST_LEASES_URL`` (every job
of a node: the scheduled probes and the platforms' spiders too) is set, every transfer also
takes a lease on its host in that Redis before it starts and gives it back when it ends:

- a host's leases are the members of one sorted set (``govcheck:hosts:<host>``) scored by when
  they expire, in Redis's own clock (``TIME`` inside the scripts: the nodes' clocks may differ);
- taking leases is one script: it drops the expired ones, and takes the units asked for on every
  host at once, or none (a Splash render holds the Splash server and the page's host together);
- a node renews the leases it holds every third of ``GOVCHECK_HOST_LEASE_SECONDS``; a node that
  crashed stops renewing, so its leases expire and the host is free again within that time;
- a lease refused (the host is full across the nodes) is asked for again after a short wait, at
  most ``POLL_MAX`` seconds, before the request's download starts (its timeout is not running);
- while Redis cannot be reached, the request waits and the node says so in its log every
  minute: it never goes on without the lease.

The leases are per host, not per round: two rounds, or a round and the scheduled probes job,
sharing one Redis also share the limit. Every node uses its own limit (the slot's concurrency)
when it asks, so the nodes of a round should be given the same one.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any

from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError
from scrapy.settings import BaseSettings
from govcheck import settings as defaults

logger = logging.getLogger(__name__)

KEY_PREFIX = "govcheck:hosts:"
POLL_MIN, POLL_MAX = 0.05, 0.5  # seconds between two asks for a refused lease
ERROR_WAIT = 1.0  # seconds between two asks while Redis cannot be reached
WARN_EVERY = 60.0

# KEYS: the hosts' keys. ARGV: lease time (ms), lease id, then units and limit for each key.
TAKE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) + tonumber(ARGV[1 + 2 * i]) > tonumber(ARGV[2 + 2 * i]) then
    return 0
  end
end
for i, key in ipairs(KEYS) do
  for unit = 1, tonumber(ARGV[1 + 2 * i]) do
    redis.call('ZADD', key, now + ttl, ARGV[2] .. ':' .. unit)
  end
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
end
return 1
"""
# KEYS: a key per member to renew. ARGV: lease time (ms), then the members.
RENEW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + ttl, ARGV[1 + i])
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
end
return 1
"""


@dataclass(frozen=True)
class Lease:
    """Units held on hosts: ``(redis key, member)`` pairs."""

    members: tuple[tuple[str, str], ...]


class HostLeases:
    """One node's leases; ``acquire`` and ``release`` are called by the downloader."""

    def __init__(self, redis_url: str, lease_seconds: float = 30.0) -> None:
        self.redis_url = redis_url
        self.lease_ms = max(1000, int(lease_seconds * 1000))
        self.node = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._numbers = itertools.count()
        self._client: Any = None
        self._take: Any = None
        self._renew: Any = None
        self._held: set[Lease] = set()
        self._renewing: asyncio.Task | None = None
        self._releasing: set[asyncio.Task] = set()
        self._warned = 0.0

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> HostLeases | None:
        """Leases in GOVCHECK_HOST_LEASES_URL's Redis, else in the round's (GOVCHECK_REDIS_URL) when
        the round is shared; None when neither is set."""
        url = settings.get("GOVCHECK_HOST_LEASES_URL") or settings.get("GOVCHECK_REDIS_URL")
        if not url:
            return None
        return cls(url, settings.getfloat("GOVCHECK_HOST_LEASE_SECONDS", defaults.GOVCHECK_HOST_LEASE_SECONDS))

    def _connect(self) -> None:
        if self._client is None:
            self._client = redis_asyncio.from_url(self.redis_url)
            self._take = self._client.register_script(TAKE)
            self._renew = self._client.register_script(RENEW)
        if self._renewing is None:
            self._renewing = asyncio.ensure_future(self._keep_renewing())

    async def acquire(self, holds: list[tuple[str, int, int]]) -> Lease:
        """Takes ``units`` on each ``(host, units, limit)`` at once, waiting until they are free."""
        self._connect()
        lease_id = f"{self.node}:{next(self._numbers)}"
        keys = [KEY_PREFIX + host for host, _, _ in holds]
        arguments: list[Any] = [self.lease_ms, lease_id]
        for _, units, limit in holds:
            arguments += [units, limit]
        lease = Lease(tuple((KEY_PREFIX + host, f"{lease_id}:{unit}") for host, units, _ in holds for unit in range(1, units + 1)))
        wait = POLL_MIN
        while True:
            try:
                if await self._take(keys=keys, args=arguments):
                    self._held.add(lease)
                    return lease
            except (RedisError, OSError) as error:
                self._warn(f"host leases: Redis at {self.redis_url} cannot be reached ({error}); requests wait for it")
                await asyncio.sleep(ERROR_WAIT)
                continue
            await asyncio.sleep(wait * random.uniform(0.5, 1.0))
            wait = min(POLL_MAX, wait * 1.5)

    def release(self, lease: Lease) -> None:
        """Gives the units back (in the background: a lease not given back expires)."""
        self._held.discard(lease)
        task = asyncio.ensure_future(self._remove(lease))
        self._releasing.add(task)
        task.add_done_callback(self._releasing.discard)

    async def _remove(self, lease: Lease) -> None:
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for key, member in lease.members:
                    pipe.zrem(key, member)
                await pipe.execute()
        except (RedisError, OSError) as error:
            self._warn(f"host leases: could not give back a lease ({error}); it expires in {self.lease_ms // 1000} s")

    async def _keep_renewing(self) -> None:
        while True:
            await asyncio.sleep(self.lease_ms / 3000)
            members = [pair for lease in list(self._held) for pair in lease.members]
            if not members:
                continue
            try:
                await self._renew(keys=[key for key, _ in members], args=[self.lease_ms, *(member for _, member in members)])
            except (RedisError, OSError) as error:
                self._warn(f"host leases: could not renew the leases held ({error})")

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if now - self._warned >= WARN_EVERY:
            self._warned = now
            logger.warning(message)

    async def drain(self) -> None:
        """Gives back every lease still held, waits for Redis to have them all, and disconnects."""
        if self._renewing is not None:
            self._renewing.cancel()
            self._renewing = None
        for lease in list(self._held):
            self.release(lease)
        if self._releasing:
            await asyncio.gather(*self._releasing, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

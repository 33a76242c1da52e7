"""A name resolver for crawls in tests (Scrapy's TWISTED_DNS_RESOLVER): the names in the
GOVCHECK_TEST_HOSTS environment variable (``name=address,…``) resolve to their addresses, as
public-looking names of a hostile page would; every other name goes to the system's resolver."""

from __future__ import annotations

import os
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


def mapped_hosts() -> dict[str, str]:
    pairs = (entry.split("=", 1) for entry in os.environ.get("GOVCHECK_TEST_HOSTS", "").split(",") if "=" in entry)
    return {name.strip(): address.strip() for name, address in pairs}


class MappedResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:  # noqa: N802 (Twisted's interface)
        address = mapped_hosts().get(name)
        return defer.succeed(address) if address else super().getHostByName(name, timeout)

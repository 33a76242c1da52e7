"""Which addresses the crawl may fetch a URL taken from a page at.

A page can name any URL: a link to ``http://127.0.0.1/admin?action=delete``, to the cloud
metadata service at 169.254.169.254, to a printer on the office's network. The crawl runs
inside that network, so a URL taken from a page (a link checked, a last page, a detail page, a
discovered column) is fetched only when every address its host resolves to is public.
Refused: loopback, private, link-local, multicast, reserved, unspecified, shared (CGNAT) and
every other address the IANA registries do not mark globally reachable
(:attr:`ipaddress.IPv4Address.is_global`), IPv4 addresses written as IPv6 included.

``GOVCHECK_ALLOW_PRIVATE_ADDRESSES`` (govcheck/settings.py) lists networks allowed all the
same: the loopback replicas of the tests and the demo, or an office's own intranet.

The register is checked with the same rule at import (:func:`literal_address_kind`): a
网址 written as a non-public IP address is refused with its row unless allowed. Names in the
register are not resolved at import; names taken from pages are resolved by the crawl
(govcheck.policy_middleware), with the resolver its downloads use.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import tldextract

__all__ = [
    "Address",
    "Network",
    "NetworkPolicyError",
    "ALLOW_SETTING",
    "address_kind",
    "address_problem",
    "allowed_networks",
    "environment_allowed_networks",
    "literal_address_kind",
    "PUBLIC_SUFFIXES",
    "registrable_domain",
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOW_SETTING = "GOVCHECK_ALLOW_PRIVATE_ADDRESSES"

# The Public Suffix List tldextract ships (its default downloads the list from the internet on
# first use: inspections must not depend on, or leak to, hosts other than their targets).
PUBLIC_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


def registrable_domain(host: str) -> str:
    """The part of a host name its registrant owns, by the Public Suffix List: ``weinan.gov.cn``
    for ``xxgk.weinan.gov.cn`` and ``www.weinan.gov.cn`` (gov.cn is a public suffix, so
    ``shaanxi.gov.cn`` is another site). An address or a name under no public suffix
    (``localhost``) is its own."""
    host = host.lower().rstrip(".")
    return PUBLIC_SUFFIXES(host).top_domain_under_public_suffix or host

# What a non-public address is, in the words of the evidence; the first that applies.
_KINDS = (
    ("unspecified", "is_unspecified"),
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("reserved", "is_reserved"),  # before private: Python counts 240.0.0.0/4 as both
    ("private", "is_private"),
)


def address_kind(address: Address | str, allowed: Sequence[Network] = ()) -> str | None:
    """What kind of non-public address ``address`` is (``loopback``, ``private``, ``link-local``,
    ``multicast``, ``reserved``, ``unspecified`` or ``non-public``), or None when it is public
    or inside one of the ``allowed`` networks."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index is no part of it
    plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped else address
    if any(plain.version == network.version and plain in network for network in allowed):
        return None
    if plain.is_global and not plain.is_multicast:
        return None
    return next((name for name, attribute in _KINDS if getattr(plain, attribute)), "non-public")


def address_problem(address: Address | str, allowed: Sequence[Network] = ()) -> str | None:
    """Why ``address`` may not be fetched (``"10.1.2.3 is a private address"``), or None (:func:`address_kind`)."""
    kind = address_kind(address, allowed)
    return None if kind is None else f"{address} is a {kind} address"


def literal_address_kind(url: str, allowed: Sequence[Network] = ()) -> str | None:
    """:func:`address_kind` of a URL whose host is written as an IP address; None for a host
    name (resolved only when fetched) or a URL without a host."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    return address_kind(address, allowed)


class NetworkPolicyError(ValueError):
    """GOVCHECK_ALLOW_PRIVATE_ADDRESSES names something that is no network; str() names it."""


def allowed_networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """The networks of GOVCHECK_ALLOW_PRIVATE_ADDRESSES: a list, or one text separated by
    commas or spaces (``"127.0.0.0/8, ::1"``); a bare address is a network of one.

    Raises NetworkPolicyError naming the entry that is no network."""
    if not value:
        return ()
    entries = value.replace(",", " ").split() if isinstance(value, str) else [str(v).strip() for v in value]
    networks = []
    for entry in entries:
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise NetworkPolicyError(f"{ALLOW_SETTING}: {entry!r} is not an IP address or network ({error})") from None
    return tuple(networks)


def environment_allowed_networks() -> tuple[Network, ...]:
    """The networks allowed by the environment variable of the same name: what commands that
    run no crawl (the register's import) read, as govcheck/settings.py does for the crawl."""
    return allowed_networks(os.environ.get(ALLOW_SETTING))

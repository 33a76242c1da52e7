"""Short, stable names for why a fetch failed, as evidence and 待人工复核 reasons."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as internet_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from govcheck.policy_middleware import AddressRefused

# Scrapy 2.19 wraps Twisted's errors in its own; both kinds are named here.
TIMEOUT_ERRORS = (DownloadTimeoutError, internet_error.TimeoutError, internet_error.TCPTimedOutError)
DNS_ERRORS = (CannotResolveHostError, internet_error.DNSLookupError)
REFUSED_ERRORS = (DownloadConnectionRefusedError, internet_error.ConnectionRefusedError)
RESET_ERRORS = (
    ResponseDataLossError,
    DownloadFailedError,
    internet_error.ConnectionLost,
    internet_error.ConnectionDone,
    ResponseNeverReceived,
    ResponseFailed,
)


def describe_failure(failure: Failure) -> str:
    """``timeout``, ``dns``, ``connection refused``, ``connection reset``, ``redirect loop`` or the error."""
    return describe_error(failure.value)


def describe_error(exception: BaseException) -> str:
    if isinstance(exception, TIMEOUT_ERRORS) or type(exception).__name__ == "TimeoutError":
        return "timeout"
    if isinstance(exception, DNS_ERRORS):
        return "dns"
    if isinstance(exception, REFUSED_ERRORS):
        return "connection refused"
    if isinstance(exception, RESET_ERRORS):
        return "connection reset"
    if isinstance(exception, AddressRefused):  # never sent: its text says why (network policy)
        return str(exception)
    if isinstance(exception, IgnoreRequest) and "redirect" in str(exception).lower():
        return "redirect loop"
    return f"{type(exception).__name__}: {exception}"[:300]

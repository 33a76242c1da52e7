"""Short, stable names for why a fetch failed, as evidence and 待人工复核 reasons."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import defer, error as internet_error
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
    """``timeout``, ``dns``, ``connection refused``, ``connection reset``, ``redirect loop``,
    ``too_large`` (over DOWNLOAD_MAXSIZE, as sent or unpacked) or the error."""
    return describe_error(failure.value)  # type: ignore[arg-type]  # twisted types it optional; a Failure always holds one


def too_large(exception: BaseException) -> bool:
    """Scrapy stopped the download at DOWNLOAD_MAXSIZE: announced by Content-Length or received
    (DownloadCancelledError: Scrapy cancels a download for nothing else, its timeout is named as
    such; a body cut while received comes without a message) or unpacked (IgnoreRequest)."""
    if isinstance(exception, IgnoreRequest):
        return "DOWNLOAD_MAXSIZE" in str(exception)
    return isinstance(exception, (DownloadCancelledError, defer.CancelledError))


def describe_error(exception: BaseException) -> str:
    if too_large(exception):
        return "too_large"
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

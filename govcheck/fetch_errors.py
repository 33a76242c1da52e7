"""Short, stable names for why a fetch failed, as evidence and 待人工复核 reasons."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from twisted.internet import error as internet_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

TIMEOUT_ERRORS = (internet_error.TimeoutError, internet_error.TCPTimedOutError)


def describe_failure(failure: Failure) -> str:
    """``timeout``, ``dns``, ``connection refused``, ``connection reset``, ``redirect loop`` or the error."""
    exception = failure.value
    if failure.check(*TIMEOUT_ERRORS) or type(exception).__name__ == "TimeoutError":
        return "timeout"
    if failure.check(internet_error.DNSLookupError):
        return "dns"
    if failure.check(internet_error.ConnectionRefusedError):
        return "connection refused"
    if failure.check(internet_error.ConnectionLost, internet_error.ConnectionDone, ResponseNeverReceived, ResponseFailed):
        return "connection reset"
    if failure.check(IgnoreRequest) and "redirect" in str(exception).lower():
        return "redirect loop"
    return f"{type(exception).__name__}: {exception}"[:300]

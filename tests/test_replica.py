"""The replica server answers like real sites do, including their failures."""

import http.client
import socket
import urllib.error
import urllib.request

import pytest

from govcheck_demo.replica import ReplicaServer


def fetch(url: str, timeout: float = 5):
    return urllib.request.urlopen(url, timeout=timeout)


def test_it_listens_on_loopback_only(replica_sites: ReplicaServer):
    assert replica_sites.url.startswith("http://127.0.0.1:")


def test_html_is_served_without_a_charset_so_the_page_decides(replica_sites: ReplicaServer):
    with fetch(f"{replica_sites.url}/_selftest/") as response:
        assert response.headers["Content-Type"] == "text/html"
        assert b"replica" in response.read()


def test_missing_files_are_404(replica_sites: ReplicaServer):
    with pytest.raises(urllib.error.HTTPError) as raised:
        fetch(f"{replica_sites.url}/_selftest/missing.html")
    assert raised.value.code == 404


def test_status_route_answers_the_asked_status(replica_sites: ReplicaServer):
    with pytest.raises(urllib.error.HTTPError) as raised:
        fetch(f"{replica_sites.url}/_status/503/index.html")
    assert raised.value.code == 503


def test_loop_route_redirects_for_ever(replica_sites: ReplicaServer):
    with pytest.raises(urllib.error.HTTPError) as raised:
        fetch(f"{replica_sites.url}/_loop/0")
    assert raised.value.code == 302  # urllib gives up on the loop


def test_hang_route_never_answers(replica_sites: ReplicaServer):
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(f"{replica_sites.url}/_hang/index.html", timeout=0.5)


def test_reset_route_closes_without_an_answer(replica_sites: ReplicaServer):
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
        fetch(f"{replica_sites.url}/_reset/index.html")


def test_paths_cannot_leave_the_served_folder(replica_sites: ReplicaServer):
    connection = http.client.HTTPConnection(replica_sites.url.removeprefix("http://"), timeout=5)
    connection.request("GET", "/../../pyproject.toml")
    assert connection.getresponse().status == 404

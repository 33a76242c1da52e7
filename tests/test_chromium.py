"""Chromium runs sandboxed unless govcheck runs as root (then warned), and in tests and the demo
reaches nothing but loopback: not a hostile page's other hosts, not Google's hosts of its own."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck import settings as project_settings
from govcheck.chromium import CLOSED_PROXY, LOOPBACK_ONLY_ARGS, NO_SANDBOX, launch_options
from govcheck_demo.replica import Reply, ReplicaServer
from support import govcheck, open_store, store_environment

CONFIGURED = {"executable_path": "/usr/bin/chromium", "headless": True, "args": ["--disable-gpu"]}


def test_not_as_root_chromium_keeps_its_sandbox(caplog):
    with caplog.at_level(logging.WARNING):
        options = launch_options(CONFIGURED, "auto", as_root=False)
    assert options["chromium_sandbox"] is True and NO_SANDBOX not in options["args"]
    assert caplog.records == []


def test_as_root_chromium_runs_without_its_sandbox_and_says_so(caplog):
    with caplog.at_level(logging.WARNING):
        options = launch_options(CONFIGURED, "auto", as_root=True)
    assert options["chromium_sandbox"] is False and options["args"].count(NO_SANDBOX) == 1
    assert "without its sandbox (govcheck runs as root)" in caplog.text


@pytest.mark.parametrize(("setting", "as_root", "sandbox"), [(True, True, True), ("true", False, True), (False, False, False), ("0", False, False)])
def test_the_setting_overrides_the_automatic_choice(setting, as_root, sandbox):
    options = launch_options({**CONFIGURED, "args": [NO_SANDBOX]}, setting, as_root=as_root)
    assert options["chromium_sandbox"] is sandbox and (NO_SANDBOX in options["args"]) is not sandbox


def test_loopback_only_adds_its_arguments_but_keeps_a_configured_proxy():
    assert all(arg in launch_options(CONFIGURED, loopback_only=True, as_root=False)["args"] for arg in LOOPBACK_ONLY_ARGS)
    proxied = launch_options({**CONFIGURED, "proxy": {"server": "http://127.0.0.1:3128"}}, loopback_only=True, as_root=False)
    assert f"--proxy-server={CLOSED_PROXY}" not in proxied["args"] and LOOPBACK_ONLY_ARGS[0] in proxied["args"]
    assert not any(arg in launch_options(CONFIGURED, as_root=False)["args"] for arg in LOOPBACK_ONLY_ARGS)


# -- a real Chromium, through a round's settings ----------------------------------------------------

HOSTILE = (  # what a hostile page asks the browser for, beyond loopback
    "http://203.0.113.7/pixel.png",
    "http://cdn.example.com/track.js",
    "https://accounts.google.com/favicon.ico",
    "http://198.51.100.9/beacon",
)


def column_page() -> str:
    news = "".join(f'<li><a href="/n{i}.html">渭南市召开第{i}次政府常务会议</a><span>2024-02-1{i}</span></li>' for i in range(1, 6))
    return (
        f'<html><head><script src="{HOSTILE[1]}"></script><link rel="stylesheet" href="{HOSTILE[2]}"></head>'
        f'<body><img src="{HOSTILE[0]}"><ul class="news">{news}</ul>'
        f'<script>fetch("{HOSTILE[3]}").catch(function () {{}});</script></body></html>'
    )


def sockets(netlog: str) -> list[tuple[str, str, bool]]:
    """(protocol, remote host, whether anything was sent) of every socket in Chromium's net log."""
    log = json.loads(netlog)
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    found: dict[int, dict[str, Any]] = {}
    for event in log["events"]:
        name, params = names[event["type"]], event.get("params") or {}
        socket = found.setdefault(event["source"]["id"], {"remote": set(), "protocol": "", "sent": False})
        if name in ("TCP_CONNECT_ATTEMPT", "UDP_CONNECT") and "address" in params:
            socket["protocol"] = name.split("_")[0]
            socket["remote"].add(params["address"].rsplit(":", 1)[0].strip("[]"))
        if name in ("SOCKET_BYTES_SENT", "UDP_BYTES_SENT"):
            socket["sent"] = True
    return [(s["protocol"], host, s["sent"]) for s in found.values() for host in s["remote"]]


@pytest.fixture(scope="module")
def rendered_round(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("chromium")
    netlog = folder / "netlog.json"
    launch = json.loads(json.dumps(project_settings.PLAYWRIGHT_LAUNCH_OPTIONS))
    launch["args"].append(f"--log-net-log={netlog}")
    routes = {"/": lambda path, query, headers: Reply(200, column_page(), "text/html; charset=utf-8")}
    with ReplicaServer(folder, routes=routes) as server, store_environment("embedded", folder) as env:
        register = {
            "网站": [{"网站名称": "渭南市渲染局", "网址": server.url + "/", "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": "渭南市渲染局"}],
            "栏目": [{"网站名称": "渭南市渲染局", "栏目名称": "工作动态", "栏目地址": server.url + "/list/", "栏目类型": "动态要闻", "渲染方式": "playwright"}],
        }
        (folder / "targets.yaml").write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
        assert govcheck(env, "targets", "import", str(folder / "targets.yaml")).returncode == 0
        run = govcheck(env, "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites",
                       "--set", "GOVCHECK_PROBE_INTERVAL=0", "--set", "GOVCHECK_LINKS_PER_SITE=0",
                       "--set", f"PLAYWRIGHT_LAUNCH_OPTIONS={json.dumps(launch)}", timeout=300)
        column = open_store(env).find_one("observations", {"target_key": "site:渭南市渲染局", "kind": "column"})
    return {"run": run, "column": column, "netlog": netlog.read_text(encoding="utf-8", errors="replace")}


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_was_rendered_in_chromium(rendered_round):
    assert rendered_round["run"].returncode == 0, rendered_round["run"].stderr[-3000:]
    column = rendered_round["column"]
    assert column["method"] == "rendered" and column["state"] == "entries", column


@pytest.mark.browser
@pytest.mark.slow
def test_the_hostile_page_asked_for_other_hosts(rendered_round):
    for url in HOSTILE:
        assert url in rendered_round["netlog"], url


@pytest.mark.browser
@pytest.mark.slow
def test_nothing_left_loopback(rendered_round):
    opened = sockets(rendered_round["netlog"])
    assert any(protocol == "TCP" for protocol, _, _ in opened), "the net log shows no connection at all"
    outside = [(protocol, host, sent) for protocol, host, sent in opened if not ipaddress.ip_address(host).is_loopback]
    # Chromium's IPv6 reachability check connects a UDP socket to 2001:4860:4860::8888 to read
    # the local route; a UDP connect sends nothing, and nothing was sent on it
    assert all(protocol == "UDP" and not sent for protocol, _, sent in outside), outside


@pytest.mark.browser
@pytest.mark.slow
def test_as_root_the_round_says_chromium_has_no_sandbox(rendered_round):
    warned = "Chromium renders pages without its sandbox" in rendered_round["run"].stderr
    assert warned is (os.geteuid() == 0)


# -- the sandbox, as a non-root user --------------------------------------------------------------


def chromium_namespaces(arguments: list[str], folder: Path) -> tuple[str, set[str]]:
    """Starts Chromium (headless, on a blank page) as a non-root user with ``arguments`` and
    returns the network namespace of its first process and those of all its processes."""
    command = ["/usr/bin/chromium", "--headless", f"--user-data-dir={folder / 'profile'}", "--remote-debugging-port=0", *arguments, "about:blank"]
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        command = ["runuser", "-u", "nobody", "--", "env", f"HOME={folder}", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    namespaces: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(namespaces) < 4:
            time.sleep(0.5)
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    if f"--user-data-dir={folder / 'profile'}".encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                        namespaces[int(pid)] = os.readlink(f"/proc/{pid}/ns/net")
                except OSError:
                    continue
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    assert namespaces, "Chromium did not start"
    return namespaces[min(namespaces)], set(namespaces.values())


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("runuser"), reason="no runuser to start Chromium as a non-root user")
@pytest.mark.skipif(Path("/proc/sys/user/max_user_namespaces").read_text().strip() == "0", reason="this machine allows no user namespaces: no sandbox")
@pytest.mark.browser
@pytest.mark.slow
def test_as_a_non_root_user_chromium_starts_with_its_sandbox():
    options = launch_options(project_settings.PLAYWRIGHT_LAUNCH_OPTIONS, "auto", loopback_only=True, as_root=False)
    assert NO_SANDBOX not in options["args"]
    # pytest's own folders are the root user's only: the non-root user's profile lives beside them
    with tempfile.TemporaryDirectory(prefix="govcheck-sandbox-") as first, tempfile.TemporaryDirectory(prefix="govcheck-sandbox-") as second:
        browser, sandboxed = chromium_namespaces(options["args"], Path(first))
        unsandboxed_browser, unsandboxed = chromium_namespaces([*options["args"], NO_SANDBOX], Path(second))
    # the renderers and helpers run in namespaces of their own: no network of the machine's
    assert sandboxed - {browser}, sandboxed
    assert unsandboxed == {unsandboxed_browser}  # the control: without the sandbox they share the browser's

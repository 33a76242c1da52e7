"""Over real HTTP: links a page names at loopback, private or link-local addresses (written as
addresses, behind a public-looking name, or behind a redirect) are never requested; the
refusal is the link's evidence (unchecked, never broken)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from govcheck.policy_middleware import SAME_HOST_AS, TAKEN_FROM_PAGE, AddressRefused, NetworkPolicyMiddleware
from govcheck.network_policy import allowed_networks
from govcheck_demo.replica import Reply, ReplicaServer
from support import govcheck, open_store, store_environment
from test_site_faults import SETTINGS, import_register

# each test crawls a round over HTTP
pytestmark = [pytest.mark.slow]

TESTS = Path(__file__).resolve().parent
POLICY = "not fetched: network policy: "


def home_page(server: str, other: str) -> str:
    port = server.rsplit(":", 1)[1]
    links = {
        f"{other}/internal/admin?action=delete": "后台",  # another loopback address than the one allowed
        "http://169.254.169.254/latest/meta-data/": "元数据",
        "http://10.20.30.40/internal/admin?action=delete": "内网",
        f"http://intranet.weinan.gov.cn:{port}/admin": "内网门户",  # a public-looking name resolving to 10.20.30.41
        f"http://public.weinan.gov.cn:{port}/ok": "公开页面",  # resolving to the allowed 127.0.0.1
        f"{server}/go": "跳转",  # redirects to 10.9.9.9
        f"{server}/ok": "正常页面",
    }
    anchors = "".join(f'<li><a href="{url}">{name}</a></li>' for url, name in links.items())
    news = "".join(f'<li><a href="/xwzx/{i}.html">渭南市召开第{i}次政府常务会议</a><span>2024-02-1{i}</span></li>' for i in range(1, 6))
    return (
        f'<html><head><title>渭南市测试局</title></head><body><div class="nav"><a href="/hdjl/">互动交流</a></div>'
        f'<div class="news"><ul>{news}</ul></div><ul class="links">{anchors}</ul></body></html>'
    )


@pytest.fixture(scope="module")
def policy_round(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("policy")
    requested_at_other: list[str] = []

    def other_route(path: str, query: Any, headers: Any) -> Reply:
        requested_at_other.append(path)
        return Reply(200, "<html><body>deleted</body></html>", "text/html; charset=utf-8")

    with ReplicaServer(folder, host="127.0.0.2", routes={"/": other_route}) as other:
        pages: dict[str, Reply] = {}

        def route(path: str, query: Any, headers: Any) -> Reply:
            return pages.get("/" + path.lstrip("/"), Reply(200, "<html><body>页面</body></html>", "text/html; charset=utf-8"))

        with ReplicaServer(folder, routes={"/": route}) as server, store_environment("embedded", folder) as env:
            pages["/"] = Reply(200, home_page(server.url, other.url), "text/html; charset=utf-8")
            pages["/go"] = Reply(302, "", "text/html", headers={"Location": "http://10.9.9.9/admin"})
            env = {
                **env,
                "GOVCHECK_ALLOW_PRIVATE_ADDRESSES": "127.0.0.1",  # the replica only, not 127.0.0.2
                "GOVCHECK_TEST_HOSTS": "intranet.weinan.gov.cn=10.20.30.41,public.weinan.gov.cn=127.0.0.1",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
            }
            import_register(env, folder, {
                "网站": [{"网站名称": "渭南市测试局", "网址": server.url + "/", "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": "渭南市测试局"}],
                "栏目": [{"网站名称": "渭南市测试局", "栏目名称": "工作动态", "栏目地址": server.url + "/", "栏目类型": "动态要闻"}],
            })
            arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites",
                         "--set", "TWISTED_DNS_RESOLVER=fake_resolver.MappedResolver"]
            for name, value in SETTINGS.items():
                arguments += ["--set", f"{name}={value}"]
            run = govcheck(env, *arguments, timeout=600)
            assert run.returncode in (0, 3), run.stderr[-3000:]
            store = open_store(env)
            home = store.find_one("observations", {"target_key": "site:渭南市测试局", "kind": "home"})
            yield {"home": home, "other": requested_at_other, "server": server.url, "other_url": other.url}


def test_nothing_was_sent_to_the_loopback_address_not_allowed(policy_round):
    assert policy_round["other"] == []


@pytest.mark.parametrize(("link", "why"), [
    ("{other}/internal/admin?action=delete", "127.0.0.2 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.20.30.40/internal/admin?action=delete", "10.20.30.40 is a private address"),
    ("http://intranet.weinan.gov.cn:{port}/admin", "intranet.weinan.gov.cn resolves to 10.20.30.41 is a private address"),
    ("{server}/go", "10.9.9.9 is a private address"),
])
def test_a_refused_link_is_unchecked_with_the_policy_as_its_evidence(policy_round, link, why):
    server = policy_round["server"]
    url = link.format(other=policy_round["other_url"], server=server, port=server.rsplit(":", 1)[1])
    links = policy_round["home"]["links"]
    unchecked = {record["url"]: record for record in links["unchecked"]}
    assert url in unchecked, links
    assert unchecked[url]["error"] == POLICY + why and unchecked[url]["status"] is None
    assert url not in {record["url"] for record in links["broken"]}


def test_links_to_allowed_addresses_are_checked_as_before(policy_round):
    server = policy_round["server"]
    port = server.rsplit(":", 1)[1]
    links = policy_round["home"]["links"]
    named = {record["url"] for record in links["unchecked"] + links["broken"]}
    assert f"{server}/ok" not in named and f"http://public.weinan.gov.cn:{port}/ok" not in named
    assert links["checked"] == links["found"]


def test_a_page_taken_from_another_host_than_its_list_is_refused():
    from scrapy.http import Request

    policy = NetworkPolicyMiddleware(allowed_networks("127.0.0.1"))
    list_page = "http://127.0.0.1:8000/list.html"
    last_page = Request("http://202.100.64.10/list_9.html", meta={TAKEN_FROM_PAGE: True, SAME_HOST_AS: list_page})
    with pytest.raises(AddressRefused, match=r"202\.100\.64\.10 is another host than the page's own \(127\.0\.0\.1\)"):
        asyncio.run(policy.process_request(last_page))
    same_host = Request("http://127.0.0.1:8000/list_9.html", meta={TAKEN_FROM_PAGE: True, SAME_HOST_AS: list_page})
    assert asyncio.run(policy.process_request(same_host)) is None
    # a request not taken from a page (the register's own URLs) is left to the import's check
    assert asyncio.run(policy.process_request(Request("http://10.0.0.1/"))) is None

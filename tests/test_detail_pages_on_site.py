"""Detail pages stay on the site: a list without dates has its detail pages read for their dates
only on the list's own registrable domain (another subdomain of it included). One on another
registrant's host is never requested; the column is reviewed where its date would matter,
never failed. Over real HTTP, the names resolving to the loopback replica (fake_resolver)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from govcheck.network_policy import registrable_domain
from govcheck_demo.replica import Reply, ReplicaServer
from support import loopback_names, govcheck, open_store, store_environment
from test_site_faults import SETTINGS, import_register

pytestmark = [pytest.mark.slow]  # the tests read a round crawled over HTTP

HTML = "text/html; charset=utf-8"
HOSTS = ("www.weinan.gov.cn", "xxgk.weinan.gov.cn", "www.elsewhere.gov.cn")
# site → its undated list's entries: (detail host, the date the detail page prints)
LISTS = {
    # the newest on the site's other subdomain (read); one off the site (never requested)
    "subdomain": [("xxgk.weinan.gov.cn", "2024-02-18"), ("www.weinan.gov.cn", "2024-02-10"), ("www.elsewhere.gov.cn", "2024-02-19")],
    # every detail page off the site: no date read, the column reviewed
    "offsite": [("www.elsewhere.gov.cn", "2024-02-19"), ("www.elsewhere.gov.cn", "2024-02-18"), ("www.elsewhere.gov.cn", "2024-02-17")],
}
NAMES = {"subdomain": "渭南市子域局", "offsite": "渭南市外链局"}
TITLE = "关于做好第{n}批重点项目建设工作的通知"


def test_subdomains_of_a_registrant_are_one_site_and_gov_cn_is_a_public_suffix():
    assert registrable_domain("xxgk.weinan.gov.cn") == registrable_domain("WWW.weinan.gov.cn.") == "weinan.gov.cn"
    assert registrable_domain("www.shaanxi.gov.cn") == "shaanxi.gov.cn" != registrable_domain("www.weinan.gov.cn")
    assert registrable_domain("127.0.0.1") == "127.0.0.1" and registrable_domain("localhost") == "localhost"


@pytest.fixture(scope="module")
def detail_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("details")
    requested: list[tuple[str, str]] = []  # (host, path) of every request

    def route(path: str, query: Any, headers: Any) -> Reply:
        host = (headers.get("Host") or "").split(":")[0]
        requested.append((host, path))
        slug, _, rest = path.partition("/")
        if rest == "":  # home: a dated list and a channel
            news = "".join(f'<li><a href="/{slug}/n{i}.html">市政府第{i}次常务会议研究部署工作</a><span>2024-02-1{i}</span></li>' for i in range(1, 6))
            return Reply(200, f'<html><body><div class="nav"><a href="/{slug}/hdjl/">互动交流</a></div><ul class="news">{news}</ul></body></html>', HTML)
        if rest == "tzgg/":  # the undated list, its detail pages on the hosts of LISTS
            items = "".join(
                f'<li><a href="http://{detail_host}:{port}/{slug}/d/{n}.html">{TITLE.format(n=n)}</a></li>'
                for n, (detail_host, _) in enumerate(LISTS[slug], 1)
            )
            return Reply(200, f'<html><body><ul class="list">{items}</ul></body></html>', HTML)
        if rest.startswith("d/"):
            n = int(rest[2:].split(".")[0])
            return Reply(200, f"<html><body><h1>{TITLE.format(n=n)}</h1><p>发布时间：{LISTS[slug][n - 1][1]}</p></body></html>", HTML)
        if rest == "hdjl/":  # the channel: a message form
            form = f'<html><body><h2>我要写信</h2><form action="/{slug}/hdjl/post" method="post"><textarea name="nr"></textarea><button type="submit">提交</button></form></body></html>'
            return Reply(200, form, HTML)
        return Reply(200, "<html><body><h1>页面</h1></body></html>", HTML)

    with ReplicaServer(folder, routes={"/": route}) as server, store_environment("embedded", folder) as env:
        port = server.url.rsplit(":", 1)[1]
        env = loopback_names(env, HOSTS)
        base = f"http://www.weinan.gov.cn:{port}"
        import_register(env, folder, {
            "网站": [{"网站名称": name, "网址": f"{base}/{slug}/", "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                   for slug, name in NAMES.items()],
            "栏目": [{"网站名称": name, "栏目名称": "通知公告", "栏目地址": f"{base}/{slug}/tzgg/", "栏目类型": "通知公告"}
                   for slug, name in NAMES.items()],
        })
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites",
                     "--set", "TWISTED_DNS_RESOLVER=fake_resolver.MappedResolver",
                     # outbound links are not checked here: a link check of the off-site host would hide whether its page was read
                     "--set", "GOVCHECK_CHECK_OUTBOUND_LINKS=false"]
        for name, value in SETTINGS.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=600)
        yield {"run": run, "store": open_store(env), "requested": requested}


def column_of(detail_round: dict[str, Any], slug: str) -> dict[str, Any]:
    return detail_round["store"].find_one("observations", {"target_key": f"site:{NAMES[slug]}", "kind": "column"})


def test_the_round_finishes(detail_round):
    assert detail_round["run"].returncode == 0, detail_round["run"].stderr[-3000:]


def test_nothing_was_requested_off_the_site(detail_round):
    hosts = {host for host, _ in detail_round["requested"]}
    assert "www.elsewhere.gov.cn" not in hosts and "xxgk.weinan.gov.cn" in hosts


def test_a_detail_page_on_another_subdomain_of_the_site_is_read(detail_round):
    column = column_of(detail_round, "subdomain")
    pages = column["detail_pages"]
    assert column["method"] == "detail" and [page["date"].date().isoformat() if page["date"] else None for page in pages] == ["2024-02-18", "2024-02-10", None]
    assert pages[2]["error"] == "not fetched: network policy: www.elsewhere.gov.cn is off the site of the page that links it (weinan.gov.cn)"
    assert column["newest_date"].date().isoformat() == "2024-02-18"  # a lower bound, recent: the column is up to date
    verdict = detail_round["store"].find_one("verdicts", {"target_key": f"site:{NAMES['subdomain']}"})
    assert verdict["verdict"] == "合格", (verdict["verdict"], verdict["labels"], verdict.get("reasons"))


def test_a_column_whose_detail_pages_are_all_off_the_site_is_reviewed_never_failed(detail_round):
    column = column_of(detail_round, "offsite")
    assert column["newest_date"] is None and all("off the site" in page["error"] for page in column["detail_pages"])
    verdict = detail_round["store"].find_one("verdicts", {"target_key": f"site:{NAMES['offsite']}"})
    assert verdict["verdict"] == "待人工复核", verdict

"""功能设计 over real HTTP: a round over three department sites of replica/design.

南塬县水务局 (complete/) has every mark, a search that finds its newest entry and answers over
https (a loopback TLS server with a certificate of trustme's own authority); 南塬县档案局 (bare/)
has none of them; 南塬县统计局 (deaf/) has every mark and a search that finds nothing. The
sites without https are served on 127.0.0.2, where the TLS port is closed.
"""

from __future__ import annotations

import ssl
from html import escape
from typing import Any

import pytest
import trustme
import yaml

from govcheck_demo.replica import Reply, ReplicaServer
from support import REPLICA, SHORT_PROBE_SPAN_PROFILE, govcheck, open_store, store_environment

pytestmark = pytest.mark.slow

ROUND = "2024-1"
AS_OF = "2024-02-20"
DESIGN = REPLICA / "design"
TITLES = ["南塬县召开春耕生产工作推进会", "县水务局开展河道安全检查", "全县安全生产工作会议召开"]
SITES = {"complete": "南塬县水务局", "bare": "南塬县档案局", "deaf": "南塬县统计局"}


def search_route(finds: bool):
    """A site search: the entries whose title holds the query, or never anything."""

    def answer(path: str, query: dict[str, list[str]], headers: Any) -> Reply:
        words = (query.get("q") or [""])[0]
        hits = [t for t in TITLES if finds and words and words in t]
        listed = "".join(f"<li><a href='news/{TITLES.index(t) + 1}.html'>{escape(t)}</a></li>" for t in hits) or "<p>没有找到相关结果</p>"
        return Reply(200, f"<html><head><meta charset='utf-8'></head><body><h2>检索结果</h2><ul>{listed}</ul><a href='./'>首页</a></body></html>", "text/html; charset=utf-8")

    return answer


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("design-round")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)  # an authority of the test's own: not trusted
    with (
        store_environment("embedded", folder) as env,
        ReplicaServer(DESIGN, routes={"/complete/search": search_route(True)}) as served,
        ReplicaServer(DESIGN, host="127.0.0.2", routes={"/deaf/search": search_route(False)}) as plain,
        ReplicaServer(DESIGN, tls=context) as secure,
    ):
        https_port = secure.url.rsplit(":", 1)[1]
        urls = {"complete": f"{served.url}/complete/", "bare": f"{plain.url}/bare/", "deaf": f"{plain.url}/deaf/"}
        targets = {
            "网站": [{"网站名称": name, "网址": urls[slug], "网站类别": "县级部门网站", "区县": "南塬县", "主办单位": name, "有无办事服务": ""} for slug, name in SITES.items()],
            "栏目": [{"网站名称": name, "栏目名称": "工作动态", "栏目地址": urls[slug] + "news/", "栏目类型": "动态要闻", "渲染方式": ""} for slug, name in SITES.items()],
        }
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets, allow_unicode=True), encoding="utf-8")
        imported = govcheck(env, "targets", "import", str(targets_file), timeout=120)
        assert imported.returncode == 0, imported.stderr
        settings = {
            "GOVCHECK_HTTPS_PORT": https_port, "GOVCHECK_CHECK_OUTBOUND_LINKS": "false", "GOVCHECK_PROBE_TIMEOUT": "5",
            "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1",
        }
        arguments = ["run", "--round", ROUND, "--as-of", AS_OF, "--profile", str(SHORT_PROBE_SPAN_PROFILE)]
        for name, value in settings.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=600)
        assert run.returncode == 0, run.stderr[-4000:]
        store = open_store(env)
        yield {"store": store, "urls": urls, "https_port": https_port}


def findings(crawled: dict[str, Any], slug: str) -> dict[str, dict[str, Any]]:
    found = crawled["store"].find("findings", {"round": ROUND, "target_key": f"site:{SITES[slug]}"})
    return {f["code"]: f for f in found if f["code"].startswith("site.design")}


def home(crawled: dict[str, Any], slug: str) -> dict[str, Any]:
    return crawled["store"].find_one("observations", {"round": ROUND, "target_key": f"site:{SITES[slug]}", "kind": "home"})


def test_a_site_with_every_mark_a_working_search_and_https_has_no_design_finding(crawled):
    assert findings(crawled, "complete") == {}
    observed = home(crawled, "complete")
    assert observed["search"]["kind"] == "form" and observed["search"]["matched"] is True
    assert observed["search"]["query"] == TITLES[0] and observed["search"]["results"] == 1
    assert observed["https"]["status"] == 200 and observed["https"]["url"] == f"https://127.0.0.1:{crawled['https_port']}/complete/"
    certificate = observed["https"]["certificate"]
    assert certificate["names_host"] is True and certificate["verified"] is False and not certificate["self_signed"]
    verdict = crawled["store"].find_one("verdicts", {"round": ROUND, "target_key": f"site:{SITES['complete']}"})
    assert verdict["verdict"] == "合格" and verdict["score"] == 100


def test_a_site_with_none_of_them_has_each_deduction_named_with_its_evidence(crawled):
    found = findings(crawled, "bare")
    assert {code: (f["label"], f["severity"], f["points"]) for code, f in found.items()} == {
        "site.design.site_code": ("未标注网站标识码", "deduct", 1.0),
        "site.design.icp": ("未标注ICP备案编号", "deduct", 1.0),
        "site.design.police_record": ("未标注公安机关备案标识", "deduct", 1.0),
        "site.design.party_mark": ("未标注党政机关网站标识", "deduct", 1.0),
        "site.design.find_error": ("未设置我为政府网站找错入口", "deduct", 1.0),
        "site.design.search": ("无搜索功能", "deduct", 2.0),
        "site.design.https": ("未支持HTTPS", "deduct", 1.0),
    }
    icp = found["site.design.icp"]["evidence"]
    assert icp["home_url"] == crawled["urls"]["bare"] and icp["fetched_at"] and "版权所有" in icp["footer"]
    assert found["site.design.https"]["evidence"]["https"]["error"] == "connection refused"
    verdict = crawled["store"].find_one("verdicts", {"round": ROUND, "target_key": f"site:{SITES['bare']}"})
    assert verdict["score"] == 92


def test_a_search_that_finds_nothing_for_the_newest_entry_is_deducted_with_the_query_and_result_url(crawled):
    found = findings(crawled, "deaf")
    assert set(found) == {"site.design.search.broken", "site.design.https"}
    search = found["site.design.search.broken"]["evidence"]["search"]
    assert search["query"] == TITLES[0] and search["result_url"].startswith(crawled["urls"]["deaf"] + "search?q=")
    assert search["results"] == 0 and search["matched"] is False

"""Columns that fail the way real servers fail end in 待人工复核 with the reason, never 不合格.

Each faulty site has a healthy home page (its probes succeed) and one faulty 动态要闻 column;
only the availability rule itself may fail a site.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck_demo.replica import ReplicaServer
from support import without_design, REPLICA, govcheck, open_store, store_environment

HEALTHY_HOME = "/fresh-trs/"
# name → (column path on the replica server, what the observation says went wrong)
FAULTY_COLUMNS = {
    "渭南市截断局": ("/_truncate/fresh-trs/xwzx/dtyw/", "connection reset"),
    "渭南市重置局": ("/_reset/fresh-trs/xwzx/dtyw/", "connection reset"),
    "渭南市挂起局": ("/_hang/fresh-trs/xwzx/dtyw/", "timeout"),
    "渭南市茶壶局": ("/_teapot/fresh-trs/xwzx/dtyw/", "HTTP 418"),
    "渭南市回环局": ("/_loop/0", "redirect loop"),
    "渭南市错码局": ("/_mislabel/gbk-site/gzdt/", None),  # GBK bytes labelled utf-8: read or reviewed
}
SETTINGS = {"GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1"}


def import_register(env: dict[str, str], folder: Path, register: dict[str, Any]) -> None:
    (folder / "targets.yaml").write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
    imported = govcheck(env, "targets", "import", str(folder / "targets.yaml"))
    assert imported.returncode == 0, imported.stderr


def run_sites_round(env: dict[str, str]) -> subprocess.CompletedProcess:
    arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
    for name, value in SETTINGS.items():
        arguments += ["--set", f"{name}={value}"]
    return govcheck(env, *arguments, timeout=600)


@pytest.fixture(scope="module")
def round_with_faults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("faults")
    with store_environment("embedded", folder) as env, ReplicaServer(REPLICA / "sites") as server:
        register = {
            "网站": [
                {"网站名称": name, "网址": server.url + HEALTHY_HOME, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                for name in FAULTY_COLUMNS
            ],
            "栏目": [
                {"网站名称": name, "栏目名称": "工作动态", "栏目地址": server.url + path, "栏目类型": "动态要闻"}
                for name, (path, _) in FAULTY_COLUMNS.items()
            ],
        }
        import_register(env, folder, register)
        run = run_sites_round(env)
        yield {"run": run, "store": open_store(env)}


@pytest.mark.slow
def test_the_round_completes(round_with_faults):
    assert round_with_faults["run"].returncode == 0, round_with_faults["run"].stderr[-3000:]


@pytest.mark.parametrize("name", FAULTY_COLUMNS)
@pytest.mark.slow
def test_a_faulty_column_never_fails_its_site(round_with_faults, name):
    verdict = round_with_faults["store"].find_one("verdicts", {"target_key": f"site:{name}"})
    assert verdict["verdict"] in ("合格", "待人工复核"), verdict


@pytest.mark.parametrize("name", [n for n, (_, error) in FAULTY_COLUMNS.items() if error])
@pytest.mark.slow
def test_the_reason_names_what_went_wrong(round_with_faults, name):
    store = round_with_faults["store"]
    column = store.find_one("observations", {"target_key": f"site:{name}", "kind": "column"})
    verdict = store.find_one("verdicts", {"target_key": f"site:{name}"})
    expected = FAULTY_COLUMNS[name][1]

    assert column["state"] == "failed" and column["error"] == expected
    assert verdict["verdict"] == "待人工复核" and expected in verdict["labels"]


@pytest.mark.slow
def test_probes_of_the_healthy_home_pages_all_succeeded(round_with_faults):
    probes = round_with_faults["store"].find("observations", {"kind": "probe"})
    assert len(probes) == 3 * len(FAULTY_COLUMNS) and all(p["ok"] for p in probes)


# -- detail pages that could not be read ---------------------------------------------------------

from govcheck_demo.replica import Reply  # noqa: E402


def undated_home(path: str, query: Any, headers: Any) -> Reply:
    """A home page whose news list prints no dates: the spider reads the dates on the detail pages."""
    items = "".join(f'<li><a href="n{i}.html">市政府第{i}次常务会议研究部署近期重点工作</a></li>' for i in range(1, 6))
    html = f'<html><body><div class="main"><ul>{items}</ul><a href="/hdjl/">政民互动</a></div></body></html>'
    return Reply(200, html, "text/html; charset=utf-8")


def detail(date: str, status: int = 200) -> Reply:
    html = f"<html><body><h1>市政府常务会议研究部署近期重点工作</h1><p>发布时间：{date}</p><p>正文</p></body></html>"
    return Reply(status, html, "text/html; charset=utf-8")


DETAIL_FAULTS = {  # name → (path, the first (newest) detail page's answer, what its read says)
    # a reset connection on the newest detail; the two others were read and are a month old
    "渭南市详情重置局": ("reset", Reply(reset=True), "connection reset"),
    # the newest detail answers 404 with an error page that prints a date: no publish date
    "渭南市详情错页局": ("gone", detail("2024-02-19", status=404), "HTTP 404"),
}
OLDER_DETAILS = ("2024-01-10", "2024-01-05")  # the second and third entries' publish dates
# the newest detail resets too, but the second entry was published two days before the monitoring day
RECENT_BESIDE_A_FAULT = ("渭南市详情新近局", "recent", ("2024-02-18", "2024-02-10"))


def detail_route(first: Reply, older: tuple[str, str] = OLDER_DETAILS):
    def route(path: str, query: Any, headers: Any) -> Reply | None:
        if path in ("", "/", "index.html", "/index.html"):
            return undated_home(path, query, headers)
        if path.lstrip("/") == "n1.html":
            return first
        if path.lstrip("/") in ("n2.html", "n3.html"):
            return detail(older[0] if "2" in path else older[1])
        return Reply(200, "<html><body>政民互动</body></html>", "text/html; charset=utf-8")

    return route


@pytest.fixture(scope="module")
def round_with_detail_faults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("detail-faults")
    routes = {f"/{slug}/": detail_route(first) for slug, first, _ in DETAIL_FAULTS.values()}
    recent_name, recent_slug, recent_dates = RECENT_BESIDE_A_FAULT
    routes[f"/{recent_slug}/"] = detail_route(Reply(reset=True), recent_dates)
    sites = {**{name: slug for name, (slug, _, _) in DETAIL_FAULTS.items()}, recent_name: recent_slug}
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes=routes) as server:
        register = {"网站": [
            {"网站名称": name, "网址": f"{server.url}/{slug}/", "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
            for name, slug in sites.items()
        ]}
        import_register(env, folder, register)
        run = run_sites_round(env)
        assert run.returncode == 0, run.stderr[-3000:]
        yield open_store(env)


@pytest.mark.parametrize("name", DETAIL_FAULTS)
@pytest.mark.browser
@pytest.mark.slow
def test_a_detail_page_not_read_beside_old_ones_leaves_the_home_page_for_review_with_the_reason(round_with_detail_faults, name):
    store = round_with_detail_faults
    slug, _, error = DETAIL_FAULTS[name]
    home = store.find_one("observations", {"target_key": f"site:{name}", "kind": "home"})
    first = home["detail_pages"][0]

    assert home["method"] == "detail" and first["url"].endswith(f"/{slug}/n1.html")
    assert first["date"] is None and first["error"] == error  # an error page's date is no publish date
    assert [d["date"].date().isoformat() for d in home["detail_pages"][1:]] == list(OLDER_DETAILS)
    # the newest date read is only a lower bound, and an old one: reviewed, not 首页不更新
    assert home["newest_date"].date().isoformat() == OLDER_DETAILS[0] and first["url"] in home["error"]
    findings = store.find("findings", {"target_key": f"site:{name}", "code": {"$regex": "^site.home"}})
    assert [(f["code"], f["severity"]) for f in findings] == [("site.home.review", "review")]
    assert first["url"] in findings[0]["reason"]


@pytest.mark.browser
@pytest.mark.slow
def test_a_recent_date_read_beside_a_detail_page_not_read_shows_the_home_page_updated(round_with_detail_faults):
    store = round_with_detail_faults
    name, slug, dates = RECENT_BESIDE_A_FAULT
    home = store.find_one("observations", {"target_key": f"site:{name}", "kind": "home"})
    assert home["detail_pages"][0]["error"] == "connection reset" and home["newest_date"].date().isoformat() == dates[0]
    assert store.find("findings", {"target_key": f"site:{name}", "code": {"$regex": "^site.home"}}) == []


def test_a_column_that_contradicts_itself_is_observed_unparsed_with_why():
    from scrapy.utils.test import get_crawler

    from govcheck.extract.listing import extract_list
    from govcheck.rounds import parse_as_of
    from govcheck.spiders.sites import SitesSpider

    as_of = parse_as_of("2024-02-20")
    spider = SitesSpider.from_crawler(get_crawler(SitesSpider), round="2024-1")
    spider.as_of = as_of
    items = "".join(f'<li><a href="/tzgg/a{i}.html">关于做好第{i}批重点项目建设工作的通知</a></li>' for i in range(6))
    html = f'<html><body><div class="main"><div class="left"><p>暂无相关文件</p></div><ul class="list">{items}</ul></div></body></html>'
    page = extract_list(html, "http://x.gov.cn/tzgg/", as_of)
    column = {"name": "通知公告", "type": "通知公告"}
    doc = spider.page_observation({"target_key": "site:x", "kind": "column", "key": "通知公告", "column": column},
                                  "http://x.gov.cn/tzgg/", 200, page=page).to_document()
    assert doc["state"] == "unparsed" and doc["newest_date"] is None and len(doc["entries"]) == 5
    assert doc["error"] == page.reason and "暂无相关文件" in doc["error"]


def test_the_newest_entry_of_a_home_page_with_several_blocks_is_in_its_evidence():
    from scrapy.utils.test import get_crawler

    from govcheck.extract.page import read_page
    from govcheck.rounds import parse_as_of
    from govcheck.spiders.sites import SitesSpider

    as_of = parse_as_of("2024-02-20")
    spider = SitesSpider.from_crawler(get_crawler(SitesSpider), round="2024-1")
    spider.as_of = as_of
    old = "".join(f'<li><a href="/zc/{i}.html">关于印发第{i}项专项工作实施方案的通知</a><span>2023-{10 - i:02d}-15</span></li>' for i in range(8))
    fresh = "".join(f'<li><a href="/yw/{i}.html">市政府召开第{i}次常务会议研究部署工作</a><span>2024-02-{19 - i:02d}</span></li>' for i in range(5))
    html = f'<html><body><div class="yw"><ul class="a">{fresh}</ul></div><div class="zc"><ul class="b">{old}</ul></div></body></html>'
    page = read_page(html, "http://x.gov.cn/", as_of, as_of, (), home=True).page
    doc = spider.page_observation({"target_key": "site:x", "kind": "home", "key": "home"}, "http://x.gov.cn/", 200,
                                  page=page).to_document()
    assert doc["newest_date"].date().isoformat() == "2024-02-19"
    assert doc["entries"][0]["url"] == "http://x.gov.cn/yw/0.html" and doc["entries"][0]["date"] == doc["newest_date"]


# -- a column whose list runs from old to new over more pages -------------------------------------

HTML = "text/html; charset=utf-8"
PAGER_WITH_LAST = '<div class="page">共8页 <a href="index_1.html">下一页</a> <a href="index_7.html">尾页</a></div>'
OLDEST_FIRST = {  # name → (path, pagination bar of the first page, answer of its last page index_7.html)
    # the last page holds this month's entries: the column is up to date
    "渭南市正序新近局": ("recent", PAGER_WITH_LAST, ("2024-02-05", "2024-02-16")),
    # the last page is old too: the column is stale, read to its end
    "渭南市正序陈旧局": ("old", PAGER_WITH_LAST, ("2023-11-02", "2023-11-20")),
    # no link names the last page: an inspector looks
    "渭南市正序无尾页局": ("no-last", '<div class="page">共8页 <a href="index_1.html">下一页</a></div>', None),
    # the last page answers 404: an inspector looks
    "渭南市正序尾页错局": ("gone", PAGER_WITH_LAST, None),
}


def oldest_first_site(pager: str, last_page: tuple[str, str] | None):
    """A site with a fresh home page and a 动态要闻 column whose first page lists 2023 oldest first."""

    def items(days: list[str]) -> str:
        return "".join(f'<li><a href="t{n}.html">关于第{n}批重点项目建设的通知</a><span>{day}</span></li>' for n, day in enumerate(days))

    def route(path: str, query: Any, headers: Any) -> Reply | None:
        path = path.lstrip("/")
        if path in ("", "index.html"):
            news = "".join(f'<li><a href="dt/n{n}.html">市政府第{n}次常务会议研究部署工作</a><span>2024-02-{n + 10:02d}</span></li>' for n in range(1, 6))
            return Reply(200, f'<html><body><ul class="news">{news}</ul><a href="hdjl/">市长信箱</a></body></html>', HTML)
        if path == "dt/":
            first = [f"2023-{month:02d}-15" for month in range(1, 11)]
            return Reply(200, f'<html><body><ul class="list">{items(first)}</ul>{pager}</body></html>', HTML)
        if path == "dt/index_7.html":
            if last_page is None:
                return Reply(404, "<html><body>页面不存在</body></html>", HTML)
            return Reply(200, f'<html><body><ul class="list">{items(list(last_page))}</ul>{pager}</body></html>', HTML)
        return Reply(200, "<html><body>政民互动</body></html>", HTML)

    return route


@pytest.fixture(scope="module")
def round_with_oldest_first_columns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("oldest-first")
    routes = {f"/{slug}/": oldest_first_site(pager, last) for slug, pager, last in OLDEST_FIRST.values()}
    with store_environment("embedded", folder) as env, ReplicaServer(folder, routes=routes) as server:
        register = {
            "网站": [{"网站名称": name, "网址": f"{server.url}/{slug}/", "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                   for name, (slug, _, _) in OLDEST_FIRST.items()],
            "栏目": [{"网站名称": name, "栏目名称": "工作动态", "栏目地址": f"{server.url}/{slug}/dt/", "栏目类型": "动态要闻"}
                   for name, (slug, _, _) in OLDEST_FIRST.items()],
        }
        import_register(env, folder, register)
        run = run_sites_round(env)
        assert run.returncode == 0, run.stderr[-3000:]
        store = open_store(env)
        yield {
            name: {"column": store.find_one("observations", {"target_key": f"site:{name}", "kind": "column"}),
                   "verdict": without_design(store.find_one("verdicts", {"target_key": f"site:{name}"}))}
            for name in OLDEST_FIRST
        }


@pytest.mark.slow
def test_a_column_listed_old_to_new_is_read_on_its_last_page(round_with_oldest_first_columns):
    crawled = round_with_oldest_first_columns["渭南市正序新近局"]
    column = crawled["column"]
    assert column["newest_date"].date().isoformat() == "2024-02-16" and column["url"].endswith("/recent/dt/")
    assert column["last_page"]["url"].endswith("/recent/dt/index_7.html") and column["last_page"]["says"] == "共8页"
    assert "more_pages" not in column
    assert column["entries"][0]["url"].endswith("/recent/dt/t1.html") and column["entries"][0]["date"] == column["newest_date"]
    assert (crawled["verdict"]["verdict"], crawled["verdict"]["finding_codes"]) == ("合格", [])


@pytest.mark.slow
def test_a_column_old_on_its_last_page_too_is_stale(round_with_oldest_first_columns):
    crawled = round_with_oldest_first_columns["渭南市正序陈旧局"]
    assert crawled["column"]["newest_date"].date().isoformat() == "2023-11-20"
    assert (crawled["verdict"]["verdict"], crawled["verdict"]["labels"]) == ("合格", "个别栏目更新不及时")


@pytest.mark.parametrize("name", ["渭南市正序无尾页局", "渭南市正序尾页错局"])
@pytest.mark.slow
def test_a_column_listed_old_to_new_whose_last_page_was_not_read_is_reviewed_not_counted_stale(round_with_oldest_first_columns, name):
    crawled = round_with_oldest_first_columns[name]
    column, verdict = crawled["column"], crawled["verdict"]
    assert column["newest_date"].date().isoformat() == "2023-10-15"  # the newest of the first page, months old
    assert column["more_pages"]["says"] == "共8页"
    # (the 404 of the last page is also a broken 尾页 link of the site's: a deduction, not the column's staleness)
    assert verdict["verdict"] == "待人工复核" and [c for c in verdict["finding_codes"] if c.startswith("site.columns")] == ["site.columns.review:工作动态"]
    assert "由旧到新" in verdict["labels"] and "共8页" in verdict["labels"]
    if name == "渭南市正序尾页错局":
        assert column["more_pages"]["last_page_error"] == "failed: HTTP 404"


# -- a register holding a URL that cannot be fetched ---------------------------------------------

BAD_PORT = "渭南市端口局"


@pytest.fixture(scope="module")
def round_with_an_unfetchable_url(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A register written before URLs were checked at import (or edited in the database): one
    site's address has a port out of range, one column's too. Scrapy cannot even fingerprint
    such a request, which used to stop the start of the whole round."""
    folder = tmp_path_factory.mktemp("unfetchable")
    with store_environment("embedded", folder) as env, ReplicaServer(REPLICA / "sites") as server:
        names = [BAD_PORT, "渭南市正常局"]
        register = {
            "网站": [{"网站名称": n, "网址": server.url + HEALTHY_HOME, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": n} for n in names],
            "栏目": [{"网站名称": n, "栏目名称": "工作动态", "栏目地址": server.url + HEALTHY_HOME + "xwzx/dtyw/", "栏目类型": "动态要闻"} for n in names],
        }
        import_register(env, folder, register)
        store = open_store(env)
        bad = store.find_one("targets", {"key": f"site:{BAD_PORT}"})
        bad["url"] = "http://127.0.0.1:99999/"
        bad["columns"][0]["url"] = "http://127.0.0.1:99999/xwzx/dtyw/"
        store.upsert("targets", bad)
        run = run_sites_round(env)
        yield {"run": run, "store": open_store(env)}


@pytest.mark.slow
def test_an_unfetchable_url_fails_alone_and_the_round_goes_on(round_with_an_unfetchable_url):
    run, store = round_with_an_unfetchable_url["run"], round_with_an_unfetchable_url["store"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Error while reading start" not in run.stderr
    healthy = store.find("observations", {"target_key": "site:渭南市正常局"})
    assert sorted(o["kind"] for o in healthy) == ["column", "home", "probe", "probe", "probe"]
    assert store.find_one("verdicts", {"target_key": "site:渭南市正常局"})["verdict"] != "待人工复核"


@pytest.mark.slow
def test_an_unfetchable_url_is_reviewed_with_why_never_failed(round_with_an_unfetchable_url):
    store = round_with_an_unfetchable_url["store"]
    seen = store.find("observations", {"target_key": f"site:{BAD_PORT}"})
    probes = [o for o in seen if o["kind"] == "probe"]
    assert len(probes) == 3 and all(p["ok"] is None and "the URL is not valid" in p["error"] for p in probes)
    pages = [o for o in seen if o["kind"] != "probe"]
    assert sorted(o["kind"] for o in pages) == ["column", "home"]
    assert all(o["state"] == "failed" and "端口" in o["error"] for o in pages)
    verdict = store.find_one("verdicts", {"target_key": f"site:{BAD_PORT}"})
    assert verdict["verdict"] == "待人工复核" and "the URL is not valid" in verdict["labels"]

"""Playwright starts only for rounds that render a page, once for http and https together."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from govcheck_demo.replica import ReplicaServer
from support import without_design, REPLICA, REPO, govcheck, open_store, store_environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # every test but one crawls a small site that needs Chromium

# scrapy-playwright's log line when it starts its Node.js driver
DRIVER_STARTED = "Starting download handler"


def sites_round(
    tmp_path: Path,
    site_folder: str,
    columns: list[dict[str, str]],
    environment: dict[str, str] | None = None,
    web: Path = REPLICA / "sites",
) -> tuple[subprocess.CompletedProcess, dict]:
    """One site of the replica, or of another folder served the same way (its columns' 栏目地址
    are paths on the server), crawled as a round."""
    with store_environment("embedded", tmp_path) as env, ReplicaServer(web) as server:
        env = {**env, **(environment or {})}
        site = {"网站名称": "渭南市统计局", "网址": f"{server.url}/{site_folder}/", "网站类别": "市政府工作部门及派出机构网站",
                "区县": "渭南市", "主办单位": "渭南市统计局"}
        register = {"网站": [site], "栏目": [{"网站名称": "渭南市统计局", **c, "栏目地址": server.url + c["栏目地址"]} for c in columns]}
        targets = tmp_path / "targets.yaml"
        targets.write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
        imported = govcheck(env, "targets", "import", str(targets))
        assert imported.returncode == 0, imported.stderr
        run = govcheck(env, "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites",
                       "--set", "GOVCHECK_PROBE_INTERVAL=0", "--set", "GOVCHECK_LINKS_PER_SITE=0")
        assert run.returncode == 0, run.stderr[-4000:]
        store = open_store(env)
        verdict = store.find_one("verdicts", {"round": "2024-1", "target_key": "site:渭南市统计局"})
        home = store.find_one("observations", {"round": "2024-1", "target_key": "site:渭南市统计局", "kind": "home"})
        column = store.find_one("observations", {"round": "2024-1", "target_key": "site:渭南市统计局", "kind": "column"})
    return run, {**without_design(verdict), "home": home, "column": column}


def test_a_round_of_plain_html_pages_starts_no_browser_driver(tmp_path):
    run, verdict = sites_round(tmp_path, "fresh-trs", [])  # columns discovered from the navigation

    assert verdict is not None
    assert DRIVER_STARTED not in run.stderr


def test_a_script_filled_column_starts_one_driver_for_both_schemes(tmp_path):
    manifest = yaml.safe_load((REPLICA / "sites" / "manifest.yaml").read_text(encoding="utf-8"))
    site = next(s for s in manifest["sites"] if s["slug"] == "script-column")
    assert any(c["render"] == "playwright" for c in site["columns"])
    columns = [{"栏目名称": c["name"], "栏目地址": c["path"], "栏目类型": c["type"], "渲染方式": c["render"]} for c in site["columns"]]

    run, verdict = sites_round(tmp_path, "script-column", columns)

    assert verdict is not None
    assert run.stderr.count(DRIVER_STARTED) == 1


def test_http_and_https_share_one_handler_per_crawler():
    # in a process of its own: the handler needs Scrapy's asyncio reactor installed
    check = """
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.utils.test import get_crawler
from govcheck.browser import BrowserOnDemandHandler
crawler, other = get_crawler(), get_crawler()
handler = BrowserOnDemandHandler.from_crawler(crawler)
assert BrowserOnDemandHandler.from_crawler(crawler) is handler
assert BrowserOnDemandHandler.from_crawler(other) is not handler
print("shared")
"""
    run = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=REPO, timeout=120)

    assert run.returncode == 0 and run.stdout.strip() == "shared", run.stderr[-3000:]


def test_a_home_page_without_a_channel_whose_browser_fails_keeps_its_reading_and_is_reviewed(tmp_path):
    columns = [{"栏目名称": "林业动态", "栏目地址": "/no-channel/lydt/index.html", "栏目类型": "动态要闻", "渲染方式": ""}]

    run, verdict = sites_round(tmp_path, "no-channel", columns, {"GOVCHECK_CHROMIUM": str(tmp_path / "no-such-chromium")})

    home = verdict["home"]
    assert DRIVER_STARTED in run.stderr  # the browser was asked for, and could not start
    assert (home["method"], home["state"], home["newest_date"].date().isoformat()) == ("generic", "entries", "2024-02-15")
    assert home["render_error"] and home.get("screenshot") is None
    # the HTML as fetched shows no channel, and the browser did not say otherwise: not proven
    assert verdict["verdict"] == "待人工复核"
    assert "site.interaction.review" in verdict["finding_codes"] and "site.interaction.no_channel" not in verdict["finding_codes"]


FRAMED_HOME = """<html><head><meta charset="utf-8"><title>渭南市统计局</title></head><body>
<iframe src="/framed/include/head.html" width="1200" height="60"></iframe>
<div class="news"><ul>
<li><a href="/framed/tjdt/t1.html">市统计局召开2024年统计工作会议</a><span>2024-02-19</span></li>
<li><a href="/framed/tjdt/t2.html">市统计局开展统计执法检查工作</a><span>2024-02-08</span></li>
<li><a href="/framed/tjdt/t3.html">关于做好2023年年报统计工作的通知</a><span>2024-01-22</span></li>
</ul></div></body></html>"""
FRAMED_HEADER = """<html><head><meta charset="utf-8"></head><body><div class="nav">
<a href="/framed/index.html">首页</a> <a href="/framed/tjdt/">统计动态</a> <a href="/framed/hdjl/">政民互动</a></div></body></html>"""


# the one registered column of the small sites below
TJDT = [{"栏目名称": "统计动态", "栏目地址": "/framed/tjdt/", "栏目类型": "动态要闻", "渲染方式": ""}]
UNFRAMED_HOME = FRAMED_HOME.replace('<iframe src="/framed/include/head.html" width="1200" height="60"></iframe>', "")


def small_site(folder: Path, home: str, column_page: str) -> Path:
    """A web of one site: its home page at /framed/ and its 统计动态 column at /framed/tjdt/."""
    (folder / "framed" / "tjdt").mkdir(parents=True)
    (folder / "framed" / "index.html").write_text(home, encoding="utf-8")
    (folder / "framed" / "tjdt" / "index.html").write_text(column_page, encoding="utf-8")
    return folder


# the 政民互动 section's page: a message form, so the section holds a channel
SECTION_PAGE = """<html><head><meta charset="utf-8"></head><body><h2>我要写信</h2><form action="/framed/hdjl/submit" method="post">
<textarea name="nr"></textarea><input type="submit" value="提交"></form></body></html>"""


def framed_web(folder: Path, header: str = FRAMED_HEADER) -> Path:
    """A site whose menu is another page shown in an <iframe>: /framed/ and /framed/include/head.html."""
    small_site(folder, FRAMED_HOME, UNFRAMED_HOME)
    (folder / "framed" / "include").mkdir()
    (folder / "framed" / "include" / "head.html").write_text(header, encoding="utf-8")
    return folder


def with_section_page(web: Path) -> Path:
    """The web with its 政民互动 section's page at /framed/hdjl/, showing a message form."""
    (web / "framed" / "hdjl").mkdir()
    (web / "framed" / "hdjl" / "index.html").write_text(SECTION_PAGE, encoding="utf-8")
    return web


def test_a_menu_shown_in_a_frame_is_read_before_a_missing_channel_fails(tmp_path):
    run, verdict = sites_round(tmp_path, "framed", TJDT, web=with_section_page(framed_web(tmp_path / "web")))

    home = verdict["home"]
    assert home["method"] == "rendered"  # the HTML as fetched shows no channel: its frame holds it
    section = home["url"].rsplit("/framed/", 1)[0] + "/framed/hdjl/"
    assert home["interaction_links"] == [{"name": "政民互动", "url": section, "section": True}]
    # the section's page, read, shows the channel
    assert [(page["url"], page["outcome"]) for page in home["channel_search"]["pages"]] == [(section, "channel")]
    assert not [code for code in verdict["finding_codes"] if code.startswith("site.interaction")]


def test_columns_of_a_menu_shown_in_a_frame_are_discovered(tmp_path):
    run, verdict = sites_round(tmp_path, "framed", [], web=framed_web(tmp_path / "web"))  # registered without columns

    assert verdict["home"]["method"] == "rendered" and verdict["home"]["discovered_columns"] == 2
    # 统计动态 read and fresh; 政民互动's page is not in this small web, so it alone is reviewed
    assert verdict["finding_codes"] == ["site.columns.review:政民互动"]


def test_a_site_registered_without_columns_whose_menu_shows_none_is_for_an_inspector(tmp_path):
    header = """<html><body><a href="/framed/hdjl/">政民互动</a></body></html>"""
    run, verdict = sites_round(tmp_path, "framed", [], web=with_section_page(framed_web(tmp_path / "web", header)))

    assert verdict["home"]["method"] == "rendered" and verdict["home"]["discovered_columns"] == 0
    assert (verdict["verdict"], verdict["finding_codes"]) == ("待人工复核", ["site.columns.review"])


def test_a_home_page_the_browser_shows_as_an_empty_shell_keeps_its_reading_as_fetched(tmp_path):
    # no channel in the HTML, and in the browser a script replaces the page with a notice
    shell = "<script>document.body.innerHTML = '<p>系统维护中，请稍后访问</p>';</script></body>"
    web = small_site(tmp_path / "web", UNFRAMED_HOME.replace("</body>", shell), UNFRAMED_HOME)

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    home = verdict["home"]
    assert (home["method"], home["state"], home["newest_date"].date().isoformat()) == ("generic", "entries", "2024-02-19")
    assert home["render_error"].startswith("rendered page: unparsed")
    assert "site.interaction.review" in verdict["finding_codes"] and "site.home.review" not in verdict["finding_codes"]


def test_a_home_page_whose_fresh_news_is_written_by_script_is_not_failed_on_its_old_static_blocks(tmp_path):
    old_block = (
        '<div class="zt"><h3>专题专栏</h3><ul>'
        '<li><a href="/framed/zt/t1.html">深入学习贯彻党的二十大精神专题</a><span>2023-12-20</span></li>'
        '<li><a href="/framed/zt/t2.html">主题教育专题工作部署</a><span>2023-11-02</span></li>'
        '<li><a href="/framed/zt/t3.html">营商环境突破年活动专题</a><span>2023-10-09</span></li></ul></div>'
    )
    fresh = "<li><a href=\\'/framed/tjdt/t9.html\\'>市统计局召开2024年统计工作会议</a><span>2024-02-19</span></li>"
    script = f"<script>document.getElementById('news').innerHTML = '{fresh}';</script>"
    home = (
        '<html><head><meta charset="utf-8"><title>渭南市统计局</title></head><body>'
        '<div class="nav"><a href="/framed/hdjl/">市长信箱</a></div>'
        f'{old_block}<div class="news"><ul id="news"></ul></div>{script}</body></html>'
    )
    run, verdict = sites_round(tmp_path, "framed", TJDT, web=small_site(tmp_path / "web", home, UNFRAMED_HOME))

    home_seen = verdict["home"]
    assert home_seen["method"] == "rendered"  # the HTML as fetched shows 2023-12-20 at the newest
    assert home_seen["newest_date"].date().isoformat() == "2024-02-19"
    assert (verdict["verdict"], verdict["finding_codes"]) == ("合格", [])


def test_a_column_whose_fresh_list_is_written_by_script_is_not_counted_stale_on_an_old_static_block(tmp_path):
    old_block = (
        '<div class="xgwj"><h3>相关文件</h3><ul>'
        '<li><a href="/framed/tjdt/w1.html">渭南市统计调查项目管理办法</a><span>2023-09-20</span></li>'
        '<li><a href="/framed/tjdt/w2.html">关于规范统计数据发布工作的通知</a><span>2023-08-02</span></li>'
        '<li><a href="/framed/tjdt/w3.html">统计执法监督检查工作规程</a><span>2023-06-09</span></li></ul></div>'
    )
    fresh = "".join(
        f"<li><a href=\\'/framed/tjdt/t{n}.html\\'>市统计局召开第{n}次统计工作会议</a><span>2024-02-1{n}</span></li>" for n in range(1, 4)
    )
    column_page = (
        '<html><head><meta charset="utf-8"><title>统计动态</title></head><body>'
        f'<div class="list"><ul id="list"></ul></div>{old_block}'
        f"<script>document.getElementById('list').innerHTML = '{fresh}';</script></body></html>"
    )
    home = UNFRAMED_HOME.replace("<body>", '<body><a href="/framed/hdjl/">市长信箱</a>')

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=small_site(tmp_path / "web", home, column_page))

    assert verdict["home"]["method"] == "generic"  # fresh, with a channel: no browser
    store_column = verdict["column"]
    assert store_column["method"] == "rendered"  # the HTML as fetched shows 2023-09-20 at the newest
    assert store_column["newest_date"].date().isoformat() == "2024-02-13"
    assert (verdict["verdict"], verdict["finding_codes"]) == ("合格", [])


OLD_RELATED_FILES = (
    '<div class="xgwj"><h3>相关文件</h3><ul>'
    '<li><a href="/framed/tjdt/w1.html">渭南市统计调查项目管理办法</a><span>2023-09-20</span></li>'
    '<li><a href="/framed/tjdt/w2.html">关于规范统计数据发布工作的通知</a><span>2023-08-02</span></li>'
    '<li><a href="/framed/tjdt/w3.html">统计执法监督检查工作规程</a><span>2023-06-09</span></li></ul></div>'
)
FRESH_ITEMS = "".join(f"<li><a href='/framed/tjdt/t{n}.html'>市统计局召开第{n}次统计工作会议</a><span>2024-02-1{n}</span></li>" for n in range(1, 4))
HOME_WITH_CHANNEL = UNFRAMED_HOME.replace("<body>", '<body><a href="/framed/hdjl/">市长信箱</a>')


def column_page(body: str) -> str:
    return f'<html><head><meta charset="utf-8"><title>统计动态</title></head><body>{body}</body></html>'


def test_a_column_whose_list_a_script_file_writes_is_read_in_a_browser_before_it_counts_stale(tmp_path):
    # nothing in the HTML but the script's address says the list is written by script
    page = column_page(f'<div class="main">{OLD_RELATED_FILES}</div><script src="/framed/tjdt/list.js"></script>')
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, page)
    (web / "framed" / "tjdt" / "list.js").write_text(
        f"document.querySelector('.main').insertAdjacentHTML('afterbegin', \"<ul class='list'>{FRESH_ITEMS}</ul>\");", encoding="utf-8"
    )

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    assert (verdict["column"]["method"], verdict["column"]["newest_date"].date().isoformat()) == ("rendered", "2024-02-13")
    assert (verdict["verdict"], verdict["finding_codes"]) == ("合格", [])


def test_a_column_whose_list_is_shown_in_a_frame_is_read_with_the_frame_before_it_counts_stale(tmp_path):
    page = column_page(f'{OLD_RELATED_FILES}<iframe src="/framed/tjdt/list.html" width="900" height="400"></iframe>')
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, page)
    (web / "framed" / "tjdt" / "list.html").write_text(column_page(f"<ul class='list'>{FRESH_ITEMS}</ul>"), encoding="utf-8")

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    column = verdict["column"]
    assert (column["method"], column["newest_date"].date().isoformat()) == ("rendered", "2024-02-13")
    assert {"t3.html", "w1.html"} <= {entry["url"].rsplit("/", 1)[1] for entry in column["entries"]}  # the frame's and the page's own
    assert (verdict["verdict"], verdict["finding_codes"]) == ("合格", [])


def test_a_column_whose_only_list_is_shown_in_a_frame_is_read_in_a_browser_not_reviewed(tmp_path):
    # no script and no list in the HTML: as fetched the page is unparsed (→ review)
    page = column_page('<h2>统计动态</h2><iframe src="/framed/tjdt/list.html" width="900" height="400"></iframe>')
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, page)
    (web / "framed" / "tjdt" / "list.html").write_text(column_page(f"<ul class='list'>{FRESH_ITEMS}</ul>"), encoding="utf-8")

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    column = verdict["column"]
    assert (column["method"], column["state"], column["newest_date"].date().isoformat()) == ("rendered", "entries", "2024-02-13")
    assert (verdict["verdict"], verdict["finding_codes"]) == ("合格", [])


def test_a_stale_column_with_scripts_whose_browser_fails_is_reviewed_not_counted_stale(tmp_path):
    page = column_page(f'{OLD_RELATED_FILES}<script src="/framed/tjdt/list.js"></script>')
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, page)

    run, verdict = sites_round(tmp_path, "framed", TJDT, {"GOVCHECK_CHROMIUM": str(tmp_path / "no-such-chromium")}, web=web)

    column = verdict["column"]
    assert (column["method"], column["newest_date"].date().isoformat()) == ("generic", "2023-09-20")
    assert column["render_error"]
    assert (verdict["verdict"], verdict["finding_codes"]) == ("待人工复核", ["site.columns.review:统计动态"])


# a column page that says it is empty until its script has filled the list and hidden the words
PLACEHOLDER_COLUMN = column_page('<ul class="list"></ul><div class="nodata">暂无数据</div><script src="/framed/tjdt/list.js"></script>')
FILL_AND_HIDE = (
    f"document.querySelector('.list').innerHTML = \"{FRESH_ITEMS}\";"
    "document.querySelector('.nodata').style.display = 'none';"
)


def test_a_columns_placeholder_that_its_script_replaces_is_no_blank_column(tmp_path):
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, PLACEHOLDER_COLUMN)
    (web / "framed" / "tjdt" / "list.js").write_text(FILL_AND_HIDE, encoding="utf-8")

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    column = verdict["column"]
    assert (column["method"], column["state"], column["newest_date"].date().isoformat()) == ("rendered", "entries", "2024-02-13")
    assert (verdict["verdict"], verdict["finding_codes"]) == ("合格", [])


def test_a_blank_column_that_the_browser_shows_blank_too_is_blank(tmp_path):
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, PLACEHOLDER_COLUMN)
    (web / "framed" / "tjdt" / "list.js").write_text("var visits = 0;", encoding="utf-8")  # fills nothing

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    assert (verdict["column"]["method"], verdict["column"]["state"]) == ("rendered", "empty")
    assert (verdict["verdict"], verdict["labels"]) == ("合格", "存在空白栏目")


def test_a_blank_column_with_scripts_whose_browser_fails_is_reviewed_not_blank(tmp_path):
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, PLACEHOLDER_COLUMN)

    run, verdict = sites_round(tmp_path, "framed", TJDT, {"GOVCHECK_CHROMIUM": str(tmp_path / "no-such-chromium")}, web=web)

    column = verdict["column"]
    assert (column["method"], column["state"]) == ("generic", "empty") and column["render_error"]
    assert (verdict["verdict"], verdict["finding_codes"]) == ("待人工复核", ["site.columns.review:统计动态"])
    assert "暂无信息" in verdict["labels"] and "浏览器未能打开" in verdict["labels"]


def test_a_blank_column_without_scripts_is_blank_as_fetched(tmp_path):
    web = small_site(tmp_path / "web", HOME_WITH_CHANNEL, column_page('<ul class="list"></ul><div class="nodata">暂无数据</div>'))

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    assert DRIVER_STARTED not in run.stderr
    assert (verdict["column"]["method"], verdict["column"]["state"]) == ("generic", "empty")
    assert (verdict["verdict"], verdict["labels"]) == ("合格", "存在空白栏目")


def test_an_old_home_page_with_scripts_whose_browser_fails_is_reviewed_not_vetoed(tmp_path):
    home = HOME_WITH_CHANNEL.replace("2024-02-19", "2023-12-19").replace("2024-02-08", "2023-12-08").replace("2024-01-22", "2023-11-22")
    home = home.replace("</body>", '<script src="/framed/js/news.js"></script></body>')
    fresh_column = column_page(f"<ul class='list'>{FRESH_ITEMS}</ul>")

    run, verdict = sites_round(
        tmp_path, "framed", TJDT, {"GOVCHECK_CHROMIUM": str(tmp_path / "no-such-chromium")}, web=small_site(tmp_path / "web", home, fresh_column)
    )

    assert verdict["home"]["render_error"] and verdict["home"]["newest_date"].date().isoformat() == "2023-12-19"
    assert (verdict["verdict"], verdict["finding_codes"]) == ("待人工复核", ["site.home.review"])


def test_an_old_home_page_without_scripts_or_frames_is_judged_as_fetched(tmp_path):
    home = HOME_WITH_CHANNEL.replace("2024-02-19", "2023-12-19").replace("2024-02-08", "2023-12-08").replace("2024-01-22", "2023-11-22")
    fresh_column = column_page(f"<ul class='list'>{FRESH_ITEMS}</ul>")

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=small_site(tmp_path / "web", home, fresh_column))

    assert DRIVER_STARTED not in run.stderr  # a browser would show the same page
    assert (verdict["home"]["method"], verdict["verdict"], verdict["finding_codes"]) == ("generic", "不合格", ["site.home.stale"])


def test_a_channel_block_whose_click_a_script_file_attaches_leads_to_a_review_not_the_veto(tmp_path):
    home = UNFRAMED_HOME.replace("<body>", '<body><div class="mailbox"><img src="/framed/mail.png"><span>市长信箱</span></div>')
    home = home.replace("</body>", '<script src="/framed/index.js"></script></body>')
    web = small_site(tmp_path / "web", home, UNFRAMED_HOME)
    (web / "framed" / "index.js").write_text("document.querySelector('.mailbox').onclick = function () { window.open('/framed/hdjl/'); };", encoding="utf-8")

    run, verdict = sites_round(tmp_path, "framed", TJDT, web=web)

    home_seen = verdict["home"]
    assert home_seen["interaction_unresolved"] == [{"name": "市长信箱", "target": '<div class="mailbox">', "why": "block"}]
    assert verdict["verdict"] == "待人工复核"
    assert "site.interaction.review" in verdict["finding_codes"] and "site.interaction.no_channel" not in verdict["finding_codes"]

"""List pages of the replica government sites: the generic extractor finds each column's newest date.

The pages are the saved files under replica/sites; replica/sites/manifest.yaml says
what an inspector sees on each of them at the monitoring time point.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import pytest
import yaml

from govcheck.extract.browser_hints import depends_on_a_browser, list_needs_a_browser
from govcheck.extract.html import absolute_url, decode_html
from govcheck.extract.links import extract_links
from govcheck.extract.listing import ListPage, extract_list
from govcheck.extract.navigation import discover_columns
from govcheck.extract.pagination import more_pages, oldest_first

SITES = Path(__file__).resolve().parents[1] / "replica" / "sites"
MANIFEST = yaml.safe_load((SITES / "manifest.yaml").read_text(encoding="utf-8"))
AS_OF = datetime.fromisoformat(MANIFEST["as_of"])
ORIGIN = "http://127.0.0.1:8000"  # any port: the pages only use relative and slug-rooted links


def page_file(path: str) -> Path:
    rel = urlsplit(path).path.lstrip("/")
    return SITES / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def read(path: str) -> str:
    return decode_html(page_file(path).read_bytes(), "text/html")


def listing(path: str, selector: str | None = None) -> ListPage:
    return extract_list(read(path), ORIGIN + path, AS_OF, selector)


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def newest_day(page: ListPage) -> date | None:
    return page.newest.date.date() if page.newest else None


def site(slug: str) -> dict:
    return next(s for s in MANIFEST["sites"] if s["slug"] == slug)


def column(slug: str, name: str) -> dict:
    return next(c for c in site(slug)["columns"] if c["name"] == name)


COLUMNS = [pytest.param(s, c, id=f"{s['slug']}:{c['name']}") for s in MANIFEST["sites"] for c in s["columns"]]
HOMES = [pytest.param(s, id=s["slug"]) for s in MANIFEST["sites"]]


# --- every column and home page of the manifest -------------------------------------------------

def test_the_replica_covers_the_cases_the_checks_need():
    slugs = {s["slug"] for s in MANIFEST["sites"]}
    assert {"fresh-trs", "stale-hanweb", "few-stale", "gbk-site", "blank-columns", "interaction", "no-dates",
            "script-column", "broken-links", "dated-noise"} <= slugs
    categories = {s["category"] for s in MANIFEST["sites"]}
    assert categories <= {"市政府门户网站", "市政府工作部门及派出机构网站", "县级政府门户网站", "县级部门网站"}
    assert len(categories) == 4
    for s in MANIFEST["sites"]:
        assert 3 <= len(s["columns"]) <= 6, s["slug"]
        assert page_file(s["home"]).is_file()
        for c in s["columns"]:
            assert page_file(c["path"]).is_file(), c["path"]
            assert c["type"] in {"动态要闻", "通知公告", "政策文件", "人事信息", "规划计划", "互动交流", "其他"}


@pytest.mark.parametrize("site_, col", COLUMNS)
def test_each_column_list_gives_the_state_and_newest_date_an_inspector_sees(site_, col):
    page = listing(col["path"])
    if col["expected_method"] == "generic":
        assert page.state == col["expected_state"]
        assert newest_day(page) == day(col["expected_newest"])
        if page.state == "entries":
            assert page.newest in page.entries
            assert all(e.url.startswith(f"{ORIGIN}/{site_['slug']}/") for e in page.entries)
            assert all(e.title and e.title == e.title.strip() for e in page.entries)
        else:
            assert page.entries == () and page.newest is None
    elif col["expected_method"] == "detail":
        # the list has entries but no dates: the spider has to open the detail pages
        assert page.state == "entries" and page.entries
        assert all(e.date is None for e in page.entries) and page.newest is None
    else:
        assert col["expected_method"] == "rendered"
        assert page.state == "unparsed"


@pytest.mark.parametrize("site_", HOMES)
def test_each_home_page_gives_the_newest_date_of_its_news_block(site_):
    page = listing(site_["home"])
    assert page.state == "entries"
    assert newest_day(page) == day(site_["expected_home_newest"])


def test_entry_count_of_a_list_printed_in_blocks_of_five():
    col = column("few-stale", "政策文件")
    assert len(listing(col["path"]).entries) == col["expected_count"] == 10


# --- pinned items, unsorted lists, dates without a year ------------------------------------------

def test_old_pinned_items_listed_first_do_not_hide_the_fresh_one():
    page = listing(column("fresh-trs", "通知公告")["path"])
    first, second, third = page.entries[:3]
    assert first.pinned and second.pinned and not third.pinned
    assert first.date.date() == date(2022, 5, 10) and second.date.date() == date(2021, 3, 1)
    assert not first.title.startswith(("[置顶]", "置顶"))
    assert page.newest is third and third.date.date() == date(2024, 2, 6)


def test_the_newest_date_wins_not_the_first_entry_of_an_unsorted_list():
    page = listing(column("dated-noise", "通知公告")["path"])
    assert page.entries[0].date.date() == date(2023, 11, 20)
    assert newest_day(page) == date(2024, 1, 10)


def test_a_date_inside_a_title_is_not_the_entry_date():
    page = listing(column("dated-noise", "通知公告")["path"])
    drill = next(e for e in page.entries if "2024年1月28日" in e.title)
    assert drill.date.date() == date(2023, 12, 25)


def test_month_day_dates_take_the_year_of_the_monitoring_point_or_the_year_before():
    page = listing(column("dated-noise", "新区动态")["path"])
    by_text = {e.date_text.strip(): e.date.date() for e in page.entries}
    assert by_text["02-19"] == date(2024, 2, 19)
    assert by_text["12-28"] == date(2023, 12, 28)
    assert newest_day(page) == date(2024, 2, 19)


def test_day_printed_apart_from_year_and_month_is_read_as_one_date():
    assert newest_day(listing(column("dated-noise", "政策解读")["path"])) == date(2024, 1, 18)
    assert newest_day(listing(site("few-stale")["home"])) == date(2024, 2, 18)


# --- page furniture: sidebars, headers, footers ----------------------------------------------------

def test_sidebar_widgets_with_newer_dates_are_ignored():
    path = column("dated-noise", "通知公告")["path"]
    html = read(path)
    assert "热点排行" in html and "2024-02-15" in html and "今日关注" in html and "2024-02-20" in html
    page = listing(path)
    titles = {e.title for e in page.entries}
    assert "新区举办春季招聘会" not in titles  # 今日关注, 2024-02-20
    assert not any(e.date and e.date.date() >= date(2024, 2, 1) for e in page.entries)


def test_header_today_line_footer_copyright_and_generation_stamp_are_never_dates():
    html = read(column("fresh-trs", "动态要闻")["path"])
    assert "今天是2024年2月23日" in html and "页面生成时间 2024-02-23 08:00:00" in html and "版权所有 2005-2024" in html
    only_furniture = """<html><body>
      <div class="header"><span>今天是2024年2月19日 星期一</span></div>
      <div class="main"><h3>通知公告</h3></div>
      <div class="footer"><p>版权所有 2005-2024 渭南市某某局 陕ICP备05001234号</p>
      <p>页面生成时间 2024-02-19 08:00:00</p>
      <ul><li><a href="/a.html">网站地图与帮助说明</a> 2024-02-18</li><li><a href="/b.html">联系我们与网站纠错</a> 2024-02-17</li></ul></div>
    </body></html>"""
    page = extract_list(only_furniture, "http://127.0.0.1/x/", AS_OF)
    assert page.state == "unparsed" and page.newest is None


def test_a_blank_column_with_a_dated_sidebar_is_empty_not_fresh():
    for name in ("通知公告", "政策文件", "规划计划"):
        path = column("blank-columns", name)["path"]
        assert "最新动态" in read(path)
        page = listing(path)
        assert page.state == "empty" and page.entries == () and page.newest is None


def test_a_widget_known_only_by_its_heading_is_ignored_too():
    path = column("blank-columns", "财政资金")["path"]
    assert "<h3>热点排行</h3>" in read(path)
    assert listing(path).state == "empty"


def test_a_cell_that_is_only_a_date_beats_a_date_in_a_longer_text():
    html = """<html><body><table class="gfxwj">
      <tr><th>标题</th><th>施行</th><th>发布日期</th></tr>
      <tr><td><a href="1.html">渭南市某某局行政执法公示办法</a></td><td>自2024年2月15日起施行</td><td>2024-01-20</td></tr>
      <tr><td><a href="2.html">渭南市某某局重大行政决策程序规定</a></td><td>自2024年1月1日起施行</td><td>2023-12-10</td></tr>
    </table></body></html>"""
    page = extract_list(html, "http://127.0.0.1/x/", AS_OF)
    assert [e.date.date() for e in page.entries] == [date(2024, 1, 20), date(2023, 12, 10)]


def test_links_separated_by_line_breaks_take_the_date_that_follows_each_link():
    rows = [("关于开展春季植树造林活动的通知", "2024-01-26"), ("县政府召开第12次常务会议", "2024-02-14"),
            ("我县召开春季农业生产工作推进会", "2024-02-02"), ("关于公布政府信息公开年度报告的公告", "2023-12-30"),
            ("县长带队检查节后复工复产工作", "2024-01-02"), ("我县举办春风行动专场招聘会", "2023-11-11")]
    html = "<html><body><div class='con'><p>" + "".join(
        f"<a href='/n/{n}.html'>{title}</a>　{when}<br>\n" for n, (title, when) in enumerate(rows)) + "</p></div></body></html>"
    page = extract_list(html, "http://127.0.0.1/x/", AS_OF)
    assert [(e.title, e.date_text) for e in page.entries] == rows
    assert page.newest.title == "县政府召开第12次常务会议"


def test_a_date_printed_inside_the_link_is_the_entry_date():
    html = """<html><body><ul class="newslist">
      <li><a href="/n/1.html"><span class="t">我县召开春季农业生产工作推进会</span><span class="d">2024-02-09</span></a></li>
      <li><a href="/n/2.html"><span class="t">关于开展2024年2月16日春季植树活动的通知</span><span class="d">2024-02-01</span></a></li>
    </ul></body></html>"""
    page = extract_list(html, "http://127.0.0.1/x/", AS_OF)
    assert [e.date.date() for e in page.entries] == [date(2024, 2, 9), date(2024, 2, 1)]


def test_a_hidden_no_data_template_does_not_empty_a_list_with_entries():
    html = """<html><body><div class="list"><ul>
      <li><a href="1.html">关于做好春节期间值班工作的通知</a><span>2024-02-01</span></li>
      <li><a href="2.html">关于开展安全生产大检查的通知</a><span>2024-01-20</span></li></ul>
      <div class="nodata" style="display: none">暂无数据</div></div></body></html>"""
    page = extract_list(html, "http://127.0.0.1/x/", AS_OF)
    assert page.state == "entries" and newest_day(page) == date(2024, 2, 1)


def test_a_page_without_any_list_is_unparsed_not_empty():
    assert extract_list("", "http://127.0.0.1/", AS_OF) == ListPage("unparsed", (), None)
    html = "<html><body><div class='content'><p>本页面正在维护，请稍后访问。</p></div></body></html>"
    assert extract_list(html, "http://127.0.0.1/", AS_OF).state == "unparsed"


# --- particular CMS outputs -------------------------------------------------------------------------

def test_hanweb_datastore_records_inside_a_script_are_the_entries():
    path = column("stale-hanweb", "政策文件")["path"]
    assert '<script type="text/xml"><datastore>' in read(path)
    page = listing(path)
    assert len(page.entries) == 5 and newest_day(page) == date(2023, 5, 10)
    assert all("/stale-hanweb/art/" in e.url for e in page.entries)


def test_a_table_with_a_document_number_column_uses_the_date_column():
    page = listing(column("stale-hanweb", "县政府文件")["path"])
    assert [e.date.date() for e in page.entries][:2] == [date(2023, 3, 2), date(2023, 1, 16)]


def test_message_board_rows_are_dated_by_when_the_message_was_left():
    col = column("interaction", "市长信箱")
    page = listing(col["path"])
    asked = {e.title: e.date.date().isoformat() for e in page.entries}
    assert asked == {m["title"]: m["asked"] for m in col["expected_messages"]}
    assert asked["关于农村道路硬化的建议"] == "2023-10-01"


def test_gbk_page_is_decoded_by_its_meta_charset():
    path = column("gbk-site", "工作动态")["path"]
    body = page_file(path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = decode_html(body, "text/html")
    assert '<meta charset="gbk">' in text and "工作动态" in text and "2024年02月18日" in text
    page = extract_list(text, ORIGIN + path, AS_OF)
    assert page.newest.date_text.strip() == "2024年02月18日"
    assert page.newest.title.startswith("市果业中心")


def test_an_http_charset_overrides_the_meta_tag():
    body = "<html><head><meta charset='gbk'></head><body>通知公告</body></html>".encode("utf-8")
    assert "通知公告" in decode_html(body, "text/html; charset=utf-8")


# --- selector override -----------------------------------------------------------------------------

def test_a_css_selector_picks_the_entries_instead_of_the_generic_search():
    path = column("dated-noise", "通知公告")["path"]
    hot = listing(path, selector="div.box-r li")
    assert hot.state == "entries" and len(hot.entries) == 3
    assert newest_day(hot) == date(2024, 2, 15)


def test_an_xpath_selector_picks_the_entries_too():
    page = listing(column("interaction", "市长信箱")["path"], selector="//table[@class='lyb-table']//tr[td]")
    assert len(page.entries) == 6 and newest_day(page) == date(2024, 2, 19)
    page = listing(column("fresh-trs", "动态要闻")["path"], selector="(//ul[@class='list']/li)[position() > 2]")
    assert len(page.entries) == 8 and newest_day(page) == date(2024, 2, 7)


def test_a_selector_that_matches_nothing_is_unparsed_or_empty_as_the_page_says():
    assert listing(column("fresh-trs", "动态要闻")["path"], selector="ul.nothing li").state == "unparsed"
    assert listing(column("blank-columns", "通知公告")["path"], selector="ul.list-ul li").state == "empty"


# --- pages filled by JavaScript ---------------------------------------------------------------------

def test_the_script_column_is_worth_rendering():
    col = column("script-column", "通知公告")
    html = read(col["path"])
    assert '<ul id="list" class="news-list"></ul>' in html
    assert listing(col["path"]).state == "unparsed"
    assert list_needs_a_browser(html, AS_OF)


def test_what_the_script_column_shows_once_rendered():
    col = column("script-column", "通知公告")
    data = json.loads(page_file(col["data"]).read_text(encoding="utf-8"))
    root = lxml.html.document_fromstring(read(col["path"]))
    (ul,) = root.xpath("//ul[@id='list']")
    for item in data["items"]:  # what the page's script does
        ul.append(lxml.html.fragment_fromstring(
            f'<li><a href="{item["url"]}">{item["title"]}</a><span class="date">{item["date"]}</span></li>'))
    page = extract_list(lxml.html.tostring(root, encoding="unicode"), ORIGIN + col["path"], AS_OF)
    assert page.state == "entries" and len(page.entries) == len(data["items"])
    assert newest_day(page) == day(col["expected_newest"])


@pytest.mark.parametrize("frame, worth_rendering", [
    ('<iframe src="list.html" width="900" height="400"></iframe>', True),  # the list is another page
    ('<frameset><frame src="/xxgk/list.jsp"></frameset>', True),
    ('<iframe src="about:blank"></iframe>', False),
    ('<iframe src="javascript:void(0)"></iframe>', False),
    ("", False),
])
def test_a_page_without_a_list_showing_another_page_in_a_frame_is_worth_rendering(frame, worth_rendering):
    html = f'<html><head><meta charset="utf-8"><title>通知公告</title></head><body><h2>通知公告</h2>{frame}</body></html>'
    assert extract_list(html, "http://127.0.0.1/tzgg/", AS_OF).state == "unparsed"
    assert list_needs_a_browser(html, AS_OF) is worth_rendering


@pytest.mark.parametrize("slug, name", [
    ("fresh-trs", "动态要闻"),      # entries in the HTML
    ("stale-hanweb", "政策文件"),   # entries in a jpage datastore, next to jQuery scripts
    ("blank-columns", "通知公告"),  # says 暂无信息, although its footer runs $.getJSON for a visit counter
    ("no-dates", "通知公告"),       # entries without dates
])
def test_pages_with_entries_or_saying_empty_are_not_worth_rendering(slug, name):
    assert not list_needs_a_browser(read(column(slug, name)["path"]), AS_OF)


# --- links and navigation ---------------------------------------------------------------------------

@pytest.mark.parametrize("site_", HOMES)
def test_discover_columns_finds_the_columns_in_the_home_navigation(site_):
    found = {entry.url: entry.name for entry in discover_columns(read(site_["home"]), ORIGIN + site_["home"])}
    for col in site_["columns"]:
        assert found.get(ORIGIN + col["path"]) == col["name"], col["name"]
    assert ORIGIN + site_["home"] not in found
    assert all(url.startswith(ORIGIN) for url in found)


def test_a_menu_item_gives_way_to_its_submenu_entry_for_the_same_page():
    home = site("fresh-trs")["home"]
    names = [entry.name for entry in discover_columns(read(home), ORIGIN + home)]
    assert "动态要闻" in names and "新闻中心" not in names


def test_entries_of_a_dropdown_under_the_bar_are_not_first_level():
    home = site("fresh-trs")["home"]
    levels = {entry.name: entry.first_level for entry in discover_columns(read(home), ORIGIN + home)}
    # 新闻中心 → 动态要闻, 信息公开 → 通知公告, 政策文件…: the bar's entries open these submenus
    assert levels == {"动态要闻": False, "通知公告": False, "政策文件": False, "人事信息": False, "规划计划": False, "互动交流": True}


def test_extract_links_gives_absolute_links_including_the_broken_ones():
    s = site("broken-links")
    links = extract_links(read(s["home"]), ORIGIN + s["home"])
    assert len(links) == len(set(links))
    assert all(link.startswith(ORIGIN + "/broken-links/") for link in links)
    for missing in s["expected_broken_links"]:
        assert ORIGIN + missing in links
        assert not page_file(missing).exists()
    present = [link for link in links if link[len(ORIGIN):] not in s["expected_broken_links"]]
    assert present and all(page_file(link[len(ORIGIN):]).is_file() for link in present)


def test_extract_links_skips_scripts_mail_and_anchors_and_drops_fragments():
    html = """<html><head><base href="http://example.gov.cn/sub/"></head><body>
      <a href="javascript:void(0)">设为首页</a><a href="mailto:a@b.cn">信箱</a><a href="#top">顶部</a>
      <a href="tel:12345">电话</a><a href=" a.html#p2 ">甲</a><a href="a.html">甲</a>
      <a href="//cdn.example.gov.cn/x.html">乙</a><map><area href="/map.html"></map><a>无链接</a></body></html>"""
    assert extract_links(html, "http://127.0.0.1/") == [
        "http://example.gov.cn/sub/a.html",
        "http://cdn.example.gov.cn/x.html",
        "http://example.gov.cn/map.html",
    ]


BASES = [
    "http://127.0.0.1:8000/s1/c1/", "http://h.gov.cn/col/index.html?page=2#top", "https://h.gov.cn", "http://h.gov.cn/a//b/./c/../",
    "http://h.gov.cn/a/b;p", "http:a/b", "http://[bad/a/", "ftp://h.gov.cn/a/", "file:///a/b", "", "http://h.gov.cn/..",
]
PLAIN_HREFS = ["t1.html", "./t1.html", "202401/t20240105_1.html", "a/b/", " a\\b.html ", "a..b", "x", "%E4%B8%AD.html", "a=1,b+c"]


def test_links_of_an_unfilled_page_template_are_no_links():
    html = (
        '<ul id="app"><li><a href="{{item.url}}">{{item.title}}</a></li><li><a href="${url}">x</a></li>'
        '<li><a href="detail.jsp?id=<%=id%>">y</a></li><li><a href="%7B%7Burl%7D%7D">z</a></li></ul>'
        '<template><a href="/tpl/a.html">模板</a></template><a href="list_2.html">下一页</a>'
    )
    assert extract_links(html, "http://www.weinan.gov.cn/zwgk/") == ["http://www.weinan.gov.cn/zwgk/list_2.html"]


@pytest.mark.parametrize("base", BASES)
def test_plain_relative_links_join_as_urljoin_joins_them(base):
    # absolute_url joins hrefs of plain path segments without urljoin: the answer must be the same
    for href in PLAIN_HREFS:
        try:
            joined = urldefrag(urljoin(base, href.strip().replace("\\", "/")))[0]
        except ValueError:
            joined = None
        expected = joined if joined and urlsplit(joined).scheme in ("http", "https") else None
        assert absolute_url(href, base) == expected, href


# --- conflicting signals ----------------------------------------------------------------------------

def says_empty_beside(items: str) -> str:
    return ("""<html><body><div class="main"><div class="left"><h3>相关文件</h3><p>暂无相关文件</p></div>"""
            f"""<ul class="list">{items}</ul></div>
            <script>$.getJSON("/count", function (d) {{}});</script></body></html>""")


def test_a_page_saying_empty_beside_an_undated_list_is_unparsed_not_blank():
    items = "".join(f'<li><a href="/tzgg/a{i}.html">关于做好第{i}批重点项目建设工作的通知</a></li>' for i in range(6))
    page = extract_list(says_empty_beside(items), "http://127.0.0.1/tzgg/", AS_OF)
    assert page.state == "unparsed" and page.newest is None  # the page contradicts itself: review
    assert len(page.entries) == 6  # kept as evidence
    assert "暂无相关文件" in page.reason and "6" in page.reason
    assert not list_needs_a_browser(says_empty_beside(items), AS_OF)  # the list is in the HTML


def test_a_page_saying_empty_beside_links_that_are_no_list_stays_blank():
    items = '<li><a href="/a.html">首页</a></li><li><a href="/b.html">返回</a></li>'
    page = extract_list(says_empty_beside(items), "http://127.0.0.1/tzgg/", AS_OF)
    assert page.state == "empty" and page.entries == () and page.reason == ""


def test_an_empty_column_page_with_a_block_of_links_elsewhere_stays_blank():
    # the column says 暂无信息 in its own block; a 专题 block in another part of the page is no contradiction
    html = ("""<html><body><div class="main"><h2>通知公告</h2><div class="list"><p>暂无信息</p></div></div>
            <div class="zt"><ul>"""
            + "".join(f'<li><a href="/zt/{i}.html">{title}</a></li>' for i, title in
                      enumerate(["学习贯彻党的二十大精神专题", "优化营商环境政策专题", "安全生产月活动专题"]))
            + "</ul></div></body></html>")
    page = extract_list(html, "http://127.0.0.1/tzgg/", AS_OF)
    assert page.state == "empty" and page.entries == ()


def test_an_entry_whose_link_is_only_an_image_takes_its_title_from_the_image():
    html = """<html><body><ul class="tpxw">
      <li><a href="/tp/1.html"><img src="1.jpg" alt="市领导调研春耕备耕工作情况"></a><span>2024-02-19</span></li>
      <li><a href="/tp/2.html"><img src="2.jpg" title="全市安全生产工作会议召开"></a><span>2024-02-18</span></li>
    </ul></body></html>"""
    page = extract_list(html, "http://127.0.0.1/x/", AS_OF)
    assert [(e.title, e.date.date()) for e in page.entries] == [
        ("市领导调研春耕备耕工作情况", date(2024, 2, 19)), ("全市安全生产工作会议召开", date(2024, 2, 18))]


# --- home pages: the newest of every dated block ----------------------------------------------------

def home_blocks(sidebar: str = "") -> str:
    fresh = "".join(f'<li><a href="/yw/{i}.html">市政府召开第{i}次常务会议研究部署工作</a><span>2024-02-{19 - i:02d}</span></li>'
                    for i in range(5))
    old = "".join(f'<li><a href="/zc/{i}.html">关于印发渭南市第{i}项专项工作实施方案的通知</a><span>2023-{10 - i:02d}-15</span></li>'
                  for i in range(8))
    return f"""<html><body><div class="content">
      <div class="ywbox"><h3>政务要闻</h3><ul class="yw">{fresh}</ul></div>
      <div class="zcbox"><h3>政策文件</h3><ul class="zc-list">{old}</ul></div>{sidebar}
      <div class="hd"><a href="/hdjl/">政民互动</a></div></div></body></html>"""


def test_a_home_page_is_as_fresh_as_its_newest_dated_block():
    from govcheck.extract.page import read_page

    page = read_page(home_blocks(), "http://127.0.0.1/", AS_OF, AS_OF, (), home=True).page
    assert page.state == "entries" and newest_day(page) == date(2024, 2, 19)
    assert page.newest in page.entries and page.newest.title == "市政府召开第0次常务会议研究部署工作"
    assert {e.url.rsplit("/", 2)[1] for e in page.entries} == {"yw", "zc"}


def test_a_home_page_block_of_page_furniture_still_does_not_count():
    from govcheck.extract.page import read_page

    sidebar = """<div class="sidebar"><h3>最新信息</h3><ul>""" + "".join(
        f'<li><a href="/s/{i}.html">转发上级部门关于第{i}项工作的通知</a><span>2024-02-20</span></li>' for i in range(5)) + "</ul></div>"
    ranking = """<div class="box"><h3>热点排行</h3><ul>""" + "".join(
        f'<li><a href="/r/{i}.html">全市第{i}季度重点工作推进情况通报</a><span>2024-02-20</span></li>' for i in range(5)) + "</ul></div>"
    page = read_page(home_blocks(sidebar + ranking), "http://127.0.0.1/", AS_OF, AS_OF, (), home=True).page
    assert newest_day(page) == date(2024, 2, 19)


def test_a_column_page_keeps_the_newest_of_its_main_list():
    from govcheck.extract.page import read_page

    assert newest_day(extract_list(home_blocks(), "http://127.0.0.1/", AS_OF)) == date(2023, 10, 15)
    assert newest_day(read_page(home_blocks(), "http://127.0.0.1/", AS_OF, AS_OF, ()).page) == date(2023, 10, 15)


def test_a_page_a_browser_may_show_otherwise_is_told_apart_from_a_static_one():
    listed = '<ul class="news"><li><a href="t1.html">关于开展统计执法检查的通知</a><span>2023-09-20</span></li></ul>'

    def page(extra: str) -> str:
        return f"<html><body>{listed}{extra}</body></html>"

    assert depends_on_a_browser(page('<script src="/js/list.js"></script>'))  # a script file may write the list
    assert depends_on_a_browser(page("<script>var visits = 3;</script>"))
    assert depends_on_a_browser(page('<script type="module">import "./app.js";</script>'))
    assert depends_on_a_browser(page('<iframe src="/zwgk/list.jsp"></iframe>'))  # a list shown in a frame
    assert depends_on_a_browser(f'<html><body onload="init()">{listed}</body></html>')
    assert not depends_on_a_browser(page(""))
    assert not depends_on_a_browser(page('<script type="application/ld+json">{"@type": "WebPage"}</script>'))
    assert not depends_on_a_browser(page('<script type="text/template"><li>{{title}}</li></script><script></script>'))
    assert not depends_on_a_browser(page('<iframe src="about:blank"></iframe><iframe></iframe>'))


# --- lists that run from old to new ------------------------------------------------------------------

def dated_list(days: list[str], pager: str = "") -> str:
    items = "".join(f'<li><a href="t{n}.html">关于做好第{n}批重点项目建设工作的通知</a><span>{d}</span></li>' for n, d in enumerate(days))
    return f'<html><body><div class="main"><ul class="list">{items}</ul>{pager}</div></body></html>'


OLD_TO_NEW = ["2023-03-01", "2023-04-12", "2023-04-12", "2023-06-30", "2023-08-02"]
PAGER = '<div class="page">共5页 <a href="index_1.html">下一页</a> <a href="index_4.html">尾页</a></div>'


def test_a_list_running_from_old_to_new_is_told_from_a_newest_first_one():
    assert oldest_first(extract_list(dated_list(OLD_TO_NEW), "http://x.gov.cn/tzgg/", AS_OF))
    assert not oldest_first(extract_list(dated_list(OLD_TO_NEW[::-1]), "http://x.gov.cn/tzgg/", AS_OF))
    assert not oldest_first(extract_list(dated_list(["2023-03-01", "2023-08-02", "2023-06-30"]), "http://x.gov.cn/tzgg/", AS_OF))
    assert not oldest_first(extract_list(dated_list(["2023-03-01", "2023-08-02"]), "http://x.gov.cn/tzgg/", AS_OF))  # too few to tell
    assert not oldest_first(extract_list(dated_list(["2023-03-01"] * 4), "http://x.gov.cn/tzgg/", AS_OF))  # one day


def test_a_pagination_bar_says_the_list_goes_on_and_names_the_last_page():
    pages = more_pages(dated_list(OLD_TO_NEW, PAGER), "http://x.gov.cn/tzgg/")
    assert pages is not None and pages.says == "共5页" and pages.last_page_url == "http://x.gov.cn/tzgg/index_4.html"
    only_next = more_pages(dated_list(OLD_TO_NEW, '<a href="index_1.html">下一页</a>'), "http://x.gov.cn/tzgg/")
    assert only_next is not None and only_next.says == "下一页" and only_next.last_page_url is None
    assert more_pages(dated_list(OLD_TO_NEW), "http://x.gov.cn/tzgg/") is None
    # a script's source is not what the page shows
    scripted = dated_list(OLD_TO_NEW, '<script>var label = "下一页";</script>')
    assert more_pages(scripted, "http://x.gov.cn/tzgg/") is None


NAV_BASE = "http://www.example.gov.cn/"


def levels_of(html: str) -> dict[str, bool]:
    return {entry.name: entry.first_level for entry in discover_columns(html, NAV_BASE)}


@pytest.mark.parametrize("menu", [
    pytest.param("""<div class="nav"><ul>
        <li><a href="/xwzx/">新闻中心</a><div class="twonav"><a href="/xwzx/gzdt/">工作动态</a><a href="/xwzx/tpxw/">图片新闻</a></div></li>
        <li><a href="/xxgk/">信息公开</a><div class="twonav"><a href="/xxgk/tzgg/">通知公告</a><a href="/xxgk/zcwj/">政策文件</a></div></li>
        </ul></div>""", id="hover panel inside each entry"),
    pytest.param("""<div class="navBar"><ul class="nav"><li class="m"><a href="/xwzx/">新闻中心</a></li>
        <li class="m"><a href="/xxgk/">信息公开</a></li></ul>
        <div class="subNav"><div><a href="/xwzx/gzdt/">工作动态</a> <a href="/xwzx/tpxw/">图片新闻</a></div>
        <div><a href="/xxgk/tzgg/">通知公告</a> <a href="/xxgk/zcwj/">政策文件</a></div></div></div>""", id="panels beside the bar"),
    pytest.param("""<div class="mainNav"><ul>
        <li><dl><dt><a href="/xwzx/">新闻中心</a></dt><dd class="submenu"><span><a href="/xwzx/gzdt/">工作动态</a></span>
        <span><a href="/xwzx/tpxw/">图片新闻</a></span></dd></dl></li>
        <li><dl><dt><a href="/xxgk/">信息公开</a></dt><dd class="submenu"><span><a href="/xxgk/tzgg/">通知公告</a></span>
        <span><a href="/xxgk/zcwj/">政策文件</a></span></dd></dl></li></ul></div>""", id="dt entries with dd panels"),
])
def test_the_bar_s_entries_are_first_level_and_their_menus_are_not(menu):
    assert levels_of(f"<html><body>{menu}</body></html>") == {
        "新闻中心": True, "工作动态": False, "图片新闻": False, "信息公开": True, "通知公告": False, "政策文件": False,
    }


def test_a_bar_entry_that_only_heads_its_submenu_has_no_first_level_link():
    html = """<html><body><div class="menu"><ul>
      <li><span>信息公开</span><ul><li><a href="/xxgk/tzgg/">通知公告</a></li><li><a href="/xxgk/zcwj/">政策文件</a></li></ul></li>
      <li><a href="/hdjl/">互动交流</a></li><li><a href="/gzdt/">工作动态</a></li></ul></div></body></html>"""
    assert levels_of(html) == {"通知公告": False, "政策文件": False, "互动交流": True, "工作动态": True}


def test_a_column_both_in_the_bar_and_in_a_dropdown_is_first_level():
    html = """<html><body><div class="nav"><ul>
      <li><a href="/xxgk/">信息公开</a><ul class="sub"><li><a href="/tzgg/">通知公告</a></li></ul></li>
      <li><a href="/tzgg/">通知公告</a></li></ul></div></body></html>"""
    assert levels_of(html) == {"信息公开": True, "通知公告": True}


def test_a_news_block_s_more_link_is_a_column_below_the_first_level_and_never_named_more():
    html = """<html><body><div class="nav"><ul><li><a href="/gzdt/">工作动态</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
      <div class="box"><h3>通知公告</h3><a class="more" href="/tzgg/">更多</a></div>
      <div class="box"><h3>工作动态</h3><a class="more" href="/gzdt/">更多</a></div></body></html>"""
    assert levels_of(html) == {"工作动态": True, "互动交流": True, "通知公告": False}


def year_less_list(*items: tuple[str, str]) -> str:
    rows = "".join(f'<li><a href="{href}">关于做好第{n}季度住房公积金归集工作的通知</a><span>{printed}</span></li>' for n, (href, printed) in enumerate(items))
    return f"<html><body><div class='main'><ul>{rows}</ul></div></body></html>"


def test_a_date_printed_without_its_year_takes_the_year_its_address_dates():
    # real sites print 03-15 and keep the year only in the address (/201803/t20180315_4755.html)
    html = year_less_list(
        ("/ggtz/201803/t20180315_4755.html", "03-15"),
        ("/zcfg/dffg/201504/t20150403_3457.html", "04-03"),  # an old policy file still listed
        ("/xwdt/202310/34e1d41233c3.shtml", "10-11"),  # a folder naming the month only
        ("/xwdt/201812/t1.shtml", "01-02"),  # created in December, published in January
    )
    page = extract_list(html, "http://www.bjgjj.gov.cn/", datetime.fromisoformat("2024-02-20T23:59:59+08:00"))
    assert [e.date.date() for e in page.entries] == [date(2018, 3, 15), date(2015, 4, 3), date(2023, 10, 11), date(2019, 1, 2)]


def test_an_address_dating_another_day_leaves_the_monitoring_points_guess():
    # created on the 23rd, shown as 02-22: the address says nothing sure about the printed date's
    # year, and the guess (the latest such day up to the monitoring point) is never too old
    html = year_less_list(("/zcfg/201802/t20180223_4746.html", "02-22"), ("/zcfg/200801/t20080124_825.html", "03-24"))
    page = extract_list(html, "http://www.bjgjj.gov.cn/", datetime.fromisoformat("2018-03-15T23:59:59+08:00"))
    assert [e.date.date() for e in page.entries] == [date(2018, 2, 22), date(2017, 3, 24)]


def test_a_block_placed_by_a_pos_class_is_no_breadcrumb():
    # xxgk_pos names where the news block sits in the layout; a class pos alone is a breadcrumb
    rows = "".join(f'<li><span>[2018-03-{d:02d}]</span><a href="/n/{d}.html">关于开展建设工程春季施工第{d}项专项行动的通知</a></li>' for d in (19, 20, 16))
    html = f"<html><body><div class='pos'>当前位置：<a href='/'>首页</a></div><div class='xxgk_pos column' id='xxgk_pos'><ul>{rows}</ul></div></body></html>"
    page = extract_list(html, "http://www.bjjs.gov.cn/", datetime.fromisoformat("2018-03-20T23:59:59+08:00"), home=True)
    assert page.state == "entries" and newest_day(page) == date(2018, 3, 20)
    breadcrumb = html.replace("class='xxgk_pos column' id='xxgk_pos'", "class='pos'")
    assert extract_list(breadcrumb, "http://www.bjjs.gov.cn/", AS_OF).state == "unparsed"

"""What a page shows in its frames: the navigation of a menu in an <iframe>, a list shown in one."""

from __future__ import annotations

from datetime import date, datetime

from govcheck.dates import SHANGHAI
from govcheck.extract.listing import extract_list
from govcheck.extract.navigation import NavigationEntry
from govcheck.extract.page import navigation_with_frames, read_page, with_frame_lists, with_frames

HEADER = """<html><body><div class="nav"><ul>
<li><a href="/index.html">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/zwgk/zcwj/">政策文件</a></li>
</ul></div></body></html>"""


def test_the_columns_of_a_menu_in_a_frame_follow_the_page_s_own_each_once():
    own = [NavigationEntry("新闻中心", "http://www.example.gov.cn/xwzx/", True)]
    frames = [("http://www.example.gov.cn/include/head.html", HEADER)]
    # the bar of a header shown in a frame is a bar of the page: its entries are first-level
    assert navigation_with_frames(own, frames) == [
        NavigationEntry("新闻中心", "http://www.example.gov.cn/xwzx/", True),
        NavigationEntry("通知公告", "http://www.example.gov.cn/zwgk/tzgg/", True),
        NavigationEntry("政策文件", "http://www.example.gov.cn/zwgk/zcwj/", True),
    ]


def test_frames_without_a_document_or_an_address_add_nothing():
    frames = [("http://www.example.gov.cn/include/head.html", None), ("about:blank", HEADER)]
    assert navigation_with_frames([], frames) == []


# -- the lists a page shows in its frames ---------------------------------------------------------

AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
SITE = "http://www.example.gov.cn/"
OLD_BLOCK = """<html><body><div class="xgwj"><h3>相关文件</h3><ul>
<li><a href="/w1.html">渭南市统计调查项目管理办法</a><span>2023-09-20</span></li>
<li><a href="/w2.html">关于规范统计数据发布工作的通知</a><span>2023-08-02</span></li>
</ul></div><iframe src="/tjdt/list.jsp"></iframe></body></html>"""
FRAMED_LIST = """<html><body><ul class="list">
<li><a href="t1.html">市统计局召开2024年统计工作会议</a><span>2024-02-19</span></li>
<li><a href="t2.html">市统计局开展统计执法检查工作</a><span>2024-02-08</span></li>
</ul></body></html>"""


def test_a_list_shown_in_a_frame_of_the_site_counts_with_the_page_s_own():
    own = extract_list(OLD_BLOCK, SITE + "tjdt/", AS_OF)
    seen = with_frame_lists(own, [(SITE + "tjdt/list.jsp", FRAMED_LIST)], SITE, AS_OF)
    assert seen.state == "entries" and seen.newest.date.date() == date(2024, 2, 19)
    assert [entry.url for entry in seen.entries] == [
        SITE + "w1.html", SITE + "w2.html", SITE + "tjdt/t1.html", SITE + "tjdt/t2.html"
    ]


def test_a_page_whose_only_list_is_in_a_frame_reads_as_that_list():
    shell = extract_list("<html><body><iframe src='/tjdt/list.jsp'></iframe></body></html>", SITE + "tjdt/", AS_OF)
    assert shell.state == "unparsed"
    seen = with_frame_lists(shell, [(SITE + "tjdt/list.jsp", FRAMED_LIST)], SITE, AS_OF)
    assert (seen.state, len(seen.entries), seen.newest.date.date()) == ("entries", 2, date(2024, 2, 19))


def test_frames_of_other_hosts_never_make_a_page_look_updated():
    own = extract_list(OLD_BLOCK, SITE + "tjdt/", AS_OF)
    widgets = [("http://tq.example.com/weather.html", FRAMED_LIST), (SITE + "tjdt/list.jsp", None), ("about:blank", FRAMED_LIST)]
    assert with_frame_lists(own, widgets, SITE, AS_OF) is own
    assert own.newest.date.date() == date(2023, 9, 20)


def test_a_rendered_home_page_s_reading_takes_the_list_menu_and_channels_of_its_frames():
    own = read_page(OLD_BLOCK, SITE, AS_OF, AS_OF, (), home=True, navigation=True)
    menu = HEADER.replace("</ul>", '<li><a href="/hdjl/">政民互动</a></li></ul>')
    frames = [(SITE + "include/head.html", menu), (SITE + "tjdt/list.jsp", FRAMED_LIST), (SITE + "include/mail.html", None)]

    seen = with_frames(own, frames, SITE, AS_OF, home=True)

    assert seen.page.newest.date.date() == date(2024, 2, 19)
    assert NavigationEntry("通知公告", SITE + "zwgk/tzgg/", True) in seen.navigation
    assert seen.interaction_links == (("政民互动", SITE + "hdjl/"),)
    assert seen.interaction_unresolved == (("", SITE + "include/mail.html", "frame"),)
    assert with_frames(own, [], SITE, AS_OF, home=True) is own


# -- 功能设计 marks -----------------------------------------------------------------------------


def test_the_marks_of_every_real_home_page_are_read_as_its_label_says():
    """网站标识码 and ICP as labelled on every saved real home page (printed, in a meta tag, or
    only as the error-report script's sitecode); pages labelled without them show none."""
    import unicodedata
    from pathlib import Path

    import pytest

    from corpus import load_corpus
    from govcheck.extract.marks import find_site_marks

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not (corpus / "labels.json").exists():
        pytest.skip("no corpus of labelled real pages beside the checkout")
    for page in load_corpus(corpus, "home"):
        marks = find_site_marks(page.html, page.base_url)
        assert marks.site_code == (page.label.get("site_code") or ""), page.name
        assert marks.icp.replace(" ", "") == unicodedata.normalize("NFKC", page.label.get("icp") or ""), page.name


def test_marks_written_by_scripts_and_the_error_report_entry_are_found():
    from govcheck.extract.marks import find_site_marks

    html = (
        "<html><body><div class='footer'>陕ICP备05001234号-1 陕公网安备 61050202000123号</div>"
        "<script>document.write(unescape(\"%3Cscript src='http://dcs.conac.cn/js/27/000/0000/1.js'%3E%3C/script%3E\"));</script>"
        "<script id='_jiucuo_' sitecode='6105000031' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script>"
        "</body></html>"
    )
    marks = find_site_marks(html, "http://www.nanyuan.gov.cn/")
    assert (marks.site_code, marks.site_code_where) == ("6105000031", "script")
    assert (marks.icp, marks.police) == ("陕ICP备05001234号-1", "陕公网安备61050202000123号")
    assert marks.conac == "http://dcs.conac.cn/js/27/000/0000/1.js"
    assert marks.error_report == "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"
    assert find_site_marks("<html><body><p>南塬县人民政府</p></body></html>", "http://x.gov.cn/") == type(marks)()

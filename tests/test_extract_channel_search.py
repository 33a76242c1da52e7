"""Proof of absence, on saved HTML: where a channel may be on a home page that names none, and
what a page reached from it shows (a message form, messages, a platform, a named channel, none,
or something we cannot tell)."""

from __future__ import annotations

from datetime import datetime

import pytest

from govcheck.extract.channel_search import (
    Candidate,
    ChannelPage,
    combine_channel_pages,
    platform_word,
    read_channel_page,
)
from govcheck.extract.interaction import name_kind
from govcheck.extract.page import read_page, with_frames

HOME = "http://www.example.gov.cn/"
AS_OF = datetime.fromisoformat("2024-02-20T23:59:59+08:00")
PLATFORMS = ("12345", "liuyan", "tousu", "szxx")
NEWS = """<div class="news"><ul>
  <li><a href="/xw/202402/t20240219_1.html">市政府召开常务会议研究部署春耕工作</a><span>2024-02-19</span></li>
  <li><a href="/xw/202402/t20240218_2.html">年夜饭零投诉 春节期间食品抽检全部合格</a><span>2024-02-18</span></li>
  <li><a href="/xw/202402/t20240216_3.html">我市开展春季森林防火检查</a><span>2024-02-16</span></li></ul></div>"""


def page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def plan(body: str):
    return read_page(page(body), HOME, AS_OF, AS_OF, (), home=True, platform_hosts=PLATFORMS).channel_search


@pytest.mark.parametrize(
    "name, kind",
    [
        ("市长信箱", "channel"), ("建言献策", "channel"), ("政民互动", "section"), ("公众参与", "section"),
        ("网上信访", "excluded"), ("来信选登", "excluded"), ("新闻中心", "other"), ("政务公开", "other"), ("首页", "other"),
        ("陕西省人民政府", "other"), ("渭南市发展和改革委员会", "other"), ("市政府召开常务会议研究部署春耕工作", "other"),
        ("政务服务", "unknown"), ("百姓直通车", "unknown"), ("有事您说话", "unknown"), ("", "unnamed"), ("ad1103.jpg", "unnamed"),
    ],
)
def test_what_a_link_name_says(name, kind):
    # a word we do not know (民声通道) is never understood as "no channel"
    assert name_kind(name) == kind


def test_a_home_page_naming_a_channel_needs_no_search():
    assert plan('<div class="nav"><a href="/xw/">新闻中心</a><a href="/szxx/">市长信箱</a></div>') is None


def test_the_places_to_look_on_a_home_page_naming_no_channel():
    search = plan(
        """<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
        <li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/zmhd/">政民互动</a></li>
        <li><a href="/xf/">网上信访</a></li></ul></div>"""
        + NEWS
        + """<div class="box"><a href="/msztc/">百姓直通车</a><a href="/zt/"><img src="/img/banner.png"></a>
        <a href="/files/report.pdf">工作报告</a><a href="http://www.shaanxi.gov.cn/">陕西省人民政府</a>
        <a href="javascript:void(0)" onclick="openWin()">有事您说话</a><a href="/xw/list.html">更多</a></div>"""
    )
    assert [(entry.name, entry.url, entry.kind) for entry in search.navigation] == [
        ("新闻中心", HOME + "xwzx/", "other"),
        ("政务公开", HOME + "zwgk/", "other"),
        ("政务服务", HOME + "zwfw/", "unknown"),
        ("政民互动", HOME + "zmhd/", "section"),
        ("网上信访", HOME + "xf/", "excluded"),
    ]
    # the likeliest first: the section, then the navigation entry we cannot name, then the rest;
    # news titles, documents, other units and known furniture need no read
    assert search.candidates == (
        Candidate("政民互动", HOME + "zmhd/", "section"),
        Candidate("政务服务", HOME + "zwfw/", "navigation"),
        Candidate("百姓直通车", HOME + "msztc/", "unknown name"),
        Candidate("有事您说话", "", "script", "openWin()"),
        Candidate("", HOME + "zt/", "unnamed image"),
    )
    assert search.platforms == () and search.shows == ()
    assert [c.whole_page for c in search.candidates] == [True, True, False, False, False]


def test_a_link_to_a_known_platform_is_a_channel_by_its_host():
    search = plan(
        """<div class="nav"><a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a></div>
        <a href="https://liuyan.www.gov.cn/hudong/atwls/rmqz.htm"><img src="/a.png"></a>
        <a href="http://www.jxyc12345.cn/">便民服务</a><a href="https://wsxf.jx-xinfang.gov.cn/?orgid=1">网上办事</a>"""
    )
    assert search.platforms == (
        ("", "https://liuyan.www.gov.cn/hudong/atwls/rmqz.htm", "liuyan"),
        ("便民服务", "http://www.jxyc12345.cn/", "12345"),
    )


@pytest.mark.parametrize(
    "url, word",
    [
        ("https://liuyan.www.gov.cn/x.htm", "liuyan"), ("https://tousu.www.gov.cn/zwfw/", "tousu"),
        ("http://www.jxyc12345.cn/", "12345"), ("http://szxx.weinan.gov.cn/", "szxx"),
        ("http://www.weinan.gov.cn/liuyan/", None),  # a path says nothing about the host
        ("http://12345.xinfang.gov.cn/", None),  # a petition host never counts
        ("http://www.xinxiang.gov.cn/", None),
    ],
)
def test_platform_hosts(url, word):
    assert platform_word(url, PLATFORMS) == word


def test_a_home_page_showing_a_message_form_is_itself_a_channel():
    search = plan(
        """<div class="nav"><a href="/xwzx/">新闻中心</a></div><div class="box"><h3>我要留言</h3>
        <form action="/ly/submit" method="post"><textarea name="content"></textarea><input type="submit" value="提交"></form></div>"""
    )
    assert search.shows == ("留言表单：文本框 content 与提交按钮“提交”（提交至 /ly/submit）",)


def test_a_menu_shown_in_a_frame_is_the_home_page_s_navigation():
    reading = read_page(page(NEWS + '<iframe src="/top.html"></iframe>'), HOME, AS_OF, AS_OF, (), home=True)
    assert reading.channel_search.navigation == ()
    menu = '<div class="nav"><a href="/xwzx/">新闻中心</a><a href="/gzcy/">公众参与</a></div>'
    framed = with_frames(reading, [(HOME + "top.html", menu)], HOME, AS_OF, home=True)
    assert [(e.name, e.kind) for e in framed.channel_search.navigation] == [("新闻中心", "other"), ("公众参与", "section")]
    assert framed.channel_search.candidates == (Candidate("公众参与", HOME + "gzcy/", "section"),)


# -- what a page reached from the home page shows ----------------------------------------------


def reached(body: str, url: str = HOME + "zmhd/", *, whole_page: bool = True, known: tuple[str, ...] = ()) -> ChannelPage:
    return read_channel_page(page(body), url, AS_OF, whole_page=whole_page, known_urls=known, platform_hosts=PLATFORMS)


ARTICLE = "<div class='content'><h1>关于春耕工作的通知</h1><p>" + "各乡镇人民政府、各有关部门：现就做好春耕备耕工作通知如下。" * 3 + "</p></div>"


def test_a_page_with_a_message_form_is_a_channel_whatever_its_link_was_named():
    seen = reached(
        """<h2>百姓直通车</h2><form action="/msztc/save" method="post"><input name="title">
        <textarea name="nr" rows="8"></textarea><button type="submit">发送</button></form>"""
    )
    assert seen == ChannelPage("channel", ("留言表单：文本框 nr 与提交按钮“发送”（提交至 /msztc/save）",))


def test_a_form_sent_by_a_script_button_is_a_message_form_too():
    seen = reached("""<div class="write"><textarea id="nr"></textarea><a href="javascript:void(0)" onclick="send()">提交留言</a></div>""")
    assert seen.outcome == "channel" and seen.shows[0].startswith("留言表单：文本框 nr 与提交按钮“提交留言”")


def test_a_hidden_text_area_or_one_without_a_submit_is_no_form():
    hidden = '<textarea class="kage" style="display: none">来电咨询、投诉举报</textarea>'
    assert reached(ARTICLE + hidden, whole_page=False).outcome == "none"
    search_box = '<form action="/search"><textarea name="q"></textarea></form>'
    assert reached(ARTICLE + search_box, whole_page=False).outcome == "none"


def test_a_page_listing_messages_with_their_replies_is_a_channel():
    seen = reached(
        """<table><tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>
        <tr><td><a href="/ly/1.html">咨询春季入学报名时间</a></td><td>2024-02-18</td><td>2024-02-19</td><td>已回复</td></tr>
        <tr><td><a href="/ly/2.html">反映小区路灯不亮</a></td><td>2024-02-10</td><td></td><td>办理中</td></tr></table>"""
    )
    assert seen.outcome == "channel"
    assert seen.shows == ("留言列表：2条留言，带留言时间与回复情况（如：咨询春季入学报名时间 2024-02-18 2024-02-19）",)


@pytest.mark.parametrize(
    "body, url, shows",
    [
        (ARTICLE, "https://liuyan.www.gov.cn/hudong/", "统一互动平台：liuyan.www.gov.cn（liuyan）"),  # redirected to a platform
        (ARTICLE + '<iframe src="http://www.sx12345.gov.cn/embed/"></iframe>', HOME + "zmhd/", "内嵌统一互动平台：http://www.sx12345.gov.cn/embed/（12345）"),
        (ARTICLE + '<a href="/zmhd/szxx/">书记信箱</a>', HOME + "zmhd/", f"互动入口：书记信箱（{HOME}zmhd/szxx/）"),
        (ARTICLE + '<a href="https://tousu.www.gov.cn/">政务服务投诉</a>', HOME + "zmhd/", "互动入口：政务服务投诉（https://tousu.www.gov.cn/）"),
    ],
)
def test_a_page_naming_or_leading_to_a_platform_is_a_channel(body, url, shows):
    seen = reached(body, url)
    assert seen.outcome == "channel" and shows in seen.shows


def test_a_page_we_understand_and_that_holds_no_channel():
    # a section page of known links, those of the site's own menu (known from the home page) aside
    body = ARTICLE + '<div class="nav"><a href="/xwzx/">新闻中心</a><a href="/msztc/">百姓直通车</a></div><a href="/zwgk/">政务公开</a>'
    assert reached(body, known=(HOME + "msztc/",)) == ChannelPage("none", ())


@pytest.mark.parametrize(
    "body, whole_page, why",
    [
        (ARTICLE + '<form action="/login"><input name="u"><input type="password" name="p"></form>', False, "页面要求登录"),
        ("<div id='app'></div>", False, "页面几乎没有可读内容"),
        (ARTICLE + '<a href="javascript:void(0)">在线咨询</a>', False, "疑似入口无法读取：在线咨询（javascript:void(0)）"),
        (ARTICLE + '<a href="/mszx/">百姓直通车</a>', True, f"未识别的链接：百姓直通车（{HOME}mszx/）"),
        (ARTICLE + '<a href="/hdjl/lyb/">互动交流</a>', True, f"未识别的链接：互动交流（{HOME}hdjl/lyb/）"),
    ],
)
def test_a_page_we_cannot_tell_is_unclear_never_none(body, whole_page, why):
    seen = reached(body, whole_page=whole_page)
    assert seen.outcome == "unclear" and why in seen.shows


def test_an_unknown_link_on_a_page_whose_link_was_an_unknown_name_is_not_followed():
    # only where a channel would sit (a section, a navigation entry) must every link be understood
    assert reached(ARTICLE + '<a href="/mszx/">百姓直通车</a>', whole_page=False).outcome == "none"


def test_a_page_and_its_frames_are_one_reading():
    none, unclear = ChannelPage("none", ()), ChannelPage("unclear", ("页面要求登录",))
    form = ChannelPage("channel", ("留言表单：文本框与提交按钮“提交”",))
    assert combine_channel_pages([none, unclear]) == unclear
    assert combine_channel_pages([unclear, form]) == form
    assert combine_channel_pages([none, none]) == none


def test_a_block_classed_like_an_interaction_area_left_empty_cannot_be_read():
    # <div id="zmhd"></div>: a script fills it, one the browser may not have run
    search = plan('<div class="nav"><a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a></div>' + NEWS + '<div class="box"><div id="zmhd"></div></div>')
    assert search.candidates == (Candidate("", "", "empty block", '<div id="zmhd">'),)

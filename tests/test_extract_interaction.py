"""Interaction columns: 留言 lists read as printed, reply states, and the links naming a channel.

The replica's 市长信箱 (a table) and 政务咨询 (list items with labelled dates) are the saved
pages; replica/sites/manifest.yaml lists their messages as an inspector reads them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from govcheck.extract.columns import column_type_for_name, column_type_guess, discovered_column_type
from govcheck.extract.interaction import (
    ChannelLinks,
    MessageList,
    channel_links,
    channel_links_in_frames,
    extract_messages,
    interaction_links,
    names_channel_section,
    names_interaction_channel,
    reply_state,
)
from govcheck.extract.html import decode_html
from govcheck.extract.navigation import NavigationEntry
from govcheck.extract.page import read_page
from govcheck.spiders.sites import SitesSpider

SITES = Path(__file__).resolve().parents[1] / "replica" / "sites"
MANIFEST = yaml.safe_load((SITES / "manifest.yaml").read_text(encoding="utf-8"))
ORIGIN = "http://127.0.0.1:8000"
# read three days after the monitoring point, as the replica's pages say (今天是2024年2月23日)
READ_AT = datetime.fromisoformat("2024-02-23T10:00:00+08:00")

INTERACTION_COLUMNS = [
    pytest.param(site, column, id=f"{site['slug']}:{column['name']}")
    for site in MANIFEST["sites"]
    for column in site["columns"]
    if "expected_messages" in column
]


def read(path: str) -> str:
    file = SITES / path.lstrip("/")
    return decode_html((file / "index.html" if file.is_dir() else file).read_bytes(), "text/html")


def day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def messages_of(html: str, url: str = ORIGIN + "/x/hdjl/index.html") -> MessageList:
    return extract_messages(html, url, READ_AT)


def test_the_replica_has_a_table_and_a_list_of_messages():
    layouts = {column["path"] for _, column in (p.values for p in INTERACTION_COLUMNS)}
    assert {"/interaction/hdjl/szxx/index.html", "/discovered/zwzx/index.html"} <= layouts


@pytest.mark.parametrize("site, column", INTERACTION_COLUMNS)
def test_each_message_list_is_read_as_printed(site, column):
    listed = messages_of(read(column["path"]), ORIGIN + column["path"])
    assert listed.state == "messages"
    seen = [(m.title, day(m.asked), day(m.answered), m.url) for m in listed.messages]
    expected = [(m["title"], m["asked"], m["answered"], ORIGIN + m["url"]) for m in column["expected_messages"]]
    assert seen == expected


def test_table_status_words_say_which_messages_were_answered():
    listed = messages_of(read("/interaction/hdjl/szxx/index.html"))
    assert [(m.status, m.replied) for m in listed.messages] == [("已回复", True)] * 4 + [("待回复", False), ("已回复", True)]
    open_one = listed.messages[4]
    assert (open_one.answered, open_one.answered_text, open_one.invalid) == (None, "", False)


def test_list_items_with_labelled_dates_keep_their_texts():
    first = messages_of(read("/discovered/zwzx/index.html")).messages[0]
    assert (first.asked_text, first.answered_text, first.status, first.replied) == ("2024-02-18", "2024-02-19", "已答复", True)


def test_a_reply_printed_after_the_monitoring_point_is_kept():
    html = """<table><tr><th>信件标题</th><th>来信日期</th><th>答复日期</th></tr>
      <tr><td><a href="/x/1.html">反映供暖问题</a></td><td>2023-10-01</td><td>2024-02-22</td></tr></table>"""
    [message] = messages_of(html).messages
    assert (day(message.asked), day(message.answered)) == ("2023-10-01", "2024-02-22")
    assert message.replied is None  # no status column: only the date says it was answered


def test_a_table_with_a_status_column_and_no_reply_dates():
    html = """<table class="list"><thead><tr><th>序号</th><th>主题</th><th>提问时间</th><th>办理状态</th></tr></thead>
      <tr><td>1</td><td><a href="a.html">咨询公积金提取</a></td><td>2024年01月05日</td><td>已办结</td></tr>
      <tr><td>2</td><td><a href="b.html">咨询社保转移</a></td><td>2023年09月15日</td><td>办理中</td></tr>
      <tr><td>3</td><td><a href="c.html">重复来信</a></td><td>2023年08月15日</td><td>不予受理</td></tr></table>"""
    listed = messages_of(html, "http://www.example.gov.cn/hdjl/")
    assert [(m.title, day(m.asked), m.replied, m.invalid) for m in listed.messages] == [
        ("咨询公积金提取", "2024-01-05", True, False),
        ("咨询社保转移", "2023-09-15", False, False),
        ("重复来信", "2023-08-15", None, True),
    ]
    assert listed.messages[0].url == "http://www.example.gov.cn/hdjl/a.html"


def test_list_items_with_a_status_label_and_a_wrapper():
    html = """<div class="zx"><div class="item"><div class="inner">
        <a href="q1.html">关于公交线路调整的建议</a><p>留言时间：2023-12-01 14:20　回复时间：2023-12-03　状态：已回复</p>
      </div></div>
      <div class="item"><a href="q2.html">咨询农机补贴</a><p>留言时间：2023-10-09　状态：未回复</p></div></div>"""
    listed = messages_of(html)
    assert [(m.title, day(m.asked), day(m.answered), m.replied) for m in listed.messages] == [
        ("关于公交线路调整的建议", "2023-12-01", "2023-12-03", True),
        ("咨询农机补贴", "2023-10-09", None, False),
    ]


@pytest.mark.parametrize(
    "html, state",
    [
        ("<html><body><div class='list'>暂无留言</div></body></html>", "empty"),
        ("<html><body><table><tr><th>标题</th><th>留言时间</th><th>回复时间</th></tr><tr><td colspan=3>暂无数据</td></tr></table></body></html>", "empty"),
        ("<html><body><form><textarea name='nr'></textarea><input type='submit' value='提交'></form></body></html>", "unparsed"),
        ("<html><body><ul><li><a href='a.html'>县长信箱</a><span>2024-02-01</span></li></ul></body></html>", "unparsed"),
        ("", "unparsed"),
    ],
)
def test_pages_without_messages(html, state):
    assert messages_of(html) == MessageList(state, ())


def test_the_contact_form_of_a_replica_site_is_no_message_list():
    assert messages_of(read("/serious-errors/hdjl/index.html")).state == "unparsed"


@pytest.mark.parametrize(
    "status, expected",
    [
        ("已回复", (True, False)), ("已答复", (True, False)), ("已办结", (True, False)), ("办结", (True, False)),
        ("待回复", (False, False)), ("未办结", (False, False)), ("办理中", (False, False)), ("已受理", (False, False)),
        ("无效留言", (None, True)), ("不予受理", (None, True)), ("", (None, False)), ("公开", (None, False)),
    ],
)
def test_reply_states(status, expected):
    assert reply_state(status) == expected


@pytest.mark.parametrize(
    "name, channel",
    [
        ("互动交流", True), ("政民互动", True), ("市长信箱", True), ("在线咨询", True), ("我要写信", True), ("12345热线", True),
        ("网上信访", False), ("纪委监委举报信箱", False), ("通知公告", False), ("信息公开", False),
        # names seen on real home pages (notes/real-sites.md, the corpus labels)
        ("建言献策", True), ("投诉建议", True), ("投诉与建议", True), ("意见征集", True), ("民意征集", True), ("咨询留言", True),
        ("投  诉", True), ("意见建议", True), ("监督投诉", True), ("投诉举报", True), ("人民群众留言入口", True), ("12329", True),
        ("政府服务热线", True), ("书记信箱", True), ("公众参与", True),
        # traps: published letters and answers, interviews, staff mail, discipline and petition, the error report
        ("来信选登", False), ("回应关切", False), ("在线访谈", False), ("政务邮箱", False), ("违法举报", False), ("纪检监察", False),
        ("我要纠错", False), ("建议提案办理", False), ("调查征集", False),
    ],
)
def test_names_of_interaction_channels(name, channel):
    assert names_interaction_channel(name) is channel


@pytest.mark.parametrize(
    "name, section",
    [("政民互动", True), ("互动交流", True), ("公众参与", True), ("互动平台", True), ("互动留言", False), ("市长信箱", False), ("网上信访", False)],
)
def test_sections_holding_channels_are_told_from_channels(name, section):
    # a 政民互动 link leads to where channels sit: the channel is on its page
    assert names_channel_section(name) is section


def test_staff_webmail_is_never_a_channel():
    html = """<div class="top"><a href="https://mail.gov.cn/nsmail/index.php">邮箱</a><a href="/szyx/">市长邮箱</a></div>"""
    assert interaction_links(html, HOME) == [("市长邮箱", HOME + "szyx/")]


def test_news_titles_and_commented_out_links_are_never_channels():
    html = """<html><body><div class="news"><ul>
      <li><a href="/xw/1.html">年夜饭零投诉</a><span>2018-02-22</span></li>
      <li><a href="/xw/2.html">市局开展专项检查</a><span>2018-02-21</span></li></ul></div>
      <!-- <a href="/jdts/">监督投诉</a> -->
      <div class="qdzx"><a href="/tsbook/">投  诉</a></div></body></html>"""
    reading = read_page(html, HOME, READ_AT, READ_AT, (), home=True)
    assert reading.interaction_links == (("投 诉", HOME + "tsbook/"),)


def test_interaction_links_of_a_home_page_any_host():
    html = """<div class="nav"><a href="/hdjl/">政民互动</a><a href="http://www.weinan.gov.cn/szxx/">市长信箱</a>
      <a href="/xf/">网上信访</a><a href="javascript:void(0)">在线咨询</a><a href="/tzgg/">通知公告</a></div>"""
    assert interaction_links(html, "http://xczx.weinan.gov.cn/index.html") == [
        ("政民互动", "http://xczx.weinan.gov.cn/hdjl/"),
        ("市长信箱", "http://www.weinan.gov.cn/szxx/"),
    ]


@pytest.mark.parametrize("site", MANIFEST["sites"], ids=lambda s: s["slug"])
def test_each_replica_home_page_links_the_channels_the_manifest_lists(site):
    found = [url for _, url in interaction_links(read(site["home"]), ORIGIN + site["home"])]
    # links written by the page's script are not in the HTML as fetched
    expected = [] if site.get("interaction_links_by_script") else site["expected_interaction_links"]
    assert found == [ORIGIN + path for path in expected]


@pytest.mark.parametrize(
    "name, column_type",
    [
        ("南塬要闻", "动态要闻"), ("工作动态", "动态要闻"), ("新闻发布", "动态要闻"), ("通知公告", "通知公告"), ("公告公示", "通知公告"),
        ("政府公告", "通知公告"), ("政策文件", "政策文件"), ("县政府文件", "政策文件"), ("规范性文件", "政策文件"),
        ("人事任免", "人事信息"), ("规划计划", "规划计划"), ("工作计划", "规划计划"),
        ("政务咨询", "互动交流"), ("领导信箱", "互动交流"), ("在线留言", "互动交流"), ("文明创建", "其他"), ("机构概况", "其他"),
        ("网上信访", "其他"), ("新闻发布会", "其他"),
    ],
)
def test_discovered_columns_are_typed_by_what_their_names_say(name, column_type):
    assert column_type_for_name(name) == column_type


@pytest.mark.parametrize(
    "name, guess",
    [
        # an interpretation, a download area, laws, photos, topics: not the type their words suggest
        ("政策解读", "政策文件"), ("文件下载", "政策文件"), ("政策法规", "政策文件"), ("法规文件", "政策文件"),
        ("图片新闻", "动态要闻"), ("新闻专题", "动态要闻"), ("新闻中心", "动态要闻"), ("视频新闻", "动态要闻"),
        ("招聘公告", "通知公告"), ("人事动态", "人事信息"), ("最新政策", "政策文件"),
    ],
)
def test_a_name_that_leaves_a_doubt_is_other_with_its_guess_kept(name, guess):
    assert (column_type_for_name(name), column_type_guess(name)) == ("其他", guess)


@pytest.mark.parametrize("first_level, expected", [(True, ("通知公告", "通知公告")), (False, ("其他", "通知公告"))])
def test_a_discovered_column_of_a_submenu_is_other_whatever_its_name(first_level, expected):
    assert discovered_column_type(NavigationEntry("通知公告", "http://www.example.gov.cn/tzgg/", first_level)) == expected


def test_a_discovered_interaction_column_is_typed_by_its_name_at_any_level():
    assert discovered_column_type(NavigationEntry("领导信箱", "http://www.example.gov.cn/ldxx/", False)) == ("互动交流", "互动交流")


def test_the_discovered_replica_columns_have_the_types_their_names_and_levels_give():
    for site in (s for s in MANIFEST["sites"] if s.get("register_columns") is False):
        typed = [(c["name"], discovered_column_type(NavigationEntry(c["name"], c["path"], c.get("first_level", True)))) for c in site["columns"]]
        assert typed == [(c["name"], (c["type"], c.get("type_guess", c["type"]))) for c in site["columns"]], site["slug"]


def test_message_dates_are_never_after_the_read_time():
    html = "<table><tr><th>标题</th><th>留言时间</th><th>回复时间</th></tr><tr><td><a href='a'>问</a></td><td>2024-02-01</td><td>2024-03-01</td></tr></table>"
    [message] = messages_of(html).messages
    assert message.answered is None and message.asked.date() == date(2024, 2, 1)


def test_a_link_that_is_only_an_image_is_named_by_the_image():
    html = """<div class="main"><div class="banner"><a href="http://www.example.gov.cn/hdjl/szxx/"><img src="szxx.png" alt="市长信箱"></a>
      <a href="/zxzx/"> <img src="zx.png" title="在线咨询"> </a><a href="/xf/"><img src="xf.png" alt="网上信访"></a>
      <a href="/tp/"><img src="tp.png"></a></div></div>"""
    assert interaction_links(html, "http://www.example.gov.cn/") == [
        ("市长信箱", "http://www.example.gov.cn/hdjl/szxx/"),
        ("在线咨询", "http://www.example.gov.cn/zxzx/"),
    ]


def test_a_short_title_inside_the_link_is_not_taken_for_the_status():
    html = """<ul><li><a href="/m/3.html"><span>垃圾未处理</span></a><span>留言时间：2023-08-02</span></li>
      <li><a href="/m/4.html"><em>咨询</em><span>路灯未修</span></a><span>留言时间：2023-08-03</span><span>已回复</span></li></ul>"""
    assert [(m.title, m.status, m.replied) for m in messages_of(html).messages] == [
        ("垃圾未处理", "", None),
        ("咨询路灯未修", "已回复", True),
    ]


@pytest.mark.parametrize(
    "labels, status, replied",
    [
        ("<span>受理状态：已受理</span><span>办理状态：已办结</span>", "已办结", True),
        ("<span>办理状态：已办结</span><span>受理状态：已受理</span>", "已办结", True),
        ("<span>受理状态：已受理</span><span>回复状态：未回复</span>", "未回复", False),
        ("<span>状态：</span><b>已回复</b><span>浏览：12</span>", "已回复", True),
        ("<span>受理状态：已受理</span>", "已受理", False),
        # the steps reached, in one element or several
        ("<span>办理状态：已受理 → 已办结</span>", "已受理 → 已办结", True),
        ("<span>办理状态：</span><span>已受理</span> <span>已办结</span><span>浏览 12</span>", "已受理 已办结", True),
        ("<span>办理状态：已受理</span> <span>浏览 12</span>", "已受理", False),
        ("<span>已受理</span><span>已办结</span>", "已受理 已办结", True),
        ("<span>已办结</span><span>待反馈</span>", "已办结 待反馈", None),
    ],
)
def test_status_labels_in_neighbouring_elements_are_read_apart(labels, status, replied):
    html = f"""<ul><li><a href="/m/1.html">关于小区冬季供暖温度不达标的反映</a><span>留言时间：2023-08-01</span>{labels}</li></ul>"""
    [message] = messages_of(html).messages
    assert (message.status, message.replied) == (status, replied)


@pytest.mark.parametrize(
    "status, expected",
    [
        # a progression whose last step is a final state: answered
        ("已受理→已办结", (True, False)), ("已受理 -> 已转办 -> 已回复", (True, False)), ("已受理 已转办 已办结", (True, False)),
        ("待回复>已答复", (True, False)), ("已签收、办理中、已办结", (True, False)),
        # a reply word and a pending word with no final step last: the page does not say
        ("已办结 待反馈", (None, False)), ("已回复(待审核)", (None, False)), ("已回复待审核", (None, False)),
        ("已办结→处理中", (None, False)), ("已受理已办结", (None, False)),
    ],
)
def test_a_status_showing_a_reply_and_a_pending_word(status, expected):
    assert reply_state(status) == expected


def test_a_status_cell_showing_the_steps_reached():
    html = """<table><tr><th>信件标题</th><th>来信时间</th><th>办理状态</th></tr>
      <tr><td><a href="/m/1.html">关于农村道路硬化的建议</a></td><td>2023-08-01</td><td>已受理→已办结</td></tr>
      <tr><td><a href="/m/2.html">关于路灯维修的建议</a></td><td>2023-08-02</td><td>已回复(待审核)</td></tr></table>"""
    assert [(m.status, m.replied) for m in messages_of(html).messages] == [("已受理→已办结", True), ("已回复(待审核)", None)]


HOME = "http://xczx.weinan.gov.cn/"


@pytest.mark.parametrize(
    "link, url",
    [
        ("""<a href="javascript:void(0)" onclick="window.open('http://12345.weinan.gov.cn/szxx/')">市长信箱</a>""", "http://12345.weinan.gov.cn/szxx/"),
        ("""<a href="#" onclick='window.open("/zxzx/index.html", "_blank")'>在线咨询</a>""", HOME + "zxzx/index.html"),
        ("""<a href="javascript:;" onclick="window.location.href = '/hdjl/';">政民互动</a>""", HOME + "hdjl/"),
        ("""<a href="javascript:window.open('/szxx/')">市长信箱</a>""", HOME + "szxx/"),
        ("""<a onclick="location='/wyxx/'">我要写信</a>""", HOME + "wyxx/"),
    ],
)
def test_a_channel_link_opened_by_a_plain_script_is_read_from_the_script(link, url):
    assert channel_links(f"<div class='main'>{link}</div>", HOME) == ChannelLinks(found=((channel_name(link), url),), unresolved=())


def channel_name(link: str) -> str:
    return link.rsplit("</a>", 1)[0].rsplit(">", 1)[1]


def test_a_channel_link_whose_script_cannot_be_read_is_kept_as_unresolved():
    html = """<div class="main"><a href="javascript:void(0)" onclick="openMailbox(3)">市长信箱</a>
      <a href="javascript:void(0)">在线咨询</a><a href="#">政民互动</a><a href="javascript:;">网上信访</a>
      <a href="javascript:void(0)" onclick="showNews()">通知公告</a></div>"""
    assert channel_links(html, HOME) == ChannelLinks(
        found=(),
        unresolved=(
            ("市长信箱", "openMailbox(3)", "script"),
            ("在线咨询", "javascript:void(0)", "script"),
            ("政民互动", "#", "script"),
        ),
    )


def test_an_unnamed_image_link_that_looks_like_a_channel_is_kept_as_unresolved():
    html = """<div class="main"><a href="http://www.weinan.gov.cn/hdjl/"><img src="/images/banner.jpg"></a>
      <a href="/x/1.html"><img src="/images/szxx_banner.jpg"></a>
      <div class="box"><div class="title">政民互动</div><div class="con"><a href="/y/"><img src="/images/b3.png"></a></div></div>
      <div class="box"><div class="title">图片新闻</div><div class="con"><a href="/tp/1.html"><img src="/images/p1.jpg"></a></div></div></div>"""
    assert channel_links(html, HOME) == ChannelLinks(
        found=(),
        unresolved=(
            ("", "http://www.weinan.gov.cn/hdjl/", "unnamed image"),
            ("", HOME + "x/1.html", "unnamed image"),
            ("", HOME + "y/", "unnamed image"),
        ),
    )


def test_interaction_links_are_the_channel_links_found():
    html = """<div class="main"><a href="/szxx/">市长信箱</a><a href="javascript:void(0)">在线咨询</a></div>"""
    assert interaction_links(html, HOME) == [("市长信箱", HOME + "szxx/")]
    assert channel_links(html, HOME).unresolved == (("在线咨询", "javascript:void(0)", "script"),)


def test_a_home_observation_carries_its_unresolved_channel_links():
    html = """<html><body><div class="news"><ul><li><a href="/a.html">工作动态</a> 2024-02-19</li></ul></div>
      <a href="javascript:void(0)" onclick="openMailbox(3)">市长信箱</a></body></html>"""
    reading = read_page(html, HOME, READ_AT, READ_AT, (), home=True)
    assert (reading.interaction_links, reading.interaction_unresolved) == ((), (("市长信箱", "openMailbox(3)", "script"),))
    read = SitesSpider.page_reading(type("Spider", (), {"word_list": "shipped"})(), {"kind": "home"}, reading)
    assert (read["interaction_links"], read["interaction_unresolved"]) == ([], [{"name": "市长信箱", "target": "openMailbox(3)", "why": "script"}])


# -- channels that are not links ----------------------------------------------------------------


@pytest.mark.parametrize(
    "element, name, url",
    [
        ("""<button onclick="window.open('/hdjl/szxx/')">市长信箱</button>""", "市长信箱", HOME + "hdjl/szxx/"),
        ("""<button type="button" onclick="location.href='http://12345.example.gov.cn/'">我要写信</button>""", "我要写信", "http://12345.example.gov.cn/"),
        ("""<input type="button" value="我要留言" onclick="window.location.href='/liuyan/'">""", "我要留言", HOME + "liuyan/"),
        ("""<input type="image" src="/images/zx.png" alt="在线咨询" onclick="location.assign('/zxzx/')">""", "在线咨询", HOME + "zxzx/"),
        ("""<div class="hd" onclick="window.open('/zmhd/')">政民互动</div>""", "政民互动", HOME + "zmhd/"),
        ("""<li onclick="location.href='/zxzx/'">在线咨询</li>""", "在线咨询", HOME + "zxzx/"),
        ("""<span class="more" data-href="/hdjl/">互动交流</span>""", "互动交流", HOME + "hdjl/"),
        ("""<a href="/wyxx/"><button type="button">我要写信</button></a>""", "我要写信", HOME + "wyxx/"),
        ("""<button type="button"><a href="/hdjl/">政民互动</a></button>""", "政民互动", HOME + "hdjl/"),
        ("""<select onchange="window.open(this.value)"><option value="">部门网站</option>
            <option value="http://www.example.gov.cn/hdjl/">政民互动</option></select>""", "政民互动", "http://www.example.gov.cn/hdjl/"),
        ("""<select onchange="location.href=this.value"><option value="/szxx/index.html">市长信箱</option></select>""", "市长信箱", HOME + "szxx/index.html"),
        ("""<form action="/liuyan/submit.jsp"><input type="text" name="title"><input type="submit" value="提交留言"></form>""", "提交留言", HOME + "liuyan/submit.jsp"),
        ("""<form action="/liuyan/save"><textarea name="content"></textarea><button>提交留言</button></form>""", "提交留言", HOME + "liuyan/save"),
    ],
)
def test_a_button_block_or_option_naming_a_channel_is_read_with_the_url_it_opens(element, name, url):
    assert channel_links(f"<div class='main'>{element}</div>", HOME) == ChannelLinks(found=((name, url),), unresolved=())


@pytest.mark.parametrize(
    "element, unresolved",
    [
        ("""<button onclick="openMailbox(3)">市长信箱</button>""", ("市长信箱", "openMailbox(3)", "script")),
        ("""<li onclick="showDialog('zxzx')">在线咨询</li>""", ("在线咨询", "showDialog('zxzx')", "script")),
        ("""<input type="button" value="我要留言" onclick="liuyan()">""", ("我要留言", "liuyan()", "script")),
        ("""<span data-href="javascript:void(0)">政民互动</span>""", ("政民互动", "javascript:void(0)", "script")),
        ("""<select onchange="jump(this)"><option value="3">政民互动</option></select>""", ("政民互动", "jump(this)", "script")),
        ("""<button type="button" class="btn-mail">我要写信</button>""", ("我要写信", '<button type="button" class="btn-mail">', "button")),
        ("""<form><input type="submit" value="提交留言"></form>""", ("提交留言", '<input type="submit" value="提交留言">', "button")),
        (f"""<div onclick="{'x' * 300}">市长信箱</div>""", ("市长信箱", "x" * 200, "script")),
    ],
)
def test_a_button_or_block_naming_a_channel_that_cannot_be_read_is_kept_as_unresolved(element, unresolved):
    assert channel_links(f"<div class='main'>{element}</div>", HOME) == ChannelLinks(found=(), unresolved=(unresolved,))


@pytest.mark.parametrize(
    "element",
    [
        "<button>关闭</button>",
        """<button onclick="window.close()">关闭</button>""",
        """<select onchange="window.open(this.value)"><option value="">部门网站</option>
           <option value="http://www.weinan.gov.cn/">渭南市人民政府</option><option value="http://fgw.weinan.gov.cn/">市发改委</option></select>""",
        """<button onclick="window.open('/xfj/')">网上信访</button>""",
        """<input type="button" value="我要举报" onclick="jubao()">""",
        """<div onclick="window.open('/zmhd/')"><h3>政民互动</h3><p>"""
        + "市民可通过市长信箱、在线咨询等渠道反映诉求，相关部门将在规定时限内答复。" * 6
        + "</p></div>",
        # a 留言 form's type dropdown: choices, not links
        """<select name="type"><option value="1">咨询</option><option value="2">投诉</option></select>""",
    ],
)
def test_buttons_and_blocks_not_naming_a_channel_are_not_channels(element):
    html = f"""<div class='main'>{element}<button onclick="window.open('/szxx/')">市长信箱</button></div>"""
    assert channel_links(html, HOME) == ChannelLinks(found=(("市长信箱", HOME + "szxx/"),), unresolved=())


SCRIPT_FILE = '<script src="/js/index.js"></script>'


@pytest.mark.parametrize(
    "element, unresolved",
    [
        # its click attached by the script file ($('.mailbox').click(…)): nothing on the element says so
        ('<div class="mailbox"><img src="/images/mail.png"><span>市长信箱</span></div>', ("市长信箱", '<div class="mailbox">', "block")),
        ('<img class="zx" src="/images/zx.png" alt="在线咨询">', ("在线咨询", '<img class="zx" src="/images/zx.png" alt="在线咨询">', "block")),
        ("<ul><li>首页</li><li>政务公开</li><li>政民互动</li></ul>", ("政民互动", "<li>", "block")),
    ],
)
def test_a_block_naming_a_channel_on_a_page_that_runs_scripts_is_kept_as_unresolved(element, unresolved):
    html = f"<html><body><div class='main'>{element}</div>{SCRIPT_FILE}</body></html>"
    assert channel_links(html, HOME) == ChannelLinks(found=(), unresolved=(unresolved,))


@pytest.mark.parametrize(
    "html",
    [
        # no script: nothing can make the block open a page
        "<html><body><div class='main'><div class='mailbox'><span>市长信箱</span></div></div></body></html>",
        # a sentence, not a name
        f"<html><body><p>{'市民可通过市长信箱反映诉求，相关部门将在规定时限内答复。' * 2}</p>{SCRIPT_FILE}</body></html>",
        f"<html><body><div class='mailbox'>纪委举报信箱</div>{SCRIPT_FILE}</body></html>",
    ],
)
def test_blocks_that_cannot_be_a_channel_are_not_kept(html):
    assert channel_links(html, HOME) == ChannelLinks(found=(), unresolved=())


def test_blocks_are_looked_for_only_when_nothing_else_names_a_channel():
    html = f"<html><body><a href='/hdjl/'>政民互动</a><div class='mailbox'>市长信箱</div>{SCRIPT_FILE}</body></html>"
    assert channel_links(html, HOME) == ChannelLinks(found=(("政民互动", HOME + "hdjl/"),), unresolved=())


def test_a_button_channel_reaches_the_home_observation():
    html = """<html><body><div class="news"><ul><li><a href="/a.html">工作动态</a> 2024-02-19</li></ul></div>
      <button onclick="window.open('/hdjl/szxx/')">市长信箱</button></body></html>"""
    reading = read_page(html, HOME, READ_AT, READ_AT, (), home=True)
    assert (reading.interaction_links, reading.interaction_unresolved) == ((("市长信箱", HOME + "hdjl/szxx/"),), ())
    assert [entry.title for entry in reading.page.entries] == ["工作动态"]  # the list does not read the button


def test_channels_in_a_rendered_page_s_frames_are_read_against_the_frame_s_address():
    header = '<div class="nav"><a href="hdjl/">政民互动</a><a href="javascript:openMail()">市长信箱</a></div>'
    frames = [
        ("http://xczx.weinan.gov.cn/include/head.html", header),
        ("about:blank", '<a href="/x/">在线咨询</a>'),  # nothing a visitor is sent to
        ("http://map.example.com/embed", None),  # the browser could not give its document
    ]
    assert channel_links_in_frames(frames) == ChannelLinks(
        found=(("政民互动", "http://xczx.weinan.gov.cn/include/hdjl/"),),
        unresolved=(("市长信箱", "javascript:openMail()", "script"), ("", "http://map.example.com/embed", "frame")),
    )


def test_a_page_without_frames_has_no_frame_channels():
    assert channel_links_in_frames([]) == ChannelLinks((), ())

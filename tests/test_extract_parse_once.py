"""A page is parsed once: every reader of it is handed the same parsed page, and none changes it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import lxml.etree
import lxml.html
import pytest

from govcheck.dates import SHANGHAI
from govcheck.extract import browser_hints
from govcheck.extract.browser_hints import list_needs_a_browser
from govcheck.extract.html import Document, decode_html
from govcheck.extract.listing import ListPage
from govcheck.extract.page import read_page
from govcheck.extract.wording import load_terms
from support import REPO

CORPUS = REPO.parent / "shared" / "corpus"
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
HOME = "http://www.example.gov.cn/"

HOME_PAGE = """<html><head><title>某某市人民政府</title></head><body>
<div class="nav"><ul><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a>
<ul><li><a href="/zwgk/tzgg/">通知公告</a></li></ul></li><li><a href="/zmhd/">政民互动</a></li></ul></div>
<div class="news"><h3>工作动态</h3><ul>
<li><a href="/xwzx/202402/t1.html">全市安全生产工作会议召开</a><span>2024-02-19</span></li>
<li><a href="/xwzx/202402/t2.html">市政府召开常务会议</a><span>2024-02-18</span></li>
<li><a href="/xwzx/202402/t3.html">我市开展春季植树活动</a><span>2024-02-16</span></li>
</ul><a href="/xwzx/">更多</a></div>
<div class="links"><a href="http://www.shaanxi.gov.cn/">陕西省人民政府</a></div>
<script>var stat = 1;</script><noscript><a href="/noscript.html">无脚本版</a></noscript>
</body></html>"""

MESSAGES_PAGE = """<html><body><table class="list">
<tr><td><a href="/xx/1.html">关于小区供暖的咨询</a></td><td>2024-02-10</td><td>已回复</td></tr>
<tr><td><a href="/xx/2.html">道路破损何时修复</a></td><td>2024-02-08</td><td>已回复</td></tr>
<tr><td><a href="/xx/3.html">公交线路调整建议</a></td><td>2024-02-05</td><td>办理中</td></tr>
</table><div class="page">共3页 <a href="?page=2">下一页</a> <a href="?page=3">尾页</a></div></body></html>"""


def real_pages() -> list[Any]:
    labels = CORPUS / "labels.json"
    if not labels.is_file():
        pytest.fail(f"the corpus of real pages is missing: {labels} (it sits beside the checkout)")
    return [pytest.param(entry, id=entry["file"]) for entry in json.loads(labels.read_text(encoding="utf-8"))]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML texts lxml's document parser is given while the test runs."""
    given: list[str] = []
    parse = lxml.html.document_fromstring

    def counting(html: str, *args: Any, **kwargs: Any) -> Any:
        given.append(html)
        return parse(html, *args, **kwargs)

    monkeypatch.setattr(lxml.html, "document_fromstring", counting)
    return given


def read_as_home(page: Document | str, url: str = HOME) -> Any:
    return read_page(page, url, AS_OF, AS_OF, load_terms()[0], home=True, navigation=True)


def test_every_reader_of_a_home_page_reads_it_from_one_parse(parses):
    reading = read_as_home(HOME_PAGE)
    assert len(parses) == 1
    # the readers all ran: the list, the navigation's columns, the channel search, the links
    assert reading.page.state == "entries"
    assert [entry.name for entry in reading.navigation][:3] == ["新闻中心", "政务公开", "通知公告"]
    assert reading.channel_search is not None
    assert HOME + "noscript.html" in reading.links


def test_every_reader_of_an_interaction_column_reads_it_from_one_parse(parses):
    reading = read_page(MESSAGES_PAGE, HOME + "hdjl/", AS_OF, AS_OF, (), interaction_column=True)
    assert len(parses) == 1
    assert reading.messages is not None


@pytest.mark.parametrize("label", real_pages())
def test_no_reader_changes_the_page_it_is_handed(label):
    # the readers share the parsed page: one that changed it would change what the next one reads
    document = Document(decode_html((CORPUS / label["file"]).read_bytes()))
    forms = (document.tree, document.shown, document.content)
    before = [lxml.etree.tostring(form) for form in forms]
    read_as_home(document, label["base_url"])
    assert [lxml.etree.tostring(form) for form in forms] == before


@pytest.mark.parametrize("label", real_pages())
def test_a_real_page_read_from_its_parsed_tree_reads_as_from_its_html(label):
    html = decode_html((CORPUS / label["file"]).read_bytes())
    assert read_as_home(Document(html), label["base_url"]) == read_as_home(html, label["base_url"])


SCRIPTED_LIST = """<html><body><ul id="newsList"></ul>
<script>fetch('/api/news').then(r => r.json()).then(fill)</script></body></html>"""


def test_whether_a_script_fills_the_list_is_asked_of_the_list_already_read(monkeypatch):
    document = Document(SCRIPTED_LIST)
    unread = ListPage("unparsed", (), None)
    assert list_needs_a_browser(document, AS_OF) is True

    def no_second_reading(*args: Any, **kwargs: Any) -> ListPage:
        raise AssertionError("the list was read again")

    monkeypatch.setattr(browser_hints, "extract_list", no_second_reading)
    assert list_needs_a_browser(document, AS_OF, unread) is True
    # a list the reader found (or 暂无信息) needs no browser, whatever the scripts
    listed = ListPage("empty", (), None)
    assert list_needs_a_browser(document, AS_OF, listed) is False

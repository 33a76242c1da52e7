"""What a page shows beyond its list, read with its frames: the navigation of a menu in an <iframe>."""

from __future__ import annotations

from govcheck.extract.page import navigation_with_frames

HEADER = """<html><body><div class="nav"><ul>
<li><a href="/index.html">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/zwgk/zcwj/">政策文件</a></li>
</ul></div></body></html>"""


def test_the_columns_of_a_menu_in_a_frame_follow_the_page_s_own_each_once():
    own = [("新闻中心", "http://www.example.gov.cn/xwzx/")]
    frames = [("http://www.example.gov.cn/include/head.html", HEADER)]
    assert navigation_with_frames(own, frames) == [
        ("新闻中心", "http://www.example.gov.cn/xwzx/"),
        ("通知公告", "http://www.example.gov.cn/zwgk/tzgg/"),
        ("政策文件", "http://www.example.gov.cn/zwgk/zcwj/"),
    ]


def test_frames_without_a_document_or_an_address_add_nothing():
    frames = [("http://www.example.gov.cn/include/head.html", None), ("about:blank", HEADER)]
    assert navigation_with_frames([], frames) == []

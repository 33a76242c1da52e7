"""Pages are decoded as a browser in zh-CN decodes them: declared charset first (BOM, HTTP,
meta), then strict UTF-8, then GB18030, then a statistical detector."""

from __future__ import annotations

import itertools

import pytest

from govcheck.charset import decode_page

TITLES = (
    "通知公告",  # a bare column name
    "关于开展2024年第一季度政府网站检查的通知",
    "渭南市人民政府办公室关于印发《渭南市政务公开工作要点》的通知（渭政办发〔2024〕3号）",
)
# Markup around a few Chinese words: styles, scripts and tables, as real county sites are made.
LAYOUTS = {
    "table": (
        '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list_table">'
        '<tr><td class="list_title"><a href="/art/2024/2/18/art_1.html" target="_blank" title="{title}">{title}</a></td>'
        '<td class="list_date" align="right">2024-02-18</td></tr></table>'
    ),
    "div": (
        '<div class="container clearfix"><div class="col-md-8 news-list"><ul class="list-unstyled">'
        '<li class="item"><a href="./202402/t20240218_1.html">{title}</a><span class="date">[2024-02-18]</span></li>'
        "</ul></div></div>"
    ),
    "scripted": (
        '<script type="text/javascript">var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script");'
        ' hm.src = "https://hm.baidu.com/hm.js?0123456789abcdef"; var s = document.getElementsByTagName("script")[0];'
        " s.parentNode.insertBefore(hm, s); }})();</script>"
        '<div id="news"><a href="/xwzx/202402/t20240218_1.htm">{title}</a> <i>2024-02-18</i></div>'
    ),
}
HEADS = {
    "no meta": "<head><title>{title}</title>",
    "meta without charset": '<head><meta http-equiv="Content-Type" content="text/html"><title>{title}</title>',
}
STYLE = "".join(f".c{i} {{ margin: 0 {i}px; padding: 0; font-size: 12px; color: #333; }}\n" for i in range(20))


def gbk_page(title: str, layout: str, head: str) -> bytes:
    """(LAYOUTS and HEADS keys) A GBK page that declares no charset: a title, a dated entry and a 互动交流 link in ASCII markup."""
    html = (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">"
        f'<html xmlns="http://www.w3.org/1999/xhtml">{HEADS[head].format(title=title)}<style type="text/css">{STYLE}</style></head>'
        f'<body>{LAYOUTS[layout].format(title=title)}<div class="nav"><a href="/hdjl/">互动交流</a></div></body></html>'
    )
    return html.encode("gbk")


VARIANTS = list(itertools.product(TITLES, LAYOUTS, HEADS))


def test_there_are_eighteen_variants():
    assert len(VARIANTS) == 18


@pytest.mark.parametrize(("title", "layout", "head"), VARIANTS)
def test_a_gbk_page_without_a_charset_is_read_as_gb18030(title, layout, head):
    body = gbk_page(title, layout, head)
    for content_type in (None, "text/html"):
        text, encoding, how = decode_page(body, content_type)
        assert (encoding, how) == ("gb18030", "gb18030")
        assert f"<title>{title}</title>" in text and f">{title}</a>" in text
        assert "2024-02-18" in text and ">互动交流</a>" in text


def test_a_gbk_page_labelled_in_http_is_decoded_by_its_label():
    body = gbk_page(TITLES[1], "div", "no meta")
    assert decode_page(body, b"text/html; charset=GB2312")[1:] == ("gb18030", "http")


def test_the_http_label_wins_over_the_meta_tag():
    body = '<html><head><meta charset="gbk"><title>互动交流</title></head></html>'.encode("utf-8")
    text, encoding, how = decode_page(body, "text/html; charset=utf-8")
    assert (encoding, how) == ("utf-8", "http") and "互动交流" in text


@pytest.mark.parametrize(
    "head",
    ['<meta charset="gb2312">', '<meta http-equiv="Content-Type" content="text/html; charset=GBK">'],
)
def test_a_meta_charset_is_read(head):
    body = f"<html><head>{head}<title>互动交流</title></head></html>".encode("gbk")
    text, encoding, how = decode_page(body, "text/html")
    assert (encoding, how) == ("gb18030", "meta") and "互动交流" in text


def test_a_byte_order_mark_wins_over_every_label():
    body = b"\xef\xbb\xbf" + '<html><head><meta charset="gbk"></head><body>互动交流</body></html>'.encode("utf-8")
    text, encoding, how = decode_page(body, "text/html; charset=gbk")
    assert (encoding, how) == ("utf-8", "bom") and "互动交流" in text and not text.startswith("\ufeff")


def test_an_undeclared_utf8_page_is_read_as_utf8():
    body = f"<html><head><title>{TITLES[2]}</title></head></html>".encode("utf-8")
    text, encoding, how = decode_page(body)
    assert (encoding, how) == ("utf-8", "utf-8") and TITLES[2] in text


def test_bytes_neither_utf8_nor_gb18030_go_to_the_detector():
    body = ("<html><body><p>" + "Le café de la gare est fermé le lundi. " * 20 + "</p></body></html>").encode("cp1252")
    text, encoding, how = decode_page(body)
    assert how == "detected" and "café" in text and "fermé" in text


def test_an_unknown_label_is_no_declaration():
    body = "<html><body>互动交流</body></html>".encode("gbk")
    assert decode_page(body, "text/html; charset=x-unknown-charset")[1:] == ("gb18030", "gb18030")

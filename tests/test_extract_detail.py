"""Detail pages: the printed publish date wins, meta tags are the fallback, stamps are never dates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from govcheck.extract.detail import PublishDate, extract_publish_date
from govcheck.extract.html import decode_html
from govcheck.extract.listing import extract_list

SITES = Path(__file__).resolve().parents[1] / "replica" / "sites"
MANIFEST = yaml.safe_load((SITES / "manifest.yaml").read_text(encoding="utf-8"))
AS_OF = datetime.fromisoformat(MANIFEST["as_of"])
ORIGIN = "http://127.0.0.1:8000"


def page_file(path: str) -> Path:
    rel = urlsplit(path).path.lstrip("/")
    return SITES / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def read(path: str) -> str:
    return decode_html(page_file(path).read_bytes(), "text/html")


def publish_date(path: str) -> PublishDate:
    return extract_publish_date(read(path), AS_OF)


def day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


NO_DATES = next(c for s in MANIFEST["sites"] if s["slug"] == "no-dates" for c in s["columns"] if c["name"] == "通知公告")
DETAILS = {d["case"]: d for d in NO_DATES["details"]}
# every detail page the manifest describes (no-dates, related-dates…)
ALL_DETAILS = [d for s in MANIFEST["sites"] for c in s["columns"] for d in c.get("details", [])]


@pytest.mark.parametrize("detail", [pytest.param(d, id=d["case"]) for d in ALL_DETAILS])
def test_each_detail_page_gives_the_printed_and_the_declared_date(detail):
    found = publish_date(detail["path"])
    assert day(found.visible) == detail["expected_visible"]
    assert day(found.meta) == detail["expected_meta"]
    assert day(found.date) == detail["expected_date"]


def test_the_printed_date_wins_over_a_stale_meta_pubdate_and_the_disagreement_is_flagged():
    found = publish_date(DETAILS["meta PubDate is a stale template stamp (2019), the visible date is right"]["path"])
    assert found.visible.date() == date(2024, 2, 6)
    assert found.meta.date() == date(2019, 6, 1) and found.meta_name == "PubDate"
    assert found.date == found.visible
    assert found.disagree


def test_matching_dates_do_not_disagree_even_at_different_times_of_day():
    found = publish_date(DETAILS["label and date in separate spans"]["path"])
    assert found.visible.date() == found.meta.date() == date(2024, 1, 12)
    assert not found.disagree


def test_the_meta_tag_is_the_fallback_when_nothing_is_printed():
    found = publish_date(DETAILS["only the meta tag carries the date"]["path"])
    assert found.visible is None and found.visible_text is None
    assert found.meta == datetime.fromisoformat("2024-01-30T16:20:00+08:00")
    assert found.date == found.meta and not found.disagree


def test_the_visible_text_is_what_an_inspector_reads_under_the_title():
    found = publish_date(DETAILS["visible and meta agree"]["path"])
    assert found.visible_text == "发布时间：2024-02-18 09:30"
    assert found.visible == datetime.fromisoformat("2024-02-18T09:30:00+08:00")


def test_the_newest_date_of_a_list_without_dates_comes_from_its_detail_pages():
    page = extract_list(read(NO_DATES["path"]), ORIGIN + NO_DATES["path"], AS_OF)
    assert page.newest is None
    dates = [publish_date(entry.url[len(ORIGIN):]).date for entry in page.entries]
    assert day(max(d for d in dates if d)) == NO_DATES["expected_newest"] == "2024-02-18"


def test_generation_stamps_and_the_header_today_line_are_never_publish_dates():
    html = read(DETAILS["only the meta tag carries the date"]["path"])
    assert '<meta name="Maketime" content="2024-02-23 08:00:00">' in html
    assert "页面生成时间 2024-02-23 08:00:00" in html and "今天是2024年2月23日" in html
    stamps_only = """<html><head><meta name="Maketime" content="2024-02-19 08:00:00">
      <meta name="lastmodifiedtime" content="2024-02-19 08:00:00"></head><body>
      <div class="top">今天是2024年2月19日 星期一</div>
      <h1>关于开展春季植树活动的通知</h1>
      <div class="info">来源：县林业局</div>
      <div class="con"><p>各单位：现将有关事项通知如下。</p></div>
      <div class="copyright">版权所有 2005-2024　页面生成时间：2024-02-19 08:00:00</div>
    </body></html>"""
    assert extract_publish_date(stamps_only, AS_OF) == PublishDate(None, None, None, None)


def test_a_generation_stamp_outside_any_footer_is_still_not_a_publish_date():
    html = """<html><body><h1>关于开展春季植树活动的通知</h1>
      <p>页面生成时间：2024-02-19 08:00:00</p><p>生成时间：2024-02-19</p><p>今天是2024年2月19日</p>
      <p>发布日期：2024-02-01</p></body></html>"""
    found = extract_publish_date(html, AS_OF)
    assert found.visible.date() == date(2024, 2, 1) and found.visible_text == "发布日期：2024-02-01"


def test_publish_date_beats_other_labelled_dates_of_a_policy_page():
    html = """<html><body><table class="xxgk-info">
      <tr><td>索引号：11610500MB1234567X/2024-00012</td><td>发布机构：渭南市某某局</td></tr>
      <tr><td>成文日期：2024-01-05</td><td>发布日期：2024-01-08</td></tr></table>
      <h1>渭南市某某局关于印发《行政执法公示办法》的通知</h1><p>报名截止时间：2024-02-10</p></body></html>"""
    found = extract_publish_date(html, AS_OF)
    assert found.visible.date() == date(2024, 1, 8)


def test_a_date_line_without_a_label_right_under_the_title_counts():
    html = """<html><body><div class="title-box"><h1>市果业中心召开春季果园管理培训会</h1>
      <div class="sub">2024-02-18　来源：市果业中心</div></div><div class="con"><p>正文……</p></div></body></html>"""
    assert extract_publish_date(html, AS_OF).visible.date() == date(2024, 2, 18)


@pytest.mark.parametrize("path, meta_name, expected", [
    ("/stale-hanweb/col/col6291/index.html", "firstpublishedtime", "2023-08-01"),  # Hanweb
    ("/gbk-site/gzdt/index.html", "publishdate", "2024-02-18"),                   # GBK page
    ("/fresh-trs/xwzx/dtyw/", "PubDate", "2024-02-19"),                           # TRS
])
def test_the_newest_entry_of_each_cms_has_a_matching_detail_page(path, meta_name, expected):
    page = extract_list(read(path), ORIGIN + path, AS_OF)
    found = publish_date(page.newest.url[len(ORIGIN):])
    assert day(found.visible) == day(found.meta) == expected
    assert found.meta_name == meta_name and not found.disagree


def test_a_message_page_is_dated_by_when_the_message_was_left():
    found = publish_date("/interaction/hdjl/szxx/detail_10188.html")
    assert found.visible.date() == date(2023, 10, 1)
    assert found.visible_text.startswith("留言时间")


def test_an_empty_page_has_no_date():
    assert extract_publish_date("", AS_OF) == PublishDate(None, None, None, None)


# -- blocks of links to other articles ---------------------------------------------------------

DETAIL_FIXTURES = Path(__file__).parent / "data" / "detail"


@pytest.mark.parametrize("fixture, printed", [
    # 相关文章 under the article, its entries labelled 发布时间 (the article's own label is 日期)
    ("related-articles.html", "日期：2023-06-12"),
    # 相关链接： leading a block of inline links, each followed by 发布时间 (the article's date has no label)
    ("related-links-inline.html", "2023-05-18"),
    # 上一篇/下一篇 lines with the neighbours' 发布时间 (the article's own label is 时间)
    ("previous-next.html", "时间：2023-09-26"),
    # a 热点排行 box beside the article, whose title itself says 热点
    ("hot-ranking-and-hot-title.html", "时间：2023-07-03"),
    # a policy's 相关解读, published after it, both labelled 发布日期 (the policy's above its title)
    ("policy-with-interpretation.html", "发布日期：2023-04-28"),
])
def test_a_date_in_a_block_of_links_to_other_articles_is_never_the_publish_date(fixture, printed):
    html = (DETAIL_FIXTURES / fixture).read_text(encoding="utf-8")
    found = extract_publish_date(html, AS_OF)
    assert found.visible_text == printed
    assert found.date.date() < date(2024, 1, 1), "the other articles' dates are all later than the article's own"


def test_an_article_whose_short_title_reads_like_a_widget_heading_keeps_its_date():
    html = """<html><body><div class="article"><h1>热点问题解答</h1>
      <div class="info">时间：2023-07-03 <a href="javascript:window.print()">【打印】</a></div>
      <div class="content"><p>正文……<a href="/fj/1.docx">附件</a></p></div></div></body></html>"""
    assert extract_publish_date(html, AS_OF).visible_text == "时间：2023-07-03"


def test_a_related_block_heading_is_never_taken_for_the_title():
    html = """<html><body><div class="con"><div class="tit">县教育局召开教师节表彰大会</div>
      <div class="sub">2023-09-10　来源：县教育局</div></div>
      <div class="xgxw"><h2>相关新闻</h2><ul><li><a href="/a.html">县教育局开展春季开学安全检查</a></li>
      <li>2024-02-19</li></ul></div></body></html>"""
    assert extract_publish_date(html, AS_OF).visible.date() == date(2023, 9, 10)

"""功能设计 (扣分): the marks of a home page, the 找错 entry, a search that works and HTTPS.

The search extraction is read on small pages written here and pinned on every real home page of
the shared corpus; the footer the marks are looked for in, on the corpus too; the rule on
observations built here. tests/test_design_round.py pins the same over real HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from corpus import load_corpus
from govcheck.extract.marks import find_site_marks, marks_record
from govcheck.extract.search import find_site_search, read_search_results, same_site, search_query, search_url
from govcheck.observations import HomeObservation
from govcheck.rules import assess, evaluate_site, load_profile

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
URL = "http://www.nanyuan.gov.cn/"
FOOTER = (
    "<div class='footer'><p>主办单位：南塬县人民政府办公室 版权所有</p>"
    "<p>网站标识码：6105000031 陕ICP备05001234号-1 陕公网安备 61050202000123号</p>"
    "<a href='http://bszs.conac.cn/sitename?method=show&id=1'><img src='/images/red.png'></a>"
    "<a href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=6105000031'>我为政府网站找错</a></div>"
)


@pytest.fixture(scope="module")
def profile():
    return load_profile("national-2019")


def page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>南塬县人民政府</title></head><body>{body}</body></html>"


# -- the site search of a home page ------------------------------------------------------------


def test_a_get_form_with_a_text_box_is_the_search_submitted_as_a_browser_submits_it():
    form = "<form action='/search/s' method='get'><input type='hidden' name='siteCode' value='6105000031'><input type='text' name='searchWord'><button>搜索</button></form>"
    search = find_site_search(page(form), URL)
    assert (search.kind, search.url, search.field, search.params) == ("form", URL + "search/s", "searchWord", (("siteCode", "6105000031"),))
    assert search_url(search, "春耕 生产") == URL + "search/s?siteCode=6105000031&searchWord=%E6%98%A5%E8%80%95+%E7%94%9F%E4%BA%A7"


def test_a_login_form_a_post_a_script_box_and_a_search_link_are_told_apart():
    login = "<form action='/login' method='get'><input type='text' name='q'><input type='password' name='pw'></form>"
    assert find_site_search(page(login), URL).kind == "none"
    posted = "<form action='/search' method='post'><input type='text' name='keyword'></form>"
    assert (find_site_search(page(posted), URL).kind, find_site_search(page(posted), URL).field) == ("post", "keyword")
    loose = "<input type='text' id='search' placeholder='请输入关键词'><button onclick='go()'>搜索</button>"
    assert find_site_search(page(loose), URL).kind == "script"
    no_action = "<form><input type='text' name='headSearchword'></form>"
    assert find_site_search(page(no_action), URL).kind == "script"
    link = "<a href='/search/index.jsp?q=&site=ny'>站内搜索</a>"
    search = find_site_search(page(link), URL)
    assert (search.kind, search.url, search.field, search.params) == ("link", URL + "search/index.jsp", "q", (("site", "ny"),))


def test_no_search_says_whether_a_script_may_write_one():
    assert find_site_search(page("<p>南塬县</p>"), URL).scripted is False
    assert find_site_search(page("<div id='header'></div><script src='/js/top.js'></script>"), URL).scripted is True


# what every real home page of the corpus offers, as read by a person: kind, where, query name
CORPUS_SEARCHES = {
    "home/001.html": ("form", "https://www.yichun.gov.cn/search4/s", "searchWord"),
    "home/002.html": ("script", "", ""),  # headSearchword in forms without an action: the page's script submits it
    "home/003.html": ("none", "", ""),  # the header is written by /resource/js/home_top.js
    "home/004.html": ("post", "http://www.bjgjj.gov.cn/search/site_search.jsp", "keyword"),
    "home/005.html": ("script", "", ""),  # a text box id=search outside any form
    "home/006.html": ("none", "", ""),  # header, sidebar and footer written by scripts
    "home/007.html": ("post", "http://www.bjrbj.gov.cn/LDJAPP/search/search_new/rlsbjzzcx/search_rlsbjzzcx.jsp", "searchWords"),
    "home/008.html": ("post", "http://www.bjfda.gov.cn/search/pcRender?pageId=f5261418ddc74f03b27e3590c531102b", "q"),
    "home/009.html": ("form", "http://www13.f5.bjjs.gov.cn/search/pcRender", "q"),
}


def test_every_real_home_page_offers_the_search_a_person_finds_on_it():
    if not (CORPUS / "labels.json").exists():
        pytest.skip("no corpus of labelled real pages beside the checkout")
    pages = load_corpus(CORPUS, "home")
    for home_page in pages:
        search = find_site_search(home_page.html, home_page.base_url)
        expected = CORPUS_SEARCHES.get(home_page.name)
        if expected is None:  # a page added to the corpus since: never a search "found" on nothing
            assert search.kind in ("form", "link", "post", "script", "none"), home_page.name
            continue
        assert (search.kind, search.url, search.field) == expected, home_page.name
        if search.kind == "none":
            assert search.scripted, home_page.name  # no proof of absence as fetched


def test_a_search_on_the_sites_own_domain_is_its_own():
    assert same_site("http://www13.f5.bjjs.gov.cn/search/pcRender", "http://www.bjjs.gov.cn/")
    assert not same_site("http://search.shaanxi.gov.cn/s", "http://www.nanyuan.gov.cn/")


def test_the_query_is_the_first_titles_words_without_its_ellipsis_else_the_sites_name():
    assert search_query(["南塬县召开2024年春耕生产工作推进会暨农业农村工作会议..."], "南塬县人民政府") == "南塬县召开2024年春耕生产工作推进会暨"  # QUERY_CHARS (20) characters
    assert search_query(["县长调研…"], "南塬县人民政府") == "县长调研"
    assert search_query([], "南塬县人民政府") == "南塬县人民政府"


def test_a_result_page_is_counted_by_the_links_holding_the_query():
    query = "南塬县召开春耕生产工作推进会"
    hits = page(f"<ul><li><a href='/a/1.html'>{query[:4]}<em>{query[4:]}</em>暨全县农业工作会议</a></li>"
                "<li><a href='/a/2.html'>南塬县召开春耕生产…</a></li><li><a href='/a/3.html'>首页</a></li></ul>")
    found = read_search_results(hits, URL + "search", query, AS_OF)
    assert (found.results, found.matched, found.needs_a_browser) == (2, True, False)
    none = read_search_results(page("<p>没有找到相关结果</p><a href='/'>首页</a>"), URL + "search", query, AS_OF)
    assert (none.results, none.matched, none.needs_a_browser) == (0, False, False)
    scripted = page("<div id='resultList'></div><script>$.ajax({url:'/api/search'})</script>")
    assert read_search_results(scripted, URL + "search", query, AS_OF).needs_a_browser


# -- the footer the marks are looked for in ----------------------------------------------------


def test_the_footer_is_found_and_a_footer_written_by_a_script_is_said_so():
    marks = find_site_marks(page("<div class='main'>新闻</div>" + FOOTER), URL)
    assert "主办单位" in marks.footer and not marks.footer_scripted
    scripted = find_site_marks(page("<div id='footer'></div><script src='/js/bottom.js'></script>"), URL)
    assert (scripted.footer, scripted.footer_scripted) == ("", True)
    badge_only = find_site_marks(page("<div class='footer'>版权所有 南塬县<script src='https://dcs.conac.cn/js/27/1.js'></script></div>"), URL)
    assert badge_only.conac and not badge_only.footer_scripted  # the marks' own scripts write nothing else
    unnamed = find_site_marks(page("<div class='a'><p>新闻</p></div><div class='b'><p>版权所有：南塬县人民政府</p></div>"), URL)
    assert unnamed.footer == "版权所有:南塬县人民政府"


def test_police_numbers_of_twelve_digits_printed_without_a_seal_word_are_read():
    for printed in ("京公网安备:110102000777", "京公网安备110102000155", "京公网安备110401300020号"):
        assert find_site_marks(page(f"<div class='footer'>{printed}</div>"), URL).police.replace(":", "").startswith("京公网安备1")


def test_every_real_home_page_with_a_printed_icp_has_its_footer_found():
    if not (CORPUS / "labels.json").exists():
        pytest.skip("no corpus of labelled real pages beside the checkout")
    for home_page in load_corpus(CORPUS, "home"):
        marks = find_site_marks(home_page.html, home_page.base_url)
        if home_page.label.get("icp"):
            assert marks.footer, home_page.name
            assert marks.police, home_page.name  # every saved page that prints its ICP prints its 公安备案 too
        else:  # written by scripts (003, 006): no proof of absence
            assert not marks.footer and marks.footer_scripted, home_page.name


# -- the rule ----------------------------------------------------------------------------------


def target() -> dict[str, Any]:
    return {"key": "site:南塬县人民政府", "kind": "site", "name": "南塬县人民政府", "url": URL, "category": "县级政府门户网站", "columns": []}


def home(body: str = FOOTER, method: str = "generic", search: dict[str, Any] | None = None, https: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    observation = {
        "kind": "home", "key": "home", "url": URL, "fetched_at": AS_OF - timedelta(hours=1), "status": 200,
        "method": method, "state": "entries", "entries": [], "newest_date": AS_OF - timedelta(days=1),
        "marks": marks_record(find_site_marks(page(body), URL)),
        "search": search if search is not None else WORKING_SEARCH,
        "https": https if https is not None else {"url": "https://www.nanyuan.gov.cn/", "status": 200, "error": "", "final_url": "https://www.nanyuan.gov.cn/"},
    }
    observation.update(fields)
    return {k: v for k, v in observation.items() if v is not None}


WORKING_SEARCH = {
    "kind": "form", "form_url": URL + "search", "field": "q", "params": [], "scripted": False, "query": "春耕生产",
    "from_entry": True, "result_url": URL + "search?q=春耕生产", "status": 200, "results": 3, "matched": True, "error": "",
}


def design(profile, *observations) -> dict[str, Any]:
    findings = [f for f in evaluate_site(target(), list(observations), AS_OF, profile) if f.code.startswith("site.design")]
    return {f.code: f for f in findings}


def test_a_home_page_with_every_mark_a_working_search_and_https_has_no_design_finding(profile):
    assert design(profile, home()) == {}
    HomeObservation.from_document({**home(), "round": "2024-1", "target_key": target()["key"]}).validate()  # the schema's fields


@pytest.mark.parametrize(
    "removed, code, label",
    [
        ("网站标识码：6105000031", "site.design.site_code", "未标注网站标识码"),
        ("陕ICP备05001234号-1", "site.design.icp", "未标注ICP备案编号"),
        ("陕公网安备 61050202000123号", "site.design.police_record", "未标注公安机关备案标识"),
        ("<a href='http://bszs.conac.cn/sitename?method=show&id=1'><img src='/images/red.png'></a>", "site.design.party_mark", "未标注党政机关网站标识"),
        ("<a href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=6105000031'>我为政府网站找错</a>", "site.design.find_error", "未设置我为政府网站找错入口"),
    ],
)
def test_each_absent_mark_is_one_deduction_with_the_footer_seen(profile, removed, code, label):
    body = FOOTER.replace(removed, "")
    if code == "site.design.site_code":
        body = body.replace("?site_code=6105000031", "")
    found = design(profile, home(body))
    assert list(found) == [code]
    finding = found[code]
    assert (finding.severity, finding.label, finding.points) == ("deduct", label, 1.0)
    assert finding.evidence["home_url"] == URL and finding.evidence["fetched_at"]
    assert "主办单位" in finding.evidence["footer"] and finding.evidence["looked_for"]


def test_a_mark_absence_without_proof_is_unmeasured_never_deducted(profile):
    bare = "<div class='main'>新闻</div>"
    no_footer = design(profile, home(bare))
    assert {c: f.severity for c, f in no_footer.items()} == {c: "unmeasured" for c in (
        "site.design.site_code", "site.design.icp", "site.design.police_record", "site.design.party_mark", "site.design.find_error")}
    assert "未找到页脚" in no_footer["site.design.icp"].reason
    scripted = "<div class='footer'>版权所有 南塬县人民政府<script src='/js/bottom.js'></script></div>"
    as_fetched = design(profile, home(scripted))
    assert as_fetched["site.design.icp"].severity == "unmeasured" and "脚本" in as_fetched["site.design.icp"].reason
    assert design(profile, home(scripted, method="rendered"))["site.design.icp"].severity == "deduct"
    older = home()
    del older["marks"]
    assert {f.severity for f in design(profile, older).values()} == {"unmeasured"}
    failed = home(status=None, state="failed", error="timeout")
    assert {f.severity for f in design(profile, failed).values()} == {"unmeasured"}
    assert {f.severity for f in design(profile).values()} == {"unmeasured"}  # no home page read at all


def test_no_search_on_a_page_understood_is_deducted_and_what_cannot_be_judged_is_unmeasured(profile):
    none = {"kind": "none", "form_url": "", "field": "", "params": [], "scripted": False}
    finding = design(profile, home(search=none))["site.design.search"]
    assert (finding.severity, finding.label, finding.points) == ("deduct", "无搜索功能", 2.0)
    for search, says in [
        ({**none, "scripted": True}, "未能以浏览器打开核实"),
        ({**none, "kind": "script"}, "只能由脚本提交"),
        ({**none, "kind": "post", "form_url": URL + "search"}, "POST"),
        ({**WORKING_SEARCH, "error": "another host", "status": None}, "其他网站"),
        ({**WORKING_SEARCH, "error": "timeout", "status": None, "matched": None}, "timeout"),
        ({**WORKING_SEARCH, "status": 500, "matched": None}, "HTTP 500"),
        ({**WORKING_SEARCH, "matched": False, "results": 0, "needs_a_browser": True}, "由脚本填充"),
        ({**WORKING_SEARCH, "matched": False, "results": 0, "from_entry": False, "query": "南塬县人民政府"}, "网站名称"),
    ]:
        unmeasured = design(profile, home(search=search))["site.design.search"]
        assert unmeasured.severity == "unmeasured" and says in unmeasured.reason, says
    assert design(profile, home(search={**none, "scripted": True}, method="rendered"))["site.design.search"].severity == "deduct"


def test_a_search_finding_nothing_for_a_title_the_site_shows_is_deducted_with_the_query_and_result_url(profile):
    broken = {**WORKING_SEARCH, "matched": False, "results": 0, "needs_a_browser": False}
    finding = design(profile, home(search=broken))["site.design.search.broken"]
    assert (finding.severity, finding.label, finding.points) == ("deduct", "搜索功能不可用", 2.0)
    assert finding.evidence["search"]["query"] == "春耕生产" and finding.evidence["search"]["result_url"] == URL + "search?q=春耕生产"


def test_https_refused_is_deducted_and_our_timeout_is_unmeasured(profile):
    for error in ("connection refused", "SSLError: [('SSL routines', '', 'wrong version number')]"):
        finding = design(profile, home(https={"url": "https://www.nanyuan.gov.cn/", "status": None, "error": error}))["site.design.https"]
        assert (finding.severity, finding.label, finding.points, finding.evidence["https"]["error"]) == ("deduct", "未支持HTTPS", 1.0, error)
    back_to_http = {"url": "https://www.nanyuan.gov.cn/", "status": 200, "error": "", "final_url": URL}
    assert design(profile, home(https=back_to_http))["site.design.https"].severity == "deduct"
    for https in ({"url": "https://www.nanyuan.gov.cn/", "status": None, "error": "timeout"}, {"url": "https://www.nanyuan.gov.cn/", "status": 503, "error": ""}):
        assert design(profile, home(https=https))["site.design.https"].severity == "unmeasured"
    older = home()
    del older["https"]
    assert design(profile, older)["site.design.https"].severity == "unmeasured"


def test_the_deductions_together_never_exceed_the_sections_points_and_the_score_names_what_is_missing(profile):
    nothing = home("<div class='footer'>版权所有 南塬县人民政府</div>", search={"kind": "none", "form_url": "", "field": "", "params": [], "scripted": False},
                   https={"url": "https://www.nanyuan.gov.cn/", "status": None, "error": "connection refused"})
    found = design(profile, nothing)
    assert sum(f.points for f in found.values()) == 8.0  # 5 marks × 1, search 2, https 1 (max_points 10)
    design_items = {i.name for i in profile.score_items("websites") if i.code.startswith("site.design.")}
    assessment = assess(target(), [nothing], AS_OF, profile)
    assert assessment.score == 92.0 and not design_items & set(assessment.score_missing)
    unread = assess(target(), [home(search={**WORKING_SEARCH, "error": "timeout", "status": None})], AS_OF, profile)
    assert design_items & set(unread.score_missing) == {"搜索功能"}


def test_a_profile_without_the_design_section_does_not_check_it(profile, tmp_path):
    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "govcheck" / "rules" / "profiles" / "national-2019.yaml").read_text(encoding="utf-8"))
    del data["websites"]["design"]
    data["scoring"]["items"] = [i for i in data["scoring"]["items"] if not i["code"].startswith("site.design")]
    data["name"] = "national-2019-before-design"
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert design(load_profile(str(path)), home("<p>none</p>")) == {}


def test_a_design_section_missing_a_key_is_named(tmp_path):
    from govcheck.rules.profile import ProfileError

    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "govcheck" / "rules" / "profiles" / "national-2019.yaml").read_text(encoding="utf-8"))
    del data["websites"]["design"]["items"]["icp"]["points"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError, match="websites.design: missing key items.icp.points"):
        load_profile(str(path))

"""安全 links and later dates: links to gambling, porn or violence read from a page with how it
hides them, and the rules that fail a site on them (or review), and entries dated after their
page was fetched (伪造发稿日期, reviewed only).

The extraction is read on small pages written here and on every real home page of the shared
corpus (none of which carries such a link); the replica round (tests/test_sites_round.py) pins
the same over real HTTP on a hacked page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from corpus import LabelledPage, load_corpus
from govcheck.extract.bad_links import BAD_LINKS_FILE, bad_link_record, find_bad_links, load_bad_link_terms
from govcheck.rules import bad_link_findings, evaluate_site, future_date_findings, load_profile

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
URL = "http://www.nanyuan.gov.cn/"


@pytest.fixture(scope="module")
def profile():
    return load_profile("national-2019")


def page(body: str, style: str = "") -> str:
    return f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{body}</body></html>"


def techniques(html: str) -> dict[str, tuple[str, ...]]:
    return {link.text: link.techniques for link in find_bad_links(html, URL)}


# -- reading a page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, style, expected",
    [
        ('<div style="display: none"><a href="http://a.example/">澳门百家乐</a></div>', "", ("display:none",)),
        ('<div hidden><a href="http://a.example/">澳门百家乐</a></div>', "", ("display:none",)),
        ('<span style="visibility:hidden"><a href="http://a.example/">澳门百家乐</a></span>', "", ("visibility:hidden",)),
        ('<div class="x"><a href="http://a.example/">澳门百家乐</a></div>', ".x{position:absolute;left:-9999px}", ("off-screen",)),
        ('<div id="y"><a href="http://a.example/">澳门百家乐</a></div>', "#y{text-indent:-5000px}", ("off-screen",)),
        ('<div style="width:1px;height:1px;overflow:hidden"><a href="http://a.example/">澳门百家乐</a></div>', "", ("zero size",)),
        ('<p style="font-size:0"><a href="http://a.example/">澳门百家乐</a></p>', "", ("zero font-size",)),
        ('<div style="background:#0b4f9c"><a href="http://a.example/" style="color:#0B4F9C">澳门百家乐</a></div>', "", ("colour as background",)),
        ('<a href="http://a.example/" style="color:white">澳门百家乐</a>', "", ("colour as background",)),
        ("<script>document.write('<a href=\"http://a.example/\">澳门百家乐</a>');</script>", "", ("script",)),
        ('<a href="http://a.example/">澳门百家乐</a>', "", ()),
    ],
    ids=["display none", "hidden attribute", "visibility", "off-screen by a style rule", "text-indent", "zero size",
         "zero font-size", "colour of the background", "white on the white page", "written by a script", "shown"],
)
def test_each_way_of_hiding_a_link_is_named(body, style, expected):
    assert techniques(page(body, style)) == {"澳门百家乐": expected}


def test_a_link_matches_by_its_words_or_its_host_and_records_its_element():
    html = page('<a href="http://www.365bet-vip.com/" title="">首页推荐</a><a href="http://b.example/"><img alt="真人荷官"></a>')
    links = find_bad_links(html, URL)
    assert [(link.term, link.where, link.category, link.strength) for link in links] == [
        ("365bet", "host", "赌博", "definite"), ("真人荷官", "text", "赌博", "definite")
    ]
    record = bad_link_record(links[0])
    assert record["element"].startswith('<a href="http://www.365bet-vip.com/"') and record["techniques"] == []


def test_news_about_a_crackdown_is_no_bad_link_unless_the_page_hides_it():
    shown = page('<a href="/xw/1.html">我县开展打击网络赌博和时时彩专项行动</a>')
    assert find_bad_links(shown, URL) == ()
    hidden = page('<div style="display:none"><a href="/xw/1.html">严厉打击六合彩</a></div>')
    [link] = find_bad_links(hidden, URL)
    assert (link.strength, link.news_words, link.techniques) == ("ambiguous", "打击", ("display:none",))


def test_an_ambiguous_word_is_marked_as_such():
    [link] = find_bad_links(page('<a href="http://www.cwl.gov.cn/">中国福利彩票</a>'), URL)
    assert (link.term, link.strength) == ("彩票", "ambiguous")


def test_the_list_names_a_category_strength_and_source_for_every_entry(tmp_path):
    terms = load_bad_link_terms()
    assert {t.category for t in terms} == {"赌博", "色情", "暴力"} and all(t.source for t in terms)
    assert {"definite", "ambiguous"} == {t.strength for t in terms}
    wrong = tmp_path / "bad.txt"
    wrong.write_text("text\t赌场\t赌博\tcertain\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt, line 1"):
        load_bad_link_terms(wrong)
    assert BAD_LINKS_FILE == "bad_links.txt"


def corpus_homes() -> list[LabelledPage]:
    return load_corpus(CORPUS, "home") if (CORPUS / "labels.json").exists() else []


@pytest.mark.parametrize("home_page", corpus_homes(), ids=lambda page: page.name)
def test_no_real_home_page_of_the_corpus_carries_a_definite_bad_link(home_page):
    links = find_bad_links(home_page.html, home_page.base_url)
    assert [link for link in links if link.strength == "definite"] == [], home_page.name


# -- the rules --------------------------------------------------------------------------------


def target() -> dict[str, Any]:
    return {"key": "site:南塬县水务局", "kind": "site", "name": "南塬县水务局", "url": URL, "category": "县级部门网站", "columns": []}


def home(bad_links: list[dict[str, Any]] | None = None, entries: list[dict[str, Any]] | None = None, fetched_at: datetime | None = None) -> dict[str, Any]:
    newest = AS_OF - timedelta(days=1)
    return {
        "kind": "home", "key": "home", "url": URL, "fetched_at": fetched_at or AS_OF - timedelta(hours=1), "status": 200,
        "method": "generic", "state": "entries", "newest_date": newest,
        "entries": entries or [{"title": "工作动态", "url": URL + "a.html", "date": newest, "date_text": "", "pinned": False}],
        **({"bad_links": bad_links} if bad_links is not None else {}),
    }


def hit(text: str, strength: str = "definite", techniques: list[str] = ()) -> dict[str, Any]:
    return {"text": text, "url": "http://a.example/", "term": text, "where": "text", "category": "赌博", "strength": strength,
            "techniques": list(techniques), "element": f'<a href="http://a.example/">{text}</a>', "news_words": ""}


def test_a_hidden_gambling_link_fails_the_site_naming_the_element_page_and_technique(profile):
    [finding] = bad_link_findings(target(), [home([hit("澳门百家乐", techniques=["display:none"])])], AS_OF, profile)
    assert (finding.code, finding.label, finding.severity) == ("site.security.bad_links", "存在暗链", "veto")
    [link] = finding.evidence["links"]
    assert (link["page_url"], link["techniques"], link["element"]) == (URL, ["display:none"], '<a href="http://a.example/">澳门百家乐</a>')
    assert finding.evidence["techniques"] == ["display:none"]


def test_a_shown_one_fails_it_too_and_says_so(profile):
    [finding] = bad_link_findings(target(), [home([hit("澳门百家乐")])], AS_OF, profile)
    assert (finding.label, finding.severity) == ("链接不良内容", "veto")


def test_ambiguous_links_only_are_reviewed_naming_each(profile):
    [finding] = bad_link_findings(target(), [home([hit("中国福利彩票", strength="ambiguous")])], AS_OF, profile)
    assert (finding.severity, finding.label) == ("review", "疑似不良链接待人工复核")
    assert "中国福利彩票" in finding.reason and URL in finding.reason and "可见" in finding.reason


def test_pages_without_bad_links_or_not_scanned_give_nothing(profile):
    assert bad_link_findings(target(), [home([]), home(None)], AS_OF, profile) == []


def test_entries_dated_after_their_page_was_fetched_are_reviewed_never_failed(profile):
    fetched = datetime(2024, 2, 20, 10, 0, tzinfo=SHANGHAI)
    entries = [
        {"title": "县水务局召开2024年工作会议", "url": URL + "b.html", "date": datetime(2024, 2, 22, tzinfo=SHANGHAI), "date_text": "2024-02-22", "pinned": False},
        {"title": "今日动态", "url": URL + "c.html", "date": datetime(2024, 2, 20, 9, tzinfo=SHANGHAI), "date_text": "2024-02-20", "pinned": False},
    ]
    [finding] = future_date_findings(target(), [home(entries=entries, fetched_at=fetched)], AS_OF, profile)
    assert (finding.code, finding.severity, finding.label) == ("site.security.future_dates", "review", "发稿日期待人工复核")
    assert [e["url"] for e in finding.evidence["entries"]] == [URL + "b.html"]
    assert "县水务局召开2024年工作会议（2024-02-22" in finding.reason
    findings = evaluate_site(target(), [home(entries=entries, fetched_at=fetched)], AS_OF, profile)
    assert not [f for f in findings if f.severity == "veto"]


def test_the_notice_names_the_new_problems_as_notices_do(profile):
    from govcheck.report.notice import problem_sentences
    from govcheck.report.summary import TargetResult

    def failed(name: str, code: str, label: str) -> TargetResult:
        finding = {"code": code, "label": label, "severity": "veto"}
        return TargetResult(key=f"site:{name}", kind="site", name=name, category="县级部门网站", platform="", district="南塬县",
                            verdict="不合格", score=None, labels=label, findings=(finding,))

    sentences = problem_sentences(
        [failed("南塬县水务局", "site.security.bad_links", "存在暗链"), failed("南塬县人民政府", "site.services.none", "服务不实用")], "site"
    )
    assert sentences == ["南塬县水务局网站存在暗链等链接不良内容的安全隐患", "南塬县人民政府网站未提供办事服务，服务不实用"]


def test_a_frame_of_a_gambling_host_is_found_and_a_zero_sized_one_named_so():
    html = page('<iframe src="http://www.bet365.example/" width="0" height="0" frameborder="0"></iframe>'
                '<iframe src="http://www.cwl.gov.cn/" width="300" height="200" title="福利彩票"></iframe>')
    links = find_bad_links(html, URL)
    assert [(link.url, link.term, link.strength, link.techniques) for link in links] == [
        ("http://www.bet365.example/", "bet365", "definite", ("zero size",)),
        ("http://www.cwl.gov.cn/", "彩票", "ambiguous", ()),
    ]


def test_a_rendered_page_s_frames_are_scanned_too():
    from govcheck.extract.page import read_page, with_frames

    html = page('<iframe src="http://www.nanyuan.gov.cn/ad.html"></iframe>')
    reading = read_page(html, URL, AS_OF, AS_OF, ())
    framed = with_frames(reading, [("http://www.nanyuan.gov.cn/ad.html", page('<div style="display:none"><a href="http://a.example/">澳门百家乐</a></div>'))], URL, AS_OF)
    assert [(link.text, link.techniques) for link in framed.bad_links] == [("澳门百家乐", ("display:none",))]


def test_links_on_the_detail_pages_and_channel_pages_read_count_with_their_own_address(profile):
    observation = home([])
    observation["detail_pages"] = [{"title": "通知", "url": URL + "d.html", "date": None, "bad_links": [hit("真人荷官", techniques=["off-screen"])]}]
    observation["channel_search"] = {"pages": [{"name": "政民互动", "url": URL + "zmhd/", "page_url": URL + "zmhd/index.html", "outcome": "none",
                                                "bad_links": [hit("中国福利彩票", strength="ambiguous")]}]}
    [finding] = bad_link_findings(target(), [observation], AS_OF, profile)
    assert finding.severity == "veto" and finding.label == "存在暗链"
    assert [link["page_url"] for link in finding.evidence["links"]] == [URL + "d.html"]
    assert [link["page_url"] for link in finding.evidence["ambiguous"]] == [URL + "zmhd/index.html"]


def test_the_shipped_lists_load_from_a_zipped_egg(tmp_path):
    """Scrapyd runs the spiders from a zipped egg: the lists are read as package data."""
    import subprocess
    import sys
    import zipfile

    import govcheck

    package = Path(govcheck.__file__).parent
    egg = tmp_path / "govcheck.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        for file in package.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                archive.write(file, f"govcheck/{file.relative_to(package)}")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import govcheck; assert govcheck.__file__.startswith(sys.argv[1]), govcheck.__file__; "
        "from govcheck.extract import bad_links, services; "
        "print(len(bad_links.load_bad_link_terms()), len(services.service_words()))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(egg)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    terms, words = (int(n) for n in done.stdout.split())
    assert terms == len(load_bad_link_terms()) and words > 5

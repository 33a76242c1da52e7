"""服务不实用 (1): service entries read from a home page, and the rule with its proof of absence.

The extraction is read on small pages written here and on every real home page of the shared
corpus; the rule on observations built here. The replica round (tests/test_sites_round.py)
pins the same over real HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from corpus import LabelledPage, load_corpus
from govcheck.extract.services import find_service_entries, service_record, service_words
from govcheck.rules import evaluate_site, load_profile, service_findings, services_required
from govcheck.targets import load_targets

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
URL = "http://www.nanyuan.gov.cn/"


@pytest.fixture(scope="module")
def profile():
    return load_profile("national-2019")


def page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>南塬县人民政府</title></head><body>{body}</body></html>"


NAVIGATION = (
    '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>'
    '<li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>'
)
PORTALS = ("zwfw", "zwfww")


# -- what a home page shows ---------------------------------------------------------------------


def test_a_link_named_for_services_is_an_entry_in_or_out_of_the_navigation():
    search = find_service_entries(page(NAVIGATION + '<div class="side"><a href="/bsfw/">网上办事</a></div>'), URL)
    assert [(e.name, e.url, e.why, e.word, e.in_navigation) for e in search.entries] == [
        ("网上办事", "http://www.nanyuan.gov.cn/bsfw/", "name", "网上办事", False)
    ]
    nav = NAVIGATION.replace("</ul>", '<li><a href="/zwfw/">政务服务</a></li></ul>')
    assert [(e.name, e.in_navigation) for e in find_service_entries(page(nav), URL).entries] == [("政务服务", True)]


def test_a_link_to_a_provincial_service_portal_is_an_entry_whatever_its_name():
    body = NAVIGATION + '<a href="http://zwfw.shaanxi.gov.cn/"><img src="banner.png" alt=""></a>'
    search = find_service_entries(page(body), URL, portal_hosts=PORTALS)
    assert [(e.url, e.why, e.word) for e in search.entries] == [("http://zwfw.shaanxi.gov.cn/", "portal", "zwfw")]
    assert find_service_entries(page(body), URL).entries == ()  # no portal words: not known


def test_news_about_services_and_complaint_channels_are_not_entries():
    body = NAVIGATION + (
        '<ul class="news"><li><a href="/xwzx/1.html">关于调整部分政务服务事项办理时限的通知</a><span>2024-02-01</span></li></ul>'
        '<a href="https://tousu.www.gov.cn/zwfw/index.htm">政务服务投诉与建议</a>'
    )
    search = find_service_entries(page(body), URL, news={"http://www.nanyuan.gov.cn/xwzx/1.html"})
    assert search.entries == ()


def test_the_navigation_is_recognised_and_what_it_does_not_say_is_unclear():
    nav = NAVIGATION.replace("</ul>", '<li><a href="/wyb/">我要办</a></li><li><a href="/xyz/">阳光南塬</a></li>'
                             '<li><a href="/img/"><img src="x.png"></a></li></ul>')
    search = find_service_entries(page(nav + '<a href="/bsdt/index.html"><img src="b.png"></a>'), URL)
    assert [e.name for e in search.entries] == ["我要办"]
    assert ("首页", "http://www.nanyuan.gov.cn/") in search.navigation
    assert [(u[0], u[2]) for u in search.unclear] == [
        ("阳光南塬", "unknown navigation name"),
        ("", "unnamed navigation entry"),
        ("", "unnamed service address"),
    ]
    record = service_record(search)
    assert record["entries"][0]["word"] == "我要办" and len(record["unclear"]) == 3


def test_the_word_list_names_a_source_for_every_word():
    lines = [line for line in (Path(__file__).resolve().parents[1] / "govcheck" / "data" / "service_entries.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert all(len(line.split("\t")) == 2 and line.split("\t")[1].strip() for line in lines)
    assert {"办事服务", "政务服务", "网上办事", "办事指南"} <= set(service_words())


def corpus_homes() -> list[LabelledPage]:
    return load_corpus(CORPUS, "home") if (CORPUS / "labels.json").exists() else []


@pytest.mark.parametrize("home_page", corpus_homes(), ids=lambda page: page.name)
def test_every_real_home_page_whose_navigation_names_services_shows_an_entry(home_page):
    """A saved real home page (decoded as the spider decodes it): when its labelled navigation
    names a service section, the reader finds an entry (a veto is never taken from a static page)."""
    search = find_service_entries(home_page.html, home_page.base_url, portal_hosts=PORTALS)
    named = [c for c in home_page.label.get("columns") or [] if any(word in c for word in service_words())]
    if named:
        assert search.entries, f"{home_page.name}: navigation names {named}"


# -- the rule -------------------------------------------------------------------------------


def target(category: str = "县级政府门户网站", services: bool | None = None) -> dict[str, Any]:
    document = {"key": "site:南塬县人民政府", "kind": "site", "name": "南塬县人民政府", "url": URL, "category": category, "columns": []}
    if services is not None:
        document["services"] = services
    return document


def home(services: dict[str, Any] | None, method: str = "rendered", broken: list[str] = ()) -> dict[str, Any]:
    observation = {
        "kind": "home", "key": "home", "url": URL, "fetched_at": AS_OF - timedelta(hours=1), "status": 200,
        "method": method, "state": "entries", "entries": [], "newest_date": AS_OF - timedelta(days=1),
        "links": {"checked": 3, "broken": [{"url": url} for url in broken]},
    }
    if services is not None:
        observation["services"] = services
    return observation


NAV = [{"name": "首页", "url": URL}, {"name": "新闻中心", "url": URL + "xwzx/"}, {"name": "政务公开", "url": URL + "zwgk/"}]
NONE_SHOWN = {"entries": [], "navigation": NAV, "unclear": []}


def test_a_portal_whose_rendered_home_page_shows_no_entry_fails_with_what_was_read(profile):
    [finding] = service_findings(target(), [home(NONE_SHOWN)], AS_OF, profile)
    assert (finding.code, finding.label, finding.severity) == ("site.services.none", "服务不实用", "veto")
    assert finding.evidence["home_url"] == URL and finding.evidence["read_as"] == "rendered"
    assert [n["name"] for n in finding.evidence["navigation"]] == ["首页", "新闻中心", "政务公开"]
    assert finding.rule["threshold"]["required"] is True


def test_an_entry_that_opens_passes_and_one_that_is_broken_is_reviewed(profile):
    entry = {"name": "政务服务", "url": URL + "zwfw/", "why": "name", "word": "政务服务", "in_navigation": True}
    shown = {**NONE_SHOWN, "entries": [entry]}
    assert service_findings(target(), [home(shown)], AS_OF, profile) == []
    [finding] = service_findings(target(), [home(shown, broken=[URL + "zwfw/"])], AS_OF, profile)
    assert finding.severity == "review" and URL + "zwfw/" in finding.reason


@pytest.mark.parametrize(
    "services, method, says",
    [
        (NONE_SHOWN, "generic", "未能以浏览器打开核实"),
        ({**NONE_SHOWN, "navigation": NAV[:1]}, "rendered", "未识别出导航栏目（有名称的导航项1个）"),
        ({**NONE_SHOWN, "unclear": [{"name": "阳光南塬", "url": URL + "yg/", "why": "unknown navigation name"}]}, "rendered",
         f"阳光南塬（{URL}yg/：导航项名称未能识别）"),
    ],
    ids=["read as fetched only", "navigation not recognised", "a navigation name we do not know"],
)
def test_no_entry_without_a_proof_of_absence_is_reviewed_naming_where_it_was_looked_for(profile, services, method, says):
    [finding] = service_findings(target(), [home(services, method=method)], AS_OF, profile)
    assert finding.severity == "review" and finding.label == "办事服务情况待人工复核"
    assert says in finding.reason


def test_departments_are_exempt_by_default_and_the_register_decides_when_filled_in(profile):
    assert not services_required(target("县级部门网站"), profile)
    assert not services_required(target("市政府工作部门及派出机构网站"), profile)
    assert services_required(target("市政府门户网站"), profile)
    assert services_required(target("县级部门网站", services=True), profile)
    assert not services_required(target("县级政府门户网站", services=False), profile)
    assert service_findings(target("县级部门网站"), [home(NONE_SHOWN)], AS_OF, profile) == []
    [finding] = service_findings(target("县级部门网站", services=True), [home(NONE_SHOWN)], AS_OF, profile)
    assert finding.severity == "veto"


def test_a_home_page_read_before_entries_were_looked_for_or_not_read_is_left_to_other_rules(profile):
    assert service_findings(target(), [home(None)], AS_OF, profile) == []
    assert service_findings(target(), [{**home(NONE_SHOWN), "state": "failed"}], AS_OF, profile) == []
    assert service_findings(target(), [], AS_OF, profile) == []


def test_a_profile_without_the_services_section_does_not_check_them(profile, tmp_path):
    import yaml

    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "govcheck" / "rules" / "profiles" / "national-2019.yaml").read_text(encoding="utf-8"))
    del data["websites"]["services"]
    data["name"] = "national-2019-before-services"
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    old = load_profile(str(path))
    findings = evaluate_site(target(), [home(NONE_SHOWN)], AS_OF, old)
    assert not any(f.code.startswith("site.services") for f in findings)


# -- the register ---------------------------------------------------------------------------


def test_the_register_column_is_read_and_a_wrong_value_named(tmp_path):
    import yaml

    from govcheck.table_reader import TableFileError

    rows = [
        {"网站名称": "甲县人民政府", "网址": "http://a.gov.cn/", "网站类别": "县级政府门户网站", "区县": "甲县", "主办单位": "甲", "有无办事服务": "无"},
        {"网站名称": "乙县水利局", "网址": "http://b.gov.cn/", "网站类别": "县级部门网站", "区县": "乙县", "主办单位": "乙", "有无办事服务": "有"},
        {"网站名称": "丙县人民政府", "网址": "http://c.gov.cn/", "网站类别": "县级政府门户网站", "区县": "丙县", "主办单位": "丙"},
    ]
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"网站": rows}, allow_unicode=True), encoding="utf-8")
    sites = {t["name"]: t for t in load_targets(path)}
    assert sites["甲县人民政府"]["services"] is False and sites["乙县水利局"]["services"] is True
    assert "services" not in sites["丙县人民政府"]
    rows[0]["有无办事服务"] = "没有"
    path.write_text(yaml.safe_dump({"网站": rows}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TableFileError) as raised:
        load_targets(path)
    assert "有无办事服务" in str(raised.value) and "没有" in str(raised.value)


def test_the_spider_is_told_a_home_page_without_an_entry_counts_against_a_portal_only(profile):
    from govcheck.rules import counts_against

    fetched = home(NONE_SHOWN, method="generic")
    assert counts_against(target(), fetched, AS_OF, profile) == "no service"
    assert counts_against(target("县级部门网站"), fetched, AS_OF, profile) is None
    entry = {"name": "办事指南", "url": URL + "bszn/", "why": "name", "word": "办事指南", "in_navigation": False}
    assert counts_against(target(), home({**NONE_SHOWN, "entries": [entry]}, method="generic"), AS_OF, profile) is None

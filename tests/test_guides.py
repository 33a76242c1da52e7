"""服务不实用 (2), 办事指南要素: the links to guides a page gives (the site's own apart from those on a
政务服务网 or another site), the element classes a guide shows as field labels with content, and
the rule: −2 per class missing, a class missing in several guides once, at most −16; unmeasured
with its reason when no guide of the site's own was read; nothing for a site exempt from services."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from govcheck.extract.guides import find_guide_links, guide_classes, guide_link_words, read_guide
from govcheck.rules import evaluate_site, guide_findings, load_profile

AS_OF = datetime(2024, 2, 20, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
ALL = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程")


@pytest.fixture(scope="module")
def profile():
    return load_profile("national-2019")


# -- the data ------------------------------------------------------------------------------


def test_the_eight_classes_of_the_2015_rule_each_with_its_names_and_a_source():
    classes = guide_classes()
    assert tuple(c.name for c in classes) == ALL
    names = {c.name: c.labels for c in classes}
    assert {"实施依据", "法律依据"} <= set(names["设定依据"]) and {"受理条件", "办理条件"} <= set(names["申请条件"])
    assert {"申请材料", "所需材料", "申报材料"} <= set(names["办理材料"]) and {"受理地点", "办理地址"} <= set(names["办理地点"])
    assert {"受理时间", "办公时间"} <= set(names["办理时间"]) and {"咨询电话", "咨询方式", "联系方式"} <= set(names["联系电话"])
    assert {"办理程序", "办事流程", "办理流程图"} <= set(names["办理流程"])
    assert all(c.source and c.labels[0] == c.name for c in classes)
    assert {"办事指南", "服务指南"} <= set(guide_link_words())


def test_a_line_without_its_source_is_named_with_its_file_and_line(tmp_path):
    bad = tmp_path / "elements.txt"
    bad.write_text("# classes\n事项名称\t事项名称\tsource\n设定依据\t实施依据\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"elements.txt, line 3"):
        guide_classes(bad)


# -- elements on a guide -------------------------------------------------------------------


def test_a_table_of_label_and_content_cells_shows_its_classes_and_an_empty_cell_proves_nothing():
    guide = read_guide(
        "<html><head><title>网站</title></head><body><h1>个体工商户设立登记</h1><table>"
        "<tr><td>实施依据</td><td>《促进个体工商户发展条例》</td></tr>"
        "<tr><th>受理条件：</th><td>具有经营能力的自然人</td></tr>"
        "<tr><td>申请材料</td><td>身份证</td></tr>"
        "<tr><td>联系电话</td><td></td></tr>"
        "<tr><td>办理流程</td><td>申请、受理、决定</td></tr></table></body></html>"
    )
    assert guide.title == "个体工商户设立登记"
    assert guide.present == ("事项名称", "设定依据", "申请条件", "办理材料", "办理流程")
    assert guide.unclear == ("联系电话",) and guide.missing == ("办理地点", "办理时间")
    assert guide.labelled == ("设定依据", "申请条件", "办理材料", "办理流程")  # the title is no field


def test_a_header_row_over_its_values_counts_the_cells_below():
    guide = read_guide(
        "<table><tr><th>事项名称</th><th>办公时间</th><th>咨询电话</th></tr>"
        "<tr><td>出生登记</td><td>工作日</td><td>0913-2123456</td></tr></table>"
    )
    assert guide.present == ("事项名称", "办理时间", "联系电话")


def test_a_definition_list_headings_and_labels_with_colons():
    guide = read_guide(
        "<dl><dt>办理地点</dt><dd>市民中心3楼</dd><dt>法律依据</dt><dd>《行政许可法》</dd></dl>"
        "<h3>三、申请条件</h3><div>年满18周岁</div>"
        "<p><b>受理时间：</b>周一至周五</p><p>【办事流程】申请—受理—办结</p>"
        "<p>（六）所需材料：身份证原件</p><p>电话费用说明</p>"
    )
    assert guide.present == ("设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "办理流程")
    assert guide.missing == ("事项名称", "联系电话")  # 电话费用 is no label: no colon after 电话


def test_a_tab_bar_of_labels_without_their_content_proves_no_class_missing():
    guide = read_guide("<ul><li>申请条件</li><li>申请材料</li><li>办理流程</li></ul><div>请点击查看</div>")
    assert guide.unclear == ("申请条件", "办理材料") and guide.present == ("办理流程",)
    assert not guide.is_a_guide(3)


def test_a_page_that_is_no_guide_shows_no_class():
    guide = read_guide("<html><body><h2>办事指南</h2><ul><li><a href='/a.html'>出生登记</a></li></ul></body></html>")
    assert guide.present == () and guide.missing == ALL and not guide.is_a_guide(1)
    assert read_guide("").missing == ALL


# -- links to guides -----------------------------------------------------------------------


def test_guides_on_the_sites_own_domain_apart_from_those_on_a_service_portal_or_another_site():
    links = find_guide_links(
        '<a href="/bszn/1.html">办事指南</a><a href="http://xxgk.weinan.gov.cn/fw/">服务指南</a>'
        '<a href="http://zwfw.shaanxi.gov.cn/x">办事指南</a><a href="http://www.other.gov.cn/y">办理指南</a>'
        '<a href="/news/1.html">市政府常务会议</a><a href="/bszn/1.html#top">办事指南</a>',
        "http://www.weinan.gov.cn/", portal_hosts=["zwfw"],
    )
    assert [link.url for link in links.own] == ["http://www.weinan.gov.cn/bszn/1.html", "http://xxgk.weinan.gov.cn/fw/"]
    assert [(link.url, link.where, link.word) for link in links.elsewhere] == [
        ("http://zwfw.shaanxi.gov.cn/x", "portal", "zwfw"), ("http://www.other.gov.cn/y", "other site", ""),
    ]


# -- the rule ------------------------------------------------------------------------------


def target(category: str = "县级政府门户网站", services: bool | None = None) -> dict[str, Any]:
    return {"key": "site:x", "kind": "site", "name": "x", "url": "http://www.x.gov.cn/", "category": category, "services": services}


def home(guides: dict[str, Any] | None, state: str = "entries") -> dict[str, Any]:
    document = {
        "kind": "home", "key": "home", "target_key": "site:x", "url": "http://www.x.gov.cn/", "state": state,
        "fetched_at": AS_OF, "method": "generic", "entries": [],
    }
    return document if guides is None else {**document, "guides": guides}


def read(*missing: tuple[str, ...], elsewhere: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    guides = [
        {"url": f"http://www.x.gov.cn/bszn/{n}.html", "title": f"事项{n}", "present": [c for c in ALL if c not in gone], "unclear": [], "missing": list(gone)}
        for n, gone in enumerate(missing, 1)
    ]
    return {"links": [{"name": "办事指南", "url": g["url"], "found_on": "http://www.x.gov.cn/"} for g in guides],
            "elsewhere": elsewhere or [], "pages": [], "guides": guides, "sample_size": 3, "max_pages": 6}


def test_each_class_missing_takes_two_points_once_across_guides(profile):
    [finding] = guide_findings(target(), [home(read(("办理时间", "联系电话"), ("联系电话",), ()))], AS_OF, profile)
    assert (finding.code, finding.severity, finding.points, finding.label) == ("site.services.guides", "deduct", 4.0, "办事指南要素不全")
    assert finding.evidence["missing"] == [
        {"class": "办理时间", "guides": ["http://www.x.gov.cn/bszn/1.html"]},
        {"class": "联系电话", "guides": ["http://www.x.gov.cn/bszn/1.html", "http://www.x.gov.cn/bszn/2.html"]},
    ]
    assert [g["url"] for g in finding.evidence["guides"]] == [f"http://www.x.gov.cn/bszn/{n}.html" for n in (1, 2, 3)]
    assert finding.rule["threshold"]["points_per_class"] == 2 and finding.reason == "办事指南缺少要素：办理时间、联系电话"


def test_the_deduction_is_at_most_sixteen_points(profile, tmp_path):
    [finding] = guide_findings(target(), [home(read(ALL))], AS_OF, profile)
    assert finding.points == 16.0
    # an office weighing each class at 3 still takes at most max_points off
    path = tmp_path / "heavier.yaml"
    path.write_text("extends: national-2019\nname: heavier\nwebsites:\n  guides:\n    points: 3\n", encoding="utf-8")
    [finding] = guide_findings(target(), [home(read(ALL))], AS_OF, load_profile(str(path)))
    assert finding.points == 16.0 and finding.rule["threshold"]["max_points"] == 16


def test_guides_showing_every_class_give_no_finding(profile):
    assert guide_findings(target(), [home(read((), ()))], AS_OF, profile) == []


@pytest.mark.parametrize(
    ("observations", "says"),
    [
        ([], "未能读取"),
        ([home(None, state="failed")], "未能读取"),
        ([home(None)], "未记录办事指南"),  # a round read before guides were looked for
        ([home(read())], "未找到本网站的办事指南"),
        ([home(read(elsewhere=[{"name": "办事指南", "url": "http://zwfw.shaanxi.gov.cn/g", "where": "portal", "found_on": "http://www.x.gov.cn/"}]))],
         "http://zwfw.shaanxi.gov.cn/g"),
    ],
)
def test_what_could_not_be_measured_is_unmeasured_with_why(profile, observations, says):
    [finding] = guide_findings(target(), observations, AS_OF, profile)
    assert (finding.code, finding.severity, finding.points) == ("site.services.guides", "unmeasured", 0.0)
    assert says in finding.reason


def test_guide_pages_that_could_not_be_read_leave_it_unmeasured_naming_them(profile):
    guides = {**read(), "links": [{"name": "办事指南", "url": "http://www.x.gov.cn/bszn/", "found_on": "http://www.x.gov.cn/"}],
              "pages": [{"name": "办事指南", "url": "http://www.x.gov.cn/bszn/", "why": "guide link", "outcome": "failed", "error": "HTTP 503"}]}
    [finding] = guide_findings(target(), [home(guides)], AS_OF, profile)
    assert finding.severity == "unmeasured" and "http://www.x.gov.cn/bszn/（HTTP 503）" in finding.reason


def test_a_site_exempt_from_services_is_not_examined_on_guides(profile):
    department = target("县级部门网站")
    assert not any(f.code == "site.services.guides" for f in evaluate_site(department, [home(read(ALL))], AS_OF, profile))
    assert guide_findings(department, [home(None)], AS_OF, profile) == []
    assert guide_findings(target("县级部门网站", services=True), [home(read(("办理时间",)))], AS_OF, profile)[0].points == 2


def test_the_item_is_scored_and_an_unmeasured_one_leaves_the_score_not_final(profile):
    from govcheck.rules import assess

    assert any(item.code == "site.services.guides" and item.by == "crawler" for item in profile.score_items("websites"))
    assert "办事指南要素" in assess(target(), [home(None)], AS_OF, profile).score_missing
    assert "办事指南要素" not in assess(target(), [home(read(ALL))], AS_OF, profile).score_missing


def test_a_profile_without_the_guides_section_does_not_check_them(tmp_path):
    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "govcheck" / "rules" / "profiles" / "national-2019.yaml").read_text(encoding="utf-8"))
    del data["websites"]["guides"]
    data["scoring"]["items"] = [i for i in data["scoring"]["items"] if i["code"] != "site.services.guides"]
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert not any(f.code == "site.services.guides" for f in evaluate_site(target(), [home(None)], AS_OF, load_profile(str(path))))

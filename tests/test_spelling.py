"""错别字: the misspelling list and its sources, the scan of a page (the sentence as evidence,
whitespace and width ignored), and the deduction (per distinct word, capped, quoted or hidden
hits free, unmeasured when nothing was scanned)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from govcheck.extract.page import misspelling_record, read_page, word_list_hits
from govcheck.extract.wording import MISSPELLINGS, SERIOUS_ERRORS, Term, find_serious_errors, load_terms
from govcheck.rules import assess, load_profile
from govcheck.rules.profile import ProfileError
from govcheck.rules.spelling import misspelling_findings

DATA = Path(__file__).resolve().parents[1] / "govcheck" / "data"
PROFILE_FILE = Path(__file__).resolve().parents[1] / "govcheck" / "rules" / "profiles" / "national-2019.yaml"
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = {"key": "site:东岭县司法局", "kind": "site", "name": "东岭县司法局", "url": "http://dl.example/", "columns": []}


@pytest.fixture(scope="module")
def profile():
    return load_profile("national-2019")


@pytest.fixture(scope="module")
def misspellings() -> tuple[Term, ...]:
    terms, name = load_terms(None, MISSPELLINGS)
    assert name == "govcheck:data/misspellings.txt"
    return terms


# -- the lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("file", ["misspellings.txt", "serious_errors.txt"])
def test_every_line_of_both_lists_has_its_right_form_and_a_source(file):
    lines = [line for line in (DATA / file).read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert lines
    for line in lines:
        fields = line.split("\t")
        assert len(fields) == 3 and all(field.strip() for field in fields), line
        assert fields[0] != fields[1], line


def test_no_listed_misspelling_is_part_of_a_right_form_or_a_serious_error(misspellings):
    serious, _ = load_terms(None, SERIOUS_ERRORS)
    rights = [term.right for term in (*misspellings, *serious)]
    assert not [term.wrong for term in misspellings if any(term.wrong in right for right in rights)]
    assert not {term.wrong for term in misspellings} & {term.wrong for term in serious}


def test_forms_that_are_right_somewhere_are_listed_only_in_a_wrong_context(misspellings):
    # 按装修标准, 既使…又使…, 轻松驰骋, 过渡假设, 发布署名, 九洲大道: right texts, no hit
    text = "按装修标准施工，既使群众满意又使企业受益，队员轻松驰骋赛场，过渡假设成立，发布署名文章，九洲大道改造。"
    assert find_serious_errors(text, misspellings) == []
    wrong = "要求纪律松驰的单位整改，到渡假村检查，安排布署工作。"
    assert [hit.wrong for hit in find_serious_errors(wrong, misspellings)] == ["纪律松驰", "渡假村", "安排布署"]


# -- the scan ----------------------------------------------------------------------------------


def test_a_hit_keeps_the_sentence_it_stands_in(misspellings):
    html = "<p>会议总结了去年的工作。会议要求，全体干部要再接再励，迎难而上！下一句话不算。</p><p>另一段</p>"
    [hit] = word_list_hits(html, misspellings)
    assert (hit.wrong, hit.right, hit.hidden) == ("再接再励", "再接再厉", False)
    assert hit.sentence == "会议要求，全体干部要再接再励，迎难而上！"


def test_a_sentence_stops_at_its_block_and_at_sixty_characters(misspellings):
    [hit] = word_list_hits("<h2>标题</h2><p>群众迫不急待</p><p>下一段</p>", misspellings)
    assert hit.sentence == "群众迫不急待"
    long_text = "甲" * 100 + "一愁莫展" + "乙" * 100
    [hit] = find_serious_errors(long_text, misspellings)
    assert hit.sentence == "甲" * 60 + "一愁莫展" + "乙" * 60


def test_whitespace_markup_and_full_width_forms_do_not_hide_a_hit(tmp_path):
    own = tmp_path / "own.txt"
    own.write_text("十九届4中全会\t十九届四中全会\t本单位自定\n", encoding="utf-8")
    terms, name = load_terms(own, MISSPELLINGS)
    assert name == str(own)
    html = "<p>学习贯彻党的<span>十九届</span>\n　<b>４中全会</b>精神。</p>"  # full-width digit and space
    [hit] = word_list_hits(html, terms)
    assert hit.wrong == "十九届4中全会" and hit.sentence == "学习贯彻党的十九届 ４中全会精神。"


def test_a_page_records_each_misspelling_once_a_sentence_and_where_it_stands(misspellings):
    html = """<html><body><p>再接再励，再接再励。</p><p>再接再励</p>
    <div style="display:none">一愁莫展</div></body></html>"""
    records = misspelling_record(word_list_hits(html, misspellings))
    assert records == [
        {"wrong": "再接再励", "right": "再接再厉", "sentence": "再接再励，再接再励。", "where": "shown"},
        {"wrong": "再接再励", "right": "再接再厉", "sentence": "再接再励", "where": "shown"},
        {"wrong": "一愁莫展", "right": "一筹莫展", "sentence": "一愁莫展", "where": "hidden"},
    ]


def test_a_page_is_scanned_only_with_a_misspelling_list(misspellings):
    html = "<html><body><p>群众迫不急待</p></body></html>"
    assert read_page(html, "http://dl.example/", AS_OF, AS_OF, ()).misspellings is None
    [hit] = read_page(html, "http://dl.example/", AS_OF, AS_OF, (), misspelling_terms=misspellings).misspellings or ()
    assert hit.wrong == "迫不急待"


# -- the rule ----------------------------------------------------------------------------------


def page(kind: str, key: str, misspellings: list[dict[str, Any]] | None, state: str = "entries", **more: Any) -> dict[str, Any]:
    observation = {
        "kind": kind, "key": key, "url": f"http://dl.example/{key}/", "fetched_at": AS_OF - timedelta(hours=1),
        "status": 200, "state": state, "entries": [], "newest_date": None, "error": "", **more,
    }
    if misspellings is not None:
        observation.update(misspellings=misspellings, misspelling_list="govcheck:data/misspellings.txt")
    return observation


def hit(wrong: str, right: str, sentence: str, where: str = "shown") -> dict[str, str]:
    return {"wrong": wrong, "right": right, "sentence": sentence, "where": where}


def test_each_distinct_misspelling_takes_a_point_wherever_it_stands(profile):
    pages = [
        page("home", "home", [hit("再接再励", "再接再厉", "要再接再励。")]),
        page("column", "工作动态", [hit("再接再励", "再接再厉", "继续再接再励。"), hit("迫不急待", "迫不及待", "群众迫不急待。")]),
    ]
    [finding] = misspelling_findings(SITE, pages, AS_OF, profile)
    assert (finding.code, finding.severity, finding.label, finding.points) == ("site.wording.misspellings", "deduct", "存在错别字", 2.0)
    assert finding.evidence["distinct"] == ["再接再励", "迫不急待"] and len(finding.evidence["misspellings"]) == 3
    first = finding.evidence["misspellings"][0]
    assert (first["url"], first["sentence"], first["page"]) == ("http://dl.example/home/", "要再接再励。", "home")
    assert finding.rule["threshold"] == {"points_per_word": 1.0, "max_points": 5, "lists": ["govcheck:data/misspellings.txt"]}


def test_misspellings_on_a_detail_page_count_with_its_list(profile):
    detail = {"url": "http://dl.example/gzdt/1.html", "date": None, "misspellings": [hit("一愁莫展", "一筹莫展", "一愁莫展")]}
    [finding] = misspelling_findings(SITE, [page("column", "工作动态", [], detail_pages=[detail])], AS_OF, profile)
    [used] = finding.evidence["misspellings"]
    assert (used["url"], used["detail_of"], finding.points) == (detail["url"], "http://dl.example/工作动态/", 1.0)


def test_the_deduction_stops_at_the_items_points(profile):
    words = ["再接再励", "迫不急待", "一愁莫展", "穿流不息", "震憾", "寒喧", "追朔"]
    pages = [page("home", "home", [hit(word, "x", word) for word in words])]
    [finding] = misspelling_findings(SITE, pages, AS_OF, profile)
    assert (finding.evidence["distinct_count"], finding.points) == (7, 5.0)


@pytest.mark.parametrize("sentence, cue", [
    ("“再接再励”应为“再接再厉”。", "应为"),
    ("再接再励的正确写法是再接再厉。", "再接再厉"),
    ("讲解“再接再励”等易混词语。", "“”"),
    ("讲解「再接再励」等易混词语。", "「」"),
])
def test_a_quoted_misspelling_takes_nothing_off(profile, sentence, cue):
    pages = [page("home", "home", [hit("再接再励", "再接再厉", sentence)])]
    assert misspelling_findings(SITE, pages, AS_OF, profile) == []
    pages.append(page("column", "工作动态", [hit("迫不急待", "迫不及待", "群众迫不急待。")]))
    [finding] = misspelling_findings(SITE, pages, AS_OF, profile)
    assert finding.points == 1.0 and [(q["wrong"], q["cue"]) for q in finding.evidence["quoted"]] == [("再接再励", cue)]


def test_a_misspelling_in_hidden_text_takes_nothing_off(profile):
    pages = [page("home", "home", [hit("再接再励", "再接再厉", "再接再励", where="hidden")])]
    assert misspelling_findings(SITE, pages, AS_OF, profile) == []


def test_pages_scanned_without_a_hit_give_no_finding(profile):
    assert misspelling_findings(SITE, [page("home", "home", []), page("column", "x", None, state="failed")], AS_OF, profile) == []


def test_no_page_read_leaves_the_item_unmeasured_and_the_score_open(profile):
    failed = page("home", "home", None, state="failed", error="timeout")
    [finding] = misspelling_findings(SITE, [failed], AS_OF, profile)
    assert (finding.severity, finding.points) == ("unmeasured", 0.0)
    assert finding.reason == "本轮未能读取网站页面（http://dl.example/home/），错别字未检查"
    result = assess(SITE, [failed], AS_OF, profile)
    assert "错别字" in result.score_missing


def test_pages_of_an_older_round_without_the_field_are_unmeasured_never_deducted(profile):
    older = page("home", "home", None)  # read, but by a version that did not scan for misspellings
    [finding] = misspelling_findings(SITE, [older], AS_OF, profile)
    assert finding.severity == "unmeasured" and "未记录错别字检查结果" in finding.reason


def test_the_item_is_in_the_score_and_a_profile_without_it_checks_nothing(profile, tmp_path):
    [item] = [i for i in profile.score_items("websites") if i.code == "site.wording.misspellings"]
    assert (item.name, item.by) == ("错别字", "crawler")
    data = yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8"))
    del data["websites"]["misspellings"]
    data["scoring"]["items"] = [i for i in data["scoring"]["items"] if i["code"] != "site.wording.misspellings"]
    path = tmp_path / "without.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    without = load_profile(path)
    result = assess(SITE, [page("home", "home", [hit("再接再励", "再接再厉", "再接再励")])], AS_OF, without)
    assert not [f for f in result.findings if f.code == "site.wording.misspellings"]


def test_the_item_is_a_deduction_never_a_veto(tmp_path):
    data = yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8"))
    data["websites"]["misspellings"]["severity"] = "veto"
    path = tmp_path / "veto.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError, match="websites.misspellings"):
        load_profile(path)

"""Serious wording errors: the shipped sample list, an office's own list, and what a page shows."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import govcheck
from govcheck.extract.html import decode_html
from govcheck.extract.page import word_list_hits
from govcheck.extract.wording import (
    SHIPPED_LIST,
    Hit,
    Term,
    WordListError,
    correction_cue,
    find_serious_errors,
    load_terms,
    page_text,
    page_texts,
)

SITES = Path(__file__).resolve().parents[1] / "replica" / "sites"


@pytest.fixture(scope="module")
def shipped() -> tuple[Term, ...]:
    terms, name = load_terms()
    assert name == SHIPPED_LIST
    return terms


def test_the_shipped_list_has_a_correction_and_a_source_for_every_entry(shipped):
    assert Term("中华人民共合国", "中华人民共和国") in shipped and Term("攻府", "政府") in shipped
    assert all(term.right and term.right != term.wrong for term in shipped)
    lines = [line for line in (Path(__file__).resolve().parents[1] / "govcheck" / "data" / "serious_errors.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(lines) == len(shipped) and all(len(line.split("\t")) == 3 and line.split("\t")[2].strip() for line in lines)


def test_a_list_line_may_name_its_source_after_the_right_wording(tmp_path):
    own = tmp_path / "own.txt"
    own.write_text("攻府\t政府\t铜川市通报 2019-02-25\n中华人民共合国 => 中华人民共和国\n", encoding="utf-8")
    assert load_terms(own)[0] == (Term("攻府", "政府"), Term("中华人民共合国", "中华人民共和国"))


def test_no_shipped_wrong_wording_is_the_right_wording_of_another(shipped):
    rights = {term.right for term in shipped}
    assert not [term.wrong for term in shipped if any(term.wrong in right for right in rights)]


def test_a_hit_keeps_the_wording_its_correction_and_a_snippet(shipped):
    text = "县司法局开展《中华人民共合国宪法》宣传周系列活动，组织干部群众学习宪法。"
    [hit] = find_serious_errors(text, shipped)
    assert (hit.wrong, hit.right) == ("中华人民共合国", "中华人民共和国")
    assert hit.snippet == "县司法局开展《中华人民共合国宪法》宣传周系列活动，组织干部"  # 15 characters each side


def test_markup_breaks_and_full_width_letters_do_not_hide_a_hit(shipped):
    html = "<p>学习贯彻<span>中华人民</span>\n  <span>共合国</span>宪法，拥护中国共产觉的领导</p>"
    hits = find_serious_errors(page_text(html), shipped)
    assert [hit.wrong for hit in hits] == ["中华人民共合国", "中国共产觉"]
    assert "中华人民 共合国" in hits[0].snippet  # as printed, whitespace squashed


def test_correct_wording_gives_no_hit(shipped):
    assert find_serious_errors("中华人民共和国国家主席、中央军事委员会主席", shipped) == []


def test_scripts_and_styles_are_not_page_text():
    html = "<html><head><title>通知</title><style>.a{}</style><script>var s='中华人民共合国';</script></head><body>正文</body></html>"
    assert page_text(html).split() == ["通知", "正文"]  # the title and the body are separate blocks
    assert page_text("") == ""


def test_text_the_page_hides_is_kept_apart_from_what_it_shows():
    html = (
        "<html><body><p>正文</p>"
        '<div style="DISPLAY: none"><p>隐藏一</p><div hidden>嵌套</div></div>尾文'
        '<section hidden="hidden">隐藏二</section><span style="visibility:hidden">隐藏三</span>'
        '<p style="color:red">红字</p></body></html>'
    )
    texts = page_texts(html)
    assert texts.shown.split() == ["正文", "尾文", "红字"]  # a hidden block's tail is shown
    assert texts.hidden.split() == ["隐藏一", "嵌套", "隐藏二", "隐藏三"]  # each hidden element once
    assert page_text(html).split() == ["正文", "尾文", "红字", "隐藏一", "嵌套", "隐藏二", "隐藏三"]


def test_a_wording_in_hidden_text_is_a_hit_marked_hidden(shipped):
    html = '<html><body><p>中华人民共和国</p><div style="display:none"><p>中华人民共合国宪法</p></div></body></html>'
    [hit] = word_list_hits(html, shipped)
    assert (hit.wrong, hit.hidden, hit.snippet) == ("中华人民共合国", True, "中华人民共合国宪法")
    assert [h.hidden for h in word_list_hits(html.replace(' style="display:none"', ""), shipped)] == [False]


def test_the_replica_page_with_a_misspelt_state_name(shipped):
    site = next(s for s in yaml_sites() if s["slug"] == "serious-errors")
    for column in site["columns"]:
        html = decode_html((SITES / column["path"].lstrip("/")).read_bytes(), "text/html")
        hits = word_list_hits(html, shipped)
        assert [hit.wrong for hit in hits if not hit.hidden] == column.get("expected_serious_errors", [])
        assert [hit.wrong for hit in hits if hit.hidden] == column.get("expected_hidden_serious_errors", [])


def yaml_sites() -> list[dict]:
    import yaml

    return yaml.safe_load((SITES / "manifest.yaml").read_text(encoding="utf-8"))["sites"]


def test_an_office_list_replaces_the_sample(tmp_path):
    own = tmp_path / "words.txt"
    own.write_text("# 本市词表\n\n渭南市人民政付 => 渭南市人民政府\n二〇二四年度工作安牌\n", encoding="utf-8")
    terms, name = load_terms(own)
    assert name == str(own)
    assert terms == (Term("渭南市人民政付", "渭南市人民政府"), Term("二〇二四年度工作安牌", ""))
    assert find_serious_errors("中华人民共合国", terms) == []


@pytest.mark.parametrize(
    "content, message",
    [
        ("中\n", r"words\.txt, line 1: the wrong wording '中' is too short"),
        ("# only a comment\n", r"words\.txt: no entries"),
    ],
)
def test_a_bad_list_is_named_with_its_line(tmp_path, content, message):
    own = tmp_path / "words.txt"
    own.write_text(content, encoding="utf-8")
    with pytest.raises(WordListError, match=message):
        load_terms(own)


def test_a_missing_list_is_named(tmp_path):
    with pytest.raises(WordListError, match=r"nowhere\.txt: cannot be read"):
        load_terms(tmp_path / "nowhere.txt")


def test_the_sample_list_loads_from_a_zipped_egg(tmp_path):
    package = Path(govcheck.__file__).parent
    egg = tmp_path / "govcheck.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        for name in ("__init__.py", "dates.py", "extract/__init__.py", "extract/html.py", "extract/wording.py", "data/serious_errors.txt"):
            archive.write(package / name, f"govcheck/{name}")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from govcheck.extract import wording; "
        "assert wording.__file__.startswith(sys.argv[1]), wording.__file__; "
        "terms, name = wording.load_terms(); print(name, len(terms))"
    )
    result = subprocess.run([sys.executable, "-I", "-c", script, str(egg)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == SHIPPED_LIST and int(result.stdout.split()[1]) >= 3


# -- an entry whose right wording holds its wrong wording (人大常委 => 人大常委会) ------------------


@pytest.fixture
def prefix_list(tmp_path) -> tuple[Term, ...]:
    own = tmp_path / "words.txt"
    own.write_text("习近平新时代中国特色社会主义\t习近平新时代中国特色社会主义思想\n人大常委 => 人大常委会\n", encoding="utf-8")
    return load_terms(own)[0]


def test_the_right_wording_holding_the_wrong_one_is_no_hit(prefix_list):
    html = (
        "<ul><li>深入学习贯彻习近平新时代中国特色社会主义思想主题教育</li>"
        "<li>市人大常委会召开第十次会议</li><li>市人大常\n委 会 主任会议</li></ul>"
    )
    assert find_serious_errors(page_text(html), prefix_list) == []


def test_the_wrong_wording_beside_its_right_wording_is_still_a_hit(prefix_list):
    text = "市人大常委会召开会议。市人大常委主任讲话，学习习近平新时代中国特色社会主义。"
    hits = find_serious_errors(text, prefix_list)
    assert [hit.wrong for hit in hits] == ["人大常委", "习近平新时代中国特色社会主义"]
    assert "市人大常委主任讲话" in hits[0].snippet



def test_a_shorter_wording_at_the_same_place_is_still_looked_for():
    terms = (Term("人大常委", "人大常委会"), Term("人大", "人民代表大会"))  # made-up entries
    assert [hit.wrong for hit in find_serious_errors("市人大常委会", terms)] == ["人大"]
    assert find_serious_errors("市人民代表大会常务委员会", terms) == []

def test_loading_an_entry_whose_right_wording_holds_it_warns(tmp_path, caplog):
    own = tmp_path / "words.txt"
    own.write_text("人大常委 => 人大常委会\n中国共产觉 => 中国共产党\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="govcheck.extract.wording"):
        load_terms(own)
    [record] = caplog.records
    assert "line 1" in record.getMessage() and "人大常委会" in record.getMessage()


# -- a correction notice quotes the wrong wording ---------------------------------------------------


@pytest.mark.parametrize(
    "snippet, cue",
    [
        ("活动的通知》中“中华人民共合国”应为“中华人民共和国”，特此", "应为"),
        ("勘误：第二段“中华人民共合国”一处", "勘误"),
        ("原文“中华人民 共合国”，现更 正", "更正"),
        ("学习《中华人民共和国宪法》和中华人民共合国", "中华人民共和国"),
        ("开展《中华人民共合国宪法》宣传", ""),
    ],
)
def test_a_hit_quoted_by_a_correction_names_its_cue(snippet, cue):
    assert correction_cue(Hit("中华人民共合国", "中华人民共和国", snippet)) == cue


def test_a_right_wording_holding_the_wrong_one_is_no_cue_by_itself():
    # "人大常委会" in the snippet is the very occurrence the matcher already passed over: only
    # a hit outside it reaches here, and then the right wording nearby is a cue like any other
    assert correction_cue(Hit("人大常委", "人大常委会", "市人大常委主任讲话")) == ""
    assert correction_cue(Hit("人大常委", "人大常委会", "人大常委会和人大常委")) == "人大常委会"


def test_an_entry_without_right_wording_is_cued_by_correction_words_only():
    assert correction_cue(Hit("工作安牌", "", "年度工作安牌")) == ""
    assert correction_cue(Hit("工作安牌", "", "“工作安牌”系笔误")) == "笔误"


# -- separate blocks are separate texts -------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td><a href='/1.html'>市五届全国人民代表大</a></td></tr><tr><td><a href='/2.html'>意见征集</a></td></tr></table>",
        "<table><tr><td>中华人民共</td><td>合国</td></tr></table>",
        "<ul><li>全国人民代表大</li><li>意见征集</li></ul>",
        "<div>中国共产</div>觉醒年代",
        "<h3>中国共产</h3><p>觉醒年代</p>",
        "<html><head><title>全国人民代表大</title></head><body><p>意见征集</p></body></html>",
        "<dl><dt>中华人民共</dt><dd>合国</dd></dl>",
    ],
)
def test_a_wording_is_not_formed_across_blocks(shipped, html):
    assert find_serious_errors(page_text(html), shipped) == []


def test_a_wording_wrapped_by_inline_tags_or_a_line_break_is_found(shipped):
    html = "<p>依照<b>中华人民</b><br>共合国<a href='/x'>宪</a>法</p>"
    [hit] = find_serious_errors(page_text(html), shipped)
    assert hit.wrong == "中华人民共合国" and "中华人民共合国宪法" in hit.snippet


def test_blocks_are_whitespace_apart_in_the_text_and_the_snippet(shipped):
    html = "<table><tr><td>栏目</td><td>中华人民共合国宪法</td></tr></table>"
    assert page_text(html).split() == ["栏目", "中华人民共合国宪法"]
    [hit] = find_serious_errors(page_text(html), shipped)
    assert hit.snippet == "栏目 中华人民共合国宪法"

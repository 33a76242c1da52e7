"""`govcheck query --filter` runs the query language's plain operators only, to a bounded depth."""

from __future__ import annotations

import json

import pytest

from govcheck.query_filter import MAX_DEPTH, FilterError, check_filter, parse_filter
from support import govcheck, open_store


def nested(containers: int) -> dict:
    """A filter of this many objects and arrays inside one another."""
    value: object = "合格"
    for _ in range(containers - 2):
        value = [value]
    return {"labels": {"$in": value}}


@pytest.mark.parametrize("query, says", [
    ({"$where": "sleep(10000) || true"}, "$where runs JavaScript on the server"),
    ({"name": {"$where": "1"}}, "$where runs JavaScript on the server"),
    ({"$expr": {"$function": {"body": "function() {return true}", "args": [], "lang": "js"}}}, "$expr (aggregation expressions"),
    ({"$or": [{"$expr": {"$eq": ["$name", "$district"]}}]}, "$expr"),
    ({"score": {"$accumulator": {}}}, "$accumulator runs JavaScript"),
    ({"$text": {"$search": "渭南"}}, "$text is not an allowed operator"),
    ({"name": {"$regex": "("}}, '$regex "(": missing ), unterminated subpattern at position 0 (at name)'),
    ({"name": {"$regex": 1}}, "$regex takes a text"),
    ({"name": {"$regex": "a", "$options": "g"}}, '$options "g": letters among imsx'),
    ({"name": {"$options": "i"}}, "$options without $regex"),
    ({"name": {"$type": "text"}}, '$type "text": not a BSON type'),
    ({"score": {"$mod": [0, 1]}}, "$mod takes [divisor, remainder]"),
    ({"labels": {"$size": -1}}, "$size takes a whole number"),
    ({"verdict": {"$in": "合格"}}, "$in takes a list"),
    ({"$and": []}, "$and takes a non-empty list of filters"),
    ({"verdict": {"$eq": {"$where": "1"}}}, "$where inside a value"),
    ({"verdict": {"$gt": "a", "b": 1}}, "'b' beside operators"),
    ({"name": {"$not": "渭南"}}, "$not takes operators"),
    ({"name": {"$not": {"$regex": "渭南"}}}, "$not with $regex: say it with $nor instead"),
    (nested(MAX_DEPTH + 1), f"nested more than {MAX_DEPTH} levels deep"),
])
def test_anything_but_the_plain_operators_is_refused_saying_why(query, says):
    with pytest.raises(FilterError) as refused:
        check_filter(query)
    assert says in str(refused.value)


@pytest.mark.parametrize("query", [
    {"verdict": "不合格", "district": "韩城市"},
    {"verdict": {"$in": ["不合格", "待人工复核"]}, "score": {"$gte": 60, "$lt": 100}},
    {"$or": [{"name": {"$regex": "^渭南", "$options": "i"}}, {"labels": {"$exists": True}}]},
    {"name": {"$not": {"$in": ["公安"]}}, "finding_codes": {"$elemMatch": {"$eq": "site.links.broken"}}},
    {"finding_codes": {"$all": ["site.links.broken"], "$size": 1}, "score": {"$type": ["int", "double"], "$mod": [5, 0]}},
    {"evidence": {"probes": 3}},
    nested(MAX_DEPTH),
])
def test_the_auditors_filters_pass(query):
    check_filter(query)


def test_a_deeply_nested_text_is_refused_before_it_is_walked():
    with pytest.raises(FilterError, match="nested more than"):
        parse_filter("[" * 100_000 + "]" * 100_000)
    with pytest.raises(FilterError, match="nested more than"):
        parse_filter(json.dumps({"labels": {"$in": nested(500)}}))


@pytest.mark.parametrize("text, says", [
    ('{"$where": "this.verdict == \'不合格\'"}', "$where runs JavaScript on the server and is not allowed"),
    ('{"$expr": {"$eq": ["$name", "$district"]}}', "$expr (aggregation expressions"),
    ('{"$function": {"body": "1", "args": [], "lang": "js"}}', "$function runs JavaScript"),
    ('{"name": {"$regex": "(渭南"}}', '$regex "(渭南": missing )'),
    ('{"a": ' + "[" * 500 + "]" * 500 + "}", "nested more than"),
])
def test_the_command_says_invalid_filter_and_exits_2_without_a_traceback(store_location, text, says):
    open_store(store_location).upsert("verdicts", {"round": "2024-1", "target_key": "site:渭南市民政局", "name": "渭南市民政局", "verdict": "不合格"})
    result = govcheck(store_location, "query", "--filter", text)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("govcheck: invalid filter: ") and says in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_allowed_operators_select_the_same_on_both_stores(store_location):
    store = open_store(store_location)
    rows = [("渭南市民政局", "不合格", 40, ["site.columns.stale"]), ("渭南市教育局", "合格", 100, []),
            ("韩城市公安局", "不合格", 55, ["site.links.broken", "site.columns.stale"]), ("澄城县人民政府", "待人工复核", 100, [])]
    for name, verdict, score, codes in rows:
        store.upsert("verdicts", {"round": "2024-1", "target_key": f"site:{name}", "name": name, "verdict": verdict, "score": score, "finding_codes": codes})

    def names(query: dict) -> list[str]:
        result = govcheck(store_location, "query", "--round", "2024-1", "--format", "json", "--filter", json.dumps(query, ensure_ascii=False))
        assert result.returncode == 0, result.stderr
        return sorted(v["name"] for v in json.loads(result.stdout))

    assert names({"$or": [{"name": {"$regex": "^韩城"}}, {"score": {"$lt": 50}}]}) == ["渭南市民政局", "韩城市公安局"]
    assert names({"finding_codes": {"$elemMatch": {"$eq": "site.links.broken"}}}) == ["韩城市公安局"]
    assert names({"finding_codes": {"$size": 0}, "verdict": {"$ne": "合格"}}) == ["澄城县人民政府"]
    assert names({"$nor": [{"name": {"$regex": "渭南"}}], "verdict": {"$nin": ["合格"]}}) == ["澄城县人民政府", "韩城市公安局"]
    assert names({"verdict": {"$not": {"$in": ["合格", "不合格"]}}}) == ["澄城县人民政府"]
    assert names({"finding_codes": {"$all": ["site.columns.stale"]}, "score": {"$type": ["int", "double"], "$mod": [5, 0]}}) == ["渭南市民政局", "韩城市公安局"]


def test_a_pattern_the_server_cannot_run_is_an_invalid_filter_not_a_traceback(store_location):
    open_store(store_location).upsert("verdicts", {"round": "2024-1", "target_key": "site:澄城县人民政府", "name": "澄城县人民政府", "verdict": "合格"})
    # Python's re (the embedded store) has look-ahead, FerretDB's regular expressions have not
    result = govcheck(store_location, "query", "--format", "json", "--filter", '{"name": {"$regex": "^(?!渭南)"}}')
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        assert [v["name"] for v in json.loads(result.stdout)] == ["澄城县人民政府"]
    else:
        assert result.returncode == 2 and result.stderr.startswith("govcheck: invalid filter: the store refused it: ")

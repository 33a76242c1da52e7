"""The one store module behaves the same on the embedded store and on a MongoDB-wire server."""

from datetime import datetime

import pytest
from bson.errors import InvalidDocument
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from govcheck.store import SHANGHAI, MongoBackend, Store


def observation(**fields):
    return {"round": "2024-1", "target_key": "site:渭南市民政局", "kind": "column", "key": "通知公告", **fields}


def test_upserting_the_same_key_twice_keeps_one_document_with_the_last_values(store: Store):
    store.upsert("observations", observation(state="entries", status=200))
    store.upsert("observations", observation(state="failed", status=503))

    stored = store.find("observations")
    assert len(stored) == 1
    assert stored[0]["state"] == "failed" and stored[0]["status"] == 503


def test_times_come_back_in_shanghai_and_compare_in_queries(store: Store):
    fetched_at = datetime(2024, 2, 20, 9, 30, tzinfo=SHANGHAI)
    store.upsert("observations", observation(fetched_at=fetched_at, entries=[{"date": fetched_at}]))

    later = store.find("observations", {"fetched_at": {"$gte": datetime(2024, 2, 20, 9, 0, tzinfo=SHANGHAI)}})
    earlier = store.find("observations", {"fetched_at": {"$lt": datetime(2024, 2, 20, 9, 0, tzinfo=SHANGHAI)}})

    assert len(later) == 1 and earlier == []
    assert later[0]["fetched_at"] == fetched_at
    assert later[0]["fetched_at"].utcoffset().total_seconds() == 8 * 3600
    assert later[0]["entries"][0]["date"] == fetched_at


def test_chinese_values_and_operators_query_alike(store: Store):
    for name, verdict in [("韩城市财政局", "不合格"), ("渭南市民政局", "不合格"), ("渭南市教育局", "合格")]:
        store.upsert("verdicts", {"round": "2024-1", "target_key": f"site:{name}", "name": name, "verdict": verdict})

    failing = store.find("verdicts", {"verdict": "不合格"}, sort=[("name", 1)])
    chosen = store.find("verdicts", {"name": {"$in": ["渭南市教育局"]}})

    assert [v["name"] for v in failing] == sorted(["韩城市财政局", "渭南市民政局"])
    assert [v["verdict"] for v in chosen] == ["合格"]
    assert store.count("verdicts", {"round": "2024-1"}) == 3


def test_in_queries_match_listed_values_strings_and_arrays_alike(store: Store):
    for number in range(300):
        store.upsert("verdicts", {"round": "2024-1", "target_key": f"site:{number:03d}", "verdict": "合格",
                                  "labels": ["个别栏目更新不及时"] if number % 100 == 0 else []})
    listed = [f"site:{number:03d}" for number in range(0, 300, 7)] + ["site:不在册"]

    found = store.find("verdicts", {"round": "2024-1", "target_key": {"$in": listed}}, sort=[("target_key", 1)])
    noted = store.find("verdicts", {"target_key": {"$in": listed}, "labels": {"$in": ["个别栏目更新不及时"]}})

    assert [v["target_key"] for v in found] == listed[:-1]
    assert [v["target_key"] for v in noted] == ["site:000"]  # 0 is listed, 100 and 200 are not (not multiples of 7)
    assert store.find("verdicts", {"target_key": {"$in": []}}) == []


def test_a_new_assessment_replaces_findings_that_no_longer_apply(store: Store):
    verdict = {"target_key": "site:渭南市民政局", "verdict": "不合格"}
    store.save_assessment("2024-1", verdict, [{"code": "site.columns.stale"}, {"code": "site.home.stale"}])
    store.save_assessment("2024-1", {**verdict, "verdict": "合格"}, [{"code": "site.columns.stale_note"}])

    assert [f["code"] for f in store.find("findings")] == ["site.columns.stale_note"]
    assert [v["verdict"] for v in store.find("verdicts")] == ["合格"]


def test_findings_of_other_rounds_and_targets_are_left_alone(store: Store):
    store.save_assessment("2023-4", {"target_key": "site:a", "verdict": "不合格"}, [{"code": "x"}])
    store.save_assessment("2024-1", {"target_key": "site:b", "verdict": "不合格"}, [{"code": "x"}])
    store.save_assessment("2024-1", {"target_key": "site:a", "verdict": "合格"}, [])

    remaining = sorted((f["round"], f["target_key"]) for f in store.find("findings"))
    assert remaining == [("2023-4", "site:a"), ("2024-1", "site:b")]


def test_an_assessment_without_findings_is_stored_on_a_fresh_store(store: Store):
    store.save_assessment("2024-1", {"target_key": "site:渭南市发展和改革委员会", "verdict": "合格"}, [])

    assert store.find("findings") == []
    assert [v["verdict"] for v in store.find("verdicts")] == ["合格"]


def test_a_batch_upsert_adds_new_documents_and_updates_stored_ones_by_key(store: Store):
    store.upsert("observations", observation(state="failed", status=503, url="http://a.example/"))
    store.save_observations([observation(state="entries", status=200), observation(key="工作动态", state="empty")])

    stored = {document["key"]: document for document in store.find("observations")}
    assert set(stored) == {"通知公告", "工作动态"}
    assert stored["通知公告"]["state"] == "entries" and stored["通知公告"]["status"] == 200
    assert stored["通知公告"]["url"] == "http://a.example/"  # fields the batch did not set are kept


def test_a_refused_document_in_an_embedded_batch_writes_none_of_it(tmp_path):
    store = Store.open(None, tmp_path)
    store.upsert("observations", observation(state="failed"))
    with pytest.raises(InvalidDocument):
        store.save_observations([observation(state="entries"), observation(key="工作动态", state=object())])

    assert [(d["key"], d["state"]) for d in store.find("observations")] == [("通知公告", "failed")]


class RacingCollection:
    """A collection whose first write loses the race for a new key to another writer."""

    def __init__(self, refusal: Exception) -> None:
        self.refusal: Exception | None = refusal
        self.written: list[object] = []

    def update_one(self, key: dict, change: dict, upsert: bool) -> None:
        self._write((key, change))

    def bulk_write(self, operations: list, ordered: bool) -> None:
        self._write(operations)

    def _write(self, what: object) -> None:
        if self.refusal is not None:
            refusal, self.refusal = self.refusal, None
            raise refusal
        self.written.append(what)


def test_an_upsert_that_loses_the_race_for_a_new_key_is_sent_again():
    rounds = RacingCollection(DuplicateKeyError("E11000 duplicate key error", 11000))
    MongoBackend({"rounds": rounds}).upsert("rounds", {"round": "2024-1"}, {"status": "running"})
    assert rounds.written == [({"round": "2024-1"}, {"$set": {"status": "running"}})]


def test_a_batch_sends_again_only_the_upserts_that_lost_the_race():
    raced = BulkWriteError({"writeErrors": [{"index": 1, "code": 11000, "errmsg": "E11000 duplicate key"}]})
    observations = RacingCollection(raced)
    changes = [({"key": "a"}, {"v": 1}), ({"key": "b"}, {"v": 2}), ({"key": "c"}, {"v": 3})]
    MongoBackend({"observations": observations}).upsert_many("observations", changes)
    assert observations.written == [[UpdateOne({"key": "b"}, {"$set": {"v": 2}}, upsert=True)]]


def test_a_batch_refused_for_another_reason_is_not_sent_again():
    refused = BulkWriteError({"writeErrors": [
        {"index": 0, "code": 11000, "errmsg": "E11000 duplicate key"}, {"index": 2, "code": 2, "errmsg": "bad value"},
    ]})
    observations = RacingCollection(refused)
    with pytest.raises(BulkWriteError):
        MongoBackend({"observations": observations}).upsert_many("observations", [({"key": "a"}, {"v": 1})] * 3)
    assert observations.written == []

"""The store pipeline writes observations in batches, and a refused one fails alone."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.utils.test import get_crawler

from govcheck.items import ObservationItem
from govcheck.observations import ColumnObservation
from govcheck.pipelines import ObservationStorePipeline
from govcheck.store import store_for


def column(key: str, **data) -> ObservationItem:
    fields = {"url": f"http://a.example/{key}/", "state": "entries", **data}
    return ColumnObservation(round="2024-1", target_key="site:渭南市民政局", key=key, **fields)


def pipeline_on(store_location: dict[str, str], **settings) -> ObservationStorePipeline:
    crawler = get_crawler(
        settings_dict={
            "MONGO_URI": store_location.get("GOVCHECK_MONGO_URI") or None,
            "MONGO_DATABASE": store_location.get("GOVCHECK_MONGO_DB"),
            "GOVCHECK_DATA_DIR": store_location["GOVCHECK_DATA_DIR"],
            **settings,
        }
    )
    return ObservationStorePipeline(crawler)


def count_batches(pipeline: ObservationStorePipeline) -> list[int]:
    """The sizes of the batches the pipeline hands to the store."""
    store, sizes = pipeline.store, []
    save_observations = store.save_observations

    def counted(documents):
        sizes.append(len(documents))
        return save_observations(documents)

    store.save_observations = counted
    return sizes


async def process_all(pipeline: ObservationStorePipeline, items: list[ObservationItem]) -> list:
    return await asyncio.gather(*(pipeline.process_item(item) for item in items), return_exceptions=True)


def test_observations_that_arrive_together_are_stored_in_one_batch(store_location):
    pipeline = pipeline_on(store_location)
    sizes = count_batches(pipeline)
    items = [column(f"栏目{n}") for n in range(5)]

    results = asyncio.run(process_all(pipeline, items))

    assert results == items
    assert sizes == [5]
    assert sorted(d["key"] for d in store_for(pipeline.crawler).find("observations")) == [f"栏目{n}" for n in range(5)]


def test_a_full_batch_is_written_without_waiting_for_the_timer(store_location):
    pipeline = pipeline_on(store_location, GOVCHECK_STORE_BATCH_SIZE=2, GOVCHECK_STORE_BATCH_SECONDS=60)
    sizes = count_batches(pipeline)
    items = [column(f"栏目{n}") for n in range(4)]

    results = asyncio.run(asyncio.wait_for(process_all(pipeline, items), timeout=10))

    assert results == items and sizes == [2, 2]


def test_a_document_the_store_refuses_fails_alone(store_location):
    pipeline = pipeline_on(store_location)
    items = [column("通知公告"), column("工作动态", state=object()), column("政策文件")]

    results = asyncio.run(process_all(pipeline, items))

    assert results[0] is items[0] and results[2] is items[2]
    assert isinstance(results[1], Exception)
    stored = sorted(d["key"] for d in store_for(pipeline.crawler).find("observations"))
    assert stored == ["政策文件", "通知公告"]


@pytest.mark.parametrize("size", [0, -3])
def test_a_batch_size_below_one_writes_each_observation_alone(store_location, size):
    pipeline = pipeline_on(store_location, GOVCHECK_STORE_BATCH_SIZE=size, GOVCHECK_STORE_BATCH_SECONDS=60)
    sizes = count_batches(pipeline)

    asyncio.run(asyncio.wait_for(process_all(pipeline, [column("a"), column("b")]), timeout=10))

    assert sizes == [1, 1]

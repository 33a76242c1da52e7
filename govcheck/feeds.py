"""Feed exporters that write an observation as the store keeps it.

An observation is a dataclass whose ``kind`` is a class attribute (govcheck.observations), so
Scrapy's exporters, which read an item's dataclass fields, would leave ``kind`` out of a feed
(``scrapy crawl sites -O observed.jsonl``). These write :meth:`Observation.to_document`
instead: the feed's lines are the stored documents, envelope included.
"""

from __future__ import annotations

from typing import Any

from scrapy.exporters import CsvItemExporter, JsonItemExporter, JsonLinesItemExporter

from govcheck.observations import Observation

__all__ = ["ObservationCsvExporter", "ObservationJsonExporter", "ObservationJsonLinesExporter"]


def as_document(item: Any) -> Any:
    """The stored document of an observation; any other item as it is."""
    return item.to_document() if isinstance(item, Observation) else item


class ObservationJsonLinesExporter(JsonLinesItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(as_document(item))


class ObservationJsonExporter(JsonItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(as_document(item))


class ObservationCsvExporter(CsvItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(as_document(item))

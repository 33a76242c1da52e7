"""A feed of a crawl holds each observation as the store keeps it, its kind included."""

from __future__ import annotations

import io
import json
from datetime import datetime

from govcheck.dates import SHANGHAI
from govcheck.feeds import ObservationJsonLinesExporter
from govcheck.observations import ProbeObservation


def test_a_feed_line_of_an_observation_is_its_stored_document_kind_included():
    probe = ProbeObservation.from_document({
        "round": "2024-1", "target_key": "site:渭南市", "kind": "probe", "key": "probe-1",
        "url": "http://127.0.0.1/", "fetched_at": datetime(2024, 2, 20, 9, tzinfo=SHANGHAI), "ok": True, "status": 200,
    })
    out = io.BytesIO()
    exporter = ObservationJsonLinesExporter(out)
    exporter.start_exporting()
    exporter.export_item(probe)
    exporter.export_item({"plain": "item"})
    exporter.finish_exporting()
    first, second = (json.loads(line) for line in out.getvalue().decode().splitlines())
    assert first["kind"] == "probe" and first["key"] == "probe-1" and first["target_key"] == "site:渭南市"
    assert second == {"plain": "item"}

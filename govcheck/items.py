"""What spiders yield: observations, one dataclass per kind (govcheck.observations, docs/schema.md).

``ObservationItem`` is any of them, as Scrapy's item pipelines receive it.
"""

from __future__ import annotations

from govcheck.observations import Observation as ObservationItem

__all__ = ["ObservationItem"]

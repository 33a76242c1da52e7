"""Running a whole round in one process: every spider, then every target assessed."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.rounds import classify_round, finish_round, parse_as_of, parse_day_start, start_round
from govcheck.store import SHANGHAI, Store


def round_spiders(spider_loader: Any) -> list[str]:
    """The spiders of a round's crawl: every spider but the scheduled window jobs (probes)."""
    return [name for name in spider_loader.list() if getattr(spider_loader.load(name), "in_round_crawl", True)]


def run_round(
    store: Store,
    round_id: str,
    as_of_text: str,
    profile: str,
    spiders: Sequence[str] | None = None,
    targets: str | None = None,
    settings: Mapping[str, Any] | None = None,
    media_as_of_text: str | None = None,
    inspected_from_text: str | None = None,
) -> list[dict[str, Any]]:
    """Crawls the round's targets with the project's spiders and returns the stored verdicts.

    Each spider's pipeline assesses the targets it was given; targets no spider looked at
    still get a verdict here: 待人工复核, with the reason.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    media_as_of = parse_as_of(media_as_of_text) if media_as_of_text else None
    inspected_from = parse_day_start(inspected_from_text) if inspected_from_text else None
    start_round(store, round_id, parse_as_of(as_of_text), profile, datetime.now(SHANGHAI), media_as_of, inspected_from)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "govcheck.settings")
    project_settings = get_project_settings()
    project_settings.setdict(dict(settings or {}), priority="cmdline")
    process = CrawlerProcess(project_settings)
    crawlers = []
    for name in spiders or round_spiders(process.spider_loader):
        arguments = {"round": round_id}
        if targets:
            arguments["targets"] = targets
        crawler = process.create_crawler(name)
        process.crawl(crawler, **arguments)
        crawlers.append(crawler)
    process.start()
    assessed = {key for crawler in crawlers for key in getattr(crawler.spider, "target_keys", ())}

    if targets:
        wanted = {t.strip() for t in targets.split(",")}
        keys = [t["key"] for t in store.find("targets") if t["key"] in wanted or t["name"] in wanted]
    else:
        keys = [t["key"] for t in store.find("targets")]
    classify_round(store, round_id, [key for key in keys if key not in assessed])
    finish_round(store, round_id, datetime.now(SHANGHAI))
    return store.find(
        "verdicts", {"round": round_id, "target_key": {"$in": keys}}, sort=[("kind", -1), ("target_key", 1)]
    )

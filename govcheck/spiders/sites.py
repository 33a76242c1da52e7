"""The website spider: availability probes, home page and column freshness of every site.

Thin on purpose: it makes the requests and hands the pages to the plain functions of
``govcheck.extract``; what the observations mean is decided by the rules engine.

    scrapy crawl sites -a round=2024-1 [-a as_of=2024-02-20] [-a targets=site:名称,…]
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from govcheck.extract.detail import extract_publish_date
from govcheck.extract.listing import ListEntry, ListPage, extract_list, loads_entries_by_script
from govcheck.fetch_errors import describe_error, describe_failure
from govcheck.items import ObservationItem
from govcheck.spiders.base import RoundSpider


# Error answers reach the callbacks (they are evidence); 3xx stay with the redirect middleware
# so that redirect loops end as such.
ERROR_STATUSES = list(range(400, 600))


class SitesSpider(RoundSpider):
    name = "sites"
    target_kind = "site"

    async def start(self) -> AsyncIterator[Any]:
        sites = self.load_targets()
        availability = self.profile.section("websites", "availability")
        probe_count = int(availability["probe_count"])
        interval = self.setting_or("GOVCHECK_PROBE_INTERVAL", availability["probe_interval_seconds"])
        self.probe_timeout = self.setting_or(
            "GOVCHECK_PROBE_TIMEOUT", availability["probe_timeout_seconds"]
        )
        self.logger.info("%d sites, %d probes each, as of %s", len(sites), probe_count, self.as_of)
        for site in sites:
            yield self.probe_request(site, 1)
            yield self.page_request(site, site["url"], kind="home", key="home")
            for column in site.get("columns") or []:
                yield self.page_request(site, column["url"], kind="column", key=column["name"], column=column)
        # Later probes are spaced so that one slow moment of a server is not read as an outage.
        for number in range(2, probe_count + 1 if sites else 0):
            await asyncio.sleep(interval)
            for site in sites:
                yield self.probe_request(site, number)

    # -- availability ------------------------------------------------------------------

    def probe_request(self, site: dict[str, Any], number: int) -> scrapy.Request:
        return scrapy.Request(
            site["url"],
            callback=self.parse_probe,
            errback=self.probe_failed,
            dont_filter=True,
            meta={
                "target_key": site["key"],
                "probe": number,
                "started_at": self.now(),
                "download_timeout": self.probe_timeout,
                "dont_retry": True,  # each probe is one visit, as the indicator counts them
                "handle_httpstatus_list": ERROR_STATUSES,
            },
        )

    def parse_probe(self, response: Response) -> ObservationItem:
        ok = 200 <= response.status < 300
        return self.probe_observation(
            response.meta, ok=ok, status=response.status, error="" if ok else f"HTTP {response.status}"
        )

    def probe_failed(self, failure: Failure) -> ObservationItem:
        return self.probe_observation(failure.request.meta, ok=False, status=None, error=describe_failure(failure))

    def probe_observation(self, meta: dict[str, Any], ok: bool, status: int | None, error: str) -> ObservationItem:
        fetched_at = self.now()
        return self.observation(
            meta["target_key"],
            "probe",
            f"probe-{meta['probe']}",
            url=self.targets[meta["target_key"]]["url"],
            fetched_at=fetched_at,
            ok=ok,
            status=status,
            error=error,
            elapsed_ms=round((fetched_at - meta["started_at"]).total_seconds() * 1000),
            timeout_seconds=self.probe_timeout,
        )

    # -- home page and columns --------------------------------------------------------

    def page_request(
        self,
        site: dict[str, Any],
        url: str,
        kind: str,
        key: str,
        column: dict[str, Any] | None = None,
        rendered: bool = False,
    ) -> scrapy.Request:
        render = rendered or bool(column and column.get("render"))
        meta: dict[str, Any] = {
            "target_key": site["key"],
            "kind": kind,
            "key": key,
            "column": column,
            "rendered": render,
            "handle_httpstatus_list": ERROR_STATUSES,
        }
        if render:
            # Columns marked splash are rendered by Playwright too until a Splash server is set.
            meta["playwright"] = True
            # Lists are filled by XHR after the load event: wait until the network is quiet.
            meta["playwright_page_methods"] = [PageMethod("wait_for_load_state", "networkidle")]
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.page_failed, dont_filter=True, meta=meta
        )

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        if not 200 <= response.status < 300:
            yield self.page_observation(meta, response.url, state="failed", status=response.status, error=f"HTTP {response.status}")
            return
        try:
            html = response.text
        except AttributeError:
            yield self.page_observation(meta, response.url, state="unparsed", status=response.status, error="not an HTML page")
            return
        column = meta["column"] or {}
        page = extract_list(html, response.url, self.as_of, column.get("selector") or None)
        if page.state == "unparsed" and not meta["rendered"] and loads_entries_by_script(html):
            # The list is filled by script: fetch it again in a real browser.
            site = self.targets[meta["target_key"]]
            yield self.page_request(site, response.url, meta["kind"], meta["key"], column or None, rendered=True)
            return
        if page.state == "entries" and page.newest is None:
            # The list shows no dates: read them where an inspector would, on the detail pages.
            details = await self.read_detail_dates(page.entries)
            yield self.page_observation(meta, response.url, status=response.status, page=page, details=details)
            return
        yield self.page_observation(meta, response.url, status=response.status, page=page)

    async def read_detail_dates(self, entries: tuple[ListEntry, ...]) -> list[dict[str, Any]]:
        """Publish dates of the first entries' detail pages: printed date, meta date, and both."""
        count = self.settings.getint("GOVCHECK_DETAIL_PAGES", 3)
        details = []
        for entry in entries[:count]:
            detail: dict[str, Any] = {"title": entry.title, "url": entry.url}
            try:
                response = await self.crawler.engine.download_async(scrapy.Request(entry.url, dont_filter=True))
                published = extract_publish_date(response.text, self.as_of)
            except Exception as error:  # a detail page we could not read tells nothing
                detail.update(date=None, error=describe_error(error))
            else:
                detail.update(
                    date=published.date,
                    visible=published.visible,
                    visible_text=published.visible_text,
                    meta=published.meta,
                    meta_name=published.meta_name,
                    disagree=published.disagree,
                    status=response.status,
                )
            details.append(detail)
        return details

    def page_failed(self, failure: Failure) -> ObservationItem:
        request = failure.request
        return self.page_observation(request.meta, request.url, state="failed", status=None, error=describe_failure(failure))

    def page_observation(
        self,
        meta: dict[str, Any],
        url: str,
        status: int | None,
        page: ListPage | None = None,
        state: str = "",
        error: str = "",
        details: list[dict[str, Any]] | None = None,
    ) -> ObservationItem:
        column = meta.get("column") or {}
        newest_date = page.newest.date if page and page.newest else None
        if details is not None:
            detail_dates = [d["date"] for d in details if d.get("date")]
            newest_date = max(detail_dates) if detail_dates else None
        data: dict[str, Any] = {
            "url": url,
            "fetched_at": self.now(),
            "status": status,
            "method": "detail" if details is not None else self.reading_method(meta),
            "state": page.state if page else state,
            "entries": self.evidence_entries(page),
            "newest_date": newest_date,
            "error": error,
        }
        if details is not None:
            data["detail_pages"] = details
        if meta["kind"] == "column":
            data.update(column_name=column.get("name", meta["key"]), column_type=column.get("type", "其他"))
        return self.observation(meta["target_key"], meta["kind"], meta["key"], **data)

    @staticmethod
    def reading_method(meta: dict[str, Any]) -> str:
        if meta.get("rendered"):
            return "rendered"
        column = meta.get("column") or {}
        return "selector" if column.get("selector") else "generic"

    def evidence_entries(self, page: ListPage | None) -> list[dict[str, Any]]:
        """The newest entries seen, newest first: what an auditor re-checks by hand."""
        if page is None:
            return []
        limit = self.settings.getint("GOVCHECK_EVIDENCE_ENTRIES", 5)
        oldest_first = datetime.min.replace(tzinfo=self.as_of.tzinfo)
        ordered = sorted(page.entries, key=lambda e: e.date or oldest_first, reverse=True)
        return [
            {"title": e.title, "url": e.url, "date": e.date, "date_text": e.date_text, "pinned": e.pinned}
            for e in ordered[:limit]
        ]

"""The availability job: one visit to every site's home page, added to the round's probe record.

《检查指标》 measures 站点无法访问 over a monitored week (at least 20 spaced visits a day); a
round's one-shot ``sites`` crawl cannot. So this light job runs on a schedule throughout the
monitoring window (cron or a systemd timer calling ``govcheck schedule --spider probes``) and
each run adds one ``probe`` observation per site under a key of its own,
``probe-<run time>`` (e.g. ``probe-20240214T103000.123``). The rules then compute the failure
ratio over every probe of the round once ``min_probes_for_ratio`` of the profile is reached.

    scrapy crawl probes -a round=2024-1 [-a as_of=2024-02-20] [-a targets=site:名称,…]

A visit is the same as the sites spider's probes: the profile's ``probe_timeout_seconds``
(or GOVCHECK_PROBE_TIMEOUT), no retry, the HTTP status or the network error recorded, a failure
without an answer counted only with a network witness. No browser is started: plain HTTP only.

The schedule spaces these visits (hourly, as in ``govcheck schedule``'s example): each run makes
one visit a site and asks for no other (``spaces_probes``). Until the week's visits reach
``min_probes_for_ratio``, they are judged with the round's own probes as one round's are: a site
fails 监测时间点无法访问 only when at least ``probe_count`` visits failed over at least
``probe_span_seconds`` (first to last failure); runs of the job an hour apart cover that span.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from govcheck.spiders.sites import SitesSpider


class ProbesSpider(SitesSpider):
    name = "probes"
    # Runs on its own schedule through the monitoring window, not in a round's crawl (govcheck run).
    in_round_crawl = False
    # Scrapy's own HTTP handlers (the base of DOWNLOAD_HANDLERS): a probe never needs Chromium.
    custom_settings = {"DOWNLOAD_HANDLERS": {}}
    # One visit a site per run: the schedule spaces the runs.
    spaces_probes = False

    async def start(self) -> AsyncIterator[Any]:
        sites = self.load_targets()
        self.prepare_probes()
        run = self.now()
        # Milliseconds: two runs never share a key, even when started by hand in quick succession.
        stamp = run.strftime("%Y%m%dT%H%M%S.") + f"{run.microsecond // 1000:03d}"
        self.logger.info("%d sites, one availability probe each (probe-%s)", len(sites), stamp)
        for site in sites:
            yield self.probe_request(site, stamp)

"""The demo round: the bundled replica websites served on loopback, inspected end to end."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from govcheck.cli import QUERY_COLUMNS, UserError, print_verdict_summary, write_rows
from govcheck.crawl import run_round
from govcheck.registry import import_targets
from govcheck.replica import ReplicaServer
from govcheck.replicas.targets import platform_settings, replica_routes, targets_document
from govcheck.store import SHANGHAI, Store

# The replica ships with the source checkout, beside the package.
DEFAULT_REPLICA = Path(__file__).resolve().parents[1] / "replica"
DEMO_ROUND = "2024-1"
DEMO_AS_OF = "2024-02-20"  # the notice's website monitoring time point (2月19日—2月20日)
DEMO_MEDIA_AS_OF = "2024-02-23"  # and its new-media one (2月23日)
# The replica is local: probes a second apart, short timeouts and no politeness delays keep
# the demo quick. A real round keeps the profile's and the settings' values.
DEMO_SETTINGS = {
    "GOVCHECK_PROBE_INTERVAL": 1,
    "GOVCHECK_PROBE_TIMEOUT": 5,
    "DOWNLOAD_TIMEOUT": 5,
    "RETRY_TIMES": 1,
    "GOVCHECK_PROGRESS_INTERVAL": 5,
    "DOUYIN_CAPTURE_TIMEOUT": 5,
    "DOUYIN_DOWNLOAD_DELAY": 0,
    "WECHAT_DOWNLOAD_DELAY": 0,
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 10_000,
}


def run_demo(out: Path, replica: Path | None = None) -> int:
    replica = (replica or DEFAULT_REPLICA).resolve()
    if not (replica / "sites" / "manifest.yaml").is_file():
        raise UserError(f"no replica at {replica}: is this a source checkout of govcheck?")
    out.mkdir(parents=True, exist_ok=True)
    store = Store.from_environment()
    print(f"demo: store: {store.description}")
    with ReplicaServer(replica / "sites", routes=replica_routes(replica)) as server:
        print(f"demo: replica websites and platforms served at {server.url}")
        targets_file = out / "targets.yaml"
        targets = targets_document(replica, server.url)
        targets_file.write_text(yaml.safe_dump(targets, allow_unicode=True, sort_keys=False), encoding="utf-8")
        print(import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI)).describe())
        settings = {**DEMO_SETTINGS, **platform_settings(server.url)}
        verdicts = run_round(store, DEMO_ROUND, DEMO_AS_OF, "national-2019", settings=settings, media_as_of_text=DEMO_MEDIA_AS_OF)
    print_verdict_summary(DEMO_ROUND, verdicts)
    columns = QUERY_COLUMNS["verdicts"]
    write_rows(verdicts, columns, "csv", out / f"verdicts-{DEMO_ROUND}.csv")
    findings = store.find("findings", {"round": DEMO_ROUND}, sort=[("target_key", 1), ("code", 1)])
    write_rows(findings, QUERY_COLUMNS["findings"], "json", out / f"findings-{DEMO_ROUND}.json")
    print(f"demo: results in {out.resolve()}")
    return 0

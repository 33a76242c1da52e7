"""The demo round: the bundled replica websites served on loopback, inspected end to end."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from govcheck.cli import QUERY_COLUMNS, UserError, print_verdict_summary, write_rows
from govcheck.crawl import run_round
from govcheck.registry import import_targets
from govcheck.replica import ReplicaServer
from govcheck.store import SHANGHAI, Store

# The replica ships with the source checkout, beside the package.
DEFAULT_REPLICA = Path(__file__).resolve().parents[1] / "replica"
DEMO_ROUND = "2024-1"
DEMO_AS_OF = "2024-02-20"  # the notice's website monitoring time point (2月19日—2月20日)
# Probes of the demo are a second apart: the replica is local and the demo should be quick.
DEMO_SETTINGS = {"GOVCHECK_PROBE_INTERVAL": 1, "GOVCHECK_PROBE_TIMEOUT": 5, "GOVCHECK_PROGRESS_INTERVAL": 5}


def run_demo(out: Path, replica: Path | None = None) -> int:
    replica = (replica or DEFAULT_REPLICA).resolve()
    template = replica / "demo" / "targets.yaml"
    if not template.is_file():
        raise UserError(f"no demo targets at {template}: is this a source checkout of govcheck?")
    out.mkdir(parents=True, exist_ok=True)
    store = Store.from_environment()
    print(f"demo: store: {store.description}")
    with ReplicaServer(replica / "sites") as server:
        print(f"demo: replica websites served at {server.url}")
        targets_file = out / "targets.yaml"
        targets_file.write_text(
            template.read_text(encoding="utf-8").replace("{replica}", server.url), encoding="utf-8"
        )
        print(import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI)).describe())
        verdicts = run_round(store, DEMO_ROUND, DEMO_AS_OF, "national-2019", settings=DEMO_SETTINGS)
    print_verdict_summary(DEMO_ROUND, verdicts)
    columns = QUERY_COLUMNS["verdicts"]
    write_rows(verdicts, columns, "csv", out / f"verdicts-{DEMO_ROUND}.csv")
    findings = store.find("findings", {"round": DEMO_ROUND}, sort=[("target_key", 1), ("code", 1)])
    write_rows(findings, QUERY_COLUMNS["findings"], "json", out / f"findings-{DEMO_ROUND}.json")
    print(f"demo: results in {out.resolve()}")
    return 0

"""A whole round over the replica websites, crawled over real HTTP, on both stores.

One crawl per store (module-scoped: a round takes seconds), then one test per behaviour.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck.replica import ReplicaServer
from govcheck.replicas.targets import site_rows
from govcheck.store import Store
from support import REPLICA, REPO, STORE_KINDS, open_store, store_environment

ROUND = "2024-1"
AS_OF = "2024-02-20"
# Probes a fraction of a second apart and short timeouts: the replica is local.
FAST_SETTINGS = {
    "GOVCHECK_PROBE_INTERVAL": "0.2",
    "GOVCHECK_PROBE_TIMEOUT": "5",
    "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
    "GOVCHECK_PROGRESS_INTERVAL": "1",
}
MANIFEST = yaml.safe_load((REPLICA / "sites" / "manifest.yaml").read_text(encoding="utf-8"))
BROKEN_SITES = [(site["name"], site["expected_error"]) for site in MANIFEST["misbehaving"]]


def targets_document(base_url: str) -> dict[str, list[dict[str, str]]]:
    """The replica's websites as an operator's targets file."""
    sites, columns = site_rows(REPLICA, base_url)
    return {"网站": sites, "栏目": columns}


def run_round(env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "govcheck.cli", "run", "--round", ROUND, "--as-of", AS_OF]
    for name, value in FAST_SETTINGS.items():
        command += ["--set", f"{name}={value}"]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=900)


@pytest.fixture(scope="module", params=STORE_KINDS)
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Imports the replica's targets, runs the round twice, returns the store and both runs."""
    folder = tmp_path_factory.mktemp(f"round-{request.param}")
    with store_environment(request.param, folder) as env, ReplicaServer(REPLICA / "sites") as server:
        targets_file = folder / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(server.url), allow_unicode=True), encoding="utf-8")
        imported = subprocess.run(
            [sys.executable, "-m", "govcheck.cli", "targets", "import", str(targets_file)],
            capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=120,
        )
        assert imported.returncode == 0, imported.stderr
        store = open_store(env)
        first = run_round(env)
        assert first.returncode == 0, first.stderr[-4000:]
        first_documents = snapshot(store)
        second = run_round(env)
        assert second.returncode == 0, second.stderr[-4000:]
        yield {"store": store, "first": first, "first_documents": first_documents, "second_documents": snapshot(store)}


def snapshot(store: Store) -> dict[str, Any]:
    return {
        "verdicts": store.find("verdicts", sort=[("target_key", 1)]),
        "findings": [(f["target_key"], f["code"], f["label"], f["severity"]) for f in store.find("findings", sort=[("target_key", 1), ("code", 1)])],
        "observation_keys": [(o["target_key"], o["kind"], o["key"]) for o in store.find("observations", sort=[("target_key", 1), ("kind", 1), ("key", 1)])],
    }


def verdict_of(crawled: dict[str, Any], name: str) -> dict[str, Any]:
    return crawled["store"].find_one("verdicts", {"round": ROUND, "name": name})


def manifest_sites() -> list[dict[str, Any]]:
    return MANIFEST["sites"]


def site_named(slug: str) -> dict[str, Any]:
    return next(site for site in manifest_sites() if site["slug"] == slug)


def test_every_registered_site_gets_a_verdict(crawled):
    names = {v["name"] for v in crawled["first_documents"]["verdicts"]}
    assert names == {s["name"] for s in manifest_sites()} | {name for name, _ in BROKEN_SITES}


def test_every_column_newest_date_matches_the_page(crawled):
    store = crawled["store"]
    for site in manifest_sites():
        for column in site["columns"]:
            observed = store.find_one("observations", {"round": ROUND, "target_key": f"site:{site['name']}", "kind": "column", "key": column["name"]})
            assert observed is not None, (site["slug"], column["name"])
            assert observed["state"] == column["expected_state"], (site["slug"], column["name"], observed.get("error"))
            newest = observed["newest_date"].date() if observed["newest_date"] else None
            expected = date.fromisoformat(str(column["expected_newest"])) if column.get("expected_newest") else None
            assert newest == expected, (site["slug"], column["name"])


def test_healthy_sites_answer_every_probe(crawled):
    broken = {f"site:{name}" for name, _ in BROKEN_SITES}
    probes = crawled["store"].find("observations", {"round": ROUND, "kind": "probe"})
    failed = [(p["target_key"], p["key"], p["error"], p["elapsed_ms"]) for p in probes if p["target_key"] not in broken and not p["ok"]]
    assert failed == []
    assert len(probes) == 3 * len(manifest_sites()) + 3 * len(BROKEN_SITES)


def test_a_fresh_site_passes_without_notes(crawled):
    verdict = verdict_of(crawled, site_named("fresh-trs")["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("合格", "")


def test_five_stale_columns_fail_the_site_as_the_notice_words_it(crawled):
    verdict = verdict_of(crawled, site_named("stale-hanweb")["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "多个栏目更新不及时")
    finding = crawled["store"].find_one("findings", {"round": ROUND, "target_key": verdict["target_key"], "label": "多个栏目更新不及时"})
    assert finding["rule"]["profile"] == "national-2019" and finding["rule"]["threshold"]
    assert finding["evidence"], "the stale columns with their URLs and dates"


def test_two_stale_columns_pass_with_the_note(crawled):
    verdict = verdict_of(crawled, site_named("few-stale")["name"])
    assert (verdict["verdict"], verdict["labels"]) == ("合格", "个别栏目更新不及时")


def test_a_site_that_never_answers_fails_at_the_monitoring_time_point(crawled):
    verdict = verdict_of(crawled, "韩城市财政局")
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "监测时间点无法访问")
    probes = crawled["store"].find("observations", {"round": ROUND, "target_key": "site:韩城市财政局", "kind": "probe"})
    assert [p["error"] for p in probes] == ["timeout"] * 3
    assert all(p["fetched_at"] and p["url"].endswith("/_hang/") and p["elapsed_ms"] >= 4000 for p in probes)


@pytest.mark.parametrize("name, error", BROKEN_SITES)
def test_failed_probes_record_why(crawled, name, error):
    verdict = verdict_of(crawled, name)
    probes = crawled["store"].find("observations", {"round": ROUND, "target_key": f"site:{name}", "kind": "probe"})
    assert [p["error"] for p in probes] == [error] * 3
    assert verdict["verdict"] == "不合格" and verdict["labels"] == "监测时间点无法访问"


def test_the_script_loaded_column_is_read_in_a_real_browser(crawled):
    site = site_named("script-column")
    column = next(c for c in site["columns"] if c.get("render") or "script" in c["path"] or c["name"])
    observations = crawled["store"].find("observations", {"round": ROUND, "target_key": f"site:{site['name']}", "kind": "column"})
    rendered = [o for o in observations if o["method"] == "rendered"]
    assert rendered and all(o["state"] == "entries" for o in rendered), observations


def test_rerunning_the_round_gives_the_same_documents(crawled):
    first, second = crawled["first_documents"], crawled["second_documents"]
    strip = lambda verdicts: [{k: v for k, v in d.items() if k not in ("as_of",)} for d in verdicts]  # noqa: E731
    assert strip(first["verdicts"]) == strip(second["verdicts"])
    assert first["findings"] == second["findings"]
    assert first["observation_keys"] == second["observation_keys"]


def test_the_run_prints_progress_and_a_summary(crawled):
    assert "targets, " in crawled["first"].stderr  # progress lines from the crawl's log
    assert f"round {ROUND}:" in crawled["first"].stdout


def test_operators_can_crawl_one_site_with_scrapy_itself(tmp_path, replica_sites):
    """``scrapy crawl sites`` starts the round, inspects only the named target and assesses it."""
    with store_environment("embedded", tmp_path) as env:
        targets_file = tmp_path / "targets.yaml"
        targets_file.write_text(yaml.safe_dump(targets_document(replica_sites.url), allow_unicode=True), encoding="utf-8")
        store = open_store(env)
        from datetime import datetime

        from govcheck.registry import import_targets
        from govcheck.store import SHANGHAI

        import_targets(store, targets_file, imported_at=datetime.now(SHANGHAI))
        fresh = site_named("fresh-trs")["name"]
        command = [sys.executable, "-m", "scrapy", "crawl", "sites", "-a", "round=2024-1", "-a", f"as_of={AS_OF}", "-a", f"targets={fresh}"]
        for name, value in FAST_SETTINGS.items():
            command += ["-s", f"{name}={value}"]

        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=300)

        assert result.returncode == 0, result.stderr[-3000:]
        assert [v["name"] for v in store.find("verdicts")] == [fresh], result.stderr[-3000:]
        assert store.get_round("2024-1")["as_of"].isoformat() == "2024-02-20T23:59:59+08:00"
        assert {o["target_key"] for o in store.find("observations")} == {f"site:{fresh}"}

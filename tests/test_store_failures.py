"""The store failing under a round: a full disk stops the crawl at the first refused write with the
file and the cause; a read-only store still answers queries and reports. On a real small file
system (tmpfs) where the machine allows mounting one, else on a file-size limit
(RLIMIT_FSIZE) or a folder without write permission."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from govcheck_demo.replicas.targets import site_rows
from govcheck.store import Store, StoreWriteError
from seed_round import ROUND as SEEDED_ROUND, store_round
from support import REPLICA, REPO, govcheck, open_store

ROUND = "2024-1"
SITES = ["渭南市发展和改革委员会", "东岭县人民政府"]


@contextlib.contextmanager
def small_file_system(folder: Path, size: str = "8m") -> Iterator[bool]:
    """A tmpfs of ``size`` at ``folder`` when this machine lets us mount one (True), else the
    folder as it is (False: the test falls back on a file-size limit or permissions)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    ).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> None:
    """Takes every free byte of the file system holding ``folder``."""
    with open(folder / "filler", "wb") as filler:
        with contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * (64 * 1024))
                filler.flush()


def file_size_limit(limit: int):
    """For a child process: files it writes may grow to ``limit`` bytes (Python ignores
    SIGXFSZ, so a write beyond fails with EFBIG, which SQLite reports as a full disk)."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def import_sites(env: dict[str, str], folder: Path, base_url: str) -> None:
    sites, columns = site_rows(REPLICA, base_url)
    path = folder / "targets.yaml"
    path.write_text(yaml.safe_dump({"网站": [s for s in sites if s["网站名称"] in SITES],
                                    "栏目": [c for c in columns if c["网站名称"] in SITES]}, allow_unicode=True), encoding="utf-8")
    imported = govcheck(env, "targets", "import", str(path))
    assert imported.returncode == 0, imported.stderr


@pytest.mark.browser
@pytest.mark.slow
def test_a_full_disk_stops_the_round_at_the_first_refused_write_naming_the_file(tmp_path, replica_sites):
    data = tmp_path / "full"
    with small_file_system(data) as mounted:
        env = {"GOVCHECK_DATA_DIR": str(data / "var"), "GOVCHECK_MONGO_URI": ""}
        import_sites(env, tmp_path, replica_sites.url)
        store = open_store(env)
        arguments = [sys.executable, "-m", "govcheck.cli", "run", "--round", ROUND, "--as-of", "2024-02-20", "--spider", "sites"]
        # probes far apart: without the stop the crawl would last a minute
        for setting in ("GOVCHECK_PROBE_INTERVAL=30", "GOVCHECK_PROBE_TIMEOUT=5", "DOWNLOAD_TIMEOUT=5", "RETRY_TIMES=0"):
            arguments += ["--set", setting]
        started = time.monotonic()
        if mounted:  # the disk fills up once the crawl has stored its first observations
            process = subprocess.Popen(arguments, cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while store.count("observations", {"round": ROUND}) == 0:
                assert process.poll() is None, process.communicate()[1][-3000:]
                time.sleep(0.1)
            fill(data)
            out, err = process.communicate(timeout=120)
            returncode = process.returncode
        else:  # no mount here: the store's files may not grow beyond a few pages more
            limit = sum(f.stat().st_size for f in (data / "var").iterdir()) + 48 * 1024
            done = subprocess.run(arguments, cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True,
                                  timeout=300, preexec_fn=file_size_limit(limit))
            returncode, err = done.returncode, done.stderr
        elapsed = time.monotonic() - started

    sqlite_file = data / "var" / "govcheck.sqlite"
    assert returncode == 1, err[-3000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"govcheck: round {ROUND} stopped at the first write the store refused: {sqlite_file}: ")
    # a full file system is SQLite's "database or disk is full"; a file over its size limit (EFBIG) its "disk I/O error"
    assert last.endswith("database or disk is full" if mounted else ("database or disk is full", "disk I/O error"))
    assert "Traceback" not in err and "sqlite3.OperationalError" not in err, err[-6000:]
    assert "Closing spider (store_failed)" in err and elapsed < 60  # not after every probe of the crawl


def test_a_store_that_refuses_writes_says_where_and_why_and_writes_nothing_half(tmp_path):
    data = tmp_path / "store"
    with small_file_system(data, size="256k") as mounted:
        if not mounted:
            pytest.skip("a full file system needs a tmpfs here")
        store = Store.open(None, data / "var")
        store.upsert("targets", {"key": "site:甲", "kind": "site", "name": "甲"})
        fill(data)
        with pytest.raises(StoreWriteError) as refused:
            store.upsert_many("targets", [{"key": f"site:{n}", "kind": "site", "name": str(n), "notes": "x" * 2000} for n in range(200)])
        assert str(refused.value).startswith(f"{data / 'var' / 'govcheck.sqlite'}: ") and "full" in str(refused.value)
        assert [t["key"] for t in store.find("targets")] == ["site:甲"]


@contextlib.contextmanager
def read_only_store(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A store with the seeded Weinan rounds, then made read-only: a tmpfs remounted read-only
    when the machine allows it, else a folder and file without write permission (root ignores
    those, so as root without mounts the test is skipped)."""
    data = tmp_path / "ro"
    with small_file_system(data, size="32m") as mounted:
        env = {"GOVCHECK_DATA_DIR": str(data / "var"), "GOVCHECK_MONGO_URI": ""}
        store = open_store(env)
        store_round(store)
        store._backend.close()
        if mounted:
            assert subprocess.run(["mount", "-o", "remount,ro", str(data)], capture_output=True).returncode == 0
        elif os.geteuid() == 0:
            pytest.skip("root writes through permissions, and this machine does not let us mount a read-only file system")
        else:
            for path in (data / "var").iterdir():
                path.chmod(0o444)
            (data / "var").chmod(0o555)
        try:
            yield env
        finally:
            if not mounted:
                (data / "var").chmod(0o755)


@pytest.mark.slow
def test_a_read_only_store_still_answers_queries_and_reports(tmp_path):
    with read_only_store(tmp_path) as env:
        query = govcheck(env, "query", "--round", SEEDED_ROUND, "--filter", '{"verdict": "不合格"}', "--format", "json")
        assert query.returncode == 0, query.stderr
        assert len(yaml.safe_load(query.stdout)) == 4 + 33
        rounds = govcheck(env, "query", "--collection", "rounds")
        assert rounds.returncode == 0 and SEEDED_ROUND in rounds.stdout
        out = tmp_path / "reports"
        report = govcheck(env, "report", "--round", SEEDED_ROUND, "--out", str(out))
        assert report.returncode == 0, report.stderr
        assert sorted(p.name for p in out.iterdir()) == [f"notice-{SEEDED_ROUND}.docx", f"report-{SEEDED_ROUND}.html", f"report-{SEEDED_ROUND}.xlsx"]

        register = tmp_path / "targets.yaml"
        register.write_text(yaml.safe_dump({"网站": [{"网站名称": "甲", "网址": "http://127.0.0.1:9/", "网站类别": "县级部门网站"}]},
                                           allow_unicode=True), encoding="utf-8")
        for arguments in (["targets", "import", str(register)], ["run", "--round", "2024-2", "--as-of", "2024-05-20"]):
            refused = govcheck(env, *arguments)
            assert refused.returncode == 1, refused.stderr
            assert f"{tmp_path / 'ro' / 'var' / 'govcheck.sqlite'}: the store is read-only" in refused.stderr.splitlines()[-1], refused.stderr
            assert "Traceback" not in refused.stderr

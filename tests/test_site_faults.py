"""Columns that fail the way real servers fail end in 待人工复核 with the reason, never 不合格.

Each faulty site has a healthy home page (its probes succeed) and one faulty 动态要闻 column;
only the availability rule itself may fail a site.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from govcheck.replica import ReplicaServer
from support import REPLICA, govcheck, open_store, store_environment

HEALTHY_HOME = "/fresh-trs/"
# name → (column path on the replica server, what the observation says went wrong)
FAULTY_COLUMNS = {
    "渭南市截断局": ("/_truncate/fresh-trs/xwzx/dtyw/", "connection reset"),
    "渭南市重置局": ("/_reset/fresh-trs/xwzx/dtyw/", "connection reset"),
    "渭南市挂起局": ("/_hang/fresh-trs/xwzx/dtyw/", "timeout"),
    "渭南市茶壶局": ("/_teapot/fresh-trs/xwzx/dtyw/", "HTTP 418"),
    "渭南市回环局": ("/_loop/0", "redirect loop"),
    "渭南市错码局": ("/_mislabel/gbk-site/gzdt/", None),  # GBK bytes labelled utf-8: read or reviewed
}
SETTINGS = {"GOVCHECK_PROBE_INTERVAL": "0.2", "GOVCHECK_PROBE_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1"}


@pytest.fixture(scope="module")
def round_with_faults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("faults")
    with store_environment("embedded", folder) as env, ReplicaServer(REPLICA / "sites") as server:
        register = {
            "网站": [
                {"网站名称": name, "网址": server.url + HEALTHY_HOME, "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": name}
                for name in FAULTY_COLUMNS
            ],
            "栏目": [
                {"网站名称": name, "栏目名称": "工作动态", "栏目地址": server.url + path, "栏目类型": "动态要闻"}
                for name, (path, _) in FAULTY_COLUMNS.items()
            ],
        }
        (folder / "targets.yaml").write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
        imported = govcheck(env, "targets", "import", str(folder / "targets.yaml"))
        assert imported.returncode == 0, imported.stderr
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites"]
        for name, value in SETTINGS.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=600)
        yield {"run": run, "store": open_store(env)}


def test_the_round_completes(round_with_faults):
    assert round_with_faults["run"].returncode == 0, round_with_faults["run"].stderr[-3000:]


@pytest.mark.parametrize("name", FAULTY_COLUMNS)
def test_a_faulty_column_never_fails_its_site(round_with_faults, name):
    verdict = round_with_faults["store"].find_one("verdicts", {"target_key": f"site:{name}"})
    assert verdict["verdict"] in ("合格", "待人工复核"), verdict


@pytest.mark.parametrize("name", [n for n, (_, error) in FAULTY_COLUMNS.items() if error])
def test_the_reason_names_what_went_wrong(round_with_faults, name):
    store = round_with_faults["store"]
    column = store.find_one("observations", {"target_key": f"site:{name}", "kind": "column"})
    verdict = store.find_one("verdicts", {"target_key": f"site:{name}"})
    expected = FAULTY_COLUMNS[name][1]

    assert column["state"] == "failed" and column["error"] == expected
    assert verdict["verdict"] == "待人工复核" and expected in verdict["labels"]


def test_probes_of_the_healthy_home_pages_all_succeeded(round_with_faults):
    probes = round_with_faults["store"].find("observations", {"kind": "probe"})
    assert len(probes) == 3 * len(FAULTY_COLUMNS) and all(p["ok"] for p in probes)

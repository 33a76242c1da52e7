"""Importing the register through the command line, on both stores: all or nothing, by key."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from support import govcheck, open_store
from tablefiles import write_xlsx

SITE_HEADER = ["网站名称", "网址", "网站类别", "区县", "主办单位"]
COLUMN_HEADER = ["网站名称", "栏目名称", "栏目地址", "栏目类型", "渲染方式", "选择器"]
ACCOUNT_HEADER = ["账号名称", "平台", "账号类型", "账号ID", "主办单位", "区县", "互动入口"]
MANUAL_HEADER = ["账号名称", "平台", "最新发布时间", "最近原创时间", "当前名称", "互动入口状态", "截图文件", "检查人"]


def register(path: Path, sites: list[list], accounts: list[list] | None = None, columns: list[list] | None = None) -> Path:
    return write_xlsx(path, {
        "网站": [SITE_HEADER, *sites],
        "栏目": [COLUMN_HEADER, *(columns or [])],
        "新媒体": [ACCOUNT_HEADER, *(accounts or [])],
    })


MINZHENG = ["渭南市民政局", "http://mzj.weinan.gov.cn/", "市政府工作部门及派出机构网站", "渭南市", "渭南市民政局"]
CAIZHENG = ["韩城市财政局", "http://czj.hancheng.gov.cn/", "县级部门网站", "韩城市", "韩城市财政局"]
ERHUANG = ["渭南二黄", "微信", "微信订阅号", "gh_weinanerhuang", "渭南市文化和旅游局", "渭南市", "http://127.0.0.1:9/menu"]


def test_an_excel_register_with_three_sheets_imports(store_location, tmp_path):
    path = register(tmp_path / "targets.xlsx", [MINZHENG, CAIZHENG], [ERHUANG],
                    [["渭南市民政局", "通知公告", "http://mzj.weinan.gov.cn/tzgg/", "通知公告", "", ""]])

    result = govcheck(store_location, "targets", "import", str(path))

    assert result.returncode == 0, result.stderr
    assert "3 targets added, 0 updated" in result.stdout
    stored = {t["key"]: t for t in open_store(store_location).find("targets")}
    assert set(stored) == {"site:渭南市民政局", "site:韩城市财政局", "account:微信:渭南二黄"}
    assert stored["site:渭南市民政局"]["columns"][0]["type"] == "通知公告"
    assert stored["site:渭南市民政局"]["source"] == {"file": "targets.xlsx", "sheet": "网站", "row": 2}


def test_a_broken_register_imports_nothing_and_locates_every_problem(store_location, tmp_path):
    good = register(tmp_path / "good.xlsx", [MINZHENG])
    assert govcheck(store_location, "targets", "import", str(good)).returncode == 0
    broken = register(
        tmp_path / "broken.xlsx",
        [CAIZHENG, ["韩城市水务局", "", "县级部门网站", "韩城市", "韩城市水务局"]],
        [["韩城发布", "快手", "快手号", "hc", "韩城市委宣传部", "韩城市", ""]],
        [["韩城市交通局", "通知公告", "http://jtj.hancheng.gov.cn/tzgg/", "通知公告", "", ""]],
    )

    result = govcheck(store_location, "targets", "import", str(broken))

    assert result.returncode == 1
    assert "nothing imported" in result.stderr and "Traceback" not in result.stderr
    assert "broken.xlsx, 工作表 网站, 第 3 行, 列 网址" in result.stderr
    assert "broken.xlsx, 工作表 新媒体, 第 2 行, 列 平台" in result.stderr
    assert "broken.xlsx, 工作表 栏目, 第 2 行, 列 网站名称" in result.stderr
    keys = [t["key"] for t in open_store(store_location).find("targets")]
    assert keys == ["site:渭南市民政局"], "the valid rows of a broken file are not imported either"


def test_reimport_updates_by_name_and_keeps_targets_missing_from_the_file(store_location, tmp_path):
    govcheck(store_location, "targets", "import", str(register(tmp_path / "first.xlsx", [MINZHENG, CAIZHENG])))
    moved = [*MINZHENG[:1], "https://mzj.weinan.gov.cn/", *MINZHENG[2:]]

    result = govcheck(store_location, "targets", "import", str(register(tmp_path / "second.xlsx", [moved])))

    assert result.returncode == 0, result.stderr
    assert "0 targets added, 1 updated" in result.stdout
    assert "1 stored targets are not in this file and were kept" in result.stdout and "site:韩城市财政局" in result.stdout
    stored = {t["key"]: t for t in open_store(store_location).find("targets")}
    assert stored["site:渭南市民政局"]["url"] == "https://mzj.weinan.gov.cn/"
    assert "site:韩城市财政局" in stored


def test_an_inspectors_observation_is_judged_by_the_same_rules(store_location, tmp_path):
    account = ["华阴文化", "微信", "微信订阅号", "gh_huayinwenhua", "华阴市文化和旅游局", "华阴市", ""]
    govcheck(store_location, "targets", "import", str(register(tmp_path / "targets.xlsx", [], [account])))
    store = open_store(store_location)
    from govcheck.rounds import parse_as_of, start_round
    from govcheck.store import SHANGHAI

    start_round(store, "2024-1", parse_as_of("2024-02-23"), "national-2019", datetime.now(SHANGHAI))
    observed = write_xlsx(tmp_path / "observed.xlsx", {"人工观察": [
        MANUAL_HEADER,
        ["华阴文化", "微信", "2024-02-21 09:00", "2024-02-21", "华阴文旅", "正常", "shots/huayin.png", "张三"],
    ]})

    result = govcheck(store_location, "observe", "import", str(observed), "--round", "2024-1")

    assert result.returncode == 0, result.stderr
    verdict = store.find_one("verdicts", {"round": "2024-1", "target_key": "account:微信:华阴文化"})
    assert (verdict["verdict"], verdict["labels"]) == ("不合格", "已改名(华阴文旅)系统中未改名")
    finding = store.find_one("findings", {"round": "2024-1", "code": "media.renamed"})
    assert finding["evidence"], "the inspector's observation is the evidence"


def test_rerunning_a_round_with_another_monitoring_time_point_is_refused(store_location, tmp_path):
    govcheck(store_location, "targets", "import", str(register(tmp_path / "t.xlsx", [])))
    first = govcheck(store_location, "run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites")
    second = govcheck(store_location, "run", "--round", "2024-1", "--as-of", "2024-02-21", "--spider", "sites")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 1
    assert "a re-run must use the same as_of" in second.stderr and "Traceback" not in second.stderr


def unstorable_register(monkeypatch) -> None:
    """The register as read holds a document the store cannot encode after a valid one."""
    import govcheck.registry

    documents = [
        {"key": "site:渭南市民政局", "kind": "site", "name": "渭南市民政局", "url": "http://mzj.weinan.gov.cn/", "columns": []},
        {"key": "account:微博:示例", "kind": "account", "name": "示例\ud83d发布", "platform": "微博"},
    ]
    monkeypatch.setattr(govcheck.registry, "load_targets", lambda path, allowed_networks=None: documents)


def test_a_register_the_store_refuses_writes_none_of_its_targets(store, tmp_path, monkeypatch):
    from govcheck.registry import import_targets
    from govcheck.store import SHANGHAI

    unstorable_register(monkeypatch)
    with pytest.raises(Exception):  # noqa: B017 (the embedded store and MongoDB refuse it with errors of their own)
        import_targets(store, tmp_path / "targets.yaml", datetime.now(SHANGHAI))
    assert store.find("targets") == [], "the targets before the refused one are not stored either"


def test_a_store_failure_of_an_import_is_one_line_without_a_traceback(store_location, tmp_path, monkeypatch, capsys):
    from govcheck.cli import main

    for name, value in store_location.items():
        monkeypatch.setenv(name, value)
    unstorable_register(monkeypatch)

    assert main(["targets", "import", str(tmp_path / "targets.yaml")]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"govcheck: {tmp_path / 'targets.yaml'}: import failed")
    assert open_store(store_location).find("targets") == []


def test_a_cut_emoji_in_a_yaml_register_is_a_located_problem_and_imports_nothing(store_location, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(json.dumps({"新媒体": [
        {"账号名称": "渭南发布", "平台": "微信", "账号类型": "微信订阅号"},
        {"账号名称": "示例\ud83d发布", "平台": "微博", "账号类型": "新浪微博"},
    ]}), encoding="utf-8")

    result = govcheck(store_location, "targets", "import", str(path))

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "targets.yaml, 工作表 新媒体, 第 2 条, 列 账号名称: 含有无法保存的字符 \\ud83d" in result.stderr
    assert open_store(store_location).find("targets") == []


def stored_columns(store_location) -> dict[str, list[str]]:
    return {t["name"]: [c["name"] for c in t["columns"]]
            for t in open_store(store_location).find("targets", {"kind": "site"})}


def test_a_register_without_a_column_sheet_keeps_the_stored_columns(store_location, tmp_path):
    tzgg = ["渭南市民政局", "通知公告", "http://mzj.weinan.gov.cn/tzgg/", "通知公告", "", ""]
    first = register(tmp_path / "first.xlsx", [MINZHENG], columns=[tzgg])
    assert govcheck(store_location, "targets", "import", str(first)).returncode == 0
    moved = [*MINZHENG[:1], "https://mzj.weinan.gov.cn/", *MINZHENG[2:]]
    no_column_sheet = write_xlsx(tmp_path / "second.xlsx", {"网站": [SITE_HEADER, moved, CAIZHENG],
                                                            "新媒体": [ACCOUNT_HEADER, ERHUANG]})

    result = govcheck(store_location, "targets", "import", str(no_column_sheet))

    assert result.returncode == 0, result.stderr
    assert stored_columns(store_location) == {"渭南市民政局": ["通知公告"], "韩城市财政局": []}
    stored = open_store(store_location).find_one("targets", {"key": "site:渭南市民政局"})
    assert stored["url"] == "https://mzj.weinan.gov.cn/", "the rest of the site is updated"


def test_a_column_sheet_without_rows_for_a_site_clears_its_columns(store_location, tmp_path):
    tzgg = ["渭南市民政局", "通知公告", "http://mzj.weinan.gov.cn/tzgg/", "通知公告", "", ""]
    zcwj = ["韩城市财政局", "政策文件", "http://czj.hancheng.gov.cn/zcwj/", "政策文件", "", ""]
    both = register(tmp_path / "both.xlsx", [MINZHENG, CAIZHENG], columns=[tzgg, zcwj])
    assert govcheck(store_location, "targets", "import", str(both)).returncode == 0

    only_one = register(tmp_path / "one.xlsx", [MINZHENG, CAIZHENG], columns=[zcwj])
    assert govcheck(store_location, "targets", "import", str(only_one)).returncode == 0
    assert stored_columns(store_location) == {"渭南市民政局": [], "韩城市财政局": ["政策文件"]}

    empty_sheet = register(tmp_path / "empty.xlsx", [MINZHENG, CAIZHENG], columns=[])
    assert govcheck(store_location, "targets", "import", str(empty_sheet)).returncode == 0
    assert stored_columns(store_location) == {"渭南市民政局": [], "韩城市财政局": []}


def test_observations_for_a_round_whose_profile_cannot_be_loaded_are_not_stored(store_location, tmp_path):
    account = ["华阴文化", "微信", "微信订阅号", "gh_huayinwenhua", "华阴市文化和旅游局", "华阴市", ""]
    govcheck(store_location, "targets", "import", str(register(tmp_path / "targets.xlsx", [], [account])))
    from govcheck.rounds import parse_as_of
    from govcheck.store import SHANGHAI

    store = open_store(store_location)
    as_of = parse_as_of("2024-02-23")
    # a round started from another folder with a relative profile path
    store.save_round({"round": "2024-1", "as_of": as_of, "media_as_of": as_of, "profile": "weinan.yaml",
                      "started_at": datetime.now(SHANGHAI), "status": "finished"})
    observed = write_xlsx(tmp_path / "observed.xlsx", {"人工观察": [
        MANUAL_HEADER,
        ["华阴文化", "微信", "2024-02-21 09:00", "2024-02-21", "华阴文旅", "正常", "", "张三"],
    ]})

    result = govcheck(store_location, "observe", "import", str(observed), "--round", "2024-1")

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "weinan.yaml does not exist" in result.stderr and "nothing imported" in result.stderr
    assert store.find("observations") == [] and store.find("verdicts") == []

"""Inspectors' own observations of new-media accounts, imported from their table."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govcheck.manual import INTERACTION_STATES, load_manual_observations, parse_time
from govcheck.table_reader import TableFileError

try:
    from tablefiles import write_csv, write_xlsx, write_yaml
except ImportError:  # tests/ made a package
    from tests.tablefiles import write_csv, write_xlsx, write_yaml

SH = ZoneInfo("Asia/Shanghai")
HEADER = ["账号名称", "平台", "最新发布时间", "最近原创时间", "当前名称", "互动入口状态", "截图文件", "检查人"]
KNOWN = {"account:微信:渭南发布", "account:微博:渭南发布", "account:抖音:蒲城发布", "account:微信:华州发布"}


def observation_rows() -> list[list]:
    return [
        HEADER,
        ["渭南发布", "微信", "2024-02-19 10:30", "2024/2/3", "渭南发布", "正常", "shots/wnfb-wx.png", "张三"],
        ["渭南发布", "微博", dt.datetime(2024, 2, 18, 21, 5), "无", "渭南发布", "链接有误", "", "李四"],
        ["蒲城发布", "抖音", "2024年1月5日", "", "", "无", "", "王五"],
        ["\u3000华州发布\n", "微信", "", "", "搜索不到", "", "", "张三"],
    ]


def base(**fields) -> dict:
    doc = {"kind": "account", "key": "account", "source": "manual", "manual": True,
           "found": True, "fetched_at": None, "screenshot": ""}
    doc.update(fields)
    return doc


EXPECTED = [
    base(target_key="account:微信:渭南发布", current_name="渭南发布",
         latest_post_at=dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH),
         latest_original_at=dt.datetime(2024, 2, 3, tzinfo=SH), originals_known=True,
         interaction={"state": "ok", "url": ""}, screenshot="shots/wnfb-wx.png", inspector="张三"),
    base(target_key="account:微博:渭南发布", current_name="渭南发布",
         latest_post_at=dt.datetime(2024, 2, 18, 21, 5, tzinfo=SH),
         latest_original_at=None, originals_known=True,          # 无: no original post seen
         interaction={"state": "broken", "url": ""}, inspector="李四"),
    base(target_key="account:抖音:蒲城发布", current_name=None,
         latest_post_at=dt.datetime(2024, 1, 5, tzinfo=SH),
         latest_original_at=None, originals_known=False,         # blank: not looked at
         interaction={"state": "missing", "url": ""}, inspector="王五"),
    base(target_key="account:微信:华州发布", found=False, current_name=None,
         latest_post_at=None, latest_original_at=None, originals_known=False,
         interaction={"state": "unknown", "url": ""}, inspector="张三"),
]


@pytest.mark.parametrize("fmt", ["xlsx", "xlsx-only-sheet", "csv", "csv-gbk", "yaml"])
def test_observations_import_in_every_format(tmp_path, fmt):
    rows = observation_rows()
    text_rows = [rows[0]] + [[c.strftime("%Y-%m-%d %H:%M") if isinstance(c, dt.datetime) else c
                              for c in row] for row in rows[1:]]
    writers = {
        "xlsx": lambda: write_xlsx(tmp_path / "obs.xlsx", {"说明": [["填表说明"]], "人工观察": rows}),
        "xlsx-only-sheet": lambda: write_xlsx(tmp_path / "obs.xlsx", {"Sheet1": rows}),
        "csv": lambda: write_csv(tmp_path / "obs.csv", {"人工观察": text_rows}, sheet_column=False),
        "csv-gbk": lambda: write_csv(tmp_path / "obs.csv", {"人工观察": text_rows}, sheet_column=False,
                                     encoding="gbk"),
        "yaml": lambda: write_yaml(tmp_path / "obs.yaml", {"人工观察": text_rows}),
    }
    assert load_manual_observations(writers[fmt](), KNOWN) == EXPECTED


def test_a_yaml_file_may_be_just_the_list_of_rows(tmp_path):
    path = tmp_path / "obs.yaml"
    path.write_text("- {账号名称: 渭南发布, 平台: 微信, 最新发布时间: 2024-02-19 10:30:00, 检查人: 张三}\n",
                    encoding="utf-8")
    (doc,) = load_manual_observations(path, KNOWN)
    assert doc["target_key"] == "account:微信:渭南发布"
    assert doc["latest_post_at"] == dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)
    assert doc["interaction"] == {"state": "unknown", "url": ""}    # left blank: 未检查


def test_observations_carry_no_round(tmp_path):
    docs = load_manual_observations(write_xlsx(tmp_path / "obs.xlsx", {"人工观察": observation_rows()}), KNOWN)
    assert all("round" not in d for d in docs)


@pytest.mark.parametrize("text, expected", [
    ("2024-02-19", dt.datetime(2024, 2, 19, tzinfo=SH)),
    ("2024-02-19 10:30", dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)),
    ("2024-02-19 10:30:15", dt.datetime(2024, 2, 19, 10, 30, 15, tzinfo=SH)),
    ("2024-02-19T10:30:00", dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)),
    ("2024/2/19", dt.datetime(2024, 2, 19, tzinfo=SH)),
    ("2024/2/19 9:05", dt.datetime(2024, 2, 19, 9, 5, tzinfo=SH)),
    ("2024年2月19日", dt.datetime(2024, 2, 19, tzinfo=SH)),
    ("2024年2月19日 10:30", dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)),
    ("2024年2月19日10时30分", dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)),
    ("2024-02-19T02:30:00Z", dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)),        # same instant
    ("2024-02-19 10:30:00+08:00", dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)),
])
def test_times_are_read_in_the_forms_inspectors_write_as_shanghai_time(text, expected):
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize("text", ["2月19日", "2024-02-30", "昨天", "19/02/2024", "2024-02-19 25:00"])
def test_other_time_forms_are_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_excel_date_cells_become_shanghai_times(tmp_path):
    rows = observation_rows()[:2]
    rows[1][2] = dt.datetime(2024, 2, 19, 10, 30)
    rows[1][3] = dt.date(2024, 2, 3)
    (doc,) = load_manual_observations(write_xlsx(tmp_path / "obs.xlsx", {"人工观察": rows}), KNOWN)
    assert doc["latest_post_at"] == dt.datetime(2024, 2, 19, 10, 30, tzinfo=SH)
    assert doc["latest_original_at"] == dt.datetime(2024, 2, 3, tzinfo=SH)


def test_interaction_states_are_the_four_words_of_the_form():
    assert INTERACTION_STATES == {"正常": "ok", "无": "missing", "链接有误": "broken", "未检查": "unknown"}


def test_every_problem_is_reported_where_it_is(tmp_path):
    rows = [
        HEADER,
        ["渭南发布", "微信", "2024-02-19", "", "渭南发布", "正常", "", "张三"],
        ["渭南日报", "微信", "2024-02-19", "", "", "正常", "", "张三"],          # not a target
        ["渭南发布", "微博", "2月19日", "上周", "", "正常", "", "李四"],         # two bad times
        ["蒲城发布", "抖音", "2024-01-05", "", "", "坏了", "", "王五"],          # unknown state
        ["华州发布", "微信", "2024-01-05", "", "", "正常", "", ""],              # no inspector
        ["渭南发布", "快手", "2024-01-05", "", "", "正常", "", "张三"],          # unknown platform
        ["渭南发布", "微信", "2024-02-20", "", "", "正常", "", "张三"],          # same account again
    ]
    with pytest.raises(TableFileError) as exc:
        load_manual_observations(write_xlsx(tmp_path / "obs.xlsx", {"人工观察": rows}), KNOWN)
    problems = exc.value.problems
    assert [(p.file, p.sheet, p.row, p.column) for p in problems] == [
        ("obs.xlsx", "人工观察", 3, "账号名称"),
        ("obs.xlsx", "人工观察", 4, "最新发布时间"),
        ("obs.xlsx", "人工观察", 4, "最近原创时间"),
        ("obs.xlsx", "人工观察", 5, "互动入口状态"),
        ("obs.xlsx", "人工观察", 6, "检查人"),
        ("obs.xlsx", "人工观察", 7, "平台"),
        ("obs.xlsx", "人工观察", 8, "账号名称"),
    ]
    assert problems[0].message == "微信 账号 渭南日报 不在检查对象中"
    assert "2月19日" in problems[1].message and "2024-02-19" in problems[1].message
    assert problems[3].message == "坏了 不是有效值，应为 正常、无、链接有误、未检查 之一"
    assert problems[4].message == "不能为空"
    assert problems[6].message == "微信 账号 渭南发布 与第 2 行重复"
    assert len(str(exc.value).splitlines()) == 7


def test_a_missing_header_column_is_reported_once(tmp_path):
    rows = [[c for c in row if c is not None] for row in observation_rows()]
    rows = [row[:7] for row in rows]                               # 检查人 column left out
    with pytest.raises(TableFileError) as exc:
        load_manual_observations(write_xlsx(tmp_path / "obs.xlsx", {"人工观察": rows}), KNOWN)
    assert [(p.sheet, p.row, p.column, p.message) for p in exc.value.problems] == [
        ("人工观察", None, "检查人", "表头缺少此列")]


def test_a_workbook_without_the_sheet_among_several_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "obs.xlsx", {"网站": [["网站名称"]], "新媒体": [["账号名称"]]})
    with pytest.raises(TableFileError) as exc:
        load_manual_observations(path, KNOWN)
    assert [(p.file, p.sheet, p.row, p.column) for p in exc.value.problems] == [
        ("obs.xlsx", "人工观察", None, None)]


def test_a_csv_row_with_a_stray_comma_is_refused_not_shifted(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(",".join(HEADER) + "\r\n"
                    "渭南发布,微信,2024-02-19 10:30,2024-02-03,渭南发布,正常,,张三\r\n"
                    "渭南发布,微博,2024-02-18,无,渭南,发布,正常,,李四\r\n", encoding="utf-8")
    with pytest.raises(TableFileError) as exc:
        load_manual_observations(path, KNOWN)
    assert [(p.file, p.sheet, p.row, p.column) for p in exc.value.problems] == [("obs.csv", "人工观察", 3, None)]
    assert str(exc.value) == "obs.csv, 工作表 人工观察, 第 3 行: 此行有 9 个字段，表头有 8 个；多出的值无法对应到列"


def test_blank_lines_in_a_csv_are_no_rows(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(",".join(HEADER) + "\r\n\r\n"
                    "渭南发布,微信,2024-02-19 10:30,2024-02-03,渭南发布,正常,,张三\r\n\r\n\r\n", encoding="utf-8")
    [observation] = load_manual_observations(path, KNOWN)
    assert observation["target_key"] == "account:微信:渭南发布"


def test_a_second_sheet_of_rows_beside_the_observations_is_refused(tmp_path):
    rows = observation_rows()
    path = write_xlsx(tmp_path / "obs.xlsx", {"人工观察": rows[:3], "人工观察(续)": [rows[0], *rows[3:]]})
    with pytest.raises(TableFileError) as exc:
        load_manual_observations(path, KNOWN)
    assert [str(p) for p in exc.value.problems] == [
        "obs.xlsx, 工作表 人工观察(续): 未知的表 人工观察(续)，应为 人工观察 之一"]

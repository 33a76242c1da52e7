"""The targets file: what operators keep in Excel, checked whole, turned into target documents."""

from __future__ import annotations

import pytest

from govcheck.table_reader import Problem, TableFileError, read_sheets
from govcheck.targets import account_key, load_targets, registered_interaction_entry, site_key

try:
    from tablefiles import write_csv, write_xlsx, write_yaml
except ImportError:  # tests/ made a package
    from tests.tablefiles import write_csv, write_xlsx, write_yaml


SITE_HEADER = ["网站名称", "网址", "网站类别", "区县", "主办单位", "备注"]
COLUMN_HEADER = ["网站名称", "栏目名称", "栏目地址", "栏目类型", "渲染方式", "选择器"]
ACCOUNT_HEADER = ["账号名称", "平台", "账号类型", "账号ID", "主办单位", "区县", "互动入口"]


def valid_sheets() -> dict[str, list[list]]:
    return {
        "网站": [
            SITE_HEADER,
            ["渭南市人民政府", "http://www.weinan.gov.cn/", "市政府门户网站", "", "渭南市人民政府办公室", "备注随便写"],
            ["卤阳湖开发区\n行政审批服务中心", "https://lyh.weinan.gov.cn/", "市政府工作部门及派出机构网站",
             "卤阳湖开发区", "卤阳湖开发区\u3000管委会", ""],
            ["  蒲城县人民政府 ", "http://www.pucheng.gov.cn/", "县级政府门户网站", "蒲城县", "蒲城县人民政府办公室", ""],
        ],
        "栏目": [
            COLUMN_HEADER,
            ["渭南市人民政府", "政务要闻", "http://www.weinan.gov.cn/news/zwyw/", "动态要闻", "", ""],
            ["渭南市人民政府", "通知公告", "/gk/tzgg/", "通知公告", "playwright", "ul.list li"],
            ["卤阳湖开发区 行政审批服务中心", "政策文件", "https://lyh.weinan.gov.cn/zcwj/index.html", "政策文件",
             "Splash", "//div[@class='list']//a"],
        ],
        "新媒体": [
            ACCOUNT_HEADER,
            ["渭南发布", "微博", "新浪微博", 1669879400, "中共渭南市委网信办", "", "https://weibo.com/u/1669879400"],
            ["渭南发布", "微信", "微信订阅号", "gh_0123456789ab", "中共渭南市委网信办", "", ""],
            ["蒲城发布", "抖音", "抖音短视频", "", "蒲城县融媒体中心", "蒲城县", ""],
        ],
    }


def expected_documents() -> list[dict]:
    """What the valid file imports as, less ``source`` (row numbers depend on the format)."""
    return [
        {"key": "site:渭南市人民政府", "kind": "site", "name": "渭南市人民政府",
         "url": "http://www.weinan.gov.cn/", "category": "市政府门户网站", "district": "",
         "organizer": "渭南市人民政府办公室",
         "columns": [
             {"name": "政务要闻", "url": "http://www.weinan.gov.cn/news/zwyw/", "type": "动态要闻",
              "render": "", "selector": ""},
             {"name": "通知公告", "url": "http://www.weinan.gov.cn/gk/tzgg/", "type": "通知公告",
              "render": "playwright", "selector": "ul.list li"},
         ]},
        {"key": "site:卤阳湖开发区 行政审批服务中心", "kind": "site", "name": "卤阳湖开发区 行政审批服务中心",
         "url": "https://lyh.weinan.gov.cn/", "category": "市政府工作部门及派出机构网站",
         "district": "卤阳湖开发区", "organizer": "卤阳湖开发区 管委会",
         "columns": [
             {"name": "政策文件", "url": "https://lyh.weinan.gov.cn/zcwj/index.html", "type": "政策文件",
              "render": "splash", "selector": "//div[@class='list']//a"},
         ]},
        {"key": "site:蒲城县人民政府", "kind": "site", "name": "蒲城县人民政府",
         "url": "http://www.pucheng.gov.cn/", "category": "县级政府门户网站", "district": "蒲城县",
         "organizer": "蒲城县人民政府办公室", "columns": []},
        {"key": "account:微博:渭南发布", "kind": "account", "name": "渭南发布", "platform": "微博",
         "account_type": "新浪微博", "account_id": "1669879400", "organizer": "中共渭南市委网信办",
         "district": "", "interaction_entry": "https://weibo.com/u/1669879400",
         "interaction_url": "https://weibo.com/u/1669879400"},
        {"key": "account:微信:渭南发布", "kind": "account", "name": "渭南发布", "platform": "微信",
         "account_type": "微信订阅号", "account_id": "gh_0123456789ab", "organizer": "中共渭南市委网信办",
         "district": "", "interaction_entry": "", "interaction_url": ""},
        {"key": "account:抖音:蒲城发布", "kind": "account", "name": "蒲城发布", "platform": "抖音",
         "account_type": "抖音短视频", "account_id": "", "organizer": "蒲城县融媒体中心",
         "district": "蒲城县", "interaction_entry": "", "interaction_url": ""},
    ]


def without_source(docs: list[dict]) -> list[dict]:
    return [{k: v for k, v in d.items() if k != "source"} for d in docs]


def located(exc: pytest.ExceptionInfo[TableFileError]) -> list[tuple]:
    return [(p.file, p.sheet, p.row, p.column) for p in exc.value.problems]


# --- keys --------------------------------------------------------------------------------------

def test_keys_name_the_kind_platform_and_name():
    assert site_key("渭南市人民政府") == "site:渭南市人民政府"
    assert account_key("微信", "渭南发布") == "account:微信:渭南发布"


# --- a valid file, in every format -------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "csv", "csv-gbk", "yaml"])
def test_a_valid_file_imports_as_target_documents_in_every_format(tmp_path, fmt):
    writers = {
        "xlsx": lambda: write_xlsx(tmp_path / "targets.xlsx", valid_sheets()),
        "csv": lambda: write_csv(tmp_path / "targets.csv", valid_sheets()),
        "csv-gbk": lambda: write_csv(tmp_path / "targets.csv", valid_sheets(), encoding="gbk"),
        "yaml": lambda: write_yaml(tmp_path / "targets.yaml", valid_sheets()),
    }
    docs = load_targets(writers[fmt]())
    assert without_source(docs) == expected_documents()


def test_each_target_records_the_excel_row_it_came_from(tmp_path):
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", valid_sheets()))
    assert [d["source"] for d in docs] == [
        {"file": "targets.xlsx", "sheet": "网站", "row": 2},
        {"file": "targets.xlsx", "sheet": "网站", "row": 3},
        {"file": "targets.xlsx", "sheet": "网站", "row": 4},
        {"file": "targets.xlsx", "sheet": "新媒体", "row": 2},
        {"file": "targets.xlsx", "sheet": "新媒体", "row": 3},
        {"file": "targets.xlsx", "sheet": "新媒体", "row": 4},
    ]


def test_row_numbers_are_the_excel_row_numbers_when_the_table_starts_lower(tmp_path):
    # a title and a blank row above the header, as operators like to have
    sheets = valid_sheets()
    path = write_xlsx(tmp_path / "targets.xlsx", sheets, start_row=3)
    docs = load_targets(path)
    assert docs[0]["source"] == {"file": "targets.xlsx", "sheet": "网站", "row": 4}


def test_csv_rows_are_located_by_line_and_yaml_rows_by_position(tmp_path):
    docs = load_targets(write_csv(tmp_path / "targets.csv", valid_sheets()))
    # header on line 1; the second site's name holds a newline, so its record takes lines 3-4
    assert [(d["source"]["sheet"], d["source"]["row"]) for d in docs] == [
        ("网站", 2), ("网站", 3), ("网站", 5), ("新媒体", 9), ("新媒体", 10), ("新媒体", 11)]
    docs = load_targets(write_yaml(tmp_path / "targets.yaml", valid_sheets()))
    assert [(d["source"]["sheet"], d["source"]["row"]) for d in docs] == [
        ("网站", 1), ("网站", 2), ("网站", 3), ("新媒体", 1), ("新媒体", 2), ("新媒体", 3)]


def test_gbk_csv_saved_by_excel_on_chinese_windows_reads(tmp_path):
    path = write_csv(tmp_path / "targets.csv", valid_sheets(), encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    names = [d["name"] for d in load_targets(path)]
    assert names[:3] == ["渭南市人民政府", "卤阳湖开发区 行政审批服务中心", "蒲城县人民政府"]


def test_names_collapse_whitespace_newlines_and_fullwidth_spaces(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][1][0] = "\u3000渭南市\u3000\u3000人民政府\n"
    sheets["栏目"][1][0] = "渭南市 人民政府"
    sheets["栏目"][2][0] = "渭南市\r\n人民政府"
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    site = docs[0]
    assert site["name"] == "渭南市 人民政府"
    assert site["key"] == "site:渭南市 人民政府"
    assert [c["name"] for c in site["columns"]] == ["政务要闻", "通知公告"]
    assert docs[1]["name"] == "卤阳湖开发区 行政审批服务中心"
    assert docs[1]["organizer"] == "卤阳湖开发区 管委会"


def test_uids_stay_integers_as_text_even_from_float_cells(tmp_path):
    sheets = valid_sheets()
    sheets["新媒体"][1][3] = 1669879400.0   # what a number cell can come back as
    sheets["新媒体"][3][3] = 3601234567890123  # a long Douyin id typed as a number
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert [d["account_id"] for d in docs if d["kind"] == "account"] == [
        "1669879400", "gh_0123456789ab", "3601234567890123"]


def test_relative_column_address_is_resolved_against_the_site_url(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][1][1] = "http://www.weinan.gov.cn/index.html"
    sheets["栏目"][2][2] = "/col/xwdt/"
    sheets["栏目"][1][2] = "./zwyw/list.html"
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert [c["url"] for c in docs[0]["columns"]] == [
        "http://www.weinan.gov.cn/zwyw/list.html", "http://www.weinan.gov.cn/col/xwdt/"]


def test_a_file_with_only_accounts_is_fine(tmp_path):
    sheets = {"新媒体": valid_sheets()["新媒体"]}
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert [d["key"] for d in docs] == ["account:微博:渭南发布", "account:微信:渭南发布", "account:抖音:蒲城发布"]


def test_optional_columns_may_be_left_out_of_the_header(tmp_path):
    sheets = valid_sheets()
    sheets["栏目"] = [row[:4] for row in sheets["栏目"]]        # no 渲染方式, 选择器
    sheets["新媒体"] = [row[:6] for row in sheets["新媒体"]]     # no 互动入口
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert {c["render"] for c in docs[0]["columns"]} == {""}
    assert {d["interaction_url"] for d in docs if d["kind"] == "account"} == {""}


# --- a broken file: every problem, located ------------------------------------------------------

def test_a_broken_file_reports_every_problem_where_it_is(tmp_path):
    sheets = {
        "网站": [
            SITE_HEADER,
            ["渭南市人民政府", "http://www.weinan.gov.cn/", "市政府门户网站", "", "渭南市人民政府办公室", ""],
            ["渭南市发展和改革委员会", "", "市政府工作部门及派出机构网站", "", "", ""],       # no 网址
            ["渭南市人民政府", "http://www.weinan.gov.cn/", "市政府门户网站", "", "", ""],     # again
        ],
        "栏目": [
            ["网站名称", "栏目名称", "栏目地址", "渲染方式"],                                   # no 栏目类型
            ["渭南市人民政府", "政务要闻", "/news/", "chrome"],                                 # bad 渲染方式
            ["渭南市水务局", "通知公告", "http://slj.weinan.gov.cn/tzgg/", ""],                 # unknown site
        ],
        "新媒体": [
            ACCOUNT_HEADER,
            ["渭南发布", "微博", "新浪微博", "1669879400", "", "", ""],
            ["渭南发布", "快手", "抖音短视频", "", "", "", ""],                                 # unknown 平台
        ],
    }
    path = write_xlsx(tmp_path / "broken.xlsx", sheets)
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [
        ("broken.xlsx", "网站", 3, "网址"),
        ("broken.xlsx", "网站", 4, "网站名称"),
        ("broken.xlsx", "栏目", None, "栏目类型"),
        ("broken.xlsx", "栏目", 2, "渲染方式"),
        ("broken.xlsx", "栏目", 3, "网站名称"),
        ("broken.xlsx", "新媒体", 3, "平台"),
    ]
    messages = [p.message for p in exc.value.problems]
    assert messages[0] == "不能为空"
    assert "与第 2 行重复" in messages[1]
    assert messages[2] == "表头缺少此列"
    assert "chrome" in messages[3] and "playwright" in messages[3] and "splash" in messages[3]
    assert "渭南市水务局" in messages[4]
    assert messages[5] == "快手 不是有效值，应为 微信、微博、抖音 之一"
    # the message of the error lists them all, one per line
    lines = str(exc.value).splitlines()
    assert len(lines) == 6
    assert lines[0] == "broken.xlsx, 工作表 网站, 第 3 行, 列 网址: 不能为空"


def test_the_same_broken_file_as_csv_is_located_by_csv_line(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][1][1] = ""                      # line 2: no 网址
    sheets["新媒体"][2][1] = "快手"                # its record starts on line 10
    with pytest.raises(TableFileError) as exc:
        load_targets(write_csv(tmp_path / "targets.csv", sheets))
    assert located(exc) == [("targets.csv", "网站", 2, "网址"), ("targets.csv", "新媒体", 10, "平台")]


def test_values_outside_the_allowed_lists_name_the_allowed_ones(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][1][2] = "市级门户"
    sheets["栏目"][1][3] = "新闻"
    sheets["新媒体"][2][2] = "新浪微博"                    # a 微信 account typed as 新浪微博
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(exc) == [
        ("targets.xlsx", "网站", 2, "网站类别"),
        ("targets.xlsx", "栏目", 2, "栏目类型"),
        ("targets.xlsx", "新媒体", 3, "账号类型"),
    ]
    site, column, account = (p.message for p in exc.value.problems)
    assert "市政府门户网站、市政府工作部门及派出机构网站、县级政府门户网站、县级部门网站" in site
    assert "动态要闻、通知公告、政策文件、人事信息、规划计划、互动交流、其他" in column
    assert account == "新浪微博 与平台 微信 不符，微信 的账号类型应为 微信订阅号、微信服务号 之一"


def test_urls_must_be_absolute_http_urls(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][2][1] = "lyh.weinan.gov.cn"                 # no scheme
    sheets["网站"][3][1] = "ftp://www.pucheng.gov.cn/"
    sheets["栏目"][1][2] = "www.weinan.gov.cn/news/"           # would silently become a path
    sheets["新媒体"][1][6] = "weibo.com/u/1669879400"
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(exc) == [
        ("targets.xlsx", "网站", 3, "网址"),
        ("targets.xlsx", "网站", 4, "网址"),
        ("targets.xlsx", "栏目", 2, "栏目地址"),
        ("targets.xlsx", "新媒体", 2, "互动入口"),
    ]
    # the 栏目 of the site with a bad 网址 is not reported again: its site row is


def test_duplicate_columns_and_accounts_point_to_the_first_row(tmp_path):
    sheets = valid_sheets()
    sheets["栏目"].append(["渭南市人民政府", "政务要闻", "/other/", "动态要闻", "", ""])
    sheets["新媒体"].append([" 渭南发布", "微博", "新浪微博", "", "", "", ""])
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(exc) == [("targets.xlsx", "栏目", 5, "栏目名称"), ("targets.xlsx", "新媒体", 5, "账号名称")]
    assert [p.message for p in exc.value.problems] == [
        "网站 渭南市人民政府 的栏目 政务要闻 与第 2 行重复",
        "微博 账号 渭南发布 与第 2 行重复",
    ]


def test_a_missing_required_header_column_is_one_problem_not_one_per_row(tmp_path):
    sheets = valid_sheets()
    sheets["网站"] = [[c for c in row if c != row[1]] if i == 0 else row[:1] + row[2:]
                      for i, row in enumerate(sheets["网站"])]   # 网址 column deleted
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(exc) == [("targets.xlsx", "网站", None, "网址")]


def test_a_file_with_none_of_the_sheets_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "targets.xlsx", {"Sheet1": [["名称", "地址"], ["x", "y"]]})
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [("targets.xlsx", "", None, None)]
    assert "网站、栏目、新媒体" in exc.value.problems[0].message


@pytest.mark.parametrize("name, content", [
    ("targets.xls", b"\xd0\xcf\x11\xe0 old excel"),
    ("targets.txt", b"hello"),
    ("targets.xlsx", b"not a zip at all"),
    ("targets.yaml", b"\xe7\xbd\x91\xe7\xab\x99: [unclosed"),
])
def test_unreadable_files_are_one_problem_naming_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [(name, "", None, None)]
    assert str(exc.value).startswith(name + ": ")


def test_a_missing_file_is_one_problem(tmp_path):
    with pytest.raises(TableFileError) as exc:
        load_targets(tmp_path / "nowhere.xlsx")
    assert located(exc) == [("nowhere.xlsx", "", None, None)]


def test_a_csv_needs_the_sheet_column_and_known_sheet_names(tmp_path):
    path = write_csv(tmp_path / "targets.csv", {"网站": valid_sheets()["网站"]}, sheet_column=False)
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [("targets.csv", "", None, "表")]

    path = write_csv(tmp_path / "targets.csv", {"网站": valid_sheets()["网站"],
                                                "网址": [["网站名称"], ["x"]]})
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [("targets.csv", "网址", 6, "表")]


# --- table_reader ---------------------------------------------------------------------------------

def test_problem_reads_as_the_operator_finds_it():
    p = Problem("targets.xlsx", "栏目", 7, "栏目地址", "不能为空")
    assert str(p) == "targets.xlsx, 工作表 栏目, 第 7 行, 列 栏目地址: 不能为空"
    assert str(Problem("targets.xlsx", "栏目", None, "栏目类型", "表头缺少此列")) == \
        "targets.xlsx, 工作表 栏目, 列 栏目类型: 表头缺少此列"
    assert str(Problem("t.yaml", "网站", 3, None, "x")) == "t.yaml, 工作表 网站, 第 3 条: x"


def test_read_sheets_gives_text_cells_skips_empty_rows_and_reports_absent_sheets(tmp_path):
    import datetime as dt

    path = write_xlsx(tmp_path / "t.xlsx", {"网站": [
        ["网站名称", " 网址 ", "日期", "时间", "数"],
        ["  a ", None, dt.date(2024, 2, 19), dt.datetime(2024, 2, 19, 10, 30), 2.5],
        [None, None, None, None, None],
        ["b", "", dt.datetime(2024, 2, 19), dt.datetime(2024, 2, 19, 10, 30, 15), 12],
    ]})
    sheets = read_sheets(path, ["网站", "栏目"])
    assert sheets["栏目"] == [] and not sheets["栏目"].present
    site = sheets["网站"]
    assert site.present and site.header == ("网站名称", "网址", "日期", "时间", "数")
    assert [(r.sheet, r.number) for r in site] == [("网站", 2), ("网站", 4)]
    assert site[0].values == {"网站名称": "a", "网址": "", "日期": "2024-02-19",
                              "时间": "2024-02-19 10:30", "数": "2.5"}
    assert site[1].values == {"网站名称": "b", "网址": "", "日期": "2024-02-19",
                              "时间": "2024-02-19 10:30:15", "数": "12"}


def test_a_csv_row_with_more_or_fewer_fields_than_the_header_is_refused(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(
        "表,网站名称,网址,网站类别,区县,主办单位\r\n"
        "网站,渭南市人民政府,http://www.weinan.gov.cn/,市政府门户网站,,渭南市人民政府办公室\r\n"
        # an unquoted comma in the name: every value after it moves one column to the right
        "网站,渭南市,民政局,http://mzj.weinan.gov.cn/,市政府工作部门及派出机构网站,,渭南市民政局\r\n"
        # 区县 and 主办单位 missing
        "网站,蒲城县人民政府,http://www.pucheng.gov.cn/,县级政府门户网站\r\n",
        encoding="utf-8")
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [("targets.csv", "网站", 3, None), ("targets.csv", "网站", 4, None)]
    assert [p.message for p in exc.value.problems] == [
        "此行有 7 个字段，表头有 6 个；多出的值无法对应到列",
        "此行有 4 个字段，表头有 6 个；缺少的字段会让值对错列",
    ]


def test_a_csv_row_may_end_with_empty_fields_beyond_the_header(tmp_path):
    # spreadsheet programs export a wider range than the header: the extra fields are all empty
    path = tmp_path / "targets.csv"
    path.write_text(
        "表,网站名称,网址,网站类别,区县,主办单位\r\n"
        "网站,渭南市人民政府,http://www.weinan.gov.cn/,市政府门户网站,,渭南市人民政府办公室,,,\r\n",
        encoding="utf-8")
    (site,) = load_targets(path)
    assert (site["name"], site["organizer"]) == ("渭南市人民政府", "渭南市人民政府办公室")


@pytest.mark.parametrize("file_name, write, misspelt", [("targets.yaml", write_yaml, "新媒休"), ("targets.xlsx", write_xlsx, "新媒体账号")])
def test_a_misspelt_sheet_is_refused_not_skipped(tmp_path, file_name, write, misspelt):
    sheets = valid_sheets()
    sheets[misspelt] = sheets.pop("新媒体")
    with pytest.raises(TableFileError) as exc:
        load_targets(write(tmp_path / file_name, sheets))
    assert [str(p) for p in exc.value.problems] == [f"{file_name}, 工作表 {misspelt}: 未知的表 {misspelt}，应为 网站、栏目、新媒体 之一"]


def test_instruction_sheets_and_empty_sheets_beside_the_register_are_ignored(tmp_path):
    sheets = {"填表说明": [["网站类别只能从下拉列表中选择"], ["账号ID 请按文字填写"]], **valid_sheets(),
              "说明": [["以上三张表为检查对象"]], "Sheet2": [], "Sheet3": [[None, ""]]}
    assert without_source(load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))) == expected_documents()
    yaml_sheets = {"说明": [["备注"], ["YAML 里的说明也可以写"]], **valid_sheets()}
    assert without_source(load_targets(write_yaml(tmp_path / "targets.yaml", yaml_sheets))) == expected_documents()


def test_the_register_template_imports_with_its_sheets(tmp_path):
    from govcheck.templates import write_targets_template

    path = write_targets_template(tmp_path / "template.xlsx")
    assert load_targets(path) == []


def test_text_with_a_lone_surrogate_is_refused_where_it_is(tmp_path):
    # a JSON writer escapes characters beyond U+FFFF as two \u escapes; one of them alone
    # (a cut emoji) loads from YAML as text that no UTF-8 file or store can hold
    import json

    path = tmp_path / "targets.yaml"
    path.write_text(json.dumps({"新媒体": [
        {"账号名称": "渭南发布", "平台": "微信", "账号类型": "微信订阅号"},
        {"账号名称": "示例\ud83d发布", "平台": "微博", "账号类型": "新浪微博"},
    ]}), encoding="utf-8")
    with pytest.raises(TableFileError) as exc:
        load_targets(path)
    assert located(exc) == [("targets.yaml", "新媒体", 2, "账号名称")]
    assert exc.value.problems[0].message.startswith("含有无法保存的字符 \\ud83d")
    str(exc.value).encode("utf-8")  # the message itself prints


def test_an_emoji_escaped_as_a_surrogate_pair_is_the_emoji(tmp_path):
    import json

    path = tmp_path / "targets.yaml"
    path.write_text(json.dumps({"新媒体": [{"账号名称": "示例😀发布", "平台": "微博", "账号类型": "新浪微博"}]}),
                    encoding="utf-8")
    assert "\\ud83d\\ude00" in path.read_text(encoding="utf-8")
    (account,) = load_targets(path)
    assert account["name"] == "示例😀发布" and account["key"] == "account:微博:示例😀发布"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:99999/", "https://x:abc/", "http://www.weinan.gov.cn:0/", "http://www,example,gov,cn/",
    "http://.../", "http://www..example.gov.cn/", "http://-www.example.gov.cn/", "http://www.example-.gov.cn/",
    "http://999.1.1.1/", "http://[::1/", "http://[12345::1]/", "http://:80/",
])
def test_malformed_urls_are_refused_in_every_url_column(tmp_path, url):
    sheets = valid_sheets()
    sheets["网站"][3][1] = url                    # 蒲城县人民政府's 网址
    sheets["栏目"][1][2] = url                    # a 栏目地址
    sheets["新媒体"][1][6] = url                  # a 互动入口
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(exc) == [
        ("targets.xlsx", "网站", 4, "网址"),
        ("targets.xlsx", "栏目", 2, "栏目地址"),
        ("targets.xlsx", "新媒体", 2, "互动入口"),
    ]
    assert all(p.message.startswith(url + " 不是有效的") for p in exc.value.problems)


def test_a_malformed_url_is_told_what_is_wrong_with_it(tmp_path):
    sheets = valid_sheets()
    sheets["网站"][1][1] = "http://127.0.0.1:99999/"
    sheets["网站"][2][1] = "http://www,example,gov,cn/"
    sheets["栏目"][3][2] = "//lyh..weinan.gov.cn/zcwj/"
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert [str(p) for p in exc.value.problems] == [
        "targets.xlsx, 工作表 网站, 第 2 行, 列 网址: http://127.0.0.1:99999/ 不是有效的网址，端口应为 1-65535 的数字",
        "targets.xlsx, 工作表 网站, 第 3 行, 列 网址: http://www,example,gov,cn/ 不是有效的网址，"
        "主机名 www,example,gov,cn 不是有效的域名或 IP 地址",
    ]
    # the 栏目 of both sites are not reported again: their site rows are


@pytest.mark.parametrize("url", [
    "http://www.weinan.gov.cn:8080/", "https://www.weinan.gov.cn./index.html", "http://localhost/",
    "http://127.0.0.1:9/menu", "http://[::1]:8080/", "http://user:pass@www.weinan.gov.cn/",
    "http://渭南市人民政府.政务/", "https://www.渭南.gov.cn/xwzx/", "http://xn--fiqs8s.xn--zfr164b/", "HTTP://WWW.WEINAN.GOV.CN/",
    "http://www_xa.gov.cn/",  # not a valid host name by the RFCs, but served and fetched
])
def test_well_formed_urls_pass_including_chinese_domain_names(tmp_path, url):
    sheets = valid_sheets()
    sheets["网站"][3][1] = url
    sheets["栏目"][1][2] = url
    sheets["新媒体"][1][6] = url
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert docs[2]["url"] == docs[0]["columns"][0]["url"] == docs[3]["interaction_url"] == url


# --- 互动入口: not recorded, 无, a URL, or a place in the app ------------------------------------

@pytest.mark.parametrize(("written", "kind", "text", "url"), [
    ("", "unrecorded", "", ""),
    ("无", "none", "无", ""),
    (" 无 ", "none", "无", ""),
    ("https://mp.weixin.qq.com/s/hd", "url", "https://mp.weixin.qq.com/s/hd", "https://mp.weixin.qq.com/s/hd"),
    ("菜单：留言", "in_app", "菜单：留言", ""),
    ("菜单:互动", "in_app", "菜单:互动", ""),
    ("自动回复", "in_app", "自动回复", ""),
    ("关键词回复“留言”", "in_app", "关键词回复“留言”", ""),
    ("底部菜单 - 政民互动", "in_app", "底部菜单 - 政民互动", ""),
    ("私信", "in_app", "私信", ""),
])
def test_the_interaction_entry_is_one_of_four_things(tmp_path, written, kind, text, url):
    sheets = {"新媒体": [ACCOUNT_HEADER, ["渭南发布", "微信", "微信订阅号", "wnfb", "", "", written]]}
    (account,) = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert (account["interaction_entry"], account["interaction_url"]) == (text, url)
    entry = registered_interaction_entry(account)
    assert (entry.kind, entry.text, entry.url) == (kind, text, url)


@pytest.mark.parametrize(("written", "says"), [
    ("mp.weixin.qq.com/s/hd", "mp.weixin.qq.com/s/hd 不是有效的网址，应以 http:// 或 https:// 开头"),
    ("www.weinan.gov.cn", "www.weinan.gov.cn 不是有效的网址，应以 http:// 或 https:// 开头"),
    ("菜单：留言 https://x.gov.cn/ly", "菜单：留言 https://x.gov.cn/ly 中含有网址：网址请单独填写"),
    ("没有", "没有 含义不明确：已核实没有互动入口请填写“无”，未核实请留空"),
    ("无互动入口", "无互动入口 含义不明确"),
    ("暂无", "暂无 含义不明确"),
    ("未开通留言", "未开通留言 含义不明确"),
    ("不详", "不详 含义不明确"),
    ("有", "有 不是有效的互动入口，应为 http:// 或 https:// 开头的网址、“无”（已核实没有互动入口）"
           "或应用内入口的位置（如 菜单：留言、自动回复）；未核实请留空"),
    ("/", "/ 不是有效的互动入口"),
    ("见附件", "见附件 不是有效的互动入口"),
])
def test_an_interaction_entry_that_is_none_of_them_is_refused_with_the_row(tmp_path, written, says):
    sheets = {"新媒体": [ACCOUNT_HEADER, ["渭南发布", "微信", "微信订阅号", "wnfb", "", "", "无"],
                         ["渭南水务", "微信", "微信订阅号", "", "", "", written]]}
    with pytest.raises(TableFileError) as exc:
        load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert located(exc) == [("targets.xlsx", "新媒体", 3, "互动入口")]
    assert exc.value.problems[0].message.startswith(says)


def test_a_target_stored_before_the_entry_was_kept_reads_its_url_or_not_recorded():
    stored = {"key": "account:微信:渭南发布", "interaction_url": "https://mp.weixin.qq.com/s/hd"}
    assert registered_interaction_entry(stored).kind == "url"
    assert registered_interaction_entry({"interaction_url": ""}).kind == "unrecorded"  # never "none"
    assert registered_interaction_entry({"interaction_entry": "随手改的"}).kind == "unrecorded"


def test_sites_of_a_file_without_a_column_sheet_say_nothing_about_columns(tmp_path):
    sheets = valid_sheets()
    del sheets["栏目"]
    for path in (write_xlsx(tmp_path / "targets.xlsx", sheets), write_yaml(tmp_path / "targets.yaml", sheets),
                 write_csv(tmp_path / "targets.csv", sheets)):
        assert ["columns" in d for d in load_targets(path) if d["kind"] == "site"] == [False] * 3, path.name
    sheets["栏目"] = [COLUMN_HEADER]                                  # present, no rows: no columns
    docs = load_targets(write_xlsx(tmp_path / "targets.xlsx", sheets))
    assert [d["columns"] for d in docs if d["kind"] == "site"] == [[], [], []]


def test_a_line_break_excel_saved_as_an_x000d_escape_is_a_line_break(tmp_path):
    # Excel stores the CR of a CR+LF cell as _x000D_; openpyxl hands the escape on as text
    sheets = valid_sheets()
    sheets["网站"][2][0] = "卤阳湖开发区_x000D_\n行政审批服务中心"
    sheets["新媒体"][3][0] = "蒲城_x000d_发布"  # hex digits in either case; a lone CR
    path = write_xlsx(tmp_path / "targets.xlsx", sheets)
    assert read_sheets(path, ["网站", "栏目", "新媒体"])["网站"][1].get("网站名称") == "卤阳湖开发区\n行政审批服务中心"
    docs = load_targets(path)
    assert docs[1]["name"] == "卤阳湖开发区 行政审批服务中心"
    assert [c["name"] for c in docs[1]["columns"]] == ["政策文件"]  # the 栏目 row still names it
    assert docs[-1]["name"] == "蒲城 发布"


def test_an_escaped_escape_is_the_text_the_operator_typed(tmp_path):
    # typed in Excel, the text "_x000D_" is saved as "_x005F_x000D_" (the escape of its "_")
    sheets = valid_sheets()
    sheets["网站"][1][5] = "备注 _x005F_x000D_ 原样"
    path = write_xlsx(tmp_path / "targets.xlsx", sheets)
    assert read_sheets(path, ["网站", "栏目", "新媒体"])["网站"][0].get("备注") == "备注 _x000D_ 原样"


@pytest.mark.parametrize("write, name", [(write_csv, "targets.csv"), (write_yaml, "targets.yaml")])
def test_an_x000d_text_outside_a_workbook_is_plain_text(tmp_path, write, name):
    sheets = valid_sheets()
    sheets["网站"][1][5] = "备注_x000D_"
    path = write(tmp_path / name, sheets)
    assert read_sheets(path, ["网站", "栏目", "新媒体"])["网站"][0].get("备注") == "备注_x000D_"

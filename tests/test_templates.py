"""The blank Excel files operators fill in import as they are, once filled."""

import openpyxl

from govcheck.manual import load_manual_observations
from govcheck.targets import load_targets
from govcheck.templates import write_observations_template, write_targets_template


def test_a_filled_in_register_template_imports(tmp_path):
    path = write_targets_template(tmp_path / "register.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["网站"].append(["渭南市民政局", "http://mzj.weinan.gov.cn/", "市政府工作部门及派出机构网站", "渭南市", "渭南市民政局"])
    workbook["栏目"].append(["渭南市民政局", "通知公告", "/tzgg/", "通知公告", "", ""])
    workbook["新媒体"].append(["渭南发布", "微博", "新浪微博", "1669879400", "渭南市委网信办", "渭南市", ""])
    workbook.save(path)

    documents = {d["key"]: d for d in load_targets(path)}

    assert documents["site:渭南市民政局"]["columns"][0]["url"] == "http://mzj.weinan.gov.cn/tzgg/"
    assert documents["account:微博:渭南发布"]["account_id"] == "1669879400"


def test_the_register_offers_the_allowed_values_as_drop_downs(tmp_path):
    sheet = openpyxl.load_workbook(write_targets_template(tmp_path / "register.xlsx"))["新媒体"]

    lists = {v.formula1 for v in sheet.data_validations.dataValidation}

    assert '"微信,微博,抖音"' in lists
    assert '"微信订阅号,微信服务号,新浪微博,抖音短视频"' in lists
    assert sheet["D2"].number_format == "@", "账号ID is text so Excel does not round long uids"


def test_a_filled_in_observation_sheet_imports(tmp_path):
    path = write_observations_template(tmp_path / "observed.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["人工观察"].append(["华阴文化", "微信", "2024-02-21", "无", "华阴文旅", "正常", "", "张三"])
    workbook.save(path)

    (observation,) = load_manual_observations(path, {"account:微信:华阴文化"})

    assert observation["current_name"] == "华阴文旅" and observation["inspector"] == "张三"


def test_the_register_says_what_an_interaction_entry_may_be_and_offers_the_usual_ones(tmp_path):
    path = write_targets_template(tmp_path / "register.xlsx")
    sheet = openpyxl.load_workbook(path)["新媒体"]
    (entry,) = [v for v in sheet.data_validations.dataValidation if "G2" in str(v.sqref)]
    assert entry.formula1 == '"无,菜单：留言,自动回复"' and not entry.showErrorMessage  # a URL may be typed in
    assert entry.promptTitle == "互动入口" and "已核实没有" in entry.prompt and "未核实请留空" in entry.prompt
    workbook = openpyxl.load_workbook(path)
    workbook["新媒体"].append(["渭南水务", "微信", "微信订阅号", "wnsw", "渭南市水务局", "渭南市", "无"])
    workbook["新媒体"].append(["渭南政务", "微信", "微信服务号", "wnzw", "渭南市政务服务中心", "渭南市", "菜单：留言"])
    workbook.save(path)
    entries = [d["interaction_entry"] for d in load_targets(path)]
    assert entries == ["无", "菜单：留言"]

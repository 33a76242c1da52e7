"""The Weinan notice's rounds as stored documents, for the report tests.

Round 2024-1 (the notice of 2024-02-28): 51 websites, 47 合格 and 4 不合格, and 470 new-media
accounts, 437 合格 and 33 不合格, with the rows of its 附件1 and 附件2. The register lists the
notice's targets in the notice's order, with passing targets between them and the two noted
passes before the failures (the attachment puts failures first all the same).

Round 2023-4: the same targets with 45 websites and 428 accounts 合格, which makes the
notice's changes: 92.2% − 88.2% = 提升4%, 93% − 91.1% = 提升1.9%.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from govcheck.store import SHANGHAI, Store

ROUND, PREVIOUS = "2024-1", "2023-4"

# 附件1 as printed: 网站名称, 检查结果, 突出问题
ATTACHMENT_1 = [
    ("渭南市民政局", "不合格", "多个栏目更新不及时"),
    ("渭南市住房和城乡建设局", "不合格", "多个栏目更新不及时"),
    ("渭南市应急管理局", "不合格", "多个栏目更新不及时"),
    ("韩城市财政局", "不合格", "监测时间点无法访问"),
    ("渭南市乡村振兴局", "合格", "个别栏目更新不及时"),
    ("韩城市自然资源局", "合格", "个别栏目更新不及时"),
]
SITE_CATEGORY = {"韩城市财政局": "县级部门网站", "韩城市自然资源局": "县级部门网站"}
SITE_CODES = {"多个栏目更新不及时": ("site.columns.stale", "veto"), "监测时间点无法访问": ("site.availability.unreachable", "veto"),
              "个别栏目更新不及时": ("site.columns.stale", "note")}

# 附件2 as printed: 账号名称, 账号类型, 检查结果, 备注
ATTACHMENT_2 = [
    ("渭南二黄", "微信订阅号", "不合格", "互动交流链接有误"),
    ("渭南市卫生健康委员会", "微信订阅号", "不合格", "14天未更新"),
    ("渭南市城市管理执法局", "微信订阅号", "不合格", "未提供有效互动功能"),
    ("渭南水务", "微信订阅号", "不合格", "未提供有效互动功能"),
    ("卤阳湖开发区 行政审批服务中心", "微信服务号", "不合格", "未提供有效互动功能"),
    ("渭南市路灯管理站", "微信订阅号", "不合格", "长期无更新,互动交流链接有误"),
    ("渭南地方志", "微信订阅号", "不合格", "长期无更新,未提供有效互动功能"),
    ("渭南市公安局高新分局", "微信订阅号", "不合格", "已改名(高新警讯)系统中未改名"),
    ("龙首渠", "微信订阅号", "不合格", "已改名(洛惠渠)系统中未改"),
    ("渭南市公安局渭北分局", "微信服务号", "不合格", "已改名(渭北警讯)系统中未改名"),
    ("渭南市城乡规划展示馆", "微信订阅号", "不合格", "已改名(渭南市城建档案和规划展示馆)系统中未改名"),
    ("白水县卫生健康局", "抖音短视频", "不合格", "3个月无原创"),
    ("法治白水", "新浪微博", "不合格", "3个月无原创"),
    ("澄城公安", "微信服务号", "不合格", "14天未更新"),
    ("澄城县道路运输管理所", "抖音短视频", "不合格", "搜索不到"),
    ("富平县退役军人事务局", "微信订阅号", "不合格", "14天未更新"),
    ("陕西富平到贤派出所", "新浪微博", "不合格", "3个月无原创"),
    ("韩城工信", "微信订阅号", "不合格", "14天未更新"),
    ("韩城公安", "微信订阅号", "不合格", "无有效互动交流渠道"),
    ("渭南市华州区 城市管理执法局", "微信订阅号", "不合格", "14天未更新"),
    ("渭南市华州区 大明镇人民政府", "微信订阅号", "不合格", "14天未更新"),
    ("华阴市退役军人事务局", "微信订阅号", "不合格", "3个月无原创"),
    ("华阴金融", "微信订阅号", "不合格", "3个月无原创"),
    ("华阴市城市管理执法局", "新浪微博", "不合格", "3个月无原创"),
    ("华阴文化", "微信订阅号", "不合格", "已改名(华阴文旅)系统中未改名"),
    ("临渭信访", "微信订阅号", "不合格", "14天未更新"),
    ("临渭招商", "微信订阅号", "不合格", "14天未更新"),
    ("临渭水务", "微信订阅号", "不合格", "14天未更新"),
    ("魅力交斜", "微信订阅号", "不合格", "14天未更新"),
    ("临渭区阎村镇人民政府", "微信服务号", "不合格", "14天未更新"),
    ("陕西省重点示范镇 秦东管委会", "微信订阅号", "不合格", "3个月无原创"),
    ("潼关精准脱贫", "微信订阅号", "不合格", "3个月无原创"),
    ("潼关发改", "微信订阅号", "不合格", "3个月无原创"),
]
ACCOUNT_CODES = {
    "互动交流链接有误": "media.interaction.broken",
    "14天未更新": "media.no_update_14d",
    "未提供有效互动功能": "media.interaction.missing",
    "无有效互动交流渠道": "media.interaction.missing",
    "长期无更新": "media.long_no_update",
    "3个月无原创": "media.no_original_3m",
    "搜索不到": "media.not_found",
}
PLATFORM = {"微信订阅号": "微信", "微信服务号": "微信", "新浪微博": "微博", "抖音短视频": "抖音"}
# 51 websites: 1 + 33 + 11 + 6, as section 一 counts them
SITE_CATEGORY_COUNTS = {"市政府门户网站": 1, "市政府工作部门及派出机构网站": 33, "县级政府门户网站": 11, "县级部门网站": 6}
ACCOUNT_COUNT = 470


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def round_document(round_id: str = ROUND) -> dict[str, Any]:
    if round_id == ROUND:
        return {
            "round": ROUND, "as_of": moment("2024-02-20T23:59:59"), "media_as_of": moment("2024-02-23T23:59:59"),
            "profile": "national-2019", "started_at": moment("2024-02-19T09:00:00"),
            "finished_at": moment("2024-02-23T18:00:00"), "status": "finished",
        }
    return {
        "round": round_id, "as_of": moment("2023-11-20T23:59:59"), "media_as_of": moment("2023-11-20T23:59:59"),
        "profile": "national-2019", "started_at": moment("2023-11-20T09:00:00"), "status": "finished",
    }


def site_register() -> list[tuple[str, str]]:
    """(name, category) of the 51 websites in register order."""
    named = {name: SITE_CATEGORY.get(name, "市政府工作部门及派出机构网站") for name, _, _ in ATTACHMENT_1}
    remaining = {c: n - sum(1 for v in named.values() if v == c) for c, n in SITE_CATEGORY_COUNTS.items()}
    fillers = [(f"{category}{i:02d}", category) for category, count in remaining.items() for i in range(1, count + 1)]
    noted = [(n, named[n]) for n, verdict, _ in ATTACHMENT_1 if verdict == "合格"]
    failing = [(n, named[n]) for n, verdict, _ in ATTACHMENT_1 if verdict == "不合格"]
    # noted passes first, the failures spread between passing sites
    order = noted + fillers[:5]
    for index, site in enumerate(failing):
        order += [site, *fillers[5 + index * 3: 8 + index * 3]]
    return order + fillers[5 + len(failing) * 3:]


def account_register() -> list[tuple[str, str]]:
    """(name, 账号类型) of the 470 accounts in register order: the notice's, a passing one after each."""
    passing = [(f"政务账号{i:03d}", "微信订阅号") for i in range(ACCOUNT_COUNT - len(ATTACHMENT_2))]
    order: list[tuple[str, str]] = []
    for index, (name, account_type, _, _) in enumerate(ATTACHMENT_2):
        order += [(name, account_type), passing[index]]
    return order + passing[len(ATTACHMENT_2):]


def site_key(name: str) -> str:
    return f"site:{name}"


def account_key(name: str, account_type: str) -> str:
    return f"account:{PLATFORM[account_type]}:{name}"


def store_targets(store: Store) -> None:
    for row, (name, category) in enumerate(site_register(), start=2):
        store.upsert("targets", {
            "key": site_key(name), "kind": "site", "name": name, "url": f"http://127.0.0.1:9/{row}/",
            "category": category, "district": "韩城市" if name.startswith("韩城") else "渭南市", "organizer": name,
            "columns": [], "source": {"file": "targets.xlsx", "sheet": "网站", "row": row},
        })
    for row, (name, account_type) in enumerate(account_register(), start=2):
        store.upsert("targets", {
            "key": account_key(name, account_type), "kind": "account", "name": name, "platform": PLATFORM[account_type],
            "account_type": account_type, "account_id": str(row), "district": "临渭区" if "临渭" in name else "渭南市",
            "organizer": name, "source": {"file": "targets.xlsx", "sheet": "新媒体", "row": row},
        })


def store_verdict(store: Store, round_id: str, target: dict[str, Any], verdict: str, labels: str,
                  findings: list[dict[str, Any]] = ()) -> None:
    store.save_assessment(round_id, {
        "target_key": target["key"], "kind": target["kind"], "name": target["name"],
        "category": target.get("category") or target.get("account_type", ""), "platform": target.get("platform", ""),
        "district": target.get("district", ""), "verdict": verdict, "score": 100.0, "labels": labels,
        "finding_codes": [f["code"] for f in findings],
    }, [{"points": 0, "reason": "", "rule": {"profile": "national-2019", "code": f["code"], "threshold": {}},
         "evidence": {}, **f} for f in findings])


def store_round(store: Store) -> None:
    """Targets, round 2024-1 as the notice reports it and round 2023-4 before it."""
    store_targets(store)
    store.save_round(round_document(ROUND))
    store.save_round(round_document(PREVIOUS))
    targets = {t["key"]: t for t in store.find("targets")}
    printed_sites = {site_key(name): (verdict, labels) for name, verdict, labels in ATTACHMENT_1}
    printed_accounts = {account_key(name, kind): (verdict, labels) for name, kind, verdict, labels in ATTACHMENT_2}
    for key, target in targets.items():
        verdict, labels = (printed_sites if target["kind"] == "site" else printed_accounts).get(key, ("合格", ""))
        store_verdict(store, ROUND, target, verdict, labels, findings_for(target, labels))
    previous_failures = {"site": 51 - 45, "account": 470 - 428}
    for target in targets.values():
        failed = previous_failures[target["kind"]] > 0
        previous_failures[target["kind"]] -= 1
        store_verdict(store, PREVIOUS, target, "不合格" if failed else "合格", "")


def findings_for(target: dict[str, Any], labels: str) -> list[dict[str, Any]]:
    if not labels:
        return []
    if target["kind"] == "site":
        code, severity = SITE_CODES[labels]
        return [{"code": code, "label": labels, "severity": severity,
                 "evidence": {"url": target["url"], "fetched_at": moment("2024-02-20T10:00:00")}}]
    findings = []
    for label in labels.split(","):
        code = "media.renamed" if label.startswith("已改名") else ACCOUNT_CODES[label]
        findings.append({"code": code, "label": label, "severity": "veto",
                         "evidence": {"name": target["name"], "latest_post_at": moment("2024-01-30T08:00:00")}})
    return findings

"""Time to write a large round's reports: report-R.xlsx, notice-R.docx and report-R.html.

    python bench/report_bench.py [--accounts 100000] [--sites 0] [--keep FOLDER]

Fills an embedded store in a temporary folder (or FOLDER) with a round's documents written
directly — targets in register order, verdicts, findings with evidence like the rules write
them (7 % 不合格, 5 % 待人工复核) — and a previous round's verdicts, then times reading the
round from the store and writing each file, as ``govcheck report --previous`` does. Prints
the seconds of each step, the total (goal ≤ 20 s for 100,000 accounts) and the file sizes.
Figures go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from govcheck.report.docx import write_notice_docx  # noqa: E402
from govcheck.report.html import write_round_html  # noqa: E402
from govcheck.report.summary import load_round_report  # noqa: E402
from govcheck.report.xlsx import write_round_xlsx  # noqa: E402
from govcheck.store import SHANGHAI, Store  # noqa: E402

ROUND, PREVIOUS = "2024-1", "2023-4"
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
DISTRICTS = ("临渭区", "华州区", "高新区", "经开区", "潼关县", "大荔县", "合阳县", "澄城县", "蒲城县", "白水县", "富平县", "韩城市", "华阴市")
ACCOUNT_TYPES = (("微信", "微信订阅号"), ("微信", "微信服务号"), ("微博", "新浪微博"), ("抖音", "抖音短视频"))
SITE_CATEGORIES = ("市政府工作部门及派出机构网站", "县级政府门户网站", "县级部门网站")


def account_target(index: int) -> dict[str, Any]:
    platform, account_type = ACCOUNT_TYPES[index % len(ACCOUNT_TYPES)]
    name = f"{DISTRICTS[index % len(DISTRICTS)]}政务账号{index:06d}"
    return {
        "key": f"account:{platform}:{name}", "kind": "account", "name": name, "platform": platform,
        "account_type": account_type, "account_id": f"gh_{index:012d}", "organizer": name,
        "district": DISTRICTS[index % len(DISTRICTS)], "interaction_url": "",
        "source": {"file": "targets.xlsx", "sheet": "新媒体", "row": index + 2}, "imported_at": AS_OF,
    }


def site_target(index: int) -> dict[str, Any]:
    name = f"{DISTRICTS[index % len(DISTRICTS)]}政府网站{index:05d}"
    return {
        "key": f"site:{name}", "kind": "site", "name": name, "url": f"http://www{index}.example.gov.cn/",
        "category": SITE_CATEGORIES[index % len(SITE_CATEGORIES)], "district": DISTRICTS[index % len(DISTRICTS)],
        "organizer": name, "columns": [], "source": {"file": "targets.xlsx", "sheet": "网站", "row": index + 2},
        "imported_at": AS_OF,
    }


def posts(target: dict[str, Any], newest: datetime) -> list[dict[str, Any]]:
    return [
        {"url": f"https://mp.weixin.qq.com/s/{target['account_id']}{n}", "title": f"关于做好第{n}项工作的通知",
         "time": newest - timedelta(days=3 * n), "time_text": "", "original": True, "pinned": False}
        for n in range(5)
    ]


def site_findings(target: dict[str, Any], outcome: str) -> list[dict[str, Any]]:
    """A website's: five stale columns with their pages and dates, or a column that could not be read."""
    columns = [{"name": f"栏目{n}", "type": "通知公告", "url": f"{target['url']}c{n}/", "fetched_at": AS_OF - timedelta(hours=2),
                "state": "entries", "newest_date": AS_OF - timedelta(days=200 + n)} for n in range(5)]
    rule = {"profile": "national-2019", "code": "site.columns.stale", "threshold": {"stale_veto_count": 5}, "as_of": AS_OF}
    if outcome == "不合格":
        return [{"code": "site.columns.stale", "label": "多个栏目更新不及时", "severity": "veto", "points": 0, "rule": rule,
                 "evidence": {"stale_columns": columns, "timely_stale_count": 5, "columns_checked": 8}, "reason": ""}]
    return [{"code": "site.columns.review:栏目0", "label": "栏目更新情况待人工复核", "severity": "review", "points": 0, "rule": rule,
             "evidence": {**columns[0], "state": "failed"}, "reason": f"栏目栏目0（{columns[0]['url']}）读取失败（failed: timeout）"}]


def findings(target: dict[str, Any], outcome: str) -> list[dict[str, Any]]:
    """What the rules would have written: vetoes with their evidence, or a review with its reason."""
    if target["kind"] == "site":
        return site_findings(target, outcome)
    evidence = {
        "name": target["name"], "platform": target.get("platform", ""), "account_id": target.get("account_id", ""),
        "latest_post_at": AS_OF - timedelta(days=30), "age_days": 30, "posts_read": 20,
        "latest_posts": posts(target, AS_OF - timedelta(days=30)),
        "observations": [{"source": "wechat-mp", "fetched_at": AS_OF - timedelta(hours=3), "manual": False}],
    }
    rule = {"profile": "national-2019", "threshold": {"no_update_days": 14, "long_no_update_days": 90}, "as_of": AS_OF}
    if outcome == "不合格":
        return [
            {"code": "media.no_update_14d", "label": "14天未更新", "severity": "veto", "points": 0,
             "rule": {**rule, "code": "media.no_update_14d"}, "evidence": evidence, "reason": ""},
            {"code": "media.interaction.missing", "label": "未提供有效互动功能", "severity": "veto", "points": 0,
             "rule": {**rule, "code": "media.interaction.missing"}, "evidence": {**evidence, "interaction": {"state": "missing"}}, "reason": ""},
        ][: 1 + target["source"]["row"] % 2]
    return [{"code": "media.posts.review", "label": "账号检查待人工复核", "severity": "review", "points": 0,
             "rule": {**rule, "code": "media.posts.review"}, "evidence": evidence,
             "reason": "未能读取账号发布记录：HTTP 429 (rate limited)"}]


def outcome_of(index: int) -> str:
    slot = index % 100
    return "不合格" if slot < 7 else "待人工复核" if slot < 12 else "合格"


def fill(store: Store, accounts: int, sites: int) -> None:
    targets = [site_target(i) for i in range(sites)] + [account_target(i) for i in range(accounts)]
    for target in targets:
        store.upsert("targets", target)
    for round_id, as_of in ((ROUND, AS_OF), (PREVIOUS, AS_OF - timedelta(days=90))):
        store.save_round({"round": round_id, "as_of": as_of, "media_as_of": as_of, "profile": "national-2019",
                          "started_at": as_of - timedelta(hours=20), "finished_at": as_of, "status": "finished"})
    for index, target in enumerate(targets):
        outcome = outcome_of(index)
        found = findings(target, outcome) if outcome != "合格" else []
        verdict = {
            "target_key": target["key"], "kind": target["kind"], "name": target["name"],
            "category": target.get("category") or target.get("account_type", ""), "platform": target.get("platform", ""),
            "district": target["district"], "verdict": outcome, "score": 100.0,
            "labels": ",".join(f["label"] for f in found) if outcome == "不合格" else "；".join(f["reason"] for f in found),
            "finding_codes": [f["code"] for f in found], "profile": "national-2019", "as_of": AS_OF,
        }
        for finding in found:
            store.upsert("findings", {**finding, "round": ROUND, "target_key": target["key"]})
        store.upsert("verdicts", {**verdict, "round": ROUND})
        previous = "不合格" if index % 100 < 9 else "合格"  # 91 % then, 93.3 % now
        store.upsert("verdicts", {**verdict, "round": PREVIOUS, "verdict": previous, "labels": "", "finding_codes": []})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="fill (or reuse) the store in this folder and leave the files there")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        folder = arguments.keep or Path(scratch)
        store = Store.open(None, folder / "var")
        if store.count("verdicts", {"round": ROUND}) != arguments.accounts + arguments.sites:
            started = time.perf_counter()
            fill(store, arguments.accounts, arguments.sites)
            print(f"filled the store: {arguments.sites} sites + {arguments.accounts} accounts, two rounds, {time.perf_counter() - started:.1f} s")
        out = folder / "reports"
        out.mkdir(exist_ok=True)
        steps: list[tuple[str, float]] = []

        def timed(name: str, call: Any) -> Any:
            started = time.perf_counter()
            result = call()
            steps.append((name, time.perf_counter() - started))
            return result

        report = timed("read the round from the store", lambda: load_round_report(store, ROUND, PREVIOUS))
        files = [
            timed("report.xlsx", lambda: write_round_xlsx(report, out / f"report-{ROUND}.xlsx")),
            timed("notice.docx", lambda: write_notice_docx(report, out / f"notice-{ROUND}.docx", date(2024, 2, 28))),
            timed("report.html", lambda: write_round_html(report, out / f"report-{ROUND}.html")),
        ]
        for name, seconds in steps:
            print(f"  {name:32} {seconds:6.2f} s")
        total = sum(seconds for _, seconds in steps)
        print(f"reports of {arguments.sites + arguments.accounts} targets written in {total:.1f} s (goal ≤ 20 s)")
        print("sizes: " + ", ".join(f"{path.name} {path.stat().st_size / 1e6:.1f} MB" for path in files))


if __name__ == "__main__":
    main()

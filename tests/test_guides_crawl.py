"""办事指南要素 over real HTTP: a county portal whose 办事服务 page links two guides of its own (one
complete, one without 办理时间 and 联系电话) and one on the province's 政务服务网; a department
site, exempt from services, linking a guide too. The round reads the portal's guides through the
downloader, never the 政务服务网's nor the department's, and takes 4 points off with the missing
classes and each guide's URL as evidence. Names resolve to the loopback server (fake_resolver)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from govcheck_demo.replica import Reply, ReplicaServer
from support import loopback_names, govcheck, open_store, store_environment
from test_site_faults import SETTINGS, import_register

pytestmark = [pytest.mark.slow]  # the tests read a round crawled over HTTP

HTML = "text/html; charset=utf-8"
HOSTS = ("www.weinan.gov.cn", "zwfw.shaanxi.gov.cn")
NAMES = {"portal": "渭南市测试县人民政府", "department": "渭南市测试县民政局"}
CATEGORIES = {"portal": "县级政府门户网站", "department": "县级部门网站"}
ROWS = {  # every class of the 2015 rule, as a guide's table prints them
    "设定依据": "《户口登记条例》", "受理条件": "本县户籍居民", "申请材料": "居民户口簿、身份证",
    "办理地点": "县政务服务中心一楼", "办理时间": "工作日 9:00-17:00", "咨询电话": "0913-1234567", "办理流程": "申请、受理、审核、办结",
}
GUIDES = {"1": ("出生登记", ROWS), "2": ("户口迁移", {k: v for k, v in ROWS.items() if k not in ("办理时间", "咨询电话")})}


def guide_page(title: str, rows: dict[str, str]) -> str:
    cells = "".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in rows.items())
    return f"<html><head><title>{title}</title></head><body><h1>{title}办事指南</h1><table>{cells}</table></body></html>"


@pytest.fixture(scope="module")
def guide_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("guides")
    requested: list[tuple[str, str]] = []  # (host, path) of every request

    def route(path: str, query: Any, headers: Any) -> Reply:
        host = (headers.get("Host") or "").split(":")[0]
        requested.append((host, path))
        slug, _, rest = path.partition("/")
        if rest == "":  # home: a dated list, a channel, the 办事服务 entry
            news = "".join(f'<li><a href="/{slug}/n{i}.html">县政府第{i}次常务会议研究部署工作</a><span>2024-02-1{i}</span></li>' for i in range(1, 6))
            nav = f'<a href="/{slug}/hdjl/">互动交流</a><a href="/{slug}/bsfw/">办事服务</a>'
            return Reply(200, f'<html><body><div class="nav">{nav}</div><ul class="news">{news}</ul></body></html>', HTML)
        if rest == "bsfw/":  # the service entry page: guides of the site's own, and one on the province's portal
            links = "".join(f'<li><a href="/{slug}/bszn/{n}.html">{title}办事指南</a></li>' for n, (title, _) in GUIDES.items())
            links += f'<li><a href="http://zwfw.shaanxi.gov.cn:{port}/g/3.html">营业执照办事指南</a></li>'
            return Reply(200, f"<html><body><h2>办事服务</h2><ul>{links}</ul></body></html>", HTML)
        if rest.startswith("bszn/"):
            title, rows = GUIDES[rest[5:].split(".")[0]]
            return Reply(200, guide_page(title, rows), HTML)
        if rest == "hdjl/":  # the channel: a message form
            form = f'<html><body><h2>我要写信</h2><form action="/{slug}/hdjl/post" method="post"><textarea name="nr"></textarea><button type="submit">提交</button></form></body></html>'
            return Reply(200, form, HTML)
        if rest == "tzgg/":
            items = "".join(f'<li><a href="/{slug}/t{i}.html">关于做好第{i}批重点项目建设工作的通知</a><span>2024-02-0{i}</span></li>' for i in range(1, 6))
            return Reply(200, f'<html><body><ul class="list">{items}</ul></body></html>', HTML)
        return Reply(200, "<html><body><h1>页面</h1></body></html>", HTML)

    with ReplicaServer(folder, routes={"/": route}) as server, store_environment("embedded", folder) as env:
        port = server.url.rsplit(":", 1)[1]
        env = loopback_names(env, HOSTS)
        base = f"http://www.weinan.gov.cn:{port}"
        import_register(env, folder, {
            "网站": [{"网站名称": name, "网址": f"{base}/{slug}/", "网站类别": CATEGORIES[slug], "区县": "渭南市", "主办单位": name}
                   for slug, name in NAMES.items()],
            "栏目": [{"网站名称": name, "栏目名称": "通知公告", "栏目地址": f"{base}/{slug}/tzgg/", "栏目类型": "通知公告"}
                   for slug, name in NAMES.items()],
        })
        arguments = ["run", "--round", "2024-1", "--as-of", "2024-02-20", "--spider", "sites",
                     "--set", "TWISTED_DNS_RESOLVER=fake_resolver.MappedResolver",
                     # outbound links are not checked: the 政务服务网's guide must not be requested at all
                     "--set", "GOVCHECK_CHECK_OUTBOUND_LINKS=false"]
        for name, value in SETTINGS.items():
            arguments += ["--set", f"{name}={value}"]
        run = govcheck(env, *arguments, timeout=600)
        yield {"run": run, "store": open_store(env), "requested": requested, "base": base, "port": port}


def home_of(guide_round: dict[str, Any], slug: str) -> dict[str, Any]:
    return guide_round["store"].find_one("observations", {"target_key": f"site:{NAMES[slug]}", "kind": "home"})


def guides_finding(guide_round: dict[str, Any], slug: str) -> dict[str, Any] | None:
    return guide_round["store"].find_one("findings", {"target_key": f"site:{NAMES[slug]}", "code": "site.services.guides"})


def test_the_round_finishes(guide_round):
    assert guide_round["run"].returncode == 0, guide_round["run"].stderr[-3000:]


def test_the_portal_s_guides_are_read_from_its_service_page_and_the_province_s_never_requested(guide_round):
    base = guide_round["base"]
    guides = home_of(guide_round, "portal")["guides"]
    assert [(p["url"], p["why"], p["outcome"]) for p in guides["pages"]] == [
        (f"{base}/portal/bsfw/", "service entry", "not a guide"),
        (f"{base}/portal/bszn/1.html", "guide link", "guide"),
        (f"{base}/portal/bszn/2.html", "guide link", "guide"),
    ]
    assert [(g["missing"], g["title"]) for g in guides["guides"]] == [([], "出生登记办事指南"), (["办理时间", "联系电话"], "户口迁移办事指南")]
    assert [(e["url"], e["where"]) for e in guides["elsewhere"]] == [(f"http://zwfw.shaanxi.gov.cn:{guide_round['port']}/g/3.html", "portal")]
    assert not any(host == "zwfw.shaanxi.gov.cn" for host, _ in guide_round["requested"])


def test_two_missing_classes_take_four_points_with_each_guide_as_evidence(guide_round):
    base = guide_round["base"]
    finding = guides_finding(guide_round, "portal")
    assert (finding["severity"], finding["points"], finding["label"]) == ("deduct", 4.0, "办事指南要素不全")
    assert finding["evidence"]["missing"] == [
        {"class": "办理时间", "guides": [f"{base}/portal/bszn/2.html"]}, {"class": "联系电话", "guides": [f"{base}/portal/bszn/2.html"]},
    ]
    assert [g["url"] for g in finding["evidence"]["guides"]] == [f"{base}/portal/bszn/1.html", f"{base}/portal/bszn/2.html"]
    verdict = guide_round["store"].find_one("verdicts", {"target_key": f"site:{NAMES['portal']}"})
    assert "办事指南要素不全" in verdict["labels"] and verdict["score"] <= 96


def test_a_department_exempt_from_services_is_not_examined_on_guides(guide_round):
    assert "guides" not in home_of(guide_round, "department") and guides_finding(guide_round, "department") is None
    # its 办事服务 page is link-checked like any link of its home page; the guides there are never read
    assert not any(path.startswith("department/bszn/") for _, path in guide_round["requested"])
    assert any(path.startswith("portal/bszn/") for _, path in guide_round["requested"])

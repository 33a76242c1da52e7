"""The replica's targets file: what an operator would import to inspect the replica.

Built from the replica's own manifests (``sites/manifest.yaml`` and each platform's account
states) so that the demo and the tests always register exactly what the replica serves.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from govcheck_demo.replica import Route
from govcheck_demo.replicas import douyin, wechat, weibo


def site_rows(replica: Path, base_url: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Rows of the 网站 and 栏目 sheets for the replica's sites, misbehaving ones included."""
    manifest = yaml.safe_load((replica / "sites" / "manifest.yaml").read_text(encoding="utf-8"))
    sites: list[dict[str, str]] = []
    columns: list[dict[str, str]] = []
    for site in manifest["sites"]:
        sites.append(site_row(site["name"], base_url + site["home"], site["category"], site.get("district", ""), site.get("register_services", "")))
        if site.get("register_columns") is False:
            continue  # the register lists no column: the spider discovers them from the home page
        for column in site["columns"]:
            columns.append({
                "网站名称": site["name"],
                "栏目名称": column["name"],
                "栏目地址": base_url + column["path"],
                "栏目类型": column["type"],
                "渲染方式": column.get("render") or "",
            })
    closed = f"http://127.0.0.1:{closed_port()}/"
    for site in manifest.get("misbehaving", []):
        url = base_url + site["path"] if site["path"] else closed
        sites.append(site_row(site["name"], url, site["category"], site["district"]))
        columns.append({"网站名称": site["name"], "栏目名称": "工作动态", "栏目地址": url, "栏目类型": "动态要闻", "渲染方式": ""})
    return sites, columns


def site_row(name: str, url: str, category: str, district: str, services: str = "") -> dict[str, str]:
    """A 网站 row; ``services``: 有无办事服务 (有, 无, or empty: the profile's default for the category)."""
    return {"网站名称": name, "网址": url, "网站类别": category, "区县": district, "主办单位": name, "有无办事服务": services}


def closed_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class PlatformReplica:
    """One platform's replica: where its route is served and how its states become targets."""

    platform: str  # 平台 as in the targets file
    prefix: str  # path prefix of its route on the replica server
    states: str  # account states file below the replica folder
    route: Callable[[Path], Route]
    row: Callable[[Mapping[str, Any], str], dict[str, str]]  # (state, platform base URL) → 新媒体 row
    settings: Callable[[str], dict[str, str]]  # platform base URL → settings pointing its spider there


def account_row(
    name: str, platform: str, account_type: str, account_id: str, state: Mapping[str, Any], interaction: str = ""
) -> dict[str, str]:
    return {
        "账号名称": name,
        "平台": platform,
        "账号类型": account_type,
        "账号ID": str(account_id),
        "主办单位": state.get("organizer", name),
        "区县": state.get("district", ""),
        "互动入口": interaction,
    }


def douyin_row(state: Mapping[str, Any], base_url: str) -> dict[str, str]:
    return account_row(state["registered_name"], "抖音", "抖音短视频", state["sec_uid"], state)


def wechat_row(state: Mapping[str, Any], base_url: str) -> dict[str, str]:
    account_id = state.get("registered_id", state["wechat_id"])
    return account_row(state["registered_name"], "微信", state.get("account_type", "微信订阅号"), account_id, state,
                       wechat.register_entry(state, base_url))


def weibo_row(state: Mapping[str, Any], base_url: str) -> dict[str, str]:
    return account_row(state["registered_name"], "微博", "新浪微博", state.get("registered_id", state["uid"]), state,
                       weibo.register_entry(state, base_url))


PLATFORMS = (
    PlatformReplica(
        "抖音", "/douyin/", "platforms/douyin/accounts.yaml", douyin.route, douyin_row,
        lambda url: {"DOUYIN_BASE_URL": url},
    ),
    PlatformReplica(
        "微信", "/wechat/", "platforms/wechat/accounts.yaml", wechat.route, wechat_row,
        lambda url: {"WECHAT_SOGOU_BASE_URL": f"{url}/sogou", "WECHAT_MP_BASE_URL": f"{url}/mp"},
    ),
    PlatformReplica(
        "微博", "/weibo/", "platforms/weibo/accounts.yaml", weibo.route, weibo_row,
        lambda url: {"WEIBO_API_BASE_URL": url},
    ),
)


def account_rows(replica: Path, base_url: str) -> list[dict[str, str]]:
    rows = []
    for platform in PLATFORMS:
        document = yaml.safe_load((replica / platform.states).read_text(encoding="utf-8"))
        platform_url = base_url + platform.prefix.rstrip("/")
        rows.extend(platform.row(state, platform_url) for state in document["accounts"])
    return rows


def replica_routes(replica: Path) -> dict[str, Route]:
    """The replica server's platform routes, each over its account states."""
    return {platform.prefix: platform.route(replica / platform.states) for platform in PLATFORMS}


def platform_settings(base_url: str) -> dict[str, str]:
    """Scrapy settings pointing every platform spider at the replica."""
    settings: dict[str, str] = {}
    for platform in PLATFORMS:
        settings.update(platform.settings(base_url + platform.prefix.rstrip("/")))
    return settings


def targets_document(replica: Path, base_url: str) -> dict[str, list[dict[str, str]]]:
    sites, columns = site_rows(replica, base_url)
    return {"网站": sites, "栏目": columns, "新媒体": account_rows(replica, base_url)}

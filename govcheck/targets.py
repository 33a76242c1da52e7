"""The list of targets: what is inspected, as the operators keep it in Excel.

The targets file has up to three sheets (any may be missing, not all of them), with these
Chinese headers exactly (order free, extra columns such as 备注 are ignored):

网站
    网站名称 | 网址 | 网站类别 | 区县 | 主办单位 | 有无办事服务
栏目
    网站名称 | 栏目名称 | 栏目地址 | 栏目类型 | 渲染方式 | 选择器
新媒体
    账号名称 | 平台 | 账号类型 | 账号ID | 主办单位 | 区县 | 互动入口

Any other sheet is refused (its rows would be lost), except sheets of explanations such as
说明 or 填表说明 and blank sheets; see :mod:`govcheck.table_reader`.

Header columns that must be present: all of the above except 有无办事服务, 渲染方式, 选择器 and
互动入口 (the optional ones; a missing one means "" on every row).  A YAML file has no header row: a
row leaves out the keys it has no value for, only empty required values are reported.  Values that must not be empty:
网站名称, 网址, 网站类别; 栏目 网站名称, 栏目名称, 栏目地址, 栏目类型; 新媒体 账号名称, 平台,
账号类型.

Every value is trimmed and every run of whitespace inside it (full-width spaces, the newlines
of a wrapped Excel cell) collapsed to one ASCII space, so ``"卤阳湖开发区\\n行政审批服务中心"``
is the name ``"卤阳湖开发区 行政审批服务中心"``.  渲染方式 is case-insensitive.

有无办事服务 (optional) says whether the site must offer online services (服务不实用): ``有`` or
``无``; empty leaves it to the rules profile's default for the 网站类别 (stored as ``services``:
true, false, or absent).

网址 must be an absolute http(s) URL with a valid host — a domain name (Chinese labels
allowed) or an IP address — and, when given, a port 1-65535 (:func:`url_problem`).  A 网址,
栏目地址 or 互动入口 written as an IP address must be a public one (govcheck.network_policy):
loopback, private, link-local (169.254.169.254, the cloud metadata service), multicast,
reserved and unspecified addresses are refused at their row unless the networks in the
GOVCHECK_ALLOW_PRIVATE_ADDRESSES environment variable allow them (the tests' and the demo's
loopback replicas, an office's intranet).

互动入口 (an account's interaction entry) is one of four things (:func:`read_interaction_entry`):

- empty: not recorded (the office has not looked) → the rules leave it to an inspector;
- ``无``: the office looked and the account has none → 未提供有效互动功能;
- an absolute http(s) URL as 网址 above: the entry is opened and checked;
- where the entry opens inside the app when it has no web address: a text naming that place
  (``菜单：留言``, ``菜单:互动``, ``自动回复``, ``关键词回复“留言”``, ``私信``…: it must contain one of
  ``IN_APP_WORDS``). It counts as present and is kept as written.

Anything else is an error naming the row: a web address without ``http(s)://``, a URL inside a
text, a text starting with a negation (没有, 暂无, 未…: write ``无`` when the office looked,
leave the cell empty when it did not), or a text naming no place in the app.
栏目地址 may also be a path on the site — ``/col/xwdt/``, ``./xwdt/``, ``../xwdt/`` or
``//host/path`` — resolved against the site's 网址 (``urllib.parse.urljoin``); anything else
without ``http(s)://`` is refused (``www.x.gov.cn`` would otherwise silently become a path).

A site's columns are the rows of the 栏目 sheet naming it (none: an empty list).  A file
without a 栏目 sheet (a CSV without 栏目 rows) says nothing about columns: its site documents
have no ``columns`` key and the import keeps the columns stored
(:func:`govcheck.registry.import_targets`).

选择器 (optional) is CSS, or XPath when it starts with ``/`` or ``(``; it is compiled here
(:func:`govcheck.extract.listing.compile_selector`, the one the crawl uses) and must select
elements: a selector that does not compile, calls an unknown function or gives a number or a
text is refused at its row, never met by the crawl.

:func:`load_targets` checks the whole file and raises one :class:`TableFileError` listing every
problem, each located by file, sheet, row and column; it returns nothing half.  The problems of
the file's shape (a misspelt sheet name, a missing header column, a sheet over the row cap) and
of its rows are found in one pass and reported together (the first
:data:`govcheck.table_reader.MAX_PROBLEMS`, and how many more).  The CSV and
YAML forms are described in :mod:`govcheck.table_reader`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from govcheck.extract.listing import SelectorError, compile_selector
from govcheck.network_policy import ALLOW_SETTING, Network, environment_allowed_networks, literal_address_kind
from govcheck.table_reader import Problem, Problems, Row, Sheet, TableFileError, clean_text, read_sheets

__all__ = [
    "SITE_CATEGORIES",
    "COLUMN_TYPES",
    "PLATFORMS",
    "ACCOUNT_TYPES",
    "RENDER_MODES",
    "SITE_SHEET",
    "COLUMN_SHEET",
    "ACCOUNT_SHEET",
    "SHEET_COLUMNS",
    "load_targets",
    "site_key",
    "account_key",
    "is_http_url",
    "url_problem",
    "NO_INTERACTION_ENTRY",
    "IN_APP_WORDS",
    "InteractionEntry",
    "read_interaction_entry",
    "registered_interaction_entry",
]

SITE_CATEGORIES = ("市政府门户网站", "市政府工作部门及派出机构网站", "县级政府门户网站", "县级部门网站")
COLUMN_TYPES = ("动态要闻", "通知公告", "政策文件", "人事信息", "规划计划", "互动交流", "其他")
PLATFORMS = {"微信": ("微信订阅号", "微信服务号"), "微博": ("新浪微博",), "抖音": ("抖音短视频",)}
ACCOUNT_TYPES = tuple(t for types in PLATFORMS.values() for t in types)
RENDER_MODES = ("", "playwright", "splash")
# 有无办事服务 → the site document's ``services`` (None: not given, the profile decides)
SERVICE_VALUES: dict[str, bool | None] = {"": None, "有": True, "无": False}

SITE_SHEET, COLUMN_SHEET, ACCOUNT_SHEET = "网站", "栏目", "新媒体"

#: sheet → (every column, columns the header must have, columns whose value must not be empty)
SHEET_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    SITE_SHEET: (
        ("网站名称", "网址", "网站类别", "区县", "主办单位", "有无办事服务"),
        ("网站名称", "网址", "网站类别", "区县", "主办单位"),
        ("网站名称", "网址", "网站类别"),
    ),
    COLUMN_SHEET: (
        ("网站名称", "栏目名称", "栏目地址", "栏目类型", "渲染方式", "选择器"),
        ("网站名称", "栏目名称", "栏目地址", "栏目类型"),
        ("网站名称", "栏目名称", "栏目地址", "栏目类型"),
    ),
    ACCOUNT_SHEET: (
        ("账号名称", "平台", "账号类型", "账号ID", "主办单位", "区县", "互动入口"),
        ("账号名称", "平台", "账号类型", "账号ID", "主办单位", "区县"),
        ("账号名称", "平台", "账号类型"),
    ),
}


def site_key(name: str) -> str:
    return f"site:{name}"


def account_key(platform: str, name: str) -> str:
    return f"account:{platform}:{name}"


# A host name label: letters, digits, hyphens inside. Underscores are not allowed by the host
# name RFCs but real sites use them (www_xa.gov.cn) and browsers and Scrapy fetch them.
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_SCHEME = "应以 http:// 或 https:// 开头"


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL that can be fetched, or None when it is.

    ``urllib.parse`` splits it; the port, when given, must be 1-65535; the host must be an IPv4
    or IPv6 address (:mod:`ipaddress`) or a domain name whose labels are letters, digits,
    underscores and hyphens, not starting or ending with a hyphen (``_LABEL``) — Chinese labels
    included (``渭南.政务``, checked in their IDNA form ``xn--...``).
    """
    if not url:
        return "不能为空"
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed or invalid [IPv6] host
        return "主机名不是有效的域名或 IP 地址"
    if parts.scheme.lower() not in ("http", "https"):
        return _SCHEME
    if any(ch.isspace() for ch in url):
        return "不能含有空白字符"
    if not parts.netloc:
        return "缺少主机名"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return "端口应为 1-65535 的数字"
    host = parts.hostname
    if not host:
        return "缺少主机名"
    if not _valid_host(host, bracketed=parts.netloc.rpartition("@")[2].startswith("[")):
        return f"主机名 {host} 不是有效的域名或 IP 地址"
    return None


def _valid_host(host: str, bracketed: bool) -> bool:
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    labels = (host[:-1] if host.endswith(".") else host).split(".")
    if all(label.isdigit() for label in labels):  # an IPv4 address or nothing
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    for label in labels:
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return False
        if not _LABEL.match(label):
            return False
    return len(".".join(labels)) <= 253


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a valid host (and port) and no whitespace (:func:`url_problem`)."""
    return url_problem(url) is None


# 互动入口: the office looked and the account has no interaction entry.
NO_INTERACTION_ENTRY = "无"
# Places inside an app where an entry without a web address opens (the account's menu, its
# replies to messages, comments, a mini program…): an in-app 互动入口 names one of them.
IN_APP_WORDS = ("菜单", "回复", "留言", "私信", "消息", "评论", "小程序", "互动", "咨询", "信箱", "对话")
# A text starting with one of these says there is none, or that nobody knows: not an entry.
_NEGATIONS = ("无", "没有", "暂无", "未", "不", "否")
# A web address written without http(s):// (www.x.gov.cn/hd, mp.weixin.qq.com/s/…).
_BARE_ADDRESS = re.compile(r"^(?:www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:?#]|$))", re.IGNORECASE)
_IN_APP_EXAMPLES = "如 菜单：留言、自动回复"


@dataclass(frozen=True)
class InteractionEntry:
    """An account's 互动入口 as the register has it: ``kind`` and the text as written."""

    kind: Literal["unrecorded", "none", "url", "in_app"]
    text: str = ""

    @property
    def url(self) -> str:
        """The address to check ("" unless ``kind`` is ``url``)."""
        return self.text if self.kind == "url" else ""


def read_interaction_entry(text: str) -> tuple[InteractionEntry | None, str | None]:
    """(the entry, None), or (None, why the text is none of the four forms; see the module docstring)."""
    text = clean_text(text)
    if not text:
        return InteractionEntry("unrecorded"), None
    if text == NO_INTERACTION_ENTRY:
        return InteractionEntry("none", text), None
    if text.lower().startswith(("http://", "https://")):
        problem = url_problem(text)
        return (InteractionEntry("url", text), None) if problem is None else (None, f"{text} 不是有效的网址，{problem}")
    if _BARE_ADDRESS.match(text):
        return None, f"{text} 不是有效的网址，{_SCHEME}"
    if "http://" in text.lower() or "https://" in text.lower():
        return None, f"{text} 中含有网址：网址请单独填写（以 http:// 或 https:// 开头），应用内入口只写位置（{_IN_APP_EXAMPLES}）"
    if text.startswith(_NEGATIONS):
        return None, (f"{text} 含义不明确：已核实没有互动入口请填写“{NO_INTERACTION_ENTRY}”，"
                      "未核实请留空")
    if not any(word in text for word in IN_APP_WORDS):
        return None, (f"{text} 不是有效的互动入口，应为 http:// 或 https:// 开头的网址、"
                      f"“{NO_INTERACTION_ENTRY}”（已核实没有互动入口）或应用内入口的位置（{_IN_APP_EXAMPLES}）；"
                      "未核实请留空")
    return InteractionEntry("in_app", text), None


def registered_interaction_entry(target: Mapping[str, Any]) -> InteractionEntry:
    """The 互动入口 of a stored account target. Targets imported before ``interaction_entry``
    was kept have only ``interaction_url``: a URL, or "" (then not recorded). A stored text that
    cannot be read (edited by hand) is not recorded either: never a missing entry."""
    text = target.get("interaction_entry")
    entry, _ = read_interaction_entry(str(target.get("interaction_url") or "") if text is None else str(text))
    return entry or InteractionEntry("unrecorded")


def _allowed(values) -> str:
    return "、".join(v if v else "空" for v in values)


_ADDRESS_KINDS = {
    "loopback": "本机回环", "private": "内网", "link-local": "链路本地", "multicast": "组播",
    "reserved": "保留", "unspecified": "未指定", "non-public": "非公网",
}


class _Checker:
    """Collects problems while reading one file (after those of its shape, ``problems``)."""

    def __init__(self, fname: str, problems: Problems, allowed: tuple[Network, ...] = ()):
        self.fname = fname
        self.problems = problems
        self.allowed = allowed

    def public_address(self, row: Row, column: str, url: str) -> bool:
        """A URL whose host is an IP address must be a public one (govcheck.network_policy)."""
        kind = literal_address_kind(url, self.allowed)
        if kind is None:
            return True
        self.add(row.sheet, row.number, column,
                 f"{url} 的主机是{_ADDRESS_KINDS[kind]}地址，不检查非公网地址"
                 f"（测试或内网站点请在环境变量 {ALLOW_SETTING} 中列出允许的网段）")
        return False

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.fname, sheet, row, column, message))

    def header(self, sheet: Sheet, name: str) -> set[str]:
        """Report the required columns missing from the header; return the missing ones."""
        _, needed, _ = SHEET_COLUMNS[name]
        if not sheet.present or not sheet.has_header or not sheet.header:
            return set()
        missing = [c for c in needed if c not in sheet.header]
        for column in missing:
            self.add(sheet.title, None, column, "表头缺少此列")
        return set(missing)

    def values(self, name: str, row: Row, missing_columns: set[str]) -> dict[str, str]:
        """The row's values, cleaned; report empty required values (not for missing columns)."""
        columns, _, required = SHEET_COLUMNS[name]
        values = {c: clean_text(row.get(c)) for c in columns}
        for column in required:
            if column not in missing_columns and not values[column]:
                self.add(row.sheet, row.number, column, "不能为空")
        return values

    def one_of(self, row: Row, column: str, value: str, allowed) -> bool:
        if value in allowed:
            return True
        if value:  # an empty required value is already reported
            self.add(row.sheet, row.number, column, f"{value} 不是有效值，应为 {_allowed(allowed)} 之一")
        return False

    def url(self, row: Row, column: str, value: str) -> bool:
        problem = url_problem(value)
        if problem is None:
            return self.public_address(row, column, value)
        if value:
            self.add(row.sheet, row.number, column, f"{value} 不是有效的网址，{problem}")
        return False


def _source(fname: str, row: Row) -> dict:
    return {"file": fname, "sheet": row.sheet, "row": row.number}


def _resolve_column_url(value: str, site_url: str | None) -> tuple[str | None, str | None]:
    """(absolute URL, None) or (None, problem message) for a 栏目地址."""
    problem = url_problem(value)
    if problem is None:
        return value, None
    if value.startswith(("/", "./", "../")) and not any(ch.isspace() for ch in value):
        if site_url is None:
            return None, None  # the site's own problem is reported on its row
        resolved = urljoin(site_url, value)
        problem = url_problem(resolved)
        if problem is None:
            return resolved, None
        return None, f"{value} 不是有效的栏目地址，{problem}"
    if problem != _SCHEME:  # http(s):// but malformed
        return None, f"{value} 不是有效的栏目地址，{problem}"
    return None, (f"{value} 不是有效的栏目地址，应为 http(s):// 开头的网址"
                  f"或以 / 开头的站内路径")


def load_targets(path: Path, allowed_networks: tuple[Network, ...] | None = None) -> list[dict]:
    """Read and check a targets file; return the target documents (sites, then accounts).

    ``allowed_networks``: non-public networks a URL's IP address may be in; None reads them from
    the GOVCHECK_ALLOW_PRIVATE_ADDRESSES environment variable. Raises :class:`TableFileError`
    listing every problem of the file.
    """
    path = Path(path)
    fname = path.name
    problems = Problems()
    sheets = read_sheets(path, [SITE_SHEET, COLUMN_SHEET, ACCOUNT_SHEET], problems=problems)
    allowed = environment_allowed_networks() if allowed_networks is None else allowed_networks
    check = _Checker(fname, problems, allowed)
    if not any(sheet.present for sheet in sheets.values()):
        check.add("", None, None,
                  f"文件中没有 {SITE_SHEET}、{COLUMN_SHEET}、{ACCOUNT_SHEET} 中的任何一张表")
        raise TableFileError(check.problems)

    # 网站 ---------------------------------------------------------------------------------
    site_sheet = sheets[SITE_SHEET]
    with_columns = sheets[COLUMN_SHEET].present
    missing = check.header(site_sheet, SITE_SHEET)
    sites: dict[str, dict] = {}          # name → document (first row of that name)
    site_rows: dict[str, int] = {}       # name → row number of its first row
    site_urls: dict[str, str | None] = {}  # name → valid 网址 or None
    for row in site_sheet:
        v = check.values(SITE_SHEET, row, missing)
        name = v["网站名称"]
        url_ok = check.url(row, "网址", v["网址"])
        check.one_of(row, "网站类别", v["网站类别"], SITE_CATEGORIES)
        check.one_of(row, "有无办事服务", v["有无办事服务"], SERVICE_VALUES)
        if not name:
            continue
        if name in sites:
            check.add(row.sheet, row.number, "网站名称",
                      f"网站名称 {name} 与第 {site_rows[name]} 行重复")
            continue
        site_rows[name] = row.number
        site_urls[name] = v["网址"] if url_ok else None
        sites[name] = {
            "key": site_key(name),
            "kind": "site",
            "name": name,
            "url": v["网址"],
            "category": v["网站类别"],
            "district": v["区县"],
            "organizer": v["主办单位"],
            **({"services": SERVICE_VALUES[v["有无办事服务"]]} if SERVICE_VALUES.get(v["有无办事服务"]) is not None else {}),
            **({"columns": []} if with_columns else {}),
            "source": _source(fname, row),
        }

    # 栏目 ---------------------------------------------------------------------------------
    column_sheet = sheets[COLUMN_SHEET]
    missing = check.header(column_sheet, COLUMN_SHEET)
    column_rows: dict[tuple[str, str], int] = {}
    for row in column_sheet:
        v = check.values(COLUMN_SHEET, row, missing)
        site_name, column_name = v["网站名称"], v["栏目名称"]
        known_site = site_name in sites
        if site_name and not known_site:
            check.add(row.sheet, row.number, "网站名称",
                      f"网站 {site_name} 不在 {SITE_SHEET} 表中")
        check.one_of(row, "栏目类型", v["栏目类型"], COLUMN_TYPES)
        render = v["渲染方式"].lower()
        if render not in RENDER_MODES:
            check.add(row.sheet, row.number, "渲染方式",
                      f"{v['渲染方式']} 不是有效值，应为 {_allowed(RENDER_MODES)} 之一")
        if v["选择器"]:
            try:
                compile_selector(v["选择器"])
            except SelectorError as error:
                check.add(row.sheet, row.number, "选择器", f"{v['选择器']} 不是有效的 CSS 或 XPath 选择器：{error}")
        url = None
        if v["栏目地址"]:
            url, message = _resolve_column_url(v["栏目地址"], site_urls.get(site_name))
            if message:
                check.add(row.sheet, row.number, "栏目地址", message)
            elif url and not check.public_address(row, "栏目地址", url):
                url = None
        if not (site_name and column_name):
            continue
        if (site_name, column_name) in column_rows:
            check.add(row.sheet, row.number, "栏目名称",
                      f"网站 {site_name} 的栏目 {column_name} 与第 "
                      f"{column_rows[site_name, column_name]} 行重复")
            continue
        column_rows[site_name, column_name] = row.number
        if known_site and url:
            sites[site_name]["columns"].append({
                "name": column_name,
                "url": url,
                "type": v["栏目类型"],
                "render": render,
                "selector": v["选择器"],
            })

    # 新媒体 -------------------------------------------------------------------------------
    account_sheet = sheets[ACCOUNT_SHEET]
    missing = check.header(account_sheet, ACCOUNT_SHEET)
    accounts: dict[tuple[str, str], dict] = {}
    account_rows: dict[tuple[str, str], int] = {}
    for row in account_sheet:
        v = check.values(ACCOUNT_SHEET, row, missing)
        name, platform, account_type = v["账号名称"], v["平台"], v["账号类型"]
        if check.one_of(row, "平台", platform, tuple(PLATFORMS)):
            if account_type and account_type not in PLATFORMS[platform]:
                check.add(row.sheet, row.number, "账号类型",
                          f"{account_type} 与平台 {platform} 不符，{platform} 的账号类型应为 "
                          f"{_allowed(PLATFORMS[platform])} 之一")
        else:
            check.one_of(row, "账号类型", account_type, ACCOUNT_TYPES)
        entry, problem = read_interaction_entry(v["互动入口"])
        if problem:
            check.add(row.sheet, row.number, "互动入口", problem)
        elif entry and entry.url:
            check.public_address(row, "互动入口", entry.url)
        if not (name and platform):
            continue
        if (platform, name) in accounts:
            check.add(row.sheet, row.number, "账号名称",
                      f"{platform} 账号 {name} 与第 {account_rows[platform, name]} 行重复")
            continue
        account_rows[platform, name] = row.number
        accounts[platform, name] = {
            "key": account_key(platform, name),
            "kind": "account",
            "name": name,
            "platform": platform,
            "account_type": account_type,
            "account_id": v["账号ID"],
            "organizer": v["主办单位"],
            "district": v["区县"],
            # as written ("" not recorded, 无, a URL or a place in the app), and the URL to check
            "interaction_entry": entry.text if entry else v["互动入口"],
            "interaction_url": entry.url if entry else "",
            "source": _source(fname, row),
        }

    if check.problems:
        raise TableFileError(check.problems)
    return list(sites.values()) + list(accounts.values())

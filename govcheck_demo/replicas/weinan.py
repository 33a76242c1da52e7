"""The Weinan replica: the 51 websites and 470 new-media accounts of the 2024 round-1 demo.

Everything comes from ``replica/weinan/register.yaml`` (names, categories, districts, account
types and a state per target; its header documents the states) and the page templates of
``replica/weinan/templates/``:

- the websites are rendered on the fly by :func:`site_route`, each under its slug
  (``/mzj/``: TRS-style folders ``xwzx/gzdt/``, or Hanweb-style ``col/col6291/index.html``),
  with dates relative to the register's ``as_of`` and every page an entry links to;
- the accounts are served by the platform replicas (:mod:`govcheck_demo.replicas.wechat`,
  :mod:`govcheck_demo.replicas.weibo`, :mod:`govcheck_demo.replicas.douyin`) over account states derived
  from the register, written to a temporary folder while the replica runs (:class:`WeinanReplica`).

The targets file an operator would import (:meth:`WeinanReplica.targets_document`), the
inspectors' own observations where a platform cannot tell originals (Douyin), and the bundled
results of the previous round (``round-2023-4.yaml``, :func:`load_previous_round`) come from
the same files, so the demo always registers exactly what the replica serves.
"""

from __future__ import annotations

import base64
import hashlib
import random
import shutil
import tempfile
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import escape
from pathlib import Path
from string import Template
from typing import Any

import yaml

from govcheck_demo.replica import Reply, ReplicaServer, Route, self_signed_context
from govcheck_demo.replicas import douyin, wechat, weibo
from govcheck_demo.replicas.targets import account_row, site_row
from govcheck.store import SHANGHAI
from govcheck.targets import ACCOUNT_TYPES, COLUMN_TYPES, PLATFORMS, SITE_CATEGORIES, account_key, site_key

REGISTER_FILE = "register.yaml"
SERVICES_PATH = "bsfw/index.html"  # every site's 办事服务 page, linked from its home page
TITLES_FILE = "titles.yaml"
PREVIOUS_ROUND_FILE = "round-2023-4.yaml"
HTML = "text/html; charset=utf-8"

SITE_STATES = ("ok", "few_stale", "many_stale", "unreachable")
ACCOUNT_STATES = (
    "active", "quiet", "reposts_only", "dormant", "no_menu", "dead_menu", "expired_menu", "renamed", "deleted",
)
POST_STATES = ("active", "quiet", "reposts_only", "dormant")
MENU_STATES = {"no_menu": "none", "dead_menu": "http_404", "expired_menu": "expired"}
# Column types whose staleness the 栏目不更新 (1) rule counts (see the rules profile).
TIMELY_TYPES = ("动态要闻", "通知公告", "政策文件")
PLATFORM_OF_TYPE = {t: platform for platform, types in PLATFORMS.items() for t in types}


class RegisterError(ValueError):
    """The register (or the previous round's file) is not what the replica can serve."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# == the register ===============================================================================


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a page template: its name (per site category), type and path."""

    name: str
    type: str
    path: str  # below the site's folder; "{id}" is the Hanweb column number
    main: bool = False  # the home page's main news block
    few_stale: bool = False  # stale on a few_stale site
    home: str = ""  # the home page block it fills besides the main one: notices | policies
    names: Mapping[str, str] = field(default_factory=dict)  # category → name there

    def name_for(self, category: str) -> str:
        return self.names.get(category, self.name)


@dataclass(frozen=True)
class Site:
    name: str
    slug: str
    category: str
    district: str
    template: str
    state: str


@dataclass(frozen=True)
class Account:
    name: str
    account_type: str
    district: str
    account_id: str
    states: frozenset[str]
    shown_name: str  # the name the platform shows

    @property
    def platform(self) -> str:
        return PLATFORM_OF_TYPE[self.account_type]

    @property
    def key(self) -> str:
        return account_key(self.platform, self.name)


@dataclass(frozen=True)
class Register:
    folder: Path
    inspected_from: date  # first day of the websites' inspection (检查时间 2月19日——2月20日)
    as_of: date
    media_as_of: date
    notice_date: date
    inspector: str
    templates: Mapping[str, tuple[ColumnSpec, ...]]
    sites: tuple[Site, ...]
    accounts: tuple[Account, ...]

    def accounts_on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]


def load_register(folder: Path) -> Register:
    """Reads and checks the register; a RegisterError lists every problem, by entry and field."""
    path = Path(folder) / REGISTER_FILE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise RegisterError([f"{path}: cannot be read ({error})"]) from error
    problems: list[str] = []

    def problem(where: str, message: str) -> None:
        problems.append(f"{path.name}: {where}: {message}")

    inspected_from = _date_field(document, "inspected_from", problem)
    as_of = _date_field(document, "as_of", problem)
    media_as_of = _date_field(document, "media_as_of", problem)
    notice_date = _date_field(document, "notice_date", problem)
    templates: dict[str, tuple[ColumnSpec, ...]] = {}
    for name, template in (document.get("templates") or {}).items():
        specs = []
        for number, column in enumerate((template or {}).get("columns") or [], start=1):
            where = f"templates.{name}.columns[{number}]"
            if column.get("type") not in COLUMN_TYPES:
                problem(where, f"type: unknown {column.get('type')!r} (expected one of {', '.join(COLUMN_TYPES)})")
            specs.append(ColumnSpec(
                name=str(column.get("name") or ""), type=str(column.get("type") or ""), path=str(column.get("path") or ""),
                main=bool(column.get("main")), few_stale=bool(column.get("few_stale")),
                home=str(column.get("home") or ""), names=dict(column.get("names") or {}),
            ))
        if sum(s.main for s in specs) != 1:
            problem(f"templates.{name}", "needs exactly one column marked main (the home page's news)")
        templates[name] = tuple(specs)

    sites, slugs = [], set()
    for number, raw in enumerate(document.get("sites") or [], start=1):
        where = f"sites[{number}] ({raw.get('name', '?')})"
        for key in ("name", "slug", "category", "district", "template"):
            if not raw.get(key):
                problem(where, f"{key}: missing")
        if raw.get("category") and raw["category"] not in SITE_CATEGORIES:
            problem(where, f"category: unknown {raw['category']!r} (expected one of {', '.join(SITE_CATEGORIES)})")
        if raw.get("template") and raw["template"] not in templates:
            problem(where, f"template: unknown {raw['template']!r} (expected one of {', '.join(templates)})")
        state = raw.get("state") or "ok"
        if state not in SITE_STATES:
            problem(where, f"state: unknown {state!r} (expected one of {', '.join(SITE_STATES)})")
        if raw.get("slug") in slugs:
            problem(where, f"slug: {raw['slug']!r} is used twice")
        slugs.add(raw.get("slug"))
        sites.append(Site(str(raw.get("name") or ""), str(raw.get("slug") or ""), str(raw.get("category") or ""),
                          str(raw.get("district") or ""), str(raw.get("template") or ""), state))

    accounts, keys = [], set()
    for number, raw in enumerate(document.get("accounts") or [], start=1):
        where = f"accounts[{number}] ({raw.get('name', '?')})"
        name, account_type = str(raw.get("name") or ""), str(raw.get("type") or "")
        for key in ("name", "type", "district"):
            if not raw.get(key):
                problem(where, f"{key}: missing")
        if account_type not in ACCOUNT_TYPES:
            problem(where, f"type: unknown {account_type!r} (expected one of {', '.join(ACCOUNT_TYPES)})")
            continue
        states = frozenset(s.strip() for s in str(raw.get("state") or "active").split("+") if s.strip())
        for state in sorted(states - set(ACCOUNT_STATES)):
            problem(where, f"state: unknown {state!r} (expected {', '.join(ACCOUNT_STATES)}, joined with +)")
        if len(states & set(POST_STATES)) > 1:
            problem(where, f"state: at most one of {', '.join(POST_STATES)}")
        if states & set(MENU_STATES) and PLATFORM_OF_TYPE[account_type] != "微信":
            problem(where, "state: the 互动 entry states are for WeChat accounts")
        if ("renamed" in states) != bool(raw.get("shown_name")):
            problem(where, "state renamed and shown_name go together")
        account = Account(
            name=name,
            account_type=account_type,
            district=str(raw.get("district") or ""),
            account_id=str(raw.get("id") or _derived_id(PLATFORM_OF_TYPE[account_type], name)),
            states=states,
            # the platform shows a name on one line: the registry's table wrapped it
            shown_name=str(raw.get("shown_name") or name.replace(" ", "")),
        )
        if account.key in keys:
            problem(where, f"{account.platform} account {name!r} is listed twice")
        keys.add(account.key)
        accounts.append(account)
    if problems:
        raise RegisterError(problems)
    return Register(Path(folder), inspected_from, as_of, media_as_of, notice_date, str(document.get("inspector") or ""), templates,
                    tuple(sites), tuple(accounts))


def _date_field(document: Mapping[str, Any], key: str, problem: Any) -> date:
    try:
        return date.fromisoformat(str(document.get(key)))
    except ValueError:
        problem(key, f"expected a date YYYY-MM-DD, got {document.get(key)!r}")
        return date.min


def _derived_id(platform: str, name: str) -> str:
    """A stable, real-shaped platform id for an account filed without one."""
    digest = hashlib.sha256(f"{platform}/{name}".encode()).digest()
    if platform == "微信":
        return f"wn_{digest[:5].hex()}"  # 微信号: letters, digits and _ (never mistaken for a __biz)
    if platform == "微博":
        return str(5000000000 + int.from_bytes(digest[:4], "big") % 2000000000)  # uid
    return "MS4wLjABAAAA" + base64.urlsafe_b64encode(digest[:32]).decode().rstrip("=")  # sec_uid


# == the websites ===============================================================================


@dataclass(frozen=True)
class Entry:
    title: str
    published: datetime
    path: str  # below the site's folder


@dataclass(frozen=True)
class Letter:
    title: str
    asked: date
    answered: date
    path: str


@dataclass
class Column:
    name: str
    type: str
    path: str
    spec: ColumnSpec
    entries: list[Entry] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)


# How far back a column's newest entry is (days before as_of, low–high) and the spacing of the
# older ones. "fresh" stays well inside the type's period of the rules profile, "stale" well
# outside it (动态要闻 14 days, 通知公告/政策文件 6 months, 人事信息/规划计划 1 year).
FRESHNESS = {
    "动态要闻": {"fresh": (0, 6), "stale": (24, 70), "every": (2, 6)},
    "通知公告": {"fresh": (3, 60), "stale": (200, 320), "every": (8, 25)},
    "政策文件": {"fresh": (5, 80), "stale": (200, 320), "every": (15, 40)},
    "人事信息": {"fresh": (10, 150), "stale": (400, 520), "every": (20, 60)},
    "规划计划": {"fresh": (15, 200), "stale": (400, 520), "every": (30, 90)},
    "其他": {"fresh": (5, 90), "stale": (200, 320), "every": (15, 40)},
}
LIST_SIZE = 10  # entries a column page lists
HOME_SIZES = {"main": 8, "notices": 5, "policies": 5}
LETTER_AGES = (2, 11, 26, 47, 83, 131, 198, 290)  # days before as_of the letters were written
ON = ' class="on"'  # the side menu's current column

_SHORT_NAMES = (
    ("人民政府国有资产监督管理委员会", "国资委"), ("发展和改革委员会", "发改委"), ("发展和改革局", "发改局"),
    ("卫生健康委员会", "卫健委"), ("人力资源和社会保障局", "人社局"), ("住房和城乡建设局", "住建局"),
    ("工业和信息化局", "工信局"), ("文化和旅游局", "文旅局"), ("市场监督管理局", "市场监管局"),
    ("医疗保障局", "医保局"), ("科学技术局", "科技局"), ("行政审批服务局", "行政审批局"),
    ("现代产业开发区管理委员会", "开发区管委会"), ("技术产业开发区管理委员会", "区管委会"),
    ("经济技术开发区管理委员会", "经开区管委会"),
)


def unit_name(site: Site) -> str:
    """How the site's own pages name its unit in titles: 市民政局, 临渭区, 韩城市财政局."""
    name = site.name
    if site.category == "市政府门户网站":
        return "渭南市"
    if name.endswith("人民政府"):
        return name.removeprefix("渭南市").removesuffix("人民政府")
    for long, short in _SHORT_NAMES:
        name = name.replace(long, short)
    if name.startswith("渭南市") and site.category == "市政府工作部门及派出机构网站":
        return "市" + name.removeprefix("渭南市")
    return name.removeprefix("渭南")


class SiteModel:
    """One site of the register: its columns with their entries, and its pages rendered on demand."""

    def __init__(self, site: Site, specs: tuple[ColumnSpec, ...], as_of: date, titles: Mapping[str, list[str]],
                 templates: Mapping[str, Template]) -> None:
        self.site = site
        self.as_of = as_of
        self.templates = templates
        self.hanweb = site.template == "hanweb"
        self.home_path = "index.html" if self.hanweb else ""
        self.columns = [self._column(number, spec, titles) for number, spec in enumerate(specs)]
        self.details = {e.path: (c, e) for c in self.columns for e in c.entries}
        self.letter_pages = {letter.path: (c, letter) for c in self.columns for letter in c.letters}
        self._pages: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- content ---------------------------------------------------------------------------

    def _column(self, number: int, spec: ColumnSpec, titles: Mapping[str, list[str]]) -> Column:
        column_id = 6000 + zlib.crc32(self.site.slug.encode()) % 3000 + number
        path = spec.path.replace("{id}", str(column_id))
        column = Column(spec.name_for(self.site.category), spec.type, path, spec)
        rng = random.Random(f"{self.site.slug}/{spec.name}")
        place = self.site.district
        if spec.type == "互动交流":
            pool = rng.sample(titles["互动交流"], len(LETTER_AGES))
            for index, (age, title) in enumerate(zip(LETTER_AGES, pool)):
                asked = self.as_of - timedelta(days=age)
                answered = min(asked + timedelta(days=rng.randint(1, 4)), self.as_of)
                letter_path = f"{_folder(path)}detail_{10200 + 17 * index + number}.html"
                column.letters.append(Letter(title.format(place=place), asked, answered, letter_path))
            return column
        freshness = FRESHNESS.get(spec.type, FRESHNESS["其他"])
        stale = self.stale(spec)
        low, high = freshness["stale" if stale else "fresh"]
        day = self.as_of - timedelta(days=rng.randint(low, high))
        pool = titles.get(spec.type, titles["动态要闻"])
        order = rng.sample(range(len(pool)), len(pool))
        unit = unit_name(self.site)
        for index in range(LIST_SIZE):
            published = datetime.combine(day, time(9 + (index * 7) % 9, (index * 13) % 60), tzinfo=SHANGHAI)
            title = pool[order[index % len(order)]].format(unit=unit, place=place, year=day.year)
            doc_id = 4820000 + zlib.crc32(f"{self.site.slug}/{path}".encode()) % 90000 * 10 + index
            column.entries.append(Entry(title, published, self._detail_path(path, column_id, day, doc_id)))
            day -= timedelta(days=rng.randint(*freshness["every"]))
        return column

    def stale(self, spec: ColumnSpec) -> bool:
        if self.site.state == "many_stale":
            return spec.type in TIMELY_TYPES and not spec.main
        return self.site.state == "few_stale" and spec.few_stale

    def _detail_path(self, column_path: str, column_id: int, day: date, doc_id: int) -> str:
        if self.hanweb:
            return f"art/{day.year}/{day.month}/{day.day}/art_{column_id}_{doc_id}.html"
        return f"{column_path}{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.html"

    # -- pages -----------------------------------------------------------------------------

    def page(self, path: str) -> str | None:
        """The HTML of a page below the site's folder, None when the site has no such page."""
        path = path.lstrip("/")
        with self._lock:
            if path not in self._pages:
                rendered = self._render(path)
                if rendered is None:
                    return None
                self._pages[path] = rendered
            return self._pages[path]

    def _render(self, path: str) -> str | None:
        if path in ("", "index.html"):
            return self._home()
        for column in self.columns:
            if path in (column.path, _folder(column.path), _folder(column.path) + "index.html"):
                return self._letters(column) if column.spec.type == "互动交流" else self._list(column)
        if path in self.details:
            return self._detail(*self.details[path])
        if path in self.letter_pages:
            return self._letter(*self.letter_pages[path])
        if path in (SERVICES_PATH, _folder(SERVICES_PATH)):
            return self._services()
        return None

    def url(self, path: str) -> str:
        return f"/{self.site.slug}/{path}"

    def _layout(self, title: str, main: str, meta: str = "") -> str:
        number = zlib.crc32(self.site.slug.encode()) % 90 + 10
        nav = "\n".join(
            f'<li class="nav-item"><a href="{self.url(c.path)}">{escape(c.name)}</a></li>' if not self.hanweb
            else f'<li><a href="{self.url(c.path)}" target="_self">{escape(c.name)}</a></li>'
            for c in self.columns
        )
        return self.templates["layout"].substitute(
            site_name=escape(self.site.name), domain=f"{self.site.slug}.weinan.gov.cn",
            site_code=f"61050000{number}", meta=meta, title=escape(title), home=self.url(self.home_path), nav=nav,
            main=main, phone=f"0913-21{number}00", icp=number,
        )

    def _rows(self, entries: list[Entry], home: bool = False) -> str:
        rows = []
        for entry in entries:
            link = f'<a href="{self.url(entry.path)}" target="_blank" title="{escape(entry.title)}">{escape(entry.title)}</a>'
            day = f"{entry.published:%Y-%m-%d}"
            if not self.hanweb:
                rows.append(f"<li>{link}<span>{day}</span></li>")
            elif home:
                rows.append(f'<tr><td class="bt-li">·{link}</td><td width="100" align="right" class="bt-time">{day}</td></tr>')
            else:
                rows.append(f'<tr><td width="10"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" /></td>'
                            f'<td class="bt_link">{link}</td><td width="90" align="right" class="bt_time">{day}</td></tr>')
        return "\n".join(rows)

    def _home(self) -> str:
        main = next(c for c in self.columns if c.spec.main)
        blocks = {"news": (main, HOME_SIZES["main"])}
        for column in self.columns:
            if column.spec.home in ("notices", "policies"):
                blocks[column.spec.home] = (column, HOME_SIZES[column.spec.home])
        letters = next(c for c in self.columns if c.spec.type == "互动交流")
        fields = {"letters_url": self.url(letters.path), "letters_name": escape(letters.name), "services_url": self.url(SERVICES_PATH)}
        for role, (column, size) in blocks.items():
            fields[f"{role}_name"] = escape(column.name)
            fields[f"{role}_url"] = self.url(column.path)
            fields[f"{role}_rows"] = self._rows(column.entries[:size], home=True)
        return self._layout(self.site.name, self.templates["home"].substitute(fields))

    def _services(self) -> str:
        """The 办事服务 page the home page links to (服务不实用: every demo site offers services)."""
        main = '<div class="main w1200"><h2>办事服务</h2><p>办事指南、表格下载与网上办理请见陕西政务服务网。</p></div>'
        return self._layout("办事服务", main)

    def _list(self, column: Column) -> str:
        side = "\n".join(
            f'<li{ON if c is column else ""}><a href="{self.url(c.path)}">{escape(c.name)}</a></li>'
            for c in self.columns if c.spec.type == column.spec.type
        )
        main = self.templates["list"].substitute(
            section=escape(column.name), side=side, home=self.url(self.home_path), column_name=escape(column.name),
            column_url=self.url(column.path), rows=self._rows(column.entries),
        )
        meta = f'<meta name="ColumnName" content="{escape(column.name)}">\n<meta name="ColumnType" content="{escape(column.name)}">'
        return self._layout(f"{column.name}-{self.site.name}", main, meta)

    def _letters(self, column: Column) -> str:
        rows = "\n".join(
            f'<tr><td class="t-left"><a href="{self.url(letter.path)}" target="_blank" title="{escape(letter.title)}">'
            f"{escape(letter.title)}</a></td><td>{letter.asked:%Y-%m-%d}</td><td>{letter.answered:%Y-%m-%d}</td>"
            f'<td><span class="yhf">已回复</span></td></tr>'
            for letter in column.letters
        )
        main = self.templates["letters"].substitute(
            home=self.url(self.home_path), column_name=escape(column.name), column_url=self.url(column.path),
            rows=rows, count=len(column.letters),
        )
        return self._layout(f"{column.name}-{self.site.name}", main)

    def _article(self, column: Column, title: str, published: str, body: str, meta: str = "") -> str:
        main = self.templates["detail"].substitute(
            home=self.url(self.home_path), column_url=self.url(column.path), column_name=escape(column.name),
            title=escape(title), published=published, source=escape(self.site.name), body=body,
        )
        return self._layout(f"{title}-{self.site.name}", main, meta)

    def _detail(self, column: Column, entry: Entry) -> str:
        published = f"{entry.published:%Y-%m-%d %H:%M}"
        body = "\n".join(f'<p style="text-indent:2em">{escape(p)}</p>' for p in (
            f"{entry.title}。为深入贯彻落实党中央、国务院和省委、省政府决策部署，按照市委、市政府工作要求，现将有关情况通报如下。",
            "一、高度重视，加强组织领导。各单位要充分认识此项工作的重要意义，确保各项任务落到实处。",
            "二、突出重点，狠抓工作落实。要对照任务清单，逐项细化措施，明确责任人和完成时限。",
        ))
        meta = (f'<meta name="ArticleTitle" content="{escape(entry.title)}">\n'
                f'<meta name="PubDate" content="{published}">\n'
                f'<meta name="ContentSource" content="{escape(self.site.name)}">')
        return self._article(column, entry.title, published, body, meta)

    def _letter(self, column: Column, letter: Letter) -> str:
        body = (f"<p>来信时间：{letter.asked:%Y-%m-%d}</p><p>{escape(letter.title)}，请予答复。</p>"
                f"<p>答复时间：{letter.answered:%Y-%m-%d}</p><p>答复单位：{escape(self.site.name)}</p>"
                "<p>您好！您反映的问题已转相关科室办理，感谢您对我们工作的关心和支持。</p>")
        return self._article(column, letter.title, f"{letter.asked:%Y-%m-%d}", body)


def _folder(path: str) -> str:
    """The folder of a column path (``col/col6291/index.html`` → ``col/col6291/``)."""
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def site_models(register: Register) -> dict[str, SiteModel]:
    """Every site of the register by slug."""
    titles = yaml.safe_load((register.folder / TITLES_FILE).read_text(encoding="utf-8"))
    models = {}
    for style in sorted({s.template for s in register.sites}):
        folder = register.folder / "templates" / style
        templates = {name: Template((folder / f"{name}.html").read_text(encoding="utf-8"))
                     for name in ("layout", "home", "list", "letters", "detail")}
        for site in (s for s in register.sites if s.template == style):
            models[site.slug] = SiteModel(site, register.templates[style], register.as_of, titles, templates)
    return models


def site_route(register: Register) -> Route:
    """The websites of the register, each under ``/<slug>/`` (an unreachable one never answers)."""
    models = site_models(register)

    def answer(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Reply | None:
        slug, _, rest = path.lstrip("/").partition("/")
        model = models.get(slug)
        if model is None:
            return None
        if model.site.state == "unreachable":
            return Reply(hang=True)
        if not path.lstrip("/").startswith(f"{slug}/"):
            return Reply(301, "", HTML, headers={"Location": f"/{slug}/{model.home_path}"})
        page = model.page(rest)
        return None if page is None else Reply(200, page, HTML)

    return answer


def site_address(site: Site) -> str:
    """A site's home page path on the replica."""
    return f"/{site.slug}/" + ("index.html" if site.template == "hanweb" else "")


# == the accounts ===============================================================================


def _moment(day: date, hour: int, minute: int = 0) -> str:
    return f"{day:%Y-%m-%d} {hour:02d}:{minute:02d}"


def _post_plan(account: Account, media_as_of: date) -> dict[str, Any]:
    """When the account posted and which posts were original, as the platform replicas take it:
    ``series`` (``{newest, every_days, count, original_every}``) and extra ``posts``."""
    rng = random.Random(f"{account.platform}/{account.name}")
    state = next((s for s in POST_STATES if s in account.states), "active")
    hour = rng.randint(8, 20)
    if state == "active":
        newest = media_as_of - timedelta(days=rng.randint(1, 3))
        return {"series": {"newest": _moment(newest, hour), "every_days": rng.choice((2, 3)), "count": 30,
                           "original_every": 2}, "posts": []}
    if state == "quiet":
        newest = media_as_of - timedelta(days=rng.randint(16, 40))
        return {"series": {"newest": _moment(newest, hour), "every_days": 3, "count": 30, "original_every": 2},
                "posts": []}
    if state == "dormant":
        newest = media_as_of - timedelta(days=rng.randint(150, 260))
        return {"series": {"newest": _moment(newest, hour), "every_days": 10, "count": 12, "original_every": 2},
                "posts": []}
    # reposts_only: up to date, the last original four months and more back
    newest = media_as_of - timedelta(days=rng.randint(1, 3))
    original = media_as_of - timedelta(days=rng.randint(125, 200))
    return {"series": {"newest": _moment(newest, hour), "every_days": 4, "count": 35, "original_every": 0},
            "posts": [{"time": _moment(original, 10), "original": True}]}


def wechat_state(account: Account, media_as_of: date) -> dict[str, Any]:
    """The account in the WeChat replica's terms (replica/platforms/wechat/accounts.yaml)."""
    plan = _post_plan(account, media_as_of)
    menu = next((MENU_STATES[s] for s in MENU_STATES if s in account.states), "ok")
    state: dict[str, Any] = {
        "wechat_id": account.account_id,
        "registered_name": account.name,
        "name": account.shown_name,
        "account_type": account.account_type,
        "certified_by": account.shown_name,
        "district": account.district,
        "interaction": menu,
        "behaviour": "not_found" if "deleted" in account.states else "ok",
    }
    if state["behaviour"] == "ok":
        title = "转载：陕西发布" if "reposts_only" in account.states else f"{account.shown_name}｜工作动态"
        state["series"] = {**plan["series"], "title": title}
        state["posts"] = [{**p, "title": f"{account.shown_name}｜原创", "original": True} for p in plan["posts"]]
    return state


def douyin_state(account: Account, media_as_of: date) -> dict[str, Any]:
    """The account in the Douyin replica's terms (replica/platforms/douyin/accounts.yaml)."""
    plan = _post_plan(account, media_as_of)
    state: dict[str, Any] = {
        "sec_uid": account.account_id,
        "registered_name": account.name,
        "nickname": account.shown_name,
        "district": account.district,
        "behaviour": "not_found" if "deleted" in account.states else "ok",
    }
    if state["behaviour"] == "ok":
        desc = "转发：健康陕西" if "reposts_only" in account.states else f"{account.shown_name}｜工作动态"
        series = plan["series"]
        # a dozen works fill the profile page the spider renders; older ones are not needed
        state["series"] = {"newest": series["newest"], "every_days": series["every_days"],
                           "count": min(series["count"], 12), "desc": desc}
        state["posts"] = [{"time": p["time"], "desc": f"{account.shown_name}｜原创作品"} for p in plan["posts"]]
    return state


def weibo_state(account: Account, media_as_of: date) -> dict[str, Any]:
    """The account in the Weibo replica's terms (replica/platforms/weibo/accounts.yaml)."""
    plan = _post_plan(account, media_as_of)
    state: dict[str, Any] = {
        "uid": account.account_id,
        "registered_name": account.name,
        "screen_name": account.shown_name,
        "district": account.district,
        "behaviour": "not_found" if "deleted" in account.states else "ok",
    }
    if state["behaviour"] == "ok":
        text = "转发：陕西发布" if "reposts_only" in account.states else f"{account.shown_name}｜工作动态"
        state["series"] = {**plan["series"], "text": text}
        state["posts"] = [{"time": p["time"], "text": f"{account.shown_name}｜原创"} for p in plan["posts"]]
    return state


def latest_original(account: Account, media_as_of: date) -> datetime | None:
    """The latest original post of an account as planned (what an inspector sees in the app)."""
    plan = _post_plan(account, media_as_of)
    originals = [datetime.fromisoformat(p["time"]) for p in plan["posts"] if p.get("original")]
    if plan["series"]["original_every"]:
        originals.append(datetime.fromisoformat(plan["series"]["newest"]))
    return max(originals).replace(tzinfo=SHANGHAI) if originals else None


def inspector_observations(register: Register) -> dict[str, list[dict[str, str]]]:
    """The 人工观察 sheet: for the accounts whose platform shows no original marker (Douyin),
    the date of the latest original work inspectors saw in the app; for every account the
    platform does not know (state ``deleted``), 当前名称 搜索不到 — the platform's "no account
    with this 账号ID" cannot tell a deleted account from a wrong ID in the register, so the
    inspectors searched the app by name and found nothing."""
    rows = []
    for account in register.accounts:
        if "deleted" in account.states:
            name, original = "搜索不到", ""
        elif account.platform == "抖音":
            latest = latest_original(account, register.media_as_of)
            name, original = "", f"{latest:%Y-%m-%d %H:%M}" if latest else "无"
        else:
            continue
        rows.append({
            "账号名称": account.name,
            "平台": account.platform,
            "最新发布时间": "",
            "最近原创时间": original,
            "当前名称": name,
            "互动入口状态": "",
            "截图文件": "",
            "检查人": register.inspector,
        })
    return {"人工观察": rows}


# == the targets file ===========================================================================


def targets_document(register: Register, base_url: str) -> dict[str, list[dict[str, str]]]:
    """The register as an operator's targets file (网站, 栏目, 新媒体), in register order."""
    models = site_models(register)
    sites, columns = [], []
    for site in register.sites:
        sites.append(site_row(site.name, base_url + site_address(site), site.category, site.district))
        for column in models[site.slug].columns:
            columns.append({
                "网站名称": site.name,
                "栏目名称": column.name,
                "栏目地址": f"{base_url}/{site.slug}/{column.path}",
                "栏目类型": column.type,
                "渲染方式": "",
            })
    accounts = []
    for account in register.accounts:
        state = {"organizer": account.name, "district": account.district}
        if account.platform == "微信":
            entry = wechat.register_entry(wechat_state(account, register.media_as_of), f"{base_url}/wechat")
            accounts.append(account_row(account.name, "微信", account.account_type, account.account_id, state, entry))
        else:
            accounts.append(account_row(account.name, account.platform, account.account_type, account.account_id, state))
    return {"网站": sites, "栏目": columns, "新媒体": accounts}


def target_keys(register: Register) -> list[str]:
    """The store keys of every target of the register, in register order."""
    return [site_key(s.name) for s in register.sites] + [a.key for a in register.accounts]


# == serving it ==================================================================================


class WeinanReplica:
    """The register served on loopback: the websites and the platform replicas over its accounts.

    ``with WeinanReplica(folder) as replica:`` writes the platform account states (and, for the
    replica's MP backend, which only checks that a cookie and token are sent, a secrets file
    with both) to a temporary folder and starts the server; on exit it stops the server and
    removes the folder. The Weibo replica answers at the evening of the new-media monitoring
    day, when the office crawled it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).resolve()
        self.register = load_register(self.folder)
        self._states: tempfile.TemporaryDirectory[str] | None = None
        self.server: ReplicaServer | None = None
        self.secure: ReplicaServer | None = None

    @property
    def url(self) -> str:
        if self.server is None:
            raise RuntimeError("the Weinan replica is not running")
        return self.server.url

    def __enter__(self) -> WeinanReplica:
        self._states = tempfile.TemporaryDirectory(prefix="weinan-replica-")
        states = Path(self._states.name)
        self.secrets_file = states / "secrets.yaml"
        self.secrets_file.write_text(yaml.safe_dump({"wechat_mp_cookie": "slave_sid=replica", "wechat_mp_token": "1"}),
                                     encoding="utf-8")
        clock = datetime.combine(self.register.media_as_of, time(21, 0), tzinfo=SHANGHAI)
        routes = {
            "/wechat/": wechat.route(self._write_states(states / "wechat", "微信", wechat_state)),
            "/weibo/": weibo.route(self._write_states(states / "weibo", "微博", weibo_state), clock=clock),
            "/douyin/": douyin.route(self._write_states(states / "douyin", "抖音", douyin_state)),
            "/": site_route(self.register),  # last: every other path is a website's
        }
        # no file is served as it is: every path is a route's
        self.server = ReplicaServer(self.folder / "templates", routes=routes).start()
        # the websites over https too (功能设计 HTTPS), on a port of its own
        self.secure = ReplicaServer(self.folder / "templates", routes=routes, tls=self_signed_context()).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.secure is not None:
            self.secure.stop()
            self.secure = None
        if self._states is not None:
            self._states.cleanup()
            self._states = None

    def _write_states(self, folder: Path, platform: str, state_of: Any) -> Path:
        """The platform's accounts of the register as its replica's states file, in ``folder``."""
        folder.mkdir(parents=True)
        accounts = [state_of(a, self.register.media_as_of) for a in self.register.accounts_on(platform)]
        path = folder / "accounts.yaml"
        path.write_text(yaml.safe_dump({"accounts": accounts}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        if platform == "抖音":  # the profile page and the verify page of the Douyin replica
            for page in ("user.html", "verify.html"):
                shutil.copy(self.folder.parent / "platforms" / "douyin" / page, folder / page)
        return path

    def targets_document(self) -> dict[str, list[dict[str, str]]]:
        return targets_document(self.register, self.url)

    def settings(self) -> dict[str, Any]:
        """Scrapy settings pointing the platform spiders at the replica."""
        return {
            "GOVCHECK_HTTPS_PORT": self.secure.url.rsplit(":", 1)[1] if self.secure else None,
            "WECHAT_SOGOU_BASE_URL": f"{self.url}/wechat/sogou",
            "WECHAT_MP_BASE_URL": f"{self.url}/wechat/mp",
            "DOUYIN_BASE_URL": f"{self.url}/douyin",
            "WEIBO_API_BASE_URL": f"{self.url}/weibo",
            "GOVCHECK_SECRETS_FILE": str(self.secrets_file),
        }


# == the previous round ==========================================================================


@dataclass(frozen=True)
class PreviousRound:
    """The bundled results of an earlier round: every target's verdict and 突出问题/备注 cell."""

    round_id: str
    as_of: date
    media_as_of: date
    file: str  # the file it was read from, as a path in the checkout (replica/weinan/…)
    failed: Mapping[str, str]  # target key → labels; every other target of the register passed


def load_previous_round(register: Register, name: str = PREVIOUS_ROUND_FILE) -> PreviousRound:
    path = register.folder / name
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    sites = {s.name for s in register.sites}
    accounts = {(a.name, a.account_type): a for a in register.accounts}
    failed: dict[str, str] = {}
    for number, entry in enumerate((document.get("failed") or {}).get("sites") or [], start=1):
        if entry.get("name") not in sites:
            problems.append(f"{path.name}: failed.sites[{number}]: {entry.get('name')!r} is not a website of the register")
        failed[site_key(str(entry.get("name")))] = str(entry.get("labels") or "")
    for number, entry in enumerate((document.get("failed") or {}).get("accounts") or [], start=1):
        account = accounts.get((entry.get("name"), entry.get("type")))
        if account is None:
            problems.append(f"{path.name}: failed.accounts[{number}]: no {entry.get('type')} account "
                            f"{entry.get('name')!r} in the register")
            continue
        failed[account.key] = str(entry.get("labels") or "")
    try:
        as_of, media_as_of = date.fromisoformat(str(document["as_of"])), date.fromisoformat(str(document["media_as_of"]))
    except (KeyError, ValueError):
        problems.append(f"{path.name}: as_of and media_as_of: expected dates YYYY-MM-DD")
        as_of = media_as_of = date.min
    if problems:
        raise RegisterError(problems)
    return PreviousRound(str(document.get("round") or ""), as_of, media_as_of,
                         f"{register.folder.parent.name}/{register.folder.name}/{name}", failed)

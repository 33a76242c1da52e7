"""Over real HTTP: replica sites served as GBK pages that declare no charset (no HTTP charset,
no <meta charset>) are read as a browser in zh-CN reads them. Their titles, dates, detail-page
dates and 互动交流 channels are those the manifest expects of the same sites in UTF-8.

A site of mostly ASCII markup with a few Chinese words (``/few-words/``) is the case a
statistical detector gets wrong (Scrapy's own guess reads it as cp949: mojibake titles, no
互动交流, no 年月日 dates); it is read right too."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest
import yaml

from govcheck_demo.replica import ReplicaServer, Reply
from govcheck_demo.replicas.targets import site_rows
from support import REPLICA, open_store, store_environment
from test_site_faults import import_register, run_sites_round

pytestmark = [pytest.mark.slow]  # each test reads a round crawled over HTTP

SITES = REPLICA / "sites"
MANIFEST = yaml.safe_load((SITES / "manifest.yaml").read_text(encoding="utf-8"))
# a home page with 互动交流 and dated lists; a list without dates (its detail pages are read);
# a home page naming only a section whose page names the channel (a channel candidate read)
SLUGS = ("fresh-trs", "no-dates", "zmhd-second")
META_CHARSET = re.compile(r"<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.I)


def as_undeclared_gbk(path: str, query: Any, headers: Mapping[str, str]) -> Reply | None:
    """The replica's file at ``path``; an HTML page re-encoded as GBK, its charset declaration
    taken out and sent as plain ``text/html``."""
    file = (SITES / path.lstrip("/")).resolve()
    if file.is_dir():
        file = file / "index.html"
    if not file.is_relative_to(SITES) or not file.is_file():
        return None
    if file.suffix not in (".html", ".htm"):
        return Reply(200, file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream")
    html = META_CHARSET.sub("", file.read_text(encoding="utf-8"))
    assert "charset" not in html.lower()
    return Reply(200, html.encode("gbk"), "text/html")


# -- a site of mostly ASCII markup with few Chinese words ----------------------------------------

FEW_WORDS = "渭南市少字局"
STYLE = "".join(f".c{i} {{ margin: 0 {i}px; padding: 0; font-size: 12px; color: #333; }}\n" for i in range(300))
NEWS = ("召开全市会议", "开展安全检查", "部署春耕工作")  # dated 2024-02-11, -12, -13 on the home page
NOTICES = ("关于开展春季安全检查的通知", "关于做好春耕备耕工作的通知", "关于发布雨雪天气预警的通知")  # undated; their pages say 2024-02-19, -18, -17


def few_words_page(body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><title>通知公告</title><style type="text/css">{STYLE}</style></head>'
        f'<body><div class="nav"><a href="/few-words/">Home</a> <a href="/few-words/hdjl/">互动交流</a></div>{body}</body></html>'
    ).encode("gbk")


def few_words(path: str, query: Any, headers: Mapping[str, str]) -> Reply | None:
    """Home (a dated list), 通知公告 (a list without dates) and its detail pages (dated 年月日)."""
    if path in ("", "index.html"):
        items = "".join(f'<li><a href="/few-words/xw/{i}.html">{t}</a><span class="date">[2024-02-1{i}]</span></li>' for i, t in enumerate(NEWS, 1))
        return Reply(200, few_words_page(f'<div class="news-list"><ul>{items}</ul></div>'), "text/html")
    if path == "tzgg/":
        items = "".join(f'<li><a href="/few-words/tzgg/202402/t2024021{i}_{i}.html" title="{t}">{t}</a></li>' for i, t in enumerate(NOTICES, 1))
        return Reply(200, few_words_page(f'<div class="news-list"><ul>{items}</ul></div>'), "text/html")
    if match := re.fullmatch(r"xw/(\d)\.html|tzgg/202402/t2024021\d_(\d)\.html", path):
        number = int(match[1] or match[2])
        title = NEWS[number - 1] if path.startswith("xw/") else NOTICES[number - 1]
        article = f'<div class="article"><h1>{title}</h1><div class="info">发布时间：2024年02月{20 - number}日</div><p>Lorem ipsum</p></div>'
        return Reply(200, few_words_page(article), "text/html")
    if path == "hdjl/":
        return Reply(200, few_words_page('<form action="/few-words/hdjl/post" method="post"><textarea name="nr"></textarea><button type="submit">提交</button></form>'), "text/html")
    return None


def site(slug: str) -> dict[str, Any]:
    return next(s for s in MANIFEST["sites"] if s["slug"] == slug)


@pytest.fixture(scope="module")
def gbk_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("gbk")
    with store_environment("embedded", folder) as env, ReplicaServer(SITES, routes={"/few-words/": few_words, "/": as_undeclared_gbk}) as server:
        sites, columns = site_rows(REPLICA, server.url)
        names = {site(slug)["name"] for slug in SLUGS}
        import_register(env, folder, {
            "网站": [row for row in sites if row["网站名称"] in names]
            + [{"网站名称": FEW_WORDS, "网址": server.url + "/few-words/", "网站类别": "县级部门网站", "区县": "渭南市", "主办单位": FEW_WORDS}],
            "栏目": [row for row in columns if row["网站名称"] in names]
            + [{"网站名称": FEW_WORDS, "栏目名称": "通知公告", "栏目地址": server.url + "/few-words/tzgg/", "栏目类型": "通知公告"}],
        })
        run = run_sites_round(env)
        yield {"run": run, "store": open_store(env), "base": server.url}


def observations(gbk_round: dict[str, Any], slug: str) -> dict[tuple[str, str], dict[str, Any]]:
    found = gbk_round["store"].find("observations", {"target_key": f"site:{site(slug)['name']}"})
    return {(o["kind"], o["key"]): o for o in found}


def test_a_page_served_this_way_declares_no_charset():
    body = as_undeclared_gbk("/fresh-trs/", {}, {})
    assert body is not None and body.content_type == "text/html" and b"charset" not in body.body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.body.decode("utf-8")


def test_the_round_finishes(gbk_round):
    assert gbk_round["run"].returncode == 0, gbk_round["run"].stderr[-3000:]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_is_read_as_gb18030_and_the_observation_says_so(gbk_round, slug):
    pages = [o for (kind, _), o in observations(gbk_round, slug).items() if kind in ("home", "column")]
    assert pages and all(o["charset"] == {"encoding": "gb18030", "how": "gb18030"} for o in pages), [o.get("charset") for o in pages]


@pytest.mark.parametrize("slug", SLUGS)
def test_titles_and_newest_dates_are_those_of_the_page(gbk_round, slug):
    seen = observations(gbk_round, slug)
    home = seen[("home", "home")]
    assert home["newest_date"].date() == date.fromisoformat(site(slug)["expected_home_newest"])
    for column in site(slug)["columns"]:
        observation = seen[("column", column["name"])]
        assert observation["state"] == "entries" and observation["newest_date"].date() == date.fromisoformat(column["expected_newest"])
        # every title reads as Chinese: no U+FFFD, no Latin-1 mojibake of GBK bytes
        titles = [entry["title"] for entry in observation["entries"]]
        assert titles and all(re.search(r"[\u4e00-\u9fff]", t) and not re.search(r"[\ufffd\u00c0-\u00ff]", t) for t in titles), titles


def test_dates_printed_on_gbk_detail_pages_are_read(gbk_round):
    column = next(c for c in site("no-dates")["columns"] if c["expected_method"] == "detail")
    observation = observations(gbk_round, "no-dates")[("column", column["name"])]
    read = {page["url"].removeprefix(gbk_round["base"]): page for page in observation["detail_pages"]}
    assert observation["method"] == "detail" and read
    for expected in column["details"]:
        if expected["path"] in read:
            page = read[expected["path"]]
            assert page["date"].date().isoformat() == expected["expected_date"], page
            assert page["title"] == expected["title"]


@pytest.mark.parametrize("slug", SLUGS)
def test_the_interaction_channel_is_recognised(gbk_round, slug):
    home = observations(gbk_round, slug)[("home", "home")]
    linked = {link["url"].removeprefix(gbk_round["base"]) for link in home.get("interaction_links") or []}
    assert set(site(slug)["expected_interaction_links"]) <= linked
    if "expected_channel_page" in site(slug):
        pages = home["channel_search"]["pages"]
        channel = next(page for page in pages if page["outcome"] == "channel")
        assert channel["url"].removeprefix(gbk_round["base"]) == site(slug)["expected_channel_page"]
        assert any(site(slug)["expected_channel_shows"] in shown for shown in channel["shows"])


@pytest.mark.parametrize("slug", SLUGS)
def test_each_site_gets_the_verdict_its_manifest_expects(gbk_round, slug):
    verdict = gbk_round["store"].find_one("verdicts", {"target_key": f"site:{site(slug)['name']}"})
    assert verdict["verdict"] == site(slug)["expected_verdict"], verdict


def test_a_detector_alone_misreads_the_few_words_site():
    from scrapy.http import HtmlResponse

    body = few_words("", {}, {}).body
    guessed = HtmlResponse("http://127.0.0.1/few-words/", body=body, headers={"Content-Type": "text/html"})
    assert guessed.encoding != "gb18030" and "互动交流" not in guessed.text


def test_the_few_words_site_is_read_right(gbk_round):
    found = gbk_round["store"].find("observations", {"target_key": f"site:{FEW_WORDS}"})
    seen = {(o["kind"], o["key"]): o for o in found}
    home, column = seen[("home", "home")], seen[("column", "通知公告")]
    assert home["charset"] == column["charset"] == {"encoding": "gb18030", "how": "gb18030"}
    assert sorted(entry["title"] for entry in home["entries"]) == sorted(NEWS)
    assert home["newest_date"].date() == date(2024, 2, 13)
    assert [link["name"] for link in home["interaction_links"]] == ["互动交流"]
    # the list shows no dates: those printed (年月日) on its GBK detail pages are read
    assert column["method"] == "detail" and column["newest_date"].date() == date(2024, 2, 19)
    assert sorted(page["date"].date().day for page in column["detail_pages"]) == [17, 18, 19]
    verdict = gbk_round["store"].find_one("verdicts", {"target_key": f"site:{FEW_WORDS}"})
    assert verdict["verdict"] != "不合格", verdict

"""`govcheck serve`, the office's console, over real HTTP in real Chromium (Debian's, through
Playwright) on the demo round, with the embedded store and with FerretDB.

The demo round is crawled once (`govcheck demo`, module-scoped) and copied into each test's own
store. It leaves nothing for review, so two checks are made to fail as a crawl fails them: the
home page of 华阴市人民政府 was not read, and WeChat answered 临渭交警's search with a captcha
(its text carrying markup, which must stay text). Both are then 待人工复核, as a real round's are.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, sync_playwright

from govcheck.rounds import classify_round
from govcheck.screenshots import save_screenshot
from govcheck.settings import PLAYWRIGHT_LAUNCH_OPTIONS
from govcheck.store import Store
from support import REPO, govcheck, open_store, store_environment

ROUND = "2024-1"
SITE, ACCOUNT = "site:华阴市人民政府", "account:微信:临渭交警"
# every test runs the demo round once and drives the console in Chromium
pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAPTCHA = "验证码拦截<script>alert('x')</script>"
COLLECTIONS = ("targets", "rounds", "runs", "observations", "findings", "verdicts")


# -- the demo round, a store of the test's own, the console in a process -------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded store's folder after `govcheck demo`."""
    folder = tmp_path_factory.mktemp("console-demo")
    with store_environment("embedded", folder) as env:
        finished = govcheck(env, "demo", "--out", str(folder / "reports"), timeout=1200)
        assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    return folder / "var"


def copy_demo(demo_folder: Path, env: dict[str, str]) -> Store:
    """The demo round in the store ``env`` points at, with its two checks failed as a crawl fails them."""
    if not env.get("GOVCHECK_MONGO_URI"):
        shutil.copytree(demo_folder, env["GOVCHECK_DATA_DIR"])
        store = open_store(env)
    else:
        # a fresh database: inserted as they are (FerretDB answers thousands of upserts slowly)
        source, store = Store.open(None, demo_folder), open_store(env)
        for collection in COLLECTIONS:
            store.mongo_database[collection].insert_many(source.find(collection))
    store.delete("observations", {"round": ROUND, "target_key": SITE, "kind": "home"})
    account = store.find_one("observations", {"round": ROUND, "target_key": ACCOUNT, "kind": "account"})
    store.upsert("observations", {**account, "found": None, "latest_post_at": None, "latest_original_at": None,
                                  "posts": [], "posts_read": 0, "error": CAPTCHA, "interaction": None})
    # one of the site's columns was read in a browser, its screenshot kept (GridFS, or a file beside the embedded store)
    column = store.find_one("observations", {"round": ROUND, "target_key": SITE, "kind": "column"})
    shot = save_screenshot(store, ROUND, SITE, "column", column["key"], png(Path(env["GOVCHECK_DATA_DIR"]).parent / "column.png").read_bytes(),
                           column["fetched_at"])
    store.upsert("observations", {**column, "screenshot": shot})
    verdicts = {a.target_key: a.verdict for a in classify_round(store, ROUND, [SITE, ACCOUNT])}
    assert verdicts == {SITE: "待人工复核", ACCOUNT: "待人工复核"}
    return store


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Console:
    """`govcheck serve` in its own process; ``url`` is where this machine reaches it."""

    def __init__(self, env: dict[str, str], out: Path, *arguments: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "govcheck.cli", "serve", "--port", str(self.port), "--out", str(out), *arguments],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"govcheck serve stopped: {self.process.stdout.read()}")
            try:
                urllib.request.urlopen(f"{self.url}/static/console.css", timeout=2).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("govcheck serve did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def console_store(demo_store: Path, store_location: dict[str, str], tmp_path: Path) -> Iterator[tuple[Console, Store]]:
    store = copy_demo(demo_store, store_location)
    console = Console(store_location, tmp_path / "reports")
    yield console, store
    console.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.on("dialog", lambda dialog: pytest.fail(f"a script ran on the page: {dialog.message}"))
    yield opened
    context.close()


def totals(page: Page, console: Console) -> dict[str, list[str]]:
    """The round page's 检查结果 table: kind → 总数, 合格, 不合格, 待人工复核, 合格率, change."""
    page.goto(f"{console.url}/rounds/{ROUND}")
    rows = page.locator("#totals tbody tr")
    return {cells[0]: cells[1:] for cells in (rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count()))}


def decide(page: Page, key: str, outcome: str, reason: str, inspector: str, label: str = "", screenshot: Path | None = None) -> None:
    item = page.locator(f"section.item[data-key='{key}']")
    item.locator(f"input[name=outcome][value='{outcome}']").check()
    if label:
        item.locator("input[name=label]").fill(label)
    item.locator("textarea[name=reason]").fill(reason)
    item.locator("input[name=inspector]").fill(inspector)
    if screenshot is not None:
        item.locator("input[name=screenshot]").set_input_files(str(screenshot))
    item.locator("button[type=submit]").click()
    page.wait_for_load_state()


def png(path: Path) -> Path:
    """A small real PNG: an inspector's screenshot."""
    row = b"\x00" + b"\xff\x00\x00" * 4
    chunk = lambda kind, data: len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")  # noqa: E731
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", (4).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
                     + chunk(b"IDAT", zlib.compress(row * 4)) + chunk(b"IEND", b""))
    return path


def document_text(path: Path) -> str:
    """Every cell and paragraph of an xlsx, docx or html file, as text."""
    if path.suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        return "\n".join(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    if path.suffix == ".docx":
        document = Document(str(path))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return path.read_text(encoding="utf-8")


# -- the flow ----------------------------------------------------------------------------------


def test_inspectors_decide_a_website_and_an_account_and_the_figures_and_reports_follow(
    console_store: tuple[Console, Store], store_location: dict[str, str], page: Page, tmp_path: Path
):
    console, store = console_store
    before = totals(page, console)
    assert before["网站"][:4] == ["51", "46", "4", "1"] and before["新媒体"][:4] == ["470", "436", "33", "1"]

    # the round's targets, filtered as an inspector filters them
    page.goto(f"{console.url}/rounds/{ROUND}/targets")
    page.select_option("select[name=kind]", "site")
    page.select_option("select[name=verdict]", "不合格")
    page.click("form.filters button[type=submit]")
    names = page.locator("#targets tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == sorted(["渭南市民政局", "渭南市住房和城乡建设局", "渭南市应急管理局", "韩城市财政局"])
    page.goto(f"{console.url}/rounds/{ROUND}/targets")
    page.select_option("select[name=problem]", "监测时间点无法访问")
    page.select_option("select[name=district]", "韩城市")
    page.click("form.filters button[type=submit]")
    assert page.locator("#targets tbody tr td:first-child").all_inner_texts() == ["韩城市财政局"]

    response = page.goto(f"{console.url}/rounds/{ROUND}/queue")
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    items = page.locator("section.item")
    assert sorted(items.nth(i).get_attribute("data-key") for i in range(items.count())) == sorted([SITE, ACCOUNT])
    # the scraped reason is shown as text, never run (a dialog fails the test)
    assert CAPTCHA in page.locator(f"section.item[data-key='{ACCOUNT}']").inner_text()

    decide(page, SITE, "合格", "2月20日人工打开首页，最新信息为2月19日", "张三")
    assert "张三" in page.locator(".flash").inner_text() and "待人工复核 → 合格" in page.locator(".flash").inner_text()
    decide(page, ACCOUNT, "不合格", "微信搜索不到该账号，已确认注销", "李四", label="搜索不到", screenshot=png(tmp_path / "shot.png"))
    assert page.locator("#queue-empty").is_visible()
    decided = page.locator("#decided tbody").inner_text()
    assert "人工复核（张三）" in decided and "搜索不到,人工复核（李四）" in decided

    after = totals(page, console)
    assert after["网站"][:4] == ["51", "47", "4", "0"] and after["网站"][4] == "92.2%"
    assert after["新媒体"][:4] == ["470", "436", "34", "0"] and after["新媒体"][4] == "92.8%"

    # the site's page: its screenshots inline, its earlier round
    page.goto(f"{console.url}/rounds/{ROUND}/target?{urllib.parse.urlencode({'key': SITE})}")
    assert page.locator("figure img.shot").evaluate("image => image.complete && image.naturalWidth") == 4
    assert [row.split("\t")[:2] for row in page.locator("#history tbody tr").all_inner_texts()] == [
        ["2024-1", "合格"], ["2023-4", "合格"]]

    # the account's page: its verdict, the decision appended with before → after, its screenshot inline
    page.goto(f"{console.url}/rounds/{ROUND}/target?{urllib.parse.urlencode({'key': ACCOUNT})}")
    assert page.locator("#verdict").inner_text() == "不合格"
    line = page.locator("p", has=page.locator("#verdict")).inner_text()
    assert "搜索不到,人工复核（李四）" in line and "单项否决" in line and "得分" not in line  # no 100 beside 不合格
    assert "待人工复核 → 不合格" in page.locator("#decisions").inner_text()
    assert page.locator("#decisions img.shot").evaluate("image => image.complete && image.naturalWidth") == 4

    # the store: two decisions appended, the verdicts recomputed with their authors
    decisions = store.find("decisions", {"round": ROUND}, sort=[("decided_at", 1)])
    assert [(d["target_key"], d["inspector"], d["before"]["verdict"], d["after"]["verdict"]) for d in decisions] == [
        (SITE, "张三", "待人工复核", "合格"), (ACCOUNT, "李四", "待人工复核", "不合格")]
    verdicts = {v["target_key"]: v for v in store.find("verdicts", {"round": ROUND, "target_key": {"$in": [SITE, ACCOUNT]}})}
    assert (verdicts[SITE]["verdict"], verdicts[SITE]["decided_by"]) == ("合格", "张三")
    assert (verdicts[ACCOUNT]["verdict"], verdicts[ACCOUNT]["labels"]) == ("不合格", "搜索不到,人工复核（李四）")

    # the CLI's queries say who decided, and the decided items are no longer reviews
    listed = govcheck(store_location, "query", "--round", ROUND, "--filter", json.dumps({"target_key": ACCOUNT}))
    assert listed.returncode == 0 and "搜索不到,人工复核（李四）" in listed.stdout
    assert "临渭交警" not in govcheck(store_location, "query", "--ask", "reviews", "--round", ROUND).stdout

    # the three documents, written by the button and downloaded, carry the decisions
    page.goto(f"{console.url}/rounds/{ROUND}")
    page.locator("#write-reports").click()
    page.wait_for_load_state()
    links = page.locator("#report-files a")
    assert links.count() == 3
    texts = {}
    for index in range(3):
        with page.expect_download() as download:
            links.nth(index).click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        texts[saved.suffix] = document_text(saved)
    assert set(texts) == {".xlsx", ".docx", ".html"}
    for suffix, text in texts.items():
        assert "搜索不到,人工复核（李四）" in text, suffix
        assert "人工复核（张三）" in text, suffix
    assert "不合格政务新媒体34个" in texts[".docx"] and "待人工复核" not in texts[".docx"]


def test_a_form_without_its_csrf_token_is_refused(console_store: tuple[Console, Store], page: Page):
    console, store = console_store
    page.goto(f"{console.url}/rounds/{ROUND}/queue")  # the session and its token exist
    form = {"target_key": SITE, "outcome": "合格", "reason": "伪造的请求", "inspector": "某人"}
    for token in ({}, {"csrf_token": "not-the-token"}):
        answer = page.request.post(f"{console.url}/rounds/{ROUND}/decisions", multipart={**form, **token}, max_redirects=0)
        assert answer.status == 403
        assert "CSRF" in answer.text() and answer.headers["content-security-policy"]
    assert store.count("decisions") == 0
    assert store.find_one("verdicts", {"round": ROUND, "target_key": SITE})["verdict"] == "待人工复核"


@pytest.mark.parametrize("store_location", ["embedded"], indirect=True)
def test_on_loopback_a_page_of_another_host_rebound_to_this_machine_is_refused(console_store: tuple[Console, Store]):
    console, _ = console_store
    asked = urllib.request.Request(f"{console.url}/rounds/{ROUND}/queue", headers={"Host": f"evil.example:{console.port}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(asked, timeout=30)
    assert refused.value.code == 400 and refused.value.headers["content-security-policy"]
    assert urllib.request.urlopen(f"http://localhost:{console.port}/rounds/{ROUND}/queue", timeout=30).status == 200


@pytest.mark.parametrize("store_location", ["embedded"], indirect=True)
def test_off_loopback_a_user_who_has_not_logged_in_is_refused(
    demo_store: Path, store_location: dict[str, str], tmp_path: Path, browser: Any
):
    copy_demo(demo_store, store_location)
    users = tmp_path / "users.yaml"
    added = subprocess.run([sys.executable, "-m", "govcheck.cli", "serve", "--users", str(users), "--add-user", "张三"],
                           input="a long passphrase\n", capture_output=True, text=True, cwd=REPO, timeout=60)
    assert added.returncode == 0, added.stderr
    assert "a long passphrase" not in users.read_text(encoding="utf-8") and "$argon2id$" in users.read_text(encoding="utf-8")
    refused = govcheck(store_location, "serve", "--host", "0.0.0.0", "--port", str(free_port()), timeout=60)
    assert refused.returncode == 1 and "--users" in refused.stderr

    console = Console(store_location, tmp_path / "reports", "--host", "0.0.0.0", "--users", str(users))
    try:
        stranger, member = browser.new_context(), browser.new_context()
        page = stranger.new_page()
        page.goto(f"{console.url}/rounds/{ROUND}/queue")
        assert page.url == f"{console.url}/login" and page.locator("section.item").count() == 0
        posted = page.request.post(f"{console.url}/rounds/{ROUND}/decisions", multipart={"target_key": SITE, "outcome": "合格"},
                                   max_redirects=0)
        assert posted.status == 403
        page.fill("input[name=name]", "张三")
        page.fill("input[name=password]", "a wrong passphrase")
        page.click("button[type=submit]")
        assert page.locator(".flash.error").is_visible()
        assert page.goto(f"{console.url}/rounds/{ROUND}").url.endswith("/login")

        signed = member.new_page()
        signed.goto(f"{console.url}/login")
        signed.fill("input[name=name]", "张三")
        signed.fill("input[name=password]", "a long passphrase")
        signed.click("button[type=submit]")
        signed.goto(f"{console.url}/rounds/{ROUND}/queue")
        assert signed.locator("section.item").count() == 2 and "检查人：张三" in signed.locator("section.item").first.inner_text()
        stranger.close()
        member.close()
    finally:
        console.stop()

"""Settings read once per component (govcheck.config), each default defined once (govcheck.settings)."""

import ast
from pathlib import Path

from scrapy.settings import Settings

from govcheck import settings as defaults
from govcheck.config import (
    AccountsConfig,
    BrowserConfig,
    DouyinConfig,
    SitesConfig,
    StoreConfig,
    WechatConfig,
    WeiboConfig,
    or_profile,
)

PACKAGE = Path(__file__).resolve().parent.parent / "govcheck"
READERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict"}


def test_settings_without_the_project_read_as_the_project_defines_them():
    empty = Settings()
    store = StoreConfig.from_settings(empty)
    assert store.retry_seconds == defaults.GOVCHECK_STORE_RETRY_SECONDS
    assert (store.batch_seconds, store.batch_size) == (defaults.GOVCHECK_STORE_BATCH_SECONDS, defaults.GOVCHECK_STORE_BATCH_SIZE)
    sites = SitesConfig.from_settings(empty)
    assert sites.evidence_entries == defaults.GOVCHECK_EVIDENCE_ENTRIES
    assert sites.links_per_site == defaults.GOVCHECK_LINKS_PER_SITE
    assert sites.link_timeout == empty.getfloat("DOWNLOAD_TIMEOUT")  # no link timeout of its own: the page timeout
    assert WeiboConfig.from_settings(empty).base_url == defaults.WEIBO_API_BASE_URL.rstrip("/")
    assert DouyinConfig.from_settings(empty).base_url == defaults.DOUYIN_BASE_URL.rstrip("/")
    wechat = WechatConfig.from_settings(empty)
    assert wechat.sources == tuple(defaults.WECHAT_SOURCES.split(","))
    assert wechat.mp_base_url == defaults.WECHAT_MP_BASE_URL
    assert AccountsConfig.from_settings(empty).interaction_busy_texts == tuple(defaults.INTERACTION_BUSY_TEXTS)
    assert BrowserConfig.from_settings(empty).loopback_only == defaults.GOVCHECK_CHROMIUM_LOOPBACK_ONLY


def test_a_crawl_setting_wins_over_the_default_and_an_empty_text_does_not():
    settings = Settings({
        "GOVCHECK_STORE_RETRY_SECONDS": "5", "WEIBO_API_BASE_URL": "http://127.0.0.1:8000/weibo/",
        "WEIBO_MAX_PAGES": 0, "WECHAT_SOURCES": " mp , client ", "WECHAT_SOGOU_BASE_URL": "",
        "GOVCHECK_LINK_TIMEOUT": 7, "DOWNLOAD_TIMEOUT": 60,
    })
    assert StoreConfig.from_settings(settings).retry_seconds == 5.0
    weibo = WeiboConfig.from_settings(settings)
    assert weibo.base_url == "http://127.0.0.1:8000/weibo" and weibo.max_pages == 1  # at least one page
    wechat = WechatConfig.from_settings(settings)
    assert wechat.sources == ("mp", "client") and wechat.sogou_base_url == defaults.WECHAT_SOGOU_BASE_URL
    assert SitesConfig.from_settings(settings).link_timeout == 7.0


def test_an_override_left_unset_keeps_the_profiles_value():
    unset = SitesConfig.from_settings(Settings())
    assert unset.probe_timeout is None and or_profile(unset.probe_timeout, 30) == 30.0
    assert or_profile(SitesConfig.from_settings(Settings({"GOVCHECK_PROBE_TIMEOUT": 2})).probe_timeout, 30) == 2.0
    pause = AccountsConfig.from_settings(Settings({"GOVCHECK_INTERACTION_RETRY_PAUSE": 0})).interaction_retry_pause
    assert or_profile(pause, 10) == 0.0  # zero is a value, not "unset"


def literal_defaults(source: str) -> list[str]:
    """``settings.get…("NAME", <literal>)`` calls: a default written at the use."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in READERS
            and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and node.args[0].value.isupper() and isinstance(node.args[1], ast.Constant)
        ):
            found.append(f"{node.args[0].value}={node.args[1].value!r} (line {node.lineno})")
    return found


def test_the_walk_finds_a_default_written_at_its_use():
    assert literal_defaults('x = settings.getfloat("GOVCHECK_STORE_RETRY_SECONDS", 600)') == ["GOVCHECK_STORE_RETRY_SECONDS=600 (line 1)"]
    assert literal_defaults('x = settings.getfloat("GOVCHECK_STORE_RETRY_SECONDS", defaults.X)') == []


def test_no_module_writes_a_settings_default_of_its_own():
    written = {
        str(path.relative_to(PACKAGE.parent)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "settings.py" and (found := literal_defaults(path.read_text(encoding="utf-8")))
    }
    assert written == {}, "defaults belong in govcheck/settings.py (read them through govcheck.config)"

"""Settings read once per component, as scrapy-playwright reads its own into a ``Config``.

Each component that reads several settings (the sites spider, the account spiders, the store's
retries and batches, the browser handler) builds one frozen dataclass from the crawler's Scrapy
settings when it starts, and reads its fields from then on. Every default is the value of the
setting in :mod:`govcheck.settings`, where each setting is defined and documented: a crawler
whose settings lack one (a test's own ``Settings``) behaves as the project does. Nothing here
decides anything: what a value means stays with the component that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.settings import BaseSettings

from govcheck import settings as defaults

def _override(settings: BaseSettings, name: str) -> float | None:
    """A setting that overrides a rules profile's value: None (unset) keeps the profile's."""
    value = settings.get(name, getattr(defaults, name))
    return None if value is None or value == "" else float(value)


def or_profile(override: float | None, profile_value: Any) -> float:
    """An override setting's value when set, else the rules profile's."""
    return float(profile_value) if override is None else override


def _number(settings: BaseSettings, name: str) -> float:
    """A number setting: None or "" (set but empty) reads as its default."""
    value = settings.get(name)
    return float(getattr(defaults, name) if value is None or value == "" else value)


def _text(settings: BaseSettings, name: str) -> str:
    """A text setting: unset or empty reads as its default."""
    return str(settings.get(name) or getattr(defaults, name) or "")


@dataclass(frozen=True)
class StoreConfig:
    """The store's patience and batching (GOVCHECK_STORE_*)."""

    retry_seconds: float
    batch_seconds: float
    batch_size: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> StoreConfig:
        return cls(
            retry_seconds=settings.getfloat("GOVCHECK_STORE_RETRY_SECONDS", defaults.GOVCHECK_STORE_RETRY_SECONDS),
            batch_seconds=settings.getfloat("GOVCHECK_STORE_BATCH_SECONDS", defaults.GOVCHECK_STORE_BATCH_SECONDS),
            batch_size=max(1, settings.getint("GOVCHECK_STORE_BATCH_SIZE", defaults.GOVCHECK_STORE_BATCH_SIZE)),
        )


@dataclass(frozen=True)
class SitesConfig:
    """What the sites spider reads of the settings (the ``inspection`` part of govcheck.settings)."""

    probe_interval: float | None  # None: the profile's spacing
    probe_timeout: float | None  # None: the profile's timeout
    evidence_entries: int
    detail_pages: int
    parse_processes: int | None  # None: chosen by the round's size (govcheck.parsing)
    parse_pool_min_sites: int
    max_parse_chars: int  # a page (its frames included) over it is too_large, not parsed
    links_per_site: float | None  # None: the profile's websites.links.checked_per_site
    check_outbound_links: bool
    link_timeout: float  # GOVCHECK_LINK_TIMEOUT, else DOWNLOAD_TIMEOUT
    https_port: int | None  # GOVCHECK_HTTPS_PORT (None: https's own port, 443)
    channel_pages: int
    discovered_columns: int
    serious_errors_file: str | None
    misspellings_file: str | None  # None: the shipped govcheck/data/misspellings.txt
    splash_url: str | None
    splash_wait: float
    redis_url: str | None  # a round shared by several nodes (govcheck.distributed)
    page_wait: float  # how long a link to a page in the downloader waits for its fetch
    store: StoreConfig

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SitesConfig:
        processes = settings.get("GOVCHECK_PARSE_PROCESSES", defaults.GOVCHECK_PARSE_PROCESSES)
        link_timeout = _override(settings, "GOVCHECK_LINK_TIMEOUT")
        return cls(
            probe_interval=_override(settings, "GOVCHECK_PROBE_INTERVAL"),
            probe_timeout=_override(settings, "GOVCHECK_PROBE_TIMEOUT"),
            evidence_entries=settings.getint("GOVCHECK_EVIDENCE_ENTRIES", defaults.GOVCHECK_EVIDENCE_ENTRIES),
            detail_pages=settings.getint("GOVCHECK_DETAIL_PAGES", defaults.GOVCHECK_DETAIL_PAGES),
            parse_processes=None if processes in (None, "") else int(processes),
            parse_pool_min_sites=settings.getint("GOVCHECK_PARSE_POOL_MIN_SITES", defaults.GOVCHECK_PARSE_POOL_MIN_SITES),
            max_parse_chars=settings.getint("GOVCHECK_MAX_PARSE_CHARS", defaults.GOVCHECK_MAX_PARSE_CHARS),
            links_per_site=_override(settings, "GOVCHECK_LINKS_PER_SITE"),
            check_outbound_links=settings.getbool("GOVCHECK_CHECK_OUTBOUND_LINKS", defaults.GOVCHECK_CHECK_OUTBOUND_LINKS),
            link_timeout=(
                link_timeout if link_timeout is not None
                else settings.getfloat("DOWNLOAD_TIMEOUT", defaults.DOWNLOAD_TIMEOUT)
            ),
            https_port=settings.getint("GOVCHECK_HTTPS_PORT") or None if settings.get("GOVCHECK_HTTPS_PORT") else defaults.GOVCHECK_HTTPS_PORT,
            channel_pages=settings.getint("GOVCHECK_CHANNEL_PAGES", defaults.GOVCHECK_CHANNEL_PAGES),
            discovered_columns=settings.getint("GOVCHECK_DISCOVERED_COLUMNS", defaults.GOVCHECK_DISCOVERED_COLUMNS),
            serious_errors_file=settings.get("GOVCHECK_SERIOUS_ERRORS_FILE") or None,
            misspellings_file=settings.get("GOVCHECK_MISSPELLINGS_FILE") or None,
            splash_url=settings.get("SPLASH_URL") or None,
            splash_wait=settings.getfloat("SPLASH_WAIT", defaults.SPLASH_WAIT),
            redis_url=settings.get("GOVCHECK_REDIS_URL", defaults.GOVCHECK_REDIS_URL) or None,
            # as long as the page's fetch may take: each try's timeout, and a minute to spare
            page_wait=settings.getfloat("DOWNLOAD_TIMEOUT", defaults.DOWNLOAD_TIMEOUT) * (settings.getint("RETRY_TIMES", defaults.RETRY_TIMES) + 1) + 60,
            store=StoreConfig.from_settings(settings),
        )


@dataclass(frozen=True)
class AccountsConfig:
    """What every account spider reads: how an interaction entry's page is read."""

    interaction_error_texts: tuple[str, ...]
    interaction_busy_texts: tuple[str, ...]
    interaction_retry_pause: float | None  # None: the profile's pause

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> AccountsConfig:
        return cls(
            interaction_error_texts=tuple(settings.getlist("INTERACTION_ERROR_TEXTS", defaults.INTERACTION_ERROR_TEXTS)),
            interaction_busy_texts=tuple(settings.getlist("INTERACTION_BUSY_TEXTS", defaults.INTERACTION_BUSY_TEXTS)),
            interaction_retry_pause=_override(settings, "GOVCHECK_INTERACTION_RETRY_PAUSE"),
        )


@dataclass(frozen=True)
class WeiboConfig:
    """The Weibo spider's API, pace, depth and patience (WEIBO_*)."""

    base_url: str
    download_delay: float
    max_pages: int
    history_days: int
    retries: int
    backoff_seconds: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> WeiboConfig:
        return cls(
            base_url=_text(settings, "WEIBO_API_BASE_URL").rstrip("/"),
            download_delay=settings.getfloat("WEIBO_DOWNLOAD_DELAY", defaults.WEIBO_DOWNLOAD_DELAY),
            max_pages=max(1, int(_number(settings, "WEIBO_MAX_PAGES"))),
            history_days=int(_number(settings, "WEIBO_HISTORY_DAYS")),
            retries=int(_number(settings, "WEIBO_RETRIES")),
            backoff_seconds=_number(settings, "WEIBO_BACKOFF_SECONDS"),
        )


@dataclass(frozen=True)
class WechatConfig:
    """The WeChat spider's sources, pace and depth (WECHAT_*)."""

    sogou_base_url: str
    mp_base_url: str
    sources: tuple[str, ...]  # in the order they are asked
    download_delay: float
    max_pages: int
    history_days: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> WechatConfig:
        return cls(
            sogou_base_url=_text(settings, "WECHAT_SOGOU_BASE_URL"),
            mp_base_url=_text(settings, "WECHAT_MP_BASE_URL"),
            sources=tuple(s.strip() for s in _text(settings, "WECHAT_SOURCES").split(",") if s.strip()),
            download_delay=settings.getfloat("WECHAT_DOWNLOAD_DELAY", defaults.WECHAT_DOWNLOAD_DELAY),
            max_pages=max(1, int(_number(settings, "WECHAT_MAX_PAGES"))),
            history_days=int(_number(settings, "WECHAT_HISTORY_DAYS")),
        )


@dataclass(frozen=True)
class DouyinConfig:
    """The Douyin spider's site, pace and patience (DOUYIN_*)."""

    base_url: str
    download_delay: float
    capture_timeout: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> DouyinConfig:
        return cls(
            base_url=_text(settings, "DOUYIN_BASE_URL").rstrip("/"),
            download_delay=settings.getfloat("DOUYIN_DOWNLOAD_DELAY", defaults.DOUYIN_DOWNLOAD_DELAY),
            capture_timeout=_number(settings, "DOUYIN_CAPTURE_TIMEOUT"),
        )


@dataclass(frozen=True)
class BrowserConfig:
    """How the browser handler launches Chromium (govcheck.chromium)."""

    sandbox: Any  # "auto", or a truth value
    loopback_only: bool

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> BrowserConfig:
        return cls(
            sandbox=settings.get("GOVCHECK_CHROMIUM_SANDBOX", defaults.GOVCHECK_CHROMIUM_SANDBOX),
            loopback_only=settings.getbool("GOVCHECK_CHROMIUM_LOOPBACK_ONLY", defaults.GOVCHECK_CHROMIUM_LOOPBACK_ONLY),
        )

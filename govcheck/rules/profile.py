"""Rules profiles: every threshold and every printed text of the rules, as data.

A profile is a YAML file shipped in ``govcheck/rules/profiles/`` (read through
importlib.resources, so it works from a zipped egg under scrapyd) or any ``.yaml`` path.
It is validated when loaded: a missing or mistyped key is an error naming that key.

A profile file may derive from another (``extends: national-2019``, or a path relative to the
file): it then holds only what it changes, mappings merged key by key over the other's, any
other value replacing the other's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from dateutil.relativedelta import relativedelta

__all__ = [
    "DEFAULT_PROFILE",
    "ScoreItem",
    "SCORE_LABEL_DEFAULTS",
    "ProfileError",
    "Profile",
    "ColumnType",
    "available_profiles",
    "load_profile",
    "profile_reference",
]

DEFAULT_PROFILE = "national-2019"
PROFILES_PACKAGE = "govcheck.rules"
PROFILES_FOLDER = "profiles"
PROFILE_SUFFIXES = (".yaml", ".yml")
SEVERITIES = ("veto", "deduct", "note")  # `review` and `unmeasured` are the engine's, never a profile's choice
# who measures a 扣分 item of ``scoring.items``: a rule of ours, or an inspector who records it
SCORE_ITEM_MEASURERS = ("crawler", "inspector")
DURATION_UNITS = ("days", "months", "years")
# what an account's 互动入口 answering a server error on every try is worth
SERVER_ERROR_OUTCOMES = ("review", "broken")


class ProfileError(ValueError):
    """A profile does not exist or is not valid."""


@dataclass(frozen=True)
class ColumnType:
    """How one 栏目类型 is judged: its staleness period (None: never stale) and rule groups."""

    name: str
    stale_after: Mapping[str, int] | None
    timely: bool
    should_update: bool

    def stale_before(self, day: date) -> date | None:
        """The threshold date: a newest entry dated before it is stale (None: not checked)."""
        if self.stale_after is None:
            return None
        # relativedelta's stubs type its keywords by its first positional parameters (dt1, dt2)
        return day - relativedelta(**dict(self.stale_after))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ScoreItem:
    """One 扣分 item of the score (``scoring.items``): the findings under ``code`` take its
    points off; ``by`` says who measures it (``crawler``: a rule of ours; ``inspector``: a
    manual record)."""

    code: str
    name: str
    by: str
    part: str

    def covers(self, code: str) -> bool:
        """Whether a finding code belongs to this item (its own code or one below it)."""
        return code == self.code or code.startswith(f"{self.code}.") or code.startswith(f"{self.code}:")


@dataclass(frozen=True)
class Profile:
    """A loaded, validated, read-only rules profile."""

    name: str
    title: str
    # read-only; left out of equality and hashing (two loads of one file are equal by name and origin)
    data: Mapping[str, Any] = field(compare=False, repr=False)
    origin: str = ""

    # -- generic access ------------------------------------------------------------------

    def value(self, *path: str) -> Any:
        """The value at a key path, e.g. ``value("websites", "home_page", "stale_days")``."""
        node: Any = self.data
        for depth, key in enumerate(path):
            if not isinstance(node, Mapping) or key not in node:
                raise ProfileError(f"profile {self.name}: no key {'.'.join(path[: depth + 1])}")
            node = node[key]
        return node

    def section(self, *path: str) -> Mapping[str, Any]:
        """A mapping of the profile, e.g. ``section("websites", "availability")``."""
        node = self.value(*path)
        if not isinstance(node, Mapping):
            raise ProfileError(f"profile {self.name}: {'.'.join(path)} is not a mapping")
        return node

    # -- typed accessors -----------------------------------------------------------------

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.data["timezone"])

    @property
    def full_score(self) -> float:
        return float(self.data["scoring"]["full_score"])

    @property
    def pass_score(self) -> float:
        return float(self.data["scoring"]["pass_score"])

    def max_points(self, code: str) -> float | None:
        """The points the indicator of a finding code holds (None: uncapped).

        An indicator covers its own code and every code below it (``site.x`` covers ``site.x.y``).
        """
        caps = self.data["scoring"]["max_points"]
        owners = [c for c in caps if code == c or code.startswith(f"{c}.")]
        return float(caps[max(owners, key=len)]) if owners else None

    def score_items(self, part: str) -> tuple[ScoreItem, ...]:
        """The 扣分 items of ``websites`` or ``new_media`` (none in a profile without ``scoring.items``)."""
        items = self.data["scoring"].get("items") or ()
        return tuple(ScoreItem(i["code"], i["name"], i["by"], i.get("part", "websites")) for i in items
                     if i.get("part", "websites") == part)

    def score_text(self, key: str) -> str:
        """A text of ``scoring.labels`` (``below_pass``, ``incomplete``), with its default."""
        labels = self.data["scoring"].get("labels") or {}
        return str(labels.get(key, SCORE_LABEL_DEFAULTS[key]))

    def verdict_text(self, outcome: str) -> str:
        """``pass``, ``fail`` or ``review`` as the notice prints it."""
        return self.data["verdicts"][outcome]

    @property
    def label_separator(self) -> str:
        return self.data["label_separator"]

    @property
    def review_separator(self) -> str:
        return self.data["review_separator"]

    def label_order(self, part: str) -> tuple[str, ...]:
        """Label templates of ``websites`` or ``new_media`` in the order the cell prints them."""
        return tuple(self.data[part]["label_order"])

    def label_rank(self, part: str, label: str) -> int:
        """Position of a label in its part's order; templates like ``已改名({current_name})…`` match any value."""
        for rank, template in enumerate(self.label_order(part)):
            if _template_pattern(template).fullmatch(label):
                return rank
        return len(self.label_order(part))

    @property
    def probe_interval_seconds(self) -> float:
        """Seconds between a site's probes of a one-shot round: the span its failed probes must
        cover, over the gaps between them; a profile made before the span keeps its interval."""
        availability = self.data["websites"]["availability"]
        span = availability.get("probe_span_seconds")
        if span is None:
            return float(availability["probe_interval_seconds"])
        return float(span) / (availability["probe_count"] - 1)

    def column_type(self, name: str) -> ColumnType | None:
        """How a 栏目类型 is judged (None for a type the profile does not know)."""
        columns = self.data["websites"]["columns"]
        for entry in columns["column_types"]:
            if entry["type"] == name:
                return ColumnType(
                    name=name,
                    stale_after=entry["stale_after"],
                    timely=name in columns["timely_types"],
                    should_update=name in columns["should_update_types"],
                )
        return None


@functools.lru_cache(maxsize=64)
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


# -- loading -------------------------------------------------------------------------------


def _profiles_folder() -> Any:
    return resources.files(PROFILES_PACKAGE) / PROFILES_FOLDER


def available_profiles() -> list[str]:
    """Names of the profiles shipped with govcheck."""
    return sorted(
        entry.name.rsplit(".", 1)[0]
        for entry in _profiles_folder().iterdir()
        if entry.name.endswith(PROFILE_SUFFIXES)
    )


def _looks_like_path(name: str) -> bool:
    return name.endswith(PROFILE_SUFFIXES) or "/" in name or "\\" in name


def profile_reference(name: str | Path) -> str:
    """How a round records its profile: a shipped profile by its name, a profile file by its
    absolute path, so the round can be classified, rechecked and reported from any folder."""
    if isinstance(name, Path) or _looks_like_path(str(name)):
        return str(Path(name).resolve())
    return str(name)


def load_profile(name: str | Path = DEFAULT_PROFILE) -> Profile:
    """A shipped profile by name (``national-2019``), or a profile file by path.

    Raises :class:`ProfileError` (a ValueError) for an unknown name, naming the available
    ones, and for an invalid profile, naming the key that is missing or wrong.
    """
    if isinstance(name, Path) or _looks_like_path(str(name)):
        return _profile_file(Path(name), ())
    return _shipped_profile(str(name))


def _profile_file(path: Path, derived_from_it: tuple[str, ...]) -> Profile:
    """A profile file; ``derived_from_it``: the files (resolved) extending it, to refuse a loop."""
    return _profile_from_text(
        _read_profile_file(path), str(path), default_name=path.stem, reasons_from=_shipped_profile(DEFAULT_PROFILE),
        folder=path.parent, derived_from_it=(*derived_from_it, str(path.resolve())),
    )


def _read_profile_file(path: Path) -> str:
    """The text of a profile file; every way it cannot be read is a ProfileError naming it."""
    try:
        content = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise ProfileError(f"rules profile file {path} does not exist") from None
    except IsADirectoryError:
        raise ProfileError(f"rules profile file {path} is a folder, not a file") from None
    except OSError as error:
        raise ProfileError(f"rules profile file {path} cannot be read: {error.strerror or error}") from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ProfileError(
            f"rules profile file {path} is not UTF-8 text (line {line}); save it as UTF-8 (a GBK file must be converted)"
        ) from None


@functools.lru_cache(maxsize=16)
def _shipped_profile(name: str) -> Profile:
    # Profiles are immutable, so one loaded copy per name serves every round.
    for suffix in PROFILE_SUFFIXES:
        entry = _profiles_folder() / f"{name}{suffix}"
        if entry.is_file():
            return _profile_from_text(entry.read_text(encoding="utf-8"), f"{PROFILES_PACKAGE}:{entry.name}", default_name=name)
    available = ", ".join(available_profiles()) or "none"
    raise ProfileError(f"unknown rules profile {name!r}; available: {available} (or give a path to a .yaml file)")


def _profile_from_text(
    text: str,
    origin: str,
    default_name: str,
    reasons_from: Profile | None = None,
    folder: Path | None = None,
    derived_from_it: tuple[str, ...] = (),
) -> Profile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ProfileError(f"rules profile {origin} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"rules profile {origin}: expected a mapping at the top level")
    data.setdefault("name", default_name)
    if "extends" in data:
        data = _extended(data, origin, folder, derived_from_it)
    if reasons_from is not None:
        _fill_review_outcomes(data, reasons_from)
    problems = validate_profile(data)
    if problems:
        raise ProfileError(f"rules profile {origin} is invalid: " + "; ".join(problems))
    return Profile(name=data["name"], title=data["title"], data=_frozen(data), origin=origin)


def _extended(data: dict[str, Any], origin: str, folder: Path | None, chain: tuple[str, ...]) -> dict[str, Any]:
    """The data of a profile that ``extends`` another: the other's, with this one's over it."""
    base = data.pop("extends")
    if not isinstance(base, str) or not base.strip():
        raise ProfileError(f"rules profile {origin}: extends: expected the name of a shipped profile or the path of a .yaml file")
    if _looks_like_path(base):
        path = Path(base) if Path(base).is_absolute() or folder is None else folder / base
        if str(path.resolve()) in chain:
            raise ProfileError(f"rules profile {origin}: extends: {base}, which is extended by it (a loop)")
        extended = _profile_file(path, chain)
    else:
        extended = _shipped_profile(base)
    return _merged(_thawed(extended.data), data)


def _merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` over it: mappings merged key by key, any other value replaced."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _thawed(value: Any) -> Any:
    """A loaded profile's read-only data as plain YAML data again."""
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


def _fill_review_outcomes(data: dict[str, Any], default: Profile) -> None:
    """The wording of review outcomes a profile file does not have yet, from the shipped default.

    Offices copy the shipped profile and change thresholds; a later version that adds a review
    outcome (its ``review_code``, its ``reasons.NAME``) must not make their copy (and every round
    stored with it) unloadable. Only these are filled: thresholds, labels and the codes of
    failures stay what the file says.
    """
    for key, _ in REQUIRED:
        parts = key.split(".")
        if parts[-1] == "review_code":
            section = parts[:-1]
        elif len(parts) > 2 and parts[-2] == "reasons":
            section = parts[:-2]
        else:
            continue
        holder: Any = data
        for part in section:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, dict):
            continue  # the section itself is missing: validation says so
        if parts[-2] == "reasons":
            holder = holder.setdefault("reasons", {})
        if isinstance(holder, dict) and parts[-1] not in holder:
            holder[parts[-1]] = default.value(*parts)


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


# -- validation ------------------------------------------------------------------------------

Check = Callable[[Any], str]  # returns "" when the value is fine, else what is wrong


def _text(value: Any) -> str:
    return "" if isinstance(value, str) and value.strip() else "expected a non-empty text"


def _number(value: Any) -> str:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    return "" if ok else "expected a number ≥ 0"


def _positive(value: Any) -> str:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return "" if ok else "expected a number > 0"


def _count(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return "" if ok else "expected a whole number ≥ 1"


def _ratio(value: Any) -> str:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1
    return "" if ok else "expected a ratio in (0, 1]"


def _severity(value: Any) -> str:
    return "" if value in SEVERITIES else f"expected one of {', '.join(SEVERITIES)}"


def _texts(value: Any) -> str:
    ok = isinstance(value, list) and value and all(not _text(v) for v in value)
    return "" if ok else "expected a non-empty list of texts"


def _mapping(value: Any) -> str:
    return "" if isinstance(value, dict) else "expected a mapping"


def _timezone(value: Any) -> str:
    if _text(value):
        return _text(value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r}"
    return ""


def _duration(value: Any) -> str:
    """null (not checked) or {days|months|years: whole number}, longer than zero."""
    if value is None:
        return ""
    if not isinstance(value, dict) or not value:
        return "expected null or a duration like {days: 14}, {months: 6}, {years: 1}"
    for unit, amount in value.items():
        if unit not in DURATION_UNITS:
            return f"unknown duration unit {unit!r} (use {', '.join(DURATION_UNITS)})"
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            return f"{unit}: expected a whole number ≥ 0"
    if not any(value.values()):
        # {days: 0} would make everything not dated on the monitoring day late
        return "expected a duration longer than zero"
    return ""


def _period(value: Any) -> str:
    """A duration that must be given: {days|months|years: n}."""
    if value is None:
        return "expected a duration like {days: 14}, {months: 3}, {years: 1}"
    return _duration(value)


# Every key the engine reads, with what it must hold.
REQUIRED: tuple[tuple[str, Check], ...] = (
    ("name", _text),
    ("title", _text),
    ("timezone", _timezone),
    ("verdicts.pass", _text),
    ("verdicts.fail", _text),
    ("verdicts.review", _text),
    ("label_separator", _text),
    ("review_separator", _text),
    ("scoring.full_score", _positive),
    ("scoring.pass_score", _number),
    ("scoring.max_points", _mapping),
    ("websites.label_order", _texts),
    ("websites.availability.code", _text),
    ("websites.availability.review_code", _text),
    ("websites.availability.severity", _severity),
    ("websites.availability.probe_count", _count),
    ("websites.availability.probe_timeout_seconds", _positive),
    ("websites.availability.failure_ratio", _ratio),
    ("websites.availability.min_probes_for_ratio", _count),
    ("websites.availability.labels.ratio", _text),
    ("websites.availability.labels.all_failed", _text),
    ("websites.availability.labels.review", _text),
    ("websites.availability.reasons.partial", _text),
    ("websites.availability.reasons.no_probes", _text),
    ("websites.availability.reasons.refused", _text),
    ("websites.availability.reasons.before_window", _text),
    ("websites.availability.reasons.short_span", _text),
    ("websites.home_page.code", _text),
    ("websites.home_page.review_code", _text),
    ("websites.home_page.severity", _severity),
    ("websites.home_page.stale_days", _count),
    ("websites.home_page.labels.stale", _text),
    ("websites.home_page.labels.review", _text),
    ("websites.home_page.reasons.missing", _text),
    ("websites.home_page.reasons.unread", _text),
    ("websites.home_page.reasons.undated", _text),
    ("websites.home_page.reasons.later_only", _text),
    ("websites.home_page.reasons.render_failed", _text),
    ("websites.columns.column_types", lambda v: "" if isinstance(v, list) and v else "expected a non-empty list"),
    ("websites.columns.timely_types", _texts),
    ("websites.columns.should_update_types", _texts),
    ("websites.columns.stale_veto_count", _count),
    ("websites.columns.long_stale_veto_count", _count),
    ("websites.columns.blank_veto_count", _count),
    ("websites.columns.severity", _severity),
    ("websites.columns.note_severity", _severity),
    ("websites.columns.codes.stale", _text),
    ("websites.columns.codes.long_stale", _text),
    ("websites.columns.codes.blank", _text),
    ("websites.columns.codes.review", _text),
    ("websites.columns.labels.stale", _text),
    ("websites.columns.labels.long_stale", _text),
    ("websites.columns.labels.blank", _text),
    ("websites.columns.labels.stale_note", _text),
    ("websites.columns.labels.blank_note", _text),
    ("websites.columns.labels.review", _text),
    ("websites.columns.reasons.missing", _text),
    ("websites.columns.reasons.unread", _text),
    ("websites.columns.reasons.undated", _text),
    ("websites.columns.reasons.later_only", _text),
    ("websites.columns.reasons.none_found", _text),
    ("websites.columns.reasons.render_failed", _text),
    ("websites.columns.reasons.oldest_first", _text),
    ("websites.columns.reasons.blank_render_failed", _text),
    ("websites.links.code", _text),
    ("websites.links.severity", _severity),
    ("websites.links.max_points", _number),
    ("websites.links.label", _text),
    ("websites.links.checked_per_site", _count),
    ("websites.interaction.codes.unanswered", _text),
    ("websites.interaction.codes.no_channel", _text),
    ("websites.interaction.codes.review", _text),
    ("websites.interaction.severity", _severity),
    ("websites.interaction.window", _period),
    ("websites.interaction.reply_within", _period),
    ("websites.interaction.labels.unanswered", _text),
    ("websites.interaction.labels.no_channel", _text),
    ("websites.interaction.labels.review", _text),
    ("websites.interaction.reasons.unknown_replies", _text),
    ("websites.interaction.reasons.no_messages", _text),
    ("websites.interaction.reasons.channel_broken", _text),
    ("websites.interaction.reasons.channel_unresolved", _text),
    ("websites.interaction.reasons.channel_not_rendered", _text),
    ("websites.interaction.reasons.channel_not_searched", _text),
    ("websites.interaction.reasons.channel_no_navigation", _text),
    ("websites.interaction.reasons.channel_pages_unread", _text),
    ("websites.serious_errors.code", _text),
    ("websites.serious_errors.severity", _severity),
    ("websites.serious_errors.label", _text),
    ("websites.serious_errors.reasons.quoted", _text),
    ("websites.serious_errors.reasons.hidden", _text),
    ("new_media.label_order", _texts),
    ("new_media.review_label", _text),
    ("new_media.not_found.code", _text),
    ("new_media.not_found.review_code", _text),
    ("new_media.not_found.severity", _severity),
    ("new_media.not_found.label", _text),
    ("new_media.not_found.reasons.unknown", _text),
    ("new_media.not_found.reasons.missing", _text),
    ("new_media.long_no_update.code", _text),
    ("new_media.long_no_update.severity", _severity),
    ("new_media.long_no_update.days", _count),
    ("new_media.long_no_update.label", _text),
    ("new_media.no_update.code", _text),
    ("new_media.no_update.review_code", _text),
    ("new_media.no_update.severity", _severity),
    ("new_media.no_update.days", _count),
    ("new_media.no_update.label", _text),
    ("new_media.no_update.reasons.unread", _text),
    ("new_media.no_update.reasons.unknown", _text),
    ("new_media.no_update.reasons.later_only", _text),
    ("new_media.no_update.reasons.read_before", _text),
    ("new_media.no_update.reasons.original_only", _text),
    ("new_media.no_original.code", _text),
    ("new_media.no_original.review_code", _text),
    ("new_media.no_original.severity", _severity),
    ("new_media.no_original.days", _count),
    ("new_media.no_original.label", _text),
    ("new_media.no_original.reasons.unknown", _text),
    ("new_media.no_original.reasons.later_only", _text),
    ("new_media.no_original.reasons.unread", _text),
    ("new_media.no_original.reasons.read_before", _text),
    ("new_media.renamed.code", _text),
    ("new_media.renamed.review_code", _text),
    ("new_media.renamed.severity", _severity),
    ("new_media.renamed.label", _text),
    ("new_media.renamed.reasons.truncated", _text),
    ("new_media.interaction.codes.missing", _text),
    ("new_media.interaction.codes.broken", _text),
    ("new_media.interaction.codes.review", _text),
    ("new_media.interaction.severity", _severity),
    ("new_media.interaction.labels.missing", _text),
    ("new_media.interaction.labels.broken", _text),
    ("new_media.interaction.reasons.unknown", _text),
    ("new_media.interaction.reasons.unrecorded", _text),
    ("new_media.interaction.reasons.server_error", _text),
)

# Keys the engine reads when present, with what they must hold. A profile copied before a key
# was added keeps its behaviour without it (and so do the rounds stored with it).
OPTIONAL: tuple[tuple[str, Check], ...] = (
    # words of unified platforms' hosts whose links are channels; without it, none is known
    ("websites.interaction.platform_hosts", _texts),
    # proof of absence: the fewest named navigation entries of a recognised navigation (2 without it)
    ("websites.interaction.navigation_min_entries", _count),
    # the monitored window of 站点无法访问; without it every visit up to the monitoring point counts
    ("websites.availability.window_days", _count),
    # the span the failed visits of a one-shot round must cover (the probes are spaced by it);
    # copies made before it space their probes by probe_interval_seconds and need no span
    ("websites.availability.probe_span_seconds", _positive),
    ("websites.availability.probe_interval_seconds", _number),
    # the tries of an account's 互动入口 URL and the pause between them; without them one try
    ("new_media.interaction.attempts", _count),
    ("new_media.interaction.pause_seconds", _number),
    # what a server error on every try is worth; without it review (never a false 不合格)
    ("new_media.interaction.server_error", lambda v: "" if v in SERVER_ERROR_OUTCOMES else
     f"expected one of {', '.join(SERVER_ERROR_OUTCOMES)}"),
    # 服务不实用 (1); a profile without it does not check it (govcheck.rules.services)
    ("websites.services", lambda v: _section_problem(v, SERVICES_KEYS)),
    # proof of absence of 服务不实用: the fewest named navigation entries (2 without it)
    ("websites.services.navigation_min_entries", _count),
    # 错别字 (a 扣分 item); a profile without it does not check it (govcheck.rules.spelling)
    ("websites.misspellings", lambda v: _section_problem(v, MISSPELLINGS_KEYS)),
    # 办事指南要素; a profile without it does not check it (govcheck.rules.guides)
    ("websites.guides", lambda v: _section_problem(v, GUIDES_KEYS)),
    # 安全 links and later dates; a profile without it does not check them (govcheck.rules.security)
    ("websites.security", lambda v: _section_problem(v, SECURITY_KEYS)),
    # the home page's links counted apart (2015 普查 链接可用性: 首页 / 其他页面); without it one count
    ("websites.links.home", lambda v: _section_problem(v, LINKS_HOME_KEYS)),
    ("websites.links.unmeasured", _text),
    # 首页可用性 (扣分) over the week's visits; without it not scored
    ("websites.availability.home", lambda v: _section_problem(v, AVAILABILITY_HOME_KEYS)),
    # 功能设计 (marks, 找错, search, HTTPS); a profile without it does not check them (govcheck.rules.design)
    ("websites.design", lambda v: _section_problem(v, DESIGN_KEYS)),
    # the 扣分 items of the score; without them a score is complete with the deductions found
    ("scoring.items", lambda v: _score_items_problem(v)),
    ("scoring.labels.below_pass", _text),
    ("scoring.labels.incomplete", _text),
    ("scoring.labels.unrecorded", _text),
    ("scoring.labels.recorded", _text),
)

# what websites.availability.home must hold when present
AVAILABILITY_HOME_KEYS: tuple[tuple[str, Check], ...] = (
    ("code", _text),
    ("failure_ratio", _number),
    ("points", _number),
    ("label", _text),
    ("unmeasured", _text),
)

# what websites.links.home must hold when present
LINKS_HOME_KEYS: tuple[tuple[str, Check], ...] = (
    ("code", _text),
    ("points", _number),
    ("max_points", _number),
    ("label", _text),
)

# what one entry of scoring.items must hold
SCORE_ITEM_KEYS: tuple[tuple[str, Check], ...] = (
    ("code", _text),
    ("name", _text),
    ("by", lambda v: "" if v in SCORE_ITEM_MEASURERS else f"expected one of {', '.join(SCORE_ITEM_MEASURERS)}"),
)
# the printed texts of the score when a profile leaves them out
SCORE_LABEL_DEFAULTS = {
    "below_pass": "得分低于60分",
    "incomplete": "评分未完成（缺：{items}）",
    "unrecorded": "{item}由检查人评分，本轮尚未记录",
    "recorded": "{item}扣{points}分",
}


def _score_items_problem(value: Any) -> str:
    if not isinstance(value, list):
        return "expected a list of items (code, name, by)"
    codes = []
    for index, item in enumerate(value):
        if wrong := _section_problem(item, SCORE_ITEM_KEYS):
            return f"[{index}] {wrong}"
        if item.get("part", "websites") not in ("websites", "new_media"):
            return f"[{index}].part: expected websites or new_media"
        if item["code"] in codes:
            return f"[{index}].code: {item['code']} is listed twice"
        codes.append(item["code"])
    return ""


# what websites.misspellings must hold when present: a deduction, never a veto or a review
MISSPELLINGS_KEYS: tuple[tuple[str, Check], ...] = (
    ("code", _text),
    ("severity", lambda v: "" if v == "deduct" else "expected deduct (错别字 is a 扣分 item)"),
    ("points", _number),
    ("max_points", _number),
    ("label", _text),
    ("reasons.not_read", _text),
    ("reasons.not_scanned", _text),
)

# what websites.guides must hold when present
GUIDES_KEYS: tuple[tuple[str, Check], ...] = (
    ("code", _text),
    ("severity", _severity),
    ("points", _number),
    ("max_points", _number),
    ("sample_size", _count),
    ("max_pages", _count),
    ("min_elements", _count),
    ("label", _text),
    ("unmeasured_label", _text),
    ("reasons.missing", _text),
    ("reasons.home_not_read", _text),
    ("reasons.not_recorded", _text),
    ("reasons.none_found", _text),
    ("reasons.elsewhere_only", _text),
    ("reasons.unreadable", _text),
)

# what websites.security must hold when present
SECURITY_KEYS: tuple[tuple[str, Check], ...] = (
    ("list", _text),
    ("codes.bad_links", _text),
    ("codes.review", _text),
    ("codes.future_dates", _text),
    ("severity", _severity),
    ("labels.hidden", _text),
    ("labels.shown", _text),
    ("labels.review", _text),
    ("labels.future_dates", _text),
    ("reasons.ambiguous", _text),
    ("reasons.future_dates", _text),
)

# what websites.design must hold when present
DESIGN_ITEMS = ("site_code", "icp", "police_record", "party_mark", "find_error", "search", "search_broken", "https")
DESIGN_KEYS: tuple[tuple[str, Check], ...] = (
    ("severity", _severity),
    ("max_points", _number),
    *((f"items.{item}.{key}", check) for item in DESIGN_ITEMS for key, check in (("code", _text), ("points", _number), ("label", _text))),
    *((f"items.{item}.looked_for", _text) for item in DESIGN_ITEMS[:5]),
    *((f"reasons.{reason}", _text) for reason in (
        "not_read", "not_recorded", "no_footer", "footer_scripted", "search_scripted", "search_script", "search_post",
        "search_other_host", "search_failed", "search_results_scripted", "search_no_entry", "https_failed",
    )),
)

# what websites.services must hold when present: key path → check
SERVICES_KEYS: tuple[tuple[str, Check], ...] = (
    ("codes.none", _text),
    ("codes.review", _text),
    ("severity", _severity),
    ("labels.none", _text),
    ("labels.review", _text),
    ("portal_hosts", lambda v: "" if isinstance(v, list) and all(isinstance(w, str) and w for w in v) else "expected a list of words"),
    ("offered_by_category", _mapping),
    ("reasons.entries_broken", _text),
    ("reasons.not_rendered", _text),
    ("reasons.no_navigation", _text),
    ("reasons.unclear", _text),
)


def _section_problem(value: Any, keys: tuple[tuple[str, Check], ...]) -> str:
    """The first problem of a section that must hold ``keys`` (empty when none)."""
    if not isinstance(value, dict):
        return "expected a mapping"
    for dotted, check in keys:
        present, found = _lookup(value, dotted)
        if not present:
            return f"missing key {dotted}"
        if wrong := check(found):
            return f"{dotted}: {wrong}"
    return ""


def _lookup(data: Any, dotted: str) -> tuple[bool, Any]:
    node = data
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return True, node


def validate_profile(data: dict[str, Any]) -> list[str]:
    """Every problem of a profile's data, each naming its key (empty when valid)."""
    problems = []
    for dotted, check in REQUIRED:
        present, value = _lookup(data, dotted)
        if not present:
            problems.append(f"missing key {dotted}")
        elif wrong := check(value):
            problems.append(f"{dotted}: {wrong}")
    for dotted, check in OPTIONAL:
        present, value = _lookup(data, dotted)
        if present and (wrong := check(value)):
            problems.append(f"{dotted}: {wrong}")
    problems += _validate_severities(data)
    if not problems:
        problems += _validate_column_types(data["websites"]["columns"])
        problems += _validate_max_points(data["scoring"]["max_points"])
        problems += _validate_relations(data)
    return problems


def _validate_severities(data: dict[str, Any]) -> list[str]:
    """A ``deduct`` severity needs the points it takes off."""
    problems = []
    for dotted, _ in REQUIRED:
        if not dotted.endswith("severity"):
            continue
        present, value = _lookup(data, dotted)
        if present and value == "deduct":
            points_key = dotted.rsplit(".", 1)[0] + ".points"
            found, points = _lookup(data, points_key)
            if not found:
                problems.append(f"missing key {points_key} (severity deduct needs points)")
            elif wrong := _number(points):
                problems.append(f"{points_key}: {wrong}")
    return problems


def _validate_column_types(columns: dict[str, Any]) -> list[str]:
    problems, names = [], []
    for index, entry in enumerate(columns["column_types"]):
        where = f"websites.columns.column_types[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with type and stale_after")
            continue
        if "type" not in entry:
            problems.append(f"missing key {where}.type")
        elif wrong := _text(entry["type"]):
            problems.append(f"{where}.type: {wrong}")
        else:
            names.append(entry["type"])
        if "stale_after" not in entry:
            problems.append(f"missing key {where}.stale_after (null when the type is never stale)")
        elif wrong := _duration(entry["stale_after"]):
            problems.append(f"{where}.stale_after: {wrong}")
    for group in ("timely_types", "should_update_types"):
        for name in columns[group]:
            if name not in names:
                problems.append(f"websites.columns.{group}: {name} is not in column_types")
            elif not any(e.get("type") == name and e.get("stale_after") for e in columns["column_types"]):
                problems.append(f"websites.columns.{group}: {name} has no stale_after")
    return problems


def _validate_max_points(caps: dict[str, Any]) -> list[str]:
    return [f"scoring.max_points.{code}: {wrong}" for code, points in caps.items() if (wrong := _number(points))]


def _validate_relations(data: dict[str, Any]) -> list[str]:
    """Keys each valid on its own that together would fail (or misprint) targets the rules pass."""
    problems = []
    scoring = data["scoring"]
    if scoring["pass_score"] > scoring["full_score"]:
        problems.append(
            f"scoring.pass_score: {scoring['pass_score']} is above scoring.full_score ({scoring['full_score']}): "
            "every target would fail"
        )
    availability = data["websites"]["availability"]
    span, interval = availability.get("probe_span_seconds"), availability.get("probe_interval_seconds")
    if span is None and interval is None:
        problems.append(
            "missing key websites.availability.probe_span_seconds (the span a site's failed probes must cover; "
            "profiles made before it give probe_interval_seconds instead)"
        )
    elif span is not None and interval is not None:
        problems.append(
            "websites.availability.probe_interval_seconds: not used with probe_span_seconds, which spaces the probes "
            "(span / (probe_count − 1)); remove it"
        )
    elif span is not None and availability["probe_count"] < 2:
        problems.append(
            f"websites.availability.probe_count: {availability['probe_count']} probe cannot cover "
            f"websites.availability.probe_span_seconds ({span}): give at least 2"
        )
    if availability["min_probes_for_ratio"] <= availability["probe_count"]:
        problems.append(
            f"websites.availability.min_probes_for_ratio: {availability['min_probes_for_ratio']} is not above "
            f"websites.availability.probe_count ({availability['probe_count']}): one failed visit of a single "
            "round's probes would be judged by the week's failure ratio"
        )
    long_days, days = data["new_media"]["long_no_update"]["days"], data["new_media"]["no_update"]["days"]
    if long_days <= days:
        problems.append(
            f"new_media.long_no_update.days: {long_days} is not above new_media.no_update.days ({days}): "
            "the long period must be the longer one, or accounts on time by no_update would be vetoed as long without update"
        )
    seen: dict[str, str] = {}
    for outcome in ("pass", "fail", "review"):
        text = data["verdicts"][outcome]
        if text in seen:
            problems.append(f"verdicts.{outcome}: {text} is also verdicts.{seen[text]}: the verdicts must differ")
        seen.setdefault(text, outcome)
    return problems

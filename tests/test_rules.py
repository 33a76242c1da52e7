"""The rules profile and engine: every threshold at its boundary, every review path, the notice's labels.

The monitoring time point is the seed notice's (2024-02-20, end of day, Beijing time) unless a
test says otherwise; "N days before" means a publish time on the calendar day N days earlier.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import bson
import pytest
import yaml

import govcheck.rules as rules_package
import govcheck.rules.profile as profile_module
from govcheck.rules import (
    Assessment,
    Finding,
    Profile,
    ProfileError,
    assess,
    available_profiles,
    counts_against,
    evaluate_account,
    evaluate_site,
    load_profile,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2024, 2, 20, 23, 59, 59, tzinfo=SHANGHAI)
PROFILE_FILE = Path(profile_module.__file__).parent / "profiles" / "national-2019.yaml"


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile("national-2019")


@pytest.fixture(scope="module")
def shipped_profile(profile: Profile) -> Profile:
    return profile


# -- builders ---------------------------------------------------------------------------------


def days_before(days: int, as_of: datetime = AS_OF, at: time = time(10, 30)) -> datetime:
    """A publish time on the calendar day `days` before the monitoring time point (Beijing)."""
    return datetime.combine(as_of.astimezone(SHANGHAI).date() - timedelta(days=days), at, tzinfo=SHANGHAI)


def on(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(9, 0), tzinfo=SHANGHAI)


def site(name: str = "渭南市乡村振兴局", columns: list[tuple[str, str]] = ()) -> dict[str, Any]:
    return {
        "key": f"site:{name}",
        "kind": "site",
        "name": name,
        "url": "http://xczx.weinan.gov.cn/",
        "columns": [{"name": n, "type": t, "url": f"http://xczx.weinan.gov.cn/{i}/"} for i, (n, t) in enumerate(columns)],
    }


def probe(number: int, ok: bool, error: str = "", apart: timedelta = timedelta(minutes=15)) -> dict[str, Any]:
    """A probe of the round; probes are ``apart`` from each other (national-2019 spaces three over 30 minutes)."""
    return {
        "kind": "probe", "key": f"probe-{number}", "url": "http://xczx.weinan.gov.cn/",
        "fetched_at": AS_OF - timedelta(hours=1) - apart * number, "ok": ok,
        "status": 200 if ok else None, "error": "" if ok else (error or "timeout"), "elapsed_ms": 120,
    }


def probes(total: int, failed: int) -> list[dict[str, Any]]:
    return [probe(n, ok=n > failed) for n in range(1, total + 1)]


def home(newest: datetime | None, state: str = "entries", error: str = "") -> dict[str, Any]:
    entries = [{"title": "工作动态", "url": "http://xczx.weinan.gov.cn/a.html", "date": newest, "date_text": "", "pinned": False}]
    return {
        "kind": "home", "key": "home", "url": "http://xczx.weinan.gov.cn/", "fetched_at": AS_OF - timedelta(hours=1),
        "status": 200, "state": state, "entries": entries if state == "entries" else [], "newest_date": newest, "error": error,
        "misspellings": [],  # scanned for 错别字, none (without it the item is unmeasured)
    }


def column(name: str, column_type: str, newest: datetime | None, state: str = "entries", error: str = "", index: int = 0) -> dict[str, Any]:
    entries = [{"title": "标题", "url": f"http://xczx.weinan.gov.cn/{index}/t.html", "date": newest, "date_text": "x", "pinned": False}]
    return {
        "kind": "column", "key": name, "column_name": name, "column_type": column_type,
        "url": f"http://xczx.weinan.gov.cn/{index}/", "fetched_at": AS_OF - timedelta(hours=1), "status": 200,
        "method": "generic", "state": state, "entries": entries if state == "entries" else [],
        "newest_date": newest, "error": error, "misspellings": [],
    }


def judged(target: dict[str, Any], observations: list[dict[str, Any]], as_of: datetime, profile: Profile) -> list[Finding]:
    """What the rules conclude about a site, without the 扣分 items they could not measure (those
    only keep the score from being final: see the score tests)."""
    return [f for f in evaluate_site(target, observations, as_of, profile) if f.severity != "unmeasured"]


def healthy_site_observations() -> list[dict[str, Any]]:
    return [*probes(3, 0), home(days_before(1))]


def site_with(columns: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A reachable site with a fresh home page and these column observations."""
    target = site(columns=[(c["key"], c["column_type"]) for c in columns])
    for index, observation in enumerate(columns):
        observation["url"] = target["columns"][index]["url"]
    return target, [*healthy_site_observations(), *columns]


def stale_columns(count: int, column_type: str = "动态要闻", start: int = 0) -> list[dict[str, Any]]:
    return [column(f"{column_type}{start + i}", column_type, days_before(400), index=start + i) for i in range(count)]


def fresh_columns(count: int, column_type: str = "动态要闻", start: int = 100) -> list[dict[str, Any]]:
    return [column(f"{column_type}{start + i}", column_type, days_before(1), index=start + i) for i in range(count)]


def account(name: str = "渭南二黄", platform: str = "微信", interaction_url: str = "https://mp.weixin.qq.com/hd") -> dict[str, Any]:
    return {
        "key": f"account:{platform}:{name}", "kind": "account", "name": name, "platform": platform,
        "account_type": "微信订阅号", "interaction_url": interaction_url,
    }


def seen(**fields: Any) -> dict[str, Any]:
    """A crawled account observation of a healthy account; keyword arguments override."""
    observation = {
        "kind": "account", "key": "account", "source": "sogou", "fetched_at": AS_OF - timedelta(hours=2),
        "found": True, "current_name": None, "latest_post_at": days_before(1), "latest_original_at": days_before(1),
        "originals_known": True, "posts": [{"title": "推文", "url": "https://mp.weixin.qq.com/s/1", "time": days_before(1), "original": True}],
        "interaction": {"state": "ok", "url": "https://mp.weixin.qq.com/hd", "status": 200}, "error": "",
    }
    observation.update(fields)
    return observation


def manual(**fields: Any) -> dict[str, Any]:
    """An inspector's observation as govcheck.manual writes it (nothing recorded unless given)."""
    observation = {
        "kind": "account", "key": "manual", "source": "manual", "manual": True, "found": True,
        "current_name": None, "latest_post_at": None, "latest_original_at": None, "originals_known": False,
        "interaction": {"state": "unknown", "url": ""}, "screenshot": "shot.png", "inspector": "张三", "fetched_at": None,
    }
    observation.update(fields)
    return observation


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def by_code(findings: list[Finding], code: str) -> Finding:
    return next(f for f in findings if f.code == code)


def verdict(target: dict[str, Any], observations: list[dict[str, Any]], profile: Profile, as_of: datetime = AS_OF) -> tuple[str, str]:
    result = assess(target, observations, as_of, profile)
    return result.verdict, result.labels


# == profile ==================================================================================


def test_the_default_profile_is_national_2019_with_the_indicator_values(shipped_profile):
    assert load_profile() == shipped_profile
    assert shipped_profile.name == "national-2019" and "国办秘函〔2019〕19号" in shipped_profile.title
    availability = shipped_profile.section("websites", "availability")
    assert (availability["probe_count"], availability["probe_timeout_seconds"], availability["probe_span_seconds"]) == (3, 15, 1800)
    assert shipped_profile.probe_interval_seconds == 900  # three probes over 30 minutes
    assert (availability["failure_ratio"], availability["min_probes_for_ratio"]) == (0.05, 140)
    assert shipped_profile.value("websites", "home_page", "stale_days") == 14
    assert shipped_profile.pass_score == 60 and shipped_profile.full_score == 100
    assert [shipped_profile.value("new_media", rule, "days") for rule in ("no_update", "long_no_update", "no_original")] == [14, 90, 90]


def test_column_type_periods_are_calendar_durations(profile):
    day = date(2024, 2, 20)
    assert profile.column_type("动态要闻").stale_before(day) == date(2024, 2, 6)
    assert profile.column_type("通知公告").stale_before(day) == date(2023, 8, 20)
    assert profile.column_type("政策文件").stale_before(day) == date(2023, 8, 20)
    assert profile.column_type("人事信息").stale_before(day) == date(2023, 2, 20)
    assert profile.column_type("规划计划").stale_before(day) == date(2023, 2, 20)
    assert profile.column_type("互动交流").stale_before(day) is None
    assert profile.column_type("其他").stale_before(day) is None
    assert profile.column_type("通知公告").stale_before(date(2024, 8, 31)) == date(2024, 2, 29)  # month ends clamp


def test_a_profile_loads_from_a_yaml_path_too(tmp_path):
    copy = tmp_path / "weinan.yaml"
    copy.write_text(PROFILE_FILE.read_text(encoding="utf-8").replace("name: national-2019", "name: weinan-2024"), encoding="utf-8")
    assert load_profile(str(copy)).name == "weinan-2024"
    assert load_profile(copy).name == "weinan-2024"


def test_a_profile_copied_before_a_review_reason_was_worded_still_loads(tmp_path, profile):
    data = yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8"))
    del data["websites"]["availability"]["reasons"]["refused"]
    del data["new_media"]["no_original"]["reasons"]["unread"]
    del data["new_media"]["renamed"]["review_code"], data["new_media"]["renamed"]["reasons"]  # added later too
    del data["new_media"]["interaction"]["reasons"]["unrecorded"]
    path = tmp_path / "weinan-2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    copied = load_profile(path)
    # the reason texts come from the shipped profile; nothing else is filled
    assert copied.value("websites", "availability", "reasons", "refused") == profile.value("websites", "availability", "reasons", "refused")
    assert copied.value("new_media", "no_original", "reasons", "unread") == profile.value("new_media", "no_original", "reasons", "unread")
    assert copied.value("new_media", "renamed", "review_code") == profile.value("new_media", "renamed", "review_code")
    assert copied.value("new_media", "renamed", "reasons", "truncated") == profile.value("new_media", "renamed", "reasons", "truncated")
    assert copied.value("new_media", "interaction", "reasons", "unrecorded") == "互动入口未记录"
    del data["new_media"]["no_original"]["days"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError, match="new_media.no_original.days"):
        load_profile(path)


def test_a_profile_file_may_derive_from_another_and_hold_only_what_it_changes(tmp_path, profile):
    derived = tmp_path / "weinan-patient.yaml"
    derived.write_text("extends: national-2019\nwebsites:\n  availability:\n    probe_timeout_seconds: 20\n", encoding="utf-8")
    patient = load_profile(derived)
    assert (patient.name, patient.title) == ("weinan-patient", profile.title)
    assert patient.value("websites", "availability", "probe_timeout_seconds") == 20
    assert patient.value("websites", "availability", "failure_ratio") == 0.05  # the rest of the mapping is kept
    assert patient.label_order("websites") == profile.label_order("websites")
    # a file may derive from a file beside it, which derives from a shipped profile
    (tmp_path / "county.yaml").write_text("extends: weinan-patient.yaml\nname: county\nscoring:\n  pass_score: 70\n", encoding="utf-8")
    county = load_profile(tmp_path / "county.yaml")
    assert (county.name, county.pass_score, county.value("websites", "availability", "probe_timeout_seconds")) == ("county", 70, 20)


def test_a_profile_deriving_in_a_loop_or_from_nothing_known_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"extends: a\.yaml, which is extended by it \(a loop\)"):
        load_profile(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("extends: provincial-2030\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"unknown rules profile 'provincial-2030'"):
        load_profile(tmp_path / "c.yaml")
    (tmp_path / "d.yaml").write_text("extends: missing.yaml\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"missing\.yaml does not exist"):
        load_profile(tmp_path / "d.yaml")


def test_shipped_profiles_are_read_as_package_resources(shipped_profile):
    assert available_profiles() == ["national-2019"]
    assert shipped_profile.origin == "govcheck.rules:national-2019.yaml"
    assert "resources.files" in inspect.getsource(profile_module)
    assert "__file__" not in inspect.getsource(profile_module)


def test_profiles_load_from_a_zipped_egg(tmp_path):
    package = Path(profile_module.__file__).parents[1]
    egg = tmp_path / "govcheck.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        archive.write(package / "__init__.py", "govcheck/__init__.py")
        for path in (package / "rules").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, f"govcheck/{path.relative_to(package).as_posix()}")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import govcheck.rules as rules; "
        "assert rules.__file__.startswith(sys.argv[1]), rules.__file__; "
        "print(rules.load_profile().name, rules.available_profiles())"
    )
    result = subprocess.run([sys.executable, "-I", "-c", script, str(egg)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "national-2019 ['national-2019']"


def test_an_unknown_profile_names_the_available_ones():
    with pytest.raises(ValueError, match=r"unknown rules profile 'provincial-2030'; available: national-2019"):
        load_profile("provincial-2030")
    with pytest.raises(ProfileError, match="does not exist"):
        load_profile("/nowhere/profile.yaml")


def write_variant(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_missing_key_is_named(tmp_path):
    path = write_variant(tmp_path, lambda d: d["websites"]["home_page"].pop("stale_days"))
    with pytest.raises(ProfileError, match=r"missing key websites\.home_page\.stale_days"):
        load_profile(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["websites"]["availability"].__setitem__("failure_ratio", 5), r"websites\.availability\.failure_ratio: expected a ratio"),
        (lambda d: d["websites"]["columns"]["column_types"][0].__setitem__("stale_after", {"weeks": 2}), r"column_types\[0\]\.stale_after: unknown duration unit 'weeks'"),
        (lambda d: d["new_media"]["no_update"].__setitem__("severity", "fatal"), r"new_media\.no_update\.severity: expected one of veto, deduct, note"),
        (lambda d: d["new_media"]["no_update"].__setitem__("severity", "deduct"), r"missing key new_media\.no_update\.points"),
        (lambda d: d["websites"]["columns"]["timely_types"].append("专题专栏"), r"timely_types: 专题专栏 is not in column_types"),
        (lambda d: d.__setitem__("timezone", "Mars/Olympus"), r"timezone: unknown time zone"),
        (lambda d: d["websites"]["availability"].__setitem__("window_days", 0), r"websites\.availability\.window_days: expected a whole number"),
    ],
)
def test_wrong_values_are_named(tmp_path, change, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(write_variant(tmp_path, change))


def test_a_loaded_profile_cannot_be_changed(profile):
    with pytest.raises(TypeError):
        profile.section("websites", "home_page")["stale_days"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        profile.name = "other"  # type: ignore[misc]


# == websites: 站点无法访问 ===================================================================


def availability(total: int, failed: int, profile: Profile) -> list[Finding]:
    return [f for f in judged(site(), [*probes(total, failed), home(days_before(1))], AS_OF, profile) if f.code.startswith("site.availability")]


def test_no_failed_probe_no_finding(profile):
    assert availability(3, 0, profile) == []


def test_one_of_three_probes_failed_is_for_an_inspector(profile):
    [finding] = availability(3, 1, profile)
    assert finding.severity == "review"
    assert finding.reason == "3次探测中1次失败；单次检查无法按指标的一周比例判定"
    assert (finding.evidence["probes"], finding.evidence["failed"]) == (3, 1)


def test_two_of_three_probes_failed_is_still_not_a_veto(profile):
    [finding] = availability(3, 2, profile)
    assert finding.severity == "review" and finding.reason.startswith("3次探测中2次失败")


def test_every_probe_failed_at_the_monitoring_time_point(profile):
    [finding] = availability(3, 3, profile)
    assert (finding.severity, finding.label) == ("veto", "监测时间点无法访问")
    assert [v["error"] for v in finding.evidence["visits"]] == ["timeout"] * 3
    assert [v["key"] for v in finding.evidence["visits"]] == ["probe-1", "probe-2", "probe-3"]
    assert finding.evidence["failed_span_seconds"] == 1800
    assert (finding.rule["threshold"]["probe_count"], finding.rule["threshold"]["probe_span_seconds"]) == (3, 1800)


def failed_probes(count: int, apart: timedelta) -> list[dict[str, Any]]:
    return [probe(n, ok=False, apart=apart) for n in range(1, count + 1)]


@pytest.mark.parametrize("count, apart, span", [
    (3, timedelta(seconds=5), "10"),                       # the old one-shot spacing: ten seconds of an outage
    (3, timedelta(seconds=899, milliseconds=950), "1799.9"),  # just short of the 30 minutes
    (2, timedelta(minutes=30), "1800"),                    # over the span, but one visit short
])
def test_failed_probes_that_do_not_cover_the_span_are_for_an_inspector(profile, count, apart, span):
    [finding] = [f for f in judged(site(), [*failed_probes(count, apart), home(days_before(1))], AS_OF, profile)
                 if f.code.startswith("site.availability")]
    assert (finding.code, finding.severity, finding.label) == ("site.availability.review", "review", "网站可访问性待人工复核")
    assert finding.reason == (
        f"http://xczx.weinan.gov.cn/的{count}次访问均失败，但按记录的时间，失败访问仅跨{span}秒；"
        "判定监测时间点无法访问需至少3次失败访问、跨度不少于1800秒，请补测或人工核查可访问性"
    )
    assert finding.evidence["failed_span_seconds"] == round((count - 1) * apart.total_seconds(), 3)
    assert (finding.rule["threshold"]["probe_count"], finding.rule["threshold"]["probe_span_seconds"]) == (3, 1800)


def test_failed_probes_over_more_than_the_span_fail_the_site(profile):
    [finding] = [f for f in judged(site(), [*failed_probes(4, timedelta(hours=1)), home(days_before(1))], AS_OF, profile)
                 if f.code.startswith("site.availability")]
    assert (finding.severity, finding.label, finding.evidence["failed_span_seconds"]) == ("veto", "监测时间点无法访问", 3 * 3600)


def test_a_profile_copied_before_the_probe_span_keeps_its_spacing_and_asks_no_span(tmp_path):
    def before_the_span(data: dict[str, Any]) -> None:
        availability = data["websites"]["availability"]
        del availability["probe_span_seconds"], availability["reasons"]["short_span"]
        availability["probe_interval_seconds"] = 5
    copied = load_profile(write_variant(tmp_path, before_the_span))
    assert copied.probe_interval_seconds == 5
    [finding] = [f for f in judged(site(), [*failed_probes(3, timedelta(seconds=5)), home(days_before(1))], AS_OF, copied)
                 if f.code.startswith("site.availability")]
    assert (finding.severity, finding.label) == ("veto", "监测时间点无法访问")
    assert "probe_span_seconds" not in finding.rule["threshold"] and "failed_span_seconds" not in finding.evidence


@pytest.mark.parametrize("change, message", [
    (lambda a: a.pop("probe_span_seconds"), r"missing key websites\.availability\.probe_span_seconds"),
    (lambda a: a.update(probe_interval_seconds=5), r"websites\.availability\.probe_interval_seconds: not used with probe_span_seconds"),
    (lambda a: a.update(probe_count=1), r"websites\.availability\.probe_count: 1 probe cannot cover"),
    (lambda a: a.update(probe_span_seconds=0), r"websites\.availability\.probe_span_seconds: expected a number > 0"),
])
def test_the_probe_span_needs_probes_to_cover_it(tmp_path, change, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(write_variant(tmp_path, lambda d: change(d["websites"]["availability"])))


@pytest.mark.parametrize("path", [
    Path(__file__).parent / "data" / "profile-short-probe-span.yaml",
    Path(__file__).resolve().parents[1] / "replica" / "weinan" / "profile.yaml",
])
def test_the_test_and_demo_profiles_are_national_2019_with_a_short_probe_span_only(path, shipped_profile):
    short = load_profile(path)
    assert short.name != shipped_profile.name and short.value("websites", "availability", "probe_span_seconds") < 60
    changed = dict(short.data)
    changed["websites"] = {**short.data["websites"], "availability": shipped_profile.section("websites", "availability")}
    assert {**changed, "name": shipped_profile.name} == dict(shipped_profile.data)


def test_a_week_of_visits_below_five_percent_failures_passes(profile):
    assert [f.code for f in availability(140, 6, profile) if f.severity == "veto"] == []  # 4.3 %


@pytest.mark.parametrize("failed, points", [(0, None), (1, None), (2, 5.0), (6, 5.0), (7, None)])
def test_a_week_of_visits_with_failures_below_the_veto_takes_home_availability_points(profile, failed, points):
    # 首页可用性 (扣分): 1 % of 140 visits is 1.4, so 2 failures take points off, 7 (5 %) are the veto instead
    findings = judged(site(), [*probes(140, failed), home(days_before(1))], AS_OF, profile)
    deductions = [f for f in findings if f.code == "site.reachability.home"]
    assert [f.points for f in deductions] == ([points] if points else [])
    assert all(f.severity == "deduct" and f.evidence["failed"] == failed for f in deductions)


def test_home_availability_is_unmeasured_without_a_weeks_visits(profile):
    findings = evaluate_site(site(), [*probes(3, 0), home(days_before(1))], AS_OF, profile)
    [unmeasured] = [f for f in findings if f.code == "site.reachability.home"]
    assert unmeasured.severity == "unmeasured" and "3次" in unmeasured.reason and "140次" in unmeasured.reason


def test_a_week_of_visits_at_five_percent_failures_fails(profile):
    [finding] = availability(140, 7, profile)  # exactly 5 %
    assert (finding.severity, finding.label) == ("veto", "站点无法访问")
    assert finding.rule["threshold"]["failure_ratio"] == 0.05 and finding.rule["threshold"]["min_probes_for_ratio"] == 140


def test_no_probe_at_all_is_for_an_inspector(profile):
    findings = judged(site(), [home(days_before(1))], AS_OF, profile)
    assert [(f.code, f.severity) for f in findings] == [("site.availability.review", "review")]
    assert "http://xczx.weinan.gov.cn/" in findings[0].reason


def test_the_unreachable_site_of_the_notice(profile):
    target = site("韩城市财政局", [("工作动态", "动态要闻")])
    observations = [*probes(3, 3), home(None, state="failed", error="timeout"), column("工作动态", "动态要闻", None, state="failed", error="timeout")]
    assert verdict(target, observations, profile) == ("不合格", "监测时间点无法访问")


# == websites: 首页不更新 =====================================================================


@pytest.mark.parametrize("age, stale", [(13, False), (14, False), (15, True)])
def test_home_page_older_than_fourteen_days_is_not_updated(profile, age, stale):
    findings = judged(site(), [*probes(3, 0), home(days_before(age))], AS_OF, profile)
    assert codes(findings) == (["site.home.stale"] if stale else [])
    if stale:
        finding = findings[0]
        assert (finding.severity, finding.label, finding.evidence["age_days"]) == ("veto", "首页不更新", 15)
        assert finding.rule["threshold"] == {"stale_days": 14}


def test_an_old_home_page_the_browser_could_not_open_is_for_an_inspector_not_failed(profile):
    # the HTML as fetched shows only old news, and the page's scripts were never run
    old_home = {**home(days_before(40)), "render_error": "browserType.launch: Failed to launch chromium"}
    [finding] = judged(site(), [*probes(3, 0), old_home], AS_OF, profile)
    assert (finding.code, finding.severity) == ("site.home.review", "review")
    assert "静态页面所见最新信息为2024-01-11" in finding.reason and "Failed to launch chromium" in finding.reason
    assert finding.evidence["render_error"] == old_home["render_error"] and finding.evidence["age_days"] == 40
    # a fresh one stays fresh, whatever the browser did
    assert judged(site(), [*probes(3, 0), {**home(days_before(3)), "render_error": "timeout"}], AS_OF, profile) == []


@pytest.mark.parametrize(
    "observation, words",
    [
        (home(None, state="failed", error="HTTP 503"), "读取失败（failed: HTTP 503）"),
        (home(None, state="unparsed", error="no list found"), "读取失败（unparsed: no list found）"),
        (home(None), "未找到带日期的信息"),
        # undated list whose detail pages could not all be read: the reason names them
        (home(None, error="detail page http://xczx.weinan.gov.cn/a.html: timeout"), "读取失败（entries: detail page http://xczx.weinan.gov.cn/a.html: timeout）"),
    ],
)
def test_an_unread_or_undated_home_page_is_for_an_inspector(profile, observation, words):
    findings = judged(site(), [*probes(3, 0), observation], AS_OF, profile)
    [finding] = findings
    assert (finding.code, finding.severity) == ("site.home.review", "review")
    assert words in finding.reason and "http://xczx.weinan.gov.cn/" in finding.reason


def test_a_home_page_not_observed_is_for_an_inspector(profile):
    findings = evaluate_site(site(), probes(3, 0), AS_OF, profile)
    [finding] = [f for f in findings if f.severity != "unmeasured"]
    assert finding.code == "site.home.review" and "本轮未读取" in finding.reason
    unmeasured = {f.code for f in findings if f.severity == "unmeasured"}  # no page to scan, no link checked
    assert {"site.wording.misspellings", "site.links.home", "site.links.broken", "site.reachability.home", "site.design.icp"} <= unmeasured


def test_naive_datetimes_are_utc_and_days_are_counted_in_beijing(profile):
    # 2024-02-05 16:30 UTC is 2024-02-06 00:30 in Beijing: 14 days before 2024-02-20, on time.
    naive_utc = datetime(2024, 2, 5, 16, 30)
    assert judged(site(), [*probes(3, 0), home(naive_utc)], AS_OF, profile) == []
    naive_as_of = datetime(2024, 2, 20, 15, 59, 59)  # 23:59:59 in Beijing
    assert judged(site(), [*probes(3, 0), home(naive_utc)], naive_as_of, profile) == []
    assert codes(judged(site(), [*probes(3, 0), home(datetime(2024, 2, 5, 15, 30))], AS_OF, profile)) == ["site.home.stale"]


def test_home_entries_dated_after_the_monitoring_day_are_left_out(profile):
    # Read three days after the monitoring day: only what was there by then counts.
    later_read = {**home(days_before(-3)), "fetched_at": AS_OF + timedelta(days=3)}
    later_read["entries"].append({"title": "旧闻", "url": "http://xczx.weinan.gov.cn/b.html", "date": days_before(15)})
    [finding] = judged(site(), [*probes(3, 0), later_read], AS_OF, profile)
    assert (finding.code, finding.evidence["age_days"]) == ("site.home.stale", 15)
    assert finding.evidence["newest_date_seen"] == days_before(-3)


def test_a_home_page_with_only_later_entries_is_for_an_inspector(profile):
    read_later = {**home(days_before(-1)), "fetched_at": AS_OF + timedelta(days=1)}
    [finding] = judged(site(), [*probes(3, 0), read_later], AS_OF, profile)
    assert finding.code == "site.home.review" and "晚于监测日2024-02-20" in finding.reason


# == websites: 栏目不更新 =====================================================================


def test_a_site_registered_without_columns_whose_navigation_shows_none_is_for_an_inspector(profile):
    observations = [*probes(3, 0), {**home(days_before(1)), "discovered_columns": 0}]
    findings = judged(site(), observations, AS_OF, profile)
    [finding] = [f for f in findings if f.code.startswith("site.columns")]
    assert (finding.code, finding.severity) == ("site.columns.review", "review")
    assert finding.reason == "登记表未列出栏目，首页导航中也未发现栏目，栏目更新情况需人工检查"
    assert finding.evidence == {"home_url": "http://xczx.weinan.gov.cn/", "discovered_columns": 0}
    assert verdict(site(), observations, profile)[0] == "待人工复核"


def test_columns_found_in_the_navigation_are_judged_as_registered_ones(profile):
    discovered = {**column("工作动态", "动态要闻", days_before(1)), "discovered": True}
    observations = [*probes(3, 0), {**home(days_before(1)), "discovered_columns": 1}, discovered]
    assert judged(site(), observations, AS_OF, profile) == []


@pytest.mark.parametrize("age, stale", [(13, False), (14, False), (15, True)])
def test_news_column_boundary_is_fourteen_days(profile, age, stale):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(age))])
    findings = judged(target, observations, AS_OF, profile)
    assert [(f.label, f.severity) for f in findings] == ([("个别栏目更新不及时", "note")] if stale else [])


@pytest.mark.parametrize("newest, stale", [("2023-08-19", True), ("2023-08-20", False), ("2023-08-21", False)])
def test_notices_column_boundary_is_six_calendar_months(profile, newest, stale):
    target, observations = site_with([column("通知公告", "通知公告", on(newest))])
    findings = judged(target, observations, AS_OF, profile)
    assert codes(findings) == (["site.columns.stale"] if stale else [])
    if stale:
        [entry] = findings[0].evidence["stale_columns"]
        assert entry["threshold_date"] == "2023-08-20"


@pytest.mark.parametrize("newest, stale", [("2023-02-19", True), ("2023-02-20", False)])
def test_personnel_column_boundary_is_one_year(profile, newest, stale):
    target, observations = site_with([column("人事信息", "人事信息", on(newest))])
    assert codes(judged(target, observations, AS_OF, profile)) == (["site.columns.stale"] if stale else [])


@pytest.mark.parametrize("column_type", ["互动交流", "其他"])
def test_interaction_and_other_columns_are_never_stale(profile, column_type):
    target, observations = site_with([column("旧栏目", column_type, on("2015-01-01"))])
    assert judged(target, observations, AS_OF, profile) == []


def test_column_entries_dated_after_the_monitoring_day_are_left_out(profile):
    later_read = {**column("工作动态", "动态要闻", days_before(-2)), "fetched_at": AS_OF + timedelta(days=2)}
    later_read["entries"].append({"title": "旧闻", "url": "http://x/", "date": days_before(20)})
    target, observations = site_with([later_read])
    assert codes(judged(target, observations, AS_OF, profile)) == ["site.columns.stale"]
    target, observations = site_with([{**column("工作动态", "动态要闻", days_before(-2)), "fetched_at": AS_OF + timedelta(days=2)}])
    [finding] = judged(target, observations, AS_OF, profile)
    assert finding.code == "site.columns.review:工作动态" and "晚于监测日" in finding.reason


def test_four_stale_timely_columns_pass_with_the_note(profile):
    target, observations = site_with([*stale_columns(2, "动态要闻"), *stale_columns(1, "通知公告", 10), *stale_columns(1, "政策文件", 20), *fresh_columns(3)])
    assert verdict(target, observations, profile) == ("合格", "个别栏目更新不及时")


def test_five_stale_timely_columns_fail_the_site_as_the_notice_words_it(profile):
    target, observations = site_with([*stale_columns(2, "动态要闻"), *stale_columns(2, "通知公告", 10), *stale_columns(1, "政策文件", 20), *fresh_columns(3)])
    assert verdict(target, observations, profile) == ("不合格", "多个栏目更新不及时")
    finding = by_code(judged(target, observations, AS_OF, profile), "site.columns.stale")
    assert finding.severity == "veto" and finding.evidence["timely_stale_count"] == 5
    for entry in finding.evidence["stale_columns"]:
        assert set(entry) >= {"name", "type", "url", "newest_date", "threshold_date"}
        assert entry["url"].startswith("http://xczx.weinan.gov.cn/")
    assert {e["name"] for e in finding.evidence["stale_columns"]} == {"动态要闻0", "动态要闻1", "通知公告10", "通知公告11", "政策文件20"}
    assert finding.evidence["stale_columns"][0]["newest_date"] == days_before(400)


def test_stale_columns_the_browser_could_not_open_are_reviewed_not_counted(profile):
    unopened = [{**c, "render_error": "Timeout 30000ms exceeded"} for c in stale_columns(1, "通知公告", 10)]
    target, observations = site_with([*stale_columns(2, "动态要闻"), *stale_columns(2, "通知公告", 20), *unopened])
    # five stale as fetched would veto; one of them may show a newer list in a browser
    assert verdict(target, observations, profile)[0] == "待人工复核"
    findings = judged(target, observations, AS_OF, profile)
    review = by_code(findings, "site.columns.review:通知公告10")
    assert "浏览器未能打开核实（Timeout 30000ms exceeded）" in review.reason and review.evidence["render_error"]
    assert by_code(findings, "site.columns.stale").severity == "note"


def test_nine_long_stale_columns_pass_with_the_note(profile):
    # 4 timely (below rule 1) + 5 yearly columns = 9 should-be-updated columns long stale.
    target, observations = site_with([*stale_columns(4, "动态要闻"), *stale_columns(3, "人事信息", 10), *stale_columns(2, "规划计划", 20)])
    assert verdict(target, observations, profile) == ("合格", "个别栏目更新不及时")


def test_ten_long_stale_columns_fail_the_site(profile):
    target, observations = site_with([*stale_columns(4, "动态要闻"), *stale_columns(3, "人事信息", 10), *stale_columns(3, "规划计划", 20)])
    findings = judged(target, observations, AS_OF, profile)
    assert codes(findings) == ["site.columns.long_stale"]
    assert findings[0].evidence["long_stale_count"] == 10
    assert verdict(target, observations, profile) == ("不合格", "多个栏目更新不及时")


def test_both_column_rules_print_the_label_once(profile):
    target, observations = site_with([*stale_columns(5, "动态要闻"), *stale_columns(5, "人事信息", 10)])
    assert codes(judged(target, observations, AS_OF, profile)) == ["site.columns.stale", "site.columns.long_stale"]
    assert verdict(target, observations, profile) == ("不合格", "多个栏目更新不及时")


def blank(count: int) -> list[dict[str, Any]]:
    types = ["通知公告", "政策文件", "人事信息", "规划计划", "其他", "其他"]
    return [column(f"空白{i}", types[i], None, state="empty", index=50 + i) for i in range(count)]


def test_four_blank_columns_pass_with_a_note(profile):
    target, observations = site_with([*fresh_columns(1), *blank(4)])
    assert verdict(target, observations, profile) == ("合格", "存在空白栏目")
    assert by_code(judged(target, observations, AS_OF, profile), "site.columns.blank").severity == "note"


def test_five_blank_columns_fail_the_site(profile):
    target, observations = site_with([*fresh_columns(1), *blank(5)])
    assert verdict(target, observations, profile) == ("不合格", "空白栏目过多")
    finding = by_code(judged(target, observations, AS_OF, profile), "site.columns.blank")
    assert finding.evidence["blank_count"] == 5 and len(finding.evidence["blank_columns"]) == 5


def test_notes_print_in_label_order(profile):
    target, observations = site_with([*stale_columns(1), *blank(1)])
    assert verdict(target, observations, profile) == ("合格", "个别栏目更新不及时,存在空白栏目")


@pytest.mark.parametrize(
    "state, error, words",
    [("unparsed", "no list found", "（unparsed: no list found）"), ("failed", "HTTP 404", "（failed: HTTP 404）"), ("entries", "", "未找到带日期的信息"),
     ("entries", "detail page http://xczx.weinan.gov.cn/9/t.html: HTTP 404", "（entries: detail page http://xczx.weinan.gov.cn/9/t.html: HTTP 404）")],
)
def test_an_unreadable_column_is_reviewed_and_never_counted_stale(profile, state, error, words):
    unreadable = column("政务要闻", "动态要闻", None, state=state, error=error, index=9)
    target, observations = site_with([*stale_columns(4), unreadable])
    findings = judged(target, observations, AS_OF, profile)
    review = by_code(findings, "site.columns.review:政务要闻")
    assert review.severity == "review"
    assert "政务要闻" in review.reason and "http://xczx.weinan.gov.cn/4/" in review.reason and words in review.reason
    stale = by_code(findings, "site.columns.stale")
    assert stale.severity == "note" and stale.evidence["timely_stale_count"] == 4
    assert verdict(target, observations, profile) == ("待人工复核", review.reason)


def test_an_unparsed_column_is_never_counted_blank(profile):
    target, observations = site_with([*blank(4), column("政务要闻", "动态要闻", None, state="unparsed", error="no list found", index=9)])
    findings = judged(target, observations, AS_OF, profile)
    assert by_code(findings, "site.columns.blank").evidence["blank_count"] == 4
    assert by_code(findings, "site.columns.blank").severity == "note"


def test_a_registered_column_not_observed_is_reviewed(profile):
    target = site(columns=[("工作动态", "动态要闻")])
    [finding] = judged(target, healthy_site_observations(), AS_OF, profile)
    assert finding.code == "site.columns.review:工作动态" and "本轮未读取" in finding.reason


def test_each_unreadable_column_has_its_own_code(profile):
    target, observations = site_with([
        column("甲", "动态要闻", None, state="failed", error="timeout", index=0),
        column("乙", "通知公告", None, state="failed", error="timeout", index=1),
    ])
    findings = judged(target, observations, AS_OF, profile)
    assert codes(findings) == ["site.columns.review:甲", "site.columns.review:乙"]
    result = assess(target, observations, AS_OF, profile)
    assert result.verdict == "待人工复核" and result.labels.count("；") == 1


def test_a_veto_outweighs_reviews(profile):
    target, observations = site_with([*stale_columns(5), column("甲", "动态要闻", None, state="failed", error="timeout", index=9)])
    assert verdict(target, observations, profile) == ("不合格", "多个栏目更新不及时")


def test_a_fresh_site_passes_without_labels(profile):
    target, observations = site_with([*fresh_columns(2), column("通知公告", "通知公告", days_before(100), index=3)])
    result = assess(target, observations, AS_OF, profile)
    assert (result.verdict, result.score, result.labels, result.findings) == ("合格", 100.0, "", ())


def test_vetoes_of_one_site_print_in_label_order(profile):
    target, observations = site_with([*stale_columns(5), *blank(5)])
    observations = [o for o in observations if o["kind"] != "home"] + [home(days_before(30))]
    assert verdict(target, observations, profile) == ("不合格", "首页不更新,多个栏目更新不及时,空白栏目过多")


# == new media ===============================================================================


def account_labels(observations: list[dict[str, Any]], profile: Profile, target: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    return [(f.label, f.severity) for f in evaluate_account(target or account(), observations, AS_OF, profile)]


def test_a_healthy_account_passes(profile):
    assert verdict(account(), [seen()], profile) == ("合格", "")


def test_an_account_not_found_is_only_that(profile):
    observation = seen(found=False, latest_post_at=None, posts=[], interaction={"state": "unknown", "url": ""}, current_name="别的名字")
    assert account_labels([observation], profile) == [("搜索不到", "veto")]
    assert verdict(account("澄城县道路运输管理所", "抖音"), [observation], profile) == ("不合格", "搜索不到")


def test_an_account_whose_existence_is_unknown_is_for_an_inspector(profile):
    observation = seen(found=None, latest_post_at=None, posts=None, error="captcha (antispider)")
    [finding] = evaluate_account(account(), [observation], AS_OF, profile)
    assert (finding.code, finding.severity) == ("media.found.review", "review")
    assert "captcha (antispider)" in finding.reason


def test_an_account_not_observed_is_for_an_inspector(profile):
    [finding] = evaluate_account(account(), [], AS_OF, profile)
    assert finding.severity == "review" and "本轮未检查" in finding.reason


@pytest.mark.parametrize("age, late", [(13, False), (14, False), (15, True)])
def test_no_post_for_more_than_fourteen_days(profile, age, late):
    observation = seen(latest_post_at=days_before(age), posts=[])
    assert account_labels([observation], profile) == ([("14天未更新", "veto")] if late else [])


@pytest.mark.parametrize("age, label", [(89, "14天未更新"), (90, "14天未更新"), (91, "长期无更新")])
def test_no_post_for_more_than_ninety_days_is_long_without_update_instead(profile, age, label):
    observation = seen(latest_post_at=days_before(age), latest_original_at=days_before(age))
    assert account_labels([observation], profile) == [(label, "veto")]


def test_a_post_list_read_and_empty_is_long_without_update(profile):
    observation = seen(latest_post_at=None, latest_original_at=None, posts=[])
    assert account_labels([observation], profile) == [("长期无更新", "veto")]


def test_the_latest_post_comes_from_the_post_list_when_not_given(profile):
    observation = seen(latest_post_at=None, posts=[{"title": "旧文", "time": days_before(20)}, {"title": "新文", "time": days_before(16)}])
    assert account_labels([observation], profile) == [("14天未更新", "veto")]


def test_posts_that_could_not_be_read_are_for_an_inspector(profile):
    observation = seen(latest_post_at=None, latest_original_at=None, posts=None, error="HTTP 432 rate limited")
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    posts_review = by_code(findings, "media.posts.review")
    assert posts_review.severity == "review" and "HTTP 432 rate limited" in posts_review.reason
    # "no original seen" from a failed read is no evidence either
    assert by_code(findings, "media.originals.review").severity == "review"
    assert not [f for f in findings if f.severity == "veto"]


def test_a_latest_post_not_recorded_is_for_an_inspector(profile):
    observation = seen(latest_post_at=None, posts=None)
    assert account_labels([observation], profile) == [("账号检查待人工复核", "review")]


def test_posts_after_the_monitoring_day_are_left_out(profile):
    posts = [{"title": "新", "time": days_before(-1), "original": True}, {"title": "旧", "time": days_before(20), "original": True}]
    observation = seen(latest_post_at=days_before(-1), latest_original_at=days_before(-1), posts=posts)
    assert account_labels([observation], profile) == [("14天未更新", "veto")]
    posts = [{"title": "新", "time": days_before(-1), "original": False}, {"title": "旧", "time": days_before(95), "original": True}]
    observation = seen(latest_post_at=days_before(2), latest_original_at=days_before(95), posts=posts)
    assert account_labels([observation], profile) == [("3个月无原创", "veto")]


def test_only_posts_after_the_monitoring_day_are_for_an_inspector(profile):
    posts = [{"title": "新", "time": days_before(-1), "original": True}]
    observation = seen(latest_post_at=days_before(-1), latest_original_at=days_before(-1), posts=posts)
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    assert [(f.code, f.severity) for f in findings] == [("media.posts.review", "review"), ("media.originals.review", "review")]
    assert all("晚于监测日2024-02-20" in f.reason for f in findings)


@pytest.mark.parametrize("age, missing", [(89, False), (90, False), (91, True)])
def test_no_original_post_for_more_than_ninety_days(profile, age, missing):
    observation = seen(latest_post_at=days_before(2), latest_original_at=days_before(age))
    assert account_labels([observation], profile) == ([("3个月无原创", "veto")] if missing else [])


def test_no_original_ever_seen_when_the_source_can_tell(profile):
    observation = seen(latest_original_at=None, originals_known=True)
    assert account_labels([observation], profile) == [("3个月无原创", "veto")]


def test_a_source_that_cannot_tell_originals_is_never_a_veto(profile):
    observation = seen(source="douyin-web", latest_original_at=None, originals_known=False)
    [finding] = evaluate_account(account("白水县卫生健康局", "抖音"), [observation], AS_OF, profile)
    assert (finding.code, finding.severity) == ("media.originals.review", "review")
    assert "douyin-web" in finding.reason


def test_a_renamed_account_prints_its_new_name(profile):
    target = account("渭南市公安局高新分局")
    [finding] = evaluate_account(target, [seen(current_name="高新警讯")], AS_OF, profile)
    assert (finding.label, finding.severity) == ("已改名(高新警讯)系统中未改名", "veto")
    assert (finding.evidence["registered_name"], finding.evidence["current_name"]) == ("渭南市公安局高新分局", "高新警讯")


@pytest.mark.parametrize("shown", ["卤阳湖开发区 行政审批服务中心", "卤阳湖开发区行政审批服务中心", " 卤阳湖开发区\u3000行政审批服务中心 "])
def test_whitespace_in_a_name_is_no_renaming(profile, shown):
    assert account_labels([seen(current_name=shown)], profile, account("卤阳湖开发区 行政审批服务中心")) == []


@pytest.mark.parametrize(
    "interaction, expected",
    [
        ({"state": "ok", "url": "https://mp.weixin.qq.com/hd"}, []),
        ({"state": "missing", "url": ""}, [("未提供有效互动功能", "veto")]),
        ({"state": "broken", "url": "https://mp.weixin.qq.com/hd", "status": 404, "detail": "HTTP 404"}, [("互动交流链接有误", "veto")]),
        ({"state": "unknown", "url": "https://mp.weixin.qq.com/hd", "detail": "timeout"}, [("账号检查待人工复核", "review")]),
        (None, [("账号检查待人工复核", "review")]),
        ({"state": "missing", "url": "", "entry": "无"}, [("未提供有效互动功能", "veto")]),
        ({"state": "ok", "url": "", "entry": "菜单：留言", "in_app": True}, []),
        ({"state": "unrecorded", "url": ""}, [("账号检查待人工复核", "review")]),
    ],
)
def test_interaction_entry_states(profile, interaction, expected):
    assert account_labels([seen(interaction=interaction)], profile) == expected


def profile_with(tmp_path, change) -> Profile:
    """The shipped profile as an office's copy, changed by ``change(data)``."""
    data = yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_profile(path)


def test_an_entry_is_tried_three_times_a_minute_apart_and_a_lasting_server_error_is_reviewed(profile):
    rules = profile.section("new_media", "interaction")
    assert (rules["attempts"], rules["pause_seconds"], rules["server_error"]) == (3, 60, "review")
    failing = {"state": "server_error", "url": "https://x.example/hd", "status": 503, "detail": "HTTP 503, on each of 3 tries"}
    (finding,) = evaluate_account(account(), [seen(interaction=failing)], AS_OF, profile)
    assert (finding.code, finding.severity) == ("media.interaction.review", "review")
    assert finding.reason == "互动入口https://x.example/hd每次访问均返回服务器错误（HTTP 503, on each of 3 tries），不能证明入口已失效"


def test_a_profile_may_count_a_lasting_server_error_as_a_dead_entry(tmp_path):
    strict = profile_with(tmp_path, lambda d: d["new_media"]["interaction"].update(server_error="broken"))
    failing = {"state": "server_error", "url": "https://x.example/hd", "status": 503, "detail": "HTTP 503, on each of 3 tries"}
    assert account_labels([seen(interaction=failing)], strict) == [("互动交流链接有误", "veto")]


def test_a_profile_copied_before_entry_tries_loads_and_reviews_a_server_error(tmp_path):
    def older(data: dict[str, Any]) -> None:
        for key in ("attempts", "pause_seconds", "server_error"):
            del data["new_media"]["interaction"][key]
        del data["new_media"]["interaction"]["reasons"]["server_error"]
    copied = profile_with(tmp_path, older)
    failing = {"state": "server_error", "url": "https://x.example/hd", "status": 502, "detail": "HTTP 502"}
    assert account_labels([seen(interaction=failing)], copied) == [("账号检查待人工复核", "review")]


@pytest.mark.parametrize(("key", "value", "says"), [
    ("attempts", 0, "new_media.interaction.attempts: expected a whole number ≥ 1"),
    ("pause_seconds", -1, "new_media.interaction.pause_seconds: expected a number ≥ 0"),
    ("server_error", "fail", "new_media.interaction.server_error: expected one of review, broken"),
])
def test_the_entry_tries_of_a_profile_are_checked(tmp_path, key, value, says):
    with pytest.raises(ProfileError, match=re.escape(says)):
        profile_with(tmp_path, lambda d: d["new_media"]["interaction"].update({key: value}))


def test_an_interaction_entry_not_recorded_is_reviewed_never_failed(profile):
    target = dict(account(interaction_url=""), interaction_entry="")
    findings = evaluate_account(target, [seen(interaction={"state": "unrecorded", "url": ""})], AS_OF, profile)
    (finding,) = findings
    assert (finding.code, finding.severity, finding.reason) == ("media.interaction.review", "review", "互动入口未记录")
    assert finding.evidence["interaction_entry"] == ""
    # an inspector who looked fills it, either way
    for state, outcome in (("ok", []), ("missing", [("未提供有效互动功能", "veto")])):
        inspected = manual(interaction={"state": state, "url": ""})
        assert account_labels([seen(interaction={"state": "unrecorded", "url": ""}), inspected], profile) == outcome


def test_the_evidence_keeps_the_register_entry_as_written(profile):
    target = dict(account(interaction_url=""), interaction_entry="无")
    (finding,) = evaluate_account(target, [seen(interaction={"state": "missing", "url": "", "entry": "无"})], AS_OF, profile)
    assert (finding.label, finding.evidence["interaction_entry"], finding.evidence["interaction"]["entry"]) == (
        "未提供有效互动功能", "无", "无")


def test_an_interaction_entry_that_could_not_be_checked_says_why(profile):
    finding = by_code(evaluate_account(account(), [seen(interaction={"state": "unknown", "url": "https://x.example/hd", "detail": "timeout"})], AS_OF, profile), "media.interaction.review")
    assert finding.reason == "互动入口https://x.example/hd未能检查：timeout"


def test_labels_join_in_the_notice_order(profile):
    observation = seen(latest_post_at=days_before(200), latest_original_at=None, interaction={"state": "broken", "url": "https://x.example/", "detail": "HTTP 404"})
    assert verdict(account("渭南市路灯管理站"), [observation], profile) == ("不合格", "长期无更新,互动交流链接有误")
    observation = seen(current_name="新名", latest_post_at=days_before(20), latest_original_at=days_before(100), interaction={"state": "missing", "url": ""})
    assert verdict(account(), [observation], profile) == ("不合格", "已改名(新名)系统中未改名,14天未更新,3个月无原创,未提供有效互动功能")


# -- several observations of one account -------------------------------------------------------


def test_a_manual_observation_fills_what_the_crawl_could_not_read(profile):
    crawled = seen(latest_post_at=None, latest_original_at=None, posts=None, error="antispider", interaction={"state": "unknown", "url": ""})
    inspected = manual(latest_post_at=days_before(3), latest_original_at=days_before(3), originals_known=True, interaction={"state": "ok", "url": ""})
    result = assess(account(), [crawled, inspected], AS_OF, profile)
    assert (result.verdict, result.labels) == ("合格", "")


def test_where_both_have_a_value_the_manual_observation_wins_and_both_are_evidence(profile):
    crawled = seen(latest_post_at=days_before(20), current_name="渭南二黄")
    inspected = manual(latest_post_at=days_before(2), interaction={"state": "broken", "url": ""})
    findings = evaluate_account(account(), [crawled, inspected], AS_OF, profile)
    assert [(f.label, f.severity) for f in findings] == [("互动交流链接有误", "veto")]
    evidence = findings[0].evidence
    assert [(o["source"], o["manual"]) for o in evidence["observations"]] == [("sogou", False), ("manual", True)]
    assert evidence["observations"][1]["inspector"] == "张三" and evidence["observations"][1]["screenshot"] == "shot.png"
    assert evidence["taken_from"]["interaction"] == "manual (张三)"
    assert evidence["taken_from"]["latest_post_at"] == "manual (张三)"
    assert evidence["taken_from"]["current_name"] == "sogou"


def test_the_order_of_observations_does_not_matter(profile):
    crawled = seen(latest_post_at=days_before(20))
    inspected = manual(latest_post_at=days_before(2))
    assert evaluate_account(account(), [inspected, crawled], AS_OF, profile) == evaluate_account(account(), [crawled, inspected], AS_OF, profile)


def test_an_inspector_seeing_no_original_on_douyin_gives_the_notice_label(profile):
    crawled = seen(source="douyin-web", originals_known=False, latest_original_at=None)
    inspected = manual(latest_original_at=None, originals_known=True)  # 最近原创时间: 无
    assert verdict(account("白水县卫生健康局", "抖音"), [crawled, inspected], profile) == ("不合格", "3个月无原创")


def test_an_inspector_finding_the_account_gone_wins(profile):
    inspected = manual(found=False)
    assert verdict(account(), [seen(), inspected], profile) == ("不合格", "搜索不到")


# == the seed notice ===========================================================================

SEED_ACCOUNTS = [
    # (附件2 row, account name, observation fields, 备注 as printed)
    (1, "渭南二黄", {"interaction": {"state": "broken", "url": "https://x.example/", "detail": "链接已过期"}}, "互动交流链接有误"),
    (2, "渭南市卫生健康委员会", {"latest_post_at": days_before(20)}, "14天未更新"),
    (3, "渭南市城市管理执法局", {"interaction": {"state": "missing", "url": ""}}, "未提供有效互动功能"),
    (6, "渭南市路灯管理站", {"latest_post_at": days_before(150), "interaction": {"state": "broken", "url": "https://x.example/"}}, "长期无更新,互动交流链接有误"),
    (7, "渭南地方志", {"latest_post_at": days_before(300), "interaction": {"state": "missing", "url": ""}}, "长期无更新,未提供有效互动功能"),
    (8, "渭南市公安局高新分局", {"current_name": "高新警讯"}, "已改名(高新警讯)系统中未改名"),
    (11, "渭南市城乡规划展示馆", {"current_name": "渭南市城建档案和规划展示馆"}, "已改名(渭南市城建档案和规划展示馆)系统中未改名"),
    (13, "法治白水", {"latest_original_at": days_before(120)}, "3个月无原创"),
    (15, "澄城县道路运输管理所", {"found": False}, "搜索不到"),
]


@pytest.mark.parametrize("row, name, fields, printed", SEED_ACCOUNTS, ids=[str(r[0]) for r in SEED_ACCOUNTS])
def test_seed_notice_new_media_rows(profile, row, name, fields, printed):
    assert verdict(account(name), [seen(**fields)], profile) == ("不合格", printed)


def test_seed_notice_website_rows(profile):
    # rows 1–3: many stale columns; row 5/6: a few, still 合格
    target, observations = site_with([*stale_columns(3), *stale_columns(2, "通知公告", 10), *fresh_columns(2)])
    assert verdict(target, observations, profile) == ("不合格", "多个栏目更新不及时")
    target, observations = site_with([column("乡村振兴动态", "动态要闻", days_before(25)), *fresh_columns(3)])
    assert verdict(target, observations, profile) == ("合格", "个别栏目更新不及时")


# == the clock is never read ===================================================================


def test_an_as_of_in_2019_gives_the_same_results_whatever_the_clock(profile):
    as_of = datetime(2019, 6, 20, 23, 59, 59, tzinfo=SHANGHAI)
    observation = seen(latest_post_at=days_before(15, as_of), latest_original_at=days_before(91, as_of), posts=[])
    first = assess(account(), [observation], as_of, profile)
    assert (first.verdict, first.labels) == ("不合格", "14天未更新,3个月无原创")
    assert assess(account(), [observation], as_of, profile) == first
    target, observations = site_with([column("工作动态", "动态要闻", days_before(10, as_of))])
    observations = [o for o in observations if o["kind"] != "home"] + [home(days_before(3, as_of))]
    assert assess(target, observations, as_of, profile).verdict == "合格"


def rule_modules() -> list[Any]:
    """Every module of the rules package."""
    return [importlib.import_module(f"govcheck.rules.{m.name}") for m in pkgutil.iter_modules(rules_package.__path__)]


def test_no_rule_reads_the_clock():
    modules = rule_modules()
    assert profile_module in modules and len(modules) > 5
    for module in modules:
        source = inspect.getsource(module)
        assert not re.search(r"\b(now|today|utcnow)\(|time\.time\(", source), module.__name__


# == the spider's question: does this reading count against the site? ===========================


def test_a_page_counts_against_its_site_as_the_rules_read_it(profile):
    target = site(columns=[("工作动态", "动态要闻"), ("通知公告", "通知公告")])
    assert counts_against(target, home(days_before(15)), AS_OF, profile) == "stale"
    assert counts_against(target, home(days_before(14)), AS_OF, profile) is None
    assert counts_against(target, home(None, state="failed", error="timeout"), AS_OF, profile) is None
    assert counts_against(target, column("工作动态", "动态要闻", days_before(15)), AS_OF, profile) == "stale"
    assert counts_against(target, column("工作动态", "动态要闻", days_before(14)), AS_OF, profile) is None
    assert counts_against(target, column("通知公告", "通知公告", None, state="empty"), AS_OF, profile) == "blank"
    assert counts_against(target, column("通知公告", "通知公告", None, state="unparsed"), AS_OF, profile) is None


def test_a_stale_home_page_counts_against_its_site_only_where_the_profile_fails_it(profile, tmp_path):
    noted = load_profile(write_variant(tmp_path, lambda d: d["websites"]["home_page"].update(severity="note")))
    assert counts_against(site(), home(days_before(30)), AS_OF, profile) == "stale"
    assert counts_against(site(), home(days_before(30)), AS_OF, noted) is None


# == websites: 不可用链接 (deduction) ===========================================================

HOME_URL = "http://xczx.weinan.gov.cn/"


def link(url: str, status: int | None = 404, error: str = "HTTP 404") -> dict[str, Any]:
    return {"url": url, "status": status, "error": error, "outbound": not url.startswith(HOME_URL), "checked_at": AS_OF}


def with_links(observation: dict[str, Any], broken: list[str] = (), unchecked: list[str] = ()) -> dict[str, Any]:
    observation["links"] = {
        "found": 20, "checked": 20, "skipped": 0,
        "broken": [link(u) for u in broken],
        "unchecked": [link(u, None, "timeout") for u in unchecked],
    }
    return observation


def link_findings(target: dict[str, Any], observations: list[dict[str, Any]], profile: Profile) -> list[Finding]:
    return [f for f in judged(target, observations, AS_OF, profile) if f.code in ("site.links.home", "site.links.broken")]


def test_pages_read_before_links_were_checked_give_no_link_finding(profile):
    assert link_findings(site(), healthy_site_observations(), profile) == []
    unmeasured = [f for f in evaluate_site(site(), healthy_site_observations(), AS_OF, profile) if f.code.startswith("site.links.")]
    assert [(f.code, f.severity) for f in unmeasured] == [("site.links.home", "unmeasured"), ("site.links.broken", "unmeasured")]
    assert "首页未读取或未检查链接" in unmeasured[0].reason


def test_each_broken_url_counts_once_where_it_is_first_found_and_lists_the_pages_it_is_on(profile):
    a, b, c = HOME_URL + "xxgk/", HOME_URL + "old.doc", HOME_URL + "c/gone.html"
    target, observations = site_with([with_links(column("工作动态", "动态要闻", days_before(1)), broken=[a, c])])
    with_links(observations[3], broken=[a, b])  # the home page
    home_links, other_links = link_findings(target, observations, profile)
    assert (home_links.code, home_links.severity, home_links.points, home_links.label) == ("site.links.home", "deduct", 2.0, "首页存在不可用链接(2个)")
    assert home_links.evidence["broken_count"] == 2
    by_url = {entry["url"]: entry for entry in home_links.evidence["broken"]}
    assert (by_url[b]["status"], by_url[b]["error"], by_url[b]["found_on"]) == (404, "HTTP 404", [HOME_URL])
    assert home_links.rule["threshold"] == {"points_per_link": 1.0, "max_points": 10}
    # a, broken on the home page too, counts there only (2015 普查: 首页 and 其他页面 counted apart)
    assert (other_links.code, other_links.points, other_links.label) == ("site.links.broken", 1.0, "存在不可用链接(1个)")
    assert [(e["url"], e["found_on"]) for e in other_links.evidence["broken"]] == [(c, [target["columns"][0]["url"]])]


def test_links_we_could_not_check_are_listed_and_never_counted(profile):
    observations = healthy_site_observations()
    with_links(observations[3], unchecked=["http://slow.example.gov.cn/"])
    assert link_findings(site(), observations, profile) == []
    with_links(observations[3], broken=[HOME_URL + "gone/"], unchecked=["http://slow.example.gov.cn/"])
    [finding] = link_findings(site(), observations, profile)
    assert finding.evidence["broken_count"] == 1
    assert [u["url"] for u in finding.evidence["unchecked"]] == ["http://slow.example.gov.cn/"]


@pytest.mark.parametrize("count, points", [(1, 1.0), (10, 10.0), (11, 10.0), (40, 10.0)])
def test_link_points_stop_at_the_indicator_maximum(profile, count, points):
    observations = healthy_site_observations()
    with_links(observations[3], broken=[f"{HOME_URL}{n}.html" for n in range(count)])
    result = assess(site(), observations, AS_OF, profile)
    assert [(f.points, f.label) for f in result.findings] == [(points, f"首页存在不可用链接({count}个)")]
    assert (result.verdict, result.score, result.labels) == ("合格", 100 - points, f"首页存在不可用链接({count}个)")


def test_a_profile_without_the_home_count_counts_every_page_together(tmp_path):
    together = load_profile(write_variant(tmp_path, lambda d: d["websites"]["links"].pop("home")))
    target, observations = site_with([with_links(column("工作动态", "动态要闻", days_before(1)), broken=[HOME_URL + "c/"])])
    with_links(observations[3], broken=[HOME_URL + "h/"])
    [finding] = link_findings(target, observations, together)
    assert (finding.code, finding.points, finding.label) == ("site.links.broken", 2.0, "存在不可用链接(2个)")


def test_link_deductions_print_before_the_notes_of_a_passing_site(profile):
    stale = with_links(column("工作动态", "动态要闻", days_before(20)), broken=[HOME_URL + "gone/"])
    target, observations = site_with([stale])
    assert verdict(target, observations, profile) == ("合格", "存在不可用链接(1个),个别栏目更新不及时")


def test_link_deductions_below_the_pass_score_fail_the_site(tmp_path):
    heavy = load_profile(write_variant(tmp_path, lambda d: d["websites"]["links"]["home"].update(points=10, max_points=50)))
    observations = healthy_site_observations()
    with_links(observations[3], broken=[f"{HOME_URL}{n}.html" for n in range(4)])
    assert assess(site(), observations, AS_OF, heavy).verdict == "合格"  # 60: not below the pass score
    with_links(observations[3], broken=[f"{HOME_URL}{n}.html" for n in range(5)])
    result = assess(site(), observations, AS_OF, heavy)
    assert (result.verdict, result.score, result.labels) == ("不合格", 50.0, "得分低于60分,首页存在不可用链接(5个)")


# == websites: 互动回应差 ======================================================================


def message(asked: str, answered: str | None = None, status: str = "", replied: bool | None = None, invalid: bool = False) -> dict[str, Any]:
    return {
        "title": f"留言{asked}", "url": f"{HOME_URL}hdjl/{asked}.html", "asked": on(asked), "asked_text": asked,
        "answered": on(answered) if answered else None, "answered_text": answered or "", "status": status,
        "replied": replied, "invalid": invalid,
    }


def mailbox(messages: list[dict[str, Any]], state: str = "entries", messages_state: str = "messages", error: str = "", **extra: Any) -> dict[str, Any]:
    observation = {**column("市长信箱", "互动交流", days_before(1), state=state, error=error, index=7), **extra}
    if state in ("entries", "empty"):
        observation.update(messages_state=messages_state, messages=messages)
    return observation


def interaction_findings(observations: list[dict[str, Any]], profile: Profile, target: dict[str, Any] | None = None) -> list[Finding]:
    if target is None:
        target, observations = site_with(observations)
    return [f for f in judged(target, observations, AS_OF, profile) if f.code.startswith("site.interaction")]


@pytest.mark.parametrize("asked, overdue", [("2023-11-21", False), ("2023-11-20", False), ("2023-11-19", True)])
def test_a_message_unanswered_for_over_three_months_fails_the_site(profile, asked, overdue):
    # as_of 2024-02-20: three calendar months before is 2023-11-20; "over 3 months" is before that day.
    findings = interaction_findings([mailbox([message(asked, status="待回复", replied=False)])], profile)
    assert codes(findings) == (["site.interaction.unanswered"] if overdue else [])
    if overdue:
        [finding] = findings
        assert (finding.severity, finding.label) == ("veto", "互动回应差")
        [column_evidence] = finding.evidence["columns"]
        assert column_evidence["overdue_before"] == "2023-11-20" and column_evidence["window_start"] == "2023-02-20"
        assert [m["asked_text"] for m in column_evidence["unanswered"]] == [asked]
        assert column_evidence["unanswered"][0]["url"] == f"{HOME_URL}hdjl/{asked}.html"


@pytest.mark.parametrize("stored_unanswered", [[], [message("2023-11-19", status="待回复", replied=False)]])
def test_a_stored_unanswered_list_of_an_older_round_is_not_read(profile, stored_unanswered):
    # Rounds stored before the spider kept only what it saw carry the messages it judged overdue
    # (``unanswered``): the rules recompute them from ``messages``, so such a round assesses the same.
    messages = [message("2023-11-19", status="待回复", replied=False), message("2024-01-10", status="待回复", replied=False)]
    now = assess(*site_with([mailbox(messages)]), AS_OF, profile)
    before = assess(*site_with([mailbox(messages, unanswered=stored_unanswered)]), AS_OF, profile)
    assert before == now and codes(now.findings) == ["site.interaction.unanswered"]


@pytest.mark.parametrize("asked, counted", [("2023-02-20", True), ("2023-02-19", False)])
def test_messages_older_than_a_year_are_left_out(profile, asked, counted):
    findings = interaction_findings([mailbox([message(asked, status="未回复", replied=False)])], profile)
    assert codes(findings) == (["site.interaction.unanswered"] if counted else [])


def test_a_reply_dated_after_the_monitoring_day_leaves_the_message_open(profile):
    answered_later = message("2023-10-01", "2024-02-22", status="已回复", replied=True)
    assert codes(interaction_findings([mailbox([answered_later])], profile)) == ["site.interaction.unanswered"]
    answered_on_the_day = message("2023-10-01", "2024-02-20", status="已回复", replied=True)
    assert interaction_findings([mailbox([answered_on_the_day])], profile) == []


def test_a_late_reply_before_the_monitoring_day_counts_as_answered(profile):
    assert interaction_findings([mailbox([message("2023-06-01", "2023-12-01", status="已回复", replied=True)])], profile) == []


def test_a_status_saying_answered_counts_without_a_reply_date(profile):
    assert interaction_findings([mailbox([message("2023-10-01", status="已办结", replied=True)])], profile) == []


def test_invalid_and_future_messages_are_left_out(profile):
    invalid = message("2023-10-01", status="不予受理", invalid=True)
    later = message("2024-02-21", status="待回复", replied=False)
    assert interaction_findings([mailbox([invalid, later])], profile) == []


def test_a_message_whose_reply_state_is_not_shown_is_for_an_inspector(profile):
    silent = message("2023-10-01")
    [finding] = interaction_findings([mailbox([silent, message("2024-02-01")])], profile)
    assert (finding.code, finding.severity) == ("site.interaction.review", "review")
    assert finding.reason == f"互动栏目市长信箱（{HOME_URL}0/）有1条满3个月的留言未显示是否已回复"
    assert [m["asked_text"] for m in finding.evidence["columns"][0]["reply_unknown"]] == ["2023-10-01"]


def test_an_overdue_message_fails_even_when_others_are_unknown(profile):
    findings = interaction_findings([mailbox([message("2023-10-01"), message("2023-09-01", status="待回复", replied=False)])], profile)
    assert codes(findings) == ["site.interaction.unanswered"]


def test_an_interaction_list_without_question_dates_is_for_an_inspector(profile):
    [finding] = interaction_findings([mailbox([], messages_state="unparsed")], profile)
    assert finding.severity == "review" and "未找到带留言时间的留言列表" in finding.reason


def test_a_mailbox_saying_it_has_no_message_passes_the_reply_rule(profile):
    assert interaction_findings([mailbox([], state="empty", messages_state="empty")], profile) == []


def test_an_unreadable_mailbox_is_reviewed_as_a_column_never_failed(profile):
    target, observations = site_with([mailbox([], state="failed", error="timeout")])
    observations[3]["interaction_links"] = []
    result = assess(target, observations, AS_OF, profile)
    assert result.verdict == "待人工复核" and codes(list(result.findings)) == ["site.columns.review:市长信箱"]


# where the sites spider looked for a channel on a home page naming none: a navigation it
# recognised, whose entries name known sections, and no other place where one may be
LOOKED_EVERYWHERE = {
    "navigation": [
        {"name": "工作动态", "url": HOME_URL + "gzdt/", "kind": "other"},
        {"name": "政务公开", "url": HOME_URL + "zwgk/", "kind": "other"},
    ],
    "pages": [],
}


def home_with_channel(links: list[dict[str, str]] | None, read_as: str = "rendered", search: dict[str, Any] | None = LOOKED_EVERYWHERE) -> dict[str, Any]:
    """The home page as the sites spider records it: looked at in a browser (``read_as``
    "rendered") when its HTML as fetched showed no channel, and, naming none, the places where
    one may be looked at (``search``)."""
    observation = {**home(days_before(1)), "method": read_as}
    if links is not None:
        observation["interaction_links"] = links
    if read_as == "rendered" and search is not None:
        observation["channel_search"] = search
    return observation


def test_a_site_with_no_interaction_channel_at_all_fails(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = home_with_channel([])
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity, finding.label) == ("site.interaction.no_channel", "veto", "互动回应差")
    assert finding.evidence["interaction_links"] == [] and finding.evidence["home_url"] == HOME_URL
    assert verdict(target, observations, profile) == ("不合格", "互动回应差")


def test_a_home_page_read_only_as_fetched_proves_no_missing_channel(profile):
    # a menu written by script does not show in the HTML as fetched
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = {**home_with_channel([], read_as="generic"), "render_error": "timeout"}
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity, finding.label) == ("site.interaction.review", "review", "互动回应情况待人工复核")
    assert finding.reason == "首页（http://xczx.weinan.gov.cn/）静态页面中未找到互动入口，未能以浏览器打开核实，需人工确认"
    assert finding.evidence["read_as"] == "generic" and finding.evidence["interaction_links"] == []
    assert finding.evidence["render_error"] == "timeout"
    assert verdict(target, observations, profile)[0] == "待人工复核"


def test_a_home_page_whose_content_we_could_not_read_proves_no_missing_channel(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = {**home(None, state="unparsed", error="no list found"), "interaction_links": []}
    assert interaction_findings(observations, profile, target) == []
    assert verdict(target, observations, profile)[0] == "待人工复核"


def test_a_home_page_linking_a_channel_passes(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = home_with_channel([{"name": "政民互动", "url": "http://www.weinan.gov.cn/hdjl/"}])
    assert interaction_findings(observations, profile, target) == []


def test_a_home_page_whose_channel_links_are_all_broken_is_for_an_inspector(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = with_links(home_with_channel([{"name": "市长信箱", "url": HOME_URL + "szxx/"}]), broken=[HOME_URL + "szxx/"])
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review" and finding.reason == f"首页互动入口均无法打开：{HOME_URL}szxx/"


def test_a_home_page_read_before_channels_were_looked_for_gives_no_channel_finding(profile):
    assert interaction_findings(healthy_site_observations(), profile, site()) == []


def test_a_discovered_interaction_column_is_a_channel(profile):
    discovered = mailbox([message("2024-01-10", "2024-01-12", status="已答复", replied=True)], discovered=True)
    target = site()  # registered without columns
    observations = [*healthy_site_observations(), discovered]
    observations[3]["interaction_links"] = [{"name": "市长信箱", "url": discovered["url"]}]
    assert interaction_findings(observations, profile, target) == []
    discovered["messages"].append(message("2023-10-01", status="待回复", replied=False))
    [finding] = interaction_findings(observations, profile, target)
    assert finding.code == "site.interaction.unanswered" and finding.evidence["columns"][0]["discovered"] is True


# == websites: 严重表述错误 ====================================================================


def test_a_listed_wrong_wording_fails_the_site_with_its_page_and_snippet(profile):
    target, observations = site_with([column("普法宣传", "其他", days_before(30))])
    hit = {"wrong": "中华人民共合国", "right": "中华人民共和国", "snippet": "开展《中华人民共合国宪法》宣传"}
    observations[-1].update(serious_errors=[hit], word_list="govcheck:data/serious_errors.txt")
    observations[3].update(serious_errors=[], word_list="govcheck:data/serious_errors.txt")
    findings = [f for f in judged(target, observations, AS_OF, profile) if f.code == "site.wording.serious"]
    [finding] = findings
    assert (finding.severity, finding.label) == ("veto", "严重表述错误")
    [evidence] = finding.evidence["hits"]
    assert evidence["url"] == target["columns"][0]["url"] and evidence["snippet"] == hit["snippet"]
    assert (evidence["page"], evidence["key"], evidence["wrong"]) == ("column", "普法宣传", "中华人民共合国")
    assert finding.rule["threshold"] == {"word_lists": ["govcheck:data/serious_errors.txt"]}
    assert verdict(target, observations, profile) == ("不合格", "严重表述错误")


def test_pages_without_a_listed_wording_pass(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    for observation in observations[3:]:
        observation["serious_errors"] = []
    assert verdict(target, observations, profile) == ("合格", "")


# == websites: discovered columns ==============================================================


@pytest.mark.parametrize("state", ["unparsed", "failed"])
def test_an_unreadable_discovered_untyped_column_is_not_reviewed(profile, state):
    guessed = column("机构概况", "其他", None, state=state, error="no list found")
    guessed["discovered"] = True
    result = assess(site(), [*healthy_site_observations(), guessed], AS_OF, profile)
    assert (result.verdict, result.findings) == ("合格", ())


def discovered(observation: dict[str, Any], type_guess: str, first_level: bool) -> dict[str, Any]:
    """A column observation as the sites spider records one found in the home page's navigation."""
    return {**observation, "discovered": True, "type_guess": type_guess, "first_level": first_level}


def test_an_unreadable_discovered_typed_column_is_reviewed(profile):
    typed = discovered(column("通知公告", "通知公告", None, state="unparsed", error="no list found"), "通知公告", True)
    [finding] = judged(site(), [*healthy_site_observations(), typed], AS_OF, profile)
    assert finding.code == "site.columns.review:通知公告"
    assert (finding.evidence["discovered"], finding.evidence["type_guess"], finding.evidence["first_level"]) == (True, "通知公告", True)


def test_discovered_columns_are_judged_by_their_type(profile):
    stale = [discovered(column(f"动态{i}", "动态要闻", days_before(30), index=i), "动态要闻", True) for i in range(5)]
    assert verdict(site(), [*healthy_site_observations(), *stale], profile) == ("不合格", "多个栏目更新不及时")


def test_discovered_columns_typed_by_a_guess_never_count_towards_the_veto(profile):
    # 政策解读, 图片新闻: doubtful names; 通知公告, 政策文件, 工作动态 of a submenu: not first-level
    guessed = [("政策解读", "政策文件", True), ("图片新闻", "动态要闻", True), ("通知公告", "通知公告", False),
               ("政策文件", "政策文件", False), ("工作动态", "动态要闻", False)]
    stale = [discovered(column(name, "其他", days_before(400), index=i), guess, first_level)
             for i, (name, guess, first_level) in enumerate(guessed)]
    assert assess(site(), [*healthy_site_observations(), *stale], AS_OF, profile).findings == ()
    # blank, they are counted as blank columns, and the evidence says what their names suggested
    blank = [discovered(column(name, "其他", None, state="empty", index=i), guess, first_level)
             for i, (name, guess, first_level) in enumerate(guessed)]
    [finding] = judged(site(), [*healthy_site_observations(), *blank], AS_OF, profile)
    assert (finding.code, finding.severity) == ("site.columns.blank", "veto")
    assert [(c["name"], c["type"], c["type_guess"], c["first_level"]) for c in finding.evidence["blank_columns"]] == [
        (name, "其他", guess, first_level) for name, guess, first_level in guessed
    ]


def test_a_discovered_column_typed_by_an_older_spider_is_judged_as_other(profile):
    # rounds stored before discovered columns were typed by first level and plain names: the
    # stored type is a guess of any word at any level
    stale = [{**column(f"政策解读{i}", "政策文件", days_before(400), index=i), "discovered": True} for i in range(5)]
    assert assess(site(), [*healthy_site_observations(), *stale], AS_OF, profile).findings == ()
    blank = {**column("政策解读", "政策文件", None, state="empty"), "discovered": True}
    [finding] = judged(site(), [*healthy_site_observations(), blank], AS_OF, profile)
    [evidence] = finding.evidence["blank_columns"]
    assert (evidence["type"], evidence["type_guess"], evidence["first_level"]) == ("其他", "政策文件", None)


def test_interaction_rules_need_window_and_reply_period(tmp_path):
    path = write_variant(tmp_path, lambda d: d["websites"]["interaction"].update(reply_within=None))
    with pytest.raises(ProfileError, match=r"websites\.interaction\.reply_within: expected a duration"):
        load_profile(path)
    path = write_variant(tmp_path, lambda d: d["websites"]["links"].pop("max_points"))
    with pytest.raises(ProfileError, match=r"missing key websites\.links\.max_points"):
        load_profile(path)


# == every finding carries its rule and evidence ===================================================


def every_scenario(profile: Profile) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    yield site(), probes(3, 3)
    yield site(), [*probes(3, 1), home(None, state="unparsed")]
    yield site(), [*probes(140, 7), home(days_before(30))]
    yield site_with([*stale_columns(5), *stale_columns(10, "人事信息", 20), *blank(5), column("甲", "动态要闻", None, state="failed", index=90)])
    yield site_with([*stale_columns(1), *blank(1)])
    observations = [*healthy_site_observations(), mailbox([message("2023-10-01", status="待回复", replied=False), message("2023-09-01")])]
    with_links(observations[3], broken=[HOME_URL + "gone/"], unchecked=[HOME_URL + "slow/"])
    observations[3].update(serious_errors=[{"wrong": "国家主度", "right": "国家主席", "snippet": "国家主度"}], word_list="x.txt")
    yield site(), observations
    yield site(), [*healthy_site_observations(), mailbox([message("2023-09-01")]), home_with_channel([])]
    yield site(), [*probes(3, 0), with_links(home_with_channel([{"name": "信箱", "url": HOME_URL}]), broken=[HOME_URL])]
    yield account(), [seen(found=False)]
    yield account(), [seen(found=None, error="captcha")]
    yield account(), [seen(current_name="新名", latest_post_at=days_before(20), latest_original_at=None, interaction={"state": "missing"})]
    yield account(), [seen(latest_post_at=None, posts=None, originals_known=False, error="x", interaction={"state": "unknown"})]
    yield account(), [seen(latest_post_at=days_before(100)), manual(interaction={"state": "broken", "url": ""})]


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_every_finding_has_its_rule_and_evidence_and_stores(profile):
    seen_severities = set()
    for target, observations in every_scenario(profile):
        result = assess(target, observations, AS_OF, profile)
        assert isinstance(result, Assessment) and result.findings
        assert len(codes(list(result.findings))) == len(set(codes(list(result.findings)))), "findings are keyed by code"
        for finding in (*result.findings, *result.unmeasured):
            seen_severities.add(finding.severity)
            assert set(finding.rule) == {"profile", "code", "threshold", "as_of"}
            assert finding.rule["profile"] == "national-2019" and finding.rule["code"] == finding.code
            assert finding.rule["as_of"] == AS_OF and finding.rule["threshold"]
            assert finding.evidence and finding.label
            assert bool(finding.reason) == (finding.severity in ("review", "unmeasured"))
            document = finding.to_document()
            bson.encode(document)  # storable as is: no tuples, read-only mappings or bare dates
            assert not [k for k in _keys(document) if "." in k or "$" in k], "FerretDB refuses such keys"
    assert seen_severities == {"veto", "deduct", "note", "review", "unmeasured"}


# == scoring ===================================================================================


def test_deductions_are_capped_per_indicator_and_a_low_score_fails(tmp_path):
    def deducting(data: dict[str, Any]) -> None:
        del data["websites"]["design"]  # pinned in tests/test_design.py
        data["websites"]["columns"].update(note_severity="deduct", points=30)
        data["scoring"]["max_points"] = {"site.columns": 35}

    capped = load_profile(write_variant(tmp_path, deducting))
    target, observations = site_with([*stale_columns(1), *blank(1)])  # two deductions of 30 under site.columns
    result = assess(target, observations, AS_OF, capped)
    assert [(f.severity, f.points) for f in result.findings] == [("deduct", 30.0), ("deduct", 30.0)]
    assert (result.score, result.verdict) == (65.0, "合格")

    def uncapped(data: dict[str, Any]) -> None:
        deducting(data)
        data["scoring"]["max_points"] = {}

    result = assess(target, observations, AS_OF, load_profile(write_variant(tmp_path, uncapped)))
    assert (result.score, result.verdict, result.labels) == (40.0, "不合格", "得分低于60分,个别栏目更新不及时,存在空白栏目")


def test_a_target_of_unknown_kind_is_refused(profile):
    with pytest.raises(ValueError, match="unknown kind"):
        assess({"key": "x", "kind": "app"}, [], AS_OF, profile)


def test_finding_documents_carry_every_field(profile):
    [finding] = availability(3, 3, profile)
    assert set(finding.to_document()) == {"code", "label", "severity", "points", "rule", "evidence", "reason"}


# == profile keys that are each valid but together would fail targets the rules pass ===============


def test_a_pass_score_above_the_full_score_is_refused_not_a_fail_for_everyone(tmp_path):
    path = write_variant(tmp_path, lambda d: d["scoring"].update(pass_score=160))
    with pytest.raises(ProfileError, match=r"scoring\.pass_score: 160 is above scoring\.full_score \(100\)"):
        load_profile(path)
    strict = load_profile(write_variant(tmp_path, lambda d: d["scoring"].update(pass_score=100)))
    assert verdict(account(), [seen()], strict) == ("合格", "")  # equal to the full score: allowed


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["scoring"].update(pass_score=-1), r"scoring\.pass_score: expected a number ≥ 0"),
        (lambda d: d["scoring"].update(full_score=0, pass_score=0), r"scoring\.full_score: expected a number > 0"),
        (lambda d: d["websites"]["availability"].update(probe_timeout_seconds=0), r"websites\.availability\.probe_timeout_seconds: expected a number > 0"),
        (lambda d: d["websites"]["availability"].update(min_probes_for_ratio=3), r"websites\.availability\.min_probes_for_ratio: 3 is not above websites\.availability\.probe_count \(3\)"),
        (lambda d: d["new_media"]["long_no_update"].update(days=14), r"new_media\.long_no_update\.days: 14 is not above new_media\.no_update\.days \(14\)"),
        (lambda d: d["new_media"]["long_no_update"].update(days=10), r"new_media\.long_no_update\.days: 10 is not above new_media\.no_update\.days \(14\)"),
        (lambda d: d["websites"]["columns"]["column_types"][0].update(stale_after={"days": 0}), r"column_types\[0\]\.stale_after: expected a duration longer than zero"),
        (lambda d: d["websites"]["interaction"].update(reply_within={"months": 0, "days": 0}), r"websites\.interaction\.reply_within: expected a duration longer than zero"),
        (lambda d: d["websites"]["interaction"].update(window={"years": 0}), r"websites\.interaction\.window: expected a duration longer than zero"),
        (lambda d: d["verdicts"].update(fail="合格"), r"verdicts\.fail: 合格 is also verdicts\.pass"),
        (lambda d: d["verdicts"].update(review="不合格"), r"verdicts\.review: 不合格 is also verdicts\.fail"),
    ],
)
def test_values_that_would_fail_targets_the_rules_pass_are_named(tmp_path, change, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(write_variant(tmp_path, change))


def test_the_nearest_valid_values_load(tmp_path):
    def nearest(data: dict[str, Any]) -> None:
        data["websites"]["availability"].update(min_probes_for_ratio=4, probe_timeout_seconds=0.5)
        data["new_media"]["long_no_update"].update(days=15)
        data["websites"]["columns"]["column_types"][0].update(stale_after={"months": 0, "days": 1})

    loaded = load_profile(write_variant(tmp_path, nearest))
    assert loaded.value("new_media", "long_no_update", "days") == 15


# == profile files that cannot be read ===========================================================


def test_a_profile_file_not_in_utf8_is_named_and_refused(tmp_path):
    gbk = tmp_path / "weinan-gbk.yaml"
    text = yaml.safe_dump(yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8")), allow_unicode=True)
    gbk.write_bytes(text.encode("gbk"))  # as an editor on a Chinese Windows saves it
    with pytest.raises(ProfileError, match=rf"rules profile file {re.escape(str(gbk))} is not UTF-8 text.*save it as UTF-8"):
        load_profile(gbk)


def test_a_profile_file_with_a_byte_order_mark_loads(tmp_path):
    marked = tmp_path / "marked.yaml"
    marked.write_bytes(PROFILE_FILE.read_text(encoding="utf-8").encode("utf-8-sig"))
    assert load_profile(marked).name == "national-2019"


def test_a_folder_given_as_profile_is_named_and_refused(tmp_path):
    folder = tmp_path / "profiles.yaml"
    folder.mkdir()
    with pytest.raises(ProfileError, match=rf"rules profile file {re.escape(str(folder))} is a folder, not a file"):
        load_profile(folder)


def test_an_unreadable_profile_file_is_named_and_refused(tmp_path, monkeypatch):
    locked = tmp_path / "locked.yaml"
    locked.write_text(PROFILE_FILE.read_text(encoding="utf-8"), encoding="utf-8")

    def refused(path: Path, *arguments: Any, **keywords: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "open", refused)  # as a chmod 000 file does for anyone but root
    with pytest.raises(ProfileError, match=rf"rules profile file {re.escape(str(locked))} cannot be read: Permission denied"):
        load_profile(locked)


def test_a_profile_path_through_a_file_does_not_exist(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ProfileError, match="does not exist"):
        load_profile(tmp_path / "notes.txt" / "profile.yaml")


# == websites: 互动回应差 (1), channel links that could not be read ==================================


UNRESOLVED = [
    {"name": "市长信箱", "target": "openMailbox(3)", "why": "script"},
    {"name": "", "target": "http://www.weinan.gov.cn/hdjl/", "why": "unnamed image"},
]


def test_a_home_page_whose_only_channel_links_cannot_be_read_is_for_an_inspector(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = {**home_with_channel([]), "interaction_unresolved": UNRESOLVED}
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity, finding.label) == ("site.interaction.review", "review", "互动回应情况待人工复核")
    assert finding.reason == (
        "首页未找到可打开的互动入口，以下疑似入口无法读取，需人工确认："
        "市长信箱（openMailbox(3)）、无文字图片链接（http://www.weinan.gov.cn/hdjl/）"
    )
    assert finding.evidence["interaction_unresolved"] == UNRESOLVED
    assert verdict(target, observations, profile)[0] == "待人工复核"


def test_unreadable_links_do_not_matter_when_a_working_channel_is_linked(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = {**home_with_channel([{"name": "政民互动", "url": "http://www.weinan.gov.cn/hdjl/"}]), "interaction_unresolved": UNRESOLVED}
    assert interaction_findings(observations, profile, target) == []


def test_a_home_page_with_no_channel_and_nothing_unreadable_still_fails(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = {**home_with_channel([]), "interaction_unresolved": []}
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity) == ("site.interaction.no_channel", "veto")


def test_broken_channel_links_with_unreadable_ones_name_both(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = with_links(home_with_channel([{"name": "市长信箱", "url": HOME_URL + "szxx/"}]), broken=[HOME_URL + "szxx/"])
    observations[3]["interaction_unresolved"] = UNRESOLVED[:1]
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review" and finding.evidence["interaction_unresolved"] == UNRESOLVED[:1]
    assert finding.reason == f"首页互动入口均无法打开：{HOME_URL}szxx/；首页未找到可打开的互动入口，以下疑似入口无法读取，需人工确认：市长信箱（openMailbox(3)）"


# == websites: 严重表述错误 quoted by a correction =================================================


CORRECTION = "中“中华人民共合国”应为“中华人民共和国”，特此更正"


def test_a_wrong_wording_quoted_by_a_correction_is_reviewed_not_vetoed(profile):
    target, observations = site_with([column("通知公告", "通知公告", days_before(3))])
    hit = {"wrong": "中华人民共合国", "right": "中华人民共和国", "snippet": CORRECTION}
    observations[-1].update(serious_errors=[hit], word_list="govcheck:data/serious_errors.txt")
    [finding] = [f for f in judged(target, observations, AS_OF, profile) if f.code == "site.wording.serious"]
    assert finding.severity == "review" and finding.evidence["hits"] == []
    [quoted] = finding.evidence["quoted"]
    assert (quoted["url"], quoted["snippet"], quoted["cue"]) == (target["columns"][0]["url"], CORRECTION, "应为")
    for fact in (target["columns"][0]["url"], "中华人民共合国", "应为", CORRECTION):
        assert fact in finding.reason
    assert verdict(target, observations, profile) == ("待人工复核", finding.reason)


def test_a_wrong_wording_beside_its_right_wording_is_reviewed(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(3))])
    hit = {"wrong": "中华人民共合国", "right": "中华人民共和国", "snippet": "学习《中华人民共和国宪法》与中华人民共合国"}
    observations[-1].update(serious_errors=[hit], word_list="x.txt")
    assert verdict(target, observations, profile)[0] == "待人工复核"


def test_a_plain_hit_beside_a_quoted_one_still_vetoes_and_lists_both(profile):
    target, observations = site_with([column("通知公告", "通知公告", days_before(3))])
    plain = {"wrong": "中国共产觉", "right": "中国共产党", "snippet": "坚持中国共产觉的领导"}
    quoted = {"wrong": "中华人民共合国", "right": "中华人民共和国", "snippet": CORRECTION}
    observations[-1].update(serious_errors=[quoted, plain], word_list="x.txt")
    [finding] = [f for f in judged(target, observations, AS_OF, profile) if f.code == "site.wording.serious"]
    assert finding.severity == "veto" and finding.evidence["hit_count"] == 1
    assert [h["wrong"] for h in finding.evidence["hits"]] == ["中国共产觉"]
    assert [h["wrong"] for h in finding.evidence["quoted"]] == ["中华人民共合国"]
    assert verdict(target, observations, profile) == ("不合格", "严重表述错误")


def test_a_wrong_wording_only_in_hidden_text_is_reviewed_not_vetoed(profile):
    target, observations = site_with([column("通知公告", "通知公告", days_before(3))])
    hit = {"wrong": "中华人民共合国", "right": "中华人民共和国", "snippet": "《中华人民共合国法律援助法》", "hidden": True}
    observations[-1].update(serious_errors=[hit], word_list="x.txt")
    [finding] = [f for f in judged(target, observations, AS_OF, profile) if f.code == "site.wording.serious"]
    assert finding.severity == "review" and finding.evidence["hits"] == []
    assert [h["wrong"] for h in finding.evidence["hidden"]] == ["中华人民共合国"]
    assert finding.reason == (
        f"{target['columns'][0]['url']}所见“中华人民共合国”位于页面隐藏的内容中（如未展开的标签页），"
        "访问者是否可见请人工核查：《中华人民共合国法律援助法》"
    )
    hit["hidden"] = False  # shown on the page: the veto
    assert verdict(target, observations, profile) == ("不合格", "严重表述错误")


def test_a_frame_the_browser_could_not_read_is_named_as_an_embedded_page(profile):
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    frame = {"name": "", "target": "http://xczx.weinan.gov.cn/include/head.html", "why": "frame"}
    observations[3] = {**home_with_channel([]), "interaction_unresolved": [frame]}
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review"
    assert finding.reason.endswith("需人工确认：内嵌页面（http://xczx.weinan.gov.cn/include/head.html）")


# == websites: 互动回应差 (1), the proof of absence ====================================================


def searched(*pages: dict[str, Any], navigation: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """A channel search as the sites spider records it: the navigation it recognised and the
    pages where a channel may be, each with what it showed."""
    return {"navigation": LOOKED_EVERYWHERE["navigation"] if navigation is None else navigation, "pages": list(pages)}


def place(name: str, path: str, outcome: str, why: str = "section", **read: Any) -> dict[str, Any]:
    return {"name": name, "url": HOME_URL + path, "why": why, "outcome": outcome, **read}


SECTION = {"name": "政民互动", "url": HOME_URL + "zmhd/", "section": True}


def site_whose_home(links: list[dict[str, Any]], search: dict[str, Any] | None, **home: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    target, observations = site_with([column("工作动态", "动态要闻", days_before(1))])
    observations[3] = {**home_with_channel(links, search=search), **home}
    return target, observations


def test_a_section_is_a_channel_only_through_its_page(profile):
    form = place("政民互动", "zmhd/", "channel", shows=["留言表单：文本框 nr 与提交按钮“提交”"])
    target, observations = site_whose_home([SECTION], searched(form))
    assert interaction_findings(observations, profile, target) == []
    # the section's page read and understood: nothing on it is a channel
    target, observations = site_whose_home([SECTION], searched(place("政民互动", "zmhd/", "none")))
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity) == ("site.interaction.no_channel", "veto")
    assert finding.evidence["channel_search"]["pages"] == [place("政民互动", "zmhd/", "none")]


def test_a_page_reached_from_the_home_page_that_shows_a_form_is_a_channel_whatever_its_name(profile):
    form = place("百姓直通车", "bxztc/", "channel", why="unknown name", page_url=HOME_URL + "bxztc/", shows=["留言表单：文本框 nr 与提交按钮“提交”"])
    target, observations = site_whose_home([], searched(place("政务服务", "zwfw/", "none", why="navigation"), form))
    assert interaction_findings(observations, profile, target) == []


def test_a_link_to_a_known_platform_is_a_channel(profile):
    platform = {"name": "", "url": "https://liuyan.www.gov.cn/hudong/", "platform": "liuyan"}
    target, observations = site_whose_home([platform], None)
    assert interaction_findings(observations, profile, target) == []
    observations[3] = with_links(observations[3], broken=[platform["url"]])
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review" and finding.reason == "首页互动入口均无法打开：https://liuyan.www.gov.cn/hudong/"


def test_a_home_page_whose_channel_places_were_not_looked_at_proves_nothing(profile):
    # a home page read before channel pages were followed (an older round), or a section whose page was never read
    for links in ([], [SECTION]):
        target, observations = site_whose_home(links, None)
        [finding] = interaction_findings(observations, profile, target)
        assert (finding.code, finding.severity) == ("site.interaction.review", "review")
        assert finding.reason == f"首页（{HOME_URL}）未找到互动入口，其导航栏目及疑似入口的页面未读取，不能证明网站无互动入口，需人工确认"
        assert verdict(target, observations, profile)[0] == "待人工复核"


def test_a_home_page_whose_navigation_was_not_recognised_proves_nothing(profile):
    # a menu written by a script we could not run, or images without names
    target, observations = site_whose_home([], searched(navigation=[{"name": "", "url": HOME_URL + "a/", "kind": "unnamed"}]))
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review"
    assert finding.reason == f"首页（{HOME_URL}）未识别出导航栏目（有名称的导航项0个），不能证明网站无互动入口，需人工确认"


def test_every_place_where_a_channel_may_be_must_be_read_and_understood(profile):
    pages = [
        place("政民互动", "zmhd/", "failed", error="HTTP 404", status=404),
        place("政务服务", "zwfw/", "unclear", why="navigation", shows=["未识别的链接：百姓直通车（http://xczx.weinan.gov.cn/bxztc/）"]),
        {**place("", "", "unclear", why="script", script="openWin()", shows=["只能由脚本打开，无法读取"]), "url": ""},
        place("有事您说话", "ysnsh/", "not read", why="unknown name"),
        place("工作动态", "gzdt/", "none", why="navigation"),
    ]
    target, observations = site_whose_home([SECTION], searched(*pages))
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity, finding.label) == ("site.interaction.review", "review", "互动回应情况待人工复核")
    assert finding.reason == (
        "首页未找到互动入口，以下可能设有互动入口的页面未能读取或识别，不能证明网站无互动入口，需人工确认："
        f"政民互动（{HOME_URL}zmhd/：HTTP 404）、政务服务（{HOME_URL}zwfw/：未识别的链接：百姓直通车（http://xczx.weinan.gov.cn/bxztc/））、"
        "脚本链接（openWin()：只能由脚本打开，无法读取）、有事您说话（http://xczx.weinan.gov.cn/ysnsh/：超出读取页面数上限）"
    )
    assert finding.evidence["channel_search"]["pages"] == pages
    assert verdict(target, observations, profile)[0] == "待人工复核"


def test_an_unnamed_link_whose_page_was_read_and_holds_none_no_longer_stands_in_the_way(profile):
    unnamed = {"name": "", "target": HOME_URL + "hdjl/", "why": "unnamed image"}
    read = place("", "hdjl/", "none", why="interaction hint")
    target, observations = site_whose_home([], searched(read), interaction_unresolved=[unnamed])
    [finding] = interaction_findings(observations, profile, target)
    assert (finding.code, finding.severity) == ("site.interaction.no_channel", "veto")
    assert "interaction_unresolved" not in finding.evidence
    # a script-run channel name is never settled by a read
    script = {"name": "市长信箱", "target": "openMailbox(3)", "why": "script"}
    observations[3]["interaction_unresolved"] = [unnamed, script]
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review" and finding.evidence["interaction_unresolved"] == [script]


def test_a_profile_copy_without_the_proof_of_absence_wording_still_loads(tmp_path):
    # offices keep copies of the shipped profile: the new review reasons come from national-2019
    from govcheck.rules.profile import load_profile

    text = (Path(__file__).resolve().parents[1] / "govcheck/rules/profiles/national-2019.yaml").read_text(encoding="utf-8")
    for key in ("channel_not_searched", "channel_no_navigation", "channel_pages_unread", "platform_hosts", "navigation_min_entries"):
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith(f"{key}:"))
    copy = tmp_path / "local.yaml"
    copy.write_text(text, encoding="utf-8")
    local = load_profile(str(copy))
    assert local.value("websites", "interaction", "reasons", "channel_pages_unread").startswith("首页未找到互动入口")
    target, observations = site_whose_home([], searched())
    assert codes(interaction_findings(observations, local, target)) == ["site.interaction.no_channel"]


def test_a_home_page_read_only_as_fetched_names_what_else_was_not_proven(profile):
    # the browser failed on a home page linking only a section, whose page did not load either
    failed = place("政民互动", "zmhd/", "failed", error="timeout")
    target, observations = site_whose_home([SECTION], None, method="generic", render_error="timeout", channel_search=searched(failed))
    [finding] = interaction_findings(observations, profile, target)
    assert finding.severity == "review" and finding.evidence["render_error"] == "timeout"
    assert finding.reason == (
        f"首页（{HOME_URL}）静态页面中未找到互动入口，未能以浏览器打开核实，需人工确认；"
        f"首页未找到互动入口，以下可能设有互动入口的页面未能读取或识别，不能证明网站无互动入口，需人工确认：政民互动（{HOME_URL}zmhd/：timeout）"
    )

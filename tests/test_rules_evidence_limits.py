"""What an observation cannot establish is never a 不合格.

Each test pins one limit of the evidence: posts that were not read (a failed read), a pinned
post judged by its date and not by its place on top of the list, visits made after the monitoring time point, a date an inspector saw before a newer
post was crawled, and the days between a read and a later monitoring time point.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
import yaml

from govcheck.rules import Profile, assess, evaluate_account, evaluate_site, load_profile
from govcheck.rules import read_column
from test_rules import AS_OF, PROFILE_FILE, SHANGHAI, account, by_code, column, days_before, home, manual, seen, site


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile("national-2019")


def severities(findings) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in findings]


# == a latest post only from posts that were read ===============================================


def test_a_pinned_post_of_a_failed_read_is_not_the_latest_post(profile):
    # Weibo page 1: a pinned post from last June, then a post whose time was not understood.
    pinned = {"title": "置顶：办事指南", "time": datetime(2023, 6, 1, 10, tzinfo=SHANGHAI), "pinned": True, "original": True}
    observation = seen(latest_post_at=None, latest_original_at=None, originals_known=False, posts=[pinned],
                       error="post list page 1: created_at not understood ('2月22日 下午')")
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    assert not [f for f in findings if f.severity == "veto"]
    assert "created_at not understood" in by_code(findings, "media.posts.review").reason
    assert assess(account(), [observation], AS_OF, profile).verdict == "待人工复核"


def test_a_failed_read_gives_no_latest_post_from_the_posts_it_saw(profile):
    older = {"title": "旧文", "time": days_before(200), "pinned": False, "original": True}
    observation = seen(latest_post_at=None, latest_original_at=None, originals_known=False, posts=[older], error="timeout on page 2")
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    assert not [f for f in findings if f.severity == "veto"]
    assert "timeout on page 2" in by_code(findings, "media.posts.review").reason


def test_a_fresh_pinned_post_above_older_ones_is_the_latest_post_and_original(profile):
    # Weibo and Douyin list pinned posts on top: published 3 days before, pinned above January's
    pinned = {"title": "置顶：春节开放公告", "time": days_before(3), "pinned": True, "original": True}
    older = [{"title": f"旧文{n}", "time": days_before(30 + n), "pinned": False, "original": n == 0} for n in range(3)]
    # the latest post read from the list itself (no date recorded), the latest original as the reader gives it
    observation = seen(latest_post_at=None, latest_original_at=days_before(3), posts=[pinned, *older])
    assert evaluate_account(account(), [observation], AS_OF, profile) == []
    assert assess(account(), [observation], AS_OF, profile).verdict == "合格"


def test_an_old_pinned_post_on_top_still_fails_on_the_real_dates(profile):
    # the first place of the list looks fresh, but the pinned post is from last year
    pinned = {"title": "置顶：办事指南", "time": days_before(300), "pinned": True, "original": True}
    older = [{"title": f"旧文{n}", "time": days_before(20 + n), "pinned": False, "original": True} for n in range(3)]
    observation = seen(latest_post_at=None, latest_original_at=days_before(20), posts=[pinned, *older])
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    assert severities(findings) == [("media.no_update_14d", "veto")]
    assert by_code(findings, "media.no_update_14d").evidence["latest_post_at"].date() == days_before(20).date()
    only_pinned = seen(latest_post_at=None, latest_original_at=days_before(300), posts=[pinned])
    assert severities(evaluate_account(account(), [only_pinned], AS_OF, profile)) == [("media.long_no_update", "veto")]


def test_a_pinned_original_counts_by_its_date_when_the_original_is_read_from_the_list(profile):
    # the recorded latest original is after the monitoring day: the list gives the one before it
    later_original = {"title": "原创（监测日后）", "time": AS_OF + timedelta(days=1), "pinned": False, "original": True}
    reposts = [{"title": f"转发{n}", "time": days_before(1 + n), "pinned": False, "original": False} for n in range(5)]
    pinned_original = {"title": "置顶：原创", "time": days_before(40), "pinned": True, "original": True}
    kept = seen(latest_post_at=days_before(1), latest_original_at=later_original["time"],
                posts=[pinned_original, later_original, *reposts])
    assert evaluate_account(account(), [kept], AS_OF, profile) == []
    old_pinned_original = dict(pinned_original, time=days_before(200))
    stale = seen(latest_post_at=days_before(1), latest_original_at=later_original["time"],
                 posts=[old_pinned_original, later_original, *reposts])
    assert severities(evaluate_account(account(), [stale], AS_OF, profile)) == [("media.no_original_3m", "veto")]


def test_the_evidence_keeps_which_posts_were_pinned(profile):
    pinned = {"title": "置顶：办事指南", "time": days_before(300), "pinned": True, "original": True}
    older = {"title": "旧文", "time": days_before(20), "pinned": False, "original": True}
    findings = evaluate_account(account(), [seen(latest_post_at=None, posts=[pinned, older])], AS_OF, profile)
    listed = by_code(findings, "media.no_update_14d").evidence["latest_posts"]
    assert [(p["title"], p["pinned"]) for p in listed] == [("旧文", False), ("置顶：办事指南", True)]


# == probes only up to the monitoring time point ================================================


def timed_probe(number: int, ok: bool, fetched_at: datetime | None) -> dict[str, Any]:
    return {
        "kind": "probe", "key": f"probe-{number}", "url": "http://xczx.weinan.gov.cn/", "fetched_at": fetched_at,
        "ok": ok, "status": 200 if ok else None, "error": "" if ok else "timeout", "elapsed_ms": 120,
    }


def week_of_probes(count: int = 150) -> list[dict[str, Any]]:
    start = AS_OF - timedelta(days=7) + timedelta(minutes=1)
    return [timed_probe(n, True, start + timedelta(hours=n)) for n in range(count)]


def late_failures(count: int, first: int = 1000) -> list[dict[str, Any]]:
    return [timed_probe(first + n, False, AS_OF + timedelta(hours=1 + n)) for n in range(count)]


def availability(findings):
    """站点无法访问's findings (not 首页可用性, a 扣分 item a one-shot round leaves unmeasured)."""
    return [f for f in findings if f.code.startswith("site.availability") and f.severity != "unmeasured"]


def test_probes_after_the_monitoring_time_point_are_not_counted(profile):
    observations = [*week_of_probes(), *late_failures(10), home(days_before(1))]
    assert availability(evaluate_site(site(), observations, AS_OF, profile)) == []
    assert assess(site(), observations, AS_OF, profile).verdict == "合格"


def test_probes_after_the_monitoring_time_point_stay_in_the_evidence(profile):
    at_point = [timed_probe(1, False, AS_OF - timedelta(hours=1)), timed_probe(2, True, AS_OF - timedelta(minutes=59)),
                timed_probe(3, True, AS_OF - timedelta(minutes=58))]
    [finding] = availability(evaluate_site(site(), [*at_point, *late_failures(2), home(days_before(1))], AS_OF, profile))
    assert (finding.code, finding.severity) == ("site.availability.review", "review")
    assert (finding.evidence["probes"], finding.evidence["failed"]) == (3, 1)
    assert finding.evidence["not_counted"] == {"after_as_of": 2, "before_window": 0}
    assert [v["key"] for v in finding.evidence["visits"]] == ["probe-1", "probe-2", "probe-3"]
    assert [v["key"] for v in finding.evidence["visits_not_counted"]] == ["probe-1000", "probe-1001"]
    assert all(v["not_counted"] == "after_as_of" for v in finding.evidence["visits_not_counted"])


def test_probes_all_after_the_monitoring_time_point_are_the_rounds_visits(profile):
    # A one-shot round crawled after its monitoring time point (a replay, a re-run) has no other
    # visits: they are counted, and the evidence says they all came after the point.
    [finding] = availability(evaluate_site(site(), [*late_failures(3), home(days_before(1))], AS_OF, profile))
    assert (finding.label, finding.severity) == ("监测时间点无法访问", "veto")
    assert (finding.evidence["probes"], finding.evidence["only_after_as_of"]) == (3, True)
    assert finding.evidence["not_counted"] == {"after_as_of": 0, "before_window": 0}


def test_a_one_shot_rounds_probes_straddling_the_point_are_judged_together(profile):
    # probe-1 timed out a few seconds before midnight, probes 2 and 3 answered just after it
    straddling = [timed_probe(1, False, AS_OF - timedelta(seconds=2)),
                  timed_probe(2, True, AS_OF + timedelta(minutes=1)), timed_probe(3, True, AS_OF + timedelta(minutes=2))]
    [finding] = availability(evaluate_site(site(), [*straddling, home(days_before(1))], AS_OF, profile))
    assert finding.severity == "review" and "3次探测中1次失败" in finding.reason


def test_a_failed_visit_beside_visits_refused_to_us_is_no_outage(profile):
    refused = [{**timed_probe(n, True, AS_OF - timedelta(minutes=n)), "ok": None, "status": 429, "error": "HTTP 429: refused"}
               for n in (1, 2)]
    observations = [*refused, timed_probe(3, False, AS_OF - timedelta(minutes=3)), home(days_before(1))]
    [finding] = availability(evaluate_site(site(), observations, AS_OF, profile))
    assert finding.severity == "review" and "3次探测中1次失败" in finding.reason


def test_probes_without_a_fetch_time_are_still_counted(profile):
    undated = [timed_probe(n, False, None) for n in (1, 2, 3)]
    [finding] = availability(evaluate_site(site(), [*undated, home(days_before(1))], AS_OF, profile))
    assert (finding.evidence["probes"], finding.evidence["failed"]) == (3, 3)
    assert finding.evidence["not_counted"] == {"after_as_of": 0, "before_window": 0}
    # counted, but placed nowhere in time they show no span of an outage: for an inspector
    assert (finding.severity, finding.evidence["failed_span_seconds"]) == ("review", 0)
    assert "失败访问仅跨0秒" in finding.reason


# == probes only within the monitored week ======================================================


def early_failures(count: int, first: int = 2000) -> list[dict[str, Any]]:
    """An outage ten days before the monitoring time point: a probe job left running since the last round."""
    return [timed_probe(first + n, False, AS_OF - timedelta(days=10, hours=n)) for n in range(count)]


def without_window(profile: Profile, tmp_path) -> Profile:
    data = yaml.safe_load(PROFILE_FILE.read_text(encoding="utf-8"))
    del data["websites"]["availability"]["window_days"]
    path = tmp_path / "copied-before-the-window.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_profile(path)


def test_an_outage_before_the_monitored_week_does_not_fail_the_site(profile, tmp_path):
    # 20 failures of 170 visits would be 12 %, over the 5 % of the indicator, but they fall outside its week
    observations = [*week_of_probes(), *early_failures(20), home(days_before(1))]
    assert availability(evaluate_site(site(), observations, AS_OF, profile)) == []
    assert assess(site(), observations, AS_OF, profile).verdict == "合格"
    # a profile copied before the window existed counts them, as it always did
    [finding] = availability(evaluate_site(site(), observations, AS_OF, without_window(profile, tmp_path)))
    assert (finding.label, finding.severity) == ("站点无法访问", "veto")


def test_visits_before_the_monitored_week_stay_in_the_evidence(profile):
    at_point = [timed_probe(1, True, AS_OF - timedelta(minutes=3)), timed_probe(2, False, AS_OF - timedelta(minutes=2)),
                timed_probe(3, True, AS_OF - timedelta(minutes=1))]
    [finding] = availability(evaluate_site(site(), [*at_point, *early_failures(2), home(days_before(1))], AS_OF, profile))
    assert finding.severity == "review" and "3次探测中1次失败" in finding.reason
    assert finding.evidence["not_counted"] == {"after_as_of": 0, "before_window": 2}
    assert [(v["key"], v["not_counted"]) for v in finding.evidence["visits_not_counted"]] == [
        ("probe-2000", "before_window"), ("probe-2001", "before_window"),
    ]
    assert finding.rule["threshold"]["window_days"] == 7


def test_visits_all_before_the_monitored_week_are_for_an_inspector(profile):
    [finding] = availability(evaluate_site(site(), [*early_failures(3), home(days_before(1))], AS_OF, profile))
    assert (finding.code, finding.severity) == ("site.availability.review", "review")
    assert "3次探测均早于监测时间点前7天" in finding.reason
    assert assess(site(), [*early_failures(3), home(days_before(1))], AS_OF, profile).verdict == "待人工复核"


def test_a_visit_on_the_first_moment_of_the_week_counts(profile):
    first_moment = [timed_probe(1, False, AS_OF - timedelta(days=7)), timed_probe(2, True, AS_OF - timedelta(minutes=1))]
    [finding] = availability(evaluate_site(site(), [*first_moment, home(days_before(1))], AS_OF, profile))
    assert (finding.evidence["probes"], finding.evidence["failed"]) == (2, 1)
    assert finding.evidence["not_counted"] == {"after_as_of": 0, "before_window": 0}


# == dates read on detail pages, one of which failed ============================================


def read_on_detail_pages(observation: dict[str, Any], dates: list[datetime | None]) -> dict[str, Any]:
    """A list without dates whose newest entries' detail pages were read: None is one not read."""
    base = observation["url"]
    details = [{"title": f"第{n}条", "url": f"{base}n{n}.html", "date": day, **({} if day else {"error": "timeout"})}
               for n, day in enumerate(dates, 1)]
    read = [day for day in dates if day]
    return {**observation, "method": "detail", "detail_pages": details, "newest_date": max(read) if read else None,
            "entries": [{**e, "date": None} for e in observation["entries"]],
            "error": "detail pages not read: " + "; ".join(d["url"] + " (timeout)" for d in details if d.get("error"))}


def test_a_recent_date_read_on_a_detail_page_passes_the_home_page_whatever_another_failed(profile):
    observation = read_on_detail_pages(home(None), [None, days_before(2), days_before(40)])
    assert [f for f in evaluate_site(site(), [observation], AS_OF, profile) if f.code.startswith("site.home")] == []


def test_only_old_dates_read_beside_a_failed_detail_page_are_for_an_inspector(profile):
    observation = read_on_detail_pages(home(None), [None, days_before(30), days_before(40)])
    [finding] = [f for f in evaluate_site(site(), [observation], AS_OF, profile) if f.code.startswith("site.home")]
    assert (finding.code, finding.severity) == ("site.home.review", "review")
    assert "n1.html (timeout)" in finding.reason
    assert finding.evidence["age_days"] == 30


def test_a_column_read_on_detail_pages_is_fresh_on_a_recent_date_and_reviewed_on_old_ones(profile):
    news = column("工作动态", "动态要闻", None)
    fresh = read_column("工作动态", "动态要闻", read_on_detail_pages(news, [None, days_before(3)]), "", AS_OF, profile)
    assert fresh.status == "fresh"
    old = read_column("工作动态", "动态要闻", read_on_detail_pages(news, [None, days_before(30)]), "", AS_OF, profile)
    assert old.status == "review" and "n1.html (timeout)" in old.reason
    # every detail page read: the old date is the newest, and the column is stale
    read = read_column("工作动态", "动态要闻", {**read_on_detail_pages(news, [days_before(30)]), "error": ""}, "", AS_OF, profile)
    assert read.status == "stale"


# == a list that runs from old to new over more pages ==========================================


def test_an_old_to_new_list_that_goes_on_is_reviewed_not_counted_stale(profile):
    more = {"says": "共5页", "last_page_url": "http://xczx.weinan.gov.cn/0/index_4.html"}
    stale = read_column("工作动态", "动态要闻", {**column("工作动态", "动态要闻", days_before(40)), "more_pages": more}, "", AS_OF, profile)
    assert stale.status == "review" and "由旧到新" in stale.reason and "共5页" in stale.reason
    assert stale.evidence["more_pages"] == more
    # recent enough on this page: fresh whatever the later pages hold
    fresh = read_column("工作动态", "动态要闻", {**column("工作动态", "动态要闻", days_before(3)), "more_pages": more}, "", AS_OF, profile)
    assert fresh.status == "fresh"
    assert read_column("工作动态", "动态要闻", column("工作动态", "动态要闻", days_before(40)), "", AS_OF, profile).status == "stale"


# == a post seen cannot be unseen ===============================================================


def test_an_inspectors_older_date_does_not_hide_a_newer_crawled_post(profile):
    crawled = seen(latest_post_at=days_before(1), latest_original_at=days_before(1))
    inspected = manual(latest_post_at=days_before(20))
    findings = evaluate_account(account(), [crawled, inspected], AS_OF, profile)
    assert findings == []
    result = assess(account(), [crawled, inspected], AS_OF, profile)
    assert (result.verdict, result.labels) == ("合格", "")


def test_the_evidence_names_the_source_of_the_later_date(profile):
    crawled = seen(latest_post_at=days_before(20), latest_original_at=days_before(20), interaction={"state": "unknown", "url": ""})
    inspected = manual(latest_post_at=days_before(30), interaction={"state": "broken", "url": ""})
    findings = evaluate_account(account(), [crawled, inspected], AS_OF, profile)
    stale = by_code(findings, "media.no_update_14d")
    assert stale.evidence["latest_post_at"] == days_before(20)
    assert stale.evidence["taken_from"]["latest_post_at"] == "sogou"
    assert stale.evidence["taken_from"]["interaction"] == "manual (张三)"  # other fields: the inspector still wins


def test_a_later_original_proven_by_the_crawl_wins_over_the_inspectors(profile):
    crawled = seen(latest_post_at=days_before(2), latest_original_at=days_before(2))
    inspected = manual(latest_original_at=days_before(120), originals_known=True)
    assert evaluate_account(account(), [crawled, inspected], AS_OF, profile) == []
    inspected_none = manual(latest_original_at=None, originals_known=True)  # 最近原创时间: 无
    assert evaluate_account(account(), [crawled, inspected_none], AS_OF, profile) == []


def test_a_date_after_the_monitoring_day_does_not_win_over_one_before_it(profile):
    crawled = seen(latest_post_at=days_before(20))
    inspected = manual(latest_post_at=days_before(-3))  # the inspector looked after the monitoring day
    findings = evaluate_account(account(), [crawled, inspected], AS_OF, profile)
    assert severities(findings) == [("media.no_update_14d", "veto")]
    assert findings[0].evidence["taken_from"]["latest_post_at"] == "sogou"


def test_a_newer_inspector_date_still_wins(profile):
    crawled = seen(latest_post_at=days_before(20))
    inspected = manual(latest_post_at=days_before(2))
    findings = evaluate_account(account(), [crawled, inspected], AS_OF, profile)
    assert findings == []


# == days between the read and the monitoring time point ========================================


def read_days_before(days: int) -> datetime:
    return days_before(days, at=time(10, 0))


def test_a_read_before_the_monitoring_point_cannot_fail_on_days_it_did_not_see(profile):
    observation = seen(fetched_at=read_days_before(3), latest_post_at=days_before(15), latest_original_at=days_before(15))
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    assert severities(findings) == [("media.posts.review", "review")]
    reason = findings[0].reason
    assert "2024-02-17 10:00" in reason and "2024-02-20" in reason
    assert findings[0].evidence["latest_post_read_at"] == read_days_before(3)
    assert assess(account(), [observation], AS_OF, profile).verdict == "待人工复核"


@pytest.mark.parametrize("latest_days, original_days", [(18, 18), (92, 92), (95, 95)])
def test_a_read_before_the_monitoring_point_never_fails_however_old_its_latest_post(profile, latest_days, original_days):
    # a post (or an original) in the three unseen days would cure 14天未更新, 长期无更新 and 3个月无原创 alike
    observation = seen(fetched_at=read_days_before(3), latest_post_at=days_before(latest_days),
                       latest_original_at=days_before(original_days))
    findings = evaluate_account(account(), [observation], AS_OF, profile)
    assert not [f for f in findings if f.severity == "veto"]
    expected = [("media.posts.review", "review")] + ([("media.originals.review", "review")] if original_days > 90 else [])
    assert severities(findings) == expected
    assert all("2024-02-17 10:00" in f.reason and "2024-02-20" in f.reason for f in findings)


def test_no_original_judged_on_unseen_days_is_for_an_inspector(profile):
    for original_days in (92, 94):
        observation = seen(fetched_at=read_days_before(3), latest_post_at=days_before(4), latest_original_at=days_before(original_days))
        findings = evaluate_account(account(), [observation], AS_OF, profile)
        assert severities(findings) == [("media.originals.review", "review")]
        assert "2024-02-17 10:00" in findings[0].reason and "2024-02-20" in findings[0].reason


def test_a_read_on_the_monitoring_day_is_judged_as_before(profile):
    observation = seen(fetched_at=days_before(0, at=time(8, 0)), latest_post_at=days_before(15))
    assert severities(evaluate_account(account(), [observation], AS_OF, profile)) == [("media.no_update_14d", "veto")]


def test_an_inspectors_date_without_a_read_time_is_judged_as_before(profile):
    crawled = seen(latest_post_at=None, latest_original_at=None, posts=None, error="antispider")
    inspected = manual(latest_post_at=days_before(15), latest_original_at=days_before(15), originals_known=True)
    assert severities(evaluate_account(account(), [crawled, inspected], AS_OF, profile)) == [("media.no_update_14d", "veto")]


# == an original post is a post =================================================================


def douyin_crawl(latest: datetime) -> dict[str, Any]:
    """A Douyin page read that cannot tell originals and whose list missed the newest works."""
    return seen(source="douyin-page", latest_post_at=latest, latest_original_at=None, originals_known=False,
                posts=[{"title": "作品", "url": "v", "time": latest, "original": None, "pinned": False}])


@pytest.mark.parametrize("crawled_days", [100, 16])
def test_an_inspectors_original_is_the_latest_post_when_the_crawl_saw_only_older_ones(profile, crawled_days):
    # the inspector's row gives only 最近原创时间 (5 days ago); the crawl's newest work is older
    inspected = manual(latest_original_at=days_before(5), originals_known=True)
    observations = [douyin_crawl(days_before(crawled_days)), inspected]
    target = account("澄城县融媒体中心", "抖音")
    assert evaluate_account(target, observations, AS_OF, profile) == []
    assert assess(target, observations, AS_OF, profile).verdict == "合格"


def test_an_inspectors_old_original_alone_cannot_fail_an_account_for_an_inspector(profile):
    # the crawl missed the inspector's original, the inspector recorded no 最新发布时间:
    # whether anything came after the original is known to nobody
    inspected = manual(latest_original_at=days_before(20), originals_known=True)
    findings = evaluate_account(account(), [douyin_crawl(days_before(100)), inspected], AS_OF, profile)
    assert severities(findings) == [("media.posts.review", "review")]
    [finding] = findings
    assert "2024-01-31" in finding.reason and "manual (张三)" in finding.reason
    assert finding.evidence["latest_post_at"] == days_before(20)
    assert finding.evidence["latest_post_at_seen"] == days_before(100)
    assert finding.evidence["latest_post_from"] == {"field": "latest_original_at", "source": "manual (张三)"}
    assert assess(account(), [douyin_crawl(days_before(100)), inspected], AS_OF, profile).verdict == "待人工复核"


def test_an_older_original_does_not_displace_the_latest_post(profile):
    inspected = manual(latest_original_at=days_before(40), originals_known=True)
    findings = evaluate_account(account(), [douyin_crawl(days_before(20)), inspected], AS_OF, profile)
    stale = by_code(findings, "media.no_update_14d")
    assert stale.evidence["latest_post_at"] == days_before(20)
    assert stale.evidence["latest_post_from"] == {"field": "latest_post_at", "source": "douyin-page"}


def test_an_original_after_the_monitoring_day_is_not_the_latest_post(profile):
    inspected = manual(latest_original_at=days_before(-2), originals_known=True)
    findings = evaluate_account(account(), [douyin_crawl(days_before(100)), inspected], AS_OF, profile)
    assert ("media.long_no_update", "veto") in severities(findings)


def test_an_inspectors_original_is_a_post_when_the_crawl_read_none(profile):
    crawled = seen(source="douyin-page", latest_post_at=None, latest_original_at=None, originals_known=False,
                   posts=None, error="captcha")
    recent = manual(latest_original_at=days_before(3), originals_known=True)
    assert evaluate_account(account(), [crawled, recent], AS_OF, profile) == []
    old = manual(latest_original_at=days_before(20), originals_known=True)
    findings = evaluate_account(account(), [crawled, old], AS_OF, profile)
    assert severities(findings) == [("media.posts.review", "review")]
    assert findings[0].evidence["latest_post_from"]["field"] == "latest_original_at"


# == 已改名 only for a name an inspector would call another ======================================


@pytest.mark.parametrize(
    "registered, shown",
    [
        ("渭南发布", "渭南发布\u200b"),  # zero-width space
        ("渭南发布", "\ufeff渭南发布"),  # BOM / zero-width no-break space
        ("渭南发布", "渭南发布\u2060"),  # word joiner
        ("渭南发布", "渭\u00ad南发布"),  # soft hyphen
        ("渭南发布", "渭南\u200d发布"),  # zero-width joiner
        ("渭南市(发布)", "渭南市（发布）"),  # width
        ("ＷＥＩＮＡＮ发布", "weinan发布"),  # width and case
        ("华州·发布", "华州•发布"),
        ("华州·发布", "华州・发布"),
        ("华州·发布", "华州‧发布"),
        ("华州·发布", "华州･发布"),  # half-width katakana middle dot
        ("渭南“文明”", "渭南「文明」"),
        ("渭南「文明」", "渭南『文明』"),
        ('渭南"文明"', "渭南“文明”"),
        ("渭南'文明'", "渭南‘文明’"),
        ("渭南WeiNan发布", "渭南WEINAN发布"),
        ("渭南市卫健委—健康渭南", "渭南市卫健委-健康渭南"),
        ("渭南市卫健委–健康渭南", "渭南市卫健委－健康渭南"),
        ("渭南市卫健委——健康渭南", "渭南市卫健委-健康渭南"),  # a Chinese dash is two em dashes
        ("卤阳湖开发区\n行政审批服务中心", "卤阳湖开发区 行政审批服务中心"),
    ],
)
def test_the_same_name_written_otherwise_is_no_renaming(profile, registered, shown):
    assert evaluate_account(account(registered), [seen(current_name=shown)], AS_OF, profile) == []


@pytest.mark.parametrize(
    "registered, shown",
    [
        ("渭南发布", "渭南發佈"),  # traditional characters: another displayed name
        ("渭南发布", "渭南发布🌸"),  # an emoji added to the displayed name
        ("渭南发布", "渭南发布中心"),
        ("华州·发布", "华州发布"),  # a dot left out is a change of the name itself
    ],
)
def test_another_displayed_name_is_still_a_renaming(profile, registered, shown):
    [finding] = evaluate_account(account(registered), [seen(current_name=shown)], AS_OF, profile)
    assert (finding.code, finding.severity) == ("media.renamed", "veto")


@pytest.mark.parametrize("shown", ["卤阳湖开发区行政审批服…", "卤阳湖开发区行政审批服...", "卤阳湖开发区行政…"])
def test_a_name_cut_short_by_the_platform_is_for_an_inspector(profile, shown):
    target = account("卤阳湖开发区 行政审批服务中心")
    [finding] = evaluate_account(target, [seen(current_name=shown)], AS_OF, profile)
    assert (finding.code, finding.severity) == ("media.renamed.review", "review")
    assert shown in finding.reason and "卤阳湖开发区 行政审批服务中心" in finding.reason
    assert (finding.evidence["registered_name"], finding.evidence["current_name"]) == ("卤阳湖开发区 行政审批服务中心", shown)
    assert assess(target, [seen(current_name=shown)], AS_OF, profile).verdict == "待人工复核"


def test_a_cut_short_name_that_begins_otherwise_is_a_renaming(profile):
    [finding] = evaluate_account(account("卤阳湖开发区行政审批服务中心"), [seen(current_name="蒲城县行政审批服…")], AS_OF, profile)
    assert (finding.label, finding.severity) == ("已改名(蒲城县行政审批服…)系统中未改名", "veto")

"""What an observation cannot establish is never a 不合格.

Each test pins one limit of the evidence: posts that were not read (a failed read, a pinned
post), visits made after the monitoring time point, a date an inspector saw before a newer
post was crawled, and the days between a read and a later monitoring time point.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest

from govcheck.rules import Profile, assess, evaluate_account, evaluate_site, load_profile
from test_rules import AS_OF, SHANGHAI, account, by_code, codes, days_before, home, manual, seen, site


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


def test_a_pinned_post_never_stands_in_for_the_latest_post_of_a_good_read(profile):
    pinned = {"title": "置顶", "time": days_before(300), "pinned": True, "original": True}
    newer = {"title": "新文", "time": days_before(3), "pinned": False, "original": True}
    observation = seen(latest_post_at=None, posts=[pinned, newer])
    assert evaluate_account(account(), [observation], AS_OF, profile) == []
    only_pinned = seen(latest_post_at=None, latest_original_at=days_before(3), posts=[pinned])
    assert severities(evaluate_account(account(), [only_pinned], AS_OF, profile)) == [("media.posts.review", "review")]

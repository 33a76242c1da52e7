"""The latest post and the latest original of an account: by date over all posts, pinned or not;
the posts kept as evidence: one rule for every platform."""

from __future__ import annotations

from datetime import datetime

from govcheck.dates import SHANGHAI
from govcheck.extract.posts import evidence_posts, latest_times


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def post(key: str, time: str | None, original: bool | None = True, pinned: bool = False) -> dict:
    return {"id": key, "time": at(time) if time else None, "time_text": "" if time else "??",
            "original": original, "pinned": pinned}


def test_a_fresh_pinned_post_above_january_posts_is_the_latest_post_and_original():
    posts = [post("p", "2024-02-20 12:00", pinned=True), post("a", "2024-01-20 10:00"), post("b", "2024-01-05 10:00")]
    assert latest_times(posts) == (at("2024-02-20 12:00"), at("2024-02-20 12:00"))


def test_an_old_pinned_post_on_top_gives_neither_date():
    posts = [post("p", "2023-06-01 09:00", pinned=True), post("a", "2024-01-20 10:00", original=False),
             post("b", "2024-01-05 10:00")]
    assert latest_times(posts) == (at("2024-01-20 10:00"), at("2024-01-05 10:00"))
    assert latest_times(posts[:1]) == (at("2023-06-01 09:00"), at("2023-06-01 09:00"))


def test_the_order_of_the_list_is_never_trusted():
    posts = [post("old", "2023-12-01 10:00"), post("new", "2024-02-19 10:00", original=False), post("mid", "2024-01-10 10:00")]
    assert latest_times(posts) == (at("2024-02-19 10:00"), at("2024-01-10 10:00"))


def test_only_declared_originals_count_as_originals_and_undated_posts_give_no_date():
    posts = [post("repost", "2024-02-22 10:00", original=False), post("unknown", "2024-02-21 10:00", original=None),
             post("undated", None)]
    assert latest_times(posts) == (at("2024-02-22 10:00"), None)
    assert latest_times([post("undated", None)]) == (None, None)


def test_posts_after_as_of_are_left_out():
    posts = [post("later", "2024-02-25 09:00", pinned=True), post("before", "2024-02-19 10:00", original=False)]
    assert latest_times(posts, at("2024-02-23 23:59")) == (at("2024-02-19 10:00"), None)
    assert latest_times(posts) == (at("2024-02-25 09:00"), at("2024-02-25 09:00"))


def kept(posts: list[dict], as_of: str, **policy: int) -> list[str]:
    return [p["id"] for p in evidence_posts(posts, at(as_of), **policy)]


def test_evidence_keeps_the_window_the_pinned_posts_and_the_newest_in_the_lists_order():
    posts = [post("pinned-old", "2023-06-01 09:00", pinned=True), post("recent", "2024-02-20 10:00"),
             post("autumn", "2023-10-01 10:00"), post("summer", "2023-08-01 10:00")]
    assert kept(posts, "2024-02-23 23:59") == ["pinned-old", "recent"]
    # long after: the newest by date still, wherever the list puts it
    assert kept(posts, "2025-06-01 00:00") == ["pinned-old", "recent"]
    assert kept(posts, "2025-06-01 00:00", newest=2) == ["pinned-old", "recent", "autumn"]
    assert kept(posts, "2024-02-23 23:59", days=200) == ["pinned-old", "recent", "autumn"]
    assert kept(posts, "2024-02-23 23:59", days=300, limit=2) == ["pinned-old", "recent"]


def test_an_undated_post_is_kept_as_one_of_the_newest_only_when_fewer_are_dated():
    posts = [post("undated", None), post("old", "2023-01-01 10:00")]
    assert kept(posts, "2024-02-23 23:59") == ["old"]
    assert kept(posts, "2024-02-23 23:59", newest=3) == ["undated", "old"]

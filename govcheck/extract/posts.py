"""What a new-media account's posts say about its latest post and its latest original, and
which of them its observation keeps as evidence.

Every platform reader gives posts as ``{id, time, time_text, title, url, original, pinned}``;
this is the one place their dates are turned into the two dates the rules judge, and the one
place the evidence is chosen from them (each platform with its own window and count).

A post's ``time`` is when it was published. Pinning changes its place in the list, not its
date, so a pinned post counts like any other: the newest date over all posts wins, pinned or
not, and the list's order is never trusted (a pinned post sits on top whatever its age). An
old pinned post therefore cannot make an account look fresh, because its date is old, and a
fresh pinned post above older ones is the latest post.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

__all__ = ["latest_times", "newest_first", "evidence_posts"]


def latest_times(posts: list[dict[str, Any]], as_of: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(the newest post time, the newest time of a post declared original), by date, pinned
    posts included; None where no such post has a date.

    With ``as_of``, posts after it are left out (a later post says nothing of the state then).
    """
    dated = [p for p in posts if p.get("time") and (as_of is None or p["time"] <= as_of)]
    times = [p["time"] for p in dated]
    originals = [p["time"] for p in dated if p.get("original") is True]
    return (max(times) if times else None), (max(originals) if originals else None)


def newest_first(post: dict[str, Any]) -> tuple[int, float, str]:
    """Sort key: dated posts newest first, then the undated ones (by id within each)."""
    when = post.get("time")
    return (0, -when.timestamp(), post.get("id", "")) if when else (1, 0.0, post.get("id", ""))


def evidence_posts(
    posts: list[dict[str, Any]], as_of: datetime, days: int = 90, newest: int = 1, limit: int = 30
) -> list[dict[str, Any]]:
    """The posts an observation keeps, in the list's order: the pinned ones, those of the last
    ``days`` before ``as_of`` (and any after it), and always the ``newest`` newest by date
    (:func:`newest_first`: an undated post only when fewer are dated); at most ``limit``."""
    since = as_of - timedelta(days=days)
    always = {id(p) for p in sorted(posts, key=newest_first)[:newest]}
    kept = [p for p in posts if p.get("pinned") or (p.get("time") and p["time"] >= since) or id(p) in always]
    return kept[:limit]

"""What a new-media account's posts say about its latest post and its latest original.

Every platform reader gives posts as ``{id, time, time_text, title, url, original, pinned}``;
this is the one place their dates are turned into the two dates the rules judge.

A post's ``time`` is when it was published. Pinning changes its place in the list, not its
date, so a pinned post counts like any other: the newest date over all posts wins, pinned or
not, and the list's order is never trusted (a pinned post sits on top whatever its age). An
old pinned post therefore cannot make an account look fresh, because its date is old, and a
fresh pinned post above older ones is the latest post.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["latest_times"]


def latest_times(posts: list[dict[str, Any]], as_of: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(the newest post time, the newest time of a post declared original), by date, pinned
    posts included; None where no such post has a date.

    With ``as_of``, posts after it are left out (a later post says nothing of the state then).
    """
    dated = [p for p in posts if p.get("time") and (as_of is None or p["time"] <= as_of)]
    times = [p["time"] for p in dated]
    originals = [p["time"] for p in dated if p.get("original") is True]
    return (max(times) if times else None), (max(originals) if originals else None)

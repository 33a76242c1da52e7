"""One new-media account as all its observations tell it together: the crawl's and the
inspectors' (``govcheck observe import``), merged field by field (:func:`merge_account_observations`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from govcheck.observations import AccountObservation
from govcheck.rules.common import ObservationLike, as_observation, calendar_date, instant, local
from govcheck.rules.profile import Profile


# fields merged from several observations of one account; `posts` and `error` are handled apart
_MERGED_FIELDS = ("found", "current_name", "latest_post_at", "interaction", "originals")
# dates of posts seen: the latest one proven by any source up to the monitoring day wins
_LATEST_SEEN_FIELDS = ("latest_post_at", "originals")


@dataclass(frozen=True)
class AccountState:
    """One account as several observations tell it together (crawled and manual)."""

    found: bool | None = None
    current_name: str | None = None
    latest_post_at: datetime | None = None
    latest_original_at: datetime | None = None
    originals_known: bool = False
    originals_source: str = ""
    posts: tuple[Mapping[str, Any], ...] | None = None  # None: the post list was not read
    interaction: Mapping[str, Any] | None = None
    error: str = ""
    sources: tuple[dict[str, Any], ...] = ()
    taken_from: dict[str, str] = field(default_factory=dict)  # field → source it was taken from
    posts_source: str = ""  # the source whose post list is ``posts``
    inspected: frozenset[str] = frozenset()  # the fields whose value an inspector's observation gave
    # field (and "posts") → when its source read the account; None when not recorded (an inspector's)
    read_at: dict[str, datetime | None] = field(default_factory=dict)


def _source_name(observation: AccountObservation) -> str:
    name = observation.source or ("manual" if observation.manual else "crawl")
    inspector = observation.inspector
    return f"{name} ({inspector})" if inspector else str(name)


def _field_value(observation: AccountObservation, name: str) -> Any:
    """A field of one observation, None when it is unknown there."""
    if name == "found":
        found = observation.found
        return found if isinstance(found, bool) else None
    if name == "current_name":
        text = (observation.current_name or "").strip()
        return text or None
    if name == "latest_post_at":
        latest = instant(observation.latest_post_at)
        if latest is not None or observation.error:
            # A read that failed may have stopped before the newest post: its posts give no latest.
            return latest
        return _latest_post_time(observation.posts)
    if name == "interaction":
        interaction = observation.interaction
        # unknown, and not recorded in the register: an inspector's state fills it
        if not isinstance(interaction, Mapping) or interaction.get("state") in (None, "", "unknown", "unrecorded"):
            return None
        return interaction
    if name == "originals":
        # The pair is one fact: latest_original_at is meaningful only when originals are known,
        # and "no original seen" only from a read that did not fail.
        if observation.originals_known is not True:
            return None
        latest = instant(observation.latest_original_at)
        return None if latest is None and observation.error else (latest,)
    raise KeyError(name)


def _is_manual(observation: AccountObservation) -> bool:
    return bool(observation.manual or observation.source == "manual")


def _latest_post_time(posts: Any) -> datetime | None:
    """The newest post of a list read in full, by date: a pinned post counts by its date (its
    place on top of the list says nothing of its age)."""
    times = [instant(p.get("time")) for p in posts or [] if isinstance(p, Mapping)]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _source_evidence(observation: AccountObservation, profile: Profile) -> dict[str, Any]:
    interaction = observation.interaction if isinstance(observation.interaction, Mapping) else {}
    posts = observation.posts
    return {
        "source": observation.source,
        "manual": bool(observation.manual),
        "key": observation.key,
        "url": _or_blank(observation.url),  # the account's page as this source read it
        "fetched_at": local(observation.fetched_at, profile),
        "inspector": _or_blank(observation.inspector),
        "screenshot": _or_blank(observation.screenshot),
        "found": observation.found,
        "current_name": observation.current_name,
        "latest_post_at": local(observation.latest_post_at, profile),
        "latest_original_at": local(observation.latest_original_at, profile),
        "originals_known": observation.originals_known,
        # all the posts the source read (the observation keeps only the last months' as evidence)
        "posts_read": observation.posts_read if observation.posts_read is not None else None if posts is None else len(posts),
        "oldest_post_read": local(observation.oldest_post_read, profile),
        "interaction": dict(interaction),
        "error": _or_blank(observation.error),
    }


def _or_blank(text: str | None) -> str:
    """A text an observation may leave out, as the evidence prints it."""
    return "" if text is None else text


def merge_account_observations(
    observations: Sequence[ObservationLike], profile: Profile, as_of: datetime | None = None
) -> AccountState:
    """Crawled observations first, then manual ones: a manual value fills what the crawl left
    unknown and, where both have a value, the manual one wins (the inspector saw the account).

    The dates of the latest post and of the latest original are the exception: a post seen
    cannot be unseen, so the latest date any source proves on or before the monitoring day
    (``as_of``) wins, whoever saw it; on a tie, or when no source proves one up to that day,
    the order above decides. ``taken_from`` names the source of every value used.
    """
    ordered = sorted((as_observation(o, AccountObservation) for o in observations), key=_is_manual)
    values: dict[str, Any] = {}
    taken_from: dict[str, str] = {}
    inspected: set[str] = set()
    read_at: dict[str, datetime | None] = {}
    seen: dict[str, list[tuple[datetime, Any, AccountObservation]]] = {name: [] for name in _LATEST_SEEN_FIELDS}
    last_day = calendar_date(as_of, profile) if as_of is not None else None

    def take(name: str, value: Any, observation: AccountObservation) -> None:
        values[name] = value
        taken_from[name] = _source_name(observation)
        read_at[name] = instant(observation.fetched_at)
        if _is_manual(observation):
            inspected.add(name)
        else:
            inspected.discard(name)

    for observation in ordered:
        for name in _MERGED_FIELDS:
            value = _field_value(observation, name)
            if value is not None and (name not in values or _is_manual(observation)):
                take(name, value, observation)
            if name in seen and value is not None:
                moment = value[0] if name == "originals" else value
                if moment is not None and (last_day is None or calendar_date(moment, profile) <= last_day):
                    seen[name].append((moment, value, observation))
    for name, proven in seen.items():
        if proven:
            # on equal dates the inspector's wins, then the source that read the account last
            _, value, observation = max(proven, key=_proof_rank)
            take(name, value, observation)
    # The post list: the first one read (a list, even empty) by an observation without an error.
    posts_read_by = next(
        (o for o in ordered if isinstance(o.posts, list) and not o.error), None
    )
    posts = None if posts_read_by is None or posts_read_by.posts is None else tuple(posts_read_by.posts)
    if posts_read_by is not None:
        read_at["posts"] = instant(posts_read_by.fetched_at)
    if "interaction" not in values:
        # Nobody could tell the state: keep what the check saw (its URL and why) for the reason.
        unknown = [o.interaction for o in ordered if isinstance(o.interaction, Mapping)]
        if unknown:
            values["interaction"] = max(unknown, key=lambda i: bool(i.get("detail") or i.get("url")))
    errors = [f"{_source_name(o)}: {o.error}" for o in ordered if o.error]
    originals = values.get("originals")
    originals_source = next(
        (str(o.source or "") for o in ordered if o.originals_known is not None), ""
    )
    return AccountState(
        found=values.get("found"),
        current_name=values.get("current_name"),
        latest_post_at=values.get("latest_post_at"),
        latest_original_at=originals[0] if originals else None,
        originals_known=originals is not None,
        originals_source=originals_source,
        posts=posts,
        interaction=values.get("interaction"),
        error="; ".join(errors),
        sources=tuple(_source_evidence(o, profile) for o in ordered),
        taken_from=taken_from,
        posts_source="" if posts_read_by is None else _source_name(posts_read_by),
        inspected=frozenset(inspected),
        read_at=read_at,
    )


def _proof_rank(candidate: tuple[datetime, Any, AccountObservation]) -> tuple[datetime, bool, datetime]:
    """Orders the sources proving a post date: the date, then the inspector's, then the latest read."""
    moment, _, observation = candidate
    read = instant(observation.fetched_at) or datetime.min.replace(tzinfo=timezone.utc)
    return instant(moment), _is_manual(observation), read

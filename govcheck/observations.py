"""Observations: what was seen of one target in one round, one dataclass per kind.

A spider yields them (they are its Scrapy items), the pipelines validate and store them
(:meth:`Observation.to_document`), and the rules read them back from the store
(:meth:`Observation.from_document`). docs/schema.md describes every field; a test holds the two
together.

    probe    one visit to a site's home page (站点无法访问)
    home     the home page read: its news list, links, wording, interaction channels
    column   one column page read: its list, links, wording, messages (互动交流)
    account  one new-media account read by a platform spider, or seen by an inspector (manual)
    score    an inspector's record of one 扣分 item measured by hand (key ``score:<item code>``)

Every document carries ``round``, ``target_key``, ``kind`` and ``key`` (its place in the store)
and, once stored by a crawl, the ``run`` that saw it. A field left out of a document is not
recorded: an optional field (``optional()``) is written only when it holds something, so an
absent ``links`` still says "not checked" and ``posts`` "not read", as they always did.

Loading is lenient and validation strict. :meth:`Observation.from_document` takes any stored
document, from rounds stored by older versions too: a field this version does not know (a
derived field since dropped, such as a column's ``unanswered``; an account's platform evidence,
docs/platforms.md) is kept in ``extra`` and written back as it was. :meth:`Observation.validate`
is what a new observation must pass before it is stored: every required field recorded, every
field of its type, times with a time zone, and no field the schema does not name (but an
account's platform evidence).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar, Literal

from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

__all__ = [
    "Observation",
    "ProbeObservation",
    "PageObservation",
    "HomeObservation",
    "ColumnObservation",
    "AccountObservation",
    "ScoreObservation",
    "ObservationError",
    "OBSERVATION_KINDS",
    "PAGE_STATES",
    "observation_class",
]

PageState = Literal["entries", "empty", "unparsed", "failed"]
PAGE_STATES: tuple[str, ...] = typing.get_args(PageState)
ReadingMethod = Literal["generic", "selector", "detail", "rendered"]
MessagesState = Literal["messages", "empty", "unparsed"]
# the fields of every document that place it in the store, not what was seen
ENVELOPE = ("round", "target_key", "kind", "key", "run")


class ObservationError(ValueError):
    """An observation that breaks the schema, naming its target, kind, key and field."""

    def __init__(self, observation: Observation | Mapping[str, Any], field_name: str, problem: str) -> None:
        if isinstance(observation, Mapping):
            target_key, kind, key = observation.get("target_key"), observation.get("kind"), observation.get("key")
        else:
            target_key, kind, key = observation.target_key, observation.kind, observation.key
        self.target_key, self.kind, self.key, self.field = target_key, kind, key, field_name
        super().__init__(f"{kind} observation {key!r} of {target_key}: field {field_name!r} {problem}")


def required(default: Any = "", nullable: bool = False) -> Any:
    """A field every new observation must record; ``nullable``: None is a recorded value."""
    return field(default=default, metadata={"required": True, "nullable": nullable})


def optional() -> Any:
    """A field written only when it holds something (None: not recorded)."""
    return field(default=None, metadata={"optional": True})


@dataclass(kw_only=True)
class Observation:
    """What every observation has: its place in the store, and the fields the schema does not name."""

    kind: ClassVar[str] = ""
    # platform evidence (docs/platforms.md) is the only field outside the schema a new one may carry
    open_fields: ClassVar[bool] = False

    round: str | None = optional()
    target_key: str = ""
    key: str = ""
    run: str | None = optional()
    # fields the schema does not name, kept as they were (older rounds; an account's platform evidence)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Observation:
        """The observation a stored document (or a spider's fields) holds: of the class its
        ``kind`` names when read through :class:`Observation`, else of this class."""
        kind_class = cls
        if cls is Observation:
            kind_class = observation_class(document.get("kind"))
        names = {f.name for f in fields(kind_class)} - {"extra"}
        known = {name: value for name, value in document.items() if name in names}
        extra = {name: value for name, value in document.items() if name not in names and name != "kind"}
        return kind_class(**known, extra=extra)

    def to_document(self) -> dict[str, Any]:
        """The stored document: the envelope, every field recorded, and ``extra`` as it came."""
        document: dict[str, Any] = {"kind": self.kind}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "extra" or (value is None and item.metadata.get("optional")):
                continue
            document[item.name] = value
        document.update(self.extra)
        return document

    def schema_fields(self) -> list[str]:
        """The fields docs/schema.md describes for this kind (not the envelope, not ``extra``)."""
        return [f.name for f in fields(self) if f.name not in ENVELOPE and f.name != "extra"]

    def validate(self) -> None:
        """Raises :class:`ObservationError` naming the first field that breaks the schema."""
        for name in ("round", "target_key", "key"):
            if not getattr(self, name):
                raise ObservationError(self, name, "is empty")
        hints = _field_types(type(self))  # type: ignore[arg-type]  # a class is hashable (mypy reads its instances' __hash__ = None)
        for item in fields(self):
            value = getattr(self, item.name)
            if item.metadata.get("required") and not item.metadata.get("nullable") and value in (None, ""):
                raise ObservationError(self, item.name, "is missing")
            if item.name == "extra":
                continue
            try:
                check_type(value, hints[item.name], collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
            except TypeCheckError as error:
                raise ObservationError(self, item.name, f"is not {_hint_text(hints[item.name])} ({error})") from None
        if self.extra and not self.open_fields:
            raise ObservationError(self, sorted(self.extra)[0], "is not in the schema (docs/schema.md)")
        for name, value in self.to_document().items():
            if isinstance(value, datetime) and value.tzinfo is None:
                raise ObservationError(self, name, "has no time zone")


@functools.cache
def _field_types(kind_class: type[Observation]) -> dict[str, Any]:
    """The fields' types of a class, resolved once (resolving them was half of a validation)."""
    return typing.get_type_hints(kind_class)


def _hint_text(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("datetime.datetime", "datetime")


@dataclass(kw_only=True)
class ProbeObservation(Observation):
    """One visit to a site's home page (key ``probe-1``…, or ``probe-<time>`` from the probes job)."""

    kind: ClassVar[str] = "probe"

    url: str = required()
    fetched_at: datetime | None = None
    # None: no visit (an answer to us rather than to visitors, or not made)
    ok: bool | None = required(None, nullable=True)
    status: int | None = None
    error: str = ""
    elapsed_ms: int | None = None
    timeout_seconds: float | None = None
    network_witness: dict[str, Any] | None = optional()


@dataclass(kw_only=True)
class PageObservation(Observation):
    """A home or column page read: its list and what else it showed."""

    url: str = required()
    fetched_at: datetime | None = None
    status: int | None = None
    method: ReadingMethod | Literal[""] = ""
    state: PageState | Literal[""] = required()
    entries: list[dict[str, Any]] = field(default_factory=list)
    newest_date: datetime | None = None
    error: str = ""
    detail_pages: list[dict[str, Any]] | None = optional()
    renderer: Literal["playwright", "splash"] | None = optional()
    # written with ``renderer``: None there says the render left no screenshot
    screenshot: dict[str, Any] | None = optional()
    render_error: str | None = optional()
    more_pages: dict[str, Any] | None = optional()
    last_page: dict[str, Any] | None = optional()
    links: dict[str, Any] | None = optional()
    serious_errors: list[dict[str, Any]] | None = optional()
    # 错别字: hits of the misspelling list {wrong, right, sentence, where} (govcheck.extract.page)
    misspellings: list[dict[str, Any]] | None = optional()
    misspelling_list: str | None = optional()
    # links of gambling, porn or violence, shown or hidden (govcheck.extract.bad_links)
    bad_links: list[dict[str, Any]] | None = optional()
    word_list: str | None = optional()
    # how the page's bytes were decoded (govcheck.charset): {encoding, how}; not for a rendered page
    charset: dict[str, Any] | None = optional()

    def to_document(self) -> dict[str, Any]:
        document = super().to_document()
        if self.renderer is not None:
            document["screenshot"] = self.screenshot
        return document


@dataclass(kw_only=True)
class HomeObservation(PageObservation):
    """A site's home page read (key ``home``)."""

    kind: ClassVar[str] = "home"

    interaction_links: list[dict[str, Any]] | None = optional()
    interaction_unresolved: list[dict[str, Any]] | None = optional()
    channel_search: dict[str, Any] | None = optional()
    discovered_columns: int | None = optional()
    # 服务不实用 (1): the service entries, navigation and unclear places (govcheck.extract.services)
    services: dict[str, Any] | None = optional()
    # 功能设计 marks: 网站标识码, ICP, 公安备案, 党政机关网站标识, 找错 (govcheck.extract.marks)
    marks: dict[str, Any] | None = optional()
    # 功能设计 搜索: the site search found and one query submitted (govcheck.extract.search)
    search: dict[str, Any] | None = optional()
    # 功能设计 HTTPS: the home page's host asked for over https:// (its answer, the certificate seen)
    https: dict[str, Any] | None = optional()
    # 服务不实用 (2): the guides linked and a sample of them read (govcheck.extract.guides)
    guides: dict[str, Any] | None = optional()


@dataclass(kw_only=True)
class ColumnObservation(PageObservation):
    """One column page read (key: the column's name)."""

    kind: ClassVar[str] = "column"

    column_name: str = ""
    column_type: str = required()
    discovered: bool = False
    type_guess: str | None = optional()
    first_level: bool | None = optional()
    messages_state: MessagesState | None = optional()
    messages: list[dict[str, Any]] | None = optional()


@dataclass(kw_only=True)
class AccountObservation(Observation):
    """One new-media account as a platform spider read it, or as an inspector saw it (key
    ``account``; ``manual`` for an inspector's). The fields the rules read are typed; what else
    a platform's reader records (its own ids, counts, the pages it fetched) is in ``extra``."""

    kind: ClassVar[str] = "account"
    open_fields: ClassVar[bool] = True

    source: str = required()
    url: str | None = optional()
    fetched_at: datetime | None = None
    found: bool | None = None
    current_name: str | None = None
    latest_post_at: datetime | None = None
    latest_original_at: datetime | None = None
    originals_known: bool | None = None
    posts: list[dict[str, Any]] | None = optional()
    posts_read: int | None = optional()
    oldest_post_read: datetime | None = optional()
    interaction: dict[str, Any] | None = None
    error: str | None = optional()
    manual: bool | None = optional()
    inspector: str | None = optional()
    screenshot: str | None = optional()


@dataclass(kw_only=True)
class ScoreObservation(Observation):
    """An inspector's record of a 扣分 item a crawler cannot measure (key ``score:<item>``):
    the points taken off (0: looked at, nothing to take off), why, and who recorded it."""

    kind: ClassVar[str] = "score"

    item: str = required()
    points: float = required(0.0)
    note: str = ""
    inspector: str = required()
    recorded_at: datetime | None = None
    # an inspector's, like a manual account observation: it counts whatever run is latest
    manual: bool = True


OBSERVATION_KINDS: dict[str, type[Observation]] = {
    kind_class.kind: kind_class
    for kind_class in (ProbeObservation, HomeObservation, ColumnObservation, AccountObservation, ScoreObservation)
}


def observation_class(kind: Any) -> type[Observation]:
    """The class of a kind of observation; ValueError for a kind there is none of."""
    if kind not in OBSERVATION_KINDS:
        raise ValueError(f"unknown kind of observation {kind!r} (expected {', '.join(OBSERVATION_KINDS)})")
    return OBSERVATION_KINDS[kind]

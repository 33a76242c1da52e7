"""What every inspection spider shares: its round, the rules profile and its targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import scrapy
import scrapy.downloadermiddlewares.cookies

from govcheck.items import ObservationItem
from govcheck.network_policy import PUBLIC_SUFFIXES
from govcheck.observations import observation_class
from govcheck.rounds import get_round, monitoring_point, parse_as_of, start_round
from govcheck.rules import Profile, load_profile
from govcheck.runs import new_run_id
from govcheck.store import SHANGHAI, Store, store_for


# Scrapy's cookie middleware asks tldextract whether a cookie's domain is a public suffix, and
# tldextract's default downloads the suffix list from the internet on first use. Inspections
# must not depend on (or leak to) hosts other than their targets: the list tldextract ships.
scrapy.downloadermiddlewares.cookies._split_domain = PUBLIC_SUFFIXES


class RoundSpider(scrapy.Spider):
    """A spider that inspects the targets of one kind for one round.

    Arguments (``-a NAME=VALUE``): ``round`` (required), ``as_of``, ``media_as_of`` and
    ``profile`` (to start the round when it does not exist yet), ``targets`` (comma-separated target keys
    or names, to inspect only those), ``run`` (the run id this crawl belongs to, which every
    observation carries: ``govcheck run`` and ``govcheck schedule`` give one; else a new run).
    """

    target_kind: str = ""

    def __init__(
        self,
        round: str | None = None,
        as_of: str | None = None,
        profile: str | None = None,
        media_as_of: str | None = None,
        targets: str | None = None,
        run: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not round:
            raise ValueError(f"{self.name}: give the round, e.g. scrapy crawl {self.name} -a round=2024-1")
        self.round_id = round
        self.as_of_argument = as_of
        self.media_as_of_argument = media_as_of
        self.profile_argument = profile
        self.target_filter = {t.strip() for t in targets.split(",") if t.strip()} if targets else None
        self.targets: dict[str, dict[str, Any]] = {}
        self.target_keys: list[str] = []
        self.run_id = run or new_run_id()
        # targets with at least one stored observation (the classification pipeline adds them)
        self.observed_target_keys: set[str] = set()
        # why the store refused a write, when it did (govcheck.pipelines); the crawl then stops
        self.store_failure = ""

    @property
    def store(self) -> Store:
        return store_for(self.crawler)

    def load_targets(self) -> list[dict[str, Any]]:
        """Reads the round (starting it if as_of was given) and this spider's targets."""
        if self.as_of_argument and not self.store.get_round(self.round_id):
            start_round(
                self.store,
                self.round_id,
                parse_as_of(self.as_of_argument),
                self.profile_argument or "national-2019",
                self.now(),
                parse_as_of(self.media_as_of_argument) if self.media_as_of_argument else None,
            )
        round_document = get_round(self.store, self.round_id)
        self.as_of: datetime = monitoring_point(round_document, self.target_kind)
        self.profile: Profile = load_profile(round_document["profile"])
        targets = self.store.find("targets", {"kind": self.target_kind}, sort=[("key", 1)])
        if self.target_filter is not None:
            targets = [t for t in targets if t["key"] in self.target_filter or t["name"] in self.target_filter]
        self.targets = {t["key"]: t for t in targets}
        self.target_keys = list(self.targets)
        return targets

    @staticmethod
    def now() -> datetime:
        """When something was fetched (evidence), never a rule's reference time."""
        return datetime.now(SHANGHAI)

    def observation(self, target_key: str, kind: str, key: str, **data: Any) -> ObservationItem:
        """An observation of this round, of the class its kind names (govcheck.observations): the
        one way spiders make them. A field the schema does not name goes to ``extra``, where the
        validation pipeline refuses it but for an account's platform evidence."""
        return observation_class(kind).from_document({**data, "round": self.round_id, "target_key": target_key, "key": key})

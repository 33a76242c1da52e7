"""Every finding about a website, indicator by indicator (:func:`evaluate_site`), and the one
question the spider asks the rules while it reads a site (:func:`counts_against`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from govcheck.observations import ColumnObservation, HomeObservation, ProbeObservation
from govcheck.rules.availability import availability_findings, home_availability_findings
from govcheck.rules.blank import blank_column_findings
from govcheck.rules.columns import column_threshold, read_column, read_columns, unreadable_column_findings
from govcheck.rules.common import Finding, ObservationLike, as_observation, kind_of, new_finding, normalised_as_of, of_kind
from govcheck.rules.design import design_findings
from govcheck.rules.freshness import home_page_findings, stale_column_findings
from govcheck.rules.guides import guide_findings, guides_examined
from govcheck.rules.interaction import site_interaction_findings
from govcheck.rules.links import link_findings
from govcheck.rules.profile import Profile
from govcheck.rules.security import bad_link_findings, future_date_findings
from govcheck.rules.services import service_findings, shows_no_service_entry
from govcheck.rules.spelling import misspelling_findings
from govcheck.rules.wording import serious_error_findings


def evaluate_site(
    target: Mapping[str, Any], observations: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Every finding about a website: availability, home page, columns."""
    as_of = normalised_as_of(as_of, profile)
    homes, columns = of_kind(observations, HomeObservation), of_kind(observations, ColumnObservation)
    return [
        *serious_error_findings(target, [*homes, *columns], as_of, profile),
        *availability_findings(target, of_kind(observations, ProbeObservation), as_of, profile),
        *(home_availability_findings(target, of_kind(observations, ProbeObservation), as_of, profile)
          if "home" in profile.section("websites", "availability") else []),
        *home_page_findings(target, homes, as_of, profile),
        *column_findings(target, columns, as_of, profile, homes),
        *site_interaction_findings(target, homes, columns, as_of, profile),
        *(service_findings(target, homes, as_of, profile) if "services" in profile.section("websites") else []),
        *(guide_findings(target, homes, as_of, profile) if guides_examined(target, profile) else []),
        *(bad_link_findings(target, [*homes, *columns], as_of, profile) if "security" in profile.section("websites") else []),
        *(future_date_findings(target, [*homes, *columns], as_of, profile) if "security" in profile.section("websites") else []),
        *link_findings(target, [*homes, *columns], as_of, profile),
        *(misspelling_findings(target, [*homes, *columns], as_of, profile) if "misspellings" in profile.section("websites") else []),
        *(design_findings(target, homes, as_of, profile) if "design" in profile.section("websites") else []),
    ]


def column_findings(
    target: Mapping[str, Any],
    observations: Sequence[ObservationLike],
    as_of: datetime,
    profile: Profile,
    homes: Sequence[ObservationLike],
) -> list[Finding]:
    """栏目不更新 (stale, long stale, blank) with the notes below the veto counts, and a review per
    unreadable column; a review when the home page's navigation (``homes``, read for a site
    registered without columns: ``discovered_columns``) showed none."""
    readings = read_columns(target, observations, as_of, profile)
    homes_without_columns = [h for h in (as_observation(h, HomeObservation) for h in homes) if h.discovered_columns == 0]
    if not readings and homes_without_columns:
        # Registered without columns, and the home page's navigation showed none: no column was
        # checked, so the site has not passed this indicator either.
        rules = profile.section("websites", "columns")
        evidence = {"home_url": homes_without_columns[0].url, "discovered_columns": 0}
        reason = rules["reasons"]["none_found"]
        return [new_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", column_threshold(profile), as_of, evidence, reason)]
    return [
        *stale_column_findings(readings, as_of, profile),
        *blank_column_findings(readings, as_of, profile),
        *unreadable_column_findings(readings, as_of, profile),
    ]


def counts_against(
    target: Mapping[str, Any], page: ObservationLike, as_of: datetime, profile: Profile
) -> Literal["stale", "blank", "no service"] | None:
    """Whether one reading of a home or column page counts against its site under the round's
    profile, and why: ``stale`` (首页不更新 fails the site; a column reads stale for 栏目不更新),
    ``blank`` (a column reads blank for 空白栏目), ``no service`` (a home page showing no entry
    to the services its site must offer: 服务不实用; said before ``stale``, as a browser's reading
    answers both), or None.

    The spider asks it of a page read as fetched, to decide whether to look again where a
    browser may show more (or a list's last page); what the round finally concludes is the
    rules' own, from the observations stored.
    """
    as_of = normalised_as_of(as_of, profile)
    if kind_of(page) == HomeObservation.kind:
        if "services" in profile.section("websites") and shows_no_service_entry(target, page, profile):
            return "no service"
        findings = home_page_findings(target, [page], as_of, profile)
        return "stale" if any(f.severity in ("veto", "deduct") for f in findings) else None
    column = as_observation(page, ColumnObservation)
    reading = read_column(column.column_name or column.key, column.column_type or "其他", column, column.url, as_of, profile)
    return reading.status if reading.status in ("stale", "blank") else None

"""Every finding about a website, indicator by indicator (:func:`evaluate_site`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.rules.availability import availability_findings
from govcheck.rules.blank import blank_column_findings
from govcheck.rules.columns import column_threshold, read_columns, unreadable_column_findings
from govcheck.rules.common import Finding, new_finding, normalised_as_of, of_kind
from govcheck.rules.freshness import home_page_findings, stale_column_findings
from govcheck.rules.interaction import site_interaction_findings
from govcheck.rules.links import link_findings
from govcheck.rules.profile import Profile
from govcheck.rules.wording import serious_error_findings


def evaluate_site(
    target: Mapping[str, Any], observations: Sequence[Mapping[str, Any]], as_of: datetime, profile: Profile
) -> list[Finding]:
    """Every finding about a website: availability, home page, columns."""
    as_of = normalised_as_of(as_of, profile)
    homes, columns = of_kind(observations, "home"), of_kind(observations, "column")
    return [
        *serious_error_findings(target, [*homes, *columns], as_of, profile),
        *availability_findings(target, of_kind(observations, "probe"), as_of, profile),
        *home_page_findings(target, homes, as_of, profile),
        *column_findings(target, columns, as_of, profile, homes),
        *site_interaction_findings(target, homes, columns, as_of, profile),
        *link_findings(target, [*homes, *columns], as_of, profile),
    ]


def column_findings(
    target: Mapping[str, Any],
    observations: Sequence[Mapping[str, Any]],
    as_of: datetime,
    profile: Profile,
    homes: Sequence[Mapping[str, Any]],
) -> list[Finding]:
    """栏目不更新 (stale, long stale, blank) with the notes below the veto counts, and a review per
    unreadable column; a review when the home page's navigation (``homes``, read for a site
    registered without columns: ``discovered_columns``) showed none."""
    readings = read_columns(target, observations, as_of, profile)
    homes_without_columns = [h for h in homes if h.get("discovered_columns") == 0]
    if not readings and homes_without_columns:
        # Registered without columns, and the home page's navigation showed none: no column was
        # checked, so the site has not passed this indicator either.
        rules = profile.section("websites", "columns")
        evidence = {"home_url": homes_without_columns[0].get("url", ""), "discovered_columns": 0}
        reason = rules["reasons"]["none_found"]
        return [new_finding(profile, rules["codes"]["review"], rules["labels"]["review"], "review", column_threshold(profile), as_of, evidence, reason)]
    return [
        *stale_column_findings(readings, as_of, profile),
        *blank_column_findings(readings, as_of, profile),
        *unreadable_column_findings(readings, as_of, profile),
    ]

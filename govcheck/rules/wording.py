"""严重表述错误: serious wording errors on the site (part of the 2019 veto item
安全、泄密事故等严重问题), found by the serious-error word list on the home and column pages.

Thresholds: the profile's ``websites.serious_errors``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from govcheck.observations import PageObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, judged, local, new_finding
from govcheck.rules.profile import Profile


def serious_error_findings(
    target: Mapping[str, Any], pages: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """A known wrong wording on the home page or a column page: one veto listing every hit.

    A hit whose snippet reads as a correction or a quotation (a correction word, or the right
    wording beside it: govcheck.extract.wording.correction_cue) is not established as an error
    of the page. It is listed under ``quoted``; when no other hit is left, the finding is a
    review naming each such hit with its snippet, never a veto. So is a hit in text the page
    hides (``hidden``: a tab not yet opened, text for search engines), listed under ``hidden``:
    whether visitors see it is for an inspector.
    """
    from govcheck.extract.wording import Hit, correction_cue  # the one list of correction words

    rules = profile.section("websites", "serious_errors")
    read = [as_observation(page, PageObservation) for page in pages]
    hits = [
        {
            "page": page.kind,
            "key": page.key,
            "url": page.url,
            "fetched_at": local(page.fetched_at, profile),
            "wrong": hit.get("wrong", ""),
            "right": hit.get("right", ""),
            "snippet": hit.get("snippet", ""),
            "hidden": hit.get("hidden") is True,
            "word_list": page.word_list if page.word_list is not None else "",
        }
        for page in read
        for hit in page.serious_errors or []
    ]
    if not hits:
        return []
    plain: list[dict[str, Any]] = []
    quoted: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    for hit in hits:
        cue = correction_cue(Hit(hit["wrong"], hit["right"], hit["snippet"]))
        if cue:
            quoted.append({**hit, "cue": cue})
        elif hit["hidden"]:
            hidden.append(hit)
        else:
            plain.append(hit)
    threshold = {"word_lists": sorted({h["word_list"] for h in hits})}
    evidence = {"hits": plain, "hit_count": len(plain), "quoted": quoted, "hidden": hidden}
    if plain:
        severity, points = judged(profile, rules)
        return [new_finding(profile, rules["code"], rules["label"], severity, threshold, as_of, evidence, points=points)]
    reasons = [
        rules["reasons"]["quoted"].format(url=h["url"], wrong=h["wrong"], right=h["right"], cue=h["cue"], snippet=h["snippet"])
        for h in quoted
    ] + [
        rules["reasons"]["hidden"].format(url=h["url"], wrong=h["wrong"], right=h["right"], snippet=h["snippet"])
        for h in hidden
    ]
    reason = profile.review_separator.join(dict.fromkeys(reasons))
    return [new_finding(profile, rules["code"], rules["label"], "review", threshold, as_of, evidence, reason)]

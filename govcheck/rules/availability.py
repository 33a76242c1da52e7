"""站点无法访问: "monitored 1 week, at least 20 spaced visits a day; a visit fails if the site
still does not open after 15 seconds; veto when failures reach 5 % of all visits" (2019 veto item).

A round that cannot measure the week (a one-shot crawl) fails a site only when every visit at
the monitoring time point failed, enough of them over the profile's span (监测时间点无法访问).
Thresholds: the profile's ``websites.availability``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from govcheck.observations import ProbeObservation
from govcheck.rules.common import Finding, ObservationLike, as_observation, instant, judged, local, new_finding
from govcheck.rules.profile import Profile


def availability_findings(
    target: Mapping[str, Any], observed: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """站点无法访问: the week's failure ratio when measured, else what a one-shot round can say."""
    rules = profile.section("websites", "availability")
    probes = [as_observation(p, ProbeObservation) for p in observed]
    visits = [p for p in probes if isinstance(p.ok, bool)]
    # A probe without ok is no visit: the site refused us (a crawler block, a rate limit), which
    # says nothing about whether visitors reach it. Kept in the evidence with why.
    refused = [p for p in probes if not isinstance(p.ok, bool)]
    # A visit after the monitoring time point says nothing about the site at that point (an
    # hourly job may go on running after it): when visits up to the point were made, the later
    # ones are not counted. Nor are visits before the monitored window (``window_days``, the
    # indicator's week; a profile without it has no window): a job left running since the last
    # round must not fail a site on an outage the indicator does not look at. A probe without
    # fetched_at cannot be placed and is counted, as before. A one-shot round crawled after its
    # monitoring time point (a replay, a re-run) has only later visits: they are the round's
    # visits and are counted, as before; the evidence says so.
    window_days = rules.get("window_days")
    window_starts = as_of - timedelta(days=window_days) if window_days else None
    measured, late, early = _placed(visits, as_of, window_starts)
    only_later = not measured and not early
    if only_later:
        measured, late = late, []
    failed = [p for p in measured if not p.ok]

    def visit(probe: ProbeObservation, **extra: Any) -> dict[str, Any]:
        return {
            "key": probe.key,
            "url": probe.url,
            "fetched_at": local(probe.fetched_at, profile),
            "ok": probe.ok,
            "status": probe.status,
            "error": probe.error,
            "elapsed_ms": probe.elapsed_ms,
            **({"network_witness": probe.network_witness} if probe.network_witness else {}),
            **extra,
        }

    evidence = {
        "url": target.get("url", ""),
        "probes": len(measured),
        "failed": len(failed),
        "visits": [visit(p) for p in sorted(measured, key=_natural_key)],
        "only_after_as_of": only_later and bool(measured),
        "not_counted": {"after_as_of": len(late), **({"before_window": len(early)} if window_starts else {})},
        "visits_not_counted": [
            *(visit(p, not_counted="before_window") for p in sorted(early, key=_natural_key)),
            *(visit(p, not_counted="after_as_of") for p in sorted(late, key=_natural_key)),
            *(visit(p, not_counted="refused") for p in sorted(refused, key=_natural_key)),
        ],
    }
    span_required = rules.get("probe_span_seconds")  # none in profiles made before it: no span asked
    threshold = {
        "failure_ratio": rules["failure_ratio"],
        "min_probes_for_ratio": rules["min_probes_for_ratio"],
        "probe_timeout_seconds": rules["probe_timeout_seconds"],
        **({"window_days": window_days} if window_days else {}),
        **({"probe_count": rules["probe_count"], "probe_span_seconds": span_required} if span_required is not None else {}),
    }
    severity, points = judged(profile, rules)

    def review(reason: str) -> Finding:
        return new_finding(profile, rules["review_code"], rules["labels"]["review"], "review", threshold, as_of, evidence, reason)

    if not measured and refused:
        errors = "；".join(dict.fromkeys(str(p.error or "no detail") for p in refused))
        return [review(rules["reasons"]["refused"].format(url=target.get("url", ""), count=len(refused), errors=errors))]
    if not measured and early:
        return [review(rules["reasons"]["before_window"].format(url=target.get("url", ""), count=len(early), days=window_days))]
    if not measured:
        return [review(rules["reasons"]["no_probes"].format(url=target.get("url", "")))]
    if len(measured) >= rules["min_probes_for_ratio"]:
        # The indicator's own measure: failures reach the ratio of all visits in the window.
        ratio = Fraction(len(failed), len(measured))
        if ratio >= Fraction(str(rules["failure_ratio"])):
            return [new_finding(profile, rules["code"], rules["labels"]["ratio"], severity, threshold, as_of, evidence, points=points)]
        return []
    # One-shot round: its visits straddle the monitoring time point at most by minutes, so the
    # later ones count here too; a visit refused to us means the server answered.
    round_visits = [*measured, *late]
    round_failed = [p for p in round_visits if not p.ok]
    if len(round_failed) == len(round_visits) and not refused:
        if span_required is not None:
            # An outage at the monitoring time point is shown by enough failed visits spread over
            # the span, as recorded (first to last failure); fewer, or closer, may be seconds of it.
            moments = [m for m in (instant(p.fetched_at) for p in round_failed) if m is not None]
            span_seen = (max(moments) - min(moments)).total_seconds() if moments else 0.0
            evidence["failed_span_seconds"] = round(span_seen, 3)
            if len(round_failed) < rules["probe_count"] or span_seen < span_required:
                reason = rules["reasons"]["short_span"].format(
                    url=target.get("url", ""), failed=len(round_failed), count=rules["probe_count"],
                    span_seen=_seconds_text(span_seen), span_required=_seconds_text(span_required),
                )
                return [review(reason)]
        # Every visit at the monitoring time point failed: the notice's 监测时间点无法访问.
        return [new_finding(profile, rules["code"], rules["labels"]["all_failed"], severity, threshold, as_of, evidence, points=points)]
    if round_failed:
        return [review(rules["reasons"]["partial"].format(failed=len(round_failed), probes=len(round_visits) + len(refused)))]
    return []


def home_availability_findings(
    target: Mapping[str, Any], observed: Sequence[ObservationLike], as_of: datetime, profile: Profile
) -> list[Finding]:
    """首页可用性 (扣分, 2015 普查 网站可用性): over the week the veto measures, failed visits at or
    above the profile's ``home.failure_ratio`` and below the veto's take its points off. Without the
    week's visits (a one-shot round) the item is ``unmeasured``: three visits say nothing of a ratio.
    """
    rules = profile.section("websites", "availability")
    item = rules["home"]
    window_days = rules.get("window_days")
    window_starts = as_of - timedelta(days=window_days) if window_days else None
    visits = [p for p in (as_observation(p, ProbeObservation) for p in observed) if isinstance(p.ok, bool)]
    measured, _late, _early = _placed(visits, as_of, window_starts)
    failed = [p for p in measured if not p.ok]
    threshold = {"failure_ratio": item["failure_ratio"], "veto_ratio": rules["failure_ratio"],
                 "min_probes": rules["min_probes_for_ratio"], **({"window_days": window_days} if window_days else {})}
    evidence = {"url": target.get("url", ""), "probes": len(measured), "failed": len(failed),
                "failed_visits": [{"key": p.key, "fetched_at": local(p.fetched_at, profile), "status": p.status, "error": p.error}
                                  for p in sorted(failed, key=_natural_key)]}
    if len(measured) < rules["min_probes_for_ratio"]:
        reason = item["unmeasured"].format(probes=len(measured), count=rules["min_probes_for_ratio"])
        return [new_finding(profile, item["code"], item["label"], "unmeasured", threshold, as_of, evidence, reason)]
    ratio = Fraction(len(failed), len(measured))
    if Fraction(str(item["failure_ratio"])) <= ratio < Fraction(str(rules["failure_ratio"])):
        evidence["ratio"] = f"{float(ratio):.2%}"
        return [new_finding(profile, item["code"], item["label"], "deduct", threshold, as_of, evidence, points=float(item["points"]))]
    return []


def _placed(
    visits: Sequence[ProbeObservation], as_of: datetime, window_starts: datetime | None
) -> tuple[list[ProbeObservation], list[ProbeObservation], list[ProbeObservation]]:
    """Visits in the monitored window, after the monitoring time point, and before the window."""
    measured, late, early = [], [], []
    for probe in visits:
        moment = instant(probe.fetched_at)
        if moment is not None and moment > as_of:
            late.append(probe)
        elif moment is not None and window_starts is not None and moment < window_starts:
            early.append(probe)
        else:
            measured.append(probe)
    return measured, late, early


def _seconds_text(seconds: float) -> str:
    """Seconds as a reason prints them (1800, 12.3, 0.4), cut to a tenth, never rounded up: a span
    short of the one required never reads as long as it."""
    tenths = math.floor(seconds * 10 + 1e-6)
    return f"{tenths // 10}.{tenths % 10}".removesuffix(".0")


def _natural_key(observation: ProbeObservation) -> list[Any]:
    """probe-2 before probe-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(observation.key))]

"""The rules: profiles (thresholds and printed texts as data) and the engine that applies them.

    profile = load_profile("national-2019")          # or a path to a .yaml file
    assessment = assess(target, observations, as_of, profile)
"""

from govcheck.rules.engine import (
    AccountState,
    Assessment,
    Finding,
    assess,
    evaluate_account,
    evaluate_site,
    merge_account_observations,
)
from govcheck.rules.profile import (
    DEFAULT_PROFILE,
    ColumnType,
    Profile,
    ProfileError,
    available_profiles,
    load_profile,
)

__all__ = [
    "DEFAULT_PROFILE",
    "AccountState",
    "Assessment",
    "ColumnType",
    "Finding",
    "Profile",
    "ProfileError",
    "assess",
    "available_profiles",
    "evaluate_account",
    "evaluate_site",
    "load_profile",
    "merge_account_observations",
]

"""The rules: profiles (thresholds and printed texts as data) and the rules that apply them,
one module per indicator family. Callers import from here.

    profile = load_profile("national-2019")          # or a path to a .yaml file
    assessment = assess(target, observations, as_of, profile)

Where each indicator lives:

- ``availability``: 站点无法访问
- ``freshness``: 首页不更新, 栏目不更新 (1) stale and (2) long stale
- ``blank``: 栏目不更新 (3) 空白栏目
- ``columns``: how a column page reads (fresh, stale, blank, unreadable), for both above
- ``interaction``: 互动回应差 (1) channels, with the proof of absence, and (2) messages
- ``wording``: 严重表述错误
- ``spelling``: 错别字 (a 扣分 item: points per distinct misspelling)
- ``links``: 网站可用性 (broken links)
- ``services``: 服务不实用 (1) no service entry, with the proof of absence
- ``guides``: 服务不实用 (2) 办事指南要素 (a deduction per element class missing from the guides read)
- ``security``: 安全 links (gambling, porn, violence; shown or hidden) and later dates (伪造发稿日期?)
- ``websites``: every website finding together (:func:`evaluate_site`), and the spider's one
  question to the rules (:func:`counts_against`)
- ``account_state`` and ``accounts``: the new-media rules over the merged observations of an account
- ``scoring``: the 扣分 items inspectors record, and those still missing from the score
- ``verdict``: the score and the verdict (:func:`assess`)
- ``common``: findings, time helpers and how a finding is made
"""

from govcheck.rules.account_state import AccountState, merge_account_observations
from govcheck.rules.accounts import (
    evaluate_account,
    found_findings,
    interaction_findings,
    original_findings,
    rename_findings,
    update_findings,
)
from govcheck.rules.availability import availability_findings
from govcheck.rules.blank import blank_column_findings
from govcheck.rules.columns import ColumnReading, read_column, read_columns, unreadable_column_findings
from govcheck.rules.common import INTERACTION_TYPE, Assessment, Finding, Severity, Verdict
from govcheck.rules.freshness import home_page_findings, stale_column_findings
from govcheck.rules.interaction import MessageCheck, check_messages, site_interaction_findings
from govcheck.rules.links import link_findings
from govcheck.rules.profile import (
    DEFAULT_PROFILE,
    SCORE_LABEL_DEFAULTS,
    ColumnType,
    Profile,
    ProfileError,
    ScoreItem,
    available_profiles,
    load_profile,
    profile_reference,
)
from govcheck.rules.scoring import recorded_item_findings
from govcheck.rules.security import bad_link_findings, future_date_findings
from govcheck.rules.guides import guide_findings, guides_examined
from govcheck.rules.services import service_findings, services_required
from govcheck.rules.verdict import assess, score_of, verdict_of
from govcheck.rules.websites import column_findings, counts_against, evaluate_site
from govcheck.rules.spelling import misspelling_findings
from govcheck.rules.wording import serious_error_findings

__all__ = [
    "DEFAULT_PROFILE",
    "INTERACTION_TYPE",
    "SCORE_LABEL_DEFAULTS",
    "AccountState",
    "Assessment",
    "ColumnReading",
    "ColumnType",
    "Finding",
    "MessageCheck",
    "Profile",
    "ProfileError",
    "ScoreItem",
    "Severity",
    "Verdict",
    "assess",
    "availability_findings",
    "available_profiles",
    "bad_link_findings",
    "blank_column_findings",
    "check_messages",
    "column_findings",
    "counts_against",
    "evaluate_account",
    "evaluate_site",
    "found_findings",
    "future_date_findings",
    "home_page_findings",
    "interaction_findings",
    "link_findings",
    "load_profile",
    "merge_account_observations",
    "misspelling_findings",
    "original_findings",
    "profile_reference",
    "read_column",
    "read_columns",
    "recorded_item_findings",
    "rename_findings",
    "score_of",
    "serious_error_findings",
    "service_findings",
    "services_required",
    "guide_findings",
    "guides_examined",
    "site_interaction_findings",
    "stale_column_findings",
    "unreadable_column_findings",
    "update_findings",
    "verdict_of",
]

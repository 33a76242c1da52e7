"""A finding's evidence as the reports print it: its links, what they are, and its facts."""

from __future__ import annotations

import pytest

from govcheck.report.evidence import EvidenceLink, evidence_facts, evidence_links, moment_text, rule_text
from seed_round import moment


def test_links_come_from_every_level_in_document_order():
    evidence = {
        "url": "http://www.wn.gov.cn/",
        "fetched_at": moment("2024-02-20T10:00:05"),
        "stale_columns": [
            {"name": "政务要闻", "url": "http://www.wn.gov.cn/zwyw/", "newest_date": moment("2023-08-01T00:00:00")},
            {"name": "通知公告", "url": "http://www.wn.gov.cn/", "newest_date": moment("2023-06-20T00:00:00")},
        ],
        "broken": [{"url": "http://www.wn.gov.cn/old/", "error": "HTTP 404", "found_on": ["http://www.wn.gov.cn/zwyw/", "http://www.wn.gov.cn/xxgk/"]}],
    }
    assert evidence_links(evidence) == [
        EvidenceLink("http://www.wn.gov.cn/", "", "2024-02-20 10:00:05"),
        EvidenceLink("http://www.wn.gov.cn/zwyw/", "政务要闻 最新发布 2023-08-01"),
        EvidenceLink("http://www.wn.gov.cn/", "通知公告 最新发布 2023-06-20"),
        EvidenceLink("http://www.wn.gov.cn/old/", "HTTP 404"),
        EvidenceLink("http://www.wn.gov.cn/xxgk/"),  # the bare mention of zwyw/ is left out: it is listed above
    ]


def test_each_visit_of_one_address_keeps_its_time_and_error():
    home = "http://www.hancheng.gov.cn/"
    evidence = {"url": home, "visits": [
        {"key": f"probe-{n}", "url": home, "fetched_at": moment(f"2024-02-20T10:00:0{n}"), "error": "timeout"} for n in (1, 2)
    ]}
    assert evidence_links(evidence) == [
        EvidenceLink(home, "第1次访问 超时未打开", "2024-02-20 10:00:01"),
        EvidenceLink(home, "第2次访问 超时未打开", "2024-02-20 10:00:02"),
    ]


def test_only_web_urls_are_links():
    evidence = {"latest_posts": [{"url": "javascript:alert(1)"}, {"url": "data:text/html,x"}, {"url": "HTTPS://mp.weixin.qq.com/s/a"}],
                "found_on": ["ftp://x/", "vbscript:x"]}
    assert [link.url for link in evidence_links(evidence)] == ["HTTPS://mp.weixin.qq.com/s/a"]


def test_a_link_reads_as_one_line_with_its_fetch_time_named_as_such():
    link = EvidenceLink("http://a.gov.cn/", "第1次访问 超时未打开", "2024-02-20 10:00:00")
    assert link.text() == "第1次访问 超时未打开 http://a.gov.cn/ （抓取时间 2024-02-20 10:00:00）"


def test_dates_seen_on_a_page_say_what_they_are_apart_from_when_it_was_read():
    evidence = {"latest_posts": [{"url": "https://mp.weixin.qq.com/s/a", "title": "工作动态", "time": moment("2024-01-30T08:00:00"),
                                  "fetched_at": moment("2024-02-23T10:00:00")}],
                "messages": [{"url": "http://www.wn.gov.cn/hd/1", "title": "咨询", "asked": moment("2023-10-01T00:00:00")}]}
    assert [link.text() for link in evidence_links(evidence)] == [
        "工作动态 发布 2024-01-30 08:00:00 https://mp.weixin.qq.com/s/a （抓取时间 2024-02-23 10:00:00）",
        "咨询 留言 2023-10-01 http://www.wn.gov.cn/hd/1",
    ]


def test_facts_are_printed_under_chinese_names_in_shanghai_time():
    evidence = {"probes": 3, "failed": 3, "found": True, "latest_post_at": moment("2024-01-30T08:00:00"), "posts_read": 0, "other": "x"}
    assert evidence_facts(evidence) == "账号存在：是；探测次数：3；失败次数：3；最新发布时间：2024-01-30 08:00:00；读取发布数：0"


def test_a_date_at_midnight_prints_as_a_date():
    assert moment_text(moment("2024-02-19T00:00:00")) == "2024-02-19"


@pytest.mark.parametrize(("code", "threshold", "words"), [
    ("site.home.stale", {"stale_days": 14}, "首页超过14天没有新信息"),
    ("site.availability.unreachable",
     {"failure_ratio": 0.05, "min_probes_for_ratio": 140, "probe_timeout_seconds": 15, "window_days": 7},
     "访问超过15秒未打开记为失败；监测时间点的各次访问均失败，或监测时段（7天）内访问满140次且失败占5%及以上"),
    ("site.columns.review:通知公告",
     {"stale_veto_count": 5, "long_stale_veto_count": 10, "timely_types": ["动态要闻", "通知公告"],
      "should_update_types": ["动态要闻", "通知公告", "人事信息"],
      "stale_after": [{"type": "动态要闻", "days": 14}, {"type": "通知公告", "months": 6}, {"type": "人事信息", "years": 1}]},
     "栏目更新期限：动态要闻14天、通知公告6个月、人事信息1年；动态要闻、通知公告栏目超期5个及以上，"
     "或动态要闻、通知公告、人事信息栏目超期10个及以上（不足时为提示）"),
    ("site.columns.blank", {"blank_veto_count": 5}, "空白栏目5个及以上（不足时为提示）"),
    ("site.interaction.unanswered", {"window": {"years": 1}, "reply_within": {"months": 3}},
     "监测时间点前1年内的留言超过3个月未回复，或网站没有可用的互动渠道"),
    ("site.links.broken", {"points_per_link": 1.0, "max_points": 10}, "每个不可用链接扣1分，最多扣10分"),
    ("media.no_update_14d", {"no_update_days": 14, "long_no_update_days": 90}, "监测时间点前14天内没有发布（超过90天没有发布为长期无更新）"),
    ("media.no_original_3m", {"no_original_days": 90}, "监测时间点前90天内没有原创信息"),
    ("media.renamed", {"registered_name": "华阴文化"}, "平台显示的名称与登记名称“华阴文化”不一致"),
    ("media.interaction.broken", {"interaction_state": ["ok"]}, "没有互动入口，或互动入口不能正常打开"),
])
def test_the_rule_and_its_threshold_read_as_words(code, threshold, words):
    assert rule_text({"profile": "national-2019", "code": code, "threshold": threshold}) == words


def test_a_rule_without_words_of_its_own_lists_its_thresholds_by_name_never_as_data():
    # a profile's own rule, or a threshold of another shape: named, in words
    assert rule_text({"code": "site.custom", "threshold": {"stale_days": 7, "stale_after": [{"type": "通知公告", "months": 3}]}}) == (
        "首页更新期限（天）：7；更新期限：type 通知公告，months 3"
    )
    assert rule_text({"code": "site.home.stale", "threshold": {"days": 7}}) == "days：7"
    assert rule_text({"code": "media.renamed", "threshold": {}}) == ""


def test_an_account_finding_says_its_interaction_entry_sources_and_observations():
    menu = "http://mp.example/menu/wn_1.html"
    interaction = {"state": "broken", "url": menu, "status": 404, "detail": "HTTP 404"}
    evidence = {
        "name": "渭南二黄", "platform": "微信", "account_id": "wn_1",
        "interaction": interaction, "interaction_url": menu,
        "taken_from": {"found": "wechat-mp", "interaction": "wechat-mp"},
        "observations": [{"source": "wechat-mp", "fetched_at": moment("2024-02-23T10:00:00"), "posts_read": 5, "interaction": interaction}],
    }
    assert evidence_facts(evidence) == (
        "账号ID：wn_1；互动入口：链接有误（HTTP 404）；依据来源：wechat-mp；"
        "观察记录：wechat-mp 抓取时间 2024-02-23 10:00:00 读取发布数 5"
    )
    # the answer met at the entry labels its link; the bare mention of the same URL is left out
    assert EvidenceLink(menu, "HTTP 404") in evidence_links(evidence)
    assert EvidenceLink(menu) not in evidence_links(evidence)


def test_a_missing_entry_and_a_manual_source_are_named():
    evidence = {
        "account_id": "dy_1", "interaction": {"state": "missing", "url": "", "builtin": False},
        "taken_from": {"found": "douyin-page", "originals": "manual (检查组)"},
        "observations": [{"source": "manual", "inspector": "检查组", "fetched_at": None}],
    }
    assert evidence_facts(evidence) == (
        "账号ID：dy_1；互动入口：未提供；依据来源：账号存在←douyin-page，原创←manual (检查组)；观察记录：manual 检查人 检查组"
    )


@pytest.mark.parametrize(("interaction", "printed"), [
    ({"state": "missing", "url": "", "entry": "无"}, "互动入口：未提供（登记为：无）"),
    ({"state": "ok", "url": "", "entry": "菜单：留言", "in_app": True}, "互动入口：正常（登记为：菜单：留言）"),
    ({"state": "unrecorded", "url": ""}, "互动入口：未记录"),
])
def test_what_the_register_says_of_the_entry_is_printed(interaction, printed):
    assert evidence_facts({"interaction": interaction}) == printed


def test_no_original_among_the_posts_read_prints_as_none_but_an_unknown_one_does_not():
    judged = {"originals_known": True, "latest_original_at": None, "latest_original_at_seen": None,
              "observations": [{"source": "weibo-api", "posts_read": 23, "oldest_post_read": moment("2023-11-01T09:00:00")}]}
    assert evidence_facts(judged) == "可区分原创：是；最近原创时间：无；观察记录：weibo-api 读取发布数 23 最早读到 2023-11-01 09:00:00"
    only_later = {**judged, "latest_original_at_seen": moment("2024-02-25T09:00:00"), "observations": []}
    assert "最近原创时间：无" not in evidence_facts(only_later)
    unknown = {**judged, "originals_known": False, "observations": []}
    assert "最近原创时间：无" not in evidence_facts(unknown)


def test_probes_left_out_of_the_count_say_so():
    home = "http://www.hancheng.gov.cn/"
    evidence = {"url": home, "probes": 1, "failed": 1, "not_counted": {"after_as_of": 1},
                "visits": [{"key": "probe-1", "url": home, "fetched_at": moment("2024-02-20T23:59:57"), "ok": False, "error": "timeout"}],
                "visits_not_counted": [
                    {"key": "probe-2", "url": home, "fetched_at": moment("2024-02-21T00:00:59"), "ok": True, "error": "", "not_counted": "after_as_of"},
                    {"key": "probe-3", "url": home, "fetched_at": moment("2024-02-20T23:58:00"), "ok": None,
                     "error": "HTTP 429", "not_counted": "refused"},
                    {"key": "probe-20240210T100000.000", "url": home, "fetched_at": moment("2024-02-10T10:00:00"), "ok": False,
                     "error": "timeout", "not_counted": "before_window"},
                ]}
    assert [link.label for link in evidence_links(evidence)] == [
        "第1次访问 超时未打开", "第2次访问 未计入：监测时间点之后", "第3次访问 未计入：拒绝爬虫访问或未访问 HTTP 429",
        "定时访问 未计入：监测时段之前 超时未打开"]


def test_a_failed_probes_network_witness_is_named_with_its_time():
    home = "http://www.hancheng.gov.cn/"
    evidence = {"url": home, "probes": 1, "failed": 1, "visits": [
        {"key": "probe-1", "url": home, "fetched_at": moment("2024-02-20T10:00:15"), "ok": False, "error": "timeout",
         "network_witness": {"url": "http://www.weinan.gov.cn/", "status": 200, "fetched_at": moment("2024-02-20T10:00:12")}},
    ]}
    assert [(link.url, link.label, link.fetched_at) for link in evidence_links(evidence)] == [
        (home, "第1次访问 超时未打开", "2024-02-20 10:00:15"),
        ("http://www.weinan.gov.cn/", "网络正常佐证 HTTP 200", "2024-02-20 10:00:12"),
    ]


def test_the_unread_last_page_of_a_column_listed_old_to_new_is_named():
    column = {"name": "工作动态", "url": "http://xczx.weinan.gov.cn/dt/", "newest_date": moment("2023-10-15T00:00:00"),
              "more_pages": {"says": "共8页", "last_page_url": "http://xczx.weinan.gov.cn/dt/index_7.html", "last_page_error": "failed: HTTP 404"}}
    assert [(link.url, link.label) for link in evidence_links({"columns": [column]})] == [
        ("http://xczx.weinan.gov.cn/dt/", "工作动态 最新发布 2023-10-15"),
        ("http://xczx.weinan.gov.cn/dt/index_7.html", "末页（共8页）未读取 failed: HTTP 404"),
    ]


def test_an_account_read_before_the_monitoring_day_says_when():
    evidence = {"latest_post_read_at": moment("2024-02-20T10:00:00"), "age_days_at_read": 12, "age_days": 15}
    assert evidence_facts(evidence) == "距监测日天数：15；发布记录抓取时间：2024-02-20 10:00:00；抓取当日距最新发布天数：12"


def test_how_the_home_page_was_read_is_named():
    assert evidence_facts({"read_as": "rendered", "fetched_at": moment("2024-02-20T10:00:05")}) == "抓取时间：2024-02-20 10:00:05；读取方式：浏览器渲染"
    assert evidence_facts({"read_as": "generic"}) == "读取方式：静态页面"

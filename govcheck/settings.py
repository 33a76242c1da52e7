"""Scrapy settings for govcheck. Each setting is documented where it is defined.

The values here are also the defaults: components read their settings once into a config
(govcheck/config.py) whose default for each is the value defined here.

Environment variables override the store settings so that a scrapyd node or an operator's
shell chooses the database without editing files.
"""

import os

from govcheck.chromium import QUIET_ARGS

BOT_NAME = "govcheck"
SPIDER_MODULES = ["govcheck.spiders"]
NEWSPIDER_MODULE = "govcheck.spiders"

# -- store ----------------------------------------------------------------------------
# MongoDB server (pymongo URI). Unset: the embedded store under GOVCHECK_DATA_DIR.
MONGO_URI = os.environ.get("GOVCHECK_MONGO_URI") or None
# Database name on the server (Latin letters only: FerretDB refuses others).
MONGO_DATABASE = os.environ.get("GOVCHECK_MONGO_DB", "govcheck")
# Folder of the embedded store (and of screenshots when no server is used).
GOVCHECK_DATA_DIR = os.environ.get("GOVCHECK_DATA_DIR", "var")
# How long observations wait for an unreachable MongoDB server before the crawl gives up
# (seconds). Nothing is lost or half-written meanwhile; the crawl itself goes on.
GOVCHECK_STORE_RETRY_SECONDS = 600
# Observations are stored in batches: all that arrive within this many seconds, at most this
# many, in one transaction (embedded) or one round trip (MongoDB).
GOVCHECK_STORE_BATCH_SECONDS = 0.05
GOVCHECK_STORE_BATCH_SIZE = 100

# -- runs of a round (govcheck/runs.py) -------------------------------------------------
# Each process crawling for a round records its part of the run in the `runs` collection and
# writes a heartbeat every GOVCHECK_RUN_HEARTBEAT_SECONDS; a part whose heartbeat is older than
# GOVCHECK_RUN_STALE_SECONDS (stored on the part, so every later command reads it) died, and
# its round is interrupted. Keep the stale time well above the heartbeat and the clock skew
# between the machines of a shared round.
GOVCHECK_RUN_HEARTBEAT_SECONDS = 30
GOVCHECK_RUN_STALE_SECONDS = 300
# A spider started on its own (scrapy crawl, a scrapyd job) records its part; `govcheck run`
# records its whole process as one part and turns this off for its spiders.
GOVCHECK_RECORD_RUN = True

# -- politeness -----------------------------------------------------------------------
# Government sites are small servers: few parallel requests per site (the per-host limit).
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Transfers at once over every host. A round of slow sites (0.1–3 s an answer) lasts at least
# its requests' answering time over this number: on the latency web (bench/round_bench.py,
# 300 sites × 20 columns) 32 took 4 × as long as 128, which came within 1.08 × of that bound
# at a third of a core; 256 halved the time again at half a core (within 1.19 ×), for nodes
# with cores to spare.
CONCURRENT_REQUESTS = 128
# Our downloader holds CONCURRENT_REQUESTS_PER_DOMAIN (the per-host limit; per IP address with
# CONCURRENT_REQUESTS_PER_IP) for every request: scheduled ones, those callbacks download
# themselves (link checks, detail pages) and browser renders. Scrapy 2.14–2.19's own downloader
# lets every request queued for a host in one turn of the asyncio loop out at once
# (govcheck/politeness.py, docs/scrapy-slot-bug.md). It also bounds the transfers by
# CONCURRENT_REQUESTS and, with GOVCHECK_REDIS_URL, shares the per-host limit between the
# nodes of a round through leases in Redis.
DOWNLOADER = "govcheck.politeness.PoliteDownloader"
# Scheduled requests the engine hands to the downloader ahead of their transfer, as a multiple
# of CONCURRENT_REQUESTS: they wait at their hosts, so a slow host has its next pages at hand
# and a link to one of them waits for its fetch instead of being checked (300-site round:
# 57.9 link checks a site with 4 against 61.3 with Scrapy's 1, the time the same). A node of a
# shared round (GOVCHECK_REDIS_URL) takes 1: requests one node holds the others cannot take.
GOVCHECK_DOWNLOADER_QUEUE = 4
# Seconds a request we gave up on (our timeout, a download we cancelled) keeps its host's
# transfer after it ended: Scrapy drops the connection, but the server may still be working on
# the request, and the host's next request would make one more than the limit there (a
# 2,000-site round saw 5–7 on hosts limited to 4). None: the request's own timeout
# (DOWNLOAD_TIMEOUT 30, a probe's 15): a server still at work after that long gets as long
# again, which with 30 covers the 60 s after which common front ends (nginx's
# proxy_read_timeout) give up on their backend themselves; a host that times out on every
# request is then asked at half the pace, which is what a struggling server needs. It holds
# the host only, not CONCURRENT_REQUESTS; a timer gives it back, and so does the crawl's close.
# 0: freed at once (Scrapy's way).
GOVCHECK_TIMEOUT_HOLD_SECONDS = None
# Items and requests of one response handled at once. Our callbacks yield one observation and
# at most a dozen requests each; Scrapy starts this many asyncio tasks per response whatever it
# yields (its default, 100, took a third of the reactor's time on a sites round).
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 0
# Inspections must see what a visitor sees, so robots.txt does not hide columns from us;
# the load we put on a site is a handful of pages per round.
ROBOTSTXT_OBEY = False
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 govcheck/0.1"
)
# Page fetches (not availability probes, which never retry) get two more tries.
RETRY_TIMES = 2
# A page that does not answer in this time counts as not fetched (-> 待人工复核).
DOWNLOAD_TIMEOUT = 30
# Size limits (bytes). A page whose body, as sent or as unpacked (gzip, deflate, br, zstd: Scrapy
# stops unpacking at the limit), is larger than DOWNLOAD_MAXSIZE is not read: its observation
# says `too_large` (→ 待人工复核), never a site failure; over DOWNLOAD_WARNSIZE a warning is
# logged. Real government pages are under 2 MiB; Scrapy's defaults (1 GiB / 32 MiB) let one
# hostile page fill the crawl's memory. Probes and link checks read the headers only.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Redirect loops end here and are reported as such.
REDIRECT_MAX_TIMES = 10
# Cookies matter only for platform sessions; keep them per spider.
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = os.environ.get("GOVCHECK_LOG_LEVEL", "INFO")

# -- pipelines: one step each, in this order ------------------------------------------
ITEM_PIPELINES = {
    "govcheck.pipelines.ValidationPipeline": 100,
    "govcheck.pipelines.DateNormalisationPipeline": 200,
    "govcheck.pipelines.ObservationStorePipeline": 300,
    "govcheck.pipelines.ClassificationPipeline": 400,
}

EXTENSIONS = {
    # progress lines on long runs: targets done / total
    "govcheck.progress.ProgressReporter": 500,
    # the run's record: heartbeat, targets reached, how it ended (govcheck/runs.py)
    "govcheck.runs.RunRecorder": 510,
}
# Seconds between progress lines.
GOVCHECK_PROGRESS_INTERVAL = 10

# -- rendering JavaScript pages -------------------------------------------------------
# scrapy-playwright handles only requests with meta["playwright"]; others use Scrapy's own.
# Ours shares one handler between the schemes and starts Playwright at the first rendered page
# (govcheck/browser.py): a round that renders nothing starts no Node.js driver.
DOWNLOAD_HANDLERS = {
    "http": "govcheck.browser.BrowserOnDemandHandler",
    "https": "govcheck.browser.BrowserOnDemandHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Debian's chromium: Playwright's own browser download does not work on our machines. The
# arguments turn off the calls Chromium makes of its own to Google's hosts (govcheck.chromium).
# The sandbox is not set here: GOVCHECK_CHROMIUM_SANDBOX decides it when the browser starts.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("GOVCHECK_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": list(QUIET_ARGS),
}
# Chromium's sandbox: "auto" sandboxes whenever govcheck does not run as root and, as root,
# launches with --no-sandbox and a warning in the log (run as a non-root user: docs/deploy.md);
# True always (as root Chromium then refuses to start); False never (warned too).
GOVCHECK_CHROMIUM_SANDBOX = os.environ.get("GOVCHECK_CHROMIUM_SANDBOX", "auto")
# Tests and the demo: Chromium reaches nothing but loopback (every other name resolves to
# nothing, every other address goes to a closed proxy), whatever a page or the browser asks.
GOVCHECK_CHROMIUM_LOOPBACK_ONLY = os.environ.get("GOVCHECK_CHROMIUM_LOOPBACK_ONLY", "") == "1"
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
# Columns marked splash are rendered by the Splash server at SPLASH_URL through our own
# middleware (govcheck/splash.py; scrapy-splash no longer runs on current Scrapy). It comes
# after the cookies and user-agent middlewares, whose headers it hands to Splash.
DOWNLOADER_MIDDLEWARES = {
    # first: a URL taken from a page is checked before any other middleware sends or rewrites it
    "govcheck.policy_middleware.NetworkPolicyMiddleware": 50,
    "govcheck.splash.SplashMiddleware": 725,
    # before Scrapy's HttpProxyMiddleware (750), which applies the proxy it chooses
    "govcheck.access.PlatformAccessMiddleware": 740,
}
# Splash's render timeout (its `timeout` argument, seconds: a Splash server refuses more than
# its --max-timeout, 90 by default) and the wait after the load event for the scripts that
# fill a list (seconds). A Splash behind a proxy with basic auth: SPLASH_USER and SPLASH_PASS,
# credentials read from the environment or GOVCHECK_SECRETS_FILE like the others, not settings.
SPLASH_TIMEOUT = 30
SPLASH_WAIT = 1.0
# Splash server for columns marked `splash` (unset: such columns are rendered by Playwright).
SPLASH_URL = os.environ.get("SPLASH_URL") or None

# -- network policy (govcheck/network_policy.py, docs/deploy.md) ------------------------
# URLs taken from pages (links checked, last pages, detail pages, discovered columns, places a
# channel may be) are fetched only when every address their host resolves to is public:
# loopback, private, link-local, multicast, reserved and unspecified addresses are refused, the
# refusal kept as evidence (a link unchecked, a page reviewed). The register refuses a 网址 that
# is such an address at import. Networks listed here (CIDR or single addresses, separated by
# commas or spaces; a list in Python settings) are allowed all the same: tests and the demo
# allow their loopback replicas ("127.0.0.0/8, ::1"); an office may allow its own intranet.
# Empty: public addresses only. The import reads the environment variable of this name.
GOVCHECK_ALLOW_PRIVATE_ADDRESSES = os.environ.get("GOVCHECK_ALLOW_PRIVATE_ADDRESSES", "")

# -- several machines sharing one round (govcheck.distributed, docs/deploy.md) ------------
# Redis URL of the round's shared request queue and dupefilter (scrapy-redis). Unset: the
# spider runs alone, as in `govcheck run`. Set per job by `govcheck schedule --redis URL`.
GOVCHECK_REDIS_URL = os.environ.get("GOVCHECK_REDIS_URL") or None
# How long a joining worker waits for the seeding worker to fill the queue (seconds).
GOVCHECK_REDIS_WAIT_SECONDS = 600
# The per-host limit across nodes: every request takes a lease on its host in this Redis (a
# node's environment, so that all its jobs share the limit with the other nodes: the probes
# job beside a round, the platforms' spiders). Unset: the round's GOVCHECK_REDIS_URL when the
# round is shared, else none (govcheck/leases.py).
GOVCHECK_HOST_LEASES_URL = os.environ.get("GOVCHECK_HOST_LEASES_URL") or None
# A node's lease on a host lasts this long (seconds) unless renewed (every third of it while
# the request runs), so a node that crashed holds no host longer than this.
GOVCHECK_HOST_LEASE_SECONDS = 30
ADDONS = {"govcheck.distributed.SharedRoundAddon": 0}


# -- inspection -----------------------------------------------------------------------
# Overrides of the profile's probe spacing (seconds) and timeout, for tests and benches that do
# not judge availability; None keeps the rules profile's values. A site's probes are spaced
# probe_span_seconds / (probe_count − 1) apart by the profile (30 minutes over 3 probes in
# national-2019); spaced closer, its failed probes cannot cover that span and are reviewed,
# never 监测时间点无法访问. A demo or test that must show that label runs with a profile whose span
# is short (replica/weinan/profile.yaml, tests/data/profile-short-probe-span.yaml).
GOVCHECK_PROBE_INTERVAL = None
GOVCHECK_PROBE_TIMEOUT = None
# A probe that got no answer (timeout, name lookup, connection) counts as a failed visit only
# when another server answered us around that moment, from this many seconds before it was
# sent to as long after it failed (govcheck.network): else our own network may have been down,
# and the probe is no visit (→ 待人工复核), never an outage of the site.
GOVCHECK_NETWORK_WITNESS_SECONDS = 5
# Servers that are always up (e.g. ["https://www.gov.cn/"]), asked (HEAD, within the timeout)
# when no other answer came around a failed probe: a round of one site, or of sites that all
# went down together, can then still be judged. Empty: none is asked.
GOVCHECK_NETWORK_CHECK_URLS: list[str] = []
GOVCHECK_NETWORK_CHECK_TIMEOUT = 15
# Entries of a list page kept as evidence.
GOVCHECK_EVIDENCE_ENTRIES = 5
# A list without dates: how many of its first entries' detail pages are opened for their
# publish dates (the printed 发布时间 wins over the PubDate meta tag).
GOVCHECK_DETAIL_PAGES = 3
# Worker processes that read fetched pages while the crawl goes on fetching (govcheck/parsing.py).
# None: none for rounds under GOVCHECK_PARSE_POOL_MIN_SITES sites, else one per core but one
# (at most 4); 0: always read in the crawling process.
GOVCHECK_PARSE_PROCESSES = None
GOVCHECK_PARSE_POOL_MIN_SITES = 100
# A worker that dies (killed, out of memory) is replaced and its pages read again; a page our
# readers fail on (MemoryError, a parser error) is reviewed with why, never the site's failure.
# Parser input cap (characters of a page's text, its frames included): a page over it is not
# parsed; its observation says `too_large` (→ 待人工复核). DOWNLOAD_MAXSIZE bounds fetched
# pages only; this bounds a page rendered in a browser, whose DOM can grow without limit.
GOVCHECK_MAX_PARSE_CHARS = 16 * 1024 * 1024
# Broken links of a site's home and column pages (HEAD, then GET when HEAD is refused or
# fails; govcheck/link_answers.py); outbound links too unless switched off. At most the rules
# profile's websites.links.checked_per_site links of a site's own host, and as many of other
# hosts, get a request of their own (its home page's first);
# GOVCHECK_LINKS_PER_SITE overrides that (tests and demos; None: the profile's). Each URL is
# asked once per round: the round's own page fetches and other sites' checks answer it too
# (across the nodes of a round through Redis). GOVCHECK_LINK_TIMEOUT (seconds) None: DOWNLOAD_TIMEOUT.
GOVCHECK_LINKS_PER_SITE = None
GOVCHECK_CHECK_OUTBOUND_LINKS = True
GOVCHECK_LINK_TIMEOUT = None
# A home page naming no interaction channel: at most this many pages where one may be (its
# navigation's sections, links named with a word we do not know, unnamed image links…) are read
# before 互动回应差 can be judged (govcheck/extract/channel_search.py); when more remain unread,
# the site is reviewed, never failed ("no channel" needs every such place read).
GOVCHECK_CHANNEL_PAGES = 10
# 功能设计 HTTPS: the port a site's host is asked on over https:// (None: https's own, 443). Only
# for tests and replicas, whose TLS server cannot have port 443 on loopback.
GOVCHECK_HTTPS_PORT = None
# A site registered without columns: at most this many columns discovered from its home
# page's navigation are inspected (marked discovered in the evidence).
GOVCHECK_DISCOVERED_COLUMNS = 12
# Serious misspellings and banned terms scanned for on home and column pages, one per line
# (`wrong => right`); unset: the sample list shipped in govcheck/data/serious_errors.txt.
GOVCHECK_SERIOUS_ERRORS_FILE = os.environ.get("GOVCHECK_SERIOUS_ERRORS_FILE") or None
# Common misspellings (错别字, a deduction when the profile has websites.misspellings) scanned
# for on home, column and detail pages, same format; unset: govcheck/data/misspellings.txt.
GOVCHECK_MISSPELLINGS_FILE = os.environ.get("GOVCHECK_MISSPELLINGS_FILE") or None

FEED_EXPORT_ENCODING = "utf-8"
# A feed (`scrapy crawl sites -O observed.jsonl`) holds each observation as the store keeps it,
# its kind included (govcheck/feeds.py).
FEED_EXPORTERS = {
    "json": "govcheck.feeds.ObservationJsonExporter",
    "jsonlines": "govcheck.feeds.ObservationJsonLinesExporter",
    "jsonl": "govcheck.feeds.ObservationJsonLinesExporter",
    "jl": "govcheck.feeds.ObservationJsonLinesExporter",
    "csv": "govcheck.feeds.ObservationCsvExporter",
}

# -- platforms ------------------------------------------------------------------------
# Proxy per spider, as JSON or a mapping: {"wechat": "http://user:pass@proxy:3128", ...}; spiders
# not named go direct (govcheck/access.py). Chromium pages: PLAYWRIGHT_LAUNCH_OPTIONS["proxy"].
GOVCHECK_PROXIES = os.environ.get("GOVCHECK_PROXIES") or None
# Base URLs of every platform endpoint: the real hosts by default; tests and the demo point
# them at the local replica (e.g. http://127.0.0.1:PORT/weibo).
WEIBO_API_BASE_URL = os.environ.get("GOVCHECK_WEIBO_API_BASE_URL", "https://m.weibo.cn")
WECHAT_SOGOU_BASE_URL = os.environ.get("GOVCHECK_WECHAT_SOGOU_BASE_URL", "https://weixin.sogou.com")
WECHAT_MP_BASE_URL = os.environ.get("GOVCHECK_WECHAT_MP_BASE_URL", "https://mp.weixin.qq.com")
DOUYIN_BASE_URL = os.environ.get("GOVCHECK_DOUYIN_BASE_URL", "https://www.douyin.com")
# WeChat sources tried in order, list pages per JSON source, how far back before as_of a list is
# read to find an original, and seconds between two requests to one host (Sogou and MP punish bursts).
WECHAT_SOURCES = "sogou,mp,client"
WECHAT_MAX_PAGES = 8
WECHAT_HISTORY_DAYS = 92
WECHAT_DOWNLOAD_DELAY = 5
# Douyin: seconds to wait after the profile page loaded for the post list its script fetches
# (none in time -> 待人工复核), and seconds between two profile pages (risk control).
DOUYIN_CAPTURE_TIMEOUT = 20
DOUYIN_DOWNLOAD_DELAY = 3
# Weibo: seconds between two API requests, post-list pages read per account at most, how far back
# before as_of the list is read to find an original; on HTTP 418/429/432 (rate limited) how many
# retries, the first after WEIBO_BACKOFF_SECONDS (doubled each time, plus up to half at random).
WEIBO_DOWNLOAD_DELAY = 3
WEIBO_MAX_PAGES = 10
WEIBO_HISTORY_DAYS = 92
WEIBO_RETRIES = 2
WEIBO_BACKOFF_SECONDS = 30
# Operator credentials are read from the environment or GOVCHECK_SECRETS_FILE (a YAML file
# with the same names in lower case); they are never stored in MongoDB and never logged.
GOVCHECK_SECRETS_FILE = os.environ.get("GOVCHECK_SECRETS_FILE") or None
# What an interaction entry's page may say instead of opening, looked for in the text a visitor
# reads (not in scripts) of a 2xx answer; the status itself is read as the link checker reads it
# (govcheck/extract/links.py), while a failed fetch of the entry (our timeout, a redirect loop)
# is unknown. The entry is tried as often as the rules profile says (new_media.interaction
# attempts, pause_seconds), and only what every try says counts. Two kinds, told apart here:
# - INTERACTION_ERROR_TEXTS: the entry is gone → 互动交流链接有误;
# - INTERACTION_BUSY_TEXTS: busy, or "try later" → 待人工复核 with the text (it says nothing
#   about the entry, a later visit may open it). Looked for first: a page that says both is
#   never counted against the account.
INTERACTION_ERROR_TEXTS = [
    "链接已过期", "该内容已被发布者删除", "此内容因违规无法查看", "页面不存在", "访问的页面不存在",
    "404 Not Found", "参数错误",
]
INTERACTION_BUSY_TEXTS = [
    "系统繁忙", "服务器繁忙", "网络繁忙", "稍后再试", "过于频繁", "访问频繁", "请求频繁",
]
# Override of the rules profile's pause between two tries of an account's interaction entry
# (seconds), for tests and demos only; None keeps the profile's value.
GOVCHECK_INTERACTION_RETRY_PAUSE = None

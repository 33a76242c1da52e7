"""Interaction columns (留言/咨询/信箱): their messages with question and reply dates, and the
home-page links that lead to an interaction channel. Plain functions over HTML, no Scrapy.

A 留言 list is printed in one of two ways:

- a table whose header names the columns: 标题 | 留言时间 | 回复时间 | 状态 (also 提问时间,
  来信时间, 答复时间, 办结时间, 办理状态…);
- list items, each a link with labelled dates: ``提问时间：2024-02-18 答复时间：2024-02-19 已答复``.

Each message keeps what the page prints: its question date, its reply date (None when none is
printed) and its status word, read as replied (已回复/已答复/已办结…), pending (待回复/办理中/
已受理…) or invalid (无效/不予受理/重复: not a valid message for the indicator). A status showing
a reply word and a pending word says neither (已办结 待反馈), unless it lists the steps reached
and the last is final (已受理→已办结). Text inside the message's link is its title, never its
status. Dates are read
against ``read_at``, the time the page was fetched: a reply printed after the monitoring time
point is kept (it says the message was still open then); whether a message was overdue is the
rules' question, not this module's.

The 2019 indicator excludes petition (信访) and discipline-report (纪检举报) channels from
interaction channels: links named so are not interaction links. A channel link opened by a
plain script (``onclick="window.open('…')"``) is read from the script; one that cannot be read
(another script, an unnamed image link in an interaction block) is kept as unresolved, so
that the rules never take it for "no channel". A channel is not always a link: buttons
(``<button>``, ``<input type="button">``), clickable blocks (``<li onclick>``,
``<span data-href>``), a links dropdown's options and a 留言 form's submit button are read too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from lxml import etree

from govcheck.dates import parse_date, search_date
from govcheck.extract.browser_hints import runs_scripts
from govcheck.extract.controls import (
    click_handler,
    control_name,
    controls,
    data_url,
    is_button,
    is_submit,
    script_url,
    start_tag,
)
from govcheck.extract.html import (
    Document,
    as_document,
    in_furniture,
    is_ancestor,
    link_title,
    resolve_link,
    short_text,
    squash,
)
from govcheck.extract.listing import says_empty

__all__ = [
    "MAX_CHANNEL_NAME",
    "ChannelLinks",
    "Message",
    "MessageList",
    "NameKind",
    "channel_links",
    "channel_links_in_frames",
    "extract_messages",
    "hints_channel",
    "interaction_links",
    "is_staff_mail",
    "merge_channel_links",
    "name_kind",
    "names_channel_section",
    "names_interaction_channel",
    "names_excluded_channel",
    "reply_state",
]

# A name that says "citizens write to the government here", grown from real home pages (市长信箱,
# 我要写信, 建言献策, 投诉与建议, 意见征集, 咨询留言, 12345热线…); 12329, 12333, 12315: other hotlines.
_WRITE_IN_WORDS = re.compile(
    r"留言|信箱|邮箱|咨询|问政|写信|来信|民意|诉求|建言|献策|投诉|建议|意见|求助|热线|民声|问计|(?<![0-9])123[0-9]{2}(?![0-9])"
)
# A name of the section where channels sit (政民互动, 互动交流, 公众参与, 互动平台): the channel
# itself is on the section's page, which has to be read to know it is there.
_SECTION_WORDS = re.compile(r"互动|公众参与|参与互动")
# Not a channel for the indicator, whatever else the name says: petition (信访) and discipline
# reports (纪检举报; a 投诉举报 complaint channel does count), published letters and answers
# (来信选登, 回应关切), interviews, staff mail (政务邮箱), replies to deputies' proposals (建议提案),
# the site's error report (我要纠错).
_NOT_CHANNEL_WORDS = re.compile(
    r"信访|纪检|纪委|监委|监察|巡视|巡察|违纪|腐败|(?<!投诉)举报(?!.*投诉)|选登|回应关切|舆情回应|访谈"
    r"|政务邮箱|办公邮箱|邮件登录|邮箱登录|提案|纠错|找错"
)


_SPACES = re.compile(r"\s+")


def names_interaction_channel(name: str) -> bool:
    """True for 政民互动, 市长信箱, 在线咨询, 我要写信, 建言献策, 投诉建议…; False for 信访, 纪委举报信箱,
    来信选登 and other names. Sections (政民互动) count: see names_channel_section. Spaces inside a
    name are ignored: icon blocks print short labels spread out (``投  诉``)."""
    name = _SPACES.sub("", name)
    return bool(_WRITE_IN_WORDS.search(name) or _SECTION_WORDS.search(name)) and not _NOT_CHANNEL_WORDS.search(name)


def names_channel_section(name: str) -> bool:
    """True for the name of a section where channels sit (政民互动, 互动交流, 公众参与) that names
    no channel itself (互动留言 does): a link to it is not yet a channel, its page is read."""
    name = _SPACES.sub("", name)
    return bool(_SECTION_WORDS.search(name)) and not _WRITE_IN_WORDS.search(name) and not _NOT_CHANNEL_WORDS.search(name)


# staff webmail (mail.gov.cn, mail.bjft.gov.cn): the unit's own mail, never a channel for citizens
_STAFF_MAIL_HOST = re.compile(r"^(web)?mail[0-9]*\.|\.(web)?mail[0-9]*\.|^e?mail$")


def is_staff_mail(url: str) -> bool:
    """Whether a link goes to the unit's staff webmail (a mail.… host)."""
    return bool(_STAFF_MAIL_HOST.search((urlsplit(url).hostname or "").lower()))


def names_excluded_channel(name: str) -> bool:
    """A name the indicator leaves out (信访, 纪检举报), or that is no write-in channel (来信选登, 政务邮箱)."""
    return bool(_NOT_CHANNEL_WORDS.search(_SPACES.sub("", name)))


NameKind = Literal["channel", "section", "other", "excluded", "unknown", "unnamed"]

# Names understood as no channel: page furniture, and sections of news, disclosure, documents,
# facts about the unit, services to look things up. Anything not here, not a channel, not left
# out and not another unit's name is a word we do not know.
_OTHER_NAMES = re.compile(
    r"首页|主页|更多|^more$|^>+$|^»$|设为|收藏|无障碍|长者|关怀|适老|english|^en$|繁體|繁体|简体|登录|注册|退出|"
    r"搜索|检索|网站地图|联系我们|关于|帮助|声明|隐私|版权|免责|上一页|下一页|尾页|末页|打印|关闭|返回|顶部|"
    r"手机版|移动版|微信|微博|抖音|头条号|客户端|订阅|rss|分享|"
    r"新闻|要闻|动态|资讯|头条|快讯|图片|视频|媒体|聚焦|公开|公示|公告|通知|通报|年报|目录|政策|文件|法规|规章|"
    r"解读|概况|简介|领导|机构|职能|走进|历史|规划|计划|统计|数据|财政|预算|决算|采购|招标|人事|招聘|任免|"
    r"专题|专栏|下载|公报|发布会|查询|指南|天气|英文",
    re.I,
)
# the name of another unit or place: a link to its site holds no channel of this one
_UNIT_NAME = re.compile(r"(人民政府|政府|政府网|门户网站|局|委员会|委|厅|办公室|街道|[区县市镇乡]|网)$")
# a channel's name is short: a longer one without a channel word is a title (news, a document)
_TITLE_LENGTH = 12
# an image's file name given as its alt text names nothing
_FILE_NAME = re.compile(r"\.(jpe?g|png|gif|bmp|webp)$", re.I)


def name_kind(name: str) -> NameKind:
    """What a link's name says it is, for the proof of absence (govcheck.extract.channel_search):
    ``channel`` (市长信箱), ``section`` where channels sit (政民互动), ``excluded`` by the indicator
    (信访), ``other`` (page furniture, a known section, another unit, a title), ``unnamed`` (no
    name, or an image's file name), else ``unknown``: a word we do not know."""
    if not name or _FILE_NAME.search(name):
        return "unnamed"
    if names_excluded_channel(name):
        return "excluded"
    if names_channel_section(name):
        return "section"
    if names_interaction_channel(name):
        return "channel" if len(name) <= MAX_CHANNEL_NAME else "other"
    if len(name) >= _TITLE_LENGTH or _OTHER_NAMES.search(name) or _UNIT_NAME.search(name):
        return "other"
    return "unknown"


@dataclass(frozen=True)
class ChannelLinks:
    """The home page's links (and buttons, dropdown options…) to interaction channels.

    ``found``: ``(name, absolute url)`` of each link naming a channel, and of each button,
    clickable block or dropdown option naming one whose URL can be read (a plain script, a
    ``data-href``, the link around or inside it, a submit's form action, an option's value).
    ``unresolved``: what may be a channel but cannot be read, as ``(name, target, why)``: a
    link or another element named like a channel run by a script (``why`` "script"; ``target``
    its onclick, else its href, ``data-href`` or dropdown's onchange), a link to an e-mail
    address ("mailto"), a button named like a channel with no script, link or form action to
    read ("button"; ``target`` its start tag, ``<button class="…">``), a block without a link
    whose whole text names a channel on a page that runs scripts, looked for only when nothing
    else names one ("block"; ``target`` its start tag), and a link without any
    name, only an image or nothing, whose URL, image or block says interaction
    ("unnamed image"/"unnamed link"; ``name`` "", ``target`` its URL).
    """

    found: tuple[tuple[str, str], ...]
    unresolved: tuple[tuple[str, str, str], ...]


_SCRIPT_HREF = re.compile(r"^\s*(javascript:|#|$)", re.I)
# interaction words in URLs, image files and class names: hdjl (互动交流), szxx (市长信箱), zxzx (在线咨询)…
_CHANNEL_HINTS = {
    "hdjl", "hudong", "zmhd", "hdpt", "szxx", "xzxx", "qzxx", "sjxx", "zxzx", "zxly", "wyxx", "liuyan", "lyb",
    "mailbox", "interact", "interaction", "consult", "consultation", "12345",
}
_HINT_SPLIT = re.compile(r"[^a-z0-9]+")


MAX_CHANNEL_NAME = 20  # longer is a block of text, not a channel's name


def _is_channel_name(name: str) -> bool:
    return len(name) <= MAX_CHANNEL_NAME and names_interaction_channel(name)


def hints_channel(*texts: str | None) -> bool:
    """Whether an address, an image file or a class or id holds an interaction word (hdjl, szxx, zmhd…)."""
    return any(word in _CHANNEL_HINTS for text in texts if text for word in _HINT_SPLIT.split(text.lower()))


def _in_channel_block(a: etree._Element) -> bool:
    """The link sits in a block classed or headed like an interaction area (政民互动); the nearest
    heading decides, so the next block's 图片新闻 is not taken for the one before it."""
    node = a
    for _ in range(4):
        parent = node.getparent()
        if parent is None:
            return False
        sibling = node.getprevious()
        for _ in range(3):
            if sibling is None:
                break
            if text := short_text(sibling):
                return names_interaction_channel(text)
            sibling = sibling.getprevious()
        if hints_channel(parent.get("class"), parent.get("id")):
            return True
        node = parent
    return False


def _channel_links(found: dict[str, str], unresolved: dict[tuple[str, str], str]) -> ChannelLinks:
    """From URL → name and (name, target) → why; what was found somewhere is not also unresolved."""
    return ChannelLinks(
        found=tuple((name, url) for url, name in found.items()),
        unresolved=tuple((name, target, why) for (name, target), why in unresolved.items() if target not in found),
    )


def channel_links(page: Document | str, base_url: str, news: Collection[str] = ()) -> ChannelLinks:
    """The links, buttons and other elements of a page that name an interaction channel, and
    those that may be one but cannot be read. Any host counts: county departments often link
    to the portal's shared 政民互动 platform. ``news``: the URLs of the page's dated list
    entries, whose titles are never a channel's name (年夜饭零投诉 …)."""
    document = as_document(page)
    news = frozenset(news)
    return document.remember(("channel_links", base_url, news), lambda: _read_channel_links(document, base_url, news))


def _read_channel_links(document: Document, base_url: str, news: frozenset[str]) -> ChannelLinks:
    shown, root = document.shown, document.content
    if shown is None or root is None:
        return ChannelLinks((), ())
    found: dict[str, str] = {}
    unresolved: dict[tuple[str, str], str] = {}
    # Buttons and dropdowns can be channels, but the list reader's tree drops them: read them
    # from the shown tree first, then the links from the very tree the list reader sees.
    for control in _control_channels(shown, base_url):
        if control.url:
            found.setdefault(control.url, control.name)
        else:
            unresolved.setdefault((control.name, control.target[:200]), control.why)
    for a in root.iter("a", "area"):
        href = a.get("href")
        url = resolve_link(href, base_url) or script_url(a, base_url)
        name = link_title(a) if a.tag == "a" else squash(a.get("alt") or a.get("title") or "")
        if name:
            if not _is_channel_name(name) or url in news or (url and is_staff_mail(url)):
                continue
            if url:
                found.setdefault(url, name)
            elif (href or "").strip().lower().startswith("mailto:"):
                unresolved.setdefault((name, href.strip()), "mailto")
            elif _SCRIPT_HREF.match(href or "") or a.get("onclick"):
                target = squash(a.get("onclick") or "") or squash(href or "")
                unresolved.setdefault((name, target[:200]), "script")
            continue
        images = [img.get("src") for img in a.iter("img")]
        if url and (hints_channel(url, a.get("class"), a.get("id"), *images) or _in_channel_block(a)):
            unresolved.setdefault(("", url), "unnamed image" if images else "unnamed link")
    if not found and not unresolved:
        for block in _named_blocks(root, document):
            unresolved.setdefault((block.name, block.target), block.why)
    return _channel_links(found, unresolved)


# elements whose text is never a clickable block's: the document, links (read as links), lists of choices
_NOT_BLOCKS = frozenset({"html", "head", "title", "body", "a", "area", "select", "option", "textarea"})


def _named_blocks(root: etree._Element, document: Document) -> list[_ControlChannel]:
    """Blocks without a link whose whole text names a channel (``<div class="mailbox">市长信箱</div>``,
    an ``<img alt="在线咨询">``), on a page that runs scripts: a script may open them on a click,
    attached where we cannot see it (``$('.mailbox').click(…)``). Only looked for on a page where
    nothing else names a channel: then "no channel" is not proven while they stand. ``target``
    is how an inspector finds the block: the start tag of the element holding the name, or of
    the nearest element around it with the same text that has a class or id."""
    if document.tree is None or not runs_scripts(document.tree):
        return []
    blocks = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _NOT_BLOCKS:
            continue
        own = (el.get("alt") or el.get("title") or "") if el.tag == "img" else "".join(filter(None, [el.text, *(child.tail for child in el)]))
        name = squash(own)
        if not _is_channel_name(name) or squash(el.text_content()) not in ("", name):
            continue  # not a name, or a name within a longer text
        if next(el.iter("a", "area"), None) is not None or next(el.iterancestors("a", "area"), None) is not None:
            continue  # links are read as links
        holder = el
        while not holder.attrib and (parent := holder.getparent()) is not None and parent.tag not in _NOT_BLOCKS:
            if squash(parent.text_content()) != name:
                break
            holder = parent
        blocks.append(_ControlChannel(name, target=start_tag(holder), why="block"))
    return blocks


def channel_links_in_frames(frames: Sequence[tuple[str, Document | str | None]]) -> ChannelLinks:
    """The channels of a rendered page's frames (``(url, page)``; page None: the browser could
    not give it). A header or menu shown in an <iframe> is part of the page a visitor sees but
    not of its HTML; a frame that could not be read may hold a channel (``why`` "frame",
    ``target`` its URL)."""
    parts = []
    for url, page in frames:
        if not url.lower().startswith(("http://", "https://")):
            continue  # about:blank, srcdoc: nothing a visitor is sent to
        parts.append(channel_links(page, url) if page is not None else ChannelLinks((), (("", url, "frame"),)))
    return merge_channel_links(parts)


def merge_channel_links(parts: Iterable[ChannelLinks]) -> ChannelLinks:
    """Several readings' channels as one: each URL and each unreadable target once, first name kept."""
    found: dict[str, str] = {}
    unresolved: dict[tuple[str, str], str] = {}
    for part in parts:
        for name, url in part.found:
            found.setdefault(url, name)
        for name, target, why in part.unresolved:
            unresolved.setdefault((name, target), why)
    return _channel_links(found, unresolved)


# -- channels that are not links: buttons, clickable blocks, dropdown options ----------------------


@dataclass(frozen=True)
class _ControlChannel:
    """An element other than a link naming a channel: the URL it opens, else what an inspector
    looks for and why it cannot be read (see ChannelLinks)."""

    name: str
    url: str | None = None
    target: str = ""
    why: str = ""


# an option value that is an address (a path, a page), not a form's choice code (1, zx)
_URL_VALUE = re.compile(r"/|\.(s?html?|jsp|aspx?|php)\b", re.I)


def _control_channels(root: etree._Element, base_url: str) -> Iterator[_ControlChannel]:
    """The channels named by buttons, clickable blocks (``<li onclick>``) and dropdown options."""
    for el in controls(root):
        if el.tag in ("a", "area"):
            continue  # links are read as links
        if el.tag == "option":
            channel = _option_channel(el, base_url)
        elif is_button(el) or click_handler(el):
            channel = _clickable_channel(el, base_url)
        else:
            continue  # a text box, a checkbox
        if channel is not None:
            yield channel


def _clickable_channel(el: etree._Element, base_url: str) -> _ControlChannel | None:
    name = control_name(el)
    if not _is_channel_name(name):
        return None
    url = script_url(el, base_url) or data_url(el, base_url) or _nearby_link_url(el, base_url) or _submitted_url(el, base_url)
    if url:
        return _ControlChannel(name, url)
    if handler := click_handler(el):
        return _ControlChannel(name, target=handler, why="script")
    return _ControlChannel(name, target=start_tag(el), why="button")  # only buttons have no handler


def _nearby_link_url(el: etree._Element, base_url: str) -> str | None:
    """The URL of the link around the element (``<a href><button>…</button></a>``) or inside it
    (``<button><a href>…</a></button>``): the link reader, which drops buttons, sees the first
    without its name and the second not at all."""
    for a in itertools.chain(el.iterancestors("a"), el.iter("a")):
        if url := resolve_link(a.get("href"), base_url) or script_url(a, base_url):
            return url
    return None


def _submitted_url(el: etree._Element, base_url: str) -> str | None:
    """Where a submit button sends its form (a 提交留言 form): its formaction, else the form's action."""
    form = next(el.iterancestors("form"), None)
    if form is None or not is_submit(el):
        return None
    return resolve_link(el.get("formaction") or form.get("action"), base_url)


def _option_channel(option: etree._Element, base_url: str) -> _ControlChannel | None:
    """An entry of a links dropdown (``<select onchange="window.open(this.value)">``): its value
    is the URL. The choices of a form's dropdown (留言类型: 咨询, 投诉) are not links."""
    name = squash(option.text_content()) or squash(option.get("label") or "")
    if not _is_channel_name(name):
        return None
    value = option.get("value") or ""
    if _URL_VALUE.search(value) and (url := resolve_link(value, base_url)):
        return _ControlChannel(name, url)
    select = next(option.iterancestors("select"), None)
    if select is not None and (onchange := squash(select.get("onchange") or "")):
        return _ControlChannel(name, target=onchange, why="script")
    return None


def interaction_links(page: Document | str, base_url: str) -> list[tuple[str, str]]:
    """``(name, absolute url)`` of every link of a page that names an interaction channel."""
    return list(channel_links(page, base_url).found)


# -- reply states --------------------------------------------------------------------------------

_PENDING = re.compile(
    r"未(回复|答复|办结|处理|反馈|回应|办理)|待(回复|答复|处理|办理|反馈|审核)|(办理|处理|受理|转办|审核)中|已受理|已转办|已签收"
)
_REPLIED = re.compile(r"已(回复|答复|办结|处理|反馈|回应|办理|完成)|^办结$|^已结$")
_INVALID = re.compile(r"无效|不予受理|不予处理|重复(留言|信件|件)?$")


# a status printing the steps reached: 已受理→已办结, 已受理 已转办 已办结, 已签收、办理中、已办结
_ARROWS = r"→|->|—>|=>|>|＞|›|»|、"  # between two steps (besides whitespace)
_STEP_SEPARATOR = re.compile(rf"\s*(?:{_ARROWS}|/|\|)\s*|\s+")
_FINAL_STEP = re.compile(r"已办结|已回复|已答复")


def _is_step(word: str) -> bool:
    return bool(_PENDING.fullmatch(word) or _REPLIED.fullmatch(word))


def _ends_answered(text: str) -> bool:
    """The status is a progression of separated steps whose last step is a final state."""
    steps = [step for step in _STEP_SEPARATOR.split(text) if step]
    return len(steps) > 1 and bool(_FINAL_STEP.fullmatch(steps[-1])) and all(_is_step(step) for step in steps[:-1])


def reply_state(status: str) -> tuple[bool | None, bool]:
    """(replied, invalid) from a status word: (True, False) for 已回复, (False, False) for 待回复,
    (None, True) for 无效/不予受理, (None, False) when the word says neither.

    A status showing both a reply word and a pending word says neither (已办结 待反馈,
    已回复(待审核)), unless it is a progression of steps ending in a final state
    (已受理→已办结): then the message was answered.
    """
    text = squash(status)
    if not text:
        return None, False
    if _INVALID.search(text):
        return None, True
    pending, replied = _PENDING.search(text), _REPLIED.search(text)  # 未办结 is pending only
    if pending and replied:
        return (True if _ends_answered(text) else None), False
    if pending:
        return False, False
    if replied:
        return True, False
    return None, False


# -- messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    title: str
    url: str
    asked: datetime | None
    asked_text: str
    answered: datetime | None
    answered_text: str
    status: str
    replied: bool | None  # what the status word says; None: it says nothing
    invalid: bool


@dataclass(frozen=True)
class MessageList:
    """``messages``: a 留言 list was read; ``empty``: the page says there is none (暂无留言);
    ``unparsed``: no list of messages with question dates was found (a form, a login wall…)."""

    state: Literal["messages", "empty", "unparsed"]
    messages: tuple[Message, ...]


_ASKED_HEADER = re.compile(r"(留言|提问|来信|咨询|写信|提交|发布|投诉|诉求)(时间|日期)")
_ANSWERED_HEADER = re.compile(r"(回复|答复|办结|处理|反馈|回应)(时间|日期)")
_STATUS_HEADER = re.compile(r"状态|办理情况|处理情况|回复情况|是否回复")
_TITLE_HEADER = re.compile(r"标题|主题|题目|事项|信件|留言内容|内容")
_PLAIN_DATE_HEADER = re.compile(r"^(时间|日期)$")


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _row_link(cells: list[etree._Element], index: int | None, base_url: str) -> tuple[str, str]:
    """The message's title and URL: the link of the title cell, else the row's first link."""
    scopes = ([cells[index]] if index is not None and index < len(cells) else []) + cells
    for cell in scopes:
        for a in cell.iter("a"):
            url = resolve_link(a.get("href"), base_url)
            title = link_title(a)
            if url and title:
                return title, url
    if index is not None and index < len(cells):
        return squash(cells[index].text_content()), ""
    return "", ""


def _date_cell(cells: list[etree._Element], index: int | None, read_at: datetime) -> tuple[datetime | None, str]:
    if index is None or index >= len(cells):
        return None, ""
    text = squash(cells[index].text_content())
    if not text:
        return None, ""
    when = parse_date(text, read_at)
    if when is None and (found := search_date(text, read_at)):
        return found[1], found[0].strip()
    return when, text if when else ""


def _message(title: str, url: str, asked: tuple[datetime | None, str], answered: tuple[datetime | None, str], status: str) -> Message:
    replied, invalid = reply_state(status)
    return Message(
        title=title,
        url=url,
        asked=asked[0],
        asked_text=asked[1],
        answered=answered[0],
        answered_text=answered[1],
        status=squash(status),
        replied=replied,
        invalid=invalid,
    )


def _table_messages(table: etree._Element, base_url: str, read_at: datetime) -> list[Message]:
    rows = [r for r in table.iter("tr") if _cells(r)]
    for at, row in enumerate(rows):
        headers = [squash(c.text_content()) for c in _cells(row)]
        asked = next((i for i, h in enumerate(headers) if _ASKED_HEADER.search(h)), None)
        if asked is None:
            asked = next((i for i, h in enumerate(headers) if _PLAIN_DATE_HEADER.match(h)), None)
        answered = next((i for i, h in enumerate(headers) if _ANSWERED_HEADER.search(h)), None)
        status = next((i for i, h in enumerate(headers) if _STATUS_HEADER.search(h)), None)
        if asked is None or (answered is None and status is None):
            continue
        title = next((i for i, h in enumerate(headers) if _TITLE_HEADER.search(h) and i not in (asked, answered, status)), None)
        messages = []
        for body_row in rows[at + 1:]:
            cells = _cells(body_row)
            name, url = _row_link(cells, title, base_url)
            question = _date_cell(cells, asked, read_at)
            if not name or question[0] is None:
                continue
            status_text = squash(cells[status].text_content()) if status is not None and status < len(cells) else ""
            messages.append(_message(name, url, question, _date_cell(cells, answered, read_at), status_text))
        return messages
    return []


_ASKED_LABEL = re.compile(r"(留言|提问|来信|咨询|写信|提交|投诉|诉求)(时间|日期)\s*[:：]?")
_ANSWERED_LABEL = re.compile(r"(回复|答复|办结|处理|反馈|回应)(时间|日期)\s*[:：]?")
# a status label and its value; the value stops at whitespace, punctuation or an element border
_STATUS_LABEL = re.compile(r"(办理|回复|答复|处理|受理)?状态\s*[:：]\s*([^\s:：,，;；|｜]{2,10})")
# which label tells whether the message was answered: 办理/回复 before a bare 状态, 受理 last
_LABEL_RANK = {"办理": 0, "回复": 0, "答复": 0, "处理": 0, None: 1, "受理": 2}
_ITEM_TAGS = ("li", "dl", "div", "tr", "article", "section")


def _labelled_date(text: str, label: re.Pattern[str], read_at: datetime) -> tuple[datetime | None, str]:
    match = label.search(text)
    if not match:
        return None, ""
    following = text[match.end():match.end() + 32]
    found = search_date(following, read_at)
    if not found or following.find(found[0]) > 2:
        return None, ""
    return found[1], found[0].strip()


def _inside_link(el: etree._Element, item: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not item:
        if node.tag == "a":
            return True
        node = node.getparent()
    return False


def _bordered_text(el: etree._Element) -> str:
    """The element's text with a space where an element starts or ends, so that
    ``<span>受理状态：已受理</span><span>办理状态：已办结</span>`` keeps its two values apart."""
    pieces: list[str] = []

    def walk(node: etree._Element) -> None:
        pieces.append(node.text or "")
        for child in node:
            pieces.append(" ")
            if isinstance(child.tag, str):
                walk(child)
            pieces.append(" ")
            pieces.append(child.tail or "")

    walk(el)
    return squash("".join(pieces))


_NEXT_STEP = re.compile(rf"(?:\s*(?:{_ARROWS})\s*|\s+)([^\s:：,，;；|｜]{{2,10}})")


def _labelled_status(text: str, match: re.Match[str]) -> str:
    """The labelled value, with the steps that follow it (办理状态：已受理 → 已办结)."""
    end = match.end()
    while (step := _NEXT_STEP.match(text, end)) and _is_step(step.group(1)):
        end = step.end()
    return text[match.start(2):end]


def _item_status(item: etree._Element) -> str:
    text = _bordered_text(item)
    labelled = list(_STATUS_LABEL.finditer(text))
    if labelled:
        return _labelled_status(text, min(labelled, key=lambda match: _LABEL_RANK[match.group(1)]))
    # no label: the short status words printed outside the link, all of them (已受理 已办结)
    words: list[str] = []
    for el in item.iter():
        if not isinstance(el.tag, str) or el.tag == "a" or _inside_link(el, item):
            continue  # a link's text is the title, whatever words it holds (垃圾未处理)
        own = squash(el.text or "")
        if own and len(own) <= 6 and reply_state(own) != (None, False) and own not in words:
            words.append(own)
    return " ".join(words)


def _item_message(item: etree._Element, base_url: str, read_at: datetime) -> Message | None:
    text = squash(item.text_content())
    if len(text) > 400 or len(_ASKED_LABEL.findall(text)) != 1:
        return None  # not one message: a container of several, or no question date
    asked = _labelled_date(text, _ASKED_LABEL, read_at)
    if asked[0] is None:
        return None
    links = [(t, u) for a in item.iter("a") if (u := resolve_link(a.get("href"), base_url)) and (t := link_title(a))]
    if not links:
        return None
    title, url = max(links, key=lambda link: len(link[0]))
    return _message(title, url, asked, _labelled_date(text, _ANSWERED_LABEL, read_at), _item_status(item))


def _list_messages(root: etree._Element, base_url: str, read_at: datetime) -> list[Message]:
    found: list[tuple[etree._Element, Message]] = []
    for el in root.iter(*_ITEM_TAGS):
        if in_furniture(el):
            continue
        message = _item_message(el, base_url, read_at)
        if message is not None:
            found.append((el, message))
    # a wrapper around one message matches too: keep the innermost element of each message
    holders = {el for el, _ in found}
    return [m for el, m in found if not any(other is not el and is_ancestor(el, other) for other in holders)]


def extract_messages(page: Document | str, base_url: str, read_at: datetime) -> MessageList:
    """The messages of a 留言/咨询 list page, as printed, in page order."""
    document = as_document(page)
    return document.remember(("extract_messages", base_url, read_at), lambda: _read_messages(document, base_url, read_at))


def _read_messages(document: Document, base_url: str, read_at: datetime) -> MessageList:
    root = document.content
    if root is None:
        return MessageList("unparsed", ())
    for table in root.iter("table"):
        if in_furniture(table):
            continue
        messages = _table_messages(table, base_url, read_at)
        if messages:
            return MessageList("messages", tuple(messages))
    messages = _list_messages(root, base_url, read_at)
    if messages:
        return MessageList("messages", tuple(messages))
    return MessageList("empty" if says_empty(root) or _says_no_messages(root) else "unparsed", ())


_NO_MESSAGES = re.compile(r"暂无(留言|信件|来信|咨询|问题|回复)|(没有|无)(相关)?(留言|信件)(记录)?$")


def _says_no_messages(root: etree._Element) -> bool:
    return any(
        _NO_MESSAGES.search(text.strip())
        for el in root.iter()
        if isinstance(el.tag, str) and not in_furniture(el)
        for text in (el.text, el.tail)
        if text and len(text.strip()) <= 40
    )

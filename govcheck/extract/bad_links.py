"""安全 links: links of a page whose words or host are gambling, pornography or violence, shown or
hidden, and how they are hidden. Plain functions over a page (its HTML or a parsed Document), no Scrapy.

A hacked government page carries such links hidden from its visitors but read by search
engines (暗链). :func:`find_bad_links` reads every link of the page (``<a>``, ``<area>``, the
frames it shows (``<iframe>``, ``<frame>``: their address) and the links a script writes with
``document.write`` or ``innerHTML``) against the word and host list
(govcheck/data/bad_links.txt: each entry with its category, ``definite`` or ``ambiguous``, and
its source) and records, for each hit, the element, what matched and the hiding techniques seen
on the link or an element around it:

- ``display:none`` (also the ``hidden`` attribute), ``visibility:hidden``, ``opacity:0``;
- ``off-screen``: absolutely positioned far outside the page (left/top ≤ −500px), or text pushed
  out by ``text-indent``/``margin`` ≤ −500px;
- ``zero size``: a width or height of at most 1px with overflow hidden (a frame: its own width
  or height attribute or style of at most 1px); ``zero font-size``: a font size of at most 1px;
- ``colour as background``: the text colour equals the background colour of the nearest element
  that sets one (the page white when none does);
- ``script``: written into the page by an inline script.

Styles are read from ``style`` attributes and from the page's ``<style>`` rules with a simple
selector (``.class``, ``#id``, ``tag``, ``tag.class``); a stylesheet file is not read (a browser's
reading of the page, when the spider makes one, shows what scripts wrote). A shown link whose
words are those of a news title about the subject (打击网络赌博, 扫黄打非…) is understood as
news and not listed; a hidden one is listed as ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from govcheck.extract.html import Document, as_document, resolve_link

__all__ = ["BadLink", "BadLinkTerm", "bad_link_record", "find_bad_links", "load_bad_link_terms"]

BAD_LINKS_FILE = "bad_links.txt"  # in govcheck/data (read as package data: eggs are zipped)
_CATEGORIES = ("赌博", "色情", "暴力")
_STRENGTHS = ("definite", "ambiguous")
_ELEMENT_CHARS = 300  # of the element kept as evidence


@dataclass(frozen=True)
class BadLinkTerm:
    where: str  # "text" or "host"
    word: str  # normalised (NFKC, lower case, no spaces)
    category: str
    strength: str
    source: str


@dataclass(frozen=True)
class BadLink:
    """A link that carries a term of the list: what matched, and how the page hides it (empty: shown)."""

    text: str
    url: str
    term: str
    where: str
    category: str
    strength: str
    techniques: tuple[str, ...]
    element: str
    news_words: str = ""  # a news title's words beside the term (打击…): not the page's own link


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@cache
def load_bad_link_terms(path: Path | None = None) -> tuple[BadLinkTerm, ...]:
    """The entries of the bad-link list at ``path`` (None: the shipped one); ValueError naming the
    file and line of a wrong one."""
    shipped = resources.files("govcheck") / "data" / BAD_LINKS_FILE
    text = (path or shipped).read_text(encoding="utf-8")
    name = path.name if path else BAD_LINKS_FILE
    terms = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        where = f"bad-link list {name}, line {number}"
        if len(fields) != 5 or not all(f.strip() for f in fields):
            raise ValueError(f"{where}: expected where, word, category, strength and source separated by tabs")
        kind, word, category, strength, source = (f.strip() for f in fields)
        if kind not in ("text", "host") or category not in _CATEGORIES or strength not in _STRENGTHS:
            raise ValueError(f"{where}: where must be text or host, category one of {'/'.join(_CATEGORIES)}, strength definite or ambiguous")
        terms.append(BadLinkTerm(kind, _normalised(word), category, strength, source))
    if not terms:
        raise ValueError(f"bad-link list {name}: no entries")
    return tuple(terms)


# words of a news title about the subject: a campaign against it, a warning
_NEWS_WORDS = re.compile(r"打击|整治|查处|严禁|禁止|扫黄|打非|治理|专项|破获|侦破|抓获|取缔|举报|警惕|防范|远离|拒绝|宣传|提醒|骗局|揭秘|戒")

# -- styles -------------------------------------------------------------------------------------

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?([.#][\w-]+)?$", re.I)
_LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)(px|em|rem|pt|%)?$")
_NAMED_COLOURS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "green": "#008000", "gray": "#808080", "grey": "#808080"}
_FAR = -500  # px: further than any screen is wide


def _declarations(text: str) -> dict[str, str]:
    found = {}
    for part in text.split(";"):
        if ":" in part:
            name, value = part.split(":", 1)
            found[name.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return found


def _style_rules(root: etree._Element) -> list[tuple[str | None, str | None, dict[str, str]]]:
    """``(tag, .class or #id, declarations)`` of the page's <style> rules with a simple selector."""
    rules = []
    for style in root.iter("style"):
        text = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
        for selectors, body in _RULE.findall(text):
            declarations = _declarations(body)
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match and (match.group(1) or match.group(2)):
                    rules.append(((match.group(1) or "").lower() or None, match.group(2), declarations))
    return rules


def _style_of(el: etree._Element, rules: Sequence[tuple[str | None, str | None, dict[str, str]]]) -> dict[str, str]:
    """An element's declarations: matching <style> rules, then its own style attribute."""
    style: dict[str, str] = {}
    classes = set((el.get("class") or "").split())
    for tag, name, declarations in rules:
        if tag and tag != el.tag:
            continue
        if name and not ((name[0] == "." and name[1:] in classes) or (name[0] == "#" and name[1:] == el.get("id"))):
            continue
        style.update(declarations)
    style.update(_declarations(el.get("style") or ""))
    return style


def _px(value: str) -> float | None:
    match = _LENGTH.match(value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    return number * {"px": 1, "pt": 1.33, "em": 16, "rem": 16}.get(unit, 1) if unit != "%" else None


def _colour(value: str) -> str | None:
    value = value.strip()
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value]
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return value
    rgb = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", value)
    if rgb:
        return "#" + "".join(f"{min(int(n), 255):02x}" for n in rgb.groups())
    return None


def _background(style: dict[str, str]) -> str | None:
    for name in ("background-color", "background"):
        if name in style:
            for word in style[name].split():
                if (colour := _colour(word)) is not None:
                    return colour
    return None


def _techniques(link: etree._Element, rules: Sequence[tuple[str | None, str | None, dict[str, str]]]) -> tuple[str, ...]:
    """How the page hides a link: the techniques seen on it or on an element around it."""
    found: list[str] = []
    colour: str | None = None
    background: str | None = None
    node: etree._Element | None = link
    while node is not None and isinstance(node.tag, str):
        style = _style_of(node, rules)
        if node.get("hidden") is not None or style.get("display") == "none":
            found.append("display:none")
        if style.get("visibility") == "hidden":
            found.append("visibility:hidden")
        if style.get("opacity") in ("0", "0.0", ".0"):
            found.append("opacity:0")
        positioned = style.get("position") in ("absolute", "fixed")
        offsets = [_px(style[name]) for name in ("left", "top", "right") if name in style] if positioned else []
        pushed = [_px(style[name]) for name in ("text-indent", "margin-left", "margin-top") if name in style]
        if any(v is not None and v <= _FAR for v in [*offsets, *pushed]):
            found.append("off-screen")
        sizes = [_px(style[name]) for name in ("width", "height") if name in style]
        if node.tag in ("iframe", "frame"):  # a frame shows nothing outside its own box
            sizes += [_px(node.get(name) or "") for name in ("width", "height") if node.get(name)]
            if any(v is not None and v <= 1 for v in sizes):
                found.append("zero size")
        elif style.get("overflow") == "hidden" and any(v is not None and v <= 1 for v in sizes):
            found.append("zero size")
        if "font-size" in style and (size := _px(style["font-size"])) is not None and size <= 1:
            found.append("zero font-size")
        if colour is None and "color" in style:
            colour = _colour(style["color"])
        if background is None:
            background = _background(style)
        node = node.getparent()
    if colour is not None and colour == (background or "#ffffff"):
        found.append("colour as background")
    return tuple(dict.fromkeys(found))


# -- links written by a script ------------------------------------------------------------------

_WRITTEN_LINK = re.compile(r"<a\b[^<>]*href\s*=\s*\\?[\"']?([^\"'\\\s>]+)[^<>]*>(.*?)<\\?/a>", re.I | re.S)


def _script_links(root: etree._Element, base_url: str) -> Iterator[tuple[str, str, str]]:
    """``(text, url, element)`` of the links an inline script writes into the page."""
    for script in root.iter("script"):
        text = script.text or ""
        if "<a" not in text.lower():
            continue
        for match in _WRITTEN_LINK.finditer(text):
            words = re.sub(r"<[^>]*>", "", match.group(2))
            yield words.strip(), resolve_link(match.group(1), base_url) or match.group(1), match.group(0)


# -- the page -----------------------------------------------------------------------------------


def _match(text: str, url: str, terms: Sequence[BadLinkTerm]) -> BadLinkTerm | None:
    """The first definite term the link carries, else the first ambiguous one."""
    words = _normalised(text)
    labels = [label for label in (urlsplit(url).hostname or "").lower().split(".") if label]
    matched = [
        term for term in terms
        if (term.where == "text" and term.word in words) or (term.where == "host" and any(term.word in label for label in labels))
    ]
    return next((t for t in matched if t.strength == "definite"), matched[0] if matched else None)


def find_bad_links(
    page: Document | str, base_url: str, *, terms: Sequence[BadLinkTerm] | None = None, news: Collection[str] = ()
) -> tuple[BadLink, ...]:
    """The page's links carrying a term of the list, with how each is hidden (see the module's
    docstring). ``news``: the URLs of the page's dated list entries (their titles are news)."""
    terms = load_bad_link_terms() if terms is None else terms
    root = as_document(page).tree  # read, never changed: the page's other readers share it
    if root is None:
        return ()
    rules = _style_rules(root)
    found: list[BadLink] = []
    for link in root.iter("a", "area", "iframe", "frame"):
        url = resolve_link(link.get("src" if link.tag in ("iframe", "frame") else "href"), base_url) or ""
        text = " ".join(part for part in (link.text_content() if link.tag == "a" else "", link.get("title") or "", link.get("alt") or "",
                                          *(img.get("alt") or "" for img in link.iter("img"))) if part.strip())
        term = _match(text, url, terms)
        if term is None:
            continue
        element = etree.tostring(link, encoding="unicode", with_tail=False)[:_ELEMENT_CHARS]
        found.append(_bad_link(text, url, term, _techniques(link, rules), element, news))
    for text, url, element in _script_links(root, base_url):
        term = _match(text, url, terms)
        if term is not None:
            found.append(_bad_link(text, url, term, ("script",), element[:_ELEMENT_CHARS], news))
    # a news title about the subject shown to visitors is the page's own news: understood, no hit
    return tuple(link for link in found if not (link.news_words and not link.techniques))


def _bad_link(text: str, url: str, term: BadLinkTerm, techniques: tuple[str, ...], element: str, news: Collection[str]) -> BadLink:
    news_words = ""
    if term.where == "text":
        cue = _NEWS_WORDS.search(text)
        news_words = "新闻条目" if url in news else (cue.group(0) if cue else "")
    strength = term.strength
    if news_words:
        strength = "ambiguous"  # a title about the subject: the page's own news, unless it hides it
    return BadLink(text.strip()[:100], url, term.word, term.where, term.category, strength, techniques, element, news_words)


def bad_link_record(link: BadLink) -> dict[str, object]:
    """A hit as a page observation records it (``bad_links[]``, docs/schema.md)."""
    return {
        "text": link.text, "url": link.url, "term": link.term, "where": link.where, "category": link.category,
        "strength": link.strength, "techniques": list(link.techniques), "element": link.element, "news_words": link.news_words,
    }

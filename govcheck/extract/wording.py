"""Serious wording errors (严重表述错误): page text scanned against a list of known wrong wordings.

The 2019 indicator's first veto item names serious wording errors (e.g. the state's name or a
leader's title misspelt). No tool can judge wording in general; what can be checked is a list
of wordings an office knows to be wrong. govcheck ships a list of what notices published
(``govcheck/data/serious_errors.txt``, read through importlib.resources so that it works from
an egg); offices keep their own and set GOVCHECK_SERIOUS_ERRORS_FILE. The list of common
misspellings (错别字, a 扣分 item: ``govcheck/data/misspellings.txt``, GOVCHECK_MISSPELLINGS_FILE)
has the same format and is matched the same way (:data:`MISSPELLINGS`).

Matching ignores whitespace and width (NFKC): markup often breaks a name over two lines or
pads it with full-width spaces. It does not reach across blocks: a wording is only found
within one paragraph, cell, list item or heading, never formed by the end of one (a title cut
by the CMS) and the start of the next. An entry may hold a wording that is wrong only where it
is short of its right form (人大常委 => 人大常委会): an occurrence inside its own right form is
no hit. Each hit keeps a snippet of the text around it and the sentence it is in.

A hit is not always an error of the page: a correction notice (更正启事) or a reply to a
reader's report quotes the wrong wording beside the right one. ``correction_cue`` tells
whether a hit's snippet reads that way; the rules review such a hit instead of vetoing it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from govcheck.extract.html import NOT_SHOWN, Document, as_document, drop

__all__ = [
    "SHIPPED_LIST",
    "SERIOUS_ERRORS",
    "MISSPELLINGS",
    "WordList",
    "BLOCK_BREAK",
    "CORRECTION_WORDS",
    "Term",
    "Hit",
    "WordListError",
    "load_terms",
    "page_text",
    "page_texts",
    "PageText",
    "find_serious_errors",
    "correction_cue",
]

log = logging.getLogger(__name__)

_SNIPPET_CONTEXT = 15  # characters of text kept on each side of a hit
_SENTENCE_LIMIT = 60  # characters of a hit's sentence kept on each side of it (a sentence can be a page)
# what ends a sentence: its end marks, and the break between two blocks (a title, a cell)
_SENTENCE_END = re.compile(r"[。！？!?；;\u2029\n]")


@dataclass(frozen=True)
class WordList:
    """A shipped word list: its file in govcheck/data and what it is called in error messages."""

    file: str
    what: str

    @property
    def shipped(self) -> str:
        """The name the list goes by when no file of the office's is set."""
        return f"govcheck:data/{self.file}"


SERIOUS_ERRORS = WordList("serious_errors.txt", "serious-error word list")
MISSPELLINGS = WordList("misspellings.txt", "misspelling list")
SHIPPED_LIST = SERIOUS_ERRORS.shipped

# Words with which a page corrects or discusses a wording rather than uses it (更正启事, 勘误,
# a reply to a reader who reported an error). Any of them in a hit's snippet, like the right
# wording printed there, leaves the hit for an inspector to read: the one list of them.
CORRECTION_WORDS = ("应为", "应是", "更正", "勘误", "纠正", "误为", "错为", "误写", "误作", "笔误", "有误", "错别字")


class WordListError(ValueError):
    """The word list cannot be read or has a bad line (the message names file and line)."""


@dataclass(frozen=True)
class Term:
    wrong: str
    right: str = ""


@dataclass(frozen=True)
class Hit:
    wrong: str
    right: str
    snippet: str
    hidden: bool = False  # found in text the page hides (see PageText), not in what it shows
    # the sentence the hit is in (up to its end marks or its block, at most _SENTENCE_LIMIT
    # characters each side of the hit), whitespace squashed
    sentence: str = ""


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _read_list(path: str | Path | None, shipped: WordList) -> tuple[str, str]:
    """(text, name) of the word list: the file at ``path``, else the shipped one."""
    if path:
        file = Path(path)
        try:
            return file.read_text(encoding="utf-8"), str(file)
        except (OSError, UnicodeDecodeError) as error:
            raise WordListError(f"{shipped.what} {file}: cannot be read ({error})") from None
    return (resources.files("govcheck") / "data" / shipped.file).read_text(encoding="utf-8"), shipped.shipped


def load_terms(path: str | Path | None = None, shipped: WordList = SERIOUS_ERRORS) -> tuple[tuple[Term, ...], str]:
    """The terms of the word list at ``path`` (None: the shipped list ``shipped``) and the list's name."""
    what = shipped.what
    text, name = _read_list(path, shipped)
    terms: dict[str, Term] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # wrong, right and its source (a tab apart), or "wrong => right"
        parts = re.split(r"\t+", line, maxsplit=2) if "\t" in line else re.split(r"\s*=>\s*", line, maxsplit=1)
        wrong, right = _normalised(parts[0]), (parts[1].strip() if len(parts) > 1 else "")
        if len(wrong) < 2:
            raise WordListError(f"{what} {name}, line {number}: the wrong wording {line!r} is too short")
        if right and wrong in _normalised(right):
            log.warning(
                "%s %s, line %d: the wrong wording %r is part of its right wording %r; "
                "it is a hit only where it is not part of %r",
                what, name, number, wrong, right, right,
            )
        terms.setdefault(wrong, Term(wrong, right))
    if not terms:
        raise WordListError(f"{what} {name}: no entries")
    return tuple(terms.values()), name


# Between two blocks page_text puts BLOCK_BREAK (U+2029 PARAGRAPH SEPARATOR). It is whitespace
# to everyone else (str.split, \s: a snippet shows it as a space), but the matcher keeps it, so
# no wording is found across it.
BLOCK_BREAK = "\u2029"
# Elements whose text stands apart from what comes before and after them: paragraphs, cells,
# rows, list items, headings, definition terms, page sections, the title (beside the body).
# Inline tags (a, span, b, font…) join: markup splits a name over spans. <br> joins too: it
# breaks a line inside one text, and text pasted from a document keeps its hard line breaks
# as <br> anywhere, also inside a name; a list of <br>-separated links is read as one text.
_BLOCKS = (
    "title", "body", "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "td", "th", "tr", "table",
    "thead", "tbody", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "nav", "aside", "main", "blockquote", "pre", "address", "figure",
    "figcaption", "form", "fieldset", "legend", "hr", "option", "center",
)
_BREAKS = re.compile(r"\u2029[\s\u2029]*")  # a break with the whitespace and breaks after it


@dataclass(frozen=True)
class PageText:
    """A page's text, with BLOCK_BREAK between blocks (see _BLOCKS). ``shown``: its title and
    body as a visitor reads them; ``hidden``: the text of elements the page hides by their
    inline style (display:none, visibility:hidden) or the hidden attribute — a tab not yet
    opened, text kept for search engines — each element's text a block of its own."""

    shown: str
    hidden: str


# elements that may be hidden: looked for by XPath, in C (most elements have no style)
_STYLED = etree.XPath("//body//*[@style or @hidden]")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _is_hidden(el: etree._Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDING_STYLE.search(el.get("style") or ""))


def page_texts(page: Document | str) -> PageText:
    """The text a page shows and the text it hides, without scripts and styles."""
    root = as_document(page).copy_of_tree()  # its own copy: blocks are marked in the text
    if root is None:
        return PageText("", "")
    drop(root, NOT_SHOWN)
    for el in root.iter(*_BLOCKS):
        el.text = BLOCK_BREAK + (el.text or "")
        el.tail = BLOCK_BREAK + (el.tail or "")
    hidden: list[str] = []
    dropped: set[etree._Element] = set()
    for el in _STYLED(root):
        if _is_hidden(el) and not dropped.intersection(el.iterancestors()):
            hidden.append(el.text_content())
            dropped.add(el)
            el.drop_tree()  # its tail is shown text: lxml keeps it in place
    return PageText(_squashed_breaks(root.text_content()), _squashed_breaks(BLOCK_BREAK.join(hidden)))


def _squashed_breaks(text: str) -> str:
    return _BREAKS.sub(BLOCK_BREAK, text).strip(BLOCK_BREAK)


def page_text(page: Document | str) -> str:
    """All the text of the page, shown and hidden (see page_texts), as one text."""
    texts = page_texts(page)
    return BLOCK_BREAK.join(text for text in (texts.shown, texts.hidden) if text)


class _FlatCharacters(dict):
    """str.translate table: each character to its NFKC form without whitespace, worked out once.
    BLOCK_BREAK stays: no listed wording holds it, so none matches across two blocks."""

    def __missing__(self, codepoint: int) -> str:
        flat = "".join(piece for piece in unicodedata.normalize("NFKC", chr(codepoint)) if not piece.isspace())
        self[codepoint] = flat
        return flat


_FLAT = _FlatCharacters({ord(BLOCK_BREAK): BLOCK_BREAK})


def _flattened(text: str) -> tuple[str, list[int]]:
    """The text normalised for matching, and for each of its characters the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _FLAT[ord(char)]:
            chars.append(piece)
            origin.append(index)
    return "".join(chars), origin


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]  # one alternation of the wrong wordings, longest first
    by_wrong: dict[str, Term]
    by_first: dict[str, tuple[Term, ...]]  # the terms by their first character, longest first
    # where a term's wrong wording lies inside its right one: (offset in the right one, right one)
    inside: dict[str, tuple[tuple[int, str], ...]]

    def term_at(self, flat: str, start: int, matched: str) -> Term | None:
        """The longest term found at ``start`` that is not part of its own right wording there."""
        term = self.by_wrong[matched]
        if not self._in_right(term, flat, start):
            return term
        for other in self.by_first[matched[0]]:
            if other is not term and flat.startswith(other.wrong, start) and not self._in_right(other, flat, start):
                return other
        return None

    def _in_right(self, term: Term, flat: str, start: int) -> bool:
        return any(start >= offset and flat.startswith(right, start - offset) for offset, right in self.inside.get(term.wrong, ()))


@lru_cache(maxsize=8)
def _matcher(terms: tuple[Term, ...]) -> _Matcher:
    """What matching needs of a word list, worked out once (a word list is given once per round)."""
    ordered = sorted(terms, key=lambda t: -len(t.wrong))
    by_first: dict[str, list[Term]] = {}
    inside: dict[str, tuple[tuple[int, str], ...]] = {}
    for term in ordered:
        by_first.setdefault(term.wrong[0], []).append(term)
        right = term.right.translate(_FLAT)
        offsets = [k for k in range(len(right) - len(term.wrong) + 1) if right.startswith(term.wrong, k)]
        if offsets:
            inside[term.wrong] = tuple((k, right) for k in offsets)
    return _Matcher(
        pattern=re.compile("|".join(re.escape(t.wrong) for t in ordered)),
        by_wrong={t.wrong: t for t in terms},
        by_first={first: tuple(found) for first, found in by_first.items()},
        inside=inside,
    )


def find_serious_errors(text: str, terms: tuple[Term, ...]) -> list[Hit]:
    """Every occurrence of a listed wrong wording in ``text`` that is not part of its own right
    wording, in order, with a snippet of the text around it as printed (whitespace squashed)."""
    if not terms or not text:
        return []
    matcher = _matcher(terms)
    # Most pages hold none of the wordings: look before mapping each character back to the text.
    if not matcher.pattern.search(text.translate(_FLAT)):
        return []
    flat, origin = _flattened(text)
    hits = []
    position = 0
    while match := matcher.pattern.search(flat, position):
        term = matcher.term_at(flat, match.start(), match.group())
        if term is None:  # e.g. 人大常委 inside 人大常委会: look again from the next character
            position = match.start() + 1
            continue
        end_flat = match.start() + len(term.wrong)
        start = origin[max(0, match.start() - _SNIPPET_CONTEXT)]
        end = origin[min(len(flat), end_flat + _SNIPPET_CONTEXT) - 1] + 1
        snippet = re.sub(r"\s+", " ", text[start:end]).strip()
        hit_start, hit_end = origin[match.start()], origin[end_flat - 1] + 1
        hits.append(Hit(term.wrong, term.right, snippet, sentence=_sentence(text, hit_start, hit_end)))
        position = end_flat
    return hits


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]``: from the end mark or block break
    before it to the end mark after it (kept), at most _SENTENCE_LIMIT characters each side."""
    low = max(0, start - _SENTENCE_LIMIT)
    before = [m.end() for m in _SENTENCE_END.finditer(text, low, start)]
    begin = before[-1] if before else low
    finish = min(len(text), end + _SENTENCE_LIMIT)
    if after := _SENTENCE_END.search(text, end, finish):
        finish = after.start() if after.group() in (BLOCK_BREAK, "\n") else after.end()
    return re.sub(r"\s+", " ", text[begin:finish]).strip()


def correction_cue(hit: Hit) -> str:
    """What in the hit's snippet says the page may quote the wrong wording rather than use it:
    the first of CORRECTION_WORDS found there, else the hit's right wording if printed there;
    "" when neither is. Whitespace and width are ignored, as in matching."""
    snippet = _normalised(hit.snippet)
    for word in CORRECTION_WORDS:
        if word in snippet:
            return word
    if hit.right and _normalised(hit.right) in snippet:
        return hit.right
    return ""

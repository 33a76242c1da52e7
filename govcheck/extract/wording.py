"""Serious wording errors (严重表述错误): page text scanned against a list of known wrong wordings.

The 2019 indicator's first veto item names serious wording errors (e.g. the state's name or a
leader's title misspelt). No tool can judge wording in general; what can be checked is a list
of wordings an office knows to be wrong. govcheck ships a small sample list
(``govcheck/data/serious_errors.txt``, read through importlib.resources so that it works from
an egg); offices keep their own and set GOVCHECK_SERIOUS_ERRORS_FILE.

Matching ignores whitespace and width (NFKC): markup often breaks a name over two lines or
pads it with full-width spaces. It does not reach across blocks: a wording is only found
within one paragraph, cell, list item or heading, never formed by the end of one (a title cut
by the CMS) and the start of the next. Each hit keeps a snippet of the text around it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from govcheck.extract.listing import _parse

__all__ = ["SHIPPED_LIST", "BLOCK_BREAK", "Term", "Hit", "WordListError", "load_terms", "page_text", "find_serious_errors"]

SHIPPED_LIST = "govcheck:data/serious_errors.txt"
_SNIPPET_CONTEXT = 15  # characters of text kept on each side of a hit


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


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _read_list(path: str | Path | None) -> tuple[str, str]:
    """(text, name) of the word list: the file at ``path``, else the shipped sample."""
    if path:
        file = Path(path)
        try:
            return file.read_text(encoding="utf-8"), str(file)
        except (OSError, UnicodeDecodeError) as error:
            raise WordListError(f"serious-error word list {file}: cannot be read ({error})") from None
    return (resources.files("govcheck") / "data" / "serious_errors.txt").read_text(encoding="utf-8"), SHIPPED_LIST


def load_terms(path: str | Path | None = None) -> tuple[tuple[Term, ...], str]:
    """The terms of the word list at ``path`` (None: the shipped sample) and the list's name."""
    text, name = _read_list(path)
    terms: dict[str, Term] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"\t+|\s*=>\s*", line, maxsplit=1)
        wrong, right = _normalised(parts[0]), (parts[1].strip() if len(parts) > 1 else "")
        if len(wrong) < 2:
            raise WordListError(f"serious-error word list {name}, line {number}: the wrong wording {line!r} is too short")
        terms.setdefault(wrong, Term(wrong, right))
    if not terms:
        raise WordListError(f"serious-error word list {name}: no entries")
    return tuple(terms.values()), name


_HIDDEN = ("script", "style", "noscript", "template")

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


def page_text(html: str) -> str:
    """What a visitor reads on the page: its title and body text, without scripts and styles,
    with BLOCK_BREAK between blocks (see _BLOCKS)."""
    root = _parse(html)
    if root is None:
        return ""
    for el in list(root.iter(*_HIDDEN)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.text = BLOCK_BREAK + (el.text or "")
        el.tail = BLOCK_BREAK + (el.tail or "")
    return _BREAKS.sub(BLOCK_BREAK, root.text_content()).strip(BLOCK_BREAK)


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


@lru_cache(maxsize=8)
def _pattern(terms: tuple[Term, ...]) -> re.Pattern[str]:
    """One alternation of the wrong wordings, longest first (a word list is given once per round)."""
    return re.compile("|".join(re.escape(t.wrong) for t in sorted(terms, key=lambda t: -len(t.wrong))))


def find_serious_errors(text: str, terms: tuple[Term, ...]) -> list[Hit]:
    """Every occurrence of a listed wrong wording in ``text``, in order, with a snippet of the
    text around it as printed (whitespace squashed)."""
    if not terms or not text:
        return []
    pattern = _pattern(terms)
    # Most pages hold none of the wordings: look before mapping each character back to the text.
    if not pattern.search(text.translate(_FLAT)):
        return []
    flat, origin = _flattened(text)
    right = {t.wrong: t.right for t in terms}
    hits = []
    for match in pattern.finditer(flat):
        start = origin[max(0, match.start() - _SNIPPET_CONTEXT)]
        end = origin[min(len(flat), match.end() + _SNIPPET_CONTEXT) - 1] + 1
        snippet = re.sub(r"\s+", " ", text[start:end]).strip()
        hits.append(Hit(match.group(), right[match.group()], snippet))
    return hits

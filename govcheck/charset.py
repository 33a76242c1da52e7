"""Decoding a fetched page's bytes as a browser in zh-CN does.

Chinese government sites often serve GBK pages that declare no charset, with mostly ASCII
markup and a few Chinese words (a title, 互动交流, 发布时间). A generic statistical detector
reads such a page as cp1250 or cp1252: its titles become mojibake, its dates and channel names
are lost. A browser set to Chinese reads it right, because it tries, in order:

1. what the page declares: a byte-order mark, then the HTTP ``Content-Type`` charset, then a
   ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` in the first bytes. A declared
   label is used as the browser uses it (GB2312 and GBK decode as GB18030, their superset;
   latin-1 and ascii as windows-1252; :func:`w3lib.encoding.resolve_encoding`), with U+FFFD
   for the bytes it cannot decode, as a visitor sees them;
2. no declaration: UTF-8, when the bytes are valid UTF-8;
3. GB18030 (the locale's default), when they are valid GB18030;
4. else a statistical detector (charset-normalizer, the one requests and Scrapy use);
5. else GB18030 with U+FFFD for what it cannot decode.

:func:`decode_page` returns the text, the codec used and which step chose it (``how``), which
an observation may keep as evidence of how its page was read.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

__all__ = ["DecodedPage", "decode_page", "declared_encoding"]

# The locale's default for undeclared pages, as Chromium and Firefox use it in zh-CN.
LOCALE_DEFAULT = "gb18030"


class DecodedPage(NamedTuple):
    text: str
    encoding: str  # the Python codec used
    how: str  # "bom", "http", "meta", "utf-8", "gb18030", "detected" or "fallback"


def declared_encoding(body: bytes, content_type: str | bytes | None) -> tuple[str, str] | None:
    """(codec, where it was declared: ``bom``, ``http`` or ``meta``), or None when the page
    declares no charset Python can decode."""
    bom_encoding, _ = read_bom(body)
    if bom_encoding:
        return resolve_encoding(bom_encoding) or bom_encoding, "bom"
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    for label, where in ((http_content_type_encoding(content_type or ""), "http"), (html_body_declared_encoding(body), "meta")):
        codec = _codec(label)
        if codec:
            return codec, where
    return None


def decode_page(body: bytes, content_type: str | bytes | None = None) -> DecodedPage:
    """The page's text as a browser in zh-CN reads it (see the module docstring).

    ``content_type`` is the response's ``Content-Type`` header (``response.headers.get("Content-Type")``).
    """
    declared = declared_encoding(body, content_type)
    if declared:
        codec, where = declared
        if where == "bom":
            body = body[len(read_bom(body)[1] or b""):]
        return DecodedPage(body.decode(codec, errors="replace"), codec, where)
    for codec in ("utf-8", LOCALE_DEFAULT):
        try:
            return DecodedPage(body.decode(codec), codec, codec)
        except UnicodeDecodeError:
            continue
    match = from_bytes(body).best()
    if match is not None:
        detected = _codec(match.encoding)
        if detected:
            return DecodedPage(body.decode(detected, errors="replace"), detected, "detected")
    return DecodedPage(body.decode(LOCALE_DEFAULT, errors="replace"), LOCALE_DEFAULT, "fallback")


def _codec(label: str | None) -> str | None:
    """The Python codec a browser would use for this charset label, or None if unknown."""
    if not label:
        return None
    resolved = resolve_encoding(label)
    if resolved is None:
        try:
            resolved = codecs.lookup(label).name
        except LookupError:
            return None
    return resolved

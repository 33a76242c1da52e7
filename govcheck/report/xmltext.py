"""Text made safe for the XML of the xlsx and docx files (scraped strings may hold anything)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# characters XML 1.0 cannot carry: control characters, lone surrogates, U+FFFE/U+FFFF
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """The text without the characters XML cannot carry."""
    return ILLEGAL_XML.sub("", text)


def xml_text(text: str) -> str:
    """Cleaned and escaped for an XML text node."""
    return escape(clean(text))

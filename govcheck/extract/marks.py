"""功能设计 marks of a home page (2019 扣分指标, 功能设计): what identifies the site and lets a
visitor report an error. Plain functions over a page (its HTML or a parsed Document), no Scrapy.

:func:`find_site_marks` reads, as a browser shows the page or as its markup carries them:

- 网站标识码: printed (网站标识码：6105000031), in the ``SiteIDCode`` meta tag, or only as the
  ``sitecode`` of the error-report script (``_jiucuo_``), as real sites do;
- ICP 备案编号 (陕ICP备05001234号-1) and 公安机关备案号 (陕公网安备 61050202000123号), printed;
- 党政机关网站标识: the conac.cn badge (a link, image or script of ``*.conac.cn``);
- the 我为政府网站找错 entry: the national error-report script or link (``jiucuo``), or a link
  named so.

It also says where it looked: ``footer``, the words of the page's footer (the block of 版权所有,
主办单位, ICP…, by its tag or its class and id words) as a visitor reads them, "" when none was
found; ``footer_scripted``, whether that footer is empty or holds a script other than the marks'
own (conac, jiucuo), which may write a mark a browser would show.

Each is what was seen and where (``text``, ``meta``, ``script``, ``link``), or "" when nothing
was; what an absence is worth (and whether a script may write it) is the rules' to say.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from govcheck.extract.html import Document, as_document, resolve_link

__all__ = ["SiteMarks", "find_site_marks", "marks_record"]

_SITE_CODE_TEXT = re.compile(r"网站标识码\s*[:：]?\s*([A-Za-z]{0,2}\d{8,10})")
_SITE_CODE_SCRIPT = re.compile(r"sitecode\s*=\s*['\"]?([A-Za-z]{0,2}\d{8,10})", re.I)
_ICP = re.compile(r"[\u4e00-\u9fff]ICP备\s*\d{6,10}\s*号(?:\s*-\s*\d{1,3})?")
# 14 digits today; older numbers have 12, printed with a colon or without 号 (corpus home/007, 008)
_POLICE = re.compile(r"[\u4e00-\u9fff]?公网安备\s*[:：]?\s*\d{10,14}(?:\s*号)?")
_CONAC = re.compile(r"(^|\.)conac\.cn$", re.I)
_CONAC_URL = re.compile(r"https?://[\w.-]*\bconac\.cn/[^'\"\s<>]*", re.I)
_JIUCUO = re.compile(r"jiucuo", re.I)
_JIUCUO_NAME = re.compile(r"我为政府网站找错|政府网站找错")
# class and id words of a page's footer; the words a footer prints
_FOOTER_WORDS = re.compile(r"foot|bottom|copyright|banquan|\bbq\b|\bdb\b", re.I)
_FOOTER_TEXT = re.compile(r"版权所有|主办单位|主办[:：]|承办单位|ICP备|公网安备|网站标识码|Copyright|©", re.I)
# how much of the footer's words the record keeps (evidence, not the page)
FOOTER_CHARS = 300


@dataclass(frozen=True)
class SiteMarks:
    site_code: str = ""
    site_code_where: str = ""  # text, meta or script
    icp: str = ""
    police: str = ""
    conac: str = ""  # the badge's URL
    error_report: str = ""  # the 找错 script's or link's URL, or the link's name
    footer: str = ""  # the footer's words as shown ("" when no footer was found), at most FOOTER_CHARS
    footer_scripted: bool = False  # the footer is empty or runs a script that is no mark's


def _text(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def find_site_marks(page: Document | str, base_url: str) -> SiteMarks:
    """The marks a home page carries (see the module's docstring)."""
    document = as_document(page)
    root, shown_tree = document.tree, document.shown  # read, never changed: the page's other readers share them
    if root is None or shown_tree is None:
        return SiteMarks()
    scripts = [(s.get("src") or "", s.text or "", s.get("sitecode") or "") for s in root.iter("script")]
    shown = _text(shown_tree.text_content())  # the words of scripts and styles are not shown
    site_code, where = "", ""
    if match := _SITE_CODE_TEXT.search(shown):
        site_code, where = match.group(1), "text"
    elif meta := next((m.get("content", "").strip() for m in root.iter("meta") if (m.get("name") or "").lower() == "siteidcode" and m.get("content", "").strip()), ""):
        site_code, where = meta, "meta"
    else:
        for src, body, attribute in scripts:
            code = attribute if re.fullmatch(r"[A-Za-z]{0,2}\d{8,10}", attribute) else ""
            if not code and (match := _SITE_CODE_SCRIPT.search(f"{src} {body}")):
                code = match.group(1)
            if code:
                site_code, where = code, "script"
                break
    icp = match.group(0) if (match := _ICP.search(shown)) else ""
    police = match.group(0) if (match := _POLICE.search(shown)) else ""
    urls = [resolve_link(el.get(name), base_url) or "" for el in root.iter("a", "img", "iframe", "area") for name in ("href", "src")]
    urls += [resolve_link(src, base_url) or "" for src, _, _ in scripts if src]
    conac = next((url for url in urls if url and _CONAC.search(_host(url))), "")
    if not conac:  # the badge written by an inline script (document.write(unescape("%3Cscript src=…conac.cn…")))
        written = (_CONAC_URL.search(unquote(body)) for _, body, _ in scripts)
        conac = next((match.group(0) for match in written if match), "")
    error_report = next((url for url in urls if url and _JIUCUO.search(url)), "")
    if not error_report and any(_JIUCUO.search(body) for _, body, _ in scripts):
        error_report = "script"
    if not error_report:
        named = next((a for a in root.iter("a") if _JIUCUO_NAME.search(_text(a.text_content()) + (a.get("title") or ""))), None)
        if named is not None:
            error_report = resolve_link(named.get("href"), base_url) or _text(named.text_content())
    footer, footer_scripted = _footer(root, shown_tree)
    return SiteMarks(site_code, where, icp, police, conac, error_report, footer, footer_scripted)


def _footer(root: Any, shown_tree: Any) -> tuple[str, bool]:
    """The footer's words as shown, and whether a script that is no mark's may write into it:
    the last block named a footer (``<footer>``, class or id words) holding words or scripts,
    else the smallest block printing a footer's words (版权所有, ICP备…)."""
    named = [el for el in root.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body", "script", "style")
             and (el.tag == "footer" or _FOOTER_WORDS.search(f"{el.get('class') or ''} {el.get('id') or ''}"))]
    # outermost named blocks only, the last one on the page (a footer's inner parts name it too)
    outer = [el for el in named if not any(parent in named for parent in el.iterancestors())]
    block = outer[-1] if outer else None
    if block is None:
        printing = [el for el in shown_tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body")
                    and _FOOTER_TEXT.search(el.text_content() or "")]
        innermost = [el for el in printing if not any(child in printing for child in el.iterdescendants())]
        if not innermost:
            return "", False
        block = innermost[-1].getparent() if innermost[-1].getparent() is not None else innermost[-1]
        return _shown_words(block), False
    words = _shown_words(block)
    foreign = [s for s in block.iter("script")
               if (s.get("src") or (s.text or "").strip())
               and not _CONAC_URL.search(unquote(f"{s.get('src') or ''} {s.text or ''}")) and not _JIUCUO.search(f"{s.get('src') or ''} {s.text or ''}")]
    return words, not words or bool(foreign)


def _shown_words(block: Any) -> str:
    """A block's words as a visitor reads them (its scripts and styles left out)."""
    parts = [t for t in block.xpath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")]
    words = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", " ".join(parts))).strip()
    return words[-FOOTER_CHARS:]  # its last lines print the marks (版权所有, ICP备…); links come first


def marks_record(marks: SiteMarks) -> dict[str, str]:
    """A home page's ``marks`` as its observation records them (docs/schema.md)."""
    return asdict(marks)

"""The 未完成 mark on every report of a round that is not finished (``govcheck report --force``).

Applied to a written file, whatever wrote it, so that no writer has to know: the workbook gets
a first sheet 未完成 (shown when it opens) and the words in every sheet's page header and
footer; the notice a first paragraph and every page's header; the HTML page a banner at its
top and 【未完成】 before its title.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

MARK = "未完成"
RED = "C00000"


def stamp(path: Path, text: str, kind: str | None = None) -> Path:
    """Marks the file (by ``kind``, else its suffix: xlsx, docx, html) with ``text``."""
    kind = kind or path.suffix.lstrip(".").lower()
    {"xlsx": stamp_workbook, "docx": stamp_document, "html": stamp_page}[kind](path, text)
    return path


def stamp_workbook(path: Path, text: str) -> None:
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    workbook = load_workbook(io.BytesIO(path.read_bytes()))  # by content: the file's name may be a draft's
    for sheet in workbook.worksheets:
        for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader, sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
            header.left.text, header.left.color = f"【{MARK}】{text}", RED
    notice = workbook.create_sheet(MARK, 0)
    notice["A1"] = f"【{MARK}】"
    notice["A1"].font = Font(bold=True, size=28, color=RED)
    notice["A2"] = text
    notice["A2"].font = Font(bold=True, size=14, color=RED)
    notice["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    notice.column_dimensions["A"].width = 100
    notice.row_dimensions[2].height = 80
    notice.sheet_properties.tabColor = RED
    workbook.active = 0
    for sheet in workbook.worksheets[1:]:
        sheet.sheet_view.tabSelected = False
    workbook.save(path)


def stamp_document(path: Path, text: str) -> None:
    from docx import Document
    from docx.shared import Pt, RGBColor

    document = Document(io.BytesIO(path.read_bytes()))
    words = f"【{MARK}】{text}"
    for section in document.sections:
        for header in (section.header, section.first_page_header, section.even_page_header):
            top = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            target = top.insert_paragraph_before() if top.text else top  # before what the header says
            run = target.add_run(words)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(10), RGBColor.from_string(RED)
    first = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    marked = first.insert_paragraph_before()
    run = marked.add_run(words)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(16), RGBColor.from_string(RED)
    document.core_properties.title = f"【{MARK}】{document.core_properties.title or ''}"
    document.save(str(path))


BANNER_STYLE = (
    "position:sticky;top:0;z-index:10;margin:0 0 1em;padding:.8em 1em;border:3px solid #c00000;"
    "background:#fff0f0;color:#c00000;font-weight:bold;font-size:1.2em"
)


def stamp_page(path: Path, text: str) -> None:
    page = path.read_text(encoding="utf-8")
    banner = f'<div class="unfinished" role="alert" style="{BANNER_STYLE}">【{MARK}】{html.escape(text)}</div>'
    body = page.find("<body")
    opened = page.find(">", body) + 1 if body >= 0 else 0
    page = page[:opened] + banner + page[opened:]
    page = page.replace("<title>", f"<title>【{MARK}】", 1)
    path.write_text(page, encoding="utf-8")

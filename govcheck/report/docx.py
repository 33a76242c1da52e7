"""The notice draft (notice-R.docx) and the re-check report (recheck-R2.docx), A4, as offices print them.

Laid out by GB/T 9704-2012 《党政机关公文格式》: the page and type area of 5.2.1 (top margin 37 mm,
left 28 mm, type area 156 mm × 225 mm), 3号仿宋 body text, the title in 2号小标宋, the
addressees one line below it (7.3.2), the 附件说明 (7.3.4), the issuer's signature and the date
(7.3.5), each attachment on a page of its own (7.3.7, 8) and page numbers (7.5).

python-docx builds the document; the rows of the attachment tables are generated as WordprocessingML
and appended in one go (python-docx spends about 0.6 ms a row, seconds for a large round's 附件2).
The tables repeat their header row on every page, as the notice's 附件2 does. python-docx has no
API for fields: the page number is a PAGE field written as OOXML (``_page_field``), the way
python-docx users add one (python-openxml/python-docx issue #498).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Mm, Pt, Twips

from govcheck.report.notice import Notice, build_notice
from govcheck.report.office import Office
from govcheck.report.recheck import FIXED, NOT_FIXED, RecheckReport
from govcheck.report.summary import KIND_NAMES, REVIEW, AttachmentTable, RoundReport
from govcheck.report.titles import round_name
from govcheck.report.xmltext import xml_text

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
CHARACTER = BODY_SIZE  # the standard's unit of indentation (空二字, 右空四字): one 三号 character
BOTTOM_MARGIN = Cm(3.5)  # 297 mm − 37 mm top − 225 mm type area
# GB/T 9704-2012 7.5: "一字线上距版心下边缘7 mm": the top of the page-number line 7 mm below the type area
PAGE_NUMBER_BELOW_TYPE_AREA = Mm(7)
TABLE_SIZE_HALF_POINTS = 22  # 11 pt in the tables
CENTERED_COLUMNS = {"序号", "检查结果", "账号类型", "复查结果", "整改情况"}
# column widths in cm: A4 portrait holds 15.6 cm between the notice's margins, landscape 24.3 cm
ATTACHMENT_CM = {"序号": 1.4, "网站名称": 6.0, "账号名称": 5.0, "账号类型": 2.6, "检查结果": 2.0, "突出问题": 6.2, "备注": 4.6}
RECHECK_COLUMNS_CM = (("序号", 1.4), ("名称", 5.0), ("类别", 4.0), ("原检查问题", 4.4), ("复查结果", 2.0), ("整改情况", 2.0), ("说明", 5.5))


def write_notice_docx(report: RoundReport, path: Path, notice_date: date, office: Office | None = None) -> Path:
    return write_notice(build_notice(report, notice_date, office), path)


def write_notice(notice: Notice, path: Path) -> Path:
    document = _document(notice.title)
    _page_numbers(document)
    _paragraph(document, notice.title, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")  # 7.3.2: the addressees one line below the title, flush left
    _paragraph(document, notice.addressee)
    _paragraph(document, notice.opening, indent=True)
    for heading, text in notice.sections:
        _paragraph(document, heading, HEADING_FONT, indent=True).paragraph_format.keep_with_next = True
        last = _paragraph(document, text, indent=True)
    # 7.3.4: the 附件说明 one line below the text, two characters in; it and the signature stay on
    # the page of the text's last paragraph rather than stand on a page of their own
    closing = [last, _paragraph(document, "")]
    closing += [_paragraph(document, line, indent=True) for line in notice.attachment_lines]
    for paragraph in closing:
        paragraph.paragraph_format.keep_with_next = True
    _signature(document, notice.signature, notice.date_text)
    for table in notice.attachments:
        _page_break(document)
        _attachment(document, table)
    document.save(str(path))
    return path


def _signature(document: Any, signature: str, date_text: str) -> None:
    """发文机关署名 and 成文日期 as GB/T 9704-2012 7.3.5.1 places them on a sealed document (an
    office seals its 通报): "成文日期一般右空四字编排", the signature "在成文日期之上、以成文日期为准
    居中编排", both "居印章中心偏下位置" with the seal's top "上距正文（或附件说明）一行之内": two
    empty lines leave the seal its room above them; the signature stays on the date's page. The date is in Arabic numerals, the year in
    full, no leading zeros (7.3.5.4: 2024年2月28日)."""
    date_indent = 4 * CHARACTER.pt
    centred = date_indent + (_printed_width(date_text) - _printed_width(signature)) / 2
    for _ in range(2):
        _paragraph(document, "").paragraph_format.keep_with_next = True
    signed = _paragraph(document, signature, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(max(0.0, centred)))
    signed.paragraph_format.keep_with_next = True
    dated = _paragraph(document, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(date_indent))
    for paragraph in (signed, dated):
        _no_autospace(paragraph)


def _printed_width(text: str) -> float:
    """Points ``text`` takes in 三号: Chinese characters a full character, ASCII digits and
    letters half of one (the standard's 半角 numerals)."""
    return sum(CHARACTER.pt / 2 if ord(c) < 0x80 else CHARACTER.pt for c in text)


# the elements that follow w:autoSpaceDN in a paragraph's properties (ECMA-376 CT_PPr)
_AFTER_AUTOSPACE = ("w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _no_autospace(paragraph: Any) -> None:
    """No extra space between Chinese text and digits (Word and LibreOffice add some by default),
    so that the line is as wide as ``_printed_width`` says and the signature centres on the date."""
    properties = paragraph._p.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        properties.insert_element_before(element, *_AFTER_AUTOSPACE)


def _page_numbers(document: Any) -> None:
    """Page numbers as GB/T 9704-2012 7.5 sets them: "一般用4号半角宋体阿拉伯数字，编排在公文版心
    下边缘之下，数字左右各放一条一字线；一字线上距版心下边缘7 mm。单页码居右空一字，双页码居左空
    一字。" — so "— 1 —" at the right of odd pages and "— 2 —" at the left of even ones (printed
    on both sides, bound on the left), numbered on through the attachments ("公文的附件与正文一起
    装订时，页码应当连续编排"). Odd and even pages get footers of their own."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    line = PAGE_NUMBER_SIZE
    section.footer_distance = Length(BOTTOM_MARGIN - PAGE_NUMBER_BELOW_TYPE_AREA - line)
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        spacing = paragraph.paragraph_format
        spacing.line_spacing, spacing.space_before, spacing.space_after = line, Pt(0), Pt(0)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            spacing.right_indent = CHARACTER
        else:
            spacing.left_indent = CHARACTER
        for run_text in ("— ", None, " —"):
            run = paragraph.add_run(run_text or "")
            _set_font(run._r.get_or_add_rPr(), PAGE_NUMBER_FONT)
            run.font.size = line
            if run_text is None:
                _page_field(run)


def _page_field(run: Any) -> None:
    """The PAGE field in ``run``: begin, the instruction, separate, a shown value, end."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:  # what readers that do not update fields show until they do
            element = OxmlElement("w:t")
            element.text = "1"
        run._r.append(element)


def write_recheck_docx(report: RecheckReport, path: Path) -> Path:
    """The re-check: what was re-checked, how many were rectified, and one row per target."""
    document = _document(report.title, landscape=True)
    _page_numbers(document)
    _paragraph(document, report.title.removesuffix("表"), TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(18))
    _paragraph(document, recheck_paragraph(report), indent=True)
    _paragraph(document, report.period, align=WD_ALIGN_PARAGRAPH.CENTER)
    rows = [
        (row.number, row.original.name, row.original.category or KIND_NAMES.get(row.original.kind, ""),
         row.original.labels, row.recheck_verdict, row.status, row.note)
        for row in report.rows
    ]
    _table(document, RECHECK_COLUMNS_CM, rows)
    document.save(str(path))
    return path


def recheck_paragraph(report: RecheckReport) -> str:
    """对2024年第一次全面检查中不合格的政府网站4个、政务新媒体33个进行了复查，…"""
    sites, accounts = report.counts("site"), report.counts("account")
    totals = report.counts()
    return (
        f"对{round_name(report.from_round)}全面检查中不合格的政府网站{sum(sites.values())}个、"
        f"政务新媒体{sum(accounts.values())}个进行了复查。复查结果为：{FIXED}{totals[FIXED]}个，"
        f"{NOT_FIXED}{totals[NOT_FIXED]}个，{REVIEW}{totals[REVIEW]}个。"
    )


# -- building blocks -----------------------------------------------------------------------------


def _document(title: str, landscape: bool = False) -> Any:
    """An A4 document with the notice's margins and body font, its properties saying what it is."""
    document = Document()
    # python-docx's template carries its own name and a 2013 date in the file's properties
    properties = document.core_properties
    written_at = datetime.now(timezone.utc).replace(microsecond=0)
    properties.title, properties.subject, properties.comments = title, "", ""
    properties.author = properties.last_modified_by = "govcheck"
    properties.keywords, properties.category = "政府网站与政务新媒体检查", ""
    properties.created = properties.modified = written_at
    properties.revision = 1
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = Cm(21.0), Cm(29.7)
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_font(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(28)
    return document


def _set_font(run_properties: Any, font: str) -> None:
    """The font for Latin and East Asian text (python-docx's font.name sets only the Latin one)."""
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)


def _paragraph(
    document: Any,
    text: str,
    font: str | None = None,
    size: Pt | None = None,
    align: Any = None,
    indent: bool = False,
    space_after: Pt | None = None,
    right_indent: Length | None = None,
) -> Any:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    if font:
        _set_font(run._r.get_or_add_rPr(), font)
    if size:
        run.font.size = size
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if space_after is not None:
        paragraph.paragraph_format.space_after = space_after
    if right_indent is not None:
        paragraph.paragraph_format.right_indent = right_indent
    return paragraph


def _page_break(document: Any) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _attachment(document: Any, table: AttachmentTable) -> None:
    """GB/T 9704-2012 7.3.7: "附件"二字及附件顺序号 in 3号黑体 on the first line, flush left; the
    attachment's title centred on the third."""
    _paragraph(document, table.label, HEADING_FONT)
    _paragraph(document, "")
    _paragraph(document, table.title, TITLE_FONT, Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, table.period, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(6))
    _table(document, [(c, ATTACHMENT_CM[c]) for c in table.columns], [row.cells() for row in table.rows])


def _table(document: Any, columns_cm: Sequence[tuple[str, float]], rows: Iterable[Sequence[Any]]) -> None:
    """A bordered table of (header, width in cm) columns; its header row repeats on every page."""
    columns = [header for header, _ in columns_cm]
    widths = [Cm(cm).twips for _, cm in columns_cm]
    centered = [c in CENTERED_COLUMNS for c in columns]
    table = document.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Twips(width)
    # the header row repeats on every printed page; no row is split across pages
    header = f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{_cells_xml(columns, widths, [True] * len(columns), bold=True)}</w:tr>"
    body = "".join(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{_cells_xml(row, widths, centered)}</w:tr>" for row in rows)
    for row in list(parse_xml(f"<w:tbl {nsdecls('w')}>{header}{body}</w:tbl>")):  # list: appending moves them
        table._tbl.append(row)


def _cells_xml(values: Sequence[Any], widths: Sequence[int], centered: Sequence[bool], bold: bool = False) -> str:
    run_properties = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{TABLE_SIZE_HALF_POINTS}"/></w:rPr>'
    cells = []
    for value, width, center in zip(values, widths, centered):
        text = "" if value is None else str(int(value) if isinstance(value, float) and value.is_integer() else value)
        runs = "<w:br/>".join(f'<w:t xml:space="preserve">{xml_text(line)}</w:t>' for line in text.split("\n"))
        alignment = '<w:jc w:val="center"/>' if center else ""
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:line="300" w:lineRule="auto"/>{alignment}</w:pPr>'
            f"<w:r>{run_properties}{runs}</w:r></w:p></w:tc>"
        )
    return "".join(cells)

"""A draft of the notice (.docx): section 一 written from the marts, then the annex tables.

Sections 二 and 三 are the office's own judgement and stay for the drafter to write. Where the
data cannot decide (rule and reviewer disagree, a unit has no assessment) the draft carries a
visible 审核提示 instead of choosing. python-docx is imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration.export.records import CountyQuarterNotice
from orchestration.export.wording import (
    REVIEW_NOTE_LABEL,
    TOTAL_LABEL,
    annex_headers,
    annex_label,
    annex_title,
    checked_units_sentence,
    published_lists,
    review_items,
    tier_list_sentence,
    totals_sentence,
)

if TYPE_CHECKING:
    from docx.document import Document

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
TABLE_STYLE = "表格文字"
FINDINGS_OPENING = "经过核查统计，"
TO_BE_WRITTEN = "（由起草人填写。）"
NOTE_COLOUR = (0xC0, 0x00, 0x00)
# 序号 | 栏目 | 公开数量 | 责任单位 | 备注, filling the 156 mm between the margins.
ANNEX_COLUMN_WIDTHS_MM = (12, 58, 26, 38, 22)
CENTERED_ANNEX_COLUMNS = (0, 2)


def draft_title(notice: CountyQuarterNotice) -> str:
    return (
        f"关于{notice.county}{notice.quarter.year}年{notice.quarter.chinese_ordinal}"
        "政府信息公开栏目更新情况的通报（草稿）"
    )


def findings_paragraph(notice: CountyQuarterNotice) -> str:
    return FINDINGS_OPENING + totals_sentence(notice.summary)


def tier_paragraphs(notice: CountyQuarterNotice) -> list[str]:
    return [
        tier_list_sentence(rank, units) for rank, units in published_lists(notice.units).items()
    ]


def _set_font(style_or_run: Any, name: str, size_pt: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = name
    font.size = Pt(size_pt)
    font.bold = bold
    # Word picks the font of Chinese characters from w:eastAsia, which font.name leaves unset.
    style_or_run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _new_document() -> Document:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]
    # GB/T 9704 page: A4 with the official document margins.
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _set_font(document.styles["Normal"], BODY_FONT, 16)
    table_style = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_style.base_style = document.styles["Normal"]
    _set_font(table_style, TABLE_FONT, 10.5)
    return document


def _paragraph(
    document: Document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    centered: bool = False,
    indent: bool = True,
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if centered:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    _set_font(paragraph.add_run(text), font, size, bold=bold)


def _review_note(document: Document, text: str) -> None:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    label = paragraph.add_run(f"【{REVIEW_NOTE_LABEL}】")
    _set_font(label, HEADING_FONT, 16, bold=True)
    body = paragraph.add_run(text)
    _set_font(body, BODY_FONT, 16)
    for run in (label, body):
        run.font.color.rgb = RGBColor(*NOTE_COLOUR)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW  # still stands out printed in grey


def _repeat_as_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _fill(row: Any, values: list[Any], style_id: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
        cell.width = Mm(ANNEX_COLUMN_WIDTHS_MM[index])
        paragraph = cell.paragraphs[0]
        # By id on the XML: `paragraph.style = name` searches all styles per cell (10x slower).
        paragraph._p.style = style_id
        if index in CENTERED_ANNEX_COLUMNS:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if value is not None:
            paragraph.add_run(str(value))


def _annex_table(document: Document, notice: CountyQuarterNotice, annex: int) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _paragraph(document, annex_label(annex), font=HEADING_FONT, indent=False)
    _paragraph(document, annex_title(notice.county, notice.quarter, annex), size=18, centered=True)
    style_id = document.styles[TABLE_STYLE].style_id
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.autofit = False
    _fill(table.rows[0], list(annex_headers(notice.quarter)), style_id)
    _repeat_as_header(table.rows[0])
    for line in notice.annex(annex):
        _fill(
            table.add_row(),
            [line.row_number, line.column_name_raw, line.item_count, line.unit_name_raw, line.note],
            style_id,
        )
    total = table.add_row()
    _fill(total, [TOTAL_LABEL, None, notice.declared_total(annex), None, None], style_id)
    total.cells[0].merge(total.cells[1])


def write_draft(notice: CountyQuarterNotice, path: Path) -> int:
    """Write the draft to path; return the number of reviewer's notes it carries."""
    document = _new_document()
    _paragraph(document, draft_title(notice), size=22, bold=True, centered=True)
    _paragraph(document, checked_units_sentence(notice))
    _paragraph(document, "一、信息更新情况", font=HEADING_FONT)
    _paragraph(document, findings_paragraph(notice))
    for sentence in tier_paragraphs(notice):
        _paragraph(document, sentence)
    notes = review_items(notice)
    for note in notes:
        _review_note(document, note)
    for heading in ("二、存在问题", "三、下一步工作要求"):
        _paragraph(document, heading, font=HEADING_FONT)
        _paragraph(document, TO_BE_WRITTEN)
    for annex in (1, 2):
        prefix = "附件：" if annex == 1 else ""
        title = annex_title(notice.county, notice.quarter, annex)
        _paragraph(document, f"{prefix}{annex}.{title}")
    for annex in (1, 2):
        _annex_table(document, notice, annex)
    document.save(str(path))
    return len(notes)

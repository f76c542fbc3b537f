"""The draft of the notice (.docx): the county's template set as a GB/T 9704 document, then the
annex tables.

Layout chosen (GB/T 9704-2012): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
(a 156 x 225 mm text block); title 方正小标宋简体 二号 (22 pt) centred; body 仿宋 三号 (16 pt)
at an exact 28.9 pt line pitch, i.e. 22 lines a page of 27 characters (the standard's 28 needs
the character grid squeezed, which Word and WPS render differently); first-level headings 黑体
三号; annex tables 宋体 五号 (10.5 pt) with a bold header row repeated on every page and columns
sized to their content. python-docx is imported inside the functions.
"""

from __future__ import annotations

import copy
import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from orchestration.export.records import AnnexTable, CountyQuarterNotice
from orchestration.export.template import DraftLine, draft_lines
from orchestration.export.widths import display_width, fit_columns, wider_half
from orchestration.export.wording import REVIEW_NOTE_LABEL, TOTAL_LABEL, annex_headers

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
TITLE_SIZE = 22
ANNEX_TITLE_SIZE = 18
BODY_SIZE = 16
TABLE_SIZE = 10.5
LINE_PITCH_PT = 28.9  # 225 mm of text block / 22 lines
TEXT_WIDTH_MM = 156
TEXT_WIDTH_PT = TEXT_WIDTH_MM / 25.4 * 72
CHARS_PER_LINE = int(TEXT_WIDTH_PT // BODY_SIZE)
# GB/T 9704: 附件 starts two characters in; its items align after “附件：”.
ATTACHMENT_LABEL = "附件："
ATTACHMENT_INDENT_CHARS = 2
# The signature block ends four characters from the right margin.
DATE_RIGHT_INDENT_CHARS = 4
# A wrapped 附件 item keeps at least this many characters on its last line, never one alone.
MIN_LAST_LINE_CHARS = 5
TABLE_STYLE = "表格文字"
NOTE_COLOUR = (0xC0, 0x00, 0x00)
CELL_PADDING_PT = 11.5  # Word's default cell margins, 0.08 inch each side
MIN_TABLE_COLUMN_PT = 28
CENTERED_ANNEX_COLUMNS = (0, 2)


def _set_font(style_or_run: Any, name: str, size_pt: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = name
    font.size = Pt(size_pt)
    font.bold = bold
    # Word picks the font of Chinese characters from w:eastAsia, which font.name leaves unset.
    style_or_run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


@cache
def _run_font(name: str, size_pt: float, bold: bool) -> Any:
    """The font properties (w:rPr) `_set_font` gives a run, made once per font."""
    from docx.oxml import OxmlElement
    from docx.text.run import Run

    run = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]
    _set_font(run, name, size_pt, bold=bold)
    return run.element.rPr


def _add_run(paragraph: Paragraph, text: str, font: str, size_pt: float, *, bold: bool = False
             ) -> Run:  # fmt: skip
    """paragraph.add_run(text) set in the font, by a copy of the font's properties: setting
    them through python-docx, run by run, took most of the time of the draft's text."""
    run = paragraph.add_run(text)
    run.element.insert(0, copy.deepcopy(_run_font(font, size_pt, bold)))
    return run


def _new_document() -> Document:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    _set_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    table_style = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_style.base_style = normal
    _set_font(table_style, TABLE_FONT, TABLE_SIZE)
    table_style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return document


def _paragraph(
    document: Document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_SIZE,
    bold: bool = False,
    indent: bool = True,
) -> Paragraph:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    _add_run(paragraph, text, font, size, bold=bold)
    return paragraph


def _highlight(paragraph: Paragraph, *, red: bool) -> None:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    for run in paragraph.runs:
        if red:
            run.font.color.rgb = RGBColor(*NOTE_COLOUR)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW  # still stands out printed in grey


def _review_note(document: Document, text: str) -> None:
    paragraph = _paragraph(document, f"【{REVIEW_NOTE_LABEL}】", font=HEADING_FONT, bold=True)
    _add_run(paragraph, text, BODY_FONT, BODY_SIZE)
    _highlight(paragraph, red=True)


def _chars(text: str) -> float:
    """Width of text in body characters (a digit or Latin letter is half of one)."""
    return display_width(text) / 2


def attachment_text(text: str, first: bool, chars_per_line: int = CHARS_PER_LINE) -> str:
    """One 附件 item, with a line break placed so that no character is left alone.

    Items wrap aligned after “附件：”; an item that would leave fewer than MIN_LAST_LINE_CHARS
    on its last line is broken earlier, so the title's end moves down as a whole phrase.
    """
    label = ATTACHMENT_LABEL if first else ""
    room = chars_per_line - ATTACHMENT_INDENT_CHARS - _chars(ATTACHMENT_LABEL)
    if _chars(text) <= room:
        return label + text
    # Break before the last characters that fit neither line alone (or at least the minimum).
    fitting = 0
    while fitting < len(text) and _chars(text[: fitting + 1]) <= room:
        fitting += 1
    cut = min(fitting, len(text) - MIN_LAST_LINE_CHARS)
    return label + text[:cut] + "\n" + text[cut:]


def balanced_lines(text: str, size_pt: float) -> list[str]:
    """A title too long for one line, cut into lines of about equal width (GB/T 9704 centres
    a title's lines symmetrically), so that no line holds a stray word or two."""
    room = TEXT_WIDTH_PT / size_pt
    count = math.ceil(_chars(text) / room)
    lines: list[str] = []
    rest = text
    for remaining in range(count, 1, -1):
        target = _chars(rest) / remaining
        cut = 1
        while cut < len(rest) and _chars(rest[: cut + 1]) <= target + 0.5:
            cut += 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return [*lines, rest]


def _title(document: Document, text: str, size_pt: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    head, *rest = balanced_lines(text, size_pt)
    paragraph = _paragraph(document, head, font=TITLE_FONT, size=size_pt, indent=False)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in rest:
        run = paragraph.runs[-1]
        run.add_break()
        _add_run(paragraph, line, TITLE_FONT, size_pt)


def _attachment(document: Document, text: str, first: bool) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    label = _chars(ATTACHMENT_LABEL) * BODY_SIZE
    paragraph.paragraph_format.left_indent = Pt(ATTACHMENT_INDENT_CHARS * BODY_SIZE + label)
    if first:
        paragraph.paragraph_format.first_line_indent = Pt(-label)
    head, _, rest = attachment_text(text, first).partition("\n")
    run = _add_run(paragraph, head, BODY_FONT, BODY_SIZE)
    if rest:
        run.add_break()
        _add_run(paragraph, rest, BODY_FONT, BODY_SIZE)


def _signature(document: Document, lines: list[str]) -> None:
    """The issuing office and the date, the shorter centred on the longer, which ends four
    characters from the right margin."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    widest = max(_chars(text) for text in lines)
    for index, text in enumerate(lines):
        paragraph = _paragraph(document, text, indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # The office and the date are never printed on different pages.
        paragraph.paragraph_format.keep_with_next = index < len(lines) - 1
        indent = DATE_RIGHT_INDENT_CHARS + (widest - _chars(text)) / 2
        paragraph.paragraph_format.right_indent = Pt(indent * BODY_SIZE)


def _write_lines(document: Document, lines: list[DraftLine]) -> None:
    attachments = 0
    signature: list[str] = []
    for line in lines:
        if line.kind == "signature":
            signature.append(line.text)
            continue
        if signature:
            _signature(document, signature)
            signature = []
        if line.kind == "title":
            _title(document, line.text, TITLE_SIZE)
        elif line.kind == "heading":
            _paragraph(document, line.text, font=HEADING_FONT)
        elif line.kind == "flush":
            _paragraph(document, line.text, indent=False)
        elif line.kind == "review_note":
            _review_note(document, line.text)
        elif line.kind == "to_write":
            _highlight(_paragraph(document, line.text), red=False)
        elif line.kind == "attachment":
            _attachment(document, line.text, first=attachments == 0)
            attachments += 1
        elif line.kind == "blank":
            document.add_paragraph()
        else:
            _paragraph(document, line.text)
    if signature:
        _signature(document, signature)


def table_column_widths(rows: list[list[Any]]) -> list[float]:
    """Column widths in points for the rows (header first): sized to their texts, wrapping as
    few lines as possible, and filling the text block's width."""
    texts = [
        [_chars("" if value is None else str(value)) * TABLE_SIZE for value in row] for row in rows
    ]
    # The header row (rows[0]) may wrap onto two lines, not more.
    floors = [_chars(wider_half(str(header))) * TABLE_SIZE for header in rows[0]]
    return fit_columns(texts, CELL_PADDING_PT, MIN_TABLE_COLUMN_PT, TEXT_WIDTH_PT, floors)


def _run_content(text: str) -> str:
    """A run's text as python-docx writes it: a tab is <w:tab/>, a line end <w:br/>, and a
    stretch with spaces at either end keeps them (xml:space)."""
    content = []
    for part in re.split(r"([\t\r\n])", text):
        if part == "\t":
            content.append("<w:tab/>")
        elif part in ("\r", "\n"):
            content.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            content.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(content)


def _cell_xml(value: Any, twips: int, style_id: str, *, centered: bool, bold: bool,
              span: int = 1) -> str:  # fmt: skip
    """One cell: its width, a paragraph in the table style and the value's run, if any."""
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    align = '<w:jc w:val="center"/>' if centered else ""
    run = ""
    if value is not None:
        run = f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else '<w:rPr/>'}"
        run += f"{_run_content(str(value))}</w:r>"
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>{span_xml}</w:tcPr>'
        f"<w:p><w:pPr><w:pStyle w:val={quoteattr(style_id)}/>{align}</w:pPr>{run}</w:p></w:tc>"
    )


def _row_xml(cells: list[str], *, header: bool = False) -> str:
    # A header row is repeated atop every page the table runs onto.
    repeat = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if header else ""
    return f"<w:tr>{repeat}{''.join(cells)}</w:tr>"


def _cells_xml(
    values: list[Any], twips: list[int], style_id: str, *, header: bool = False
) -> list[str]:
    return [
        _cell_xml(value, width, style_id, centered=header or index in CENTERED_ANNEX_COLUMNS,
                  bold=header)
        for index, (value, width) in enumerate(zip(values, twips, strict=True))
    ]  # fmt: skip


def _total_row_xml(total: list[Any], twips: list[int], style_id: str) -> str:
    """The 合计 row, its label one cell across the first two columns."""
    label = _cell_xml(total[0], twips[0] + twips[1], style_id, centered=True, bold=False, span=2)
    rest = _cells_xml(total, twips, style_id)[2:]
    return _row_xml([label, *rest])


def _annex_table(
    document: Document, notice: CountyQuarterNotice, annex: AnnexTable, styles: _StyleIds
) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    label = _paragraph(document, annex.label, font=HEADING_FONT, indent=False)
    # Each annex starts a page (a break of its own would leave an empty page after a full one).
    label.paragraph_format.page_break_before = True
    _title(document, annex.title, ANNEX_TITLE_SIZE)
    header = list(annex_headers(annex))
    body = [
        [line.row_number, line.column_name_raw, line.item_count, line.unit_name_raw, line.note]
        for line in notice.annex(annex.number)
    ]
    total = [TOTAL_LABEL, None, annex.declared_total, None, None]
    widths = [Pt(width) for width in table_column_widths([header, *body, total])]
    table = document.add_table(rows=0, cols=len(header))
    table._tbl.tblStyle_val = styles.grid
    table.autofit = False
    # Word reads the grid, LibreOffice and WPS the cells: both get the widths.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    twips = [width.twips for width in widths]
    # The rows are written as XML and parsed at once: python-docx's add_row and cell access
    # walk the whole table each time, which made the draft's tables nearly half the time of a
    # county's three files.
    rows = [
        _row_xml(_cells_xml(header, twips, styles.text, header=True), header=True),
        *(_row_xml(_cells_xml(values, twips, styles.text)) for values in body),
        _total_row_xml(total, twips, styles.text),
    ]
    for row in parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>"):
        table._tbl.append(row)


@dataclass(frozen=True)
class _StyleIds:
    """The ids of the styles the annex tables use (python-docx finds a style by its name by
    searching the whole styles part, a quarter of the time of a draft when done per table)."""

    grid: str  # the table's: Table Grid
    text: str  # its paragraphs': TABLE_STYLE


@dataclass(frozen=True)
class _Blank:
    """The set-up document, kept by a process to start every county's draft from."""

    document: Document
    body: list[Any]  # the body's elements as set up (its section's page settings)
    package: bytes  # the package as saved, without the body's part (body_name)
    body_name: str
    styles: _StyleIds
    outside_body: tuple[int, int]  # its relationships and styles, which a draft must not change

    def emptied(self) -> Document:
        """The document with its body as set up, the previous county's draft gone."""
        self.document.element.body[:] = [copy.deepcopy(element) for element in self.body]
        return self.document

    def save(self, path: Path) -> None:
        """Save the package with the body's part as it now is.

        The other parts are the blank document's, copied compressed: compressing its styles
        (0.8 MB of XML) again for every county took most of the time of a save. The body's
        part comes last in the package instead of fifth, which readers do not mind.
        """
        if _outside_body(self.document) != self.outside_body:
            # The package's other parts are the blank document's: a style, picture or link a
            # draft added would be lost, leaving a file Word cannot open.
            raise RuntimeError(
                "the draft changed its document outside the body (a style or relationship);"
                " only the body part is saved afresh"
            )
        path.write_bytes(self.package)
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as package:
            package.writestr(self.body_name, self.document.part.blob)


_blank: _Blank | None = None


def _outside_body(document: Document) -> tuple[int, int]:
    return len(document.part.rels), len(document.styles.element)


def _blank_draft() -> _Blank:
    """The process's blank document, set up on first use.

    Setting a document up (python-docx loads its template, the styles are added) and saving
    its unchanged parts took about as long as writing a county's whole draft. A process does
    that once and reuses the document, emptying its body for each county; only the body
    changes from one draft to the next. A draft must therefore add nothing outside its body
    (no style, header, picture or link): the saved package would not have it. Drafts are
    written one at a time in a process (worker processes, or the run's own): the document is
    not shared between threads.
    """
    global _blank
    if _blank is None:
        document = _new_document()
        saved = io.BytesIO()
        document.save(saved)
        body_name = document.part.partname.membername
        others = io.BytesIO()
        with zipfile.ZipFile(saved) as full, zipfile.ZipFile(others, "w") as package:
            for info in full.infolist():
                if info.filename != body_name:
                    package.writestr(info, full.read(info), compress_type=info.compress_type)
        body = [copy.deepcopy(element) for element in document.element.body]
        styles = _StyleIds(
            grid=document.styles["Table Grid"].style_id, text=document.styles[TABLE_STYLE].style_id
        )
        _blank = _Blank(
            document, body, others.getvalue(), body_name, styles, _outside_body(document)
        )
    return _blank


def write_draft(
    notice: CountyQuarterNotice, path: Path, templates_dir: Path, issue_date: date
) -> int:
    """Write the draft to path; return the number of reviewer's notes it carries."""
    lines = draft_lines(notice, templates_dir, issue_date)
    blank = _blank_draft()
    document = blank.emptied()
    _write_lines(document, lines)
    for annex in notice.annexes:
        _annex_table(document, notice, annex, blank.styles)
    blank.save(path)
    return sum(line.kind == "review_note" for line in lines)

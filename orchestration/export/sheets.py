"""What every exported sheet shares: safe cell values, fonts, column widths and print setup.

A sheet is written top-down by a `SheetWriter`, which remembers how wide each column's content is
and, at the end, sizes the columns to fill the printed page's width and sets the page up (A4,
repeated title rows, page numbers in the footer). openpyxl is imported inside the functions: the
code location must load without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orchestration.export.widths import display_width, fit_columns, wider_half

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

TABLE_FONT = "宋体"
# Excel would read these leading characters as the start of a formula (or, for tab and CR, as
# a way to smuggle one past a CSV-minded check); text from a clerk's file must stay text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MIN_COLUMN_WIDTH = 6
FOOTER = "第 &P 页 共 &N 页"

# Printed width between the margins, in Excel's column-width units. A unit is the width of a
# digit of the workbook's default font (Calibri 11: 7 px at 96 dpi) and each column adds 5 px of
# padding; A4 is 210 x 297 mm and the margins below are 15 mm each side.
MARGIN_INCHES = 0.6
PIXELS_PER_UNIT = 7
PADDING_PIXELS = 5
# A half-width character of 宋体 at 11 pt is 11 * 96 / 72 / 2 px wide: ~1.05 units.
UNITS_PER_HALF_CHAR_AT_11PT = 11 * 96 / 72 / 2 / PIXELS_PER_UNIT
# Room a cell's text leaves for the cell's own padding, in units.
CELL_SLACK_UNITS = 1.5
# Height of one line of wrapped text, relative to the font size (Excel: 14.25 pt at 11 pt).
LINE_HEIGHT = 1.3
TITLE_HEIGHT, LABEL_HEIGHT = 30, 20
# Slack for rounding in the application that prints, so that fit-to-width never has to shrink.
PAGE_FILL = 0.97


def _printable_pixels(paper_mm: float) -> float:
    return (paper_mm / 25.4 - 2 * MARGIN_INCHES) * 96


PRINTABLE_PIXELS = {"portrait": _printable_pixels(210), "landscape": _printable_pixels(297)}


def page_width_units(orientation: str, columns: int) -> float:
    """How many column-width units fit between the margins of an A4 page."""
    return (PRINTABLE_PIXELS[orientation] - PADDING_PIXELS * columns) / PIXELS_PER_UNIT


def text_units(text: str, size_pt: float) -> float:
    """Width of one line of text in column-width units."""
    return display_width(text) * UNITS_PER_HALF_CHAR_AT_11PT * size_pt / 11


def wrapped_lines(text: str, size_pt: float, width_units: float) -> int:
    """Lines the text takes in a column of that width (each explicit line wraps on its own)."""
    room = max(width_units - CELL_SLACK_UNITS, 1)
    # The tolerance keeps a text sized to its column exactly (then rounded) on one line.
    return sum(
        max(1, math.ceil(text_units(line, size_pt) / room - 0.02)) for line in text.split("\n")
    )


class UnwritableTextError(ValueError):
    """Text holding a control character, which the .xlsx format cannot store."""


def set_value(cell: Cell, value: Any) -> None:
    """Write a value; text that Excel could take for a formula is stored as text."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        cell.value = value
    except IllegalCharacterError as error:
        raise UnwritableTextError(
            f"“{value!r}”含有Excel无法保存的控制字符，请在原表格中删除后重新导入。"
            f" / {value!r} contains a control character Excel cannot store:"
            " remove it in the source spreadsheet and ingest again."
        ) from error
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True


class Styles:
    """Style objects for one workbook, with its body text size (openpyxl shares equal styles)."""

    def __init__(self, body_size: float) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.styles.cell_style import StyleArray

        thin = Side(style="thin")
        self.body_size = body_size
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name=TABLE_FONT, size=16, bold=True, charset=134)
        self.label = Font(name=TABLE_FONT, size=12, bold=True, charset=134)
        self.header = Font(name=TABLE_FONT, size=body_size, bold=True, charset=134)
        self.body = Font(name=TABLE_FONT, size=body_size, charset=134)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.flagged = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
        # A table cell's style by (header, centred, flagged), once some cell has been given it.
        self._table_cells: dict[tuple[bool, bool, bool], StyleArray] = {}

    def table_cell(self, cell: Cell, *, header: bool, centered: bool, flagged: bool) -> None:
        """Give a table cell its border, font, alignment and fill.

        Assigning a style object makes openpyxl hash it against the workbook's list of styles,
        a fifth of the time of a county's files; a cell styled alike before has its style indices
        copied instead. The first cell of each kind is styled the ordinary way, so the
        workbook's style lists come out in the same order, and the file the same, as before.
        """
        from copy import copy

        key = (header, centered, flagged)
        known = self._table_cells.get(key)
        if known is not None:
            cell._style = copy(known)
            return
        cell.border = self.border
        cell.font = self.header if header else self.body
        cell.alignment = self.center if centered else self.left
        if flagged:
            cell.fill = self.flagged
        self._table_cells[key] = copy(cell._style)


class SheetWriter:
    """Writes rows top-down and remembers each column's texts, to size the columns at the end.

    Row heights are set from the lines each row's text wraps to in the final column widths:
    applications do not agree on fitting rows written by a library, and a clipped header or an
    overprinted row is worse than a generous one.
    """

    def __init__(self, sheet: Worksheet, styles: Styles, width: int) -> None:
        self.sheet = sheet
        self.styles = styles
        self.width = width
        self.row = 0
        self._units: list[list[float]] = []  # one-line widths of each table row's texts
        # A header may wrap onto two lines rather than widen a column of numbers, not more.
        self._floors = [0.0] * width
        self._table_rows: dict[int, list[str]] = {}
        self._titles: dict[int, float] = {}  # row -> font size

    def title(self, text: str, *, font: Any = None, centered: bool = True) -> int:
        """A line of text across the whole table (merged), e.g. the table's title."""
        self.row += 1
        cell = self.sheet.cell(row=self.row, column=1)
        set_value(cell, text)
        cell.font = font or self.styles.title
        cell.alignment = self.styles.center if centered else self.styles.left
        self.sheet.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=self.width
        )
        self._titles[self.row] = cell.font.sz
        return self.row

    def blank(self) -> None:
        self.row += 1

    def table_row(
        self,
        values: Sequence[Any],
        *,
        header: bool = False,
        centered_columns: Sequence[int] = (),
        flagged: bool = False,
    ) -> int:
        self.row += 1
        texts = ["" if value is None else str(value) for value in values]
        self._table_rows[self.row] = texts
        for index, value in enumerate(values):
            cell = self.sheet.cell(row=self.row, column=index + 1)
            # Styled before the value is set: set_value may mark the style as text (quotePrefix).
            self.styles.table_cell(
                cell, header=header, centered=header or index in centered_columns, flagged=flagged
            )
            set_value(cell, value)
        units = [text_units(text, self.styles.body_size) for text in texts]
        self._units.append(units)
        if header:
            halves = [text_units(wider_half(text), self.styles.body_size) for text in texts]
            padded = [*halves, *[0.0] * (self.width - len(halves))]
            self._floors = [max(a, b) for a, b in zip(self._floors, padded, strict=True)]
        return self.row

    def _set_heights(self, widths: list[float]) -> None:
        size = self.styles.body_size
        for row, texts in self._table_rows.items():
            lines = max(
                wrapped_lines(text, size, width) for text, width in zip(texts, widths, strict=False)
            )
            self.sheet.row_dimensions[row].height = round(lines * size * LINE_HEIGHT, 1)
        for row, size in self._titles.items():
            text = str(self.sheet.cell(row=row, column=1).value)
            lines = wrapped_lines(text, size, sum(widths))
            base = TITLE_HEIGHT if size >= self.styles.title.sz else LABEL_HEIGHT
            self.sheet.row_dimensions[row].height = max(base, round(lines * size * LINE_HEIGHT, 1))

    def finish(
        self,
        *,
        title_row: int,
        header_row: int,
        landscape: bool = False,
        filter_header: bool = False,
    ) -> None:
        """Freeze the header, size the columns to the page and set the sheet up for printing, the
        rows from the title to the header atop every page."""
        from openpyxl.utils import get_column_letter

        orientation = "landscape" if landscape else "portrait"
        available = page_width_units(orientation, self.width) * PAGE_FILL
        fitted = fit_columns(
            self._units, CELL_SLACK_UNITS, MIN_COLUMN_WIDTH, available, self._floors
        )
        widths = [round(width, 2) for width in fitted]
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = width
        self._set_heights(widths)
        last = f"{get_column_letter(self.width)}{self.row}"
        self.sheet.freeze_panes = self.sheet.cell(row=header_row + 1, column=1)
        if filter_header:
            self.sheet.auto_filter.ref = f"A{header_row}:{last}"
        self.sheet.print_area = f"A1:{last}"
        self.sheet.print_title_rows = f"{title_row}:{header_row}"
        setup = self.sheet.page_setup
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.orientation = orientation
        # One page wide as a safety net only: the widths above already fit, so nothing shrinks.
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages tall as needed
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        margins = self.sheet.page_margins
        margins.left = margins.right = MARGIN_INCHES
        margins.top = margins.bottom = MARGIN_INCHES
        margins.footer = MARGIN_INCHES / 2
        self.sheet.print_options.horizontalCentered = True
        footer = self.sheet.oddFooter.center
        footer.text = FOOTER
        footer.font = TABLE_FONT
        footer.size = 10


def save_workbook(workbook: Workbook, path: Path) -> None:
    """workbook.save(path), each sheet's XML kept in memory on its way into the package.

    openpyxl writes every sheet to a temporary file of its own, copies it into the package and
    deletes it: five or six files created and deleted per county, 10-20 % of the time of saving.
    This is openpyxl 3.1's `save_workbook` and `ExcelWriter.write_worksheet` with the sheet
    written to a buffer instead (openpyxl is pinned in uv.lock); the package is the same.
    """
    import datetime
    import io
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class InMemoryWriter(ExcelWriter):
        def write_worksheet(self, ws: Worksheet) -> None:
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            out = io.BytesIO()
            writer = WorksheetWriter(ws, out)
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], out.getvalue())
            self.manifest.append(ws)

    now = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    workbook.properties.modified = now
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        InMemoryWriter(workbook, archive).write_data()

"""What every exported sheet shares: fonts, cell formats, column widths and print setup.

A sheet is written top-down by a `SheetWriter`, which remembers how wide each column's content is
and, at the end, sizes the columns to fill the printed page's width and sets the page up (A4,
repeated title rows, page numbers in the footer). The sheets are `xlsx.Sheet`s, written out by
the export's own small .xlsx writer (orchestration/export/xlsx.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from orchestration.export.widths import display_width, fit_columns, wider_half
from orchestration.export.xlsx import CellFormat, Font, PageSetup, Sheet

TABLE_FONT = "宋体"
CHINESE_CHARSET = 134  # GB2312: Excel falls back to a Chinese font where 宋体 is missing
FLAGGED_FILL = "FFF2CC"
MIN_COLUMN_WIDTH = 6
FOOTER = "第 &P 页 共 &N 页"
FOOTER_SIZE = 10

# Printed width between the margins, in Excel's column-width units. A unit is the width of a
# digit of the workbook's default font (Calibri 11: 7 px at 96 dpi) and each column adds 5 px of
# padding; A4 is 210 x 297 mm and the margins below are 15 mm each side.
MARGIN_INCHES = 0.6
HEADER_MARGIN_INCHES = 0.5  # no page header is printed; Excel's default
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


class Styles:
    """The cell formats of one workbook, with its body text size."""

    def __init__(self, body_size: float) -> None:
        self.body_size = body_size
        self.title = Font(TABLE_FONT, 16, bold=True, charset=CHINESE_CHARSET)
        self.label = Font(TABLE_FONT, 12, bold=True, charset=CHINESE_CHARSET)
        self.header = Font(TABLE_FONT, body_size, bold=True, charset=CHINESE_CHARSET)
        self.body = Font(TABLE_FONT, body_size, charset=CHINESE_CHARSET)
        # Formats are hashed for the workbook's style table: one object per kind of cell.
        self._table_cells: dict[tuple[bool, bool, bool], CellFormat] = {}

    def line(self, font: Font, *, centered: bool) -> CellFormat:
        """A line of text without a border (a title, a note)."""
        horizontal = "center" if centered else "left"
        return CellFormat(font, horizontal, "center", wrap=True)

    def table_cell(self, *, header: bool, centered: bool, flagged: bool) -> CellFormat:
        """A table cell: border, font, alignment and, for a row to look at, a fill."""
        key = (header, centered, flagged)
        known = self._table_cells.get(key)
        if known is None:
            known = self._table_cells[key] = CellFormat(
                self.header if header else self.body,
                "center" if centered else "left",
                "center",
                wrap=True,
                border=True,
                fill=FLAGGED_FILL if flagged else None,
            )
        return known


class SheetWriter:
    """Writes rows top-down and remembers each column's texts, to size the columns at the end.

    Row heights are set from the lines each row's text wraps to in the final column widths:
    applications do not agree on fitting rows written by a library, and a clipped header or an
    overprinted row is worse than a generous one.
    """

    def __init__(self, sheet: Sheet, styles: Styles, width: int) -> None:
        self.sheet = sheet
        self.styles = styles
        self.width = width
        self.row = 0
        self._units: list[list[float]] = []  # one-line widths of each table row's texts
        # A header may wrap onto two lines rather than widen a column of numbers, not more.
        self._floors = [0.0] * width
        self._table_rows: dict[int, list[str]] = {}
        self._titles: dict[int, tuple[str, float]] = {}  # row -> text, font size

    def title(self, text: str, *, font: Font | None = None, centered: bool = True) -> int:
        """A line of text across the whole table (merged), e.g. the table's title."""
        self.row += 1
        font = font or self.styles.title
        self.sheet.set(self.row, 1, text, self.styles.line(font, centered=centered))
        self.sheet.merge(self.row, 1, self.row, self.width)
        self._titles[self.row] = (text, font.size)
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
            centered = header or index in centered_columns
            cell_format = self.styles.table_cell(header=header, centered=centered, flagged=flagged)
            self.sheet.set(self.row, index + 1, value, cell_format)
        units = [text_units(text, self.styles.body_size) for text in texts]
        self._units.append(units)
        if header:
            halves = [text_units(wider_half(text), self.styles.body_size) for text in texts]
            padded = [*halves, *[0.0] * (self.width - len(halves))]
            self._floors = [max(a, b) for a, b in zip(self._floors, padded, strict=True)]
        return self.row

    def merge(self, first_column: int, last_column: int) -> None:
        """Merge the last row's cells from first_column to last_column (e.g. 合计's label)."""
        self.sheet.merge(self.row, first_column, self.row, last_column)

    def _set_heights(self, widths: list[float]) -> None:
        size = self.styles.body_size
        for row, texts in self._table_rows.items():
            lines = max(
                wrapped_lines(text, size, width) for text, width in zip(texts, widths, strict=False)
            )
            self.sheet.row_heights[row] = round(lines * size * LINE_HEIGHT, 1)
        for row, (text, title_size) in self._titles.items():
            lines = wrapped_lines(text, title_size, sum(widths))
            base = TITLE_HEIGHT if title_size >= self.styles.title.size else LABEL_HEIGHT
            self.sheet.row_heights[row] = max(base, round(lines * title_size * LINE_HEIGHT, 1))

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
        orientation = "landscape" if landscape else "portrait"
        available = page_width_units(orientation, self.width) * PAGE_FILL
        fitted = fit_columns(
            self._units, CELL_SLACK_UNITS, MIN_COLUMN_WIDTH, available, self._floors
        )
        widths = [round(width, 2) for width in fitted]
        self.sheet.column_widths = dict(enumerate(widths, start=1))
        self._set_heights(widths)
        whole = (1, 1, self.row, self.width)
        self.sheet.frozen_at = (header_row + 1, 1)
        if filter_header:
            self.sheet.auto_filter = (header_row, 1, self.row, self.width)
        self.sheet.print_area = whole
        self.sheet.print_title_rows = (title_row, header_row)
        self.sheet.page = PageSetup(
            orientation=orientation,
            # One page wide as a safety net only: the widths above already fit, so nothing
            # shrinks; as many pages tall as needed.
            fit_to_width=True,
            horizontally_centered=True,
            margins=(MARGIN_INCHES,) * 4 + (HEADER_MARGIN_INCHES, MARGIN_INCHES / 2),
            footer=f'&C&"{TABLE_FONT}"&{FOOTER_SIZE} {FOOTER}',
        )

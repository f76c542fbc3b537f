"""What every exported sheet shares: safe cell values, fonts, column widths and print setup.

A sheet is written top-down by a `SheetWriter`, which remembers how wide each column's content is
and, at the end, sizes the columns to fill the printed page's width and sets the page up (A4,
repeated title rows, page numbers in the footer). openpyxl is imported inside the functions: the
code location must load without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from orchestration.export.widths import display_width, fill_widths

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

TABLE_FONT = "宋体"
# Excel would read these leading characters as the start of a formula (or, for tab and CR, as
# a way to smuggle one past a CSV-minded check); text from a clerk's file must stay text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A column wider than this wraps its text instead of pushing the others off the page.
MAX_COLUMN_WIDTH = 48
MIN_COLUMN_WIDTH = 6
FOOTER = "第 &P 页 共 &N 页"

# Printed width between the margins, in Excel's column-width units. A unit is the width of a
# digit of the workbook's default font (Calibri 11: 7 px at 96 dpi) and each column adds 5 px of
# padding; A4 is 210 x 297 mm and the margins below are 15 mm each side.
MARGIN_INCHES = 0.6
PIXELS_PER_UNIT = 7
PADDING_PIXELS = 5
# Slack for rounding in the application that prints, so that fit-to-width never has to shrink.
PAGE_FILL = 0.97


def _printable_pixels(paper_mm: float) -> float:
    return (paper_mm / 25.4 - 2 * MARGIN_INCHES) * 96


PRINTABLE_PIXELS = {"portrait": _printable_pixels(210), "landscape": _printable_pixels(297)}


def page_width_units(orientation: str, columns: int) -> float:
    """How many column-width units fit between the margins of an A4 page."""
    return (PRINTABLE_PIXELS[orientation] - PADDING_PIXELS * columns) / PIXELS_PER_UNIT


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


class SheetWriter:
    """Writes rows top-down and remembers how wide each column's content is."""

    def __init__(self, sheet: Worksheet, styles: Styles, width: int) -> None:
        self.sheet = sheet
        self.styles = styles
        self.width = width
        self.row = 0
        self.widths = [MIN_COLUMN_WIDTH] * width

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
        self.sheet.row_dimensions[self.row].height = 30 if font is None else 20
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
        for index, value in enumerate(values):
            cell = self.sheet.cell(row=self.row, column=index + 1)
            set_value(cell, value)
            cell.border = self.styles.border
            cell.font = self.styles.header if header else self.styles.body
            centered = header or index in centered_columns
            cell.alignment = self.styles.center if centered else self.styles.left
            if flagged:
                cell.fill = self.styles.flagged
            if value is not None and not header:
                self._fit(index, str(value))
            elif value is not None:
                # A long header may wrap onto two lines rather than widen a column of numbers.
                self._fit(index, str(value)[: max(2, (len(str(value)) + 1) // 2)])
        return self.row

    def _fit(self, index: int, text: str) -> None:
        # Sized for the body font: 11 pt text is as wide as the default font's 11 pt digits.
        needed = display_width(text) * self.styles.body_size / 11 + 2
        self.widths[index] = max(self.widths[index], min(needed, MAX_COLUMN_WIDTH))

    def finish(
        self,
        *,
        header_row: int,
        title_rows: str,
        landscape: bool = False,
        filter_header: bool = False,
    ) -> None:
        """Freeze the header, size the columns to the page and set the sheet up for printing."""
        from openpyxl.utils import get_column_letter

        orientation = "landscape" if landscape else "portrait"
        available = page_width_units(orientation, self.width) * PAGE_FILL
        for index, width in enumerate(fill_widths(self.widths, available, MIN_COLUMN_WIDTH)):
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = round(width, 2)
        last = f"{get_column_letter(self.width)}{self.row}"
        self.sheet.freeze_panes = self.sheet.cell(row=header_row + 1, column=1)
        if filter_header:
            self.sheet.auto_filter.ref = f"A{header_row}:{last}"
        self.sheet.print_area = f"A1:{last}"
        self.sheet.print_title_rows = title_rows
        setup = self.sheet.page_setup
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.orientation = orientation
        # One page wide as a safety net only: the widths above already fit, so nothing shrinks.
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages tall as needed
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        margins = self.sheet.page_margins
        margins.left = margins.right = MARGIN_INCHES
        self.sheet.print_options.horizontalCentered = True
        footer = self.sheet.oddFooter.center
        footer.text = FOOTER
        footer.font = TABLE_FONT
        footer.size = 10

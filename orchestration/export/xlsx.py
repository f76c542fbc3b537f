"""A small SpreadsheetML (.xlsx) writer: the parts of the format the export's sheets use.

Why not openpyxl: it builds an object per cell, hashes every style against the workbook's
lists and serialises through lxml; for a county's two workbooks that was ~45 ms of the export's
~75 ms, and at province scale the export dominated the run. The export only ever writes a
grid of values with a handful of cell formats, merged titles, column widths, row heights and
print settings, so it writes that XML itself, in the element order the schema (ECMA-376 part 1,
§18) prescribes. openpyxl still reads spreadsheets (the ingest) and reads these files back in
the tests, which check every property the export sets.

A cell's value is text, a number, a boolean, a date or None (an empty but formatted cell).
Text is always stored as text: text Excel would take for a formula is marked "quote prefix"
rather than left to be evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr
from zipfile import ZIP_DEFLATED, ZipFile

from orchestration.cell_names import column_letter

# Excel would read these leading characters as the start of a formula (or, for tab and CR, as
# a way to smuggle one past a CSV-minded check); text from a clerk's file must stay text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold at all (tab, LF and CR it can).
_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What Excel refuses in a sheet's name.
_INVALID_SHEET_NAME = re.compile(r"[\\*?:/\[\]]")
MAX_SHEET_NAME = 31
DATE_FORMAT = "yyyy-mm-dd"
# Custom number formats are numbered from 164; lower ids are Excel's built-in formats.
FIRST_CUSTOM_NUMBER_FORMAT = 164
_EXCEL_EPOCH = date(1899, 12, 30)
A4 = 9  # paperSize in the OOXML paper-size table

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class UnwritableTextError(ValueError):
    """Text holding a control character, which the .xlsx format cannot store."""


@dataclass(frozen=True)
class Font:
    name: str
    size: float
    bold: bool = False
    charset: int | None = None  # 134: GB2312, so that Excel picks a Chinese font if 宋体 is absent


@dataclass(frozen=True)
class CellFormat:
    """How a cell looks; equal formats share one entry of the workbook's style table."""

    font: Font | None = None  # None: the workbook's default font
    horizontal: str | None = None  # "left", "center", …
    vertical: str | None = None
    wrap: bool = False
    border: bool = False  # a thin line on all four sides
    fill: str | None = None  # solid background, "RRGGBB"
    number_format: str | None = None
    quote_prefix: bool = False


DEFAULT_FORMAT = CellFormat()


@dataclass
class PageSetup:
    """How the sheet prints: paper, orientation, one page wide, margins in inches, footer."""

    orientation: str = "portrait"
    fit_to_width: bool = True
    horizontally_centered: bool = True
    margins: tuple[float, float, float, float, float, float] | None = None  # l r t b header footer
    footer: str | None = None  # Excel's header/footer codes, e.g. '&C&"宋体"&10 第 &P 页'


@dataclass
class Sheet:
    """One worksheet, filled cell by cell (row and column numbers from 1)."""

    name: str
    cells: dict[int, dict[int, tuple[Any, CellFormat]]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    frozen_at: tuple[int, int] | None = None  # the first row and column that scroll
    auto_filter: tuple[int, int, int, int] | None = None
    print_area: tuple[int, int, int, int] | None = None
    print_title_rows: tuple[int, int] | None = None
    page: PageSetup = field(default_factory=PageSetup)

    def set(self, row: int, column: int, value: Any, cell_format: CellFormat) -> None:
        """Store a value (None: an empty cell that keeps its format, e.g. its border)."""
        if isinstance(value, str):
            if _ILLEGAL_CHARACTERS.search(value):
                raise UnwritableTextError(
                    f"“{value!r}”含有Excel无法保存的控制字符，请在原表格中删除后重新导入。"
                    f" / {value!r} contains a control character Excel cannot store:"
                    " remove it in the source spreadsheet and ingest again."
                )
            if value.startswith(FORMULA_TRIGGERS):
                cell_format = replace(cell_format, quote_prefix=True)
        elif isinstance(value, date) and not cell_format.number_format:
            cell_format = replace(cell_format, number_format=DATE_FORMAT)
        self.cells.setdefault(row, {})[column] = (value, cell_format)

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        """Merge a range; its other cells take the first cell's format, so a border runs round
        the whole range as Excel draws it."""
        self.merged.append((first_row, first_column, last_row, last_column))
        _, cell_format = self.cells.get(first_row, {}).get(first_column, (None, None))
        if cell_format is None or not cell_format.border:
            return
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                if (row, column) != (first_row, first_column):
                    self.cells.setdefault(row, {})[column] = (None, cell_format)

    def extent(self) -> tuple[int, int]:
        """The last row and column holding a cell."""
        if not self.cells:
            return 1, 1
        return max(self.cells), max(max(columns) for columns in self.cells.values())


class Workbook:
    """Sheets in order, saved as one .xlsx package."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []

    def create_sheet(self, name: str) -> Sheet:
        if _INVALID_SHEET_NAME.search(name) or not name or len(name) > MAX_SHEET_NAME:
            raise ValueError(
                f"工作表名称“{name}”无效：不能为空，不超过{MAX_SHEET_NAME}个字符，"
                r"不能含有 \ * ? : / [ ]。"
                f" / Invalid sheet name {name!r}: 1 to {MAX_SHEET_NAME} characters,"
                r" none of \ * ? : / [ ]."
            )
        if any(sheet.name.casefold() == name.casefold() for sheet in self.sheets):
            raise ValueError(f"工作表名称“{name}”重复。 / Duplicate sheet name {name!r}.")
        sheet = Sheet(name)
        self.sheets.append(sheet)
        return sheet

    def save(self, path: Path) -> None:
        styles = _StyleTable()
        sheet_parts = [_sheet_xml(sheet, styles) for sheet in self.sheets]
        now = datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with ZipFile(path, "w", ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", _content_types(len(self.sheets)))
            archive.writestr("_rels/.rels", _PACKAGE_RELS)
            archive.writestr("docProps/core.xml", _core_properties(now))
            archive.writestr("docProps/app.xml", _APP_PROPERTIES)
            archive.writestr("xl/workbook.xml", _workbook_xml(self.sheets))
            archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(self.sheets)))
            archive.writestr("xl/styles.xml", styles.xml())
            for number, part in enumerate(sheet_parts, start=1):
                archive.writestr(f"xl/worksheets/sheet{number}.xml", part)


def _ref(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


def _range(area: tuple[int, int, int, int], absolute: bool = False) -> str:
    first_row, first_column, last_row, last_column = area
    if absolute:
        return (
            f"${column_letter(first_column)}${first_row}:${column_letter(last_column)}${last_row}"
        )
    return f"{_ref(first_row, first_column)}:{_ref(last_row, last_column)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _text(value: str) -> str:
    # A CR would come back as LF from any XML parser unless written as a character reference.
    escaped = escape(value).replace("\r", "&#13;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{escaped}</t>'
    return f"<t>{escaped}</t>"


def _cell_xml(ref: str, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr"><is>{_text(value)}</is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        serial = (value - datetime(1899, 12, 30, tzinfo=value.tzinfo)).total_seconds() / 86400
        return f'<c r="{ref}"{s}><v>{_number(serial)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{s}><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'


def _sheet_view(frozen_at: tuple[int, int] | None) -> str:
    if frozen_at is None or frozen_at == (1, 1):
        return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    row, column = frozen_at
    top_left = _ref(row, column)
    splits = (f' xSplit="{column - 1}"' if column > 1 else "") + (
        f' ySplit="{row - 1}"' if row > 1 else ""
    )
    if row > 1 and column > 1:
        active = "bottomRight"
        selections = '<selection pane="topRight"/><selection pane="bottomLeft"/>'
    else:
        active = "bottomLeft" if row > 1 else "topRight"
        selections = ""
    return (
        f'<sheetViews><sheetView workbookViewId="0"><pane{splits} topLeftCell="{top_left}"'
        f' activePane="{active}" state="frozen"/>{selections}'
        f'<selection pane="{active}" activeCell="{top_left}" sqref="{top_left}"/>'
        "</sheetView></sheetViews>"
    )


def _rows_xml(sheet: Sheet, styles: _StyleTable) -> Iterator[str]:
    for row in sorted(sheet.cells.keys() | sheet.row_heights.keys()):
        height = sheet.row_heights.get(row)
        attributes = f' ht="{_number(height)}" customHeight="1"' if height is not None else ""
        cells = sheet.cells.get(row, {})
        yield f'<row r="{row}"{attributes}>'
        for column in sorted(cells):
            value, cell_format = cells[column]
            yield _cell_xml(_ref(row, column), value, styles.index(cell_format))
        yield "</row>"


def _sheet_xml(sheet: Sheet, styles: _StyleTable) -> str:
    page = sheet.page
    last_row, last_column = sheet.extent()
    parts = [
        _XML,
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if page.fit_to_width else "",
        f'<dimension ref="{_range((1, 1, last_row, last_column))}"/>',
        _sheet_view(sheet.frozen_at),
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>',
    ]
    if sheet.column_widths:
        parts.append("<cols>")
        parts += [
            f'<col min="{column}" max="{column}" width="{_number(width)}" customWidth="1"/>'
            for column, width in sorted(sheet.column_widths.items())
        ]
        parts.append("</cols>")
    parts.append("<sheetData>")
    parts += _rows_xml(sheet, styles)
    parts.append("</sheetData>")
    if sheet.auto_filter:
        parts.append(f'<autoFilter ref="{_range(sheet.auto_filter)}"/>')
    if sheet.merged:
        parts.append(f'<mergeCells count="{len(sheet.merged)}">')
        parts += [f'<mergeCell ref="{_range(area)}"/>' for area in sheet.merged]
        parts.append("</mergeCells>")
    if page.horizontally_centered:
        parts.append('<printOptions horizontalCentered="1"/>')
    if page.margins:
        left, right, top, bottom, header, footer = (_number(m) for m in page.margins)
        parts.append(
            f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}"'
            f' header="{header}" footer="{footer}"/>'
        )
    fit = ' fitToWidth="1" fitToHeight="0"' if page.fit_to_width else ""
    parts.append(f'<pageSetup paperSize="{A4}" orientation="{page.orientation}"{fit}/>')
    if page.footer:
        parts.append(f"<headerFooter><oddFooter>{escape(page.footer)}</oddFooter></headerFooter>")
    parts.append("</worksheet>")
    return "".join(parts)


class _StyleTable:
    """The workbook's fonts, fills, borders and cell formats, numbered in order of first use."""

    def __init__(self) -> None:
        self._formats: dict[CellFormat, int] = {DEFAULT_FORMAT: 0}
        self._fonts: dict[Font | None, int] = {None: 0}
        self._fills: dict[str | None, int] = {None: 0}  # 1 is Excel's reserved gray125
        self._number_formats: dict[str, int] = {}

    def index(self, cell_format: CellFormat) -> int:
        known = self._formats.get(cell_format)
        if known is None:
            known = self._formats[cell_format] = len(self._formats)
            self._fonts.setdefault(cell_format.font, len(self._fonts))
            if cell_format.fill is not None:
                self._fills.setdefault(cell_format.fill, len(self._fills) + 1)
            if cell_format.number_format is not None:
                self._number_formats.setdefault(
                    cell_format.number_format,
                    FIRST_CUSTOM_NUMBER_FORMAT + len(self._number_formats),
                )
        return known

    def xml(self) -> str:
        number_formats = "".join(
            f"<numFmt numFmtId={quoteattr(str(number))} formatCode={quoteattr(code)}/>"
            for code, number in self._number_formats.items()
        )
        fonts = "".join(_font_xml(font) for font in self._fonts)
        fills = '<fill><patternFill patternType="none"/></fill>' + (
            '<fill><patternFill patternType="gray125"/></fill>'
        )
        fills += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            f'<bgColor rgb="FF{rgb}"/></patternFill></fill>'
            for rgb in list(self._fills)[1:]
        )
        if number_formats:
            number_formats = (
                f'<numFmts count="{len(self._number_formats)}">{number_formats}</numFmts>'
            )
        formats = "".join(self._xf_xml(cell_format) for cell_format in self._formats)
        return (
            f'{_XML}<styleSheet xmlns="{_MAIN}">{number_formats}'
            f'<fonts count="{len(self._fonts)}">{fonts}</fonts>'
            f'<fills count="{len(self._fills) + 1}">{fills}</fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '<border><left style="thin"/><right style="thin"/><top style="thin"/>'
            '<bottom style="thin"/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(self._formats)}">{formats}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    def _xf_xml(self, cell_format: CellFormat) -> str:
        number = self._number_formats.get(cell_format.number_format or "", 0)
        font = self._fonts[cell_format.font]
        fill = self._fills[cell_format.fill] if cell_format.fill else 0
        border = 1 if cell_format.border else 0
        applied = "".join(
            f' apply{name}="1"'
            for name, used in (
                ("NumberFormat", number),
                ("Font", font),
                ("Fill", fill),
                ("Border", border),
                ("Alignment", _has_alignment(cell_format)),
            )
            if used
        )
        quote = ' quotePrefix="1"' if cell_format.quote_prefix else ""
        head = (
            f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}"'
            f' xfId="0"{applied}{quote}'
        )
        if not _has_alignment(cell_format):
            return f"{head}/>"
        alignment = "".join(
            f' {name}="{value}"'
            for name, value in (
                ("horizontal", cell_format.horizontal),
                ("vertical", cell_format.vertical),
                ("wrapText", "1" if cell_format.wrap else None),
            )
            if value
        )
        return f"{head}><alignment{alignment}/></xf>"


def _has_alignment(cell_format: CellFormat) -> bool:
    return bool(cell_format.horizontal or cell_format.vertical or cell_format.wrap)


def _font_xml(font: Font | None) -> str:
    if font is None:  # Excel's default: Calibri 11, the font column widths are measured in
        return '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    bold = "<b/>" if font.bold else ""
    charset = f'<charset val="{font.charset}"/>' if font.charset is not None else ""
    size, name = quoteattr(_number(font.size)), quoteattr(font.name)
    return f"<font>{bold}<sz val={size}/><name val={name}/>{charset}</font>"


def _content_types(sheets: int) -> str:
    spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    worksheet = f"{spreadsheet}.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{worksheet}"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels"'
        ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{spreadsheet}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{spreadsheet}.styles+xml"/>'
        '<Override PartName="/docProps/core.xml"'
        ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )


_PACKAGE_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE_RELATIONSHIPS}/metadata/core-properties"'
    ' Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/extended-properties"'
    ' Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP_PROPERTIES = (
    f"{_XML}<Properties"
    ' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>gongkai</Application></Properties>"
)


def _core_properties(now: str) -> str:
    return (
        f"{_XML}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>gongkai</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook_xml(sheets: list[Sheet]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, sheet in enumerate(sheets, start=1)
    )
    names = "".join(_defined_names(index, sheet) for index, sheet in enumerate(sheets))
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        f"<bookViews><workbookView/></bookViews><sheets>{entries}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _defined_names(index: int, sheet: Sheet) -> str:
    """The filter's range, the rows printed atop every page and the print area, as Excel
    names them for the sheet."""
    quoted = "'" + sheet.name.replace("'", "''") + "'"
    names = []
    if sheet.auto_filter:
        names.append(("_xlnm._FilterDatabase", _range(sheet.auto_filter, absolute=True), True))
    if sheet.print_title_rows:
        first, last = sheet.print_title_rows
        names.append(("_xlnm.Print_Titles", f"${first}:${last}", False))
    if sheet.print_area:
        names.append(("_xlnm.Print_Area", _range(sheet.print_area, absolute=True), False))
    hidden_attribute = ' hidden="1"'
    return "".join(
        f'<definedName name="{name}" localSheetId="{index}"{hidden_attribute if hidden else ""}>'
        f"{escape(quoted)}!{reference}</definedName>"
        for name, reference, hidden in names
    )


def _workbook_rels(sheets: int) -> str:
    worksheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet"'
        f' Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{worksheets}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )

"""Write annex and assessment workbooks the way county clerks lay them out.

Used to rebuild the bundled sample quarter, by tests that need differently laid out copies, and
by the benchmark's synthetic landing folders. Layout knobs cover what varies between clerks.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HEADER_KEYS = ("row_number", "column_name", "item_count", "unit_name", "note")
DEFAULT_HEADERS = {
    "row_number": "序号",
    "column_name": "栏目",
    "item_count": "一季度公开数量",
    "unit_name": "责任单位",
    "note": "备注",
}
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})


@dataclass(frozen=True)
class AnnexRow:
    row_number: int | None
    column_name: str
    item_count: int | str
    unit_name: str
    note: str = ""


@dataclass(frozen=True)
class Layout:
    """How one clerk lays out an annex table."""

    headers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HEADERS))
    column_order: Sequence[str] = HEADER_KEYS
    title_rows: int = 1  # merged title rows above the header
    blank_rows_before_header: int = 0
    full_width_brackets: bool = False
    numbers_as_text: bool = False
    total_label: str = "合计"
    sheet_name: str = "Sheet1"
    leading_blank_columns: int = 0
    merge_unit_cells: bool = False  # merge consecutive equal 责任单位 cells vertically


def _cell_value(key: str, row: AnnexRow, layout: Layout) -> object:
    value = getattr(row, key)
    if key == "column_name" and layout.full_width_brackets:
        value = str(value).translate(_FULL_WIDTH)
    if key in ("item_count", "row_number") and layout.numbers_as_text and value is not None:
        value = str(value)
    return "" if value is None else value


def annex_table(
    title: str, rows: Sequence[AnnexRow], declared_total: int | str | None, layout: Layout
) -> list[list[object]]:
    """The sheet as a grid of values (title rows, header, data, 合计)."""
    width = len(layout.column_order)
    pad = [""] * layout.leading_blank_columns
    grid: list[list[object]] = []
    for index in range(layout.title_rows):
        grid.append(
            pad + [title if index == layout.title_rows - 1 else "附件"] + [""] * (width - 1)
        )
    grid.extend([pad + [""] * width for _ in range(layout.blank_rows_before_header)])
    grid.append(pad + [layout.headers[key] for key in layout.column_order])
    for row in rows:
        grid.append(pad + [_cell_value(key, row, layout) for key in layout.column_order])
    if declared_total is not None:
        total_row: list[object] = [""] * width
        label_at = (
            layout.column_order.index("row_number") if "row_number" in layout.column_order else 0
        )
        total_row[label_at] = layout.total_label
        total = str(declared_total) if layout.numbers_as_text else declared_total
        total_row[layout.column_order.index("item_count")] = total
        grid.append(pad + total_row)
    return grid


def _style_sheet(sheet, grid: list[list[object]], layout: Layout) -> None:  # type: ignore[no-untyped-def]
    thin = Side(style="thin")
    first_col = layout.leading_blank_columns + 1
    last_col = layout.leading_blank_columns + len(layout.column_order)
    for index in range(layout.title_rows):
        sheet.merge_cells(
            start_row=index + 1, start_column=first_col, end_row=index + 1, end_column=last_col
        )
        cell = sheet.cell(row=index + 1, column=first_col)
        cell.font = Font(name="宋体", size=14, bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    header_row = layout.title_rows + layout.blank_rows_before_header + 1
    for row in sheet.iter_rows(min_row=header_row, max_row=len(grid)):
        for cell in row[first_col - 1 : last_col]:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def _merge_unit_cells(sheet, grid: list[list[object]], layout: Layout) -> None:  # type: ignore[no-untyped-def]
    column = layout.leading_blank_columns + layout.column_order.index("unit_name") + 1
    first_data = layout.title_rows + layout.blank_rows_before_header + 2
    start = first_data
    for excel_row in range(first_data + 1, len(grid) + 2):
        previous = sheet.cell(row=excel_row - 1, column=column).value
        current = sheet.cell(row=excel_row, column=column).value if excel_row <= len(grid) else None
        if current != previous or not previous:
            if excel_row - 1 > start:
                sheet.merge_cells(
                    start_row=start, start_column=column, end_row=excel_row - 1, end_column=column
                )
            start = excel_row


def _annex_writer(write: Callable[..., None]) -> Callable[..., Path]:
    """An annex writer of one file format from the function that saves the laid-out grid there.

    Every format takes the table the same way, `(path, title, rows, declared_total, layout=None)`,
    then its own options; it makes the file's folder and returns the path.
    """

    @functools.wraps(write)
    def writer(
        path: Path,
        title: str,
        rows: Sequence[AnnexRow],
        declared_total: int | str | None,
        layout: Layout | None = None,
        *options: object,
        **named_options: object,
    ) -> Path:
        layout = layout or Layout()
        grid = annex_table(title, rows, declared_total, layout)
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, grid, layout, *options, **named_options)
        return path

    return writer


@_annex_writer
def write_annex_xlsx(path: Path, grid: list[list[object]], layout: Layout) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.sheet_name
    for values in grid:
        sheet.append(values)
    _style_sheet(sheet, grid, layout)
    if layout.merge_unit_cells:
        _merge_unit_cells(sheet, grid, layout)
    workbook.save(path)


@_annex_writer
def write_annex_csv(
    path: Path, grid: list[list[object]], layout: Layout, encoding: str = "gb18030"
) -> None:
    """A .csv as Chinese Excel / WPS saves it (GB18030 by default, or 'utf-8-sig')."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(grid)


@_annex_writer
def write_annex_xls(path: Path, grid: list[list[object]], layout: Layout) -> None:
    """A legacy .xls (Excel 97-2003, as WPS and older Excel save it), title row merged."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet(layout.sheet_name)
    width = len(layout.column_order)
    for row_index, values in enumerate(grid):
        if row_index < layout.title_rows:
            sheet.write_merge(row_index, row_index, 0, width - 1, values[0])
            continue
        for column_index, value in enumerate(values):
            sheet.write(row_index, column_index, value)
    workbook.save(str(path))


ASSESSMENT_HEADERS = ("序号", "单位", "核查分档", "理由")


def write_assessment_xlsx(path: Path, title: str, entries: Sequence[tuple[str, str, str]]) -> Path:
    """A reviewer's assessment sheet: one row per (unit as written, tier, reason), in list order."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "核查意见"
    sheet.append([title, "", "", ""])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    sheet.append(list(ASSESSMENT_HEADERS))
    for number, (unit, tier, reason) in enumerate(entries, start=1):
        sheet.append([number, unit, tier, reason])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def rewrite_part(path: Path, member: str, transform: Callable[[bytes], bytes]) -> Path:
    """Rewrite one part of an xlsx in place: files no spreadsheet program writes, but a damaged
    or hostile one can (a dimension that lies, padding that inflates)."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[member] = transform(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_xlsx_with_long_text(
    path: Path, grid: Sequence[Sequence[object]], cell: tuple[int, int], characters: int
) -> Path:
    """A minimal xlsx of `grid` (strings shared, numbers inline) whose 0-based `cell` holds a
    shared string of `characters` characters. The string is streamed into the zip in 1 MB
    pieces, so a 300 MB note costs the test a few MB of memory and ~300 KB of disk."""
    import zipfile
    from xml.sax.saxutils import escape

    strings = [
        value
        for row_index, values in enumerate(grid)
        for column_index, value in enumerate(values)
        if isinstance(value, str) and value and (row_index, column_index) != cell
    ]
    long_index = len(strings)  # the long string goes last in the table of shared strings
    next_index = iter(range(long_index))
    rows_xml = []
    for row_index, values in enumerate(grid):
        cells = []
        for column_index, value in enumerate(values):
            ref = f"{get_column_letter(column_index + 1)}{row_index + 1}"
            if (row_index, column_index) == cell:
                cells.append(f'<c r="{ref}" t="s"><v>{long_index}</v></c>')
            elif isinstance(value, str) and value:
                cells.append(f'<c r="{ref}" t="s"><v>{next(next_index)}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        rows_xml.append(f'<row r="{row_index + 1}">{"".join(cells)}</row>')
    sheet = "".join(rows_xml)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
            f'{_XLSX_TYPES}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{_XLSX_TYPES}.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            f'.xml" ContentType="{_XLSX_TYPES}.sharedStrings+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_XLSX_RELS}">'
            f'<Relationship Id="rId1" Type="{_XLSX_DOC}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_XLSX_MAIN}" '
            f'xmlns:r="{_XLSX_DOC}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_XLSX_RELS}">'
            f'<Relationship Id="rId1" Type="{_XLSX_DOC}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_XLSX_DOC}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_XLSX_MAIN}">'
            f"<sheetData>{sheet}</sheetData></worksheet>",
        )
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_XLSX_MAIN}" '
                f'count="{len(strings) + 1}" uniqueCount="{len(strings) + 1}">'.encode()
            )
            for text in strings:
                shared.write(f"<si><t>{escape(text)}</t></si>".encode())
            shared.write(b"<si><t>")
            piece = b"x" * (1024 * 1024)
            for _ in range(characters // len(piece)):
                shared.write(piece)
            shared.write(b"x" * (characters % len(piece)))
            shared.write(b"</t></si></sst>")
    return path


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)
_EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def _ods_cell(value: object) -> str:
    from xml.sax.saxutils import escape

    if isinstance(value, str) and value in _EXCEL_ERRORS:
        # As LibreOffice saves a formula that fails: a float 0 marked as an error.
        return (
            '<table:table-cell table:formula="of:=1/0" office:value-type="float" '
            f'office:value="0" calcext:value-type="error"><text:p>{value}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if value in (None, ""):
        return "<table:table-cell/>"
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


@_annex_writer
def write_annex_ods(
    path: Path,
    grid: list[list[object]],
    layout: Layout,
    hidden_rows: Sequence[int] = (),
    repeated_last_row: int = 1,
) -> None:
    """An OpenDocument spreadsheet as LibreOffice saves it (content.xml only, no styles).

    `hidden_rows` (1-based) are collapsed; the last row (合计) is repeated `repeated_last_row`
    times, the way one element of content.xml can stand for many rows."""
    import zipfile

    rows_xml = []
    for number, values in enumerate(grid, start=1):
        attributes = ' table:visibility="collapse"' if number in hidden_rows else ""
        if number == len(grid) and repeated_last_row > 1:
            attributes += f' table:number-rows-repeated="{repeated_last_row}"'
        cells = "".join(_ods_cell(value) for value in values)
        rows_xml.append(f"<table:table-row{attributes}>{cells}</table:table-row>")
    sheet_name = layout.sheet_name
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="{sheet_name}">{"".join(rows_xml)}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)

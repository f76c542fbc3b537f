"""Read a spreadsheet file into grids of cell values, one per sheet, within `InputLimits`.

.xlsx/.xlsm/.xls/.ods go through calamine (fast, reads merged ranges); .csv is decoded as Chinese
Excel and WPS save it: UTF-8 (with or without BOM) or GB18030. Sizes are checked before anything
is allocated in proportion to them: the file's size first, then (for zip packages) each sheet's
extent and text lengths by `package_scan`, and (for .xls and .csv) each sheet as it is read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.errors import Problem, UnreadableFile, damaged_file
from orchestration.ingest.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    beyond_extent,
    cell_beyond_extent,
    cell_name,
    file_too_large,
    text_too_long,
)
from orchestration.ingest.package_scan import SheetMarks, is_zip_package, scan_package
from orchestration.ingest.text import CellError

__all__ = ["UnreadableFile"]  # re-exported: callers catch it from here

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv"}
READABLE_SUFFIXES = WORKBOOK_SUFFIXES | CSV_SUFFIXES
CSV_SHEET_NAME = "CSV"


@dataclass(frozen=True)
class Grid:
    """One sheet's values; rows[i][j] is Excel row i+1, column j+1."""

    sheet: str
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]]  # (first_row, first_col, last_row, last_col), 0-based
    hidden_rows: frozenset[int] = frozenset()  # 0-based; known for .xlsx/.xlsm
    hidden_columns: frozenset[int] = frozenset()

    def merged_value(self, row: int, col: int) -> object:
        """The value shown in a cell that a merged range covers (its top-left cell's value)."""
        for first_row, first_col, last_row, last_col in self.merged:
            if first_row <= row <= last_row and first_col <= col <= last_col:
                return self.rows[first_row][first_col]
        return None


def is_spreadsheet(path: Path) -> bool:
    """Files a clerk's folder may hold that are annexes; Office lock files (~$...) are not."""
    return (
        path.is_file()
        and path.suffix.lower() in READABLE_SUFFIXES
        and not path.name.startswith(("~$", ".", "~"))
    )


def read_file_bytes(path: Path, limits: InputLimits) -> bytes:
    """The file's bytes, but never more than one byte past the limit: a 2 GB file that landed by
    mistake costs 20 MB to refuse, not 2 GB."""
    with path.open("rb") as handle:
        return handle.read(limits.max_file_bytes + 1)


def read_grids(path: Path, content: bytes, limits: InputLimits = DEFAULT_LIMITS) -> list[Grid]:
    """All sheets of the file; raises UnreadableFile with a Problem for an unreadable file."""
    if not content:
        raise UnreadableFile(
            Problem(path.name, "文件是空的（0 字节）。", "the file is empty (0 bytes).")
        )
    if len(content) > limits.max_file_bytes:
        size = path.stat().st_size if path.is_file() else len(content)
        raise UnreadableFile(file_too_large(path.name, size, limits))
    if path.suffix.lower() in CSV_SUFFIXES:
        return [_read_csv(path, content, limits)]
    return _read_workbook(path, content, limits)


def _read_workbook(path: Path, content: bytes, limits: InputLimits) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    marks = scan_package(path.name, content, limits) if is_zip_package(content) else {}
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        grids = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            # Zip packages were bounded before this; a .xls is bounded here, by its own format
            # (65,536 x 256 at most) until calamine has placed its cells, and by the limits
            # before they become Python objects.
            _check_extent(path.name, name, sheet.start, sheet.end, limits)
            rows = sheet.to_python(skip_empty_area=False)
            _check_text_lengths(path.name, name, rows, limits)
            merged = [
                (first[0], first[1], last[0], last[1])
                for first, last in (sheet.merged_cell_ranges or [])
            ]
            grids.append(_grid(name, rows, merged, marks.get(name)))
        return grids
    except UnreadableFile:
        raise
    except Exception as error:  # calamine raises several types for damaged or disguised files
        raise UnreadableFile(damaged_file(path.name, error)) from error


def _grid(
    name: str,
    rows: list[list[object]],
    merged: list[tuple[int, int, int, int]],
    marks: SheetMarks | None,
) -> Grid:
    """The sheet with what the scan saw and calamine does not report put back in."""
    if marks is None:
        return Grid(name, rows, merged)
    for (row, column), code in marks.errors.items():
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = CellError(code)
    return Grid(name, rows, merged, frozenset(marks.hidden_rows), frozenset(marks.hidden_columns))


def _check_extent(
    file: str,
    sheet: str,
    start: tuple[int, int] | None,
    end: tuple[int, int] | None,
    limits: InputLimits,
) -> None:
    if start is None or end is None:
        return  # an empty sheet
    rows, columns = end[0] + 1, end[1] + 1
    if rows > limits.max_rows or columns > limits.max_columns:
        cells = f"{cell_name(*start)}:{cell_name(*end)}"
        raise UnreadableFile(
            beyond_extent(
                file,
                sheet,
                f"工作表的内容范围 {cells}（{rows} 行 × {columns} 列）",
                f"the sheet's content {cells} ({rows} rows x {columns} columns) is",
                (rows, columns),
                limits,
            )
        )


def _check_text_lengths(
    file: str, sheet: str, rows: list[list[object]], limits: InputLimits
) -> None:
    for row_index, cells in enumerate(rows):
        for column_index, value in enumerate(cells):
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise UnreadableFile(text_too_long(file, sheet, row_index, column_index, limits))


def _decode_csv(path: Path, content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        Problem(
            path.name,
            "无法识别 CSV 文件的编码（应为 UTF-8 或 GBK/GB18030）。",
            "cannot decode the CSV (expected UTF-8 or GBK/GB18030).",
        )
    )


def _read_csv(path: Path, content: bytes, limits: InputLimits) -> Grid:
    """Row by row: each record is checked as it is read and blank records past the limit are
    not kept, so the grid never outgrows the limits."""
    text = _decode_csv(path, content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    row_index = 0  # of the record being read
    try:
        for record in reader:
            _check_csv_record(path.name, row_index, record, limits)
            if row_index < limits.max_rows:
                rows.append(list(record))
            row_index += 1
    except csv.Error as error:  # the csv module's own field limit (131,072) is far past ours
        raise UnreadableFile(
            text_too_long(path.name, CSV_SHEET_NAME, row_index, None, limits)
            if "field larger than field limit" in str(error)
            else Problem(
                path.name,
                f"CSV 文件第{row_index + 1}行无法解析（{error}）。",
                f"the CSV cannot be parsed at row {row_index + 1} ({error}).",
                CSV_SHEET_NAME,
                row_index + 1,
            )
        ) from error
    return Grid(CSV_SHEET_NAME, rows, [])


def _check_csv_record(file: str, row: int, record: list[str], limits: InputLimits) -> None:
    used = [column for column, value in enumerate(record) if value.strip()]
    if not used:
        return
    if row >= limits.max_rows or used[-1] >= limits.max_columns:
        raise UnreadableFile(cell_beyond_extent(file, CSV_SHEET_NAME, row, used[-1], limits))
    for column in used:
        if len(record[column]) > limits.max_cell_chars:
            raise UnreadableFile(text_too_long(file, CSV_SHEET_NAME, row, column, limits))

"""Read a spreadsheet file into grids of cell values, one per sheet.

.xlsx/.xlsm/.xls/.ods go through calamine (fast, reads merged ranges); .csv is decoded as Chinese
Excel and WPS save it: UTF-8 (with or without BOM) or GB18030.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.errors import Problem

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


def read_grids(path: Path, content: bytes) -> list[Grid]:
    """All sheets of the file; raises ValueError with a Problem for an unreadable file."""
    if not content:
        raise UnreadableFile(
            Problem(path.name, "文件是空的（0 字节）。", "the file is empty (0 bytes).")
        )
    if path.suffix.lower() in CSV_SUFFIXES:
        return [_read_csv(path, content)]
    return _read_workbook(path, content)


class UnreadableFile(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def _read_workbook(path: Path, content: bytes) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        grids = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            merged = [
                (first[0], first[1], last[0], last[1])
                for first, last in (sheet.merged_cell_ranges or [])
            ]
            grids.append(Grid(name, sheet.to_python(skip_empty_area=False), merged))
        return grids
    except Exception as error:  # calamine raises several types for damaged or disguised files
        raise UnreadableFile(
            Problem(
                path.name,
                f"无法读取：文件已损坏，或不是 {path.suffix} 格式的表格（{type(error).__name__}）。"
                "请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
                f"cannot be read: damaged, or not a {path.suffix} spreadsheet ({error}). "
                "Open it in Excel or WPS and save it as .xlsx.",
            )
        ) from error


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


def _read_csv(path: Path, content: bytes) -> Grid:
    text = _decode_csv(path, content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    return Grid(CSV_SHEET_NAME, rows, [])

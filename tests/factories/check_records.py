"""Write check records (核查记录) the way a clerk keeps them while checking the portal."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook

CHECK_RECORD_HEADER = ("序号", "单位", "栏目", "栏目地址", "最后更新日期", "备注")


@dataclass(frozen=True)
class CheckRow:
    unit: str
    column: str
    last_update: object  # a date, a serial number, a text as typed, or None (空栏目)
    address: str = ""
    note: str = ""


def check_record_grid(
    rows: Sequence[CheckRow], title: str = "政府信息公开栏目核查记录", check_date: object = None
) -> list[list[object]]:
    """Title row, an optional 核查日期 row above the header, the header, one row per column."""
    grid: list[list[object]] = [[title, "", "", "", "", ""]]
    if check_date is not None:
        grid.append(["核查日期", check_date, "", "", "", ""])
    grid.append(list(CHECK_RECORD_HEADER))
    for number, row in enumerate(rows, start=1):
        grid.append([number, row.unit, row.column, row.address, row.last_update, row.note])
    return grid


def write_check_record_xlsx(
    path: Path,
    rows: Sequence[CheckRow],
    check_date: object = None,
    date_format: str = "yyyy-mm-dd",
) -> Path:
    """Real dates become Excel dates (shown with date_format); everything else as given."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "核查记录"
    for values in check_record_grid(rows, check_date=check_date):
        sheet.append(values)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = date_format
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_check_record_csv(
    path: Path, rows: Sequence[CheckRow], check_date: object = None, encoding: str = "gb18030"
) -> Path:
    grid = check_record_grid(rows, check_date=check_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows([["" if v is None else str(v) for v in row] for row in grid])
    return path

"""Parse a check record (核查记录): one row per unit and column as seen on the portal.

Header: 单位 | 栏目 | 最后更新日期, optionally 地址 (the column's URL), 备注 and 核查日期. An empty
最后更新日期 means the column has never had an item (空栏目). The check date comes from the sheet
(a 核查日期 column, or a 核查日期 cell above the header), else from a date in the file name, else it
is the last day of the quarter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from orchestration.ingest.dates import (
    ACCEPTED_FORMS_EN,
    ACCEPTED_FORMS_ZH,
    FROM_SHEET,
    CheckDate,
    NotADate,
    check_date_fallback,
    parse_date,
)
from orchestration.ingest.errors import Problem
from orchestration.ingest.headers import Header, filled_rows, find_header
from orchestration.ingest.sheets import Grid
from orchestration.ingest.text import as_written, is_blank, normalise
from orchestration.quarters import Quarter

# Checked in this order: 栏目地址 is an address, not a column name;
# 最后更新日期 is not a check date.
CHECK_RECORD_ROLES: dict[str, re.Pattern[str]] = {
    "row_number": re.compile(r"^(序号|编号|序|no\.?)$", re.IGNORECASE),
    "last_update": re.compile(r"(最后更新|最近更新|更新日期|更新时间|发布日期|最新日期)"),
    "check_date": re.compile(r"(核查日期|检查日期|核查时间|检查时间)"),
    "address": re.compile(r"(地址|网址|链接|url)", re.IGNORECASE),
    "column_name": re.compile(r"栏目"),
    "unit_name": re.compile(r"(单位|部门)"),
    "note": re.compile(r"(备注|说明)"),
}
CHECK_RECORD_REQUIRED = ("unit_name", "column_name", "last_update")
_CHECK_DATE_LABEL = re.compile(r"(核查日期|检查日期|核查时间|检查时间)[:：]?")


@dataclass(frozen=True)
class CheckRecordLine:
    source_row: int  # 1-based, as Excel numbers rows
    unit_name_raw: str
    column_name_raw: str
    column_name: str
    address: str  # '' when the record gives none
    last_update: date | None  # None: the column has never had an item (空栏目)
    last_update_raw: str
    note: str
    check_date: CheckDate


def find_check_record_header(grid: Grid) -> Header | None:
    header, _ = find_header(grid.rows, CHECK_RECORD_ROLES, CHECK_RECORD_REQUIRED)
    return header


def _date_problem(file: str, sheet: str, row: int, label: str, written: str) -> Problem:
    return Problem(
        file,
        f"{label}“{written}”不是可识别的日期，应写成 {ACCEPTED_FORMS_ZH}。",
        f"{label} {written!r} is not a date: write it as {ACCEPTED_FORMS_EN}.",
        sheet,
        row,
    )


def _sheet_check_date(
    file: str, grid: Grid, header: Header, problems: list[Problem]
) -> date | None:
    """A 核查日期 cell above the header: '核查日期：2023年6月26日', or label and date apart."""
    for row_index, cells in enumerate(grid.rows[: header.row]):
        for col_index, cell in enumerate(cells):
            text = as_written(cell)
            label = _CHECK_DATE_LABEL.search(normalise(text))
            if label is None:
                continue
            rest = normalise(text)[label.end() :]
            if not rest:
                rest_cells = [c for c in cells[col_index + 1 :] if not is_blank(c)]
                candidate: object = rest_cells[0] if rest_cells else None
            else:
                candidate = rest
            try:
                found = parse_date(candidate)
            except NotADate:
                written = as_written(candidate)
                problems.append(_date_problem(file, grid.sheet, row_index + 1, "核查日期", written))
                return None
            if found is not None:
                return found
    return None


def parse_check_record(
    file: str, grid: Grid, header: Header, quarter: Quarter, problems: list[Problem]
) -> list[CheckRecordLine]:
    """The sheet's rows; every unreadable date or empty required cell becomes a Problem."""
    fallback = check_date_fallback(file, quarter)
    above = _sheet_check_date(file, grid, header, problems)
    sheet_date = CheckDate(above, FROM_SHEET) if above is not None else None
    lines = []
    for row, cell in filled_rows(grid, header):
        unit_raw, column_raw = as_written(cell("unit_name")), as_written(cell("column_name"))
        place = (file, grid.sheet, row + 1)
        if not unit_raw or not column_raw:
            missing = "单位" if not unit_raw else "栏目"
            problems.append(
                Problem(
                    file,
                    f"“{missing}”为空。",
                    f"the {missing} cell is empty.",
                    grid.sheet,
                    row + 1,
                )
            )
            continue
        dates: dict[str, date | None] = {}
        for role, label in (("last_update", "最后更新日期"), ("check_date", "核查日期")):
            try:
                dates[role] = parse_date(cell(role))
            except NotADate:
                problems.append(_date_problem(*place, label, as_written(cell(role))))
        if len(dates) < 2:
            continue
        last_update, row_check = dates["last_update"], dates["check_date"]
        check_date = (
            CheckDate(row_check, FROM_SHEET) if row_check is not None else sheet_date or fallback
        )
        if check_date.value < quarter.first_day:
            problems.append(
                Problem(
                    file,
                    f"核查日期 {check_date.value.isoformat()} 早于季度 {quarter.key} 的第一天"
                    f"（{quarter.first_day.isoformat()}）：核查日期应在本季度内或之后。",
                    f"check date {check_date.value.isoformat()} is before the first day of "
                    f"{quarter.key} ({quarter.first_day.isoformat()}): it must fall in or after "
                    "the quarter.",
                    grid.sheet,
                    row + 1,
                )
            )
            continue
        lines.append(
            CheckRecordLine(
                source_row=row + 1,
                unit_name_raw=unit_raw,
                column_name_raw=column_raw,
                column_name=normalise(column_raw),
                address=as_written(cell("address")),
                last_update=last_update,
                last_update_raw=as_written(cell("last_update")),
                note=as_written(cell("note")),
                check_date=check_date,
            )
        )
    return lines


def units_in_check_record_sheet(grid: Grid, header: Header) -> list[str]:
    """The unit names of one check record sheet, as written, in order of first appearance: for
    onboarding, which registers them the way it registers the units of an annex."""
    names: dict[str, str] = {}
    for _, cell in filled_rows(grid, header):
        if written := as_written(cell("unit_name")):
            names.setdefault(normalise(written), written)
    return list(names.values())

"""Find a table's header row by its labels, whatever the title rows, column order or wording."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from orchestration.ingest.sheets import Grid
from orchestration.ingest.text import is_blank, normalise
from orchestration.quarters import Quarter, quarter_of_chinese_word

HEADER_SCAN_ROWS = 30

# Checked in this order; a header cell takes the first role whose pattern it matches.
ANNEX_ROLES: dict[str, re.Pattern[str]] = {
    "row_number": re.compile(r"^(序号|编号|序|no\.?)$", re.IGNORECASE),
    "item_count": re.compile(r"(数量|条数|件数|公开数|更新数)"),
    "column_name": re.compile(r"栏目"),
    "unit_name": re.compile(r"(单位|部门)"),
    "note": re.compile(r"(备注|说明)"),
}
ANNEX_REQUIRED = ("column_name", "item_count", "unit_name")
ANNEX_LABELS_ZH = {"column_name": "栏目", "item_count": "公开数量", "unit_name": "责任单位"}

ASSESSMENT_ROLES: dict[str, re.Pattern[str]] = {
    "row_number": ANNEX_ROLES["row_number"],
    "reviewer_tier": re.compile(r"(分档|档次|等次|等级|核查意见|评定|类别|档)"),
    "reason": re.compile(r"(理由|原因|说明|依据)"),
    "unit_name": re.compile(r"(单位|部门)"),
}
ASSESSMENT_REQUIRED = ("unit_name", "reviewer_tier")


@dataclass(frozen=True)
class Header:
    row: int  # 0-based index into the grid
    columns: dict[str, int]  # role -> 0-based column
    labels: dict[str, str]  # role -> the label as written
    # Every count-like column (0-based column, label as written): when a table has several
    # (上季度公开数量 beside 一季度公开数量), `choose_count_column` tells the quarter's.
    count_columns: tuple[tuple[int, str], ...] = ()


def filled_rows(grid: Grid, header: Header) -> Iterator[tuple[int, Callable[[str], object]]]:
    """The rows below the header that hold anything: each one's 0-based index, and its cell of a
    role (None where the table has no such column or the row stops short of it)."""
    for row in range(header.row + 1, len(grid.rows)):
        cells = grid.rows[row]
        if all(is_blank(v) for v in cells):
            continue

        def cell(role: str, cells: list[object] = cells) -> object:
            column = header.columns.get(role)
            return cells[column] if column is not None and column < len(cells) else None

        yield row, cell


def _roles_of(cells: list[object], roles: dict[str, re.Pattern[str]]) -> Header | None:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    counts: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        label = normalise(cell)
        if not label or len(label) > 20:  # titles and data are longer than any header label
            continue
        for role, pattern in roles.items():
            if not pattern.search(label):
                continue
            if role == "item_count":
                counts.append((index, str(cell).strip()))
            if role not in columns:
                columns[role] = index
                labels[role] = str(cell).strip()
                break
            if role == "item_count":
                break  # a second count column is a count column, never another role
    return Header(-1, columns, labels, tuple(counts)) if columns else None


def find_header(
    rows: list[list[object]], roles: dict[str, re.Pattern[str]], required: tuple[str, ...]
) -> tuple[Header | None, Header | None]:
    """(the header row with every required role, else the best partial candidate)."""
    best: Header | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _roles_of(cells, roles)
        if not found:
            continue
        header = Header(index, found.columns, found.labels, found.count_columns)
        present = sum(role in header.columns for role in required)
        if present == len(required):
            return header, None
        if present >= 2 and (best is None or present > sum(r in best.columns for r in required)):
            best = header
    return None, best


# Words that make a count column another period's: 上季度, 上一季度, 去年同期, 累计, 全年 ...
_OTHER_PERIOD = re.compile(
    r"(上一?个?季|上年|去年|同期|累计|截至|截止|全年|半年|前[一二三四1-4]?个?季)"
)
_THIS_PERIOD = ("本季度", "当季度", "本季", "当季")
_YEAR = re.compile(r"(\d{4})年?")


def names_quarter(label: str, quarter: Quarter) -> bool:
    """'一季度公开数量' or '2020年一季度数量' names 2020-Q1; '上一季度公开数量' does not."""
    text = normalise(label)
    if _OTHER_PERIOD.search(text):
        return False
    if any(int(year) != quarter.year for year in _YEAR.findall(text)):
        return False
    return quarter_of_chinese_word(text) == quarter.number or any(w in text for w in _THIS_PERIOD)


def choose_count_column(header: Header, quarter: Quarter) -> Header | None:
    """The header with the one count column that names the quarter; None when it can't tell."""
    if len(header.count_columns) <= 1:
        return header
    named = [
        (column, label) for column, label in header.count_columns if names_quarter(label, quarter)
    ]
    if len(named) != 1:
        return None
    [(column, label)] = named
    return Header(
        header.row,
        {**header.columns, "item_count": column},
        {**header.labels, "item_count": label},
        header.count_columns,
    )

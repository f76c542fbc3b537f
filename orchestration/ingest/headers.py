"""Find a table's header row by its labels, whatever the title rows, column order or wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestration.ingest.text import normalise

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


def _roles_of(cells: list[object], roles: dict[str, re.Pattern[str]]) -> Header | None:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(cells):
        label = normalise(cell)
        if not label or len(label) > 20:  # titles and data are longer than any header label
            continue
        for role, pattern in roles.items():
            if role not in columns and pattern.search(label):
                columns[role] = index
                labels[role] = str(cell).strip()
                break
    return Header(-1, columns, labels) if columns else None


def find_header(
    rows: list[list[object]], roles: dict[str, re.Pattern[str]], required: tuple[str, ...]
) -> tuple[Header | None, Header | None]:
    """(the header row with every required role, else the best partial candidate)."""
    best: Header | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _roles_of(cells, roles)
        if not found:
            continue
        header = Header(index, found.columns, found.labels)
        present = sum(role in header.columns for role in required)
        if present == len(required):
            return header, None
        if present >= 2 and (best is None or present > sum(r in best.columns for r in required)):
            best = header
    return None, best

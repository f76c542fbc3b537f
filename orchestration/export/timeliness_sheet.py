"""The 栏目时效 sheet of the review workbook, and the overdue hint of the draft's 【审核提示】.

The sheet lists the columns a clerk must chase (已超期, 即将超期, 空栏目), overdue first and the
longest silence first, printable on A4 landscape with the header on every page. The records come
from marts.column_timeliness; the status logic stays in dbt and is only read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from orchestration.export.sheets import Styles
from orchestration.export.xlsx import CellFormat, PageSetup, Workbook
from orchestration.quarters import Quarter

if TYPE_CHECKING:
    import duckdb

SHEET_TITLE = "栏目时效"
OVERDUE, DUE_SOON, EMPTY, NORMAL = "已超期", "即将超期", "空栏目", "正常"
# The order a clerk works through the list in; 正常 columns are not listed.
LISTED_STATUSES = (OVERDUE, DUE_SOON, EMPTY)
HEADERS = (
    ("序号", 6),
    ("单位", 18),
    ("栏目", 24),
    ("栏目地址", 30),
    ("状态", 10),
    ("最后更新日期", 13),
    ("未更新天数", 11),
    ("时限（天）", 11),
    ("时效规则", 40),
)
BODY_SIZE = 10  # >= 9 pt: still readable on A4 landscape
HINT_COLUMNS_SHOWN = 3


@dataclass(frozen=True)
class ColumnTimeliness:
    """One checked column of one unit, as marts.column_timeliness holds it."""

    unit_id: str | None
    unit_name: str
    display_order: int | None
    column_name: str
    address: str
    last_update: date | None
    check_date: date
    days_since_update: int | None
    limit_days: int | None
    warn_days: int | None
    rule_description: str | None
    status: str | None


def read_column_timeliness(
    connection: duckdb.DuckDBPyConnection, quarter: Quarter
) -> dict[str, tuple[ColumnTimeliness, ...]]:
    """Every checked column of the quarter, per county, in the sheet's order (none: no record).

    One query for every county of the quarter, as the other marts are read (records.py)."""
    cursor = connection.execute(
        """
        select
            timeliness.county,
            timeliness.unit_id, timeliness.unit_name, units.display_order,
            timeliness.column_name, timeliness.address, timeliness.last_update,
            timeliness.check_date, timeliness.days_since_update, timeliness.limit_days,
            timeliness.warn_days, timeliness.rule_description, timeliness.status
        from marts.column_timeliness as timeliness
        left join marts.unit_quarter as units
            on timeliness.county = units.county
            and timeliness.quarter = units.quarter
            and timeliness.unit_id = units.unit_id
        where timeliness.quarter = ?
        """,
        [quarter.key],
    )
    by_county: dict[str, list[ColumnTimeliness]] = {}
    for county, *values in cursor.fetchall():
        by_county.setdefault(county, []).append(ColumnTimeliness(*values))
    return {county: tuple(sorted(rows, key=_work_order)) for county, rows in by_county.items()}


def _work_order(record: ColumnTimeliness) -> tuple[int, int, int, str, str]:
    """已超期, 即将超期, 空栏目, then the rest; most days first; then registry order."""
    statuses = (*LISTED_STATUSES, NORMAL)
    rank = statuses.index(record.status) if record.status in statuses else len(statuses)
    return (
        rank,
        -(record.days_since_update or 0),
        record.display_order if record.display_order is not None else 1_000_000,
        record.column_name,
        record.address,
    )


def listed(records: Sequence[ColumnTimeliness]) -> list[ColumnTimeliness]:
    """The columns the sheet lists (已超期, 即将超期, 空栏目), in the order a clerk works them."""
    return sorted((r for r in records if r.status in LISTED_STATUSES), key=_work_order)


def add_timeliness_sheet(
    workbook: Workbook, county: str, quarter: Quarter, records: Sequence[ColumnTimeliness]
) -> int:
    """Append the 栏目时效 sheet; returns how many columns it lists."""
    sheet = workbook.create_sheet(SHEET_TITLE)
    rows = listed(records)
    check_dates = sorted({r.check_date for r in records})
    dates_text = "、".join(d.isoformat() for d in check_dates) or "无"
    title = f"{county}{quarter.chinese_ordinal}政府信息公开栏目时效情况"
    counts = "，".join(
        f"{status} {sum(1 for r in rows if r.status == status)} 个" for status in LISTED_STATUSES
    )
    intro = (
        f"核查日期：{dates_text}。共核查栏目 {len(records)} 个，其中{counts}。"
        "未更新天数达到时限即为已超期。"
        if records
        else "本季度没有核查记录（核查记录表：单位、栏目、最后更新日期），无法判断栏目时效。"
    )
    width = len(HEADERS)
    # The review workbook's fonts and header cells; the widths here are fixed, not fitted.
    styles = Styles(BODY_SIZE)
    for row, (text, font) in enumerate(((title, styles.title), (intro, styles.body)), start=1):
        horizontal = "center" if row == 1 else "left"
        sheet.set(row, 1, text, CellFormat(font, horizontal, wrap=True))
        sheet.merge(row, 1, row, width)
    header_row = 3
    header = styles.table_cell(header=True, centered=True, flagged=False)
    for column, (label, column_width) in enumerate(HEADERS, start=1):
        sheet.set(header_row, column, label, header)
        sheet.column_widths[column] = column_width
    # General alignment: numbers to the right, text to the left.
    body = CellFormat(styles.body, vertical="center", wrap=True, border=True)
    for number, record in enumerate(rows, start=1):
        values = (
            number,
            record.unit_name,
            record.column_name,
            record.address,
            record.status,
            record.last_update,  # a date: the writer gives it the yyyy-mm-dd format
            record.days_since_update,
            record.limit_days,
            record.rule_description,
        )
        for column, value in enumerate(values, start=1):
            sheet.set(header_row + number, column, value, body)
    # A4 landscape, one page wide, header on every page; frozen header and a filter on screen.
    sheet.frozen_at = (header_row + 1, 3)
    sheet.auto_filter = (header_row, 1, max(header_row + len(rows), header_row), width)
    sheet.print_title_rows = (header_row, header_row)
    sheet.page = PageSetup(orientation="landscape")
    return len(rows)


def overdue_hint(records: Sequence[ColumnTimeliness], unit_id: str) -> str | None:
    """'已超期栏目 2 个：政府文件（212 天未更新，时限 184 天）、…' for the draft, or None."""
    overdue = [r for r in listed(records) if r.unit_id == unit_id and r.status == OVERDUE]
    if not overdue:
        return None
    shown = "、".join(
        f"{r.column_name}（{r.days_since_update} 天未更新，时限 {r.limit_days} 天）"
        for r in overdue[:HINT_COLUMNS_SHOWN]
    )
    more = "等" if len(overdue) > HINT_COLUMNS_SHOWN else ""
    return f"已超期栏目 {len(overdue)} 个：{shown}{more}。"


AGREEMENT_LABEL = "规则分档与核查意见一致的单位"


def agreement_figure(units_assessed: int, units_rule_agrees_with_reviewer: int) -> tuple[str, str]:
    """The 汇总 line for quarter_summary's agreement figure: ('…一致的单位', '17 / 34')."""
    return AGREEMENT_LABEL, f"{units_rule_agrees_with_reviewer} / {units_assessed}"

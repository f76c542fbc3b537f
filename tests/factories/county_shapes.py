"""Counties shaped unlike the sample: a township-only county with one annex and 街道, and a county
with three annexes. Their spreadsheets are written as a clerk would lay them out."""

from __future__ import annotations

from pathlib import Path

from orchestration.quarters import Quarter
from tests.factories.annex_workbooks import DEFAULT_HEADERS, AnnexRow, Layout, write_annex_xlsx

TOWNSHIP_COUNTY = "示范县"
# One table, no 附件 mark anywhere: a one-table county never needs one.
TOWNSHIP_ROWS = [
    AnnexRow(1, "乡镇政府信息公开(城关镇)", 5, "城关镇"),
    AnnexRow(2, "乡镇政府信息公开(东坝镇)", 3, "示范县东坝镇"),
    AnnexRow(3, "乡镇政府信息公开(西河乡)", 0, "西河乡"),
    AnnexRow(4, "街道信息公开(北湖街道)", 4, "北湖街道"),
    AnnexRow(5, "街道信息公开(新华街道)", 2, "新华街道"),
    AnnexRow(6, "财政预决算", 1, "城关镇", "每年前季只有一次"),
]
TOWNSHIP_ITEMS_BY_KIND = {"乡镇": 9, "街道": 6}

THREE_ANNEX_COUNTY = "三表县"
THREE_ANNEX_TABLES = {
    1: ("政府部门", [AnnexRow(1, "政策解读", 4, "财政局"), AnnexRow(2, "人事任免", 1, "教育局")]),
    2: ("乡镇", [AnnexRow(1, "乡镇政府信息公开(城关镇)", 2, "城关镇")]),
    3: ("社区", [AnnexRow(1, "社区信息公开(东门社区)", 3, "东门社区")]),
}


def _layout(quarter: Quarter) -> Layout:
    return Layout(headers={**DEFAULT_HEADERS, "item_count": f"{quarter.chinese}公开数量"})


def township_title(quarter: Quarter) -> str:
    return f"{TOWNSHIP_COUNTY}乡镇信息公开{quarter.chinese_ordinal}更新情况统计表"


def write_township_quarter(folder: Path, quarter: Quarter, rows: list[AnnexRow]) -> Path:
    total = sum(int(row.item_count) for row in rows)
    path = folder / f"{TOWNSHIP_COUNTY}信息公开更新情况统计表.xlsx"
    return write_annex_xlsx(path, township_title(quarter), rows, total, _layout(quarter))


def write_three_annex_quarter(
    folder: Path, quarter: Quarter, empty_annexes: tuple[int, ...] = ()
) -> list[Path]:
    written = []
    for annex, (subject, rows) in THREE_ANNEX_TABLES.items():
        kept = [] if annex in empty_annexes else rows
        title = f"{THREE_ANNEX_COUNTY}{subject}信息公开{quarter.chinese_ordinal}更新情况统计表"
        total = sum(int(row.item_count) for row in kept)
        path = folder / f"附件{annex}-{title}.xlsx"
        written.append(write_annex_xlsx(path, title, kept, total, _layout(quarter)))
    return written

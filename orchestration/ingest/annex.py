"""Parse one sheet laid out as an annex table: header, data rows, and the declared 合计 row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orchestration.ingest.errors import Problem
from orchestration.ingest.headers import (
    ANNEX_LABELS_ZH,
    ANNEX_REQUIRED,
    Header,
    choose_count_column,
)
from orchestration.ingest.hidden import hidden_content
from orchestration.ingest.limits import MAX_COUNT, cell_name
from orchestration.ingest.sheets import Grid
from orchestration.ingest.text import (
    as_written,
    excel_error,
    is_blank,
    normalise,
    parse_whole_number,
)
from orchestration.quarters import Quarter

TOTAL_LABELS = {"合计", "总计", "合计:", "总计:"}
_ANNEX_MARK = re.compile(r"附件\s*([0-9]+|[一二三四五六七八九])")
_CHINESE_DIGITS = "一二三四五六七八九"
ROLE_LABELS = {
    "column_name": ("栏目", "栏目 (column)", "文字"),
    "unit_name": ("责任单位", "责任单位 (unit)", "文字"),
    "item_count": ("公开数量", "count", "整数"),
    "row_number": ("序号", "序号 (row number)", "整数"),
}


@dataclass(frozen=True)
class AnnexLine:
    source_row: int  # 1-based
    row_number: int | None
    column_name_raw: str
    column_name: str
    item_count: int
    unit_name_raw: str
    note: str


@dataclass
class AnnexTable:
    file: str
    sheet: str
    title: str
    count_header: str
    annex_mark: int | None  # N when the file, sheet or title says 附件N (附件1, 附件二 …)
    lines: list[AnnexLine] = field(default_factory=list)
    declared_total: int | None = None
    total_row: int | None = None


def annex_mark(*texts: str) -> int | None:
    """The annex number named in the first of title, sheet or file name that names one."""
    for text in texts:
        match = _ANNEX_MARK.search(text)
        if match:
            mark = match.group(1)
            return int(mark) if mark.isdigit() else _CHINESE_DIGITS.index(mark) + 1
    return None


def _title_above(grid: Grid, header: Header) -> str:
    """The longest text above the header: the merged title row(s)."""
    texts = [as_written(c) for row in grid.rows[: header.row] for c in row if not is_blank(c)]
    return max(texts, key=len, default="")


def _cell(grid: Grid, row: int, header: Header, role: str) -> object:
    column = header.columns.get(role)
    if column is None:
        return None
    cells = grid.rows[row]
    value = cells[column] if column < len(cells) else None
    if is_blank(value):
        merged = grid.merged_value(row, column)
        return merged if merged is not None and row > header.row else value
    return value


def _is_total_row(grid: Grid, row: int, header: Header) -> bool:
    return any(normalise(cell) in TOTAL_LABELS for cell in grid.rows[row])


def _error_value(role: str, cell: str, code: str) -> tuple[str, str]:
    zh, en, expected = ROLE_LABELS[role]
    return (
        f"{zh}单元格是错误值 {code}（{cell}）：请修正公式，或直接填写{expected}。",
        f"the {en} cell {cell} holds the Excel error value {code}: fix the formula or type "
        "the value itself.",
    )


def _too_large(role: str, value: int) -> tuple[str, str]:
    zh, en, _ = ROLE_LABELS[role]
    return (
        f"{zh} {value} 超过上限 {MAX_COUNT}：请核对是否多输了数字。",
        f"the {en} {value} is above the maximum of {MAX_COUNT}: check for extra digits.",
    )


def _ambiguous_count(file: str, grid: Grid, header: Header, quarter: Quarter) -> Problem:
    labels = "、".join(f"“{label}”" for _, label in header.count_columns)
    return Problem(
        file,
        f"表头有 {len(header.count_columns)} 个数量列（{labels}），无法判断哪一列是"
        f"{quarter.key}（{quarter.chinese}）的公开数量：请把本季度那一列的表头写成"
        f"“{quarter.chinese}公开数量”，其他列写明其时期（如“上季度公开数量”）或删除。",
        f"the header has {len(header.count_columns)} count columns ({labels}) and it cannot be "
        f"told which is {quarter.key}'s: head this quarter's column '{quarter.chinese}公开数量' "
        "and name the others' period (such as '上季度公开数量'), or delete them.",
        grid.sheet,
        header.row + 1,
    )


def parse_annex(
    file: str,
    grid: Grid,
    header: Header,
    problems: list[Problem],
    quarter: Quarter | None = None,
) -> AnnexTable:
    if quarter is not None:
        chosen = choose_count_column(header, quarter)
        if chosen is None:
            problems.append(_ambiguous_count(file, grid, header, quarter))
            title = _title_above(grid, header)
            return AnnexTable(file, grid.sheet, title, "", annex_mark(title, grid.sheet, file))
        header = chosen
    title = _title_above(grid, header)
    table = AnnexTable(
        file=file,
        sheet=grid.sheet,
        title=title,
        count_header=header.labels["item_count"],
        annex_mark=annex_mark(title, grid.sheet, file),
    )

    def problem(row: int, zh: str, en: str) -> None:
        problems.append(Problem(file, zh, en, grid.sheet, row + 1))

    def cell(row: int, role: str) -> str:
        return cell_name(row, header.columns[role])

    for row in range(header.row + 1, len(grid.rows)):
        values = {role: _cell(grid, row, header, role) for role in header.columns}
        if all(is_blank(v) for v in grid.rows[row]):
            continue
        if _is_total_row(grid, row, header):
            if table.total_row is not None:
                problem(row, "出现第二个“合计”行。", "a second 合计 (total) row.")
                continue
            table.total_row = row + 1
            table.declared_total = parse_whole_number(values["item_count"])
            code = excel_error(values["item_count"])
            if code is not None:
                problem(row, *_error_value("item_count", cell(row, "item_count"), code))
            elif table.declared_total is not None and table.declared_total > MAX_COUNT:
                problem(row, *_too_large("item_count", table.declared_total))
                table.declared_total = None
            elif table.declared_total is None:
                problem(
                    row,
                    f"“合计”行的数量应为不小于0的整数，实际为“{as_written(values['item_count'])}”。",
                    f"the 合计 row's count must be a whole number >= 0, "
                    f"found {as_written(values['item_count'])!r}.",
                )
            continue
        if table.total_row is not None:
            if not is_blank(values["column_name"]) and not is_blank(values["item_count"]):
                problem(
                    row,
                    "“合计”行之后还有数据行：请把“合计”放在最后一行，或删除多余的行。",
                    "a data row after the 合计 row: put 合计 last or remove the extra row.",
                )
            continue  # footers such as 制表人 / 审核人 below the table
        line = _parse_line(row, values, problem, cell)
        if line is not None:
            table.lines.append(line)
    end_row = table.total_row or len(grid.rows)  # footers below 合计 are not the table
    problems.extend(hidden_content(file, grid, header.row, end_row))
    if table.total_row is None:
        problems.append(
            Problem(
                file,
                "找不到“合计”行：请在表格最后一行写明“合计”及本表公开数量总数。",
                "no 合计 (total) row: the table must end with its declared total.",
                grid.sheet,
            )
        )
    return table


def _parse_line(row: int, values: dict[str, object], problem, cell) -> AnnexLine | None:  # type: ignore[no-untyped-def]
    errors = {role: excel_error(values.get(role)) for role in ROLE_LABELS}
    for role, code in errors.items():
        if code is not None:
            problem(row, *_error_value(role, cell(row, role), code))
    if any(errors.values()):
        return None
    column_raw = as_written(values.get("column_name"))
    unit_raw = as_written(values.get("unit_name"))
    count_cell = values.get("item_count")
    count = parse_whole_number(count_cell)
    ok = True
    if count is not None and count > MAX_COUNT:
        problem(row, *_too_large("item_count", count))
        ok = False
    if not column_raw:
        problem(row, "“栏目”为空。", "the 栏目 (column) cell is empty.")
        ok = False
    if not unit_raw:
        problem(row, "“责任单位”为空。", "the 责任单位 (responsible unit) cell is empty.")
        ok = False
    if count is None:
        shown = as_written(count_cell)
        problem(
            row,
            f"公开数量应为不小于0的整数，实际为“{shown}”。"
            if shown
            else "公开数量为空，应填写整数（没有更新请填0）。",
            f"the count must be a whole number >= 0, found {shown!r}."
            if shown
            else "the count is empty: write a whole number (0 when nothing was published).",
        )
        ok = False
    if not ok:
        return None
    row_number = parse_whole_number(values.get("row_number"))
    if row_number is not None and row_number > MAX_COUNT:
        problem(row, *_too_large("row_number", row_number))
        return None
    return AnnexLine(
        source_row=row + 1,
        row_number=row_number,
        column_name_raw=column_raw,
        column_name=normalise(column_raw),
        item_count=count,  # type: ignore[arg-type]
        unit_name_raw=unit_raw,
        note=as_written(values.get("note")),
    )


def missing_header_problem(file: str, grid: Grid, partial: Header) -> Problem:
    missing = [ANNEX_LABELS_ZH[r] for r in ANNEX_REQUIRED if r not in partial.columns]
    found = "、".join(partial.labels.values())
    return Problem(
        file,
        f"表头缺少“{'”“'.join(missing)}”列（找到的表头：{found}）。"
        "附件表头应包含：序号、栏目、公开数量、责任单位、备注。",
        f"the header lacks column(s) {', '.join(missing)} (found: {found}); an annex header "
        "needs 栏目 (column), 公开数量 (count) and 责任单位 (unit).",
        grid.sheet,
        partial.row + 1,
    )

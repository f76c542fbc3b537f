"""Parse one sheet laid out as an annex table: header, data rows, and the declared 合计 row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orchestration.ingest.errors import Problem
from orchestration.ingest.headers import ANNEX_LABELS_ZH, ANNEX_REQUIRED, Header
from orchestration.ingest.sheets import Grid
from orchestration.ingest.text import as_written, is_blank, normalise, parse_whole_number

TOTAL_LABELS = {"合计", "总计", "合计:", "总计:"}
_ANNEX_MARK = re.compile(r"附件\s*([0-9]+|[一二三四五六七八九])")
_CHINESE_DIGITS = "一二三四五六七八九"


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


def parse_annex(file: str, grid: Grid, header: Header, problems: list[Problem]) -> AnnexTable:
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
            if table.declared_total is None:
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
        line = _parse_line(row, values, problem)
        if line is not None:
            table.lines.append(line)
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


def _parse_line(row: int, values: dict[str, object], problem) -> AnnexLine | None:  # type: ignore[no-untyped-def]
    column_raw = as_written(values.get("column_name"))
    unit_raw = as_written(values.get("unit_name"))
    count_cell = values.get("item_count")
    count = parse_whole_number(count_cell)
    ok = True
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

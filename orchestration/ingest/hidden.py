"""Hidden rows and columns that hold something: refused, never counted silently.

A hidden row in a table is either stale (it should not count) or needed (it must not be hidden):
the ingest cannot tell which, and a published figure must be the one the clerk sees. A warning
would reach the log only after the notice was drafted from it, so the clerk is asked to unhide,
check, and delete what does not belong.
"""

from __future__ import annotations

from orchestration.cell_names import column_letter
from orchestration.ingest.errors import Problem
from orchestration.ingest.sheets import Grid
from orchestration.ingest.text import is_blank


def hidden_content(file: str, grid: Grid, first_row: int, end_row: int) -> list[Problem]:
    """Problems for hidden rows and columns with content within rows [first_row, end_row)."""
    problems = []
    rows = grid.rows[first_row:end_row]
    for row in sorted(grid.hidden_rows):
        if first_row <= row < end_row and not all(is_blank(v) for v in grid.rows[row]):
            problems.append(
                Problem(
                    file,
                    "该行被隐藏（或被筛选隐藏），但有内容：无法确定是否应计入。请取消隐藏后核对，"
                    "删除不应计入的行再运行。",
                    "the row is hidden (or filtered out) but holds data: it cannot be told "
                    "whether it counts. Unhide it, check it, and delete it if it does not belong.",
                    grid.sheet,
                    row + 1,
                )
            )
    for column in sorted(grid.hidden_columns):
        if any(column < len(cells) and not is_blank(cells[column]) for cells in rows):
            letter = column_letter(column + 1)  # grids count columns from 0
            problems.append(
                Problem(
                    file,
                    f"第 {letter} 列被隐藏，但有内容：无法确定是否应计入。请取消隐藏后核对，"
                    "删除不应计入的列再运行。",
                    f"column {letter} is hidden but holds data: it cannot be told whether it "
                    "counts. Unhide it, check it, and delete it if it does not belong.",
                    grid.sheet,
                    first_row + 1,
                )
            )
    return problems

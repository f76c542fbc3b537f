"""The floor the benchmark compares with: what a clerk's plain script would do, and nothing else.

It reads both annexes of one quarter folder with openpyxl, checks that each annex's rows add up to
its 合计, and writes one workbook with the two tables. No registry, no warehouse, no tiers, no
checks beyond the 合计, no draft: the least work that still reads, checks and writes the same
input, so `make bench` can state gongkai's time as a multiple of it.

    .venv/bin/python -m tests.benchmarks.hand_script seeds/quarters/2020-Q1 out.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

TOTAL_LABELS = ("合计", "总计")


def read_annex(path: Path) -> tuple[list[tuple[object, ...]], int, int]:
    """The annex's data rows (from the header to 合计), their sum and the declared 合计."""
    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    rows: list[tuple[object, ...]] = []
    header: tuple[object, ...] | None = None
    count_at = 0
    for row in sheet.iter_rows(values_only=True):
        cells = tuple("" if cell is None else cell for cell in row)
        if header is None:
            if "栏目" in cells:
                header = cells
                count_at = next(i for i, c in enumerate(cells) if "数量" in str(c))
            continue
        if str(cells[0]).strip() in TOTAL_LABELS:
            return [header, *rows], sum(int(r[count_at]) for r in rows), int(cells[count_at])
        if any(cells):
            rows.append(cells)
    raise SystemExit(f"{path}: no 合计 row")


def main(folder: Path, out: Path) -> int:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for annex in (1, 2):
        path = next(folder.glob(f"附件{annex}*.xlsx"))
        rows, summed, declared = read_annex(path)
        if summed != declared:
            print(f"附件{annex}: 合计 {declared} != {summed}", file=sys.stderr)
            return 1
        sheet = workbook.create_sheet(f"附件{annex}")
        for row in rows:
            sheet.append(row)
        sheet.append(("合计", "", declared))
    workbook.save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

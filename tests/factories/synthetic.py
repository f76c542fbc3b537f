"""Deterministic synthetic landing folders: N counties x Q quarters, laid out as clerks do.

Each county gets its own registry entries (units, aliases, column catalogue) modelled on 崇信县, and
per quarter two annex workbooks with seeded counts, a true 合计 and one of several clerk layouts.

    .venv/bin/python -m tests.factories.synthetic OUT --counties 100 --quarters 2020-Q1:2020-Q4
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from orchestration.quarters import Quarter, quarter_range
from orchestration.settings import REFERENCE_DIR
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import (
    DEFAULT_HEADERS,
    AnnexRow,
    Layout,
    write_annex_csv,
    write_annex_xlsx,
    write_assessment_xlsx,
)

TIERS = ("更新情况较好", "部分更新或信息公开不规范", "更新不及时")


def _layouts(quarter: Quarter) -> list[tuple[Layout, str]]:
    count_header = f"{quarter.chinese}公开数量"
    headers = {**DEFAULT_HEADERS, "item_count": count_header}
    return [
        (Layout(headers=headers), "xlsx"),
        (
            Layout(headers={**headers, "item_count": "公开数量（条）", "unit_name": "责任部门"}),
            "xlsx",
        ),
        (Layout(headers=headers, title_rows=2, blank_rows_before_header=1), "xlsx"),
        (
            Layout(
                headers=headers,
                column_order=("row_number", "unit_name", "column_name", "item_count", "note"),
            ),
            "xlsx",
        ),
        (Layout(headers=headers, full_width_brackets=True, numbers_as_text=True), "csv"),
        (Layout(headers=headers, merge_unit_cells=True), "xlsx"),
    ]


@dataclass(frozen=True)
class SyntheticCounty:
    name: str
    code: str


def county_names(count: int) -> list[SyntheticCounty]:
    return [SyntheticCounty(f"样例{n:04d}县", f"c{n:04d}") for n in range(1, count + 1)]


def write_reference(target: Path, counties: list[SyntheticCounty]) -> Path:
    """seeds/reference plus, for every synthetic county, the 崇信县 registry under its own ids."""
    shutil.copytree(REFERENCE_DIR, target, dirs_exist_ok=True)
    for name, key_columns in {
        "counties.csv": (),
        "annexes.csv": (),
        "unit_kinds.csv": (),
        "units.csv": ("unit_id",),
        "unit_aliases.csv": ("unit_id",),
        "non_units.csv": (),
        "columns.csv": (),
    }.items():
        with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = list(rows[0])
        with (target / name).open("a", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fields, lineterminator="\n")
            for county in counties:
                for row in rows:
                    copy = {**row, "county": county.name}
                    for column in key_columns:
                        copy[column] = row[column].replace("chongxin", county.code)
                    writer.writerow(copy)
    return target


def _counts(rng: random.Random, rows: list[AnnexRow]) -> list[AnnexRow]:
    # Mostly small counts with many zeros and a few busy columns, as in real quarters.
    return [
        replace(row, item_count=0 if rng.random() < 0.2 else int(rng.paretovariate(1.3)))
        for row in rows
    ]


def write_county_quarter(
    folder: Path, county: SyntheticCounty, quarter: Quarter, rng: random.Random
) -> list[Path]:
    layout, kind = rng.choice(_layouts(quarter))
    written = []
    for annex, subject, rows in (
        (1, "政府部门", notice.ANNEX1_ROWS),
        (2, "乡镇", notice.ANNEX2_ROWS),
    ):
        rows = _counts(rng, rows)
        title = f"{county.name}{subject}信息公开{quarter.chinese_ordinal}更新情况统计表"
        total = sum(int(r.item_count) for r in rows)
        path = folder / f"附件{annex}-{title}.{kind}"
        if kind == "csv":
            written.append(write_annex_csv(path, title, rows, total, layout))
        else:
            written.append(write_annex_xlsx(path, title, rows, total, layout))
    if rng.random() < 0.5:
        units = [u for tier_units in notice.TIER_LISTS.values() for u in tier_units]
        entries = [(unit, rng.choice(TIERS), "核查人员意见") for unit in units]
        written.append(
            write_assessment_xlsx(folder / "核查意见.xlsx", f"{county.name}核查意见", entries)
        )
    return written


def generate(
    out: Path, counties: int, quarters: list[Quarter], seed: int = 20200416
) -> tuple[Path, Path]:
    """Write out/reference and out/landing; returns (reference_dir, landing_dir)."""
    rng = random.Random(seed)
    synthetic = county_names(counties)
    reference = write_reference(out / "reference", synthetic)
    landing = out / "landing"
    for quarter in quarters:
        for county in synthetic:
            write_county_quarter(landing / quarter.key / county.name, county, quarter, rng)
    return reference, landing


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--counties", type=int, default=3)
    parser.add_argument(
        "--quarters", default="2020-Q1:2020-Q1", help="FIRST:LAST, e.g. 2020-Q1:2020-Q4"
    )
    parser.add_argument("--seed", type=int, default=20200416)
    args = parser.parse_args()
    first, last = (Quarter.parse(k) for k in args.quarters.split(":"))
    reference, landing = generate(args.out, args.counties, quarter_range(first, last), args.seed)
    print(f"GONGKAI_REFERENCE_DIR={reference}\nGONGKAI_LANDING_DIR={landing}")


if __name__ == "__main__":
    _main()

"""Parse a reviewer's assessment sheet: unit -> published tier (with reason), in list order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from orchestration.ingest.errors import Problem
from orchestration.ingest.headers import Header, filled_rows
from orchestration.ingest.hidden import hidden_content
from orchestration.ingest.limits import cell_name
from orchestration.ingest.sheets import Grid
from orchestration.ingest.text import as_written, excel_error, normalise

_ROLE_ZH = {"unit_name": "单位", "reviewer_tier": "分档"}


@dataclass(frozen=True)
class AssessmentLine:
    source_row: int
    unit_name_raw: str
    reviewer_tier: str
    reason: str


def tier_label(written: object, tiers: Sequence[str]) -> str | None:
    """The county's tier label a reviewer wrote: the label itself, or a shortening (较好, 不及时)
    or lengthening of it that is part of, or holds, exactly one label."""
    text = normalise(written)
    if text in tiers:
        return text
    matches = [tier for tier in tiers if text and (text in tier or tier in text)]
    return matches[0] if len(matches) == 1 else None


def parse_assessment(
    file: str, grid: Grid, header: Header, problems: list[Problem], tiers: Sequence[str]
) -> list[AssessmentLine]:
    """The sheet's lines; `tiers` are the county's tier labels (tier_rules.csv), best first."""
    lines = []
    for row, cell in filled_rows(grid, header):
        errors = [
            (role, code)
            for role in ("unit_name", "reviewer_tier")
            if (code := excel_error(cell(role))) is not None
        ]
        for role, code in errors:
            where = cell_name(row, header.columns[role])
            problems.append(
                Problem(
                    file,
                    f"{_ROLE_ZH[role]}单元格是错误值 {code}（{where}）：请修正公式，或直接填写。",
                    f"the {role} cell {where} holds the Excel error value {code}: fix the "
                    "formula or type the value itself.",
                    grid.sheet,
                    row + 1,
                )
            )
        if errors:
            continue
        unit_raw = as_written(cell("unit_name"))
        tier = tier_label(cell("reviewer_tier"), tiers)
        if not unit_raw:
            problems.append(
                Problem(file, "“单位”为空。", "the 单位 (unit) cell is empty.", grid.sheet, row + 1)
            )
            continue
        if tier is None:
            problems.append(
                Problem(
                    file,
                    f"分档“{as_written(cell('reviewer_tier'))}”无法识别，应为：{'、'.join(tiers)}。",
                    f"tier {as_written(cell('reviewer_tier'))!r} is not one of {', '.join(tiers)}.",
                    grid.sheet,
                    row + 1,
                )
            )
            continue
        lines.append(AssessmentLine(row + 1, unit_raw, tier, as_written(cell("reason"))))
    problems.extend(hidden_content(file, grid, header.row, len(grid.rows)))
    return lines

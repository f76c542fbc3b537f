"""A synthetic county whose reviewer judges by timeliness, written rule first, data second.

1. TIER_RULES is the county's rule, stated before any data: two or more overdue columns ->
   更新不及时; one overdue column or an empty one -> 部分更新或信息公开不规范; else 更新情况较好.
2. Each unit is given how many of its columns are overdue, due soon or empty (UNITS).
3. The reviewer's tier per unit is what TIER_RULES says for those counts (the reviewer follows
   the rule), and the check record's dates are computed from the national deadlines in
   timeliness_rules.csv so that the marts must find exactly those counts.
4. The annexes give every unit the same figures (two columns, three items each): from the counts
   alone no rule can tell the units apart, so only the check record can reproduce the tiers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tests.factories.annex_workbooks import (
    DEFAULT_HEADERS,
    AnnexRow,
    Layout,
    write_annex_xlsx,
    write_assessment_xlsx,
)
from tests.factories.check_records import CheckRow, write_check_record_xlsx

COUNTY = "时效样例县"
CHECK_DATE = date(2023, 6, 26)
GOOD, PARTIAL, LATE = "更新情况较好", "部分更新或信息公开不规范", "更新不及时"

# county,priority,rule_id,tier,tier_rank,metric,comparison,threshold,description
# Priorities 3-5 fall between the defaults no_items (1), due_column_missed (2) and this county's
# own 'otherwise' (9), which overrides the default one by rule_id.
TIER_RULES = [
    (COUNTY, 3, "columns_overdue_2", LATE, 3, "columns_overdue", ">=", 2,
     "两个及以上栏目已超期 / two or more columns overdue"),
    (COUNTY, 4, "column_overdue", PARTIAL, 2, "columns_overdue", ">=", 1,
     "有栏目已超期 / a column overdue"),
    (COUNTY, 5, "column_empty", PARTIAL, 2, "columns_empty", ">=", 1,
     "有空栏目 / an empty column"),
    (COUNTY, 9, "otherwise", GOOD, 1, "always", "", "",
     "其余单位 / every other unit"),
]  # fmt: skip


def tier_by_rule(overdue: int, empty: int) -> str:
    """TIER_RULES evaluated by hand, as the reviewer applies them."""
    if overdue >= 2:
        return LATE
    if overdue >= 1 or empty >= 1:
        return PARTIAL
    return GOOD


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    kind: str
    overdue: int
    due_soon: int
    empty: int

    @property
    def tier(self) -> str:
        return tier_by_rule(self.overdue, self.empty)


UNITS = [
    Unit("shixiao-jiaoyu", "教育局", "政府部门", 0, 0, 0),
    Unit("shixiao-weijian", "卫健局", "政府部门", 0, 2, 0),
    Unit("shixiao-jiaotong", "交通局", "政府部门", 1, 1, 0),
    Unit("shixiao-minzheng", "民政局", "政府部门", 0, 0, 1),
    Unit("shixiao-dongzhen", "东镇", "乡镇", 2, 0, 0),
    Unit("shixiao-xizhen", "西镇", "乡镇", 3, 0, 1),
]
# The columns every unit keeps on the portal, each with the national default rule that sets
# its deadline (seeds/reference/timeliness_rules.csv).
COLUMNS = {
    "工作动态": "dynamic_news",
    "通知公告": "notices_policies",
    "人事信息": "personnel_planning",
    "政策文件": "notices_policies",
}


def _append(path: Path, rows: list[tuple[object, ...]]) -> None:
    # The seeds end lines with \n; DuckDB's CSV sniffer refuses a file that mixes in \r\n.
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


TITLE_TAIL = "信息公开{quarter_ordinal}更新情况统计表"


def register(reference: Path) -> None:
    """Append the county, its units and its tier rules to a copy of seeds/reference."""
    _append(reference / "counties.csv", [(COUNTY,)])
    _append(
        reference / "annexes.csv",
        [
            (
                COUNTY,
                annex,
                subject,
                f"{{county}}{subject}信息公开{{quarter_ordinal}}更新情况统计表",
            )
            for annex, subject in ((1, "政府部门"), (2, "乡镇"))
        ],
    )
    _append(reference / "unit_kinds.csv", [(COUNTY, "政府部门", 1, 1), (COUNTY, "乡镇", 2, 2)])
    _append(
        reference / "units.csv",
        [
            (COUNTY, unit.unit_id, unit.name, unit.name, unit.kind, order)
            for order, unit in enumerate(UNITS, start=1)
        ],
    )
    _append(reference / "tier_rules.csv", TIER_RULES)


def _deadlines(reference: Path) -> dict[str, tuple[int, int]]:
    with (reference / "timeliness_rules.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["rule_id"]: (int(row["limit_days"]), int(row["warn_days"]))
            for row in csv.DictReader(handle)
            if row["county"] == "*"
        }


def check_rows(reference: Path) -> list[CheckRow]:
    """Each unit's columns dated so that exactly its overdue / due-soon / empty counts result."""
    deadlines = _deadlines(reference)
    rows = []
    for unit in UNITS:
        states = ["已超期"] * unit.overdue + ["即将超期"] * unit.due_soon + ["空栏目"] * unit.empty
        states += ["正常"] * (len(COLUMNS) - len(states))
        for (column, rule_id), state in zip(COLUMNS.items(), states, strict=True):
            limit, warn = deadlines[rule_id]
            days = {"已超期": limit + 3, "即将超期": warn, "正常": warn - 1}.get(state)
            updated = None if days is None else CHECK_DATE - timedelta(days=days)
            rows.append(CheckRow(unit.name, column, updated, f"http://{unit.unit_id}/{column}"))
    return rows


def write_quarter(
    folder: Path, quarter_word: str, with_check_record: bool, reference: Path
) -> None:
    """The county's annexes (identical figures for every unit), assessment and check record."""
    layout = Layout(headers={**DEFAULT_HEADERS, "item_count": f"{quarter_word}公开数量"})
    for annex, subject, kinds in ((1, "政府部门", {"政府部门"}), (2, "乡镇", {"乡镇"})):
        rows = [
            AnnexRow(None, f"{label}({unit.name})", 3, unit.name)
            for unit in UNITS
            if unit.kind in kinds
            for label in ("信息公开", "政务动态")
        ]
        title = f"{COUNTY}{subject}信息公开第{quarter_word}更新情况统计表"
        total = sum(int(row.item_count) for row in rows)
        write_annex_xlsx(folder / f"附件{annex}-{title}.xlsx", title, rows, total, layout)
    entries = [
        (unit.name, tier, "核查记录")
        for tier in (GOOD, PARTIAL, LATE)
        for unit in UNITS
        if unit.tier == tier
    ]
    write_assessment_xlsx(folder / "核查意见.xlsx", "核查意见", entries)
    if with_check_record:
        write_check_record_xlsx(folder / "核查记录.xlsx", check_rows(reference), CHECK_DATE)

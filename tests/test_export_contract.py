"""Marts built straight from THE MART CONTRACT, so the export can be tested without dbt.

`contract_marts` derives the four marts of a quarter from an annex transcription, the reference
CSVs and the reviewer's lists, the way the contract describes them. The tests here pin the
2020-Q1 figures the contract states, read back through the export's reader.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from orchestration.export.files import CountyExport, export_quarter
from orchestration.export.records import MartsMissingError, read_notices
from orchestration.export.template import TEMPLATES_FOLDER
from orchestration.quarters import Quarter
from orchestration.settings import REFERENCE_DIR
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.factories.annex_workbooks import AnnexRow

MART_DDL = """
create schema if not exists marts;
create table if not exists marts.unit_quarter (
    county varchar, quarter varchar, unit_id varchar, unit_name varchar, unit_short_name varchar,
    unit_kind varchar, display_order integer, items_published integer,
    columns_responsible integer, columns_due integer, due_columns_without_update integer,
    rule_id varchar, rule_tier varchar, reviewer_tier varchar, reviewer_list_position integer,
    reviewer_reason varchar, tier varchar, tier_rank integer, tier_source varchar,
    tier_position integer, has_reviewer_assessment boolean, tiers_disagree boolean,
    reason varchar, items_published_previous_quarter integer, items_change integer,
    columns_overdue integer, columns_due_soon integer, columns_empty integer,
    listed_in_notice boolean
);
create table if not exists marts.column_quarter (
    county varchar, quarter varchar, annex integer, annex_position integer, row_number integer,
    column_name varchar, column_name_raw varchar, item_count integer, unit_id varchar,
    unit_name_raw varchar, unit_name varchar, note varchar, topic_group varchar, cadence varchar,
    is_due boolean, in_catalogue boolean, source_file varchar, source_sheet varchar,
    source_row integer
);
create table if not exists marts.category_quarter (
    county varchar, quarter varchar, category_type varchar, category varchar,
    category_order integer, items_published integer, units integer, columns integer,
    items_previous_quarter integer, items_change integer
);
create table if not exists marts.quarter_summary (
    county varchar, quarter varchar, total_items integer, department_items integer,
    township_items integer, annex1_declared_total integer, annex2_declared_total integer,
    units_checked integer, units_good integer, units_partial integer, units_late integer,
    units_tiers_disagree integer, units_without_assessment integer, unattributed_items integer,
    previous_total_items integer, total_change integer, units_assessed integer,
    units_rule_agrees_with_reviewer integer
);
create table if not exists marts.column_timeliness (
    county varchar, quarter varchar, unit_id varchar, unit_name varchar, column_name varchar,
    address varchar, last_update date, check_date date, days_since_update integer,
    rule_id varchar, limit_days integer, warn_days integer, rule_description varchar,
    status varchar
);
create table if not exists marts.annex_quarter (
    county varchar, quarter varchar, annex integer, subject varchar, kinds_wording varchar,
    title_pattern varchar, title varchar, count_header varchar, declared_total integer,
    items_published integer, rows integer, units integer
);
create schema if not exists intermediate;
create table if not exists intermediate.int_tiers (
    county varchar, tier varchar, tier_rank integer
);
"""

TIER_RANKS = {notice.TIER_GOOD: 1, notice.TIER_PARTIAL: 2, notice.TIER_LATE: 3}
UNIT_KINDS = ("政府部门", "乡镇", "工业集中区", "城市社区")
UNATTRIBUTED = "未归属单位"
DUE_QUARTERS = {
    "quarterly": {1, 2, 3, 4},
    "early_year": {1, 2},
    "late_year": {3, 4},
    "year_end": {4},
}


def _reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class QuarterInput:
    """What the ingest would have landed for one county and quarter."""

    quarter: str
    annex1: Sequence[AnnexRow]
    annex2: Sequence[AnnexRow]
    annex1_declared: int
    annex2_declared: int
    tier_lists: dict[str, list[str]]  # reviewer's lists, with the notice's unit names
    county: str = notice.COUNTY


SAMPLE_2020Q1 = QuarterInput(
    quarter=notice.QUARTER,
    annex1=notice.ANNEX1_ROWS,
    annex2=notice.ANNEX2_ROWS,
    annex1_declared=notice.ANNEX1_DECLARED_TOTAL,
    annex2_declared=notice.ANNEX2_DECLARED_TOTAL,
    tier_lists=notice.TIER_LISTS,
)


def _change(current: int, previous: int | None) -> int | None:
    return None if previous is None else current - previous


def contract_marts(
    data: QuarterInput, previous: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The five marts of one county-quarter as the contract defines them, as rows per table."""
    quarter = Quarter.parse(data.quarter)
    units = [u for u in _reference("units.csv") if u["county"] == data.county]
    by_name = {u["unit_name"]: u["unit_id"] for u in units}
    by_name |= {u["unit_short_name"]: u["unit_id"] for u in units}
    by_name |= {a["alias"]: a["unit_id"] for a in _reference("unit_aliases.csv")}
    catalogue = {_normalise(c["column_name"]): c for c in _reference("columns.csv")}
    unit_of = {u["unit_id"]: u for u in units}

    columns = []
    for annex, rows in ((1, data.annex1), (2, data.annex2)):
        for position, row in enumerate(rows, start=1):
            name = _normalise(row.column_name)
            entry = catalogue.get(name)
            unit_id = by_name.get(_normalise(row.unit_name))
            unit_name = unit_of[unit_id]["unit_name"] if unit_id else _normalise(row.unit_name)
            columns.append({
                "county": data.county, "quarter": data.quarter, "annex": annex,
                "annex_position": position, "row_number": row.row_number, "column_name": name,
                "column_name_raw": row.column_name, "item_count": int(row.item_count),
                "unit_id": unit_id, "unit_name_raw": row.unit_name,
                "unit_name": unit_name,
                "note": row.note or None, "topic_group": entry["topic_group"] if entry else None,
                "cadence": entry["cadence"] if entry else None,
                "is_due": bool(entry) and quarter.number in DUE_QUARTERS[entry["cadence"]],
                "in_catalogue": entry is not None, "source_file": f"附件{annex}.xlsx",
                "source_sheet": "Sheet1", "source_row": position + 2,
            })  # fmt: skip

    reviewer = {
        by_name[name]: (tier, position)
        for tier, names in data.tier_lists.items()
        for position, name in enumerate(names, start=1)
    }
    previous_items = {
        u["unit_id"]: u["items_published"] for u in (previous or {}).get("unit_quarter", [])
    }
    unit_rows = []
    for unit in units:
        mine = [c for c in columns if c["unit_id"] == unit["unit_id"]]
        items = sum(c["item_count"] for c in mine)
        missed = sum(1 for c in mine if c["is_due"] and c["item_count"] == 0)
        if items == 0:
            rule_id, rule_tier = "no_items", notice.TIER_LATE
        elif missed:
            rule_id, rule_tier = "due_column_missed", notice.TIER_PARTIAL
        else:
            rule_id, rule_tier = "otherwise", notice.TIER_GOOD
        reviewer_tier, list_position = reviewer.get(unit["unit_id"], (None, None))
        tier = reviewer_tier or rule_tier
        before = previous_items.get(unit["unit_id"]) if previous else None
        unit_rows.append({
            "county": data.county, "quarter": data.quarter, "unit_id": unit["unit_id"],
            "unit_name": unit["unit_name"], "unit_short_name": unit["unit_short_name"],
            "unit_kind": unit["unit_kind"], "display_order": int(unit["display_order"]),
            "items_published": items, "columns_responsible": len(mine),
            "columns_due": sum(1 for c in mine if c["is_due"]),
            "due_columns_without_update": missed, "rule_id": rule_id, "rule_tier": rule_tier,
            "reviewer_tier": reviewer_tier, "reviewer_list_position": list_position,
            "reviewer_reason": notice.assessment_reason(reviewer_tier) if reviewer_tier else None,
            "tier": tier, "tier_rank": TIER_RANKS[tier],
            "tier_source": "reviewer" if reviewer_tier else "rule", "tier_position": None,
            "has_reviewer_assessment": reviewer_tier is not None,
            "tiers_disagree": reviewer_tier is not None and reviewer_tier != rule_tier,
            "reason": notice.assessment_reason(reviewer_tier) if reviewer_tier else rule_id,
            "items_published_previous_quarter": before, "items_change": _change(items, before),
            "listed_in_notice": reviewer_tier is not None,
        })  # fmt: skip
    for tier in TIER_RANKS:
        members = [u for u in unit_rows if u["tier"] == tier]
        members.sort(
            key=lambda u: (u["tier_source"] != "reviewer", u["reviewer_list_position"] or 0,
                           u["display_order"])
        )  # fmt: skip
        for position, unit in enumerate(members, start=1):
            unit["tier_position"] = position

    kind_of = {u["unit_id"]: u["unit_kind"] for u in units}
    previous_categories = {
        (c["category_type"], c["category"]): c["items_published"]
        for c in (previous or {}).get("category_quarter", [])
    }
    categories = []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for kind in (*UNIT_KINDS, UNATTRIBUTED):
        groups[("unit_kind", kind)] = []
    for column in columns:
        kind = kind_of.get(column["unit_id"], UNATTRIBUTED)
        groups[("unit_kind", kind)].append(column)
        groups.setdefault(("topic_group", column["topic_group"]), []).append(column)
        groups.setdefault(("annex", f"附件{column['annex']}"), []).append(column)
    order: dict[str, int] = {}
    for (category_type, category), members in groups.items():
        order[category_type] = order.get(category_type, 0) + 1
        items = sum(c["item_count"] for c in members)
        before = previous_categories.get((category_type, category)) if previous else None
        if category_type == "unit_kind" and category != UNATTRIBUTED:
            unit_count = sum(1 for u in units if u["unit_kind"] == category)
        else:
            unit_count = len({c["unit_id"] for c in members if c["unit_id"]})
        categories.append({
            "county": data.county, "quarter": data.quarter, "category_type": category_type,
            "category": category, "category_order": order[category_type],
            "items_published": items, "units": unit_count, "columns": len(members),
            "items_previous_quarter": before, "items_change": _change(items, before),
        })  # fmt: skip

    declared = {1: data.annex1_declared, 2: data.annex2_declared}
    kinds = sorted(
        (k for k in _reference("unit_kinds.csv") if k["county"] == data.county),
        key=lambda k: int(k["kind_order"]),
    )
    annexes = []
    for annex in _reference("annexes.csv"):
        if annex["county"] != data.county:
            continue
        number = int(annex["annex"])
        rows_of = [c for c in columns if c["annex"] == number]
        annexes.append({
            "county": data.county, "quarter": data.quarter, "annex": number,
            "subject": annex["subject"],
            "kinds_wording": "、".join(k["unit_kind"] for k in kinds if int(k["annex"]) == number),
            "title_pattern": annex["title_pattern"], "title": None,
            "count_header": f"{quarter.chinese}公开数量", "declared_total": declared[number],
            "items_published": sum(c["item_count"] for c in rows_of), "rows": len(rows_of),
            "units": len({c["unit_id"] for c in rows_of if c["unit_id"]}),
        })  # fmt: skip

    total = sum(c["item_count"] for c in columns)
    before_total = previous["quarter_summary"][0]["total_items"] if previous else None
    summary = {
        "county": data.county, "quarter": data.quarter, "total_items": total,
        "department_items": sum(c["item_count"] for c in columns if c["annex"] == 1),
        "township_items": sum(c["item_count"] for c in columns if c["annex"] == 2),
        "annex1_declared_total": data.annex1_declared,
        "annex2_declared_total": data.annex2_declared, "units_checked": len(unit_rows),
        "units_good": sum(u["tier_rank"] == 1 and u["listed_in_notice"] for u in unit_rows),
        "units_partial": sum(u["tier_rank"] == 2 and u["listed_in_notice"] for u in unit_rows),
        "units_late": sum(u["tier_rank"] == 3 and u["listed_in_notice"] for u in unit_rows),
        "units_tiers_disagree": sum(u["tiers_disagree"] for u in unit_rows),
        "units_without_assessment": sum(not u["has_reviewer_assessment"] for u in unit_rows),
        "unattributed_items": sum(c["item_count"] for c in columns if c["unit_id"] is None),
        "previous_total_items": before_total, "total_change": _change(total, before_total),
        "units_assessed": sum(u["has_reviewer_assessment"] for u in unit_rows),
        "units_rule_agrees_with_reviewer": sum(
            u["has_reviewer_assessment"] and not u["tiers_disagree"] for u in unit_rows
        ),
    }  # fmt: skip
    return {
        "unit_quarter": unit_rows,
        "column_quarter": columns,
        "category_quarter": categories,
        "quarter_summary": [summary],
        "annex_quarter": annexes,
    }


def write_contract_marts(path: Path, *quarters: dict[str, list[dict[str, Any]]]) -> Path:
    """Create the marts tables in a DuckDB file and insert the given county-quarters."""
    with connect(path) as connection:
        connection.execute(MART_DDL)
        for tables in quarters:
            (county,) = {row["county"] for row in tables["quarter_summary"]}
            known = "select count(*) from intermediate.int_tiers where county = ?"
            if connection.execute(known, [county]).fetchone() == (0,):
                connection.executemany(
                    "insert into intermediate.int_tiers values (?, ?, ?)",
                    [(county, tier, rank) for tier, rank in TIER_RANKS.items()],
                )
            for table, rows in tables.items():
                names = list(rows[0])
                connection.executemany(
                    f"insert into marts.{table} ({', '.join(names)})"
                    f" values ({', '.join('?' for _ in names)})",
                    [[row[name] for name in names] for row in rows],
                )
    return path


def sample_warehouse(path: Path) -> Path:
    return write_contract_marts(path, contract_marts(SAMPLE_2020Q1))


def test_reader_returns_the_contracts_2020q1_figures(tmp_path: Path) -> None:
    (county,) = read_notices(sample_warehouse(tmp_path / "w.duckdb"), Quarter(2020, 1))

    assert (county.county, county.quarter.key) == ("崇信县", "2020-Q1")
    summary = county.summary
    assert summary.total_items == 262 and summary.units_checked == 35
    assert [(a.label, a.items_published, a.declared_total) for a in county.annexes] == [
        ("附件1", 248, 248),
        ("附件2", 14, 14),
    ]
    assert [a.kinds_wording for a in county.annexes] == ["政府部门", "乡镇、工业集中区、城市社区"]
    assert county.annexes[0].title == notice.ANNEX1_TITLE
    assert [t.tier for t in county.tiers] == list(notice.TIER_LISTS)
    assert summary.previous_total_items is None and not county.has_previous_quarter
    assert [line.row_number for line in county.annex(1)] == list(range(1, 44))
    assert [line.column_name_raw for line in county.annex(2)] == [
        row.column_name for row in notice.ANNEX2_ROWS
    ]
    kinds = {c.category: c.items_published for c in county.categories_of("unit_kind")}
    assert kinds == {"政府部门": 248, "乡镇": 9, "工业集中区": 3, "城市社区": 2, UNATTRIBUTED: 0}
    assert sum(c.items_published for c in county.categories_of("topic_group")) == 262
    # Units come ordered by tier, then position in the published list.
    assert [(u.tier_rank, u.tier_position) for u in county.units] == sorted(
        (u.tier_rank, u.tier_position) for u in county.units
    )
    (nongban,) = [u for u in county.units if u.unit_short_name == "农办"]
    assert (nongban.tier_source, nongban.has_reviewer_assessment) == ("rule", False)


def test_reader_refuses_a_quarter_the_marts_do_not_hold(tmp_path: Path) -> None:
    with pytest.raises(MartsMissingError, match="找不到数据仓库文件"):
        read_notices(tmp_path / "w.duckdb", Quarter(2020, 1))
    with connect(tmp_path / "w.duckdb") as connection:
        connection.execute("create schema raw")
    with pytest.raises(MartsMissingError, match="还没有汇总表"):
        read_notices(tmp_path / "w.duckdb", Quarter(2020, 1))
    path = sample_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(MartsMissingError, match="2020-Q2"):
        read_notices(path, Quarter(2020, 2))


TEMPLATES_DIR = REFERENCE_DIR / TEMPLATES_FOLDER
# The day the 2020-Q1 notice was issued.
ISSUE_DATE = date(2020, 4, 16)


def export_sample(tmp_path: Path) -> CountyExport:
    """Export 2020-Q1 from contract marts into tmp_path/exports; the county's export."""
    (export,) = export_quarter(
        sample_warehouse(tmp_path / "w.duckdb"),
        tmp_path / "exports",
        Quarter.parse(notice.QUARTER),
        TEMPLATES_DIR,
        ISSUE_DATE,
    )
    return export

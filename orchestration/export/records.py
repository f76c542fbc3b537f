"""Read one quarter of the marts into plain records: the only place the export touches DuckDB.

Writers get frozen dataclasses, never a connection or a dataframe, so they can be tested and
timed without a warehouse and cannot change it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from orchestration.quarters import Quarter
from orchestration.warehouse import TIERS_VIEW

if TYPE_CHECKING:
    import duckdb

    from orchestration.export.timeliness_sheet import ColumnTimeliness

MART_MODELS = (
    "unit_quarter",
    "column_quarter",
    "category_quarter",
    "quarter_summary",
    "annex_quarter",
)


@dataclass(frozen=True)
class AnnexLine:
    """One data row of an annex table, with the column and unit names as the clerk wrote them."""

    annex: int
    annex_position: int
    row_number: int | None
    column_name_raw: str
    item_count: int
    unit_name_raw: str
    unit_id: str | None  # None for a row attributed to no unit (相关部门)
    note: str | None


@dataclass(frozen=True)
class AnnexTable:
    """One annex table the county publishes, with the words its title and figures use."""

    number: int
    subject: str  # the clerk's short word for the table: 政府部门
    kinds_wording: str  # the group the notice names: 乡镇、街道
    title: str
    count_header: str
    declared_total: int | None
    items_published: int

    @property
    def label(self) -> str:
        """'附件1'."""
        return f"附件{self.number}"


@dataclass(frozen=True)
class AnnexQuarterRow:
    """A row of marts.annex_quarter: a declared annex, its clerk's title and header if any."""

    annex: int
    subject: str
    kinds_wording: str
    title_pattern: str
    title: str | None
    count_header: str | None
    declared_total: int | None
    items_published: int

    def table(self, county: str, quarter: Quarter) -> AnnexTable:
        """The annex as published: the clerk's own title and header, else the county's pattern."""
        title = self.title or self.title_pattern.format(
            county=county,
            year=quarter.year,
            quarter_ordinal=quarter.chinese_ordinal,
            quarter_chinese=quarter.chinese,
        )
        return AnnexTable(
            number=self.annex,
            subject=self.subject,
            kinds_wording=self.kinds_wording,
            title=title,
            count_header=self.count_header or f"{quarter.chinese}公开数量",
            declared_total=self.declared_total,
            items_published=self.items_published,
        )


@dataclass(frozen=True)
class Tier:
    """One published list: its rank (1 = best) and its label, from the county's tier rules."""

    tier_rank: int
    tier: str


@dataclass(frozen=True)
class UnitTier:
    """One checked unit: what it published and which tier list it belongs to, and why."""

    unit_id: str
    unit_name: str
    unit_short_name: str
    unit_kind: str
    display_order: int
    # None when the county sent no annex this quarter: not measured (int_unit_activity)
    items_published: int | None
    columns_responsible: int | None
    columns_due: int | None
    due_columns_without_update: int | None
    rule_id: str | None
    rule_tier: str | None
    reviewer_tier: str | None
    reviewer_list_position: int | None
    tier: str
    tier_rank: int
    tier_source: str
    tier_position: int
    has_reviewer_assessment: bool
    tiers_disagree: bool
    reason: str | None
    items_published_previous_quarter: int | None
    items_change: int | None
    listed_in_notice: bool  # decided in dbt (int_unit_tiers): the reviewer placed the unit


@dataclass(frozen=True)
class CategoryTotal:
    category_type: str
    category: str
    category_order: int
    items_published: int
    units: int
    columns: int
    items_previous_quarter: int | None
    items_change: int | None


@dataclass(frozen=True)
class QuarterSummary:
    """The county's totals for the quarter (per annex figures are in `AnnexTable`)."""

    total_items: int
    units_checked: int
    units_tiers_disagree: int
    units_assessed: int
    units_rule_agrees_with_reviewer: int
    unattributed_items: int
    previous_total_items: int | None
    total_change: int | None


@dataclass(frozen=True)
class CountyQuarterNotice:
    """Everything the workbook and the draft of one county's notice for one quarter show."""

    county: str
    quarter: Quarter
    summary: QuarterSummary
    annex_lines: tuple[AnnexLine, ...]
    units: tuple[UnitTier, ...]  # ordered by tier_rank, then tier_position
    categories: tuple[CategoryTotal, ...]  # ordered by category_type, then category_order
    annexes: tuple[AnnexTable, ...]  # the county's declared tables, by number
    tiers: tuple[Tier, ...]  # by rank
    # the check record's columns, in the order a clerk works through them (empty: no record)
    timeliness: tuple[ColumnTimeliness, ...] = ()

    def annex(self, number: int) -> tuple[AnnexLine, ...]:
        return tuple(line for line in self.annex_lines if line.annex == number)

    def categories_of(self, category_type: str) -> tuple[CategoryTotal, ...]:
        return tuple(c for c in self.categories if c.category_type == category_type)

    @property
    def has_previous_quarter(self) -> bool:
        return self.summary.previous_total_items is not None


class MartsMissingError(LookupError):
    """The marts hold nothing for the quarter asked for."""


Record = TypeVar("Record")


def _select(
    connection: duckdb.DuckDBPyConnection,
    record: type[Record],
    table: str,
    quarter: Quarter,
    order_by: str,
) -> dict[str, tuple[Record, ...]]:
    """The quarter's rows of one mart for every county at once, grouped by county, in order.

    One query per mart, not per county: a nation's 2,800 counties would otherwise cost 11,200
    round trips (~13 s).
    """
    columns = [field.name for field in fields(record)]  # type: ignore[arg-type]
    rows = connection.execute(
        f"select county, {', '.join(columns)} from marts.{table}"
        f" where quarter = ? order by county, {order_by}",
        [quarter.key],
    ).fetchall()
    by_county: dict[str, list[Record]] = {}
    for county, *values in rows:
        by_county.setdefault(county, []).append(record(**dict(zip(columns, values, strict=True))))
    return {county: tuple(records) for county, records in by_county.items()}


def _notices(connection: duckdb.DuckDBPyConnection, quarter: Quarter) -> list[CountyQuarterNotice]:
    summaries = _select(connection, QuarterSummary, "quarter_summary", quarter, "total_items")
    annex_lines = _select(connection, AnnexLine, "column_quarter", quarter, "annex, annex_position")
    units = _select(connection, UnitTier, "unit_quarter", quarter, "tier_rank, tier_position")
    categories = _select(
        connection, CategoryTotal, "category_quarter", quarter, "category_type, category_order"
    )
    annexes = _select(connection, AnnexQuarterRow, "annex_quarter", quarter, "annex")
    from orchestration.export.timeliness_sheet import read_column_timeliness

    timeliness = read_column_timeliness(connection, quarter)
    tiers: dict[str, list[Tier]] = {}
    for county, rank, label in connection.execute(
        f"select county, tier_rank, tier from {'.'.join(TIERS_VIEW)} order by county, tier_rank"
    ).fetchall():
        tiers.setdefault(county, []).append(Tier(rank, label))
    notices = []
    for county, county_summaries in summaries.items():
        if len(county_summaries) != 1:
            raise MartsMissingError(
                f"汇总表中{county}{quarter.key}应有一行，实有{len(county_summaries)}行。"
                f" / marts.quarter_summary should hold one row for {county} {quarter.key},"
                f" found {len(county_summaries)}."
            )
        notices.append(
            CountyQuarterNotice(
                county=county,
                quarter=quarter,
                summary=county_summaries[0],
                annex_lines=annex_lines.get(county, ()),
                units=units.get(county, ()),
                categories=categories.get(county, ()),
                annexes=tuple(row.table(county, quarter) for row in annexes.get(county, ())),
                tiers=tuple(tiers.get(county, ())),
                timeliness=timeliness.get(county, ()),
            )
        )
    return notices


def read_notices(warehouse_path: Path, quarter: Quarter) -> list[CountyQuarterNotice]:
    """Every county's notice data for the quarter, read over one read-only connection."""
    import duckdb

    from orchestration.warehouse import connect

    if not warehouse_path.is_file():
        raise MartsMissingError(
            f"找不到数据仓库文件{warehouse_path}，请先导入并生成{quarter.key}。"
            f" / No warehouse at {warehouse_path}: ingest and build {quarter.key} first."
        )
    with connect(warehouse_path, read_only=True) as connection:
        try:
            notices = _notices(connection, quarter)
        except duckdb.CatalogException as error:
            raise MartsMissingError(
                f"仓库中还没有汇总表（marts），请先生成{quarter.key}的汇总。"
                f" / The warehouse has no marts yet: build {quarter.key} first."
            ) from error
    if not notices:
        raise MartsMissingError(
            f"仓库中没有{quarter.key}的汇总数据，请先导入并生成该季度。"
            f" / The marts hold no data for {quarter.key}: ingest and build that quarter first."
        )
    return notices

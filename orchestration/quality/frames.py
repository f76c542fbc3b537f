"""Reconciliation queries: one frame per checked table, read from the warehouse for one quarter.

Every frame carries the same location columns, so a failing expectation can show a clerk where
to look: county, item (what is compared), file, sheet, row, unit, column. The value columns each
suite checks follow. Queries take $quarter ('2020-Q1') and $quarter_number (1..4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

LOCATION_COLUMNS = ("county", "item", "file", "sheet", "row", "unit", "column")

# The counties that have anything for the quarter, raw or mart: a county whose marts are missing
# must still be reconciled (and fail), so the marts' counties count too where they are read.
_RAW_COUNTIES = """
quarter_counties as (
    select county from raw.source_files where quarter = $quarter
    union
    select county from raw.annex_totals where quarter = $quarter
    union
    select county from raw.annex_rows where quarter = $quarter
)"""

ANNEX_TOTALS = f"""
with {_RAW_COUNTIES},
declared as (
    select county, annex, declared_total, source_file, source_sheet, source_row
    from raw.annex_totals
    where quarter = $quarter
),
summed as (
    select
        county, annex, sum(item_count)::bigint as items,
        min(source_file) as source_file, min(source_sheet) as source_sheet
    from raw.annex_rows
    where quarter = $quarter
    group by county, annex
),
final as (
    select
        coalesce(declared.county, summed.county) as county,
        '附件' || coalesce(declared.annex, summed.annex) || '合计' as item,
        coalesce(declared.source_file, summed.source_file) as file,
        coalesce(declared.source_sheet, summed.source_sheet) as sheet,
        declared.source_row as row,
        null::varchar as unit,
        '合计' as "column",
        declared.declared_total::bigint as declared_total,
        coalesce(summed.items, 0)::bigint as rows_sum
    from declared
    full outer join summed
        on declared.county = summed.county and declared.annex = summed.annex
)
select * from final order by county, item
"""

ANNEX_ROWS = """
with final as (
    select
        county,
        '附件' || annex || ' 序号' || coalesce(row_number::varchar, '（空）') as item,
        source_file as file,
        source_sheet as sheet,
        source_row as row,
        unit_name_raw as unit,
        column_name_raw as "column",
        item_count,
        coalesce(unit_id, unit_name) as unit_key,
        column_name
    from raw.annex_rows
    where quarter = $quarter
)
select * from final order by county, file, sheet, row
"""

DUE_COLUMNS = f"""
with {_RAW_COUNTIES},
due as (
    select ref_columns.county, ref_columns.annex, ref_columns.catalogue_order,
        ref_columns.column_name
    from ref_columns
    inner join ref_cadences on ref_columns.cadence = ref_cadences.cadence
    inner join quarter_counties on ref_columns.county = quarter_counties.county
    where list_contains(string_split(ref_cadences.due_quarters, '|'), $quarter_number::varchar)
),
present as (
    select county, column_name, count(*) as rows_found
    from raw.annex_rows
    where quarter = $quarter
    group by county, column_name
),
annex_files as (
    select county, annex, source_file, source_sheet
    from raw.annex_totals
    where quarter = $quarter
),
final as (
    select
        due.county,
        '附件' || due.annex || '目录第' || due.catalogue_order || '项' as item,
        annex_files.source_file as file,
        annex_files.source_sheet as sheet,
        null::integer as row,
        null::varchar as unit,
        due.column_name as "column",
        coalesce(present.rows_found, 0)::bigint as rows_found,
        due.annex,
        due.catalogue_order
    from due
    left join present
        on due.county = present.county and due.column_name = present.column_name
    left join annex_files on due.county = annex_files.county and due.annex = annex_files.annex
)
select * exclude (annex, catalogue_order) from final order by county, annex, catalogue_order
"""

UNIT_COVERAGE = f"""
with {_RAW_COUNTIES},
registered as (
    select ref_units.county, ref_units.unit_id, ref_units.unit_name, ref_units.display_order
    from ref_units
    inner join quarter_counties on ref_units.county = quarter_counties.county
),
annex_units as (
    select
        county, unit_id, unit_name, count(*) as annex_rows,
        min(source_file) as source_file, min(source_sheet) as source_sheet,
        min(source_row) as source_row
    from raw.annex_rows
    where quarter = $quarter
    group by county, unit_id, unit_name
),
final as (
    select
        coalesce(registered.county, annex_units.county) as county,
        '责任单位' as item,
        annex_units.source_file as file,
        annex_units.source_sheet as sheet,
        annex_units.source_row as row,
        coalesce(registered.unit_name, annex_units.unit_name) as unit,
        null::varchar as "column",
        coalesce(registered.unit_id, annex_units.unit_id) as unit_id,
        coalesce(annex_units.annex_rows, 0)::bigint as annex_rows,
        registered.unit_id is not null or (
            annex_units.unit_id is null and exists (
                select 1 from ref_non_units
                where ref_non_units.county = annex_units.county
                    and ref_non_units.name = annex_units.unit_name
            )
        ) as registered,
        registered.display_order
    from registered
    full outer join annex_units
        on registered.county = annex_units.county and registered.unit_id = annex_units.unit_id
)
select * exclude (display_order) from final order by county, display_order nulls last, unit
"""

REVIEWER_COVERAGE = f"""
with {_RAW_COUNTIES},
assessment_files as (
    select county, string_agg(distinct source_file, '、') as source_file
    from raw.source_files
    where quarter = $quarter and content like '%assessment%'
    group by county
),
assessments as (
    select county, unit_id, count(*) as assessments, min(reviewer_tier) as reviewer_tier,
        min(source_file) as source_file, min(source_sheet) as source_sheet,
        min(source_row) as source_row
    from raw.reviewer_assessments
    where quarter = $quarter
    group by county, unit_id
),
final as (
    select
        ref_units.county,
        '核查意见' as item,
        coalesce(assessments.source_file, assessment_files.source_file) as file,
        assessments.source_sheet as sheet,
        assessments.source_row as row,
        ref_units.unit_name as unit,
        null::varchar as "column",
        ref_units.unit_id,
        coalesce(assessments.assessments, 0)::bigint as assessments,
        assessments.reviewer_tier,
        ref_units.display_order
    from ref_units
    inner join quarter_counties on ref_units.county = quarter_counties.county
    left join assessments
        on ref_units.county = assessments.county and ref_units.unit_id = assessments.unit_id
    left join assessment_files on ref_units.county = assessment_files.county
)
select * exclude (display_order) from final order by county, display_order
"""

_QUARTER_COUNTIES_WITH_MARTS = f"""
with {_RAW_COUNTIES},
counties as (
    select county from quarter_counties
    union
    select county from marts.quarter_summary where quarter = $quarter
)"""

UNIT_TIERS = f"""
{_QUARTER_COUNTIES_WITH_MARTS},
registered as (
    select ref_units.county, ref_units.unit_id, ref_units.unit_name, ref_units.display_order
    from ref_units
    inner join counties on ref_units.county = counties.county
),
tiered as (
    select
        county, unit_id, min(unit_name) as unit_name, count(*) as tier_rows,
        -- a unit listed without a tier shows as （空） so the tier-label expectation catches it
        string_agg(distinct coalesce(tier, '（空）'), '、') as tier
    from marts.unit_quarter
    where quarter = $quarter
    group by county, unit_id
),
final as (
    select
        coalesce(registered.county, tiered.county) as county,
        '分档' as item,
        null::varchar as file,
        null::varchar as sheet,
        null::integer as row,
        coalesce(registered.unit_name, tiered.unit_name, tiered.unit_id) as unit,
        null::varchar as "column",
        coalesce(tiered.tier_rows, 0)::bigint as tier_rows,
        tiered.tier,
        registered.unit_id is not null as registered,
        registered.display_order
    from registered
    full outer join tiered
        on registered.county = tiered.county and registered.unit_id = tiered.unit_id
)
select * exclude (display_order) from final order by county, display_order nulls last, unit
"""

UNIT_TOTALS = f"""
{_QUARTER_COUNTIES_WITH_MARTS},
raw_units as (
    select county, unit_id, sum(item_count)::bigint as items, count(*)::bigint as columns
    from raw.annex_rows
    where quarter = $quarter and unit_id is not null
    group by county, unit_id
),
mart_units as (
    select county, unit_id, unit_name, items_published, columns_responsible
    from marts.unit_quarter
    where quarter = $quarter
),
unit_keys as (
    select ref_units.county, ref_units.unit_id from ref_units
    inner join counties on ref_units.county = counties.county
    union
    select county, unit_id from raw_units
    union
    select county, unit_id from mart_units
),
compared as (
    select
        unit_keys.county,
        unit_keys.unit_id,
        coalesce(ref_units.unit_name, mart_units.unit_name, unit_keys.unit_id) as unit,
        coalesce(raw_units.items, 0) as raw_items,
        mart_units.items_published::bigint as mart_items,
        coalesce(raw_units.columns, 0) as raw_columns,
        mart_units.columns_responsible::bigint as mart_columns,
        ref_units.display_order
    from unit_keys
    left join ref_units
        on unit_keys.county = ref_units.county and unit_keys.unit_id = ref_units.unit_id
    left join raw_units
        on unit_keys.county = raw_units.county and unit_keys.unit_id = raw_units.unit_id
    left join mart_units
        on unit_keys.county = mart_units.county and unit_keys.unit_id = mart_units.unit_id
),
final as (
    select county, '单位公开数量' as item, null::varchar as file, null::varchar as sheet,
        null::integer as row, unit, null::varchar as "column",
        raw_items as expected, mart_items as found, display_order, 1 as measure
    from compared
    union all
    select county, '单位负责栏目数' as item, null, null, null, unit, null,
        raw_columns, mart_columns, display_order, 2
    from compared
)
select * exclude (display_order, measure)
from final order by county, measure, display_order nulls last, unit
"""

COLUMN_COUNTS = """
with raw_rows as (
    select county, source_file, source_sheet, source_row, unit_name_raw, column_name_raw,
        item_count
    from raw.annex_rows
    where quarter = $quarter
),
mart_rows as (
    select county, source_file, source_sheet, source_row, unit_name_raw, column_name_raw,
        item_count
    from marts.column_quarter
    where quarter = $quarter
),
final as (
    select
        coalesce(raw_rows.county, mart_rows.county) as county,
        '栏目公开数量' as item,
        coalesce(raw_rows.source_file, mart_rows.source_file) as file,
        coalesce(raw_rows.source_sheet, mart_rows.source_sheet) as sheet,
        coalesce(raw_rows.source_row, mart_rows.source_row) as row,
        coalesce(raw_rows.unit_name_raw, mart_rows.unit_name_raw) as unit,
        coalesce(raw_rows.column_name_raw, mart_rows.column_name_raw) as "column",
        raw_rows.item_count::bigint as expected,
        mart_rows.item_count::bigint as found
    from raw_rows
    full outer join mart_rows
        on raw_rows.county = mart_rows.county
        and raw_rows.source_file = mart_rows.source_file
        and raw_rows.source_sheet = mart_rows.source_sheet
        and raw_rows.source_row = mart_rows.source_row
)
select * from final order by county, file, sheet, row
"""

# Categories as THE MART CONTRACT defines them, recomputed from the raw rows and the registry.
CATEGORY_TOTALS = f"""
{_QUARTER_COUNTIES_WITH_MARTS},
raw_rows as (
    select
        raw_rows.county, raw_rows.annex, raw_rows.item_count,
        coalesce(ref_units.unit_kind, '未归属单位') as unit_kind,
        -- columns outside the catalogue are grouped as the marts group them
        coalesce(ref_columns.topic_group, '未编目栏目') as topic_group
    from raw.annex_rows as raw_rows
    left join ref_units
        on raw_rows.county = ref_units.county and raw_rows.unit_id = ref_units.unit_id
    left join ref_columns
        on raw_rows.county = ref_columns.county
        and raw_rows.column_name = ref_columns.column_name
    where raw_rows.quarter = $quarter
),
raw_categories as (
    select county, 'unit_kind' as category_type, unit_kind as category, sum(item_count) as items
    from raw_rows group by all
    union all
    select county, 'topic_group', topic_group, sum(item_count) from raw_rows group by all
    union all
    select county, 'annex', '附件' || annex, sum(item_count) from raw_rows group by all
),
mart_categories as (
    select county, category_type, category, items_published
    from marts.category_quarter
    where quarter = $quarter
),
final as (
    select
        coalesce(raw_categories.county, mart_categories.county) as county,
        case coalesce(raw_categories.category_type, mart_categories.category_type)
            when 'unit_kind' then '单位类型'
            when 'topic_group' then '栏目分组'
            when 'annex' then '附件'
            else coalesce(raw_categories.category_type, mart_categories.category_type)
        end || '：' || coalesce(raw_categories.category, mart_categories.category) as item,
        null::varchar as file,
        null::varchar as sheet,
        null::integer as row,
        null::varchar as unit,
        null::varchar as "column",
        -- a category the marts list with no raw rows (e.g. 未归属单位) must show 0
        coalesce(raw_categories.items, 0)::bigint as expected,
        mart_categories.items_published::bigint as found
    from raw_categories
    full outer join mart_categories
        on raw_categories.county = mart_categories.county
        and raw_categories.category_type = mart_categories.category_type
        and raw_categories.category = mart_categories.category
    where raw_categories.county in (select county from counties)
        or mart_categories.county in (select county from counties)
)
select * from final order by county, item
"""

QUARTER_TOTALS = f"""
{_QUARTER_COUNTIES_WITH_MARTS},
raw_totals as (
    select
        county,
        sum(item_count)::bigint as total,
        sum(item_count) filter (where annex = 1)::bigint as department,
        sum(item_count) filter (where annex = 2)::bigint as township,
        coalesce(sum(item_count) filter (where unit_id is null), 0)::bigint as unattributed
    from raw.annex_rows
    where quarter = $quarter
    group by county
),
declared as (
    select
        county,
        max(declared_total) filter (where annex = 1)::bigint as annex1,
        max(declared_total) filter (where annex = 2)::bigint as annex2
    from raw.annex_totals
    where quarter = $quarter
    group by county
),
registry as (
    select county, count(*)::bigint as units from ref_units group by county
),
summary as (
    select * from marts.quarter_summary where quarter = $quarter
),
base as (
    select
        counties.county,
        raw_totals.total, raw_totals.department, raw_totals.township, raw_totals.unattributed,
        declared.annex1, declared.annex2, registry.units,
        summary.total_items::bigint as total_items,
        summary.department_items::bigint as department_items,
        summary.township_items::bigint as township_items,
        summary.annex1_declared_total::bigint as annex1_declared_total,
        summary.annex2_declared_total::bigint as annex2_declared_total,
        summary.units_checked::bigint as units_checked,
        (summary.units_good + summary.units_partial + summary.units_late)::bigint as units_tiered,
        summary.unattributed_items::bigint as unattributed_items
    from counties
    left join raw_totals on counties.county = raw_totals.county
    left join declared on counties.county = declared.county
    left join registry on counties.county = registry.county
    left join summary on counties.county = summary.county
),
final as (
    select county, 1 as measure, '全县公开总数' as item, total as expected,
        total_items as found
    from base
    union all
    select county, 2, '政府部门（附件1）公开数量', department, department_items from base
    union all
    select county, 3, '乡镇、工业集中区、城市社区（附件2）公开数量', township, township_items
    from base
    union all
    select county, 4, '附件1 + 附件2 = 全县总数', department_items + township_items, total_items
    from base
    union all
    select county, 5, '附件1声明的合计', annex1, annex1_declared_total from base
    union all
    select county, 6, '附件2声明的合计', annex2, annex2_declared_total from base
    union all
    select county, 7, '参加核查的单位数', units, units_checked from base
    union all
    select county, 8, '分档单位数（三档相加）', units_checked, units_tiered from base
    union all
    select county, 9, '未归属单位（如相关部门）的公开数量', unattributed, unattributed_items
    from base
)
select
    county, item, null::varchar as file, null::varchar as sheet, null::integer as row,
    null::varchar as unit, null::varchar as "column", expected, found
from final order by county, measure
"""


def read_frame(
    connection: duckdb.DuckDBPyConnection, query: str, quarter: str, quarter_number: int
) -> pd.DataFrame:
    """Run one reconciliation query; NULLs come back as None so GX treats them as missing."""
    parameters = {"quarter": quarter, "quarter_number": quarter_number}
    used = {name: value for name, value in parameters.items() if f"${name}" in query}
    frame = connection.execute(query, used).df()
    return plain_frame(frame)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable extension dtypes to numpy ones, or to objects holding None where values are missing.

    GX's pandas metrics call bool() on pd.NA and fail ('boolean value of NA is ambiguous').
    """
    import pandas as pd

    columns = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
            if series.isna().any() or not pd.api.types.is_numeric_dtype(series.dtype):
                series = series.astype(object).where(series.notna(), None)
            else:
                series = series.to_numpy(dtype=series.dtype.numpy_dtype)
        columns[name] = series
    return pd.DataFrame(columns, index=frame.index)

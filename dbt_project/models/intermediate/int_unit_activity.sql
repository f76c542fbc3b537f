-- What each registered unit published in each loaded county-quarter, and which due columns it
-- left without an update, and (from the check record) how many of its columns are overdue, due
-- soon or empty. A unit with no annex row or check record row that quarter appears with zeros;
-- a metric whose input the county did not send (no annex, or no check record) is null, so no
-- tier rule on it applies (a county checked from its record alone has not published 0 items).
with

county_quarters as (
    select * from {{ ref('int_county_quarters') }}
),

units as (
    select * from {{ ref('units') }}
),

annex_columns as (
    select * from {{ ref('int_annex_columns') }}
),

column_timeliness as (
    select * from {{ ref('int_column_timeliness') }}
),

unit_columns as (
    select
        county,
        quarter,
        unit_id,
        cast(sum(item_count) as integer) as items_published,
        count(*) as columns_responsible,
        count(*) filter (where is_due) as columns_due,
        count(*) filter (where is_due and item_count = 0) as due_columns_without_update
    from annex_columns
    where unit_id is not null
    group by county, quarter, unit_id
),

unit_timeliness as (
    select
        county,
        quarter,
        unit_id,
        count(*) filter (where status = '已超期') as columns_overdue,
        count(*) filter (where status = '即将超期') as columns_due_soon,
        count(*) filter (where status = '空栏目') as columns_empty
    from column_timeliness
    where unit_id is not null
    group by county, quarter, unit_id
),

final as (
    select
        county_quarters.county,
        county_quarters.quarter,
        units.unit_id,
        {{ measured_by('county_quarters.has_annexes', 'unit_columns.items_published') }}
            as items_published,
        {{ measured_by('county_quarters.has_annexes', 'unit_columns.columns_responsible') }}
            as columns_responsible,
        {{ measured_by('county_quarters.has_annexes', 'unit_columns.columns_due') }}
            as columns_due,
        {{
            measured_by('county_quarters.has_annexes', 'unit_columns.due_columns_without_update')
        }} as due_columns_without_update,
        {{ measured_by('county_quarters.has_check_record', 'unit_timeliness.columns_overdue') }}
            as columns_overdue,
        {{ measured_by('county_quarters.has_check_record', 'unit_timeliness.columns_due_soon') }}
            as columns_due_soon,
        {{ measured_by('county_quarters.has_check_record', 'unit_timeliness.columns_empty') }}
            as columns_empty
    from county_quarters
    inner join units using (county)
    left join unit_columns using (county, quarter, unit_id)
    left join unit_timeliness using (county, quarter, unit_id)
)

select * from final

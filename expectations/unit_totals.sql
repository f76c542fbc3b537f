-- Per unit: items published and columns held, summed from the raw rows beside the mart's figures.
-- A unit with no raw rows expects 0, or nothing when its county sent no annex (the mart leaves
-- such a figure empty: not measured); a unit missing from the mart shows an empty 实际.
with

quarter_counties as (
    select county from checked_counties($quarter)
),

annex_counties as (
    select county from annex_counties($quarter)
),

units as (
    select * from reference.units
),

raw_units as (
    select
        county,
        unit_id,
        sum(item_count) as items,
        count(*) as columns
    from raw.annex_rows
    where quarter = $quarter and unit_id is not null
    group by county, unit_id
),

mart_units as (
    select
        county,
        unit_id,
        unit_name,
        items_published,
        columns_responsible
    from marts.unit_quarter
    where quarter = $quarter
),

unit_keys as (
    select
        units.county,
        units.unit_id
    from units
    inner join quarter_counties using (county)
    union
    select
        county,
        unit_id
    from raw_units
    union
    select
        county,
        unit_id
    from mart_units
),

compared as (
    select
        unit_keys.county,
        unit_keys.unit_id,
        coalesce(units.unit_name, mart_units.unit_name, unit_keys.unit_id) as unit,
        case
            when annex_counties.county is not null then coalesce(raw_units.items, 0)
        end::bigint as raw_items,
        mart_units.items_published::bigint as mart_items,
        case
            when annex_counties.county is not null then coalesce(raw_units.columns, 0)
        end::bigint as raw_columns,
        mart_units.columns_responsible::bigint as mart_columns,
        units.display_order
    from unit_keys
    left join units using (county, unit_id)
    left join raw_units using (county, unit_id)
    left join mart_units using (county, unit_id)
    left join annex_counties using (county)
),

final as (
    select
        county,
        1 as measure,
        '单位公开数量' as item,
        unit,
        raw_items as expected,
        mart_items as found,
        display_order
    from compared
    union all
    select
        county,
        2 as measure,
        '单位负责栏目数' as item,
        unit,
        raw_columns as expected,
        mart_columns as found,
        display_order
    from compared
)

select
    county,
    item,
    null::varchar as file,
    null::varchar as sheet,
    null::integer as row,
    unit,
    null::varchar as "column",
    expected,
    found
from final
order by county, measure, display_order nulls last, unit

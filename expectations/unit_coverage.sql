-- Every registered unit of the counties with annexes this quarter beside the annex rows naming it,
-- and every responsible unit of the annexes, registered or not.
with

annex_counties as (
    select county from annex_counties($quarter)
),

empty_annexes as (
    select * from empty_annexes($quarter)
),

-- a unit listed by an annex the clerk submitted empty published nothing: it is not missing
registered as (
    select
        units.county,
        units.unit_id,
        units.unit_name,
        units.display_order
    from registered_units($quarter) as units
    inner join annex_counties using (county)
    left join reference.unit_kinds as kinds using (county, unit_kind)
    left join empty_annexes
        on kinds.county = empty_annexes.county and kinds.annex = empty_annexes.annex
    where empty_annexes.annex is null
),

non_units as (
    select
        county,
        name
    from reference.non_units
),

annex_units as (
    select
        county,
        unit_id,
        unit_name,
        count(*) as annex_rows,
        min(source_file) as source_file,
        min(source_sheet) as source_sheet,
        min(source_row) as source_row
    from raw.annex_rows
    where quarter = $quarter
    group by county, unit_id, unit_name
),

final as (
    select
        county,
        '责任单位' as item,
        annex_units.source_file as file,
        annex_units.source_sheet as sheet,
        annex_units.source_row as row,
        coalesce(registered.unit_name, annex_units.unit_name) as unit,
        null::varchar as "column",
        unit_id,
        coalesce(annex_units.annex_rows, 0)::bigint as annex_rows,
        registered.unit_id is not null
        or (annex_units.unit_id is null and non_units.name is not null) as registered,
        registered.display_order
    from registered
    full outer join annex_units using (county, unit_id)
    left join non_units
        on
            annex_units.county = non_units.county
            and annex_units.unit_name = non_units.name
)

select * exclude (display_order) from final
order by county, display_order nulls last, unit

-- Every catalogue column dbt marks as due in this quarter (intermediate.int_column_cadence), for
-- each county with annexes this quarter, and how many annex rows list it.
with

quarter_counties as (
    select county from annex_counties($quarter)
),

empty_annexes as (
    select * from empty_annexes($quarter)
),

-- a column of an annex the clerk submitted empty had no update: it is not missing
due_columns as (
    select column_cadence.*
    from intermediate.int_column_cadence as column_cadence
    inner join quarter_counties using (county)
    left join empty_annexes using (county, annex)
    where
        column_cadence.quarter_number = $quarter_number
        and column_cadence.is_due
        and empty_annexes.annex is null
),

present as (
    select
        county,
        annex,
        column_name,
        count(*) as rows_found
    from raw.annex_rows
    where quarter = $quarter
    group by county, annex, column_name
),

annex_files as (
    select
        county,
        annex,
        source_file,
        source_sheet
    from raw.annex_totals
    where quarter = $quarter
),

final as (
    select
        due_columns.county,
        '附件' || due_columns.annex || '目录第' || due_columns.catalogue_order || '项' as item,
        annex_files.source_file as file,
        annex_files.source_sheet as sheet,
        null::integer as row,
        null::varchar as unit,
        due_columns.column_name as "column",
        coalesce(present.rows_found, 0)::bigint as rows_found,
        due_columns.annex,
        due_columns.catalogue_order
    from due_columns
    left join present using (county, annex, column_name)
    left join annex_files using (county, annex)
)

select * exclude (annex, catalogue_order) from final
order by county, annex, catalogue_order

-- Every annex row of the quarter beside its row in marts.column_quarter, matched by source
-- file, sheet and row: a row on one side only shows an empty 应为 or 实际.
with

raw_rows as (
    select
        county,
        source_file,
        source_sheet,
        source_row,
        unit_name_raw,
        column_name_raw,
        item_count
    from raw.annex_rows
    where quarter = $quarter
),

mart_rows as (
    select
        county,
        source_file,
        source_sheet,
        source_row,
        unit_name_raw,
        column_name_raw,
        item_count
    from marts.column_quarter
    where quarter = $quarter
),

final as (
    select
        county,
        '栏目公开数量' as item,
        source_file as file,
        source_sheet as sheet,
        source_row as row,
        coalesce(raw_rows.unit_name_raw, mart_rows.unit_name_raw) as unit,
        coalesce(raw_rows.column_name_raw, mart_rows.column_name_raw) as "column",
        raw_rows.item_count::bigint as expected,
        mart_rows.item_count::bigint as found
    from raw_rows
    full outer join mart_rows using (county, source_file, source_sheet, source_row)
)

select * from final
order by county, file, sheet, row

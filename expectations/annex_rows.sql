-- Every annex data row of the quarter, where a clerk finds it, with the values the rules check.
with

annex_rows as (
    select * from raw.annex_rows
    where quarter = $quarter
),

final as (
    select
        county,
        '附件' || annex || ' 序号' || coalesce(row_number::varchar, '（空）') as item,
        source_file as file,
        source_sheet as sheet,
        source_row as row,
        unit_name_raw as unit,
        column_name_raw as "column",
        item_count,
        -- 相关部门 and other non-units have no unit_id: their name keys them
        coalesce(unit_id, unit_name) as unit_key,
        column_name
    from annex_rows
)

select * from final
order by county, file, sheet, row

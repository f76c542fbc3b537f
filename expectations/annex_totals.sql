-- Each annex of the quarter: the 合计 its clerk declared beside the sum of its data rows.
-- An annex declared with no data rows sums to 0, never NULL.
with

declared as (
    select
        county,
        annex,
        declared_total,
        source_file,
        source_sheet,
        source_row
    from raw.annex_totals
    where quarter = $quarter
),

summed as (
    select
        county,
        annex,
        sum(item_count) as items,
        min(source_file) as source_file,
        min(source_sheet) as source_sheet
    from raw.annex_rows
    where quarter = $quarter
    group by county, annex
),

final as (
    select
        county,
        '附件' || annex || '合计' as item,
        coalesce(declared.source_file, summed.source_file) as file,
        coalesce(declared.source_sheet, summed.source_sheet) as sheet,
        declared.source_row as row,
        null::varchar as unit,
        '合计' as "column",
        declared.declared_total::bigint as declared_total,
        coalesce(summed.items, 0)::bigint as rows_sum
    from declared
    full outer join summed using (county, annex)
)

select * from final
order by county, item

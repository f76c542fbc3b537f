-- One quarter of annex rows (栏目), in annex order, with catalogue cadence and whether due.
with

annex_columns as (
    {{ rows_of_quarter('int_annex_columns') }}
),

final as (
    select
        county,
        quarter,
        annex,
        annex_position,
        row_number,
        column_name,
        column_name_raw,
        item_count,
        unit_id,
        unit_name_raw,
        unit_name,
        note,
        topic_group,
        cadence,
        is_due,
        in_catalogue,
        source_file,
        source_sheet,
        source_row
    from annex_columns
)

select * from final

with

source as (
    select * from {{ source('raw', 'annex_rows') }}
),

final as (
    select
        county,
        quarter,
        cast(right(quarter, 1) as integer) as quarter_number,
        cast(annex as integer) as annex,
        row_number,
        column_name,
        column_name_raw,
        item_count,
        unit_name_raw,
        unit_name,
        unit_id,
        nullif(trim(note), '') as note,
        {{ source_provenance() }}
    from source
)

select * from final

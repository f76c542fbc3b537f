with

source as (
    select * from {{ source('raw', 'check_records') }}
),

final as (
    select
        county,
        quarter,
        unit_id,
        unit_name_raw,
        unit_name,
        column_name,
        column_name_raw,
        address,
        last_update,
        check_date,
        check_date_source,
        nullif(trim(note), '') as note,
        {{ source_provenance() }}
    from source
)

select * from final

with

source as (
    select * from {{ source('raw', 'source_files') }}
),

final as (
    select
        county,
        quarter,
        source_file,
        source_sha256,
        content,
        sheets,
        rows_read
    from source
)

select * from final

with

source as (
    select * from {{ source('raw', 'annex_totals') }}
),

final as (
    select
        county,
        quarter,
        cast(annex as integer) as annex,
        title,
        count_header,
        declared_total,
        {{ source_provenance() }}
    from source
)

select * from final

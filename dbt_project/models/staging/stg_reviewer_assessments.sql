with

source as (
    select * from {{ source('raw', 'reviewer_assessments') }}
),

final as (
    select
        county,
        quarter,
        unit_id,
        unit_name_raw,
        reviewer_tier,
        list_position,
        nullif(trim(reason), '') as reason,
        {{ source_provenance() }}
    from source
)

select * from final

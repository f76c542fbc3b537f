-- Every county-quarter the ingest has loaded, whether its annexes hold rows or only a 合计.
with

annex_rows as (
    select * from {{ ref('stg_annex_rows') }}
),

annex_totals as (
    select * from {{ ref('stg_annex_totals') }}
),

loaded as (
    select
        county,
        quarter
    from annex_rows
    union
    select
        county,
        quarter
    from annex_totals
),

final as (
    select
        county,
        quarter
    from loaded
)

select * from final

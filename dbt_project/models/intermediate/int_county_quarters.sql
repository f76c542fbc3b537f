-- Every county-quarter the ingest has loaded, whether its annexes hold rows or only a 合计, or
-- the quarter holds only a check record.
with

annex_rows as (
    select * from {{ ref('stg_annex_rows') }}
),

annex_totals as (
    select * from {{ ref('stg_annex_totals') }}
),

check_records as (
    select * from {{ ref('stg_check_records') }}
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
    union
    select
        county,
        quarter
    from check_records
),

final as (
    select
        county,
        quarter
    from loaded
)

select * from final

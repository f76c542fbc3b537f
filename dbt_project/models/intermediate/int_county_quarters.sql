-- Every county-quarter the ingest has loaded, whether its annexes hold rows or only a 合计, or
-- the quarter holds only a check record; and which of the two it holds (what it measures).
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
        quarter,
        'annex' as loaded_from
    from annex_rows
    union
    select
        county,
        quarter,
        'annex' as loaded_from
    from annex_totals
    union
    select
        county,
        quarter,
        'check_record' as loaded_from
    from check_records
),

final as (
    select
        county,
        quarter,
        bool_or(loaded_from = 'annex') as has_annexes,
        bool_or(loaded_from = 'check_record') as has_check_record
    from loaded
    group by county, quarter
)

select * from final

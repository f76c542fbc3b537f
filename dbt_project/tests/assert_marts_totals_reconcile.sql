-- Each quarter's total equals the sum of every category type, of the units plus unattributed,
-- and of the county's declared annexes.
with

summary as (
    select * from {{ ref('quarter_summary') }}
),

categories as (
    select * from {{ ref('category_quarter') }}
),

units as (
    select * from {{ ref('unit_quarter') }}
),

annexes as (
    select * from {{ ref('annex_quarter') }}
),

annex_sums as (
    select
        county,
        quarter,
        sum(items_published) as items_published
    from annexes
    group by county, quarter
),

category_sums as (
    select
        county,
        quarter,
        category_type,
        sum(items_published) as items_published
    from categories
    group by county, quarter, category_type
),

unit_sums as (
    select
        county,
        quarter,
        sum(items_published) as items_published
    from units
    group by county, quarter
),

final as (
    select
        summary.county,
        summary.quarter,
        category_sums.category_type,
        summary.total_items,
        category_sums.items_published as category_items,
        unit_sums.items_published + summary.unattributed_items as unit_items
    from summary
    left join category_sums
        on
            summary.county = category_sums.county
            and summary.quarter = category_sums.quarter
    left join unit_sums
        on
            summary.county = unit_sums.county
            and summary.quarter = unit_sums.quarter
    left join annex_sums
        on
            summary.county = annex_sums.county
            and summary.quarter = annex_sums.quarter
    where
        category_sums.items_published is distinct from summary.total_items
        or unit_sums.items_published + summary.unattributed_items != summary.total_items
        or annex_sums.items_published is distinct from summary.total_items
)

select * from final

-- One quarter of category totals (unit kind, topic group, annex), with last quarter's beside.
with

category_totals as (
    {{ rows_of_quarter('int_category_totals') }}
),

previous_totals as (
    {{ rows_of_previous_quarter('int_category_totals') }}
),

final as (
    select
        category_totals.county,
        category_totals.quarter,
        category_totals.category_type,
        category_totals.category,
        category_totals.category_order,
        category_totals.items_published,
        category_totals.units,
        category_totals.columns,
        previous_totals.items_published as items_previous_quarter,
        category_totals.items_published - previous_totals.items_published as items_change
    from category_totals
    left join previous_totals using (county, category_type, category)
)

select * from final

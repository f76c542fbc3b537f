-- One row per county for the quarter: the notice's totals and how many units fall in each tier.
with

county_quarters as (
    {{ rows_of_quarter('int_county_quarters') }}
),

annex_columns as (
    select * from {{ ref('int_annex_columns') }}
    where quarter in ('{{ quarter_key() }}', '{{ previous_quarter_key() }}')
),

previous_county_quarters as (
    {{ rows_of_previous_quarter('int_county_quarters') }}
),

annex_quarters as (
    {{ rows_of_quarter('annex_quarter') }}
),

unit_tiers as (
    {{ rows_of_quarter('int_unit_tiers') }}
),

item_totals as (
    select
        county,
        quarter,
        cast(sum(item_count) as integer) as total_items,
        cast(
            coalesce(sum(item_count) filter (where unit_id is null), 0) as integer
        ) as unattributed_items
    from annex_columns
    group by county, quarter
),

-- The two-annex columns the export reads today, derived from the county's declared annexes
-- (annex_quarter is the general form, also for a third annex): its first and second annex.
ranked_annexes as (
    select
        *,
        row_number() over (partition by county order by annex) as annex_rank
    from annex_quarters
),

annex_figures as (
    select
        county,
        cast(
            coalesce(sum(items_published) filter (where annex_rank = 1), 0) as integer
        ) as department_items,
        cast(
            coalesce(sum(items_published) filter (where annex_rank = 2), 0) as integer
        ) as township_items,
        max(declared_total) filter (where annex_rank = 1) as annex1_declared_total,
        max(declared_total) filter (where annex_rank = 2) as annex2_declared_total
    from ranked_annexes
    group by county
),

tier_counts as (
    select
        county,
        count(*) as units_checked,
        -- the notice's lists: units the reviewer placed (listed_in_notice), by tier rank
        count(*) filter (where listed_in_notice and tier_rank = 1) as units_good,
        count(*) filter (where listed_in_notice and tier_rank = 2) as units_partial,
        count(*) filter (where listed_in_notice and tier_rank = 3) as units_late,
        count(*) filter (where tiers_disagree) as units_tiers_disagree,
        count(*) filter (where not has_reviewer_assessment) as units_without_assessment,
        count(*) filter (where has_reviewer_assessment) as units_assessed,
        count(*) filter (
            where has_reviewer_assessment and not tiers_disagree
        ) as units_rule_agrees_with_reviewer
    from unit_tiers
    group by county
),

final as (
    select
        county_quarters.county,
        county_quarters.quarter,
        coalesce(current_items.total_items, 0) as total_items,
        coalesce(annex_figures.department_items, 0) as department_items,
        coalesce(annex_figures.township_items, 0) as township_items,
        annex_figures.annex1_declared_total,
        annex_figures.annex2_declared_total,
        coalesce(tier_counts.units_checked, 0) as units_checked,
        coalesce(tier_counts.units_good, 0) as units_good,
        coalesce(tier_counts.units_partial, 0) as units_partial,
        coalesce(tier_counts.units_late, 0) as units_late,
        coalesce(tier_counts.units_tiers_disagree, 0) as units_tiers_disagree,
        coalesce(tier_counts.units_without_assessment, 0) as units_without_assessment,
        coalesce(current_items.unattributed_items, 0) as unattributed_items,
        case
            when previous_county_quarters.county is not null
                then coalesce(previous_items.total_items, 0)
        end as previous_total_items,
        coalesce(current_items.total_items, 0) - previous_total_items as total_change,
        -- appended, so the columns before keep their place in the mart contract
        coalesce(tier_counts.units_assessed, 0) as units_assessed,
        coalesce(
            tier_counts.units_rule_agrees_with_reviewer, 0
        ) as units_rule_agrees_with_reviewer
    from county_quarters
    left join item_totals as current_items using (county, quarter)
    left join previous_county_quarters using (county)
    left join item_totals as previous_items
        on
            county_quarters.county = previous_items.county
            and previous_items.quarter = '{{ previous_quarter_key() }}'
    left join annex_figures using (county)
    left join tier_counts using (county)
)

select * from final

-- One quarter of units: the published tier lists, with last quarter's items beside.
with

unit_tiers as (
    {{ rows_of_quarter('int_unit_tiers') }}
),

previous_activity as (
    {{ rows_of_previous_quarter('int_unit_activity') }}
),

final as (
    select
        unit_tiers.county,
        unit_tiers.quarter,
        unit_tiers.unit_id,
        unit_tiers.unit_name,
        unit_tiers.unit_short_name,
        unit_tiers.unit_kind,
        unit_tiers.display_order,
        unit_tiers.items_published,
        unit_tiers.columns_responsible,
        unit_tiers.columns_due,
        unit_tiers.due_columns_without_update,
        unit_tiers.rule_id,
        unit_tiers.rule_tier,
        unit_tiers.reviewer_tier,
        unit_tiers.reviewer_list_position,
        unit_tiers.reviewer_reason,
        unit_tiers.tier,
        unit_tiers.tier_rank,
        unit_tiers.tier_source,
        unit_tiers.tier_position,
        unit_tiers.has_reviewer_assessment,
        unit_tiers.tiers_disagree,
        unit_tiers.reason,
        previous_activity.items_published as items_published_previous_quarter,
        unit_tiers.items_published - previous_activity.items_published as items_change,
        -- appended, so the columns before keep their place in the mart contract
        unit_tiers.columns_overdue,
        unit_tiers.columns_due_soon,
        unit_tiers.columns_empty,
        unit_tiers.listed_in_notice
    from unit_tiers
    left join previous_activity using (county, unit_id)
)

select * from final

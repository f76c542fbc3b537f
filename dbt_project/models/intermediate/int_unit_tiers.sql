-- The tier of every unit: the reviewer's where the assessment names the unit, else the rule's
-- (shown for the office, not published: listed_in_notice is false, as for 农办 in 2020-Q1).
-- Inside each tier the reviewer's order comes first, then rule-only units by display order.
with

rule_tiers as (
    select * from {{ ref('int_unit_rule_tiers') }}
),

assessments as (
    select * from {{ ref('stg_reviewer_assessments') }}
),

units as (
    select * from {{ ref('units') }}
),

tiers as (
    select * from {{ ref('int_tiers') }}
),

decided as (
    select
        rule_tiers.county,
        rule_tiers.quarter,
        rule_tiers.unit_id,
        units.unit_name,
        units.unit_short_name,
        units.unit_kind,
        units.display_order,
        rule_tiers.items_published,
        rule_tiers.columns_responsible,
        rule_tiers.columns_due,
        rule_tiers.due_columns_without_update,
        rule_tiers.columns_overdue,
        rule_tiers.columns_due_soon,
        rule_tiers.columns_empty,
        rule_tiers.rule_id,
        rule_tiers.rule_tier,
        rule_tiers.rule_description,
        assessments.reviewer_tier,
        assessments.list_position as reviewer_list_position,
        assessments.reason as reviewer_reason,
        assessments.unit_id is not null as has_reviewer_assessment,
        coalesce(assessments.reviewer_tier, rule_tiers.rule_tier) as tier,
        case when assessments.unit_id is not null then 'reviewer' else 'rule' end as tier_source
    from rule_tiers
    inner join units using (county, unit_id)
    left join assessments using (county, quarter, unit_id)
),

final as (
    select
        decided.county,
        decided.quarter,
        decided.unit_id,
        decided.unit_name,
        decided.unit_short_name,
        decided.unit_kind,
        decided.display_order,
        decided.items_published,
        decided.columns_responsible,
        decided.columns_due,
        decided.due_columns_without_update,
        decided.columns_overdue,
        decided.columns_due_soon,
        decided.columns_empty,
        decided.rule_id,
        decided.rule_tier,
        decided.reviewer_tier,
        decided.reviewer_list_position,
        decided.reviewer_reason,
        decided.tier,
        tiers.tier_rank,
        decided.tier_source,
        row_number() over (
            partition by decided.county, decided.quarter, decided.tier
            order by
                case when decided.tier_source = 'reviewer' then 0 else 1 end,
                decided.reviewer_list_position,
                decided.display_order
        ) as tier_position,
        decided.has_reviewer_assessment,
        -- a unit no rule could tier but the reviewer did counts as a disagreement to look at
        case
            when decided.has_reviewer_assessment
                then coalesce(decided.reviewer_tier != decided.rule_tier, true)
            else false
        end as tiers_disagree,
        case
            when decided.has_reviewer_assessment
                then coalesce(decided.reviewer_reason, '核查意见')
            else '未列入核查意见，按规则判定：' || split_part(decided.rule_description, ' / ', 1)
        end as reason,
        -- the notice names only units the reviewer placed: a tier nobody decided is never
        -- published, the unit is listed apart (未列入通报名单) for the office to settle
        decided.has_reviewer_assessment as listed_in_notice
    from decided
    left join tiers using (county, tier)
)

select * from final

-- The tier the county's rules give each unit: the first rule, by priority, whose condition holds.
with

activity as (
    select * from {{ ref('int_unit_activity') }}
),

rules as (
    select * from {{ ref('int_tier_rules_effective') }}
),

measured as (
    select
        activity.county,
        activity.quarter,
        activity.unit_id,
        rules.priority,
        rules.rule_id,
        rules.tier,
        rules.tier_rank,
        rules.metric,
        rules.comparison,
        rules.threshold,
        rules.description,
        case rules.metric
            when 'items_published' then activity.items_published
            when 'columns_responsible' then activity.columns_responsible
            when 'columns_due' then activity.columns_due
            when 'due_columns_without_update' then activity.due_columns_without_update
            when 'columns_overdue' then activity.columns_overdue
            when 'columns_due_soon' then activity.columns_due_soon
            when 'columns_empty' then activity.columns_empty
        end as metric_value
    from activity
    inner join rules
        on activity.county = rules.county
),

matched as (
    select *
    from measured
    where
        metric = 'always'
        or (comparison = '<' and metric_value < threshold)
        or (comparison = '<=' and metric_value <= threshold)
        or (comparison = '=' and metric_value = threshold)
        or (comparison = '>=' and metric_value >= threshold)
        or (comparison = '>' and metric_value > threshold)
),

first_match as (
    select *
    from matched
    qualify row_number() over (partition by county, quarter, unit_id order by priority) = 1
),

final as (
    select
        activity.county,
        activity.quarter,
        activity.unit_id,
        activity.items_published,
        activity.columns_responsible,
        activity.columns_due,
        activity.due_columns_without_update,
        activity.columns_overdue,
        activity.columns_due_soon,
        activity.columns_empty,
        first_match.rule_id,
        first_match.tier as rule_tier,
        first_match.tier_rank as rule_tier_rank,
        first_match.description as rule_description
    from activity
    left join first_match
        on
            activity.county = first_match.county
            and activity.quarter = first_match.quarter
            and activity.unit_id = first_match.unit_id
)

select * from final

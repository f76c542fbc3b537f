-- The tier the county's rules give each unit: the first rule, by priority, whose condition holds.
with

activity as (
    select * from {{ ref('int_unit_activity') }}
),

rules as (
    select * from {{ ref('int_tier_rules_effective') }}
),

-- Every column of int_unit_activity except its keys is a metric a rule may name: the list is the
-- columns of int_unit_activity.yml (a dbt contract holds the SQL to it), which the run-start
-- validation of tier_rules.csv reads too.
metric_values as (
    unpivot activity
    on columns(* exclude (county, quarter, unit_id))
    into name metric value metric_value
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
        metric_values.metric_value
    from activity
    inner join rules using (county)
    left join metric_values using (county, quarter, unit_id, metric)
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
    left join first_match using (county, quarter, unit_id)
)

select * from final

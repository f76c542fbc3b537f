-- The timeliness rules each county applies: its own rules if it has any, else the national
-- defaults ('*'). Unlike the tier rules there is no per-rule override: a county that writes its
-- own rules writes a whole set (its own catch-all included), so no default slips in unseen.
with

counties as (
    select * from {{ ref('counties') }}
),

timeliness_rules as (
    select * from {{ ref('timeliness_rules') }}
),

counties_with_own_rules as (
    select distinct county
    from timeliness_rules
    where county != '*'
),

county_rules as (
    select
        timeliness_rules.*,
        'county' as rule_scope
    from timeliness_rules
    where timeliness_rules.county != '*'
),

default_rules as (
    select
        counties.county,
        timeliness_rules.priority,
        timeliness_rules.rule_id,
        timeliness_rules.column_pattern,
        timeliness_rules.limit_days,
        timeliness_rules.warn_days,
        timeliness_rules.description,
        'default' as rule_scope
    from counties
    cross join timeliness_rules
    where
        timeliness_rules.county = '*'
        and counties.county not in (
            select counties_with_own_rules.county from counties_with_own_rules
        )
),

final as (
    select
        county,
        priority,
        rule_id,
        column_pattern,
        limit_days,
        warn_days,
        description,
        rule_scope
    from county_rules
    union all
    select
        county,
        priority,
        rule_id,
        column_pattern,
        limit_days,
        warn_days,
        description,
        rule_scope
    from default_rules
)

select * from final

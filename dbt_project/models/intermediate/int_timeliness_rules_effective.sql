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

final as (
    {{ rules_in_effect(
        'timeliness_rules',
        columns=['priority', 'rule_id', 'column_pattern', 'limit_days', 'warn_days', 'description'],
        override_by='county',
    ) }}
)

select * from final

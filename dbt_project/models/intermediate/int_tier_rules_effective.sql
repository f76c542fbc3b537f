-- The rules each county applies: its own rows of tier_rules, plus every default ('*') rule whose
-- rule_id the county does not override. A county changes one threshold by adding one line.
with

counties as (
    select * from {{ ref('counties') }}
),

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

final as (
    {{ rules_in_effect(
        'tier_rules',
        columns=[
            'priority', 'rule_id', 'tier', 'tier_rank', 'metric', 'comparison', 'threshold',
            'description',
        ],
        override_by='rule_id',
    ) }}
)

select * from final

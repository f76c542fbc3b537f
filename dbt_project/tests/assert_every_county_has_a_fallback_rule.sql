-- Every county's effective rules end in an 'always' rule, so every unit gets a rule tier.
with

rules as (
    select * from {{ ref('int_tier_rules_effective') }}
),

final as (
    select county
    from rules
    group by county
    having count(*) filter (where metric = 'always') = 0
)

select * from final

-- Each county's tier labels and their rank, as its effective rules name them.
with

tier_rules as (
    select * from {{ ref('int_tier_rules_effective') }}
),

final as (
    select distinct
        county,
        tier,
        tier_rank
    from tier_rules
)

select * from final

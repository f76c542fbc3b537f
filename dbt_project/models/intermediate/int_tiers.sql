-- The three tier labels and their rank, as the rules seed names them.
with

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

final as (
    select distinct
        tier,
        tier_rank
    from tier_rules
)

select * from final

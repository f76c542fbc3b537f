-- The rules each county applies: its own rows of tier_rules, plus every default ('*') rule whose
-- rule_id the county does not override. A county changes one threshold by adding one line.
with

counties as (
    select * from {{ ref('counties') }}
),

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

county_rules as (
    select
        tier_rules.*,
        'county' as rule_scope
    from tier_rules
    where tier_rules.county != '*'
),

default_rules as (
    select
        counties.county,
        tier_rules.priority,
        tier_rules.rule_id,
        tier_rules.tier,
        tier_rules.tier_rank,
        tier_rules.metric,
        tier_rules.comparison,
        tier_rules.threshold,
        tier_rules.description,
        'default' as rule_scope
    from counties
    cross join tier_rules
    where
        tier_rules.county = '*'
        and not exists (
            select 1
            from county_rules
            where
                county_rules.county = counties.county
                and county_rules.rule_id = tier_rules.rule_id
        )
),

final as (
    select
        county,
        priority,
        rule_id,
        tier,
        tier_rank,
        metric,
        comparison,
        threshold,
        description,
        rule_scope
    from county_rules
    union all
    select
        county,
        priority,
        rule_id,
        tier,
        tier_rank,
        metric,
        comparison,
        threshold,
        description,
        rule_scope
    from default_rules
)

select * from final

-- Every registered unit of the quarter's counties beside its rows in marts.unit_quarter, and
-- whether each tier it got is one of the labels its county's tier rules define
-- (intermediate.int_tiers).
with

quarter_counties as (
    select county from checked_counties($quarter)
),

registered as (
    select
        units.county,
        units.unit_id,
        units.unit_name,
        units.display_order
    from reference.units as units
    inner join quarter_counties using (county)
),

tiers as (
    select * from intermediate.int_tiers
),

known_tiers as (
    select
        county,
        string_agg(tier, '、' order by tier_rank) as labels
    from tiers
    group by county
),

unit_rows as (
    select
        unit_quarter.county,
        unit_quarter.unit_id,
        unit_quarter.unit_name,
        unit_quarter.tier,
        tiers.tier is not null as known_tier
    from marts.unit_quarter as unit_quarter
    left join tiers using (county, tier)
    where unit_quarter.quarter = $quarter
),

tiered as (
    select
        county,
        unit_id,
        min(unit_name) as unit_name,
        count(*) as tier_rows,
        -- a unit listed without a tier shows as （空）
        string_agg(distinct coalesce(tier, '（空）'), '、') as tier,
        bool_and(known_tier) as known_tier
    from unit_rows
    group by county, unit_id
),

final as (
    select
        county,
        '分档' as item,
        null::varchar as file,
        null::varchar as sheet,
        null::integer as row,
        coalesce(registered.unit_name, tiered.unit_name, tiered.unit_id) as unit,
        null::varchar as "column",
        coalesce(tiered.tier_rows, 0)::bigint as tier_rows,
        tiered.tier,
        tiered.known_tier,
        known_tiers.labels as known_tiers,
        registered.unit_id is not null as registered,
        registered.display_order
    from registered
    full outer join tiered using (county, unit_id)
    left join known_tiers using (county)
)

select * exclude (display_order) from final
order by county, display_order nulls last, unit

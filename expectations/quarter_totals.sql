-- The quarter's headline figures in marts.quarter_summary beside the same figures taken from the
-- raw rows, the declared 合计 rows and the registry. Every sum over nothing is 0.
with

quarter_counties as (
    select county from checked_counties($quarter)
),

raw_totals as (
    select
        county,
        sum(item_count) as total,
        sum(item_count) filter (where unit_id is null) as unattributed
    from raw.annex_rows
    where quarter = $quarter
    group by county
),

raw_annexes as (
    select
        county,
        annex,
        sum(item_count) as items
    from raw.annex_rows
    where quarter = $quarter
    group by county, annex
),

declared as (
    select
        county,
        annex,
        max(declared_total) as declared_total
    from raw.annex_totals
    where quarter = $quarter
    group by county, annex
),

registry as (
    select
        county,
        count(*) as units
    from reference.units
    group by county
),

summary as (
    select * from marts.quarter_summary
    where quarter = $quarter
),

annex_marts as (
    select * from marts.annex_quarter
    where quarter = $quarter
),

-- every annex the raw rows, the 合计 rows or the mart know of, per checked county
annexes as (
    select
        county,
        annex
    from raw_annexes
    union
    select
        county,
        annex
    from declared
    union
    select
        county,
        annex
    from annex_marts
),

annex_figures as (
    select
        annexes.county,
        annexes.annex,
        coalesce(raw_annexes.items, 0)::bigint as raw_items,
        declared.declared_total::bigint as declared_total,
        annex_marts.items_published::bigint as mart_items,
        annex_marts.declared_total::bigint as mart_declared_total
    from annexes
    inner join quarter_counties using (county)
    left join raw_annexes using (county, annex)
    left join declared using (county, annex)
    left join annex_marts using (county, annex)
),

base as (
    select
        quarter_counties.county,
        coalesce(raw_totals.total, 0)::bigint as raw_total,
        coalesce(raw_totals.unattributed, 0)::bigint as raw_unattributed,
        coalesce(registry.units, 0)::bigint as registered_units,
        summary.total_items::bigint as total_items,
        summary.units_checked::bigint as units_checked,
        summary.unattributed_items::bigint as unattributed_items,
        (
            select coalesce(sum(annex_marts.items_published), 0)
            from annex_marts
            where annex_marts.county = quarter_counties.county
        )::bigint as annexes_items
    from quarter_counties
    left join raw_totals using (county)
    left join registry using (county)
    left join summary using (county)
),

measures as (
    select
        county,
        0 as annex,
        1 as measure,
        '全县公开总数' as item,
        raw_total as expected,
        total_items as found
    from base
    union all
    select
        county,
        0 as annex,
        2 as measure,
        '各附件之和 = 全县总数' as item,
        annexes_items as expected,
        total_items as found
    from base
    union all
    select
        county,
        annex,
        3 as measure,
        '附件' || annex || '公开数量' as item,
        raw_items as expected,
        mart_items as found
    from annex_figures
    union all
    select
        county,
        annex,
        4 as measure,
        '附件' || annex || '声明的合计' as item,
        declared_total as expected,
        mart_declared_total as found
    from annex_figures
    union all
    select
        county,
        99 as annex,
        5 as measure,
        '参加核查的单位数' as item,
        registered_units as expected,
        units_checked as found
    from base
    union all
    select
        county,
        99 as annex,
        6 as measure,
        '未归属单位的公开数量' as item,
        raw_unattributed as expected,
        unattributed_items as found
    from base
),

final as (
    select
        county,
        item,
        null::varchar as file,
        null::varchar as sheet,
        null::integer as row,
        null::varchar as unit,
        null::varchar as "column",
        expected,
        found,
        annex,
        measure
    from measures
)

select * exclude (annex, measure) from final
order by county, annex, measure

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
        sum(item_count) filter (where annex = 1) as annex1,
        sum(item_count) filter (where annex = 2) as annex2,
        sum(item_count) filter (where unit_id is null) as unattributed
    from raw.annex_rows
    where quarter = $quarter
    group by county
),

declared as (
    select
        county,
        max(declared_total) filter (where annex = 1) as annex1,
        max(declared_total) filter (where annex = 2) as annex2
    from raw.annex_totals
    where quarter = $quarter
    group by county
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

base as (
    select
        quarter_counties.county,
        coalesce(raw_totals.total, 0)::bigint as raw_total,
        coalesce(raw_totals.annex1, 0)::bigint as raw_annex1,
        coalesce(raw_totals.annex2, 0)::bigint as raw_annex2,
        coalesce(raw_totals.unattributed, 0)::bigint as raw_unattributed,
        declared.annex1::bigint as declared_annex1,
        declared.annex2::bigint as declared_annex2,
        coalesce(registry.units, 0)::bigint as registered_units,
        summary.total_items::bigint as total_items,
        summary.department_items::bigint as annex1_items,
        summary.township_items::bigint as annex2_items,
        summary.annex1_declared_total::bigint as annex1_declared_total,
        summary.annex2_declared_total::bigint as annex2_declared_total,
        summary.units_checked::bigint as units_checked,
        summary.unattributed_items::bigint as unattributed_items
    from quarter_counties
    left join raw_totals
        on quarter_counties.county = raw_totals.county
    left join declared
        on quarter_counties.county = declared.county
    left join registry
        on quarter_counties.county = registry.county
    left join summary
        on quarter_counties.county = summary.county
),

measures as (
    select
        county,
        1 as measure,
        '全县公开总数' as item,
        raw_total as expected,
        total_items as found
    from base
    union all
    select
        county,
        2 as measure,
        '附件1公开数量' as item,
        raw_annex1 as expected,
        annex1_items as found
    from base
    union all
    select
        county,
        3 as measure,
        '附件2公开数量' as item,
        raw_annex2 as expected,
        annex2_items as found
    from base
    union all
    select
        county,
        4 as measure,
        '附件1 + 附件2 = 全县总数' as item,
        annex1_items + annex2_items as expected,
        total_items as found
    from base
    union all
    select
        county,
        5 as measure,
        '附件1声明的合计' as item,
        declared_annex1 as expected,
        annex1_declared_total as found
    from base
    union all
    select
        county,
        6 as measure,
        '附件2声明的合计' as item,
        declared_annex2 as expected,
        annex2_declared_total as found
    from base
    union all
    select
        county,
        7 as measure,
        '参加核查的单位数' as item,
        registered_units as expected,
        units_checked as found
    from base
    union all
    select
        county,
        8 as measure,
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
        measure
    from measures
)

select * exclude (measure) from final
order by county, measure

-- Per category of marts.category_quarter, the raw rows summed the same way, without restating
-- the mart's fallbacks: each unit kind the registry names, each topic group the catalogue names
-- and each annex is compared one by one; every category type must also add up to the raw total,
-- which covers the rows the registry or the catalogue does not place (相关部门, new columns).
with

quarter_counties as (
    select county from checked_counties($quarter)
),

raw_rows as (
    select * from raw.annex_rows
    where quarter = $quarter
),

units as (
    select * from reference.units
),

catalogue as (
    select * from reference.columns
),

mart_categories as (
    select
        category_quarter.county,
        category_quarter.category_type,
        category_quarter.category,
        category_quarter.items_published
    from marts.category_quarter as category_quarter
    inner join quarter_counties using (county)
    where category_quarter.quarter = $quarter
),

known_categories as (
    select distinct
        units.county,
        'unit_kind' as category_type,
        units.unit_kind as category
    from units
    inner join quarter_counties using (county)
    union
    select distinct
        catalogue.county,
        'topic_group' as category_type,
        catalogue.topic_group as category
    from catalogue
    inner join quarter_counties using (county)
    union
    select
        county,
        category_type,
        category
    from mart_categories
    where category_type = 'annex'
    union
    select distinct
        county,
        'annex' as category_type,
        '附件' || annex as category
    from raw_rows
),

raw_categories as (
    select
        raw_rows.county,
        'unit_kind' as category_type,
        units.unit_kind as category,
        sum(raw_rows.item_count) as items
    from raw_rows
    inner join units using (county, unit_id)
    group by raw_rows.county, units.unit_kind
    union all
    select
        raw_rows.county,
        'topic_group' as category_type,
        catalogue.topic_group as category,
        sum(raw_rows.item_count) as items
    from raw_rows
    inner join catalogue using (county, annex, column_name)
    group by raw_rows.county, catalogue.topic_group
    union all
    select
        county,
        'annex' as category_type,
        '附件' || annex as category,
        sum(item_count) as items
    from raw_rows
    group by county, annex
),

raw_totals as (
    select
        county,
        sum(item_count) as items
    from raw_rows
    group by county
),

category_types as (
    select
        quarter_counties.county,
        category_types.category_type,
        category_types.type_order
    from quarter_counties
    cross join (
        values ('unit_kind', 1), ('topic_group', 2), ('annex', 3)
    ) as category_types (category_type, type_order)
),

per_category as (
    select
        known_categories.county,
        known_categories.category_type,
        known_categories.category,
        coalesce(raw_categories.items, 0)::bigint as expected,
        mart_categories.items_published::bigint as found
    from known_categories
    left join raw_categories using (county, category_type, category)
    left join mart_categories using (county, category_type, category)
),

per_type as (
    select
        category_types.county,
        category_types.category_type,
        '全部类别合计' as category,
        coalesce(any_value(raw_totals.items), 0)::bigint as expected,
        coalesce(sum(mart_categories.items_published), 0)::bigint as found
    from category_types
    left join raw_totals using (county)
    left join mart_categories using (county, category_type)
    group by category_types.county, category_types.category_type
),

compared as (
    select * from per_category
    union all
    select * from per_type
),

final as (
    select
        compared.county,
        case compared.category_type
            when 'unit_kind' then '单位类型'
            when 'topic_group' then '栏目分组'
            when 'annex' then '附件'
            else compared.category_type
        end || '：' || compared.category as item,
        null::varchar as file,
        null::varchar as sheet,
        null::integer as row,
        null::varchar as unit,
        null::varchar as "column",
        compared.expected,
        compared.found
    from compared
)

select * from final
order by county, item

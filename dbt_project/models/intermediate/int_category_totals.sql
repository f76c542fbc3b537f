-- Items, units and columns per category in every loaded county-quarter, for three kinds of
-- category: unit kind (rows of 相关部门 under 未归属单位, so totals reconcile), topic group
-- (columns outside the catalogue under 未编目栏目) and annex. Categories with nothing published
-- still appear, with zeros: every kind of unit_kinds.csv and every annex of annexes.csv.
with

county_quarters as (
    select * from {{ ref('int_county_quarters') }}
),

annex_columns as (
    select * from {{ ref('int_annex_columns') }}
),

units as (
    select * from {{ ref('units') }}
),

unit_kinds as (
    select * from {{ ref('unit_kinds') }}
),

annexes as (
    select * from {{ ref('annexes') }}
),

catalogue as (
    select * from {{ ref('columns') }}
),

unit_kind_order as (
    select
        county,
        unit_kind as category,
        row_number() over (partition by county order by kind_order) as category_order
    from unit_kinds
),

topic_group_order as (
    select
        county,
        topic_group as category,
        row_number() over (
            partition by county order by min(annex), min(catalogue_order)
        ) as category_order
    from catalogue
    group by county, topic_group
),

known_categories as (
    select
        county,
        'unit_kind' as category_type,
        category,
        category_order
    from unit_kind_order
    union all
    select
        county,
        'unit_kind' as category_type,
        '未归属单位' as category,
        count(*) + 1 as category_order
    from unit_kind_order
    group by county
    union all
    select
        county,
        'topic_group' as category_type,
        category,
        category_order
    from topic_group_order
),

categorised_rows as (
    select
        annex_columns.county,
        annex_columns.quarter,
        annex_columns.unit_id,
        annex_columns.item_count,
        'unit_kind' as category_type,
        coalesce(units.unit_kind, '未归属单位') as category
    from annex_columns
    left join units using (county, unit_id)
    union all
    select
        county,
        quarter,
        unit_id,
        item_count,
        'topic_group' as category_type,
        coalesce(topic_group, '未编目栏目') as category
    from annex_columns
    union all
    select
        county,
        quarter,
        unit_id,
        item_count,
        'annex' as category_type,
        '附件' || annex as category
    from annex_columns
),

category_rows as (
    select
        county,
        quarter,
        category_type,
        category,
        cast(sum(item_count) as integer) as items_published,
        count(distinct unit_id) as units,
        count(*) as columns
    from categorised_rows
    group by county, quarter, category_type, category
),

scaffold as (
    select
        county_quarters.county,
        county_quarters.quarter,
        known_categories.category_type,
        known_categories.category,
        known_categories.category_order
    from county_quarters
    inner join known_categories using (county)
    union all
    select
        county_quarters.county,
        county_quarters.quarter,
        'annex' as category_type,
        '附件' || annexes.annex as category,
        annexes.annex as category_order
    from county_quarters
    inner join annexes using (county)
),

final as (
    select
        county,
        quarter,
        category_type,
        category,
        -- a topic group outside the catalogue (only 未编目栏目) sorts after the known ones
        coalesce(scaffold.category_order, 1000) as category_order,
        coalesce(category_rows.items_published, 0) as items_published,
        coalesce(category_rows.units, 0) as units,
        coalesce(category_rows.columns, 0) as columns
    from scaffold
    full outer join category_rows using (county, quarter, category_type, category)
)

select * from final

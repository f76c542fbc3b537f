-- One row per annex table a county declares (reference annexes.csv), for the quarter: its subject,
-- the notice's wording for the kinds it lists, the clerk's title and count header as read, the
-- declared 合计 and what its rows add up to. A declared annex with no data rows has zeros.
with

county_quarters as (
    {{ rows_of_quarter('int_county_quarters') }}
),

annexes as (
    select * from {{ ref('annexes') }}
),

unit_kinds as (
    select * from {{ ref('unit_kinds') }}
),

annex_totals as (
    {{ rows_of_quarter('stg_annex_totals') }}
),

annex_rows as (
    {{ rows_of_quarter('stg_annex_rows') }}
),

kinds_wording as (
    select
        county,
        annex,
        string_agg(unit_kind, '、' order by kind_order) as kinds_wording
    from unit_kinds
    group by county, annex
),

row_totals as (
    select
        county,
        annex,
        cast(sum(item_count) as integer) as items_published,
        count(*) as row_count,
        count(distinct unit_id) as units
    from annex_rows
    group by county, annex
),

final as (
    select
        county_quarters.county,
        county_quarters.quarter,
        annexes.annex,
        annexes.subject,
        coalesce(kinds_wording.kinds_wording, annexes.subject) as kinds_wording,
        annexes.title_pattern,
        nullif(trim(annex_totals.title), '') as title,
        annex_totals.count_header,
        annex_totals.declared_total,
        coalesce(row_totals.items_published, 0) as items_published,
        -- the column name is the export's contract
        coalesce(row_totals.row_count, 0) as rows,  -- noqa: RF04
        coalesce(row_totals.units, 0) as units
    from county_quarters
    inner join annexes using (county)
    left join kinds_wording using (county, annex)
    left join annex_totals using (county, annex)
    left join row_totals using (county, annex)
)

select * from final

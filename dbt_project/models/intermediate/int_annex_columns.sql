-- Every annex row with its place in the annex, its catalogue entry and whether it was due.
-- A column missing from the catalogue is treated as due every quarter and flagged.
with

annex_rows as (
    select * from {{ ref('stg_annex_rows') }}
),

catalogue as (
    select * from {{ ref('columns') }}
),

column_cadence as (
    select * from {{ ref('int_column_cadence') }}
),

catalogued as (
    select
        annex_rows.*,
        catalogue.catalogue_order,
        catalogue.topic_group,
        catalogue.cadence,
        column_cadence.is_due as catalogue_is_due,
        catalogue.column_name is not null as in_catalogue
    from annex_rows
    left join catalogue using (county, annex, column_name)
    left join column_cadence
        on
            catalogue.county = column_cadence.county
            and catalogue.annex = column_cadence.annex
            and catalogue.column_name = column_cadence.column_name
            and annex_rows.quarter_number = column_cadence.quarter_number
),

final as (
    select
        county,
        quarter,
        quarter_number,
        annex,
        row_number() over (
            partition by county, quarter, annex
            order by source_file, source_sheet, source_row
        ) as annex_position,
        row_number,
        column_name,
        column_name_raw,
        item_count,
        unit_id,
        unit_name_raw,
        unit_name,
        note,
        catalogue_order,
        topic_group,
        cadence,
        coalesce(catalogue_is_due, true) as is_due,
        in_catalogue,
        source_file,
        source_sheet,
        source_row
    from catalogued
)

select * from final

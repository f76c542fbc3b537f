-- Whether each catalogue column is due in each quarter number (1-4), from its cadence: the one
-- home of the cadence rule, read by int_annex_columns and by the quality gate's due-column check.
with

catalogue as (
    select * from {{ ref('columns') }}
),

cadences as (
    select * from {{ ref('cadences') }}
),

quarter_numbers as (
    select numbers.quarter_number
    from range(1, 5) as numbers (quarter_number)
),

final as (
    select
        catalogue.county,
        catalogue.annex,
        catalogue.catalogue_order,
        catalogue.column_name,
        catalogue.cadence,
        cast(quarter_numbers.quarter_number as integer) as quarter_number,
        coalesce(
            list_contains(
                string_split(cadences.due_quarters, '|'),
                cast(quarter_numbers.quarter_number as varchar)
            ),
            false
        ) as is_due
    from catalogue
    cross join quarter_numbers
    left join cadences using (cadence)
)

select * from final

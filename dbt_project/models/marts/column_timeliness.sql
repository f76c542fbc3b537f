-- One quarter of checked columns: each column's last update, deadline and status.
with

column_timeliness as (
    {{ rows_of_quarter('int_column_timeliness') }}
),

final as (
    select
        county,
        quarter,
        unit_id,
        unit_name,
        column_name,
        address,
        last_update,
        check_date,
        check_date_source,
        days_since_update,
        rule_id,
        limit_days,
        warn_days,
        rule_description,
        status,
        source_file,
        source_sheet,
        source_row
    from column_timeliness
)

select * from final

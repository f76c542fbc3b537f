-- The check record of the quarter beside the statuses the marts gave it: one row per raw row.
-- Parameters: $quarter ('2020-Q1').
with
registered as (
    select
        county,
        unit_id
    from reference.units
),

statuses as (
    select
        county,
        unit_id,
        column_name,
        address,
        status
    from marts.column_timeliness
    where quarter = $quarter
),

final as (
    select
        check_records.county,
        '核查记录' as item,
        check_records.source_file as file,
        check_records.source_sheet as sheet,
        check_records.source_row as row,
        check_records.unit_name_raw as unit,
        check_records.column_name_raw as "column",
        registered.unit_id is not null as registered,
        coalesce(check_records.last_update > check_records.check_date, false)
            as updated_after_check,
        '最后更新 ' || coalesce(check_records.last_update::varchar, '（空）')
        || '，核查日期 ' || check_records.check_date::varchar as dates,
        statuses.status,
        coalesce(statuses.status, '（无状态）') as status_shown
    from raw.check_records as check_records
    left join registered using (county, unit_id)
    left join statuses
        on check_records.county = statuses.county
            and check_records.unit_id is not distinct from statuses.unit_id
            and check_records.column_name = statuses.column_name
            and check_records.address = statuses.address
    where check_records.quarter = $quarter
)

select * from final
order by county, file, sheet, row

-- Each checked column's deadline and status: the first timeliness rule (by priority) whose
-- pattern is found in the column name, and days since the last update on the check date.
-- The status boundaries are stated here once: 已超期 from limit_days, 即将超期 from warn_days.
with

check_records as (
    select * from {{ ref('stg_check_records') }}
),

rules as (
    select * from {{ ref('int_timeliness_rules_effective') }}
),

first_rule as (
    select
        check_records.county,
        check_records.quarter,
        check_records.unit_id,
        check_records.column_name,
        check_records.address,
        rules.rule_id,
        rules.limit_days,
        rules.warn_days,
        rules.description as rule_description
    from check_records
    inner join rules
        on
            check_records.county = rules.county
            and regexp_matches(check_records.column_name, rules.column_pattern)
    qualify row_number() over (
            partition by
                check_records.county,
                check_records.quarter,
                check_records.unit_id,
                check_records.column_name,
                check_records.address
            order by rules.priority
        ) = 1
),

measured as (
    select
        check_records.county,
        check_records.quarter,
        check_records.unit_id,
        check_records.unit_name,
        check_records.column_name,
        check_records.address,
        check_records.last_update,
        check_records.check_date,
        check_records.check_date_source,
        check_records.source_file,
        check_records.source_sheet,
        check_records.source_row,
        first_rule.rule_id,
        first_rule.limit_days,
        first_rule.warn_days,
        first_rule.rule_description,
        date_diff('day', check_records.last_update, check_records.check_date) as days_since_update
    from check_records
    left join first_rule
        on
            check_records.county = first_rule.county
            and check_records.quarter = first_rule.quarter
            and check_records.unit_id is not distinct from first_rule.unit_id
            and check_records.column_name = first_rule.column_name
            and check_records.address = first_rule.address
),

final as (
    select
        *,
        case
            when last_update is null then '空栏目'
            when rule_id is null then null
            when days_since_update >= limit_days then '已超期'
            when warn_days is not null and days_since_update >= warn_days then '即将超期'
            else '正常'
        end as status
    from measured
)

select * from final

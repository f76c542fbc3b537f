-- Per county of the quarter: the files it submitted, how many annexes and check record rows were
-- read from them. A county is checked from its annexes, its check record or both; with neither
-- there is nothing to check. Parameters: $quarter ('2020-Q1').
with

submitted as (
    select
        county,
        string_agg(source_file, '、' order by source_file) as files
    from raw.source_files
    where quarter = $quarter
    group by county
),

annexes as (
    select
        county,
        annex
    from raw.annex_totals
    where quarter = $quarter
    union
    select
        county,
        annex
    from raw.annex_rows
    where quarter = $quarter
),

annex_counts as (
    select
        county,
        count(*) as annexes
    from annexes
    group by county
),

record_counts as (
    select
        county,
        count(*) as check_record_rows
    from raw.check_records
    where quarter = $quarter
    group by county
),

counties as (
    select county from submitted
    union
    select county from annex_counts
    union
    select county from record_counts
),

counted as (
    select
        counties.county,
        submitted.files,
        coalesce(annex_counts.annexes, 0)::bigint as annexes,
        coalesce(record_counts.check_record_rows, 0)::bigint as check_record_rows
    from counties
    left join submitted using (county)
    left join annex_counts using (county)
    left join record_counts using (county)
),

final as (
    select
        county,
        '本季度材料' as item,
        files as file,
        null::varchar as sheet,
        null::integer as row,
        null::varchar as unit,
        null::varchar as "column",
        annexes,
        check_record_rows,
        annexes + check_record_rows > 0 as has_contents,
        '附件 ' || annexes || ' 个，核查记录 ' || check_record_rows || ' 行' as contents
    from counted
)

select * from final
order by county

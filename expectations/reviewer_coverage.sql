-- Every registered unit of the counties in the quarter and how many reviewer assessments name it.
with

assessment_files as (
    select
        county,
        string_agg(distinct source_file, '、') as source_file
    from raw.source_files
    where quarter = $quarter and content like '%assessment%'
    group by county
),

assessments as (
    select
        county,
        unit_id,
        count(*) as assessments,
        min(reviewer_tier) as reviewer_tier,
        min(source_file) as source_file,
        min(source_sheet) as source_sheet,
        min(source_row) as source_row
    from raw.reviewer_assessments
    where quarter = $quarter
    group by county, unit_id
),

final as (
    select
        units.county,
        '核查意见' as item,
        coalesce(assessments.source_file, assessment_files.source_file) as file,
        assessments.source_sheet as sheet,
        assessments.source_row as row,
        units.unit_name as unit,
        null::varchar as "column",
        units.unit_id,
        coalesce(assessments.assessments, 0)::bigint as assessments,
        assessments.reviewer_tier,
        units.display_order
    from registered_units($quarter) as units
    left join assessments using (county, unit_id)
    left join assessment_files using (county)
)

select * exclude (display_order) from final
order by county, display_order

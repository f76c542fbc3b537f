-- The counties that have anything in the raw tables for a quarter: annexes or a check record.
-- The checks of every unit (reviewer assessments, the marts) compare these.
create or replace temp macro counties_of_quarter(quarter_key) as table
    select county from annex_counties(quarter_key)
    union
    select county from raw.check_records
    where quarter = quarter_key;

-- The counties that have anything in the raw tables for a quarter: every check compares these.
create or replace temp macro counties_of_quarter(quarter_key) as table
    select county from raw.annex_totals
    where quarter = quarter_key
    union
    select county from raw.annex_rows
    where quarter = quarter_key;

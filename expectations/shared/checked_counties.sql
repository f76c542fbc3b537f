-- The counties a mart check compares: those with raw rows for the quarter and those the marts
-- hold for it, so a county whose raw rows are gone but whose marts remain is still reconciled.
create or replace temp macro checked_counties(quarter_key) as table
    select county from counties_of_quarter(quarter_key)
    union
    select county from marts.quarter_summary
    where quarter = quarter_key;

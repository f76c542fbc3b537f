-- The counties that submitted annexes for a quarter: the checks of what annexes list compare
-- these (a county checked from its check record alone lists nothing in an annex).
create or replace temp macro annex_counties(quarter_key) as table
    select county from raw.annex_totals
    where quarter = quarter_key
    union
    select county from raw.annex_rows
    where quarter = quarter_key;

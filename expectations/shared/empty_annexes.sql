-- The annex tables a county submitted empty for a quarter: a 合计 row declaring 0 and no data row.
-- The clerk states that nothing was published in them, so their units and columns are not missing.
-- (quarter_key is the macro's parameter, which sqlfluff takes for a column.)
create or replace temp macro empty_annexes(quarter_key) as table
    select
        totals.county,
        totals.annex
    from raw.annex_totals as totals
    where
        totals.quarter = quarter_key  -- noqa: RF03
        and totals.declared_total = 0
        and not exists (
            select 1
            from raw.annex_rows as annex_rows
            where
                annex_rows.quarter = quarter_key  -- noqa: RF02, RF03
                and annex_rows.county = totals.county
                and annex_rows.annex = totals.annex
        );

-- The registered units (reference.units) of the counties that have anything in the raw tables for
-- a quarter: the units a check of the quarter expects to find.
-- (quarter_key is the macro's parameter, which sqlfluff takes for a column.)
create or replace temp macro registered_units(quarter_key) as table
    select
        units.county,
        units.unit_id,
        units.unit_name,
        units.unit_kind,
        units.display_order
    from reference.units as units
    where
        units.county in (
            select quarter_counties.county
            from counties_of_quarter(quarter_key) as quarter_counties  -- noqa: RF02, RF03
        );

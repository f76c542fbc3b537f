"""Transform: the dbt project (staging -> intermediate -> marts) run per quarter by dagster-dbt."""

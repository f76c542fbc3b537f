{#- Incremental strategy for the marts: delete every row of the run's quarter, then insert the
    quarter as built now. Unlike delete+insert on a unique key, this also removes rows whose key
    vanished in a correction (a unit, a column or a whole county dropped from the quarter).
    dbt-duckdb runs both statements in the model's transaction, so a failure changes nothing. -#}
{% macro get_incremental_replace_quarter_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set columns_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} where quarter = '{{ quarter_key() }}';
    insert into {{ target }} ({{ columns_csv }})
    select {{ columns_csv }} from {{ source }}
{%- endmacro %}

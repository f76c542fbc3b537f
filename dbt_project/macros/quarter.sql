{#- The quarter a run builds, from the var Dagster passes: dbt build --vars '{"quarter": "2020-Q1"}'.
    While dbt only parses (no var yet), a placeholder keeps the SQL renderable. -#}
{% macro quarter_key() -%}
    {%- set quarter = var('quarter') -%}
    {%- if not execute -%}
        {{ return('2020-Q1') }}
    {%- endif -%}
    {%- if quarter is none or not modules.re.match('^[0-9]{4}-Q[1-4]$', quarter | string) -%}
        {{ exceptions.raise_compiler_error(
            "需要指定季度，写成“2020-Q1”的形式，收到“" ~ quarter ~ "”。"
            ~ " / The quarter var must look like '2020-Q1', got '" ~ quarter ~ "'."
        ) }}
    {%- endif -%}
    {{ return(quarter | string) }}
{%- endmacro %}

{#- The quarter before quarter_key(): '2020-Q1' -> '2019-Q4'. -#}
{% macro previous_quarter_key() -%}
    {%- set parts = quarter_key().split('-Q') -%}
    {%- set year = parts[0] | int -%}
    {%- set number = parts[1] | int -%}
    {%- if number == 1 -%}
        {{ return((year - 1) ~ '-Q4') }}
    {%- else -%}
        {{ return(year ~ '-Q' ~ (number - 1)) }}
    {%- endif -%}
{%- endmacro %}

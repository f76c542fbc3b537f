{#- The quarter a run builds and the one before it, as Python computed them
    (orchestration/quarters.py) and wrote them into the run's warehouse copy: the one-row table
    main.build_context (orchestration/publication.py). Read only when dbt executes, so dbt's
    partial parse stays valid from one quarter to the next; while dbt parses, a placeholder keeps
    the SQL renderable. -#}
{% macro build_context(column) -%}
    {%- if not execute -%}
        {{ return('2020-Q1') }}
    {%- endif -%}
    {%- set context = adapter.get_relation(target.database, 'main', 'build_context') -%}
    {%- set found = run_query(
        "select " ~ column ~ " from " ~ context ~ " where quarter is not null"
    ) if context else none -%}
    {%- if found is none or found.rows | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "仓库中没有本次运行的季度（main.build_context），请通过 Dagster 运行。"
            ~ " / The warehouse holds no quarter for this build (main.build_context):"
            ~ " run it through Dagster."
        ) }}
    {%- endif -%}
    {{ return(found.rows[0][0] | string) }}
{%- endmacro %}

{% macro quarter_key() -%}
    {{ return(build_context('quarter')) }}
{%- endmacro %}

{% macro previous_quarter_key() -%}
    {{ return(build_context('previous_quarter')) }}
{%- endmacro %}

{#- An import CTE's body in a mart: one model's rows of the run's quarter, so every mart scopes
    itself to its quarter the same way (one partition of an incremental mart). -#}
{% macro rows_of_quarter(model) -%}
    select * from {{ ref(model) }}
    where quarter = '{{ quarter_key() }}'
{%- endmacro %}

{#- The same for the quarter before the run's (the change columns). -#}
{% macro rows_of_previous_quarter(model) -%}
    select * from {{ ref(model) }}
    where quarter = '{{ previous_quarter_key() }}'
{%- endmacro %}

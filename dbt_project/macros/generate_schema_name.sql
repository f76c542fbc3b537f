{#- Schemas are exactly the layer names (staging, intermediate, marts, reference), not
    dbt's default "<target schema>_<custom schema>": the export and the checks name them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

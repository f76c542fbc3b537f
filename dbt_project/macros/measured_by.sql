{#- A unit's metric for its county-quarter: 0 when the input was sent and names nothing of the
    unit, null when the county did not send that input (then no tier rule on it applies). -#}
{% macro measured_by(input_flag, value) -%}
    case when {{ input_flag }} then coalesce({{ value }}, 0) end
{%- endmacro %}

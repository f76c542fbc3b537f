{#- The rules each county applies, from a reference table of rules whose county column holds a
    county or '*' (the national defaults): the county's own rows, tagged rule_scope 'county', plus
    the defaults it does not replace, one copy per county of the calling model's `counties` CTE,
    tagged 'default'. override_by says what replaces a default:
    - 'rule_id': a county rule with the same rule_id (a county changes one rule by adding one
      line);
    - 'county': any rule of the county (a county that writes rules writes a whole set).
    `rules` names the calling model's CTE over the table; `columns` its columns after county. -#}
{% macro rules_in_effect(rules, columns, override_by) -%}
    {%- if override_by not in ('rule_id', 'county') -%}
        {{ exceptions.raise_compiler_error("rules_in_effect: override_by is 'rule_id' or 'county'") }}
    {%- endif -%}
    select
        {{ rules }}.county,
        {%- for column in columns %}
        {{ rules }}.{{ column }},
        {%- endfor %}
        'county' as rule_scope
    from {{ rules }}
    where {{ rules }}.county != '*'
    union all
    select
        counties.county,
        {%- for column in columns %}
        {{ rules }}.{{ column }},
        {%- endfor %}
        'default' as rule_scope
    from counties
    cross join {{ rules }}
    where
        {{ rules }}.county = '*'
        and not exists (
            select 1
            from {{ rules }} as county_rules
            where
                county_rules.county != '*'
                and county_rules.county = counties.county
                {%- if override_by == 'rule_id' %}
                and county_rules.rule_id = {{ rules }}.rule_id
                {%- endif %}
        )
{%- endmacro %}

{#- True when a regular expression matches anywhere in the value (search,
    not full match), so rule patterns anchor themselves with ^ and $. A null
    value never matches. -#}
{% macro regexp_search(value_expr, pattern_expr) -%}
    {{ return(adapter.dispatch('regexp_search', 'recruitment_analytics')(
        value_expr, pattern_expr
    )) }}
{%- endmacro %}

{% macro default__regexp_search(value_expr, pattern_expr) -%}
    coalesce(({{ value_expr }}) ~ ({{ pattern_expr }}), false)
{%- endmacro %}

{% macro duckdb__regexp_search(value_expr, pattern_expr) -%}
    coalesce(regexp_matches({{ value_expr }}, {{ pattern_expr }}), false)
{%- endmacro %}

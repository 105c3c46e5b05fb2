{#- Aggregate: the value of value_expr on the row where order_expr is
    smallest ('min') or largest ('max'). Rows where order_expr is null are
    skipped, and the result is null when every row is skipped. Callers pass
    an order_expr that is unique within the group, so ties cannot occur. -#}
{% macro value_at_extreme(value_expr, order_expr, extreme='min') -%}
    {%- if extreme not in ('min', 'max') -%}
        {{ exceptions.raise_compiler_error(
            "value_at_extreme: extreme must be 'min' or 'max', got '"
            ~ extreme ~ "'"
        ) }}
    {%- endif -%}
    {{ return(adapter.dispatch('value_at_extreme', 'recruitment_analytics')(
        value_expr, order_expr, extreme
    )) }}
{%- endmacro %}

{#- PostgreSQL-style fallback: an ordered array of the non-skipped values. -#}
{% macro default__value_at_extreme(value_expr, order_expr, extreme) -%}
    (array_agg({{ value_expr }} order by {{ order_expr }}
        {{- ' desc' if extreme == 'max' else '' }})
        filter (where {{ order_expr }} is not null))[1]
{%- endmacro %}

{#- DuckDB's arg_min and arg_max skip rows whose ordering value is null. -#}
{% macro duckdb__value_at_extreme(value_expr, order_expr, extreme) -%}
    arg_{{ extreme }}({{ value_expr }}, {{ order_expr }})
{%- endmacro %}

{#- Number of non-overlapping occurrences of a literal substring in a string
    expression, as an integer; 0 for an empty string and null for null. -#}
{% macro count_occurrences(string_expr, substring) -%}
    cast(
        (
            {{ dbt.length(string_expr) }}
            - {{ dbt.length(dbt.replace(string_expr, dbt.string_literal(substring), "''")) }}
        ) / {{ substring | length }}
        as {{ dbt.type_int() }}
    )
{%- endmacro %}

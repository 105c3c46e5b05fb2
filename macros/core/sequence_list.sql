{#- Aggregate: the values of value_expr in the order of order_expr, as an
    array, over the rows where filter_expr is true. The result is null when
    no row passes the filter. -#}
{% macro sequence_list(value_expr, order_expr, filter_expr) -%}
    {{ return(adapter.dispatch('sequence_list', 'recruitment_analytics')(
        value_expr, order_expr, filter_expr
    )) }}
{%- endmacro %}

{% macro default__sequence_list(value_expr, order_expr, filter_expr) -%}
    array_agg({{ value_expr }} order by {{ order_expr }})
        filter (where {{ filter_expr }})
{%- endmacro %}

{% macro duckdb__sequence_list(value_expr, order_expr, filter_expr) -%}
    list({{ value_expr }} order by {{ order_expr }})
        filter (where {{ filter_expr }})
{%- endmacro %}


{#- The elements of an array joined by a delimiter, with consecutive repeats
    written once: ['a', 'a', 'b', 'a'] becomes 'a>b>a'. Null for a null or
    empty array. -#}
{% macro collapsed_sequence_string(list_expr, delimiter='>') -%}
    {{ return(adapter.dispatch(
        'collapsed_sequence_string', 'recruitment_analytics'
    )(list_expr, delimiter)) }}
{%- endmacro %}

{% macro default__collapsed_sequence_string(list_expr, delimiter) -%}
    (
        select string_agg(item, '{{ delimiter }}' order by position)
        from unnest({{ list_expr }}) with ordinality as items (item, position)
        where
            position = 1
            or item is distinct from ({{ list_expr }})[position - 1]
    )
{%- endmacro %}

{#- DuckDB lists are 1-based, and list_filter passes the element's position
    as the lambda's second argument. -#}
{% macro duckdb__collapsed_sequence_string(list_expr, delimiter) -%}
    nullif(
        array_to_string(
            list_filter(
                {{ list_expr }},
                lambda item, position: position = 1
                or item != {{ list_expr }}[position - 1]
            ),
            '{{ delimiter }}'
        ),
        ''
    )
{%- endmacro %}

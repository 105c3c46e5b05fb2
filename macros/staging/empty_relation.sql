{#- Return a subquery with the given columns and no rows, for a model whose
    input file is absent: `columns` maps each column name to its SQL type.
    The model keeps its column names and types, so the layers above build
    unchanged. -#}
{% macro empty_relation(columns) -%}
    (
        select
        {%- for name, data_type in columns.items() %}
            cast(null as {{ data_type }}) as {{ name }}
            {{- "," if not loop.last }}
        {%- endfor %}
        where false
    ) as empty_input
{%- endmacro %}

{#- ISO day of the week of a date or timestamp: 1 = Monday .. 7 = Sunday. -#}
{% macro iso_weekday(date_expr) -%}
    {{ return(adapter.dispatch('iso_weekday', 'recruitment_analytics')(
        date_expr
    )) }}
{%- endmacro %}

{% macro default__iso_weekday(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}

{% macro duckdb__iso_weekday(date_expr) -%}
    cast(isodow({{ date_expr }}) as integer)
{%- endmacro %}

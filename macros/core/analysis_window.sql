{#- Boolean SQL expressions that place a local date before or after the
    analysis window set by var('analysis_start_date') and
    var('analysis_end_date'). An empty var (null, '' or 'none') means no
    bound on that side, so the expression is the literal false. -#}
{% macro is_before_analysis_start(date_expr) -%}
    {%- set start_date = parse_date_var('analysis_start_date', required=false) -%}
    {%- if start_date -%}
        ({{ date_expr }} < cast('{{ start_date }}' as date))
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{% macro is_after_analysis_end(date_expr) -%}
    {%- set end_date = parse_date_var('analysis_end_date', required=false) -%}
    {%- if end_date -%}
        ({{ date_expr }} > cast('{{ end_date }}' as date))
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

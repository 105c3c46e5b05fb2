{#- Stop the run unless an integer var is a whole number of at least
    `minimum`. -#}
{% macro check_integer_var(name, minimum) -%}
    {%- set value = var(name) -%}
    {%- if value is none or not modules.re.fullmatch('-?[0-9]+', value | string | trim) -%}
        {{ raise_invalid_var(name, value, 'set a whole number of at least ' ~ minimum) }}
    {%- elif (value | string | trim | int) < minimum -%}
        {{ raise_invalid_var(name, value, 'set a whole number of at least ' ~ minimum) }}
    {%- endif -%}
{%- endmacro %}

{#- Return a date var as `YYYY-MM-DD` text, or none when it is empty and not
    required; stop the run when it is not a calendar date. -#}
{% macro parse_date_var(name, required) -%}
    {%- set value = var(name) -%}
    {%- if value is none or value | string | trim in ['', 'none', 'null'] -%}
        {%- if required -%}
            {{ raise_invalid_var(name, value, 'set a date as YYYY-MM-DD') }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ raise_invalid_var(name, value, 'write the date as YYYY-MM-DD') }}
    {%- endif -%}
    {%- set year, month, day = text.split('-') | map('int') | list -%}
    {%- set is_leap_year = (
        year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    ) -%}
    {%- set days_in_month = [
        31, 29 if is_leap_year else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    ] -%}
    {%- if month < 1 or month > 12 or day < 1
        or day > days_in_month[month - 1] -%}
        {{ raise_invalid_var(
            name, value,
            'it is not a calendar date; write a valid date as YYYY-MM-DD'
        ) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{#- Stop the run with the message `Invalid var <name> = <value>: <fix>.` -#}
{% macro raise_invalid_var(name, value, fix) -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var " ~ name ~ " = " ~ (value | tojson) ~ ": " ~ fix ~ "."
    ) }}
{%- endmacro %}

{#- Remove the quotes around a CSV field written with pandas' quoting: a
    field that starts with `"` ends with `"`, and `""` inside it stands for
    one `"`. An unquoted field is returned unchanged. -#}
{% macro unquote_csv_field(field_expr) -%}
    case
        when starts_with({{ field_expr }}, '"')
            then replace({{ field_expr }}[2:-2], '""', '"')
        else {{ field_expr }}
    end
{%- endmacro %}

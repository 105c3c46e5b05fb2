{#- Select-list entries for the normalised path and the five UTM parameters
    of a URL column, so every model splits URLs the same way. -#}
{% macro url_parts(url) -%}
    {{ parse_url_path(url) }} as path,
    {%- for name in [
        'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'
    ] %}
    {{ extract_url_param(url, name) }} as {{ name }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Return the first value of one query-string parameter of a URL,
    percent-decoded with `+` read as a space, or null when the parameter is
    absent or has an empty value. The name must match whole (`ku` does not
    match `sku`) but case-insensitively, so `UTM_SOURCE` counts as
    `utm_source`. Only the query between the first `?` and the fragment is
    searched. A value that does not decode to UTF-8 is returned as written. -#}
{% macro extract_url_param(url_expr, name) -%}
    {{ return(adapter.dispatch('extract_url_param', 'recruitment_analytics')(url_expr, name)) }}
{%- endmacro %}

{% macro default__extract_url_param(url_expr, name) -%}
    {{ exceptions.raise_compiler_error(
        "extract_url_param is implemented for DuckDB only, not for adapter '"
        ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro duckdb__extract_url_param(url_expr, name) -%}
    {%- set name_pattern = modules.re.escape(name) | replace("'", "''") -%}
    {%- set raw_value -%}
        replace(
            regexp_extract(
                regexp_extract({{ url_expr }}, '^[^?#]*\?([^#]*)', 1),
                '(?:^|&)(?i:{{ name_pattern }})=([^&]*)',
                1
            ),
            '+',
            ' '
        )
    {%- endset -%}
    nullif(coalesce(try(url_decode({{ raw_value }})), {{ raw_value }}), '')
{%- endmacro %}

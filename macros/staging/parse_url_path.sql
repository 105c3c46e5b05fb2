{#- Normalise a request URL to its path: query string and fragment removed,
    scheme and host removed from an absolute URL, percent-decoded, lower
    case, exactly one leading `/` and no trailing `/` except for the root.
    An empty URL, or one that is only a query such as `?`, is the root `/`.
    A percent sequence that does not decode to UTF-8 leaves the path as it
    was written. Null stays null. -#}
{% macro parse_url_path(url_expr) -%}
    {{ return(adapter.dispatch('parse_url_path', 'recruitment_analytics')(url_expr)) }}
{%- endmacro %}

{% macro default__parse_url_path(url_expr) -%}
    {{ exceptions.raise_compiler_error(
        "parse_url_path is implemented for DuckDB only, not for adapter '"
        ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro duckdb__parse_url_path(url_expr) -%}
    {%- set path_only -%}
        regexp_replace(
            regexp_extract({{ url_expr }}, '^[^?#]*'),
            '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*',
            ''
        )
    {%- endset -%}
    ('/' || trim(
        lower(coalesce(try(url_decode({{ path_only }})), {{ path_only }})),
        '/'
    ))
{%- endmacro %}

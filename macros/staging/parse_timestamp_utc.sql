{#- Parse timestamp text into a UTC timestamp without time zone, or null when
    the text is not a timestamp. Accepted: `YYYY-MM-DD[ T]HH:MM[:SS[.f]]`
    with `-` or `/` between date parts, at most six fraction digits kept
    (further digits are truncated), optionally followed by ` UTC`, `Z` or a
    numeric offset (`+09:00`, `+0900`), which is subtracted; a bare date is
    midnight. Text without a zone is taken as UTC. -#}
{% macro parse_timestamp_utc(text_expr) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'recruitment_analytics')(text_expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(text_expr) -%}
    {{ exceptions.raise_compiler_error(
        "parse_timestamp_utc is implemented for DuckDB only, not for adapter '"
        ~ adapter.type() ~ "'."
    ) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(text_expr) -%}
    {%- set local_part = (
        '(\\d{4}[-/]\\d{2}[-/]\\d{2}(?:[ T]\\d{2}:\\d{2}'
        ~ '(?::\\d{2}(?:\\.\\d{1,6})?)?)?)\\d*'
    ) -%}
    {%- set parts = (
        "regexp_extract(trim(" ~ text_expr ~ "), '^" ~ local_part
        ~ " ?(UTC|Z|([+-])(\\d{2}):?(\\d{2}))?$', "
        ~ "['local', 'zone', 'sign', 'hours', 'minutes'])"
    ) -%}
    {#- The common UTC forms take a fast path: CASE evaluates the general
        expression, which repeats a struct-valued regexp_extract, only for the
        remaining rows. -#}
    case
        when regexp_full_match(
            trim({{ text_expr }}),
            '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: UTC|Z)?'
        )
            then try_cast(
                regexp_replace(trim({{ text_expr }}), '(?: UTC|Z)$', '')
                as timestamp
            )
        else
            try_cast(replace({{ parts }}.local, '/', '-') as timestamp)
            - case
                when {{ parts }}.sign = '' then interval 0 minute
                else to_minutes(
                    cast(({{ parts }}.sign || '1') as integer)
                    * (
                        cast({{ parts }}.hours as integer) * 60
                        + cast({{ parts }}.minutes as integer)
                    )
                )
            end
    end
{%- endmacro %}

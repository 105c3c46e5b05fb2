{#- Convert a naive UTC timestamp to naive local time in var('timezone').
    Daylight saving and historical offsets follow the database's time zone
    data, so the offset is looked up per value. -#}
{% macro to_local_timestamp(timestamp_expr, timezone=none) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'recruitment_analytics')(
        timestamp_expr, timezone or var('timezone')
    )) }}
{%- endmacro %}

{#- SQL standard: the first AT TIME ZONE reads the naive value as UTC, the
    second renders that instant as wall-clock time in the target zone. -#}
{% macro default__to_local_timestamp(timestamp_expr, timezone) -%}
    (({{ timestamp_expr }}) at time zone 'UTC') at time zone '{{ timezone }}'
{%- endmacro %}

{#- DuckDB's ICU extension: timezone(zone, timestamp) reads a naive value in
    that zone and returns timestamptz; timezone(zone, timestamptz) returns
    the naive wall-clock time in that zone. -#}
{% macro duckdb__to_local_timestamp(timestamp_expr, timezone) -%}
    timezone('{{ timezone }}', timezone('UTC', {{ timestamp_expr }}))
{%- endmacro %}

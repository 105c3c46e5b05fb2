{#- One row per physical line of the request log CSVs. Files that passed the
    strict-read check in base_platform__log_files are scanned here, so their
    lines are never stored. row_number() follows the scan order only while
    the consuming model's session preserves insertion order, which the
    pre_hook of stg_platform__requests sets. -#}
{{ config(materialized='ephemeral') }}

-- depends_on: {{ ref('base_platform__log_files') }}

{#- The file list is absent while a linter compiles the project without a
    build. A real build creates it first, and if it is missing there, the
    ref to base_platform__log_byte_lines below fails as well. -#}
{%- set scans = [] -%}
{%- set log_files = load_relation(ref('base_platform__log_files')) -%}
{%- if execute and log_files is not none -%}
    {%- set result = run_query(
        'select source_file, csv_scan_sql from ' ~ log_files
        ~ ' where csv_scan_sql is not null order by source_file'
    ) -%}
    {%- set scans = result.rows | list -%}
{%- endif %}

with

{% for source_file, csv_scan_sql in scans %}
scanned_{{ loop.index }} as (

    select
        {{ dbt.string_literal(source_file) }} as source_file,
        row_number() over () as source_line,
        coalesce(line, '') as line_text,
        cast(null as blob) as line_bytes
    from {{ csv_scan_sql }}

),

{% endfor %}
byte_lines as (

    select * from {{ ref('base_platform__log_byte_lines') }}

),

decoded_byte_lines as (

    -- try() turns invalid UTF-8 into null, and the bytes are kept for
    -- exactly those lines.
    select
        source_file,
        source_line,
        regexp_replace(try(decode(line)), '\r?\n$', '') as line_text,
        case when try(decode(line)) is null then line end as line_bytes
    from byte_lines

),

unioned as (

    {% for _ in scans %}
    select
        source_file,
        source_line,
        line_text,
        line_bytes
    from scanned_{{ loop.index }}
    union all
    {% endfor %}
    select
        source_file,
        source_line,
        line_text,
        line_bytes
    from decoded_byte_lines

)

select * from unioned

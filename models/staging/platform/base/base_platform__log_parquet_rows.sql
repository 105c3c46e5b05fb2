{#- One row per row of the Parquet request log files, every field cast to
    VARCHAR so that it passes the same validation as a CSV field. A
    TIMESTAMP WITH TIME ZONE column is first converted to UTC, because its
    text form depends on the session time zone. Builds an empty relation
    when no Parquet file exists or when the project reads an access log. -#}
{{ config(materialized='ephemeral') }}

-- depends_on: {{ source('platform', 'log_parquet') }}
{%- set has_files = (
    var('log_format') == 'platform_csv'
    and glob_files(var('raw_path') ~ '/log_*.parquet') | length > 0
) -%}
{%- set timestamp_expr = 'cast("timestamp" as varchar)' -%}
{%- if has_files -%}
    {%- set described = run_query(
        'describe select "timestamp" from '
        ~ source('platform', 'log_parquet')
    ) -%}
    {%- if described.columns[1].values()[0] | upper
        == 'TIMESTAMP WITH TIME ZONE' -%}
        {%- set timestamp_expr = (
            "strftime(timezone('UTC', \"timestamp\"), '%Y-%m-%d %H:%M:%S.%f')"
        ) -%}
    {%- endif -%}
{%- endif -%}
{%- set input_relation = (
    source('platform', 'log_parquet') if has_files
    else empty_relation({
        'filename': 'varchar',
        'file_row_number': 'bigint',
        'user_uuid': 'varchar',
        'url': 'varchar',
        'timestamp': 'varchar',
        'date': 'varchar',
        'response_code': 'varchar',
        'method': 'varchar',
    })
) %}

with

parquet_rows as (

    select
        {{ file_basename('filename') }} as source_file,
        file_row_number + 1 as source_line,
        cast(user_uuid as varchar) as user_uuid,
        cast(url as varchar) as url,
        {{ timestamp_expr }} as event_timestamp,
        cast(date as varchar) as local_date,
        cast(response_code as varchar) as response_code,
        cast(method as varchar) as method
    from {{ input_relation }}

)

select * from parquet_rows

{#- Every raw request-log row exactly once, rejected rows included, from the
    log format that var `log_format` selects (`platform_csv` or `combined`).
    Both staging models are referenced so the DAG is the same for either
    format; the one not selected builds empty. Static-asset and crawler
    flags come from the seeds named by vars `static_asset_extensions_seed`
    and `crawler_user_agents_seed`; they are only set for access-log rows.
    A view: the staging tables already hold the parsed rows, so a table
    would only copy them. -#}
{{ config(materialized='view') }}

{#- A pattern that matches nothing applies when the project reads the platform
    export or the seed lists no pattern. -#}
{%- set crawler_pattern = '[^\\s\\S]' -%}
{%- if execute and var('log_format') == 'combined' -%}
    {%- set crawler_rows = run_query(
        'select pattern from '
        ~ ref(var('crawler_user_agents_seed'))
        ~ " where coalesce(trim(pattern), '') != ''"
    ) -%}
    {%- set crawler_patterns = [] -%}
    {%- for pattern in crawler_rows.columns[0].values() -%}
        {%- do crawler_patterns.append('(?:' ~ pattern ~ ')') -%}
    {%- endfor -%}
    {%- if crawler_patterns -%}
        {%- set crawler_pattern = '(?i)' ~ crawler_patterns | join('|') -%}
    {%- endif -%}
{%- endif %}

-- depends_on: {{ ref(var('crawler_user_agents_seed')) }}

with

platform_requests as (

    select * from {{ ref('stg_platform__requests') }}

),

access_log_requests as (

    select * from {{ ref('stg_access_log__requests') }}

),

static_asset_extensions as (

    select distinct lower(trim(file_extension)) as file_extension
    from {{ ref(var('static_asset_extensions_seed')) }}

),

platform_rows as (

    select
        request_id,
        source_file,
        source_line,
        user_id,
        url,
        event_at,
        source_local_date,
        status_code,
        method,
        cast(null as varchar) as user_agent,
        cast(null as varchar) as referrer,
        rejection_reason,
        raw_excerpt,
        false as is_static_asset,
        false as is_crawler
    from platform_requests

),

access_log_extensions as (

    select
        *,
        nullif(
            regexp_extract({{ parse_url_path('url') }}, '\.([a-z0-9]+)$', 1),
            ''
        ) as file_extension
    from access_log_requests

),

access_log_rows as (

    select
        access_log_extensions.request_id,
        access_log_extensions.source_file,
        access_log_extensions.source_line,
        access_log_extensions.user_id,
        access_log_extensions.url,
        access_log_extensions.event_at,
        cast(null as date) as source_local_date,
        access_log_extensions.status_code,
        access_log_extensions.method,
        access_log_extensions.user_agent,
        access_log_extensions.referrer,
        access_log_extensions.rejection_reason,
        -- Nothing raw is kept for access logs, because a line starts with
        -- the client address.
        cast(null as varchar) as raw_excerpt,
        static_asset_extensions.file_extension is not null as is_static_asset,
        coalesce(
            regexp_matches(
                access_log_extensions.user_agent,
                {{ dbt.string_literal(crawler_pattern) }}
            ),
            false
        ) as is_crawler
    from access_log_extensions
    left join static_asset_extensions
        on
            access_log_extensions.file_extension
            = static_asset_extensions.file_extension

),

unioned as (

    -- Each staging model is empty unless var log_format selects its format,
    -- so the union contains the selected format's rows only.
    select * from platform_rows
    union all
    select * from access_log_rows

)

select * from unioned

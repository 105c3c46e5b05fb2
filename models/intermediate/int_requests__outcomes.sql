{#- One row per raw log row with its outcome (kept, filtered or rejected) and
    exactly one reason. Precedence, first match wins: the parser's rejection
    reason, then the analysis window, then rules about the client (automated,
    crawler), then rules about the single request (error status, static
    asset). Client rules come before request rules so that all traffic of an
    automated client is counted as such, including its error responses. -#}

with

unioned as (

    select * from {{ ref('int_requests__unioned') }}

),

localised as (

    select
        *,
        {{ to_local_timestamp('event_at') }} as event_local_at
    from unioned

),

dated as (

    select
        *,
        cast(event_local_at as date) as event_local_date
    from localised

),

parsed as (

    select
        user_id,
        event_at
    from unioned
    where rejection_reason is null

),

-- Calendar minutes in UTC are also local calendar minutes, because
-- present-day time zone offsets are whole numbers of minutes.
-- NOTE: these are calendar minutes, not a sliding 60-second window, so a
-- burst that straddles a minute boundary is counted in two minutes.
requests_per_minute as (

    select
        user_id,
        {{ dbt.date_trunc('minute', 'event_at') }} as request_minute,
        count(*) as request_count
    from parsed
    group by user_id, request_minute

),

-- Rolled up from the minutes, so the raw rows are grouped only once.
requests_per_day as (

    select
        user_id,
        cast({{ to_local_timestamp('request_minute') }} as date)
            as request_local_date,
        sum(request_count) as request_count
    from requests_per_minute
    group by user_id, request_local_date

),

-- Rates count every parsed request of the client, whatever its date or
-- status, so a client found automated on any day is filtered on every day.
automated_by_minute as (

    select distinct user_id
    from requests_per_minute
    where request_count > {{ var('bot_max_requests_per_minute') }}

),

automated_by_day as (

    select distinct user_id
    from requests_per_day
    where request_count > {{ var('bot_max_requests_per_day') }}

),

automated_clients as (

    select user_id from automated_by_minute
    union
    select user_id from automated_by_day

),

flagged as (

    select
        dated.*,
        automated_clients.user_id is not null as is_automated_client
    from dated
    left join automated_clients
        on dated.user_id = automated_clients.user_id

),

windowed as (

    select
        *,
        {{ is_before_analysis_start('event_local_date') }}
            as is_before_start_date,
        {{ is_after_analysis_end('event_local_date') }} as is_after_end_date
    from flagged

),

reasoned as (

    select
        *,
        case
            when rejection_reason is not null then rejection_reason
            when is_before_start_date then 'before_start_date'
            when is_after_end_date then 'after_end_date'
            when is_automated_client then 'automated_client'
            when coalesce(is_crawler, false) then 'crawler_user_agent'
            when status_code >= 400 then 'error_status'
            when coalesce(is_static_asset, false) then 'static_asset'
        end as filter_reason
    from windowed

),

labelled as (

    select
        *,
        case
            when rejection_reason is not null then 'rejected'
            when filter_reason is not null then 'filtered'
            else 'kept'
        end as outcome,
        coalesce(filter_reason, 'kept') as outcome_reason
    from reasoned

),

outcomes as (

    select
        request_id,
        source_file,
        source_line,
        user_id,
        url,
        method,
        user_agent,
        referrer,
        rejection_reason,
        raw_excerpt,
        outcome,
        outcome_reason,
        status_code,
        is_automated_client,
        is_crawler,
        is_static_asset,
        source_local_date,
        event_local_date,
        event_at,
        event_local_at
    from labelled

)

select * from outcomes

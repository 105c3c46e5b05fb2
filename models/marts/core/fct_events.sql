with

sessionised as (

    select * from {{ ref('int_events__sessionised') }}

),

-- Calendar features come from local time, so a request at 23:30 UTC on the
-- last day of a month already belongs to the next local day and month.
events as (

    select
        event_id,
        user_id,
        session_id,
        path,
        page_type,
        stage,
        channel,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_term,
        method,
        status_code,
        event_sequence,
        cast(extract(year from event_local_at) as integer) as event_year,
        cast(extract(day from event_local_at) as integer) as event_day,
        {{ iso_weekday('event_local_at') }} as event_weekday,
        cast(extract(hour from event_local_at) as integer) as event_hour,
        extract(day from event_local_at)
        <= {{ var('month_start_days') }} as is_month_start,
        cast(event_local_at as date) as event_date,
        cast(
            {{ dbt.date_trunc('month', 'event_local_at') }} as date
        ) as event_month,
        cast(
            {{ dbt.date_trunc('week', 'event_local_at') }} as date
        ) as event_week_start,
        event_at,
        event_local_at
    from sessionised

)

select * from events

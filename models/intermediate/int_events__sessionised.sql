{#- One row per kept event with its session. Every window below shares one
    partition (user) and one order (event time, then event id as a stable
    tie-break), so the events are sorted once per pass and never joined to
    themselves. A session starts when the gap to the user's previous event is
    strictly greater than var('session_timeout_minutes'). -#}

with

events as (

    select * from {{ ref('int_events__classified') }}

),

ordered as (

    select
        *,
        lag(event_at) over user_events as previous_event_at,
        row_number() over user_events as user_event_number
    from events
    window user_events as (partition by user_id order by event_at, event_id)

),

-- Funnel pages are the events that appear in stage and page-type
-- sequences: background calls (api) and unmatched paths (other) do not.
flagged as (

    select
        *,
        coalesce(
            event_at > {{ dbt.dateadd(
                'minute',
                var('session_timeout_minutes'),
                'previous_event_at'
            ) }},
            true
        ) as is_session_start,
        page_type not in ('api', 'other') as is_funnel_page
    from ordered

),

-- A previous funnel page belongs to the same session exactly when it is not
-- older than the session's first event, because the event before a session
-- start is strictly older than that start.
carried as (

    select
        *,
        count(case when is_session_start then 1 end)
            over running_events as session_number,
        max(case when is_session_start then user_event_number end)
            over running_events as session_first_event_number,
        max(case when is_session_start then event_at end)
            over running_events as session_started_at,
        last_value(case when is_session_start then event_id end ignore nulls)
            over running_events as session_first_event_id,
        max(case when is_funnel_page then event_at end)
            over earlier_events as previous_funnel_event_at,
        last_value(case when is_funnel_page then stage end ignore nulls)
            over earlier_events as previous_funnel_stage,
        last_value(case when is_funnel_page then page_type end ignore nulls)
            over earlier_events as previous_funnel_page_type
    from flagged
    window
        user_events as (partition by user_id order by event_at, event_id),
        running_events as (
            user_events rows between unbounded preceding and current row
        ),
        earlier_events as (
            user_events rows between unbounded preceding and 1 preceding
        )

),

sessionised as (

    select
        event_id,
        user_id,
        {{ dbt.hash(dbt.concat(['user_id', "'|'", 'session_first_event_id'])) }}
            as session_id,
        session_number,
        user_event_number - session_first_event_number + 1 as event_sequence,
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
        is_session_start,
        is_funnel_page,
        coalesce(
            is_funnel_page
            and (
                previous_funnel_event_at < session_started_at
                or previous_funnel_stage != stage
            ),
            is_funnel_page
        ) as is_stage_change,
        coalesce(
            is_funnel_page
            and (
                previous_funnel_event_at < session_started_at
                or previous_funnel_page_type != page_type
            ),
            is_funnel_page
        ) as is_page_type_change,
        event_at,
        event_local_at,
        session_started_at
    from carried

)

select * from sessionised

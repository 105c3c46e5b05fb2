{#- One row per kept event with its session. Both windows share one
    partition (user) and one order (event time, then event id as a stable
    tie-break), and no event is joined to another. A session starts when the
    gap to the user's previous event is strictly greater than
    var('session_timeout_minutes'). -#}

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
        ) as is_session_start
    from ordered

),

-- Running totals over the same order carry each session start forward to
-- the events after it.
carried as (

    select
        *,
        count(case when is_session_start then 1 end)
            over running_events as session_number,
        max(case when is_session_start then user_event_number end)
            over running_events as session_first_event_number,
        max(case when is_session_start then event_at end)
            over running_events as session_started_at
    from flagged
    window running_events as (
        partition by user_id
        order by event_at, event_id
        rows between unbounded preceding and current row
    )

),

-- The first event's time identifies a session within its user: a session
-- start is strictly later than every earlier event of that user, so no two
-- sessions of a user start at the same time.
sessionised as (

    select
        event_id,
        user_id,
        {{ dbt.hash(dbt.concat([
            'user_id',
            "'|'",
            "cast(session_started_at as " ~ dbt.type_string() ~ ")",
        ])) }} as session_id,
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
        session_number,
        is_session_start,
        event_at,
        event_local_at,
        session_started_at,
        user_event_number - session_first_event_number + 1 as event_sequence
    from carried

)

select * from sessionised

{#- One row per kept event with its session. A session starts at a user's
    first event and whenever the gap to the user's previous event is
    strictly greater than var('session_timeout_minutes'). Events are sorted
    once, per user by event time with the event id as a stable tie-break.
    Sessions are then numbered on the small table of session starts and
    joined back by position range, which at millions of events is faster
    than a second window pass over every event. -#}

{%- set last_position = 9223372036854775807 -%}

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

-- The first event's time identifies a session within its user: a session
-- start is strictly later than every earlier event of that user, so no two
-- sessions of a user start at the same time.
session_starts as (

    select
        user_id,
        user_event_number as first_event_number,
        event_at as session_started_at,
        coalesce(
            lead(user_event_number) over user_sessions,
            {{ last_position }}
        ) as next_first_event_number,
        row_number() over user_sessions as session_number,
        {{ dbt.hash(dbt.concat([
            'user_id',
            "'|'",
            "cast(event_at as " ~ dbt.type_string() ~ ")",
        ])) }} as session_id
    from flagged
    where is_session_start
    window user_sessions as (partition by user_id order by user_event_number)

),

sessionised as (

    select
        flagged.event_id,
        flagged.user_id,
        session_starts.session_id,
        flagged.path,
        flagged.page_type,
        flagged.stage,
        flagged.channel,
        flagged.utm_source,
        flagged.utm_medium,
        flagged.utm_campaign,
        flagged.utm_content,
        flagged.utm_term,
        flagged.method,
        flagged.status_code,
        session_starts.session_number,
        flagged.is_session_start,
        flagged.event_at,
        flagged.event_local_at,
        session_starts.session_started_at,
        flagged.user_event_number
        - session_starts.first_event_number
        + 1 as event_sequence
    from flagged
    inner join session_starts
        on
            flagged.user_id = session_starts.user_id
            and flagged.user_event_number >= session_starts.first_event_number
            and flagged.user_event_number
            < session_starts.next_first_event_number

)

select * from sessionised

-- Fails for each session whose event count, number or first and last times
-- disagree with its events in fct_events.

with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

events as (

    select * from {{ ref('fct_events') }}

),

event_totals as (

    select
        session_id,
        count(*) as event_count,
        max(event_sequence) as max_event_sequence,
        min(event_at) as started_at,
        max(event_at) as ended_at
    from events
    group by session_id

),

compared as (

    select
        sessions.session_id,
        sessions.event_count,
        event_totals.event_count as events_in_fct_events,
        event_totals.max_event_sequence
    from sessions
    left join event_totals
        on sessions.session_id = event_totals.session_id
    where
        event_totals.session_id is null
        or sessions.event_count != event_totals.event_count
        or event_totals.max_event_sequence != event_totals.event_count
        or sessions.started_at != event_totals.started_at
        or sessions.ended_at != event_totals.ended_at

)

select * from compared

-- Returns a row when the calendar in rpt_daily_activity does not run from
-- the first to the last kept event date with one row per day, for example
-- when a window is longer than the model's day series.
with

events as (

    select * from {{ ref('fct_events') }}

),

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

event_window as (

    select
        min(event_date) as first_date,
        max(event_date) as last_date
    from events

),

calendar_window as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date,
        count(*) as calendar_days
    from daily_activity

),

compared as (

    select
        event_window.first_date as event_first_date,
        event_window.last_date as event_last_date,
        calendar_window.first_date as calendar_first_date,
        calendar_window.last_date as calendar_last_date,
        calendar_window.calendar_days
    from event_window
    cross join calendar_window

),

violations as (

    select *
    from compared
    where
        event_first_date != calendar_first_date
        or event_last_date != calendar_last_date
        or calendar_days
        != {{ dbt.datediff(
            'event_first_date',
            'event_last_date',
            'day',
        ) }} + 1

)

select * from violations

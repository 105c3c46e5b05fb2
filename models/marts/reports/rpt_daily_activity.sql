-- Every local date between the first and the last kept event gets a row,
-- so days without activity show as zero instead of disappearing.
with

events as (

    select * from {{ ref('fct_events') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

window_bounds as (

    select
        min(event_date) as first_date,
        max(event_date) as last_date
    from events

),

-- 16,384 days (about 44 years) is far longer than any export; the
-- calendar test fails if a window ever exceeds it.
day_numbers as (

    {{ dbt.generate_series(16384) }}

),

calendar as (

    select
        cast(
            {{ dbt.dateadd(
                'day',
                'day_numbers.generated_number - 1',
                'window_bounds.first_date',
            ) }} as date
        ) as activity_date,
        window_bounds.first_date
    from window_bounds
    cross join day_numbers
    where
        day_numbers.generated_number - 1
        <= {{ dbt.datediff(
            'window_bounds.first_date',
            'window_bounds.last_date',
            'day',
        ) }}

),

user_days as (

    select distinct
        user_id,
        event_date as activity_date
    from events

),

daily_users as (

    select
        activity_date,
        count(*) as daily_active_users
    from user_days
    group by activity_date

),

-- Trailing windows count distinct users over the 7 and 30 local days
-- ending on (and including) each calendar date.
trailing_users as (

    select
        calendar.activity_date,
        count(
            distinct case
                when
                    user_days.activity_date
                    > {{ dbt.dateadd('day', -7, 'calendar.activity_date') }}
                    then user_days.user_id
            end
        ) as weekly_active_users,
        count(distinct user_days.user_id) as monthly_active_users
    from calendar
    inner join user_days
        on
            calendar.activity_date >= user_days.activity_date
            and {{ dbt.dateadd('day', -30, 'calendar.activity_date') }}
            < user_days.activity_date
    group by calendar.activity_date

),

daily_sessions as (

    select
        session_date as activity_date,
        count(*) as sessions_started
    from sessions
    group by session_date

),

daily_events as (

    select
        event_date as activity_date,
        count(*) as event_count
    from events
    group by event_date

),

joined as (

    select
        calendar.activity_date,
        cast(
            {{ dbt.date_trunc('week', 'calendar.activity_date') }} as date
        ) as activity_week_start,
        cast(
            {{ dbt.date_trunc('month', 'calendar.activity_date') }} as date
        ) as activity_month,
        extract(isodow from calendar.activity_date) as iso_weekday,
        extract(day from calendar.activity_date) as day_of_month,
        coalesce(daily_users.daily_active_users, 0) as daily_active_users,
        coalesce(trailing_users.weekly_active_users, 0)
            as weekly_active_users,
        coalesce(trailing_users.monthly_active_users, 0)
            as monthly_active_users,
        coalesce(daily_sessions.sessions_started, 0) as sessions_started,
        coalesce(daily_events.event_count, 0) as event_count,
        extract(day from calendar.activity_date)
        <= {{ var('month_start_days') }} as is_month_start,
        {{ dbt.datediff(
            'calendar.first_date',
            'calendar.activity_date',
            'day',
        ) }} >= 29 as has_full_trailing_window
    from calendar
    left join daily_users
        on calendar.activity_date = daily_users.activity_date
    left join trailing_users
        on calendar.activity_date = trailing_users.activity_date
    left join daily_sessions
        on calendar.activity_date = daily_sessions.activity_date
    left join daily_events
        on calendar.activity_date = daily_events.activity_date

),

with_ratio as (

    select
        *,
        cast(daily_active_users as double)
        / nullif(monthly_active_users, 0) as dau_mau_ratio
    from joined

)

select * from with_ratio

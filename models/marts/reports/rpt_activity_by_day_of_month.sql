with

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

by_day as (

    select
        day_of_month,
        count(*) as days_observed,
        avg(daily_active_users) as mean_daily_active_users,
        avg(sessions_started) as mean_sessions_started,
        avg(event_count) as mean_events
    from daily_activity
    group by day_of_month

),

overall as (

    select avg(daily_active_users) as mean_daily_active_users
    from daily_activity

),

indexed as (

    select
        by_day.day_of_month,
        by_day.days_observed,
        by_day.mean_daily_active_users,
        by_day.mean_sessions_started,
        by_day.mean_events,
        by_day.mean_daily_active_users
        / nullif(overall.mean_daily_active_users, 0)
            as daily_active_users_index,
        by_day.day_of_month <= {{ var('month_start_days') }} as is_month_start
    from by_day
    cross join overall

)

select * from indexed

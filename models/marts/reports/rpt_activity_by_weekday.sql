with

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

by_weekday as (

    select
        iso_weekday,
        count(*) as days_observed,
        avg(daily_active_users) as mean_daily_active_users,
        avg(sessions_started) as mean_sessions_started,
        avg(event_count) as mean_events
    from daily_activity
    group by iso_weekday

),

overall as (

    select avg(daily_active_users) as mean_daily_active_users
    from daily_activity

),

labelled as (

    select
        by_weekday.iso_weekday,
        by_weekday.days_observed,
        by_weekday.mean_daily_active_users,
        by_weekday.mean_sessions_started,
        by_weekday.mean_events,
        case by_weekday.iso_weekday
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as weekday_name,
        by_weekday.mean_daily_active_users
        / nullif(overall.mean_daily_active_users, 0)
            as daily_active_users_index,
        by_weekday.iso_weekday >= 6 as is_weekend
    from by_weekday
    cross join overall

)

select * from labelled

-- Lift = mean on the first month_start_days days of a month divided by
-- the mean on the month's other days. A month without days on one side
-- (the window's first or last month) has a null lift, not zero.
with

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

per_month as (

    select
        cast(activity_month as varchar) as period,
        activity_month,
        count(case when is_month_start then 1 end)
            as month_start_days_observed,
        count(case when not is_month_start then 1 end)
            as other_days_observed,
        avg(case when is_month_start then daily_active_users end)
            as month_start_mean_daily_active_users,
        avg(case when not is_month_start then daily_active_users end)
            as other_days_mean_daily_active_users,
        avg(case when is_month_start then sessions_started end)
            as month_start_mean_sessions_started,
        avg(case when not is_month_start then sessions_started end)
            as other_days_mean_sessions_started,
        false as is_overall
    from daily_activity
    group by activity_month

),

-- The overall row pools every month-start day against every other day.
overall as (

    select
        'overall' as period,
        cast(null as date) as activity_month,
        count(case when is_month_start then 1 end)
            as month_start_days_observed,
        count(case when not is_month_start then 1 end)
            as other_days_observed,
        avg(case when is_month_start then daily_active_users end)
            as month_start_mean_daily_active_users,
        avg(case when not is_month_start then daily_active_users end)
            as other_days_mean_daily_active_users,
        avg(case when is_month_start then sessions_started end)
            as month_start_mean_sessions_started,
        avg(case when not is_month_start then sessions_started end)
            as other_days_mean_sessions_started,
        true as is_overall
    from daily_activity

),

unioned as (

    select * from per_month
    union all
    select * from overall

),

with_lift as (

    select
        period,
        activity_month,
        month_start_days_observed,
        other_days_observed,
        month_start_mean_daily_active_users,
        other_days_mean_daily_active_users,
        month_start_mean_sessions_started,
        other_days_mean_sessions_started,
        is_overall,
        month_start_mean_daily_active_users
        / nullif(other_days_mean_daily_active_users, 0)
            as daily_active_users_lift,
        month_start_mean_sessions_started
        / nullif(other_days_mean_sessions_started, 0)
            as sessions_started_lift
    from unioned

)

select * from with_lift

with

events as (

    select * from {{ ref('fct_events') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

user_months as (

    select distinct
        user_id,
        event_month as activity_month
    from events

),

monthly_users as (

    select
        user_months.activity_month,
        count(*) as active_users,
        count(case when users.user_type = 'new' then 1 end)
            as new_users,
        count(case when users.user_type = 'existing' then 1 end)
            as existing_users
    from user_months
    left join users
        on user_months.user_id = users.user_id
    group by user_months.activity_month

),

-- Stickiness averages the daily DAU/MAU ratio only over days whose
-- trailing 30 days lie inside the window, because a shorter window
-- undercounts MAU and inflates the ratio.
monthly_days as (

    select
        activity_month,
        count(*) as days_observed,
        avg(daily_active_users) as mean_daily_active_users,
        avg(
            case when has_full_trailing_window then dau_mau_ratio end
        ) as mean_dau_mau_ratio
    from daily_activity
    group by activity_month

),

joined as (

    select
        monthly_days.activity_month,
        coalesce(monthly_users.active_users, 0) as active_users,
        coalesce(monthly_users.new_users, 0) as new_users,
        coalesce(monthly_users.existing_users, 0) as existing_users,
        monthly_days.days_observed,
        monthly_days.mean_daily_active_users,
        monthly_days.mean_daily_active_users
        / nullif(monthly_users.active_users, 0) as stickiness,
        monthly_days.mean_dau_mau_ratio,
        monthly_days.days_observed
        = extract(
            day from {{ dbt.last_day('monthly_days.activity_month', 'month') }}
        ) as is_complete_month
    from monthly_days
    left join monthly_users
        on monthly_days.activity_month = monthly_users.activity_month

)

select * from joined

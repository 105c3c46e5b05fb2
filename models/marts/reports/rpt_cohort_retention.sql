-- A user's cohort is the first week (or month) in which they were active
-- inside the window. Periods that end after the last observed date are not
-- fully elapsed, so their active users and retention are null, not zero.
with

events as (

    select * from {{ ref('fct_events') }}

),

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

user_weeks as (

    select distinct
        'week' as cohort_grain,
        user_id,
        event_week_start as period_start
    from events

),

user_months as (

    select distinct
        'month' as cohort_grain,
        user_id,
        event_month as period_start
    from events

),

user_periods as (

    select * from user_weeks
    union all
    select * from user_months

),

user_cohorts as (

    select
        cohort_grain,
        user_id,
        min(period_start) as cohort_start
    from user_periods
    group by cohort_grain, user_id

),

cohort_sizes as (

    select
        cohort_grain,
        cohort_start,
        count(*) as cohort_users
    from user_cohorts
    group by cohort_grain, cohort_start

),

last_observed as (

    select max(activity_date) as last_date
    from daily_activity

),

-- Periods come from the calendar, so a week or month without any
-- activity still gets a row with zero active users.
calendar_weeks as (

    select distinct
        'week' as cohort_grain,
        activity_week_start as period_start,
        cast(
            {{ dbt.dateadd('day', 6, 'activity_week_start') }} as date
        ) as period_end
    from daily_activity

),

calendar_months as (

    select distinct
        'month' as cohort_grain,
        activity_month as period_start,
        {{ dbt.last_day('activity_month', 'month') }} as period_end
    from daily_activity

),

calendar_periods as (

    select * from calendar_weeks
    union all
    select * from calendar_months

),

cohort_periods as (

    select
        cohort_sizes.cohort_grain,
        cohort_sizes.cohort_start,
        cohort_sizes.cohort_users,
        calendar_periods.period_start,
        case cohort_sizes.cohort_grain
            when 'week'
                then {{ dbt.datediff(
                    'cohort_sizes.cohort_start',
                    'calendar_periods.period_start',
                    'week',
                ) }}
            else {{ dbt.datediff(
                'cohort_sizes.cohort_start',
                'calendar_periods.period_start',
                'month',
            ) }}
        end as period_number,
        calendar_periods.period_end <= last_observed.last_date
            as is_period_complete
    from cohort_sizes
    inner join calendar_periods
        on
            cohort_sizes.cohort_grain = calendar_periods.cohort_grain
            and cohort_sizes.cohort_start <= calendar_periods.period_start
    cross join last_observed

),

period_activity as (

    select
        user_cohorts.cohort_grain,
        user_cohorts.cohort_start,
        user_periods.period_start,
        count(*) as active_users
    from user_cohorts
    inner join user_periods
        on
            user_cohorts.cohort_grain = user_periods.cohort_grain
            and user_cohorts.user_id = user_periods.user_id
    group by
        user_cohorts.cohort_grain,
        user_cohorts.cohort_start,
        user_periods.period_start

),

retention as (

    select
        {{ dbt.concat([
            'cohort_periods.cohort_grain',
            "':'",
            'cast(cohort_periods.cohort_start as varchar)',
            "':'",
            'cast(cohort_periods.period_number as varchar)',
        ]) }} as retention_key,
        cohort_periods.cohort_grain,
        cohort_periods.cohort_start,
        cast(cohort_periods.period_number as integer) as period_number,
        cohort_periods.period_start,
        cohort_periods.cohort_users,
        case
            when cohort_periods.is_period_complete
                then coalesce(period_activity.active_users, 0)
        end as active_users,
        case
            when cohort_periods.is_period_complete
                then
                    cast(coalesce(period_activity.active_users, 0) as double)
                    / cohort_periods.cohort_users
        end as retention_rate,
        cohort_periods.is_period_complete
    from cohort_periods
    left join period_activity
        on
            cohort_periods.cohort_grain = period_activity.cohort_grain
            and cohort_periods.cohort_start = period_activity.cohort_start
            and cohort_periods.period_start = period_activity.period_start

)

select * from retention

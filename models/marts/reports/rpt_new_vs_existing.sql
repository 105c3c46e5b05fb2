-- Completion rate = users who opened the application form and submitted
-- / users who opened the form, so it never exceeds one. Days to apply
-- come from dim_users: sign-up for new users, first event in the window
-- for existing users, to the first submitted application.
with

users as (

    select * from {{ ref('dim_users') }}

),

flagged as (

    select
        user_type,
        days_to_first_application,
        coalesce(applications_started, 0) > 0 as has_opened_form,
        coalesce(applications_completed, 0) > 0 as has_submitted
    from users

),

by_user_type as (

    select
        user_type,
        count(*) as user_count,
        count(case when has_opened_form then 1 end)
            as users_opened_form,
        count(case when has_submitted then 1 end) as users_submitted,
        count(case when has_opened_form and has_submitted then 1 end)
            as users_opened_and_submitted,
        percentile_cont(0.5) within group (
            order by days_to_first_application
        ) as median_days_to_first_application,
        avg(days_to_first_application) as mean_days_to_first_application
    from flagged
    group by user_type

),

with_rate as (

    select
        user_type,
        user_count,
        users_opened_form,
        users_submitted,
        users_opened_and_submitted,
        median_days_to_first_application,
        mean_days_to_first_application,
        cast(users_opened_and_submitted as double)
        / nullif(users_opened_form, 0) as completion_rate
    from by_user_type

)

select * from with_rate

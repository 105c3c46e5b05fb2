{#- One row per user with at least one kept event in the analysis window.
    New users completed sign-up in the window. Days to the first application
    count from sign-up for new users and from the first event in the window
    for existing users, to the first submitted application at or after that
    moment. -#}

with

events as (

    select * from {{ ref('int_events__sessionised') }}

),

sessions as (

    select * from {{ ref('int_sessions__aggregated') }}

),

user_sessions as (

    select
        user_id,
        count(*) as session_count,
        cast(
            sum(application_form_entries) as {{ dbt.type_bigint() }}
        ) as applications_started
    from sessions
    group by user_id

),

user_events as (

    select
        user_id,
        count(*) as event_count,
        count(distinct cast(event_local_at as date)) as active_days,
        count(
            case when page_type = 'job_list' then 1 end
        ) as job_listing_views,
        count(
            case when page_type = 'job_detail' then 1 end
        ) as job_detail_views,
        count(
            case when page_type = 'apply_submit' then 1 end
        ) as applications_completed,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        min(
            case when page_type = 'signup_complete' then event_at end
        ) as signed_up_at
    from events
    group by user_id

),

typed as (

    select
        *,
        case
            when signed_up_at is not null then 'new' else 'existing'
        end as user_type,
        coalesce(signed_up_at, first_seen_at) as application_clock_started_at
    from user_events

),

first_submits as (

    select
        typed.user_id,
        min(events.event_at) as first_applied_at
    from typed
    inner join events
        on
            typed.user_id = events.user_id
            and events.page_type = 'apply_submit'
            and typed.application_clock_started_at <= events.event_at
    group by typed.user_id

),

users as (

    select
        typed.user_id,
        typed.user_type,
        user_sessions.session_count,
        typed.event_count,
        typed.active_days,
        typed.job_listing_views,
        typed.job_detail_views,
        user_sessions.applications_started,
        typed.applications_completed,
        {{ dbt.datediff(
            'typed.application_clock_started_at',
            'first_submits.first_applied_at',
            'microsecond'
        ) }} / 86400000000.0 as days_to_first_application,
        typed.first_seen_at,
        typed.last_seen_at,
        typed.signed_up_at,
        first_submits.first_applied_at
    from typed
    inner join user_sessions
        on typed.user_id = user_sessions.user_id
    left join first_submits
        on typed.user_id = first_submits.user_id

)

select * from users

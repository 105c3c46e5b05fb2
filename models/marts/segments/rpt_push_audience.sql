-- Audience of the month-start push: target-cohort users and job-browser
-- cluster users who were active in the last push_active_days days of the
-- data, each with the job field to feature in the message.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

user_clusters as (
    select * from {{ ref('user_clusters') }}
),

target_cohort as (
    select * from {{ ref('rpt_target_cohort') }}
),

applications as (
    select * from {{ ref('fct_applications') }}
),

bookmarks as (
    select * from {{ ref('stg_platform__bookmarks') }}
),

jobs as (
    select * from {{ ref('stg_platform__jobs') }}
),

job_field_names as (
    select * from {{ ref('job_field_names') }}
),

-- Staging keeps unparseable rows with a rejection_reason. Only valid rows
-- count as a user's interest or as the platform's postings.
valid_bookmarks as (
    select *
    from bookmarks
    where rejection_reason is null
),

valid_jobs as (
    select *
    from jobs
    where rejection_reason is null
),

data_end as (
    select max(session_date) as last_data_date
    from sessions
),

send_dates as (
    select
        last_data_date,
        cast(
            {{ dbt.dateadd(
                'day',
                '1 - ' ~ var('push_active_days'),
                'last_data_date',
            ) }} as date
        ) as active_since_date,
        cast(
            {{ dbt.dateadd(
                'month',
                1,
                dbt.date_trunc('month', 'last_data_date'),
            ) }} as date
        ) as send_date
    from data_end
),

user_activity as (
    select
        user_id,
        max(session_date) as last_active_date
    from sessions
    group by user_id
),

candidates as (
    select
        user_activity.user_id,
        user_clusters.cluster_id,
        user_clusters.cluster_label,
        user_activity.last_active_date,
        target_cohort.user_id is not null as in_target_cohort,
        coalesce(
            user_clusters.cluster_label = 'job_browser', false
        ) as is_job_browser
    from user_activity
    left join user_clusters
        on user_activity.user_id = user_clusters.user_id
    left join target_cohort
        on user_activity.user_id = target_cohort.user_id
),

active_candidates as (
    select candidates.*
    from candidates
    cross join send_dates
    where
        (candidates.in_target_cohort or candidates.is_job_browser)
        and candidates.last_active_date >= send_dates.active_since_date
),

-- Applications and bookmarks both show interest in a job's field.
field_signals as (
    select
        user_id,
        job_field,
        applied_at as signal_at
    from applications
    union all
    select
        bookmarks.user_id,
        jobs.job_field,
        bookmarks.bookmarked_at as signal_at
    from valid_bookmarks as bookmarks
    inner join valid_jobs as jobs
        on bookmarks.job_id = jobs.job_id
),

user_field_counts as (
    select
        user_id,
        job_field,
        count(*) as signal_count,
        max(signal_at) as last_signal_at
    from field_signals
    where job_field is not null
    group by user_id, job_field
),

user_fields_ranked as (
    select
        user_id,
        job_field,
        row_number() over (
            partition by user_id
            order by signal_count desc, last_signal_at desc, job_field asc
        ) as field_rank
    from user_field_counts
),

preferred_fields as (
    select
        user_id,
        job_field
    from user_fields_ranked
    where field_rank = 1
),

application_field_counts as (
    select
        job_field,
        count(*) as application_count
    from applications
    where job_field is not null
    group by job_field
),

posting_field_counts as (
    select
        job_field,
        count(*) as posting_count
    from valid_jobs
    where job_field is not null
    group by job_field
),

-- The field with the most applications in the window. Postings decide
-- when there are no applications.
platform_top_field as (
    select posting_field_counts.job_field
    from posting_field_counts
    left join application_field_counts
        on posting_field_counts.job_field = application_field_counts.job_field
    order by
        coalesce(application_field_counts.application_count, 0) desc,
        posting_field_counts.posting_count desc,
        posting_field_counts.job_field asc
    limit 1
),

audience as (
    select
        active_candidates.user_id,
        active_candidates.cluster_id,
        active_candidates.cluster_label,
        active_candidates.in_target_cohort,
        active_candidates.is_job_browser,
        active_candidates.last_active_date,
        send_dates.send_date,
        coalesce(
            preferred_fields.job_field, platform_top_field.job_field
        ) as preferred_job_field,
        case
            when preferred_fields.job_field is not null then 'user_history'
            when platform_top_field.job_field is not null
                then 'platform_top_field'
        end as job_field_source,
        case
            when
                active_candidates.in_target_cohort
                and active_candidates.is_job_browser
                then 'target_cohort_and_job_browser'
            when active_candidates.in_target_cohort then 'target_cohort'
            else 'job_browser'
        end as audience_reason
    from active_candidates
    cross join send_dates
    left join preferred_fields
        on active_candidates.user_id = preferred_fields.user_id
    left join platform_top_field
        on true
),

named as (
    select
        audience.user_id,
        audience.cluster_id,
        audience.cluster_label,
        audience.preferred_job_field,
        job_field_names.job_field_en as preferred_job_field_en,
        audience.job_field_source,
        audience.audience_reason,
        audience.in_target_cohort,
        audience.is_job_browser,
        audience.last_active_date,
        audience.send_date
    from audience
    left join job_field_names
        on audience.preferred_job_field = job_field_names.job_field
)

select * from named

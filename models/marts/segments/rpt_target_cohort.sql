-- The marketing target: users whose sessions are all short, who came back
-- only a few times, and who still viewed many job listings. Thresholds are
-- vars so the rule can be tuned per run.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

user_clusters as (
    select * from {{ ref('user_clusters') }}
),

user_sessions as (
    select
        user_id,
        count(*) as session_count,
        max(duration_seconds) as max_session_seconds,
        sum(job_list_views) as job_listing_views,
        sum(job_detail_views) as job_detail_views,
        sum(apply_form_views) as apply_form_views,
        sum(apply_submits) as apply_submits,
        min(started_at) as first_session_at,
        max(ended_at) as last_session_at
    from sessions
    group by user_id
),

cohort as (
    select *
    from user_sessions
    where
        max_session_seconds <= {{ var('cohort_max_session_minutes') }} * 60
        and session_count <= {{ var('cohort_max_sessions') }}
        and job_listing_views >= {{ var('cohort_min_listing_views') }}
),

with_cluster as (
    select
        cohort.user_id,
        user_clusters.cluster_id,
        user_clusters.cluster_label,
        cohort.session_count,
        cohort.max_session_seconds,
        cohort.job_listing_views,
        cohort.job_detail_views,
        cohort.apply_form_views,
        cohort.apply_submits,
        cohort.first_session_at,
        cohort.last_session_at
    from cohort
    left join user_clusters
        on cohort.user_id = user_clusters.user_id
)

select * from with_cluster

{#- Every user measure is computed in int_users__summarised, so models that
    derive features from users (such as the clustering) read that model and
    this one can join their results back without a dependency cycle. -#}

with

users as (

    select * from {{ ref('int_users__summarised') }}

),

user_clusters as (

    select * from {{ ref('user_clusters') }}

),

target_cohort as (

    select * from {{ ref('rpt_target_cohort') }}

),

-- Segment columns join one row per user on user_id. The segment models read
-- fct_sessions, not this model, so the join adds no dependency cycle.
users_with_segments as (

    select
        users.user_id,
        user_clusters.cluster_id,
        users.user_type,
        user_clusters.cluster_label,
        users.session_count,
        users.event_count,
        users.active_days,
        users.job_listing_views,
        users.job_detail_views,
        users.applications_started,
        users.applications_completed,
        users.days_to_first_application,
        users.first_seen_at,
        users.last_seen_at,
        users.signed_up_at,
        users.first_applied_at,
        target_cohort.user_id is not null as in_target_cohort
    from users
    left join user_clusters
        on users.user_id = user_clusters.user_id
    left join target_cohort
        on users.user_id = target_cohort.user_id

)

select * from users_with_segments

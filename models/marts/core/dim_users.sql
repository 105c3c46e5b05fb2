{#- Every user measure is computed in int_users__summarised, so models that
    derive features from users (such as the clustering) read that model and
    this one can join their results back without a dependency cycle. -#}

with

users as (

    select * from {{ ref('int_users__summarised') }}

),

-- Segment columns (cluster_id, cluster_label, in_target_cohort) join here,
-- one row per user, as a left join on user_id.
users_with_segments as (

    select
        user_id,
        user_type,
        session_count,
        event_count,
        active_days,
        job_listing_views,
        job_detail_views,
        applications_started,
        applications_completed,
        days_to_first_application,
        first_seen_at,
        last_seen_at,
        signed_up_at,
        first_applied_at
    from users

)

select * from users_with_segments

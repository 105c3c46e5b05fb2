-- A session's channel is the channel of its first event, so submissions
-- are credited to the channel that started the session.
with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

by_channel as (

    select
        channel,
        count(*) as sessions,
        count(distinct user_id) as user_count,
        sum(apply_submits) as application_submissions,
        count(case when apply_submits > 0 then 1 end)
            as sessions_with_submission
    from sessions
    group by channel

),

with_shares as (

    select
        channel,
        sessions,
        user_count,
        cast(application_submissions as bigint) as application_submissions,
        sessions_with_submission,
        cast(sessions as double)
        / nullif(sum(sessions) over (), 0) as session_share,
        cast(sessions_with_submission as double)
        / nullif(sessions, 0) as session_submission_rate
    from by_channel

)

select * from with_shares

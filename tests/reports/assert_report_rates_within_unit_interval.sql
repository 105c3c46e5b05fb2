-- Returns every rate or share outside [0, 1], with the table and column.
with

retention as (

    select * from {{ ref('rpt_cohort_retention') }}

),

new_vs_existing as (

    select * from {{ ref('rpt_new_vs_existing') }}

),

field_share as (

    select * from {{ ref('rpt_job_field_share') }}

),

channels as (

    select * from {{ ref('rpt_channel_summary') }}

),

daily_activity as (

    select * from {{ ref('rpt_daily_activity') }}

),

rates as (

    select
        'rpt_cohort_retention.retention_rate' as rate_column,
        retention_rate as rate
    from retention
    union all
    select
        'rpt_new_vs_existing.completion_rate' as rate_column,
        completion_rate as rate
    from new_vs_existing
    union all
    select
        'rpt_job_field_share.posting_share' as rate_column,
        posting_share as rate
    from field_share
    union all
    select
        'rpt_job_field_share.application_share' as rate_column,
        application_share as rate
    from field_share
    union all
    select
        'rpt_channel_summary.session_submission_rate' as rate_column,
        session_submission_rate as rate
    from channels
    union all
    select
        'rpt_daily_activity.dau_mau_ratio' as rate_column,
        dau_mau_ratio as rate
    from daily_activity

),

violations as (

    select *
    from rates
    where rate < 0 or rate > 1

)

select * from violations

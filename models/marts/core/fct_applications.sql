with

applications as (

    select * from {{ ref('stg_platform__applications') }}

),

jobs as (

    select * from {{ ref('stg_platform__jobs') }}

),

job_field_names as (

    select * from {{ ref('job_field_names') }}

),

localised as (

    select
        application_id,
        user_id,
        job_id,
        company_id,
        applied_at,
        {{ to_local_timestamp('applied_at') }} as applied_local_at
    from applications
    where rejection_reason is null

),

dated as (

    select
        *,
        cast(applied_local_at as date) as applied_date
    from localised

),

in_window as (

    select * from dated
    where
        not {{ is_before_analysis_start('applied_date') }}
        and not {{ is_after_analysis_end('applied_date') }}

),

joined as (

    select
        in_window.application_id,
        in_window.user_id,
        in_window.job_id,
        jobs.job_field,
        job_field_names.job_field_en,
        in_window.applied_date,
        in_window.applied_at,
        in_window.applied_local_at,
        coalesce(in_window.company_id, jobs.company_id) as company_id
    from in_window
    left join jobs
        on in_window.job_id = jobs.job_id
    left join job_field_names
        on jobs.job_field = job_field_names.job_field

)

select * from joined

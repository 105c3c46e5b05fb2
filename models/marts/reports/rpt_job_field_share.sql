-- Postings count every valid posting in the export's job table, leaving out
-- rows with a rejection reason. Applications count applications inside the
-- analysis window. A missing job field (an application for a job absent
-- from the job table) is reported as '(missing)', so the shares still add
-- up to one.
with

jobs as (

    select * from {{ ref('stg_platform__jobs') }}

),

applications as (

    select * from {{ ref('fct_applications') }}

),

field_names as (

    select * from {{ ref('job_field_names') }}

),

postings_by_field as (

    select
        coalesce(job_field, '(missing)') as job_field,
        count(*) as postings
    from jobs
    where rejection_reason is null
    group by coalesce(job_field, '(missing)')

),

applications_by_field as (

    select
        coalesce(job_field, '(missing)') as job_field,
        count(*) as applications
    from applications
    group by coalesce(job_field, '(missing)')

),

fields as (

    select job_field from postings_by_field
    union
    select job_field from applications_by_field

),

joined as (

    select
        fields.job_field,
        coalesce(
            field_names.job_field_en,
            case
                when fields.job_field = '(missing)' then 'Missing'
                else fields.job_field
            end
        ) as job_field_en,
        coalesce(postings_by_field.postings, 0) as postings,
        coalesce(applications_by_field.applications, 0) as applications
    from fields
    left join field_names
        on fields.job_field = field_names.job_field
    left join postings_by_field
        on fields.job_field = postings_by_field.job_field
    left join applications_by_field
        on fields.job_field = applications_by_field.job_field

),

with_shares as (

    select
        job_field,
        job_field_en,
        postings,
        applications,
        cast(postings as double)
        / nullif(sum(postings) over (), 0) as posting_share,
        cast(applications as double)
        / nullif(sum(applications) over (), 0) as application_share
    from joined

)

select * from with_shares

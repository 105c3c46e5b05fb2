{#- Applications from application.csv. `cdate` comes in mixed formats (with
    and without microseconds); a row whose time does not parse or that
    lacks an id is kept with a rejection reason. -#}

-- depends_on: {{ source('platform', 'application') }}
{%- set has_file = platform_file_exists('application.csv') %}
{%- set input_relation = (
    source('platform', 'application') if has_file
    else empty_relation({
        'application_uuid': 'varchar',
        'user_uuid': 'varchar',
        'job_uuid': 'varchar',
        'company_uuid': 'varchar',
        'cdate': 'varchar',
    })
) %}

with

source_rows as (

    select
        application_uuid,
        user_uuid,
        job_uuid,
        company_uuid,
        cdate
    from {{ input_relation }}

),

renamed as (

    select
        nullif(trim(application_uuid), '') as application_id,
        nullif(trim(user_uuid), '') as user_id,
        nullif(trim(job_uuid), '') as job_id,
        nullif(trim(company_uuid), '') as company_id,
        {{ parse_timestamp_utc('cdate') }} as applied_at,
        cdate as applied_at_text
    from source_rows

),

validated as (

    select
        application_id,
        user_id,
        job_id,
        company_id,
        applied_at,
        applied_at_text,
        case
            when application_id is null then 'missing_application_id'
            when user_id is null then 'missing_user_id'
            when job_id is null then 'missing_job_id'
            when applied_at is null then 'invalid_timestamp'
        end as rejection_reason
    from renamed

)

select * from validated

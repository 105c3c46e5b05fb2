{#- Job postings from job.csv. A row without a job id or with an unparseable
    creation time is kept with a rejection reason. -#}

-- depends_on: {{ source('platform', 'job') }}
{%- set has_file = platform_file_exists('job.csv') %}
{%- set input_relation = (
    source('platform', 'job') if has_file
    else empty_relation({
        'job_uuid': 'varchar',
        'company_uuid': 'varchar',
        'job_field': 'varchar',
        'career_type_string': 'varchar',
        'allow_remote': 'varchar',
        'can_show_salary': 'varchar',
        'cdate': 'varchar',
        'mdate': 'varchar',
        'start_date': 'varchar',
        'end_date': 'varchar',
    })
) %}

with

source_rows as (

    select
        job_uuid,
        company_uuid,
        job_field,
        career_type_string,
        allow_remote,
        can_show_salary,
        cdate,
        mdate,
        start_date,
        end_date
    from {{ input_relation }}

),

renamed as (

    select
        nullif(trim(job_uuid), '') as job_id,
        nullif(trim(company_uuid), '') as company_id,
        nullif(trim(job_field), '') as job_field,
        case
            when nullif(trim(career_type_string), '') is null
                then cast([] as varchar[])
            else regexp_split_to_array(trim(career_type_string), '\s*,\s*')
        end as career_types,
        try_cast(nullif(trim(allow_remote), '') as boolean) as allow_remote,
        try_cast(nullif(trim(can_show_salary), '') as boolean)
            as can_show_salary,
        cast({{ parse_timestamp_utc('start_date') }} as date) as starts_on,
        cast({{ parse_timestamp_utc('end_date') }} as date) as ends_on,
        {{ parse_timestamp_utc('cdate') }} as created_at,
        {{ parse_timestamp_utc('mdate') }} as modified_at
    from source_rows

),

validated as (

    select
        *,
        case
            when job_id is null then 'missing_job_id'
            when created_at is null then 'invalid_timestamp'
        end as rejection_reason
    from renamed

)

select * from validated

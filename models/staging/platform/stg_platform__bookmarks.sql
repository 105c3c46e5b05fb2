{#- Job bookmarks from the optional bookmark.csv; empty with the same
    columns when the export has no such file. -#}

-- depends_on: {{ source('platform', 'bookmark') }}
{%- set has_file = platform_file_exists('bookmark.csv') %}
{%- set input_relation = (
    source('platform', 'bookmark') if has_file
    else empty_relation({
        'user_uuid': 'varchar',
        'job_uuid': 'varchar',
        'cdate': 'varchar',
    })
) %}

with

source_rows as (

    select
        user_uuid,
        job_uuid,
        cdate
    from {{ input_relation }}

),

renamed as (

    select
        nullif(trim(user_uuid), '') as user_id,
        nullif(trim(job_uuid), '') as job_id,
        {{ parse_timestamp_utc('cdate') }} as bookmarked_at
    from source_rows

),

validated as (

    select
        *,
        case
            when user_id is null then 'missing_user_id'
            when job_id is null then 'missing_job_id'
            when bookmarked_at is null then 'invalid_timestamp'
        end as rejection_reason
    from renamed

)

select * from validated

{#- The excerpt comes from staging: the start of the raw platform line, and
    always null for access logs, whose lines start with the client address.
    user_id there is already a salted hash. -#}

with

outcomes as (

    select * from {{ ref('int_requests__outcomes') }}

),

rejected as (

    select
        request_id,
        source_file,
        source_line,
        rejection_reason,
        user_id,
        raw_excerpt,
        source_local_date,
        event_at
    from outcomes
    where outcome = 'rejected'

)

select * from rejected

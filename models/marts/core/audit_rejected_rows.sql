{#- The excerpt repeats the fields that did parse, never the raw line. For
    access logs it stays empty: the raw line holds the client address, and
    the visitor id, already a salted hash, identifies the row's client. -#}

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
        {% if var('log_format') == 'combined' -%}
            cast(null as {{ dbt.type_string() }})
        {%- else -%}
            {{ dbt.concat([
                "coalesce(method, '')",
                "' '",
                "coalesce(substr(url, 1, 200), '')",
                "' '",
                "coalesce(cast(status_code as " ~ dbt.type_string() ~ "), '')",
            ]) }}
        {%- endif %} as raw_excerpt,
        source_local_date,
        event_at
    from outcomes
    where outcome = 'rejected'

)

select * from rejected

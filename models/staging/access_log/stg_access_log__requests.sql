{#- Parse an access log in the Apache/Nginx combined log format:
    `client identity user [dd/Mon/yyyy:HH:MM:SS +zone] "request" status
    bytes "referrer" "user agent"`. The common log format (no referrer and
    user agent), extra trailing fields and a user agent cut off at the end
    of the line are accepted. Inside quoted fields
    a backslash escapes the next character, as both servers write it.
    The base model has already replaced the client address (first field)
    with its salted hash, so no address reaches this or any later table. -#}

{%- set quoted = '"((?:[^"\\\\]|\\\\.)*)"' -%}
{#- A server may cut a long line short, so the user agent may lack its
    closing quote at the end of the line. -#}
{%- set quoted_to_end = '"((?:[^"\\\\]|\\\\.)*)"?' -%}
{%- set line_pattern = (
    '^((\\S+) (\\S+) (\\S+) \\[([^\\]]*)\\] ' ~ quoted
    ~ ' (\\S+) (\\S+)(?: ' ~ quoted ~ ' ' ~ quoted_to_end ~ ')?(?:\\s.*)?)$'
) -%}
{%- set request_pattern = '^([A-Za-z]+) (\\S+)(?: (\\S+))?$' -%}
{%- set logged_at_pattern = (
    '^(\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2}) ([+-])(\\d{2})(\\d{2})$'
) -%}

with

log_lines as (

    select * from {{ ref('base_access_log__lines') }}

),

decoded as (

    -- try() turns invalid UTF-8 into null. The line break is still part of
    -- the value.
    select
        source_file,
        source_line,
        regexp_replace(try(decode(line)), '\r?\n$', '') as line_text
    from log_lines

),

split_lines as (

    -- unnest() turns the struct of capture groups into columns. Every group
    -- is '' when the line does not match, and whole_line is never '' when
    -- it does.
    select
        source_file,
        source_line,
        line_text,
        unnest(
            regexp_extract(
                line_text,
                '{{ line_pattern }}',
                [
                    'whole_line', 'client_hash', 'identity', 'remote_user',
                    'logged_at', 'request_line', 'status', 'response_bytes',
                    'referrer', 'user_agent'
                ]
            )
        )
    from decoded

),

unescaped as (

    select
        source_file,
        source_line,
        line_text,
        client_hash,
        logged_at,
        status,
        response_bytes,
        whole_line != '' as is_well_formed,
        regexp_replace(request_line, '\\(.)', '\1', 'g') as request_line,
        regexp_replace(referrer, '\\(.)', '\1', 'g') as referrer,
        regexp_replace(user_agent, '\\(.)', '\1', 'g') as user_agent
    from split_lines

),

request_split as (

    select
        *,
        regexp_extract(request_line, '{{ request_pattern }}', 1)
            as request_method,
        regexp_extract(request_line, '{{ request_pattern }}', 2)
            as request_target,
        regexp_extract(request_line, '{{ request_pattern }}', 3)
            as request_protocol,
        regexp_extract(logged_at, '{{ logged_at_pattern }}', 1)
            as logged_local,
        regexp_extract(logged_at, '{{ logged_at_pattern }}', 2) as offset_sign,
        regexp_extract(logged_at, '{{ logged_at_pattern }}', 3)
            as offset_hours,
        regexp_extract(logged_at, '{{ logged_at_pattern }}', 4)
            as offset_minutes
    from unescaped

),

typed as (

    select
        source_file,
        source_line,
        line_text,
        is_well_formed,
        client_hash,
        case
            when regexp_full_match(status, '[1-5][0-9]{2}')
                then cast(status as integer)
        end as status_code,
        try_cast(nullif(response_bytes, '-') as bigint) as response_bytes,
        nullif(nullif(referrer, '-'), '') as referrer,
        nullif(nullif(user_agent, '-'), '') as user_agent,
        upper(nullif(request_method, '')) as method,
        nullif(request_protocol, '') as protocol,
        -- The request target may be an absolute URL. The platform export
        -- stores paths without the leading slash, and so does this column.
        regexp_replace(
            regexp_replace(
                request_target, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', ''
            ),
            '^/',
            ''
        ) as url,
        try_strptime(logged_local, '%d/%b/%Y:%H:%M:%S')
        - to_minutes(
            case when offset_sign = '-' then -1 else 1 end
            * (
                coalesce(try_cast(offset_hours as integer), 0) * 60
                + coalesce(try_cast(offset_minutes as integer), 0)
            )
        ) as event_at
    from request_split

),

validated as (

    select
        *,
        case
            when line_text is null then 'invalid_encoding'
            when line_text = '' then 'empty_line'
            when not is_well_formed then 'unparseable_line'
            when event_at is null then 'invalid_timestamp'
            when method is null then 'invalid_request_line'
            when status_code is null then 'invalid_status_code'
        end as rejection_reason
    from typed

),

final as (

    select
        source_file || ':' || source_line as request_id,
        source_file,
        source_line,
        case
            when rejection_reason is null
                then {{ dbt.hash(dbt.concat([
                    'client_hash', "'|'", "coalesce(user_agent, '')",
                ])) }}
        end as user_id,
        case when rejection_reason is null then url end as url,
        case when rejection_reason is null then event_at end as event_at,
        case when rejection_reason is null then status_code end as status_code,
        case when rejection_reason is null then method end as method,
        case when rejection_reason is null then protocol end as protocol,
        case
            when rejection_reason is null then response_bytes
        end as response_bytes,
        case when rejection_reason is null then referrer end as referrer,
        case when rejection_reason is null then user_agent end as user_agent,
        rejection_reason
    from validated

)

select * from final

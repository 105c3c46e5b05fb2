{#- Parse the platform's request log into typed columns. CSV lines are split
    with a regular expression that follows pandas' quoting (a quoted field
    may contain commas, and a doubled quote stands for one quote), so a line
    with broken quoting or a wrong field count is rejected on its own
    instead of stopping the read. Parquet rows skip the line checks and go
    through the same field checks. -#}

{%- set field = '("(?:[^"]|"")*"|[^,"]*)' -%}
{%- set row_pattern = '^(' ~ ([field] * 7) | join(',') ~ ')$' -%}
{%- set any_field_count_pattern = (
    '(?:"(?:[^"]|"")*"|[^,"]*)(?:,(?:"(?:[^"]|"")*"|[^,"]*))*'
) -%}
{%- set field_names = [
    'index_value', 'user_uuid', 'url', 'event_timestamp', 'local_date',
    'response_code', 'method',
] -%}
{#- C0 control characters other than tab, and DEL: no field of the export
    contains them, so they mark binary junk. -#}
{%- set control_characters = '[\\x00-\\x08\\x0a-\\x1f\\x7f]' -%}

with

log_lines as (

    select * from {{ ref('base_platform__log_lines') }}

),

parquet_rows as (

    select * from {{ ref('base_platform__log_parquet_rows') }}

),

decoded as (

    -- line is null when the line is not valid UTF-8, and a UTF-8 byte order
    -- mark may start a file's first line.
    select
        source_file,
        source_line,
        line_text,
        line_bytes
    from log_lines

),

data_lines as (

    -- The header is the first line when it names the export's columns. CASE
    -- keeps the checks off every other line.
    select
        source_file,
        source_line,
        line_bytes,
        case
            when source_line = 1
                then regexp_replace(line_text, '^\x{FEFF}', '')
            else line_text
        end as line_text
    from decoded
    where
        case
            when source_line = 1
                then not coalesce(
                    regexp_full_match(
                        lower(line_text),
                        '(?:\x{FEFF})?[^,]*,user_uuid,url,timestamp,date,'
                        || 'response_code,method'
                    ),
                    false
                )
            else true
        end

),

split_lines as (

    -- Most lines hold no quote, and a plain split is many times faster than
    -- the quote-aware regular expression, which CASE evaluates only for
    -- lines with a quote.
    select
        source_file,
        source_line,
        line_text,
        line_bytes,
        contains(line_text, '"') as has_quote,
        case
            when not contains(line_text, '"')
                then string_split(line_text, ',')
            else [
                {%- for position in range(2, field_names | length + 2) %}
                {{ unquote_csv_field(
                    "regexp_extract(line_text, '" ~ row_pattern ~ "', "
                    ~ position ~ ")"
                ) }}{{ "," if not loop.last }}
                {%- endfor %}
            ]
        end as field_values
    from data_lines

),

line_checked as (

    select
        source_file,
        source_line,
        field_values[1] as index_value,
        field_values[2] as user_uuid,
        field_values[3] as url,
        field_values[4] as event_timestamp,
        field_values[5] as local_date,
        field_values[6] as response_code,
        field_values[7] as method,
        case
            when line_text is null then 'invalid_encoding'
            when line_text = '' then 'empty_line'
            when regexp_matches(line_text, '{{ control_characters }}')
                then 'unparseable_line'
            when
                not has_quote
                and len(field_values) = {{ field_names | length }}
                then null
            when not has_quote then 'wrong_field_count'
            when regexp_full_match(line_text, '{{ row_pattern }}') then null
            when regexp_full_match(line_text, '{{ any_field_count_pattern }}')
                then 'wrong_field_count'
            else 'unparseable_line'
        end as line_rejection_reason,
        coalesce(
            line_text,
            regexp_replace(cast(line_bytes as varchar), '(\\x0D)?\\x0A$', '')
        ) as raw_text
    from split_lines

),

parquet_checked as (

    select
        source_file,
        source_line,
        null as index_value,
        user_uuid,
        coalesce(url, '') as url,
        event_timestamp,
        local_date,
        response_code,
        method,
        cast(null as varchar) as line_rejection_reason,
        concat_ws(
            ',', user_uuid, url, event_timestamp, local_date, response_code,
            method
        ) as raw_text
    from parquet_rows

),

unioned as (

    select * from line_checked
    union all
    select * from parquet_checked

),

typed as (

    select
        source_file,
        source_line,
        line_rejection_reason,
        raw_text,
        url,
        nullif(trim(user_uuid), '') as user_id,
        {{ parse_timestamp_utc('event_timestamp') }} as event_at,
        try_cast(trim(local_date) as date) as source_local_date,
        case
            when regexp_full_match(trim(response_code), '[1-5][0-9]{2}')
                then cast(trim(response_code) as integer)
        end as status_code,
        upper(trim(method)) as method
    from unioned

),

validated as (

    select
        *,
        case
            when line_rejection_reason is not null then line_rejection_reason
            when user_id is null then 'missing_user_id'
            when event_at is null then 'invalid_timestamp'
            when status_code is null then 'invalid_status_code'
            when not coalesce(regexp_full_match(method, '[A-Z]+'), false)
                then 'invalid_method'
        end as rejection_reason
    from typed

),

final as (

    select
        source_file || ':' || source_line as request_id,
        source_file,
        source_line,
        case when rejection_reason is null then user_id end as user_id,
        case when rejection_reason is null then url end as url,
        case when rejection_reason is null then event_at end as event_at,
        case
            when rejection_reason is null then source_local_date
        end as source_local_date,
        case when rejection_reason is null then status_code end as status_code,
        case when rejection_reason is null then method end as method,
        rejection_reason,
        case
            when rejection_reason is not null
                then left(
                    regexp_replace(
                        raw_text, '{{ control_characters }}', '?', 'g'
                    ),
                    200
                )
        end as raw_excerpt
    from validated

)

select * from final

{#- A view, so it costs nothing until queried: the URL parsing rules in one
    place, for analysts and for the unit tests of the parsing macros. -#}
{{ config(materialized='view') }}

with

requests as (

    select * from {{ ref('int_requests__unioned') }}

),

parsed as (

    select
        request_id,
        url,
        {{ parse_url_path('url') }} as path,
        {{ extract_url_param('url', 'utm_source') }} as utm_source,
        {{ extract_url_param('url', 'utm_medium') }} as utm_medium,
        {{ extract_url_param('url', 'utm_campaign') }} as utm_campaign,
        {{ extract_url_param('url', 'utm_content') }} as utm_content,
        {{ extract_url_param('url', 'utm_term') }} as utm_term
    from requests
    where rejection_reason is null

)

select * from parsed

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
        {{ url_parts('url') }}
    from requests
    where rejection_reason is null

)

select * from parsed

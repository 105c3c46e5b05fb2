{#- One row per kept request with its normalised path, UTM parameters, page
    type, funnel stage and channel. Everything is worked out once per
    distinct URL and method and joined back to the requests once, because
    far fewer distinct URLs than requests reach this model. -#}

with

outcomes as (

    select * from {{ ref('int_requests__outcomes') }}

),

page_rules as (

    select
        priority,
        pattern,
        page_type,
        stage,
        -- A site's own seed may leave method empty in every row, which a
        -- CSV loader types as integer, so the column is cast first.
        nullif(
            upper(trim(cast(method as {{ dbt.type_string() }}))), ''
        ) as method
    from {{ ref(var('page_rules_seed')) }}

),

channel_rules as (

    select
        priority,
        channel,
        nullif(
            cast(utm_source_pattern as {{ dbt.type_string() }}), ''
        ) as utm_source_pattern,
        nullif(
            cast(utm_medium_pattern as {{ dbt.type_string() }}), ''
        ) as utm_medium_pattern
    from {{ ref(var('channel_rules_seed')) }}

),

kept as (

    select
        request_id as event_id,
        user_id,
        status_code,
        event_at,
        event_local_at,
        coalesce(url, '') as url,
        upper(method) as method
    from outcomes
    where outcome = 'kept'

),

distinct_requests as (

    select distinct
        url,
        method
    from kept

),

parsed_urls as (

    select
        url,
        method,
        {{ url_parts('url') }}
    from distinct_requests

),

-- Channel rules compare trimmed, lower-cased values; an empty value counts
-- as absent.
normalised_urls as (

    select
        url,
        method,
        path,
        nullif(lower(trim(utm_source)), '') as utm_source,
        nullif(lower(trim(utm_medium)), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,
        nullif(trim(utm_content), '') as utm_content,
        nullif(trim(utm_term), '') as utm_term
    from parsed_urls

),

distinct_pages as (

    select distinct
        path,
        method
    from normalised_urls

),

page_rule_matches as (

    select
        distinct_pages.path,
        distinct_pages.method,
        page_rules.page_type,
        page_rules.stage,
        row_number() over (
            partition by distinct_pages.path, distinct_pages.method
            order by page_rules.priority
        ) as match_rank
    from distinct_pages
    inner join page_rules
        on
            {{ regexp_search('distinct_pages.path', 'page_rules.pattern') }}
            and (
                page_rules.method is null
                or distinct_pages.method = page_rules.method
            )

),

page_classes as (

    select
        path,
        method,
        page_type,
        stage
    from page_rule_matches
    where match_rank = 1

),

distinct_utms as (

    select distinct
        utm_source,
        utm_medium
    from normalised_urls
    where utm_source is not null or utm_medium is not null

),

channel_rule_matches as (

    select
        distinct_utms.utm_source,
        distinct_utms.utm_medium,
        channel_rules.channel,
        row_number() over (
            partition by distinct_utms.utm_source, distinct_utms.utm_medium
            order by channel_rules.priority
        ) as match_rank
    from distinct_utms
    inner join channel_rules
        on
            (
                channel_rules.utm_source_pattern is null
                or {{ regexp_search(
                    'distinct_utms.utm_source',
                    'channel_rules.utm_source_pattern'
                ) }}
            )
            and (
                channel_rules.utm_medium_pattern is null
                or {{ regexp_search(
                    'distinct_utms.utm_medium',
                    'channel_rules.utm_medium_pattern'
                ) }}
            )

),

channel_classes as (

    select
        utm_source,
        utm_medium,
        channel
    from channel_rule_matches
    where match_rank = 1

),

classified_requests as (

    select
        normalised_urls.url,
        normalised_urls.method,
        normalised_urls.path,
        normalised_urls.utm_source,
        normalised_urls.utm_medium,
        normalised_urls.utm_campaign,
        normalised_urls.utm_content,
        normalised_urls.utm_term,
        coalesce(page_classes.page_type, 'other') as page_type,
        coalesce(page_classes.stage, 'other') as stage,
        case
            when
                normalised_urls.utm_source is null
                and normalised_urls.utm_medium is null
                then 'direct'
            else coalesce(channel_classes.channel, 'unclassified')
        end as channel
    from normalised_urls
    left join page_classes
        on
            normalised_urls.path = page_classes.path
            and normalised_urls.method is not distinct from page_classes.method
    left join channel_classes
        on
            normalised_urls.utm_source
            is not distinct from channel_classes.utm_source
            and normalised_urls.utm_medium
            is not distinct from channel_classes.utm_medium

),

classified as (

    select
        kept.event_id,
        kept.user_id,
        classified_requests.path,
        classified_requests.page_type,
        classified_requests.stage,
        classified_requests.channel,
        classified_requests.utm_source,
        classified_requests.utm_medium,
        classified_requests.utm_campaign,
        classified_requests.utm_content,
        classified_requests.utm_term,
        kept.method,
        kept.status_code,
        kept.event_at,
        kept.event_local_at
    from kept
    left join classified_requests
        on
            kept.url = classified_requests.url
            and kept.method is not distinct from classified_requests.method

)

select * from classified

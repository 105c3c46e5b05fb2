{#- One row per session. Stage and page-type sequences keep only funnel
    pages (page type neither api nor other) and write consecutive repeats
    once, so explore, explore, job_view becomes 'explore>job_view'. The
    session's channel and UTM values come from its first event that carries
    UTM parameters, and the channel is 'direct' when no event does. -#}

with

sessionised as (

    select * from {{ ref('int_events__sessionised') }}

),

ranked as (

    select
        *,
        case
            when utm_source is not null or utm_medium is not null
                then event_sequence
        end as utm_event_rank,
        page_type not in ('api', 'other') as is_funnel_page
    from sessionised

),

aggregated as (

    select
        session_id,
        user_id,
        session_number,
        count(*) as event_count,
        {{ sequence_list('stage', 'event_sequence', 'is_funnel_page') }}
            as funnel_stages,
        {{ sequence_list('page_type', 'event_sequence', 'is_funnel_page') }}
            as funnel_page_types,
        count(case when page_type = 'main' then 1 end) as main_views,
        count(case when page_type = 'signup' then 1 end) as signup_views,
        count(
            case when page_type = 'signup_complete' then 1 end
        ) as signup_complete_views,
        count(
            case when page_type = 'profile' then 1 end
        ) as profile_views,
        count(
            case when page_type = 'job_list' then 1 end
        ) as job_list_views,
        count(
            case when page_type = 'company' then 1 end
        ) as company_views,
        count(
            case when page_type = 'job_detail' then 1 end
        ) as job_detail_views,
        count(
            case when page_type = 'apply_form' then 1 end
        ) as apply_form_views,
        count(
            case when page_type = 'apply_submit' then 1 end
        ) as apply_submits,
        count(
            case when page_type = 'apply_complete' then 1 end
        ) as apply_complete_views,
        count(case when page_type = 'api' then 1 end) as api_calls,
        count(case when page_type = 'other' then 1 end) as other_views,
        {{ value_at_extreme('channel', 'utm_event_rank', 'min') }} as channel,
        {{ value_at_extreme('utm_source', 'utm_event_rank', 'min') }}
            as utm_source,
        {{ value_at_extreme('utm_medium', 'utm_event_rank', 'min') }}
            as utm_medium,
        {{ value_at_extreme('utm_campaign', 'utm_event_rank', 'min') }}
            as utm_campaign,
        {{ value_at_extreme('path', 'event_sequence', 'min') }} as entry_path,
        {{ value_at_extreme('path', 'event_sequence', 'max') }} as exit_path,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        min(event_local_at) as started_local_at
    from ranked
    group by session_id, user_id, session_number

),

-- DuckDB's lambda syntax (lambda x: ...) is newer than sqlfluff's DuckDB
-- grammar, so parsing is switched off for the two macro calls only.
sequenced as (

    select
        *,
        -- noqa: disable=PRS
        {{ collapsed_sequence_string('funnel_stages') }} as stage_sequence,
        {{ collapsed_sequence_string('funnel_page_types') }}
            as page_type_sequence
    -- noqa: enable=PRS
    from aggregated

),

-- Each apply_form in the collapsed page-type sequence is one entry into the
-- application form, because stepping through the form's pages collapses to
-- one element. Two entries are never adjacent, so the matches of
-- '>apply_form>' cannot overlap.
sessions as (

    select
        session_id,
        user_id,
        session_number,
        stage_sequence,
        page_type_sequence,
        utm_source,
        utm_medium,
        utm_campaign,
        entry_path,
        exit_path,
        event_count,
        main_views,
        signup_views,
        signup_complete_views,
        profile_views,
        job_list_views,
        company_views,
        job_detail_views,
        apply_form_views,
        apply_submits,
        apply_complete_views,
        api_calls,
        other_views,
        started_at,
        ended_at,
        started_local_at,
        coalesce(channel, 'direct') as channel,
        {{ dbt.datediff('started_at', 'ended_at', 'microsecond') }}
        / 1000000.0 as duration_seconds,
        {{ count_occurrences(
            dbt.concat(["'>'", "coalesce(page_type_sequence, '')", "'>'"]),
            '>apply_form>'
        ) }} as application_form_entries,
        cast(started_local_at as date) as session_date
    from sequenced

)

select * from sessions

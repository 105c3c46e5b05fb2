with

sessions as (

    select * from {{ ref('int_sessions__aggregated') }}

),

final as (

    select
        session_id,
        user_id,
        session_number,
        stage_sequence,
        page_type_sequence,
        channel,
        utm_source,
        utm_medium,
        utm_campaign,
        entry_path,
        exit_path,
        event_count,
        duration_seconds,
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
        application_form_entries,
        session_date,
        started_at,
        ended_at,
        started_local_at
    from sessions

)

select * from final

{{ config(severity='warn') }}

-- Warns when more kept events than var('max_unmatched_path_share') have page
-- type other, which usually means the page rules seed no longer fits the
-- site's paths. Unmatched paths are kept as events, so this is a warning.

with

events as (

    select page_type from {{ ref('fct_events') }}

),

shares as (

    select
        count(*) as event_count,
        count(case when page_type = 'other' then 1 end) as unmatched_count,
        count(case when page_type = 'other' then 1 end) * 1.0
        / nullif(count(*), 0) as unmatched_share
    from events

)

select * from shares
where unmatched_share > {{ var('max_unmatched_path_share') }}

-- Prints the original analysis's headline figures from the marts next to
-- the values it published for the 2023 export (from 2023-05-24 on), so a
-- run can be compared with them. Shares and rates are fractions.
with

events as (

    select * from {{ ref('fct_events') }}

),

monthly as (

    select * from {{ ref('rpt_monthly_active_users') }}

),

field_share as (

    select * from {{ ref('rpt_job_field_share') }}

),

new_vs_existing as (

    select * from {{ ref('rpt_new_vs_existing') }}

),

-- Figures printed by the published notebooks. They gave MAU only as "about
-- 4,700 in June" and "under 3,500 in December".
published_fields as (

    select
        published.job_field,
        published.posting_share,
        published.application_share
    from (
        values
        ('SW 개발', 0.417, 0.568),
        ('기획/PM', 0.137, 0.110),
        ('마케팅', 0.113, 0.072)
    ) as published (job_field, posting_share, application_share)

),

published_user_types as (

    select
        published.user_type,
        published.completion_rate,
        published.days_to_apply
    from (
        values
        ('new', 0.916, 19.0),
        ('existing', 0.231, 36.0)
    ) as published (user_type, completion_rate, days_to_apply)

),

distinct_users as (

    select
        1 as figure_order,
        'distinct users in the window' as figure,
        cast(count(distinct user_id) as double) as figure_value,
        11111.0 as published_value
    from events

),

ranked_months as (

    select
        activity_month,
        active_users,
        row_number() over (order by activity_month) as month_from_first,
        row_number() over (order by activity_month desc) as month_from_last
    from monthly
    where is_complete_month

),

edge_months as (

    select
        case when month_from_first = 1 then 2 else 3 end as figure_order,
        {{ dbt.concat([
            "'monthly active users, '",
            'cast(activity_month as varchar)',
        ]) }} as figure,
        cast(active_users as double) as figure_value,
        case
            when extract(month from activity_month) = 6 then 4700.0
            when extract(month from activity_month) = 12 then 3500.0
        end as published_value
    from ranked_months
    where month_from_first = 1 or month_from_last = 1

),

field_figures as (

    select
        4 as figure_order,
        {{ dbt.concat([
            "'share of postings, '",
            'field_share.job_field_en',
        ]) }} as figure,
        field_share.posting_share as figure_value,
        published_fields.posting_share as published_value
    from field_share
    left join published_fields
        on field_share.job_field = published_fields.job_field
    union all
    select
        5 as figure_order,
        {{ dbt.concat([
            "'share of applications, '",
            'field_share.job_field_en',
        ]) }} as figure,
        field_share.application_share as figure_value,
        published_fields.application_share as published_value
    from field_share
    left join published_fields
        on field_share.job_field = published_fields.job_field

),

user_type_figures as (

    select
        6 as figure_order,
        {{ dbt.concat([
            "'completion rate, '",
            'new_vs_existing.user_type',
        ]) }} as figure,
        new_vs_existing.completion_rate as figure_value,
        published_user_types.completion_rate as published_value
    from new_vs_existing
    left join published_user_types
        on new_vs_existing.user_type = published_user_types.user_type
    union all
    select
        7 as figure_order,
        {{ dbt.concat([
            "'mean days to first application, '",
            'new_vs_existing.user_type',
        ]) }} as figure,
        new_vs_existing.mean_days_to_first_application as figure_value,
        published_user_types.days_to_apply as published_value
    from new_vs_existing
    left join published_user_types
        on new_vs_existing.user_type = published_user_types.user_type

),

figures as (

    select * from distinct_users
    union all
    select * from edge_months
    union all
    select * from field_figures
    union all
    select * from user_type_figures

),

ordered as (

    select
        figure,
        figure_value,
        published_value
    from figures
    order by figure_order, published_value is null, figure

)

select * from ordered

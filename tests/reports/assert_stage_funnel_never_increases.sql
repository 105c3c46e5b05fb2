-- Returns stages that count more users than the stage before them, or a
-- conversion above one.
with

funnel as (

    select * from {{ ref('rpt_stage_funnel') }}

),

with_previous as (

    select
        stage,
        users_reached,
        conversion_from_previous,
        conversion_from_first,
        lag(users_reached) over (order by stage_order) as previous_users
    from funnel

),

violations as (

    select *
    from with_previous
    where
        users_reached > previous_users
        or conversion_from_previous > 1
        or conversion_from_first > 1
)

select * from violations

-- A user reaches a stage when any of their events sits at that stage or a
-- later one, so every stage counts a subset of the stage before it and
-- no conversion exceeds one. Events at stage 'other' are ignored.
with

events as (

    select * from {{ ref('fct_events') }}

),

stages as (

    select
        stage_list.stage_order,
        stage_list.stage
    from (
        values
        (1, 'entry'),
        (2, 'profile'),
        (3, 'explore'),
        (4, 'job_view'),
        (5, 'apply'),
        (6, 'applied')
    ) as stage_list (stage_order, stage)  -- noqa: RF04

),

user_stage_events as (

    select distinct
        events.user_id,
        stages.stage_order
    from events
    inner join stages
        on events.stage = stages.stage

),

user_furthest_stage as (

    select
        user_id,
        max(stage_order) as furthest_stage_order
    from user_stage_events
    group by user_id

),

reached as (

    select
        stages.stage_order,
        count(user_furthest_stage.user_id) as users_reached
    from stages
    left join user_furthest_stage
        on stages.stage_order <= user_furthest_stage.furthest_stage_order
    group by stages.stage_order

),

visited as (

    select
        stage_order,
        count(*) as users_with_stage_events
    from user_stage_events
    group by stage_order

),

joined as (

    select
        stages.stage_order,
        stages.stage,
        reached.users_reached,
        coalesce(visited.users_with_stage_events, 0)
            as users_with_stage_events
    from stages
    inner join reached
        on stages.stage_order = reached.stage_order
    left join visited
        on stages.stage_order = visited.stage_order

),

with_conversion as (

    select
        stage_order,
        stage,
        users_reached,
        users_with_stage_events,
        cast(users_reached as double)
        / nullif(
            lag(users_reached) over (order by stage_order), 0
        ) as conversion_from_previous,
        cast(users_reached as double)
        / nullif(
            first_value(users_reached) over (order by stage_order), 0
        ) as conversion_from_first
    from joined

)

select * from with_conversion

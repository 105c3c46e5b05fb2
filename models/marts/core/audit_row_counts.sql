{#- Shares use the number of raw rows as the denominator, which equals the
    sum of row_count because every raw row has exactly one outcome. -#}

with

outcomes as (

    select * from {{ ref('int_requests__outcomes') }}

),

counted as (

    select
        outcome,
        outcome_reason as reason,
        count(*) as row_count
    from outcomes
    group by outcome, outcome_reason

),

shared as (

    select
        outcome,
        reason,
        row_count,
        row_count * 1.0 / sum(row_count) over () as share_of_raw
    from counted

)

select * from shared

{#- raw_row_total counts int_requests__unioned directly, not through the
    outcome rules, so the test audit_row_counts_add_up can detect a row that
    the rules dropped or duplicated. -#}

with

outcomes as (

    select * from {{ ref('int_requests__outcomes') }}

),

unioned as (

    select * from {{ ref('int_requests__unioned') }}

),

raw_rows as (

    select count(*) as raw_row_total from unioned

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
        counted.outcome,
        counted.reason,
        counted.row_count,
        raw_rows.raw_row_total,
        counted.row_count * 1.0
        / nullif(raw_rows.raw_row_total, 0) as share_of_raw
    from counted
    cross join raw_rows

)

select * from shared

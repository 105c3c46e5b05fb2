-- Fails when the audit does not account for every raw log row exactly once,
-- or when its kept count differs from the rows in fct_events.

with

audit_counts as (

    select
        sum(row_count) as audited_rows,
        max(raw_row_total) as raw_rows,
        sum(case when outcome = 'kept' then row_count else 0 end) as kept_rows
    from {{ ref('audit_row_counts') }}

),

event_rows as (

    select count(*) as event_rows from {{ ref('fct_events') }}

),

compared as (

    select
        audit_counts.audited_rows,
        audit_counts.raw_rows,
        audit_counts.kept_rows,
        event_rows.event_rows
    from audit_counts
    cross join event_rows

)

select * from compared
where
    audited_rows is distinct from raw_rows
    or kept_rows != event_rows

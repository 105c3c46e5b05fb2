"""Check the core marts on the warehouse built from the small generated export.

Expected values come from outside the models wherever possible: line counts
of the raw files, the planted truth written by the generator, and the vars in
dbt_project.yml. The rest are invariants that must hold for any input.
"""

from __future__ import annotations

import csv
import gzip
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from recruitment_analytics import PROJECT_DIR

pytestmark = pytest.mark.slow


def project_vars() -> dict:
    """Return the var defaults declared in dbt_project.yml."""
    with open(PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"]


VARS = project_vars()
TIMEOUT_MINUTES = int(VARS["session_timeout_minutes"])
START_DATE = date.fromisoformat(VARS["analysis_start_date"])


def count_data_lines(path: Path) -> int:
    """Count the lines after the header of a CSV, plain or gzip-compressed.

    A last line without a line break still counts, as it does in the
    staging layer.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return lines - 1


def raw_line_counts(export: Path) -> dict[str, int]:
    """Return the number of data rows of every log file in an export folder."""
    counts = {}
    for path in sorted(export.glob("log_*.csv*")):
        counts[path.name] = count_data_lines(path)
    for path in sorted(export.glob("log_*.parquet")):
        counts[path.name] = duckdb.sql(
            f"select count(*) from read_parquet('{path}')"
        ).fetchall()[0][0]
    return counts


def scalar(connection: duckdb.DuckDBPyConnection, sql: str):
    """Return the single value of a one-row, one-column query."""
    return connection.sql(sql).fetchall()[0][0]


def test_audit_matches_raw_lines(warehouse, small_export) -> None:
    expected = sum(raw_line_counts(small_export).values())
    audited = scalar(warehouse, "select sum(row_count) from marts.audit_row_counts")
    raw_total = scalar(
        warehouse, "select max(raw_row_total) from marts.audit_row_counts"
    )
    assert expected > 0
    assert audited == expected
    assert raw_total == expected


def test_audit_matches_lines_per_file(warehouse, small_export) -> None:
    expected = raw_line_counts(small_export)
    rows = warehouse.sql(
        "select source_file, count(*) from intermediate.int_requests__outcomes "
        "group by source_file"
    ).fetchall()
    assert dict(rows) == expected


def test_shares_add_up_to_one(warehouse) -> None:
    total_share = scalar(
        warehouse, "select sum(share_of_raw) from marts.audit_row_counts"
    )
    assert total_share == pytest.approx(1.0)


def test_kept_rows_are_the_events(warehouse) -> None:
    kept = scalar(
        warehouse,
        "select row_count from marts.audit_row_counts where outcome = 'kept'",
    )
    events = scalar(warehouse, "select count(*) from marts.fct_events")
    assert kept == events


def test_rejections_match_planted_rows(warehouse, small_truth) -> None:
    figures = json.loads((small_truth / "figures.json").read_text(encoding="utf-8"))
    planted = sum(
        sum(kinds.values()) for kinds in figures["malformed_by_kind"].values()
    )
    rejected = scalar(
        warehouse,
        "select coalesce(sum(row_count), 0) from marts.audit_row_counts "
        "where outcome = 'rejected'",
    )
    audited_rows = scalar(warehouse, "select count(*) from marts.audit_rejected_rows")
    assert rejected == planted
    assert audited_rows == planted


def test_every_event_in_one_session(warehouse) -> None:
    orphans = scalar(
        warehouse,
        """
        select count(*)
        from marts.fct_events as events
        left join marts.fct_sessions as sessions
            on events.session_id = sessions.session_id
        where
            sessions.session_id is null
            or sessions.user_id != events.user_id
            or events.event_at < sessions.started_at
            or events.event_at > sessions.ended_at
        """,
    )
    duplicated = scalar(
        warehouse,
        "select count(*) - count(distinct event_id) from marts.fct_events",
    )
    assert orphans == 0
    assert duplicated == 0


def test_session_counts_reconcile(warehouse) -> None:
    events = scalar(warehouse, "select count(*) from marts.fct_events")
    session_events = scalar(
        warehouse, "select sum(event_count) from marts.fct_sessions"
    )
    sessions = scalar(warehouse, "select count(*) from marts.fct_sessions")
    user_sessions = scalar(warehouse, "select sum(session_count) from marts.dim_users")
    user_events = scalar(warehouse, "select sum(event_count) from marts.dim_users")
    assert session_events == events
    assert user_sessions == sessions
    assert user_events == events


def test_event_sequence_runs_one_to_n(warehouse) -> None:
    broken = scalar(
        warehouse,
        """
        select count(*)
        from (
            select
                session_id,
                count(*) as events,
                min(event_sequence) as first_sequence,
                max(event_sequence) as last_sequence,
                count(distinct event_sequence) as distinct_sequences
            from marts.fct_events
            group by session_id
        )
        where
            first_sequence != 1
            or last_sequence != events
            or distinct_sequences != events
        """,
    )
    assert broken == 0


def test_session_numbers_follow_start_time(warehouse) -> None:
    misnumbered = scalar(
        warehouse,
        """
        select count(*)
        from (
            select
                session_number,
                row_number() over (
                    partition by user_id order by started_at
                ) as expected_number
            from marts.fct_sessions
        )
        where session_number != expected_number
        """,
    )
    assert misnumbered == 0


def test_sessions_do_not_overlap(warehouse) -> None:
    too_close = scalar(
        warehouse,
        f"""
        select count(*)
        from (
            select
                started_at,
                lag(ended_at) over (
                    partition by user_id order by started_at
                ) as previous_ended_at
            from marts.fct_sessions
        )
        where
            previous_ended_at is not null
            and started_at <= previous_ended_at
                + interval '{TIMEOUT_MINUTES} minutes'
        """,
    )
    assert too_close == 0


def test_session_gaps_within_timeout(warehouse) -> None:
    long_gaps = scalar(
        warehouse,
        f"""
        select count(*)
        from (
            select
                event_at,
                lag(event_at) over (
                    partition by session_id order by event_sequence
                ) as previous_event_at
            from marts.fct_events
        )
        where event_at > previous_event_at + interval '{TIMEOUT_MINUTES} minutes'
        """,
    )
    assert long_gaps == 0


def test_kept_events_inside_window(warehouse) -> None:
    first_date = scalar(warehouse, "select min(event_date) from marts.fct_events")
    first_complete_page = scalar(
        warehouse,
        "select min(event_date) from marts.fct_events "
        "where page_type = 'apply_complete'",
    )
    assert first_date >= START_DATE
    assert first_complete_page is not None
    assert first_complete_page >= START_DATE


def test_no_error_responses_kept(warehouse) -> None:
    errors = scalar(
        warehouse, "select count(*) from marts.fct_events where status_code >= 400"
    )
    assert errors == 0


def test_local_date_matches_export_date(warehouse) -> None:
    # The export's own date column is the Korean calendar date, so it checks
    # the time zone conversion independently.
    mismatched = scalar(
        warehouse,
        """
        select count(*)
        from marts.fct_events as events
        inner join intermediate.int_requests__unioned as requests
            on events.event_id = requests.request_id
        where events.event_date != requests.source_local_date
        """,
    )
    assert mismatched == 0


def test_channel_direct_exactly_without_utm(warehouse) -> None:
    inconsistent = scalar(
        warehouse,
        """
        select count(*)
        from marts.fct_events
        where
            (channel = 'direct')
            != (utm_source is null and utm_medium is null)
        """,
    )
    assert inconsistent == 0


def read_personas(truth: Path) -> list[dict[str, str]]:
    """Return the planted persona rows of the small export."""
    with open(truth / "personas.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_automated_clients_removed(warehouse, small_truth) -> None:
    automated = [
        row["user_uuid"]
        for row in read_personas(small_truth)
        if row["is_automated"] == "True"
    ]
    assert automated, "the generator planted no automated client"
    user_list = ", ".join(f"'{user_id}'" for user_id in automated)
    kept_users = scalar(
        warehouse,
        f"select count(*) from marts.dim_users where user_id in ({user_list})",
    )
    flagged_rows = scalar(
        warehouse,
        "select coalesce(sum(row_count), 0) from marts.audit_row_counts "
        "where reason = 'automated_client'",
    )
    assert kept_users == 0
    assert flagged_rows > 0


def test_no_human_flagged_automated(warehouse, small_truth) -> None:
    automated = {
        row["user_uuid"]
        for row in read_personas(small_truth)
        if row["is_automated"] == "True"
    }
    flagged = {
        user_id
        for (user_id,) in warehouse.sql(
            "select distinct user_id from intermediate.int_requests__outcomes "
            "where is_automated_client"
        ).fetchall()
    }
    assert flagged == automated


def test_new_users_match_planted_truth(warehouse, small_truth) -> None:
    planted_new = {
        row["user_uuid"]
        for row in read_personas(small_truth)
        if row["user_type"] == "new" and row["active_in_window"] == "True"
    }
    found_new = {
        user_id
        for (user_id,) in warehouse.sql(
            "select user_id from marts.dim_users where user_type = 'new'"
        ).fetchall()
    }
    assert found_new == planted_new


def test_days_to_apply_match_planted_truth(warehouse, small_truth) -> None:
    figures = json.loads((small_truth / "figures.json").read_text(encoding="utf-8"))
    planted = figures["years"]["2023"]["days_to_apply_mean"]
    found = dict(
        warehouse.sql(
            "select user_type, avg(days_to_first_application) "
            "from marts.dim_users group by user_type"
        ).fetchall()
    )
    for user_type in ("new", "existing"):
        assert found[user_type] == pytest.approx(planted[user_type], abs=0.5)


def test_form_openers_match_planted_truth(warehouse, small_truth) -> None:
    figures = json.loads((small_truth / "figures.json").read_text(encoding="utf-8"))
    planted = figures["years"]["2023"]["openers"]
    found = dict(
        warehouse.sql(
            "select user_type, count(*) from marts.dim_users "
            "where applications_started > 0 group by user_type"
        ).fetchall()
    )
    assert found == planted

"""Short plain-text summary of a built warehouse, printed after `make run`."""

from __future__ import annotations

from pathlib import Path

import duckdb


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = connection.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def format_summary(warehouse_path: Path, report_path: Path | None) -> str:
    """Format row accounting, headline counts and output locations."""
    lines = [f"Warehouse: {warehouse_path}"]
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        raw_total = _scalar(
            connection, "select sum(row_count) from marts.audit_row_counts"
        )
        lines.append(f"Raw rows read: {raw_total:,}")
        outcomes = connection.execute(
            """
            select outcome, reason, row_count
            from marts.audit_row_counts
            order by outcome, row_count desc
            """
        ).fetchall()
        for outcome, reason, row_count in outcomes:
            share = row_count / raw_total if raw_total else 0.0
            lines.append(f"  {outcome:<9} {reason:<24} {row_count:>12,} {share:7.2%}")

        counts = {
            "events kept": "select count(*) from marts.fct_events",
            "sessions": "select count(*) from marts.fct_sessions",
            "users": "select count(*) from marts.dim_users",
            "new users": (
                "select count(*) from marts.dim_users where user_type = 'new'"
            ),
            "applications": "select count(*) from marts.fct_applications",
        }
        for label, sql in counts.items():
            lines.append(f"{label.capitalize()}: {_scalar(connection, sql):,}")

        channels = connection.execute(
            """
            select channel, count(*) as sessions
            from marts.fct_sessions
            group by channel
            order by sessions desc
            """
        ).fetchall()
        lines.append(
            "Sessions by channel: "
            + ", ".join(f"{channel} {sessions:,}" for channel, sessions in channels)
        )

        segments = connection.execute(
            """
            select cluster_label, count(*) as users
            from marts.dim_users
            group by cluster_label
            order by users desc
            """
        ).fetchall()
        lines.append(
            "Users by segment: "
            + ", ".join(f"{label} {users:,}" for label, users in segments)
        )
        cohort = _scalar(connection, "select count(*) from marts.rpt_target_cohort")
        audience = _scalar(connection, "select count(*) from marts.rpt_push_audience")
        lines.append(f"Target cohort: {cohort:,} users; push audience: {audience:,}")

    if report_path is not None:
        lines.append(f"Report: {report_path}")
    return "\n".join(lines)

"""Read the report tables and the headline figures from a built warehouse."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import pandas as pd

log = logging.getLogger(__name__)

SCHEMA = "marts"

REPORT_TABLES = {
    "rpt_monthly_active_users": "activity_month",
    "rpt_daily_activity": "activity_date",
    "rpt_activity_by_weekday": "iso_weekday",
    "rpt_activity_by_day_of_month": "day_of_month",
    "rpt_month_start_lift": "is_overall, activity_month",
    "rpt_cohort_retention": "cohort_grain, cohort_start, period_number",
    "rpt_job_field_share": "posting_share desc, job_field",
    "rpt_new_vs_existing": "user_type desc",
    "rpt_stage_funnel": "stage_order",
    "rpt_channel_summary": "sessions desc, channel",
}
"""Report table -> sort order of its rows in the page."""

SEGMENT_TABLES = {
    "cluster_profiles": "cluster_id",
    "cluster_selection": "k",
}
"""Tables from the segmentation models; the page skips them when absent."""


class ReportError(RuntimeError):
    """The warehouse lacks a table the report needs."""


@dataclass(frozen=True)
class ReportData:
    """Every table the page draws, plus the figures for its headline table."""

    tables: dict[str, pd.DataFrame]
    segments: dict[str, pd.DataFrame]
    headlines: dict[str, float | str | None]


def existing_tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    """Return the names of the tables and views in the marts schema."""
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ?",
        [SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


def read_table(
    connection: duckdb.DuckDBPyConnection, name: str, order_by: str
) -> pd.DataFrame:
    """Read one marts table into a DataFrame in the given order."""
    return connection.execute(f"select * from {SCHEMA}.{name} order by {order_by}").df()


def _complete_months(monthly: pd.DataFrame) -> pd.DataFrame:
    return monthly[monthly["is_complete_month"].astype(bool)]


def _value(frame: pd.DataFrame, column: str) -> float | None:
    if frame.empty or pd.isna(frame[column].iloc[0]):
        return None
    return float(frame[column].iloc[0])


def compute_headlines(
    connection: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]
) -> dict[str, float | str | None]:
    """Compute the figures the published analysis reported, from the marts.

    Keys are stable names; the page formats them and the tests compare them
    with the planted truth. A figure the data cannot give (no complete
    month, no new users) is None.
    """
    figures: dict[str, float | str | None] = {}
    row = connection.execute(
        f"select count(distinct user_id), min(event_date), max(event_date) "
        f"from {SCHEMA}.fct_events"
    ).fetchone()
    figures["distinct_users"] = float(row[0]) if row else None
    figures["first_date"] = str(row[1]) if row and row[1] is not None else None
    figures["last_date"] = str(row[2]) if row and row[2] is not None else None

    complete = _complete_months(tables["rpt_monthly_active_users"])
    for position, key in ((0, "first_full_month"), (-1, "last_full_month")):
        if complete.empty:
            figures[f"{key}"] = None
            figures[f"{key}_active_users"] = None
            continue
        month = complete.iloc[position]
        figures[key] = pd.Timestamp(month["activity_month"]).strftime("%B %Y")
        figures[f"{key}_active_users"] = float(month["active_users"])

    fields = tables["rpt_job_field_share"].sort_values("posting_share", ascending=False)
    top_field = fields.head(1)
    figures["top_posting_field"] = (
        None if top_field.empty else str(top_field["job_field_en"].iloc[0])
    )
    figures["top_field_posting_share"] = _value(top_field, "posting_share")
    figures["top_field_application_share"] = _value(top_field, "application_share")

    by_type = tables["rpt_new_vs_existing"].set_index("user_type")
    for user_type in ("new", "existing"):
        present = user_type in by_type.index
        for column in (
            "completion_rate",
            "median_days_to_first_application",
            "mean_days_to_first_application",
        ):
            value = by_type.at[user_type, column] if present else None
            figures[f"{user_type}_{column}"] = (
                None if value is None or pd.isna(value) else float(value)
            )

    lift = tables["rpt_month_start_lift"]
    overall = lift[lift["is_overall"].astype(bool)]
    figures["month_start_lift"] = _value(overall, "daily_active_users_lift")

    daily = tables["rpt_daily_activity"]
    full = daily[daily["has_full_trailing_window"].astype(bool)]
    figures["mean_dau_mau_ratio"] = (
        None if full.empty else float(full["dau_mau_ratio"].mean())
    )

    funnel = tables["rpt_stage_funnel"]
    figures["funnel_applied_share"] = _value(
        funnel[funnel["stage"] == "applied"], "conversion_from_first"
    )
    return figures


def load_report_data(warehouse_path: str) -> ReportData:
    """Read every report table, the optional segment tables and the headlines.

    Raises ReportError naming the first missing report table.
    """
    with duckdb.connect(warehouse_path, read_only=True) as connection:
        present = existing_tables(connection)
        missing = [
            name for name in (*REPORT_TABLES, "fct_events") if name not in present
        ]
        if missing:
            raise ReportError(
                f"table {SCHEMA}.{missing[0]} not found in {warehouse_path}. "
                "Run `make run` (or `dbt build`) to build the warehouse first."
            )
        tables = {
            name: read_table(connection, name, order_by)
            for name, order_by in REPORT_TABLES.items()
        }
        segments = {
            name: read_table(connection, name, order_by)
            for name, order_by in SEGMENT_TABLES.items()
            if name in present
        }
        if len(segments) < len(SEGMENT_TABLES):
            log.info(
                "segment tables absent (%s); the report skips that section",
                ", ".join(sorted(set(SEGMENT_TABLES) - set(segments))),
            )
        headlines = compute_headlines(connection, tables)
    return ReportData(tables=tables, segments=segments, headlines=headlines)

"""Assemble the self-contained HTML report from the report tables.

The page carries its CSS and SVG charts inline and loads nothing else, so it
opens offline and can be mailed as one file.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pandas as pd

from recruitment_analytics.report import svg
from recruitment_analytics.report.data import ReportData, load_report_data
from recruitment_analytics.report.svg import PALETTE, Series

log = logging.getLogger(__name__)

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; margin: 0 auto; max-width: 1000px; padding: 0 24px 48px;
  color: #222; }
h1 { margin-top: 28px; }
h2 { margin-top: 40px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.lead, p.note { color: #444; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4;
  text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f6f8; }
table.headlines td:first-child { min-width: 380px; }
details { margin: 4px 0 16px; }
summary { cursor: pointer; color: #2f6f9f; }
svg.chart { display: block; margin: 12px 0; max-width: 100%; height: auto; }
svg .chart-title { font-size: 15px; font-weight: 600; fill: #222; }
svg .tick, svg .legend, svg .value, svg .note { font-size: 11px;
  fill: #333; }
svg .cell { font-size: 11px; }
svg .axis-label { font-size: 12px; fill: #444; }
svg .grid { stroke: #e6e6e6; stroke-width: 1; }
"""

Formatter = Callable[[object], str]


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _percent(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return svg.format_percent(float(value))


def _month_label(value: object) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def data_table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    formats: dict[str, Formatter] | None = None,
) -> str:
    """Render chosen columns of a DataFrame as an HTML table.

    `columns` maps column name -> heading; `formats` maps column name ->
    formatter, with thousands separators as the default for numbers.
    """
    formats = formats or {}
    head = "".join(f"<th>{escape(label)}</th>" for label in columns.values())
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record[column]
            if (
                isinstance(value, float)
                and value.is_integer()
                and column not in formats
            ):
                value = int(value)
            cells.append(f"<td>{escape(formats.get(column, _plain)(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _details(title: str, table_html: str) -> str:
    return f"<details><summary>{escape(title)}</summary>{table_html}</details>"


def _optional(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(value) else float(value) for value in values]


def _section(anchor: str, heading: str, lead: str, body: Sequence[str]) -> str:
    return (
        f'<section id="{anchor}"><h2>{escape(heading)}</h2>'
        f'<p class="lead">{escape(lead)}</p>{"".join(body)}</section>'
    )


def headline_table(headlines: dict[str, float | str | None]) -> str:
    """Render the headline figures as a two-column table."""

    def figure(key: str, formatter: Callable[[float], str]) -> str:
        value = headlines.get(key)
        return "n/a" if value is None else formatter(float(value))

    def days(value: float) -> str:
        return f"{value:,.1f} days"

    first_month = headlines.get("first_full_month") or "first full month"
    last_month = headlines.get("last_full_month") or "last full month"
    field = headlines.get("top_posting_field") or "largest field"
    rows = [
        (
            f"Distinct users from {headlines.get('first_date')} to "
            f"{headlines.get('last_date')}",
            figure("distinct_users", svg.format_count),
        ),
        (
            f"Monthly active users, {first_month}",
            figure("first_full_month_active_users", svg.format_count),
        ),
        (
            f"Monthly active users, {last_month}",
            figure("last_full_month_active_users", svg.format_count),
        ),
        (
            f"{field}: share of job postings",
            figure("top_field_posting_share", svg.format_percent),
        ),
        (
            f"{field}: share of applications",
            figure("top_field_application_share", svg.format_percent),
        ),
        (
            "Application completion rate, new users",
            figure("new_completion_rate", svg.format_percent),
        ),
        (
            "Application completion rate, existing users",
            figure("existing_completion_rate", svg.format_percent),
        ),
        (
            "Mean days to first application, new users (median)",
            f"{figure('new_mean_days_to_first_application', days)} "
            f"({figure('new_median_days_to_first_application', days)})",
        ),
        (
            "Mean days to first application, existing users (median)",
            f"{figure('existing_mean_days_to_first_application', days)} "
            f"({figure('existing_median_days_to_first_application', days)})",
        ),
        (
            "Month-start lift of daily active users (first days vs. the rest)",
            figure("month_start_lift", lambda value: f"{value:.2f}x"),
        ),
        (
            "Mean DAU/MAU stickiness",
            figure("mean_dau_mau_ratio", svg.format_percent),
        ),
        (
            "Users reaching a submitted application, of all funnel users",
            figure("funnel_applied_share", svg.format_percent),
        ),
    ]
    body = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>"
        for label, value in rows
    )
    return (
        f'<table class="headlines"><tr><th>Figure</th><th>Value</th></tr>{body}</table>'
    )


def section_active_users(data: ReportData) -> str:
    """Render monthly active users and the daily DAU, WAU, MAU lines."""
    monthly = data.tables["rpt_monthly_active_users"]
    months = [_month_label(value) for value in monthly["activity_month"]]
    mau_chart = svg.bar_chart(
        months,
        [
            Series("Existing users", monthly["existing_users"].tolist(), PALETTE[0]),
            Series("New users", monthly["new_users"].tolist(), PALETTE[1]),
        ],
        title="Monthly active users by user type",
        y_label="Active users",
        stacked=True,
    )

    daily = data.tables["rpt_daily_activity"]
    dates = [
        pd.Timestamp(value).strftime("%Y-%m-%d") for value in daily["activity_date"]
    ]
    every = max(len(dates) // 10, 1)
    activity_chart = svg.line_chart(
        dates,
        [
            Series("DAU", daily["daily_active_users"].tolist(), PALETTE[0]),
            Series("WAU (7 days)", daily["weekly_active_users"].tolist(), PALETTE[1]),
            Series("MAU (30 days)", daily["monthly_active_users"].tolist(), PALETTE[2]),
        ],
        title="Daily, weekly and monthly active users",
        y_label="Active users",
        label_every=every,
    )

    full = daily["has_full_trailing_window"].astype(bool)
    stickiness = [
        value if keep else None
        for value, keep in zip(_optional(daily["dau_mau_ratio"]), full, strict=True)
    ]
    stickiness_chart = svg.line_chart(
        dates,
        [Series("DAU/MAU", stickiness, PALETTE[3])],
        title="Stickiness: DAU divided by trailing 30-day MAU",
        y_label="DAU/MAU",
        value_format=svg.format_percent,
        label_every=every,
    )

    monthly_stickiness = svg.bar_chart(
        months,
        [Series("Mean DAU/MAU", _optional(monthly["mean_dau_mau_ratio"]), PALETTE[3])],
        title="Monthly mean stickiness (days with a full 30-day window)",
        y_label="Mean DAU/MAU",
        value_format=svg.format_percent,
    )

    table = data_table(
        monthly,
        {
            "activity_month": "Month",
            "active_users": "Active users",
            "new_users": "New",
            "existing_users": "Existing",
            "days_observed": "Days observed",
            "mean_daily_active_users": "Mean DAU",
            "mean_dau_mau_ratio": "Mean DAU/MAU",
        },
        {"activity_month": _month_label, "mean_dau_mau_ratio": _percent},
    )
    return _section(
        "active-users",
        "Active users",
        "Users with at least one kept request, by local month and by day. "
        "The first 29 days of the window have a truncated 30-day window, so "
        "their stickiness is left out.",
        [
            mau_chart,
            _details("Monthly table", table),
            activity_chart,
            stickiness_chart,
            monthly_stickiness,
        ],
    )


def section_rhythm(data: ReportData) -> str:
    """Render activity by weekday, by day of month and the month-start lift."""
    weekday = data.tables["rpt_activity_by_weekday"]
    weekday_chart = svg.bar_chart(
        weekday["weekday_name"].tolist(),
        [Series("Mean DAU", weekday["mean_daily_active_users"].tolist(), PALETTE[0])],
        title="Mean daily active users by weekday",
        y_label="Mean daily active users",
        value_format=svg.format_decimal,
    )
    by_day = data.tables["rpt_activity_by_day_of_month"]
    day_chart = svg.bar_chart(
        [str(int(day)) for day in by_day["day_of_month"]],
        [Series("Mean DAU", by_day["mean_daily_active_users"].tolist(), PALETTE[0])],
        title="Mean daily active users by day of month (outlined: month start)",
        y_label="Mean daily active users",
        value_format=svg.format_decimal,
        highlight=by_day["is_month_start"].astype(bool).tolist(),
    )
    lift = data.tables["rpt_month_start_lift"]
    lift_labels = [
        "All months" if overall else _month_label(month)
        for overall, month in zip(
            lift["is_overall"].astype(bool), lift["activity_month"], strict=True
        )
    ]
    lift_chart = svg.bar_chart(
        lift_labels,
        [
            Series(
                "Daily active users",
                _optional(lift["daily_active_users_lift"]),
                PALETTE[0],
            ),
            Series(
                "Sessions started",
                _optional(lift["sessions_started_lift"]),
                PALETTE[1],
            ),
        ],
        title="Month-start lift: mean on the first days / mean on other days",
        y_label="Lift (1 = no difference)",
        value_format=svg.format_decimal,
    )
    table = data_table(
        lift,
        {
            "period": "Month",
            "month_start_days_observed": "Month-start days",
            "other_days_observed": "Other days",
            "month_start_mean_daily_active_users": "Mean DAU, month start",
            "other_days_mean_daily_active_users": "Mean DAU, other days",
            "daily_active_users_lift": "DAU lift",
            "sessions_started_lift": "Session lift",
        },
    )
    return _section(
        "rhythm",
        "Weekly and monthly rhythm",
        "Mean activity per calendar day, days without activity included. A "
        "month without month-start days in the window has no lift.",
        [weekday_chart, day_chart, lift_chart, _details("Lift table", table)],
    )


def _retention_heatmap(retention: pd.DataFrame, grain: str, label: str) -> str:
    rows = retention[retention["cohort_grain"] == grain]
    if rows.empty:
        return f"<p class='note'>No {escape(grain)} cohorts in the window.</p>"
    grid = rows.pivot(
        index="cohort_start", columns="period_number", values="retention_rate"
    ).sort_index()
    sizes = rows.groupby("cohort_start")["cohort_users"].first()
    row_labels = [
        f"{pd.Timestamp(start).strftime('%Y-%m-%d')} ({int(sizes[start]):,})"
        for start in grid.index
    ]
    values = [
        [None if pd.isna(value) else float(value) for value in row]
        for row in grid.to_numpy()
    ]
    return svg.heatmap(
        row_labels,
        [str(int(column)) for column in grid.columns],
        values,
        title=f"{label} cohort retention (cohort start and size)",
        x_label=f"{label}s since the cohort's first {grain} (grey: not fully elapsed)",
    )


def section_retention(data: ReportData) -> str:
    """Render the weekly and monthly cohort retention heatmaps."""
    retention = data.tables["rpt_cohort_retention"]
    return _section(
        "retention",
        "Cohort retention",
        "Users are grouped by the first week or month they were active in the "
        "window; each cell is the share of the cohort active again that many "
        "periods later.",
        [
            _retention_heatmap(retention, "month", "Month"),
            _retention_heatmap(retention, "week", "Week"),
        ],
    )


def section_fields(data: ReportData) -> str:
    """Render job-field shares of postings and applications side by side."""
    fields = data.tables["rpt_job_field_share"]
    # A field missing from the job_field_names seed keeps its exported name,
    # which may need a CJK font, so the chart numbers it instead.
    labels = [
        name if name.isascii() else f"Field without English name {index}"
        for index, name in enumerate(fields["job_field_en"].astype(str), start=1)
    ]
    chart = svg.horizontal_bar_chart(
        labels,
        [
            Series("Postings", _optional(fields["posting_share"]), PALETTE[0]),
            Series("Applications", _optional(fields["application_share"]), PALETTE[1]),
        ],
        title="Share of job postings and of applications by job field",
        value_format=svg.format_percent,
    )
    table = data_table(
        fields,
        {
            "job_field": "Job field (as exported)",
            "job_field_en": "Job field",
            "postings": "Postings",
            "posting_share": "Share of postings",
            "applications": "Applications",
            "application_share": "Share of applications",
        },
        {"posting_share": _percent, "application_share": _percent},
    )
    return _section(
        "job-fields",
        "Job fields",
        "Postings count every posting in the export; applications count "
        "those made inside the window.",
        [chart, _details("Job field table", table)],
    )


def section_new_vs_existing(data: ReportData) -> str:
    """Render completion rate and days to apply for new and existing users."""
    frame = data.tables["rpt_new_vs_existing"]
    labels = [f"{value.capitalize()} users" for value in frame["user_type"]]
    rate_chart = svg.bar_chart(
        labels,
        [Series("Completion rate", _optional(frame["completion_rate"]), PALETTE[2])],
        title="Application completion rate (submitted / opened the form)",
        y_label="Completion rate",
        value_format=svg.format_percent,
    )
    days_chart = svg.bar_chart(
        labels,
        [
            Series(
                "Median days",
                _optional(frame["median_days_to_first_application"]),
                PALETTE[0],
            ),
            Series(
                "Mean days",
                _optional(frame["mean_days_to_first_application"]),
                PALETTE[1],
            ),
        ],
        title="Days to first submitted application",
        y_label="Days",
        value_format=svg.format_decimal,
    )
    table = data_table(
        frame,
        {
            "user_type": "User type",
            "user_count": "Users",
            "users_opened_form": "Opened the form",
            "users_submitted": "Submitted",
            "completion_rate": "Completion rate",
            "median_days_to_first_application": "Median days",
            "mean_days_to_first_application": "Mean days",
        },
        {"completion_rate": _percent},
    )
    return _section(
        "new-vs-existing",
        "New and existing users",
        "New users completed sign-up inside the window. Days to apply run "
        "from sign-up (new users) or the first request in the window "
        "(existing users) to the first submitted application.",
        [table, rate_chart, days_chart],
    )


def section_funnel(data: ReportData) -> str:
    """Render the six-stage funnel with conversion rates."""
    funnel = data.tables["rpt_stage_funnel"]
    notes = [
        "" if pd.isna(previous) else f"{svg.format_percent(previous)} of previous"
        for previous in funnel["conversion_from_previous"]
    ]
    chart = svg.horizontal_bar_chart(
        [stage.replace("_", " ").capitalize() for stage in funnel["stage"]],
        [Series("Users reached", funnel["users_reached"].tolist(), PALETTE[0])],
        title="Users reaching each funnel stage",
        annotations=notes,
    )
    table = data_table(
        funnel,
        {
            "stage": "Stage",
            "users_reached": "Users reached",
            "users_with_stage_events": "Users with events at the stage",
            "conversion_from_previous": "From previous",
            "conversion_from_first": "From entry",
        },
        {"conversion_from_previous": _percent, "conversion_from_first": _percent},
    )
    return _section(
        "funnel",
        "Stage funnel",
        "A user reaches a stage when any of their requests sits at that stage "
        "or a later one, so each stage is a subset of the one before.",
        [chart, table],
    )


def section_channels(data: ReportData) -> str:
    """Render sessions, users and submissions per acquisition channel."""
    channels = data.tables["rpt_channel_summary"]
    names = channels["channel"].str.replace("_", " ").str.capitalize().tolist()
    traffic_chart = svg.bar_chart(
        names,
        [
            Series("Sessions", channels["sessions"].tolist(), PALETTE[0]),
            Series("Users", channels["user_count"].tolist(), PALETTE[1]),
        ],
        title="Sessions and users by channel",
        y_label="Count",
    )
    submissions_chart = svg.bar_chart(
        names,
        [
            Series(
                "Submissions",
                channels["application_submissions"].tolist(),
                PALETTE[2],
            )
        ],
        title="Application submissions by channel of the session",
        y_label="Submissions",
    )
    table = data_table(
        channels,
        {
            "channel": "Channel",
            "sessions": "Sessions",
            "session_share": "Share of sessions",
            "user_count": "Users",
            "application_submissions": "Submissions",
            "session_submission_rate": "Sessions with a submission",
        },
        {"session_share": _percent, "session_submission_rate": _percent},
    )
    return _section(
        "channels",
        "Channels",
        "A session's channel comes from the UTM parameters of its first "
        "request; no UTM is direct.",
        [traffic_chart, submissions_chart, _details("Channel table", table)],
    )


def section_segments(data: ReportData) -> str:
    """Render cluster profiles and the choice of k, if the tables exist."""
    if not data.segments:
        return ""
    body = []
    profiles = data.segments.get("cluster_profiles")
    if profiles is not None and not profiles.empty:
        labels = [
            f"{str(label).replace('_', ' ')} ({int(cluster)})"
            for cluster, label in zip(
                profiles["cluster_id"], profiles["cluster_label"], strict=True
            )
        ]
        body.append(
            svg.horizontal_bar_chart(
                labels,
                [Series("Users", profiles["users"].tolist(), PALETTE[0])],
                title="Users per behavioural segment",
            )
        )
        view_columns = {
            "mean_job_list_views": "Job-listing views",
            "mean_job_detail_views": "Job-detail views",
            "mean_apply_form_views": "Application form views",
            "mean_profile_views": "Profile views",
        }
        present = {k: v for k, v in view_columns.items() if k in profiles.columns}
        if present:
            body.append(
                svg.bar_chart(
                    labels,
                    [
                        Series(name, _optional(profiles[column]), PALETTE[i])
                        for i, (column, name) in enumerate(present.items())
                    ],
                    title="Mean page views per user by segment",
                    y_label="Mean views per user",
                    value_format=svg.format_decimal,
                )
            )
        table_columns = {
            "cluster_id": "Cluster",
            "cluster_label": "Label",
            "users": "Users",
            "share": "Share",
            **present,
        }
        body.append(
            data_table(
                profiles,
                {k: v for k, v in table_columns.items() if k in profiles.columns},
                {"share": _percent},
            )
        )
    selection = data.segments.get("cluster_selection")
    if selection is not None and not selection.empty:
        ks = [str(int(k)) for k in selection["k"]]
        if "inertia" in selection.columns:
            body.append(
                svg.line_chart(
                    ks,
                    [Series("Inertia", _optional(selection["inertia"]), PALETTE[0])],
                    title="K-Means inertia by number of clusters",
                    y_label="Inertia",
                    value_format=svg.format_decimal,
                )
            )
        if "silhouette" in selection.columns:
            body.append(
                svg.line_chart(
                    ks,
                    [
                        Series(
                            "Silhouette", _optional(selection["silhouette"]), PALETTE[1]
                        )
                    ],
                    title="Silhouette score by number of clusters",
                    y_label="Silhouette",
                    value_format=svg.format_decimal,
                )
            )
    return _section(
        "segments",
        "Behavioural segments",
        "K-Means clusters of users by their session behaviour, labelled from "
        "each cluster's mean page views.",
        body,
    )


SECTIONS = (
    section_active_users,
    section_rhythm,
    section_retention,
    section_fields,
    section_new_vs_existing,
    section_funnel,
    section_channels,
    section_segments,
)
"""Page sections in display order."""


def build_page(data: ReportData) -> str:
    """Return the whole HTML document for the report data."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = "".join(section(data) for section in SECTIONS)
    log.info("rendered %d report sections", sections.count("<section "))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Recruitment platform activity report</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Recruitment platform activity report</h1>"
        f'<p class="note">Built from the warehouse on {escape(generated)}. '
        "Dates are local (the timezone var, Korea time by default).</p>"
        "<h2>Headline figures</h2>"
        f"{headline_table(data.headlines)}{sections}</body></html>\n"
    )


def render_report(warehouse_path: Path, out_path: Path) -> Path:
    """Render the report from a built warehouse into one self-contained file.

    Writes to a temporary file next to out_path and renames it, so a reader
    never opens a half-written page. Returns out_path.
    """
    data = load_report_data(str(warehouse_path))
    page = build_page(data)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.name}.partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, out_path)
    log.info("wrote %s (%d bytes)", out_path, len(page.encode("utf-8")))
    return out_path

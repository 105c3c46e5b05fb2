"""Each report's headline figure against the truth the generator planted.

The generator measures its figures on the rows it wrote (figures.json in the
truth folder), so the reports should land within a few points of them. The
tolerances allow for rules the pipeline applies and the generator does not
model exactly, such as request-rate noise filtering and day rounding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

SHARE_TOLERANCE = 0.03
"""Absolute tolerance for shares and rates: three percentage points."""

COUNT_TOLERANCE = 0.03
"""Relative tolerance for user and event counts."""

DAYS_TOLERANCE = 2.0
"""Absolute tolerance in days for days to the first application."""


@pytest.fixture(scope="module")
def figures(small_truth: Path) -> dict:
    """Return the planted figures of the last generated year, plus job fields."""
    planted = json.loads((small_truth / "figures.json").read_text(encoding="utf-8"))
    last_year = max(planted["years"], key=int)
    return {**planted["years"][last_year], "job_fields": planted["job_fields"]}


def read(warehouse, table: str) -> pd.DataFrame:
    return warehouse.execute(f"select * from marts.{table}").df()


def close_count(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= max(COUNT_TOLERANCE * expected, 2)


def test_monthly_active_users_match(warehouse, figures) -> None:
    monthly = read(warehouse, "rpt_monthly_active_users")
    actual = {
        pd.Timestamp(month).strftime("%Y-%m"): users
        for month, users in zip(
            monthly["activity_month"], monthly["active_users"], strict=True
        )
    }
    planted = figures["monthly_active_users"]
    assert set(actual) == set(planted)
    for month, expected in planted.items():
        assert close_count(actual[month], expected), (month, actual[month], expected)


def test_new_and_existing_split_adds_up(warehouse) -> None:
    monthly = read(warehouse, "rpt_monthly_active_users")
    total = monthly["new_users"] + monthly["existing_users"]
    assert (total == monthly["active_users"]).all()


def test_distinct_users_match(warehouse, figures) -> None:
    users = warehouse.execute(
        "select count(distinct user_id) from marts.fct_events"
    ).fetchone()[0]
    expected = figures["users_in_window_without_automated"]
    assert close_count(users, expected), (users, expected)


def test_cohorts_cover_every_user(warehouse) -> None:
    users = warehouse.execute(
        "select count(distinct user_id) from marts.fct_events"
    ).fetchone()[0]
    retention = read(warehouse, "rpt_cohort_retention")
    for grain in ("week", "month"):
        cohorts = retention[retention["cohort_grain"] == grain]
        sizes = cohorts.groupby("cohort_start")["cohort_users"].first()
        assert sizes.sum() == users, grain
        first = cohorts[(cohorts["period_number"] == 0) & cohorts["is_period_complete"]]
        assert (first["retention_rate"] == 1.0).all(), grain


def test_first_and_last_week_events_match(warehouse, figures) -> None:
    daily = read(warehouse, "rpt_daily_activity").sort_values("activity_date")
    # The generator sums its first and last seven dates that have events,
    # while the report also lists dates without any.
    active = daily[daily["event_count"] > 0]["event_count"]
    first_week = int(active.head(7).sum())
    last_week = int(active.tail(7).sum())
    expected_first = figures["daily_events_first_week"]
    expected_last = figures["daily_events_last_week"]
    assert close_count(first_week, expected_first), (first_week, expected_first)
    assert close_count(last_week, expected_last), (last_week, expected_last)


def test_weekday_event_shares_match(warehouse, figures) -> None:
    weekday = read(warehouse, "rpt_activity_by_weekday")
    events = weekday["mean_events"] * weekday["days_observed"]
    shares = dict(
        zip(weekday["iso_weekday"].astype(int), events / events.sum(), strict=True)
    )
    for day, expected in figures["weekday_event_share"].items():
        assert abs(shares[int(day)] - expected) <= SHARE_TOLERANCE / 3, day


def test_month_start_lift_matches(warehouse, figures) -> None:
    lift = read(warehouse, "rpt_month_start_lift")
    overall = lift[lift["is_overall"]].iloc[0]
    expected = figures["month_start_dau_lift"]
    assert abs(overall["daily_active_users_lift"] - expected) <= 0.05
    assert overall["daily_active_users_lift"] > 1.0


def test_day_of_month_peaks_at_month_start(warehouse) -> None:
    by_day = read(warehouse, "rpt_activity_by_day_of_month")
    start = by_day[by_day["is_month_start"]]["mean_daily_active_users"].mean()
    rest = by_day[~by_day["is_month_start"]]["mean_daily_active_users"].mean()
    assert start > rest


def test_job_field_shares_match(warehouse, figures) -> None:
    fields = read(warehouse, "rpt_job_field_share").set_index("job_field")
    planted = figures["job_fields"]
    for field, expected in planted["posting_share"].items():
        assert abs(fields.at[field, "posting_share"] - expected) <= 0.005, field
    for field, expected in planted["application_share_in_window"].items():
        actual = fields.at[field, "application_share"]
        assert abs(actual - expected) <= SHARE_TOLERANCE, field
    assert fields["job_field_en"].map(str.isascii).all()


def test_completion_rates_match(warehouse, figures) -> None:
    frame = read(warehouse, "rpt_new_vs_existing").set_index("user_type")
    for user_type, expected in figures["completion_rate"].items():
        actual = frame.at[user_type, "completion_rate"]
        assert abs(actual - expected) <= SHARE_TOLERANCE, (user_type, actual, expected)
        openers = figures["openers"][user_type]
        assert close_count(frame.at[user_type, "users_opened_form"], openers)


def test_days_to_apply_match(warehouse, figures) -> None:
    frame = read(warehouse, "rpt_new_vs_existing").set_index("user_type")
    for statistic in ("mean", "median"):
        for user_type, expected in figures[f"days_to_apply_{statistic}"].items():
            if expected is None:
                continue
            actual = frame.at[user_type, f"{statistic}_days_to_first_application"]
            assert abs(actual - expected) <= DAYS_TOLERANCE, (
                statistic,
                user_type,
                actual,
                expected,
            )


def test_funnel_apply_stages_match(warehouse, figures) -> None:
    funnel = read(warehouse, "rpt_stage_funnel").set_index("stage")
    openers = sum(figures["openers"].values())
    submitters = sum(figures["submitters"].values())
    assert funnel.at["apply", "users_reached"] >= openers
    assert close_count(funnel.at["apply", "users_reached"], openers)
    assert funnel.at["applied", "users_reached"] >= submitters
    assert (funnel["users_reached"].diff().dropna() <= 0).all()


def test_channels_include_planted_sources(warehouse, figures) -> None:
    channels = read(warehouse, "rpt_channel_summary").set_index("channel")
    assert channels["sessions"].idxmax() == "direct"
    sources = {key.split(" / ")[1] for key in figures["utm_rows"]}
    if "email" in sources:
        assert channels.at["email", "sessions"] > 0
    if "alink" in sources:
        assert channels.at["partner_link", "sessions"] > 0
    assert channels["application_submissions"].sum() > 0

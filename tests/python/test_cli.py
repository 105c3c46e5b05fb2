"""Command-line behaviour: input errors and the run summary."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest

from recruitment_analytics.cli import main
from recruitment_analytics.summary import format_summary


def test_missing_raw_folder_exits_2(tmp_path: Path, caplog) -> None:
    missing = tmp_path / "nowhere"
    with caplog.at_level(logging.ERROR):
        exit_code = main(["run", "--raw", str(missing), "--no-report"])
    assert exit_code == 2
    assert "raw export folder not found" in caplog.text
    assert str(missing.name) in caplog.text


def test_raw_folder_without_log_exits_2(tmp_path: Path, caplog) -> None:
    (tmp_path / "job.csv").write_text(",job_uuid\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        exit_code = main(["run", "--raw", str(tmp_path), "--no-report"])
    assert exit_code == 2
    assert "no request log" in caplog.text


def test_missing_access_log_exits_2(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        exit_code = main(
            ["run", "--access-log", str(tmp_path / "access.log"), "--no-report"]
        )
    assert exit_code == 2
    assert "access log not found" in caplog.text


def test_unmatched_access_log_glob_exits_2(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        exit_code = main(
            ["run", "--access-log", str(tmp_path / "*.log"), "--no-report"]
        )
    assert exit_code == 2
    assert "access log not found" in caplog.text


def test_summary_accounts_for_raw_rows(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        raw_total = connection.execute(
            "select sum(row_count) from marts.audit_row_counts"
        ).fetchone()[0]
        users = connection.execute("select count(*) from marts.dim_users").fetchone()[0]
    summary = format_summary(built_warehouse, None)
    assert f"Raw rows read: {raw_total:,}" in summary
    assert f"Users: {users:,}" in summary
    assert "Users by segment: " in summary
    assert "Report:" not in summary


@pytest.mark.parametrize("label", ["kept", "before_start_date", "automated_client"])
def test_summary_lists_reasons(built_warehouse: Path, label: str) -> None:
    assert label in format_summary(built_warehouse, None)

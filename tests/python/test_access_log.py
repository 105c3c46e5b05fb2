"""Build the whole project on a real Apache access log (combined log format).

The log's client addresses are pseudonyms in the IPv6 documentation range
2001:db8::/32; no table may contain one. Expected counts are computed from
the log file itself, so the tests hold for any log in that format.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from conftest import SHARED_DATA
from recruitment_analytics.cli import main

ACCESS_LOG = SHARED_DATA / "access_logs" / "semicomplete_2015-05.log"
# Crawler names that the crawler seed must recognise in this log.
KNOWN_CRAWLERS = ("Googlebot", "bingbot", "Baiduspider", "YandexBot")

pytestmark = pytest.mark.skipif(
    not ACCESS_LOG.exists(), reason=f"{ACCESS_LOG.name} is not available"
)


@pytest.fixture(scope="module")
def access_log_lines() -> list[str]:
    """Return the access log's lines without line breaks."""
    return ACCESS_LOG.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def access_log_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the command line on the access log as `make run ACCESS_LOG=...` does.

    The command line keeps every date of an access log, so no start date is
    passed here.
    """
    root = tmp_path_factory.mktemp("access_log")
    exit_code = main(
        [
            "run",
            "--access-log",
            str(ACCESS_LOG),
            "--warehouse",
            str(root / "warehouse.duckdb"),
            "--report",
            str(root / "report.html"),
        ]
    )
    assert exit_code == 0
    return root


@pytest.fixture(scope="module")
def access_log_warehouse(access_log_run: Path) -> Path:
    """Return the warehouse file built from the access log."""
    return access_log_run / "warehouse.duckdb"


def test_report_rendered(access_log_run: Path) -> None:
    report = (access_log_run / "report.html").read_text(encoding="utf-8")
    assert "<svg" in report
    assert "2001:db8" not in report


@pytest.fixture()
def warehouse(access_log_warehouse: Path):
    """Open the access-log warehouse read-only for one test."""
    connection = duckdb.connect(str(access_log_warehouse), read_only=True)
    yield connection
    connection.close()


def scalar(connection: duckdb.DuckDBPyConnection, sql: str):
    """Return the single value a query returns."""
    return connection.sql(sql).fetchall()[0][0]


def test_every_line_accounted_for(warehouse, access_log_lines) -> None:
    rows = scalar(warehouse, "select count(*) from intermediate.int_requests__unioned")
    distinct_lines = scalar(
        warehouse,
        "select count(distinct source_line) from intermediate.int_requests__unioned",
    )
    assert rows == len(access_log_lines)
    assert distinct_lines == len(access_log_lines)


def test_lines_parse(warehouse) -> None:
    rejected = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__unioned "
        "where rejection_reason is not null",
    )
    assert rejected == 0


def test_status_codes_match_log(warehouse, access_log_lines) -> None:
    expected_404 = sum(1 for line in access_log_lines if '" 404 ' in line)
    actual_404 = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__unioned "
        "where status_code = 404",
    )
    assert actual_404 == expected_404


def test_feed_utm_extractable(warehouse, access_log_lines) -> None:
    expected = sum(
        1
        for line in access_log_lines
        if "utm_source=feedburner&utm_medium=feed" in line
    )
    actual = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__url_parts "
        "where utm_source = 'feedburner' and utm_medium = 'feed' "
        "and utm_campaign is not null",
    )
    assert expected > 0
    assert actual == expected


def test_percent_encoded_path_decoded(warehouse) -> None:
    decoded = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__url_parts "
        "where path like '%is it done yet%'",
    )
    assert decoded > 0


def test_known_crawlers_flagged(warehouse) -> None:
    for crawler in KNOWN_CRAWLERS:
        unflagged = scalar(
            warehouse,
            "select count(*) from intermediate.int_requests__unioned "
            f"where user_agent like '%{crawler}%' and not is_crawler",
        )
        assert unflagged == 0, crawler
    flagged = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__unioned where is_crawler",
    )
    assert flagged > 0


def test_browsers_not_flagged(warehouse) -> None:
    flagged_browsers = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__unioned "
        "where is_crawler and user_agent like 'Mozilla/5.0 (Windows NT%' "
        "and user_agent not ilike '%bot%'",
    )
    assert flagged_browsers == 0


def test_static_assets_flagged(warehouse, access_log_lines) -> None:
    png_requests = sum(
        1 for line in access_log_lines if re.search(r'"GET \S+\.png HTTP', line)
    )
    flagged_png = scalar(
        warehouse,
        "select count(*) from intermediate.int_requests__unioned "
        "where is_static_asset and url like '%.png'",
    )
    assert png_requests > 0
    assert flagged_png == png_requests


def test_visitors_group_by_address_and_agent(warehouse, access_log_lines) -> None:
    # The user agent is the last quoted field; one line of the log was cut
    # off before its closing quote.
    pattern = re.compile(
        r'^(\S+) \S+ \S+ \[[^\]]*\] "[^"]*" \S+ \S+ "[^"]*" "([^"]*)"?$'
    )
    pairs = {
        match.groups() for line in access_log_lines if (match := pattern.match(line))
    }
    visitors = scalar(
        warehouse,
        "select count(distinct user_id) from intermediate.int_requests__unioned",
    )
    assert visitors == len(pairs)


def test_no_client_address_in_any_table(warehouse) -> None:
    string_columns = warehouse.sql(
        "select table_schema, table_name, column_name "
        "from information_schema.columns "
        "where data_type in ('VARCHAR', 'BLOB') "
        "and table_schema not in ('information_schema', 'pg_catalog')"
    ).fetchall()
    assert string_columns
    for schema, table, column in string_columns:
        text = f'"{column}"'
        if column == "line":
            text = f'try(decode("{column}"))'
        found = scalar(
            warehouse,
            f'select count(*) from "{schema}"."{table}" '
            f"where {text} ilike '%2001:db8:%'",
        )
        assert found == 0, f"{schema}.{table}.{column}"


def test_row_counts_add_up(warehouse, access_log_lines) -> None:
    total = scalar(warehouse, "select sum(row_count) from marts.audit_row_counts")
    assert total == len(access_log_lines)


def test_noise_filtered_with_reasons(warehouse) -> None:
    reasons = dict(
        warehouse.sql(
            "select reason, row_count from marts.audit_row_counts "
            "where outcome = 'filtered'"
        ).fetchall()
    )
    assert reasons.get("static_asset", 0) > 0
    assert reasons.get("crawler_user_agent", 0) > 0
    kept = scalar(
        warehouse,
        "select row_count from marts.audit_row_counts where outcome = 'kept'",
    )
    events = scalar(warehouse, "select count(*) from marts.fct_events")
    assert events == kept


def test_sessions_and_users_built(warehouse) -> None:
    sessions = scalar(warehouse, "select count(*) from marts.fct_sessions")
    users = scalar(warehouse, "select count(*) from marts.dim_users")
    session_users = scalar(
        warehouse, "select count(distinct user_id) from marts.fct_sessions"
    )
    assert sessions >= users > 0
    assert session_users == users


def test_crawlers_absent_from_events(warehouse) -> None:
    crawler_events = scalar(
        warehouse,
        "select count(*) from marts.fct_events as events "
        "inner join intermediate.int_requests__unioned as requests "
        "on events.event_id = requests.request_id where requests.is_crawler",
    )
    assert crawler_events == 0


def test_feed_events_keep_utm(warehouse) -> None:
    feed_events = scalar(
        warehouse,
        "select count(*) from marts.fct_events "
        "where utm_source = 'feedburner' and utm_medium = 'feed' "
        "and channel is not null",
    )
    assert feed_events > 0

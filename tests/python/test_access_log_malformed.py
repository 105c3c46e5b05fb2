"""Build on a small gzip-compressed access log with malformed lines.

Each malformed line must be rejected on its own, with a reason, while the
well-formed lines around it build into events. Client addresses come from
the documentation ranges 203.0.113.0/24 and 2001:db8::/32 and may not
appear in any table.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from recruitment_analytics.build import build_warehouse

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
CRAWLER = "Googlebot/2.1 (+http://www.google.com/bot.html)"
# Offsets of +0900 put every request on 2023-06-01 local time.
STAMP = "01/Jun/2023:{} +0900"
GOOD_LINES = [
    f'203.0.113.7 - - [{STAMP.format("10:00:00")}] "GET / HTTP/1.1" 200 512 '
    f'"-" "{BROWSER}"',
    f"203.0.113.7 - - [{STAMP.format('10:02:00')}] "
    f'"GET /jobs?utm_source=excel&utm_medium=alink HTTP/1.1" 200 900 '
    f'"-" "{BROWSER}"',
    f"2001:db8::42 - alice [{STAMP.format('10:03:00')}] "
    f'"GET /jobs/id/id_title HTTP/2.0" 200 1200 '
    f'"https://example.org/a \\"b\\"" "{BROWSER}"',
    f"2001:db8::42 - - [{STAMP.format('11:00:00')}] "
    f'"GET /styles/site.css HTTP/1.1" 200 80 "-" "{BROWSER}"',
    f'203.0.113.9 - - [{STAMP.format("11:05:00")}] "GET / HTTP/1.1" 200 512 '
    f'"-" "{CRAWLER}"',
    f'203.0.113.7 - - [{STAMP.format("11:06:00")}] "GET /missing HTTP/1.1" '
    f'404 0 "-" "{BROWSER}"',
]
MALFORMED_LINES = {
    "truncated": f'203.0.113.7 - - [{STAMP.format("10:05:00")}] "GET /jo',
    "wrong field count": (
        f'203.0.113.7 - - [{STAMP.format("10:06:00")}] "GET / HTTP/1.1"'
    ),
    "bad timestamp": (
        '203.0.113.7 - - [41/Jun/2023:10:07:00 +0900] "GET / HTTP/1.1" 200 1 '
        f'"-" "{BROWSER}"'
    ),
    "plain text": "this is not a log line",
}
BINARY_JUNK = b"\xff\xfe\x00\x81junk"


@pytest.fixture(scope="module")
def malformed_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, set]:
    """Write the gzip log and return its path, line count and bad line numbers."""
    root = tmp_path_factory.mktemp("malformed_access_log")
    lines = [line.encode() for line in GOOD_LINES[:3]]
    lines += [line.encode() for line in MALFORMED_LINES.values()]
    lines.append(BINARY_JUNK)
    lines += [line.encode() for line in GOOD_LINES[3:]]
    bad_numbers = set(range(4, 4 + len(MALFORMED_LINES) + 1))
    path = root / "access.log.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b"\n".join(lines) + b"\n")
    return path, len(lines), bad_numbers


@pytest.fixture(scope="module")
def warehouse(
    malformed_log, small_export: Path, tmp_path_factory: pytest.TempPathFactory
):
    """Build the project on the malformed log and open it read-only.

    raw_path points at a platform export as well, whose side tables an
    access-log run must ignore.
    """
    path, _, _ = malformed_log
    out = tmp_path_factory.mktemp("malformed_warehouse")
    built = build_warehouse(
        {
            "log_format": "combined",
            "access_log_path": str(path.parent / "*.log.gz"),
            "analysis_start_date": None,
            "raw_path": str(small_export),
        },
        warehouse_path=out / "warehouse.duckdb",
        target_path=out / "target",
    )
    connection = duckdb.connect(str(built), read_only=True)
    yield connection
    connection.close()


def test_every_line_counted(warehouse, malformed_log) -> None:
    _, line_count, _ = malformed_log
    total = warehouse.execute(
        "select sum(row_count) from marts.audit_row_counts"
    ).fetchone()[0]
    assert total == line_count


def test_malformed_lines_rejected_one_by_one(warehouse, malformed_log) -> None:
    _, _, bad_numbers = malformed_log
    rejected = warehouse.execute(
        "select source_line, rejection_reason from marts.audit_rejected_rows"
    ).fetchall()
    assert {line for line, _ in rejected} == bad_numbers
    assert all(reason for _, reason in rejected)


def test_binary_junk_reason(warehouse) -> None:
    junk_line = 3 + len(MALFORMED_LINES) + 1
    reason = warehouse.execute(
        "select rejection_reason from marts.audit_rejected_rows "
        f"where source_line = {junk_line}"
    ).fetchone()[0]
    assert reason == "invalid_encoding"


def test_good_lines_build_events(warehouse) -> None:
    kept = warehouse.execute("select count(*) from marts.fct_events").fetchone()[0]
    sessions = warehouse.execute("select count(*) from marts.fct_sessions").fetchone()[
        0
    ]
    assert kept == 3
    assert sessions == 2


def test_noise_filtered_with_reasons(warehouse) -> None:
    reasons = dict(
        warehouse.execute(
            "select reason, row_count from marts.audit_row_counts "
            "where outcome = 'filtered'"
        ).fetchall()
    )
    assert reasons == {
        "static_asset": 1,
        "crawler_user_agent": 1,
        "error_status": 1,
    }


def test_utm_and_channel_from_log(warehouse) -> None:
    row = warehouse.execute(
        "select utm_source, utm_medium, channel from marts.fct_events "
        "where path = '/jobs'"
    ).fetchone()
    assert row == ("excel", "alink", "partner_link")


@pytest.mark.parametrize(
    "table",
    ["staging.stg_platform__jobs", "marts.fct_applications", "marts.dim_users"],
)
def test_platform_side_tables_ignored(warehouse, table: str) -> None:
    column = "applications_completed" if table == "marts.dim_users" else "1"
    count = warehouse.execute(
        f"select count(*) from {table} where {column} > 0"
    ).fetchone()[0]
    assert count == 0


def test_no_client_address_stored(warehouse) -> None:
    columns = warehouse.execute(
        "select table_schema, table_name, column_name "
        "from information_schema.columns "
        "where data_type in ('VARCHAR', 'BLOB') "
        "and table_schema not in ('information_schema', 'pg_catalog')"
    ).fetchall()
    assert columns
    for schema, table, column in columns:
        text = f'try(decode("{column}"))' if column == "line" else f'"{column}"'
        found = warehouse.execute(
            f'select count(*) from "{schema}"."{table}" '
            f"where {text} like '%203.0.113.%' or {text} ilike '%2001:db8:%'"
        ).fetchone()[0]
        assert found == 0, f"{schema}.{table}.{column}"

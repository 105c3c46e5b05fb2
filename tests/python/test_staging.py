"""Build the staging layer on a small hand-written export and check every line.

The fixture reproduces the real export's quirks: a byte order mark before an
empty first column name, timestamps with and without fraction, Korean text
and mixed application time formats. It also plants one malformed line per
rejection reason, in plain, gzip and Parquet log files.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recruitment_analytics import PROJECT_DIR
from recruitment_analytics.build import build_warehouse
from recruitment_analytics.staging.raw_lines import (
    check_log_files,
    iter_line_batches,
    pseudonymise_client_addresses,
    split_lines,
    strict_read_problem,
)

STAGING_SELECTION = ("build", "--select", "staging", "+int_requests__unioned")
HEADER = b",user_uuid,URL,timestamp,date,response_code,method"
BOM = "\ufeff".encode()

# (line bytes, expected rejection reason or None) for log_2022.csv, after the
# header on line 1.
CSV_LINES: list[tuple[bytes, str | None]] = [
    (
        b"0,u1,jobs/id/id_title?utm_source=notification&utm_medium=email,"
        b"2022-12-31 15:30:00.123456 UTC,2023-01-01,200,GET",
        None,
    ),
    ("1,u2,suggest?q=개발자,2022-12-31 15:30:01 UTC,2023-01-01,200,get".encode(), None),
    (
        b'2,u3,"api/jobs/job_title?keywords=a,b&q=""x""",'
        b"2022-12-31 15:30:02 UTC,2023-01-01,302,POST",
        None,
    ),
    (b"3,u4,jobs,2022-12-31 15:3", "wrong_field_count"),
    (b"\x00\xff\xfe\x137garbage\x9c", "invalid_encoding"),
    (
        b"4,u5,jobs,2022-12-31 15:30:02 UTC,2023-01-01,200,GET,extra",
        "wrong_field_count",
    ),
    (b'5,u6,"jobs,2022-12-31 15:30:02 UTC,2023-01-01,200,GET', "unparseable_line"),
    (b"6,,jobs,2022-12-31 15:30:02 UTC,2023-01-01,200,GET", "missing_user_id"),
    (b"7,u8,jobs,not-a-timestamp,2023-01-01,200,GET", "invalid_timestamp"),
    (b"8,u9,jobs,2022-12-31 15:30:02 UTC,2023-01-01,abc,GET", "invalid_status_code"),
    (b"\x01\x02\x03,,,,,,", "unparseable_line"),
    (b"", "empty_line"),
]

# (line bytes, expected rejection reason or None) for log_2021.csv.gz, after
# the header on line 1. The file has LF line ends, no CR and only valid UTF-8,
# so DuckDB's CSV reader reads it. The last line has no line break.
CLEAN_LINES: list[tuple[bytes, str | None]] = [
    (b"0,c1,jobs?q=a#b,2021-06-01 00:00:00 UTC,2021-06-01,200,GET", None),
    (b"", "empty_line"),
    (b'1,c2,"jobs?q=a,b",2021-06-01 00:00:01 UTC,2021-06-01,200,GET', None),
    (b"#2,c3,jobs,2021-06-01 00:00:02 UTC,2021-06-01,200,GET", None),
    (b"3,c4,jo\x00bs,2021-06-01 00:00:03 UTC,2021-06-01,200,GET", "unparseable_line"),
    (b"4,c5,jobs,2021-06-01 00:00:04 UTC,2021-06-01,200", "wrong_field_count"),
    (b"", "empty_line"),
    (b"5,,jobs,2021-06-01 00:00:05 UTC,2021-06-01,200,GET", "missing_user_id"),
    ("6,c7,검색,2021-06-01 00:00:06 UTC,2021-06-01,200,GET".encode(), None),
]

GZ_LINES = [
    b"0,g1,,2023-01-01 00:00:00 UTC,2023-01-01,200,GET",
    b"1,g2,jobs,2023-01-01 00:00:01.5 UTC,2023-01-01,404,GET",
    b"2,g3,@user_id,2023-01-01 00:00:02 UTC,2023-01-01,200,PUT",
]

JOB_CSV = (
    "\ufeff,cdate,mdate,job_field,career_type_string,start_date,end_date,"
    "allow_remote,can_show_salary,job_uuid,company_uuid\n"
    '0,2023-01-02 03:04:05.123456,2023-01-03 00:00:00,SW 개발,"신입,경력",'
    "2023-01-02,2023-02-01,True,False,j1,c1\n"
    "1,2023-01-02 03:04:05,2023-01-03 00:00:00,기획/PM,인턴,2023-01-02,,"
    "False,True,j2,c1\n"
)

APPLICATION_CSV = (
    ",cdate,company_uuid,job_uuid,user_uuid,application_uuid\n"
    "0,2017-03-01 09:00:00.123456,c1,j1,u1,a1\n"
    "1,2023-06-01 10:00:00,c1,j1,u2,a2\n"
    "2,2023-06-01 10:00:00.5 UTC,c1,j2,u2,a3\n"
    "3,yesterday,c1,j2,u3,a4\n"
)


def write_export(raw: Path) -> None:
    """Write a small export with one log file of each supported kind."""
    raw.mkdir(parents=True)
    csv_body = b"\n".join([BOM + HEADER] + [line for line, _ in CSV_LINES]) + b"\n"
    (raw / "log_2022.csv").write_bytes(csv_body)
    clean_body = b"\n".join([BOM + HEADER] + [line for line, _ in CLEAN_LINES])
    (raw / "log_2021.csv.gz").write_bytes(gzip.compress(clean_body))
    # CRLF line ends and no line break after the last line.
    gz_body = b"\r\n".join([HEADER, *GZ_LINES])
    (raw / "log_2023.csv.gz").write_bytes(gzip.compress(gz_body))
    parquet = pa.table(
        {
            "": pa.array([0, 1], pa.int64()),
            "user_uuid": ["p1", ""],
            "URL": ["jobs?page=2", "jobs"],
            "timestamp": pa.array(
                [datetime(2024, 1, 1, 0, 0, 1, 250000), datetime(2024, 1, 1)],
                pa.timestamp("us", tz="UTC"),
            ),
            "date": ["2024-01-01", "2024-01-01"],
            "response_code": pa.array([200, 200], pa.int64()),
            "method": ["GET", "GET"],
        }
    )
    pq.write_table(parquet, raw / "log_2024.parquet")
    (raw / "job.csv").write_text(JOB_CSV, encoding="utf-8")
    (raw / "application.csv").write_text(APPLICATION_CSV, encoding="utf-8")


@pytest.fixture(scope="module")
def staging_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the staging models on the quirky export and return the file."""
    root = tmp_path_factory.mktemp("staging")
    raw = root / "raw"
    write_export(raw)
    return build_warehouse(
        {"raw_path": str(raw)},
        warehouse_path=root / "warehouse.duckdb",
        target_path=root / "target",
        command=STAGING_SELECTION,
    )


@pytest.fixture()
def staging(staging_warehouse: Path):
    """Open the staging warehouse read-only for one test."""
    connection = duckdb.connect(str(staging_warehouse), read_only=True)
    yield connection
    connection.close()


def unioned_rows(connection: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Return int_requests__unioned as a dict keyed by request_id."""
    relation = connection.sql("select * from intermediate.int_requests__unioned")
    names = relation.columns
    return {row[0]: dict(zip(names, row, strict=True)) for row in relation.fetchall()}


def run_dbt_cli(args: list[str], dbt_vars: dict, tmp_path: Path) -> str:
    """Run the dbt command line in a subprocess and return its output."""
    env = {
        **os.environ,
        "RA_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "PYTHONPATH": str(PROJECT_DIR / "python"),
    }
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--vars",
            json.dumps(dbt_vars),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        check=False,
    )
    return completed.stdout + completed.stderr


def test_split_lines_keeps_every_line() -> None:
    table = split_lines(b"a\r\n\n\xff\x00b\nlast", "f.csv")
    assert table.column("source_line").to_pylist() == [1, 2, 3, 4]
    assert table.column("line").to_pylist() == [
        b"a\r\n",
        b"\n",
        b"\xff\x00b\n",
        b"last",
    ]
    assert set(table.column("source_file").to_pylist()) == {"f.csv"}


def test_split_lines_empty_file() -> None:
    assert split_lines(b"", "f.csv").num_rows == 0


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_line_batches_match_whole_split(suffix: str, tmp_path: Path) -> None:
    content = b"a\r\n\nlone\rcr\n" + b"x" * 50 + b"\n\xff\x00b\nlast"
    path = tmp_path / f"log{suffix}"
    path.write_bytes(gzip.compress(content) if suffix.endswith(".gz") else content)
    batches = list(iter_line_batches(path, chunk_bytes=7))
    expected = split_lines(content, path.name)
    streamed = pa.Table.from_batches(batches, schema=expected.schema)
    assert streamed.column("line").to_pylist() == expected.column("line").to_pylist()
    assert streamed.column("source_line").to_pylist() == list(range(1, 7))
    assert set(streamed.column("source_file").to_pylist()) == {path.name}


@pytest.mark.parametrize(
    ("content", "readable"),
    [
        (b'h\n\nq"uote\n#x\nlast', True),
        (b"h\r\nx\r\n", False),
        (b"h\nlone\rcr\n", False),
        (b"h\n\xff\xfe\n", False),
        (b"h\nunit\x1fseparator\n", False),
    ],
)
def test_strict_read_check(content: bytes, readable: bool, tmp_path: Path) -> None:
    path = tmp_path / "log_x.csv"
    path.write_bytes(content)
    assert (strict_read_problem(duckdb.connect(), path) is None) == readable


def test_duckdb_scan_keeps_file_order(tmp_path: Path) -> None:
    # About 45 MB, so that several threads scan the file in parallel.
    line_count = 5_000_000
    path = tmp_path / "log_order.csv"
    path.write_text("\n".join(map(str, range(1, line_count + 1))) + "\n")
    connection = duckdb.connect()
    connection.execute("set threads = 4")
    connection.execute("set preserve_insertion_order = false")
    connection.execute("set session preserve_insertion_order = true")
    files = check_log_files(connection, [str(path)])
    scan = files.column("csv_scan_sql")[0].as_py()
    assert scan is not None
    misplaced, total = connection.sql(
        "select count(*) filter (where cast(line as bigint) <> source_line), "
        f"count(*) from (select line, row_number() over () as source_line from {scan})"
    ).fetchall()[0]
    assert total == line_count
    assert misplaced == 0


def test_pseudonymise_replaces_first_field() -> None:
    lines = split_lines(b"2001:db8::7 - - [x] rest\n\xff bad\n", "access.log")
    result = pseudonymise_client_addresses(duckdb.connect(), lines, "salt")
    first, second = result.column("line").to_pylist()
    assert b"2001:db8" not in first
    assert first.endswith(b" - - [x] rest\n")
    assert len(first.split(b" ")[0]) == 32
    assert second is None


def test_every_line_counted(staging) -> None:
    counts = dict(
        staging.sql(
            "select source_file, count(*) from intermediate.int_requests__unioned "
            "group by source_file"
        ).fetchall()
    )
    assert counts["log_2022.csv"] == len(CSV_LINES)
    assert counts["log_2023.csv.gz"] == len(GZ_LINES)
    assert counts["log_2024.parquet"] == 2
    assert counts["log_2021.csv.gz"] == len(CLEAN_LINES)


def test_clean_file_read_by_duckdb(staging) -> None:
    reasons = dict(
        staging.sql(
            "select source_file, split_reason from staging.base_platform__log_files"
        ).fetchall()
    )
    assert reasons["log_2021.csv.gz"] is None
    assert "CSV Parser" in reasons["log_2023.csv.gz"]
    assert reasons["log_2022.csv"] == "the CSV reader rejected 1 line(s)"


def test_clean_file_rejection_reasons(staging) -> None:
    rows = unioned_rows(staging)
    assert "log_2021.csv.gz:1" not in rows
    for offset, (_, expected_reason) in enumerate(CLEAN_LINES):
        request_id = f"log_2021.csv.gz:{offset + 2}"
        assert rows[request_id]["rejection_reason"] == expected_reason, request_id
    assert rows["log_2021.csv.gz:4"]["url"] == "jobs?q=a,b"
    assert rows["log_2021.csv.gz:10"]["url"] == "검색"


def test_rejection_reason_per_line(staging) -> None:
    rows = unioned_rows(staging)
    for offset, (_, expected_reason) in enumerate(CSV_LINES):
        request_id = f"log_2022.csv:{offset + 2}"
        assert rows[request_id]["rejection_reason"] == expected_reason, request_id


def test_rejected_rows_carry_excerpt_only(staging) -> None:
    rows = unioned_rows(staging)
    truncated = rows["log_2022.csv:5"]
    assert truncated["raw_excerpt"] == "3,u4,jobs,2022-12-31 15:3"
    assert truncated["user_id"] is None
    assert truncated["event_at"] is None
    junk = rows["log_2022.csv:6"]
    assert junk["raw_excerpt"].startswith("\\x00\\xFF\\xFE")
    assert "\n" not in junk["raw_excerpt"]


def test_header_with_bom_is_skipped(staging) -> None:
    rows = unioned_rows(staging)
    assert "log_2022.csv:1" not in rows
    assert "log_2023.csv.gz:1" not in rows


def test_timestamps_with_and_without_fraction(staging) -> None:
    rows = unioned_rows(staging)
    assert rows["log_2022.csv:2"]["event_at"] == datetime(
        2022, 12, 31, 15, 30, 0, 123456
    )
    assert rows["log_2022.csv:3"]["event_at"] == datetime(2022, 12, 31, 15, 30, 1)
    assert rows["log_2022.csv:2"]["source_local_date"] == date(2023, 1, 1)
    assert rows["log_2023.csv.gz:3"]["event_at"] == datetime(
        2023, 1, 1, 0, 0, 1, 500000
    )


def test_quoted_and_korean_urls(staging) -> None:
    rows = unioned_rows(staging)
    assert rows["log_2022.csv:3"]["url"] == "suggest?q=개발자"
    assert rows["log_2022.csv:4"]["url"] == 'api/jobs/job_title?keywords=a,b&q="x"'
    assert rows["log_2022.csv:3"]["method"] == "GET"
    assert rows["log_2023.csv.gz:2"]["url"] == ""


def test_gzip_lines_numbered_per_file(staging) -> None:
    rows = unioned_rows(staging)
    gz_rows = [row for row in rows.values() if row["source_file"] == "log_2023.csv.gz"]
    assert sorted(row["source_line"] for row in gz_rows) == [2, 3, 4]
    assert all(row["rejection_reason"] is None for row in gz_rows)
    assert rows["log_2023.csv.gz:4"]["user_id"] == "g3"


def test_parquet_rows(staging) -> None:
    rows = unioned_rows(staging)
    parsed = rows["log_2024.parquet:1"]
    assert parsed["event_at"] == datetime(2024, 1, 1, 0, 0, 1, 250000)
    assert parsed["url"] == "jobs?page=2"
    assert parsed["status_code"] == 200
    assert rows["log_2024.parquet:2"]["rejection_reason"] == "missing_user_id"


def test_platform_rows_have_no_access_log_flags(staging) -> None:
    flagged = staging.sql(
        "select count(*) from intermediate.int_requests__unioned "
        "where is_static_asset or is_crawler or user_agent is not null"
    ).fetchall()[0][0]
    assert flagged == 0


def test_jobs_keep_korean_fields(staging) -> None:
    jobs = {
        row[0]: row[1:]
        for row in staging.sql(
            "select job_id, job_field, career_types, created_at, ends_on, "
            "rejection_reason from staging.stg_platform__jobs"
        ).fetchall()
    }
    assert jobs["j1"][0] == "SW 개발"
    assert jobs["j1"][1] == ["신입", "경력"]
    assert jobs["j1"][2] == datetime(2023, 1, 2, 3, 4, 5, 123456)
    assert jobs["j2"][1] == ["인턴"]
    assert jobs["j2"][3] is None
    assert all(row[4] is None for row in jobs.values())


def test_applications_mixed_formats(staging) -> None:
    applications = dict(
        staging.sql(
            "select application_id, applied_at from staging.stg_platform__applications"
        ).fetchall()
    )
    assert applications["a1"] == datetime(2017, 3, 1, 9, 0, 0, 123456)
    assert applications["a2"] == datetime(2023, 6, 1, 10, 0, 0)
    assert applications["a3"] == datetime(2023, 6, 1, 10, 0, 0, 500000)
    assert applications["a4"] is None
    reason = staging.sql(
        "select rejection_reason from staging.stg_platform__applications "
        "where application_id = 'a4'"
    ).fetchall()[0][0]
    assert reason == "invalid_timestamp"


def test_bookmarks_empty_without_file(staging) -> None:
    relation = staging.sql("select * from staging.stg_platform__bookmarks")
    assert relation.fetchall() == []
    assert relation.columns == [
        "user_id",
        "job_id",
        "bookmarked_at",
        "rejection_reason",
    ]


def test_missing_log_file_names_raw_path(tmp_path: Path) -> None:
    raw = tmp_path / "export_without_logs"
    raw.mkdir()
    (raw / "job.csv").write_text(JOB_CSV, encoding="utf-8")
    output = run_dbt_cli(
        ["build", "--select", "stg_platform__jobs"], {"raw_path": str(raw)}, tmp_path
    )
    assert f'Invalid var raw_path = "{raw}"' in output
    assert "no log_*.csv, log_*.csv.gz or log_*.parquet file" in output


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            {"analysis_start_date": "2023-02-30"},
            'Invalid var analysis_start_date = "2023-02-30"',
        ),
        (
            {"analysis_end_date": "2023-01-01"},
            "it is before analysis_start_date",
        ),
        ({"session_timeout_minutes": 0}, "Invalid var session_timeout_minutes = 0"),
        ({"log_format": "json"}, 'Invalid var log_format = "json"'),
        ({"kmeans_k": 1}, "Invalid var kmeans_k = 1"),
        ({"cohort_max_sessions": -1}, "Invalid var cohort_max_sessions = -1"),
        ({"timezone": "Asia/Nowhere"}, 'Invalid var timezone = "Asia/Nowhere"'),
    ],
)
def test_bad_var_stops_run(override: dict, expected: str, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_export(raw)
    output = run_dbt_cli(
        ["build", "--select", "stg_platform__jobs"],
        {"raw_path": str(raw), **override},
        tmp_path,
    )
    assert expected in output
    assert "Completed successfully" not in output

"""Split raw log files into numbered lines.

The CSV reader of DuckDB 2.0.1 does not split a file at LF only. A lone CR
ends a row, and CRLF gives an extra empty row unless strict mode is on. A
line that is not valid UTF-8 goes to a rejects table with its bytes replaced
by '?'. The request log may contain binary junk, and every physical line
must keep its line number and its bytes. So `check_log_files` lets DuckDB
read a file in strict mode only after a check pass shows that the file has
no CR and no rejected line. Any other file, and every access log, is split
here into raw bytes with vectorised numpy operations, and SQL decodes the
bytes afterwards."""

from __future__ import annotations

import glob
import gzip
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
from tqdm import tqdm

log = logging.getLogger(__name__)

LINE_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("line", pa.large_binary()),
    ]
)

# Bytes read per step when a file is split in Python.
CHUNK_BYTES = 64 * 1024 * 1024
REJECTS_TABLE = "platform_log_line_rejects"
REJECTS_SCAN = "platform_log_line_scans"


def expand_patterns(patterns: Iterable[str]) -> list[Path]:
    """Return the sorted, de-duplicated files that match any glob pattern."""
    found = {Path(match) for pattern in patterns for match in glob.glob(pattern)}
    return sorted(path for path in found if path.is_file())


def read_file_bytes(path: Path) -> bytes:
    """Return the file's content, decompressed when the name ends in .gz."""
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            return handle.read()
    return path.read_bytes()


def split_lines(
    content: bytes | memoryview, source_file: str, first_line: int = 1
) -> pa.Table:
    """Split bytes after each LF into one row per physical line.

    Lines are numbered from `first_line`.

    Each value keeps its line break (LF or CRLF), so that Arrow shares the
    content buffer without a copy. SQL strips the break after decoding. A
    final line without a line break counts, and an empty file gives no rows.
    """
    data = np.frombuffer(content, dtype=np.uint8)
    starts = np.flatnonzero(data == ord("\n")) + 1
    if data.size and data[-1] != ord("\n"):
        starts = np.append(starts, data.size)
    line_count = starts.size
    offsets = np.concatenate(([0], starts)).astype(np.int64)
    lines = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(),
        line_count,
        [None, pa.py_buffer(offsets), pa.py_buffer(data)],
    )
    numbers = pa.array(np.arange(first_line, first_line + line_count, dtype=np.int64))
    names = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(line_count, dtype=np.int32)), pa.array([source_file])
    ).cast(pa.string())
    return pa.Table.from_arrays([names, numbers, lines], schema=LINE_SCHEMA)


def read_lines(patterns: Iterable[str]) -> pa.Table:
    """Read every file matching the patterns into numbered lines of bytes.

    `source_file` is the file's base name, so the same export gives the same
    request ids wherever it is stored.
    """
    files = expand_patterns(patterns)
    tables = [LINE_SCHEMA.empty_table()]
    for path in tqdm(files, desc="reading log files", unit="file", disable=None):
        table = split_lines(read_file_bytes(path), path.name)
        log.info("read %d lines from %s", table.num_rows, path.name)
        tables.append(table)
    return pa.concat_tables(tables)


def open_binary(path: Path) -> BinaryIO:
    """Open the file for reading bytes, decompressing when the name ends in .gz."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def iter_line_batches(
    path: Path, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[pa.RecordBatch]:
    """Yield the file's numbered lines of bytes, reading one chunk at a time.

    Each chunk is cut after its last LF and the rest is carried into the next
    chunk, so memory stays near two chunks unless a single line is longer.
    """
    next_line = 1
    carry: bytes = b""
    with open_binary(path) as handle:
        while chunk := handle.read(chunk_bytes):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut == 0:
                continue
            table = split_lines(memoryview(data)[:cut], path.name, next_line)
            next_line += table.num_rows
            yield from table.to_batches()
    if carry:
        yield from split_lines(carry, path.name, next_line).to_batches()
        next_line += 1
    log.info("split %d lines from %s", next_line - 1, path.name)


def strict_csv_read(path: Path, extra_options: str = "") -> str:
    """Return a `read_csv` call that reads each line of the file as one VARCHAR.

    No delimiter, quote or comment character applies, and strict mode turns
    any CR into an error instead of a line break. An empty line is NULL.
    """
    return (
        f"read_csv({sql_string(str(path))}, columns = {{'line': 'varchar'}}, "
        "delim = '\x1f', quote = '', escape = '', comment = '', "
        "header = false, auto_detect = false, strict_mode = true, "
        f"new_line = '\\n'{extra_options})"
    )


def sql_string(value: str) -> str:
    """Quote a value as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def strict_read_problem(
    connection: duckdb.DuckDBPyConnection, path: Path
) -> str | None:
    """Return why DuckDB cannot number the file's lines, or None if it can.

    One full pass of the strict read must finish without an error and
    without a rejected line. That excludes files with a CR, with a line that
    is not valid UTF-8, with a unit separator (0x1F, the scan's delimiter)
    or with a line longer than DuckDB's `max_line_size`.
    """
    options = (
        ", ignore_errors = true, store_rejects = true, "
        f"rejects_table = '{REJECTS_TABLE}', rejects_scan = '{REJECTS_SCAN}'"
    )
    try:
        # fetchall() makes the scan run to the end, which creates the
        # rejects table, and finishes the result before the next query.
        connection.execute(
            f"select count(line) from {strict_csv_read(path, options)}"
        ).fetchall()
        rejected = connection.execute(
            f"select count(*) from {REJECTS_TABLE}"
        ).fetchall()[0]
    except duckdb.InvalidInputException as error:
        # The CSV reader raises this for a CR in strict mode.
        return str(error).splitlines()[0]
    finally:
        connection.execute(f"drop table if exists {REJECTS_TABLE}")
        connection.execute(f"drop table if exists {REJECTS_SCAN}")
    if rejected and rejected[0]:
        return f"the CSV reader rejected {rejected[0]} line(s)"
    return None


LOG_FILE_SCHEMA = pa.schema(
    [
        ("file_path", pa.string()),
        ("source_file", pa.string()),
        ("csv_scan_sql", pa.string()),
        ("split_reason", pa.string()),
    ]
)


def check_log_files(
    connection: duckdb.DuckDBPyConnection, patterns: Iterable[str]
) -> pa.Table:
    """Decide for each matching file whether DuckDB can number its lines.

    Returns one row per file with `csv_scan_sql`, the `read_csv` call that
    passed the check, or with `split_reason` when the file must be split in
    Python instead.
    """
    rows: dict[str, list[str | None]] = {name: [] for name in LOG_FILE_SCHEMA.names}
    files = expand_patterns(patterns)
    for path in tqdm(files, desc="checking log files", unit="file", disable=None):
        problem = strict_read_problem(connection, path)
        if problem is None:
            log.info("%s can be read by the DuckDB CSV reader", path.name)
        else:
            log.info("%s must be split in Python because %s", path.name, problem)
        rows["file_path"].append(str(path))
        rows["source_file"].append(path.name)
        rows["csv_scan_sql"].append(None if problem else strict_csv_read(path))
        rows["split_reason"].append(problem)
    return pa.Table.from_pydict(rows, schema=LOG_FILE_SCHEMA)


def split_log_files(paths: Iterable[str]) -> pa.RecordBatchReader:
    """Stream the numbered lines of bytes of the files, one chunk at a time.

    Lines keep their line break, as in `split_lines`. The files are read
    only while the consumer pulls batches, so memory stays bounded.
    """
    batches = (batch for path in paths for batch in iter_line_batches(Path(path)))
    return pa.RecordBatchReader.from_batches(LINE_SCHEMA, batches)


PSEUDONYMISE_SQL = r"""
with decoded as (
    select source_file, source_line, try(decode(line)) as line_text
    from access_log_raw_lines
),
split as (
    select *, regexp_extract(line_text, '^(\S*)', 1) as client_address
    from decoded
)
select
    source_file,
    source_line,
    encode(
        md5($salt || '|' || client_address)
        || substr(line_text, length(client_address) + 1)
    ) as line
from split
"""


def pseudonymise_client_addresses(
    connection: duckdb.DuckDBPyConnection, lines: pa.Table, salt: str
) -> pa.Table:
    """Replace the first field of every access-log line with a salted hash.

    In the combined log format the first field is the client address, so
    after this step no table contains it. The hash is MD5 of
    `<salt>|<address>`, 32 hexadecimal characters. A line that is not valid
    UTF-8 becomes null (the staging model rejects it as `invalid_encoding`),
    because its first field cannot be isolated safely.
    """
    connection.register("access_log_raw_lines", lines)
    try:
        relation = connection.sql(PSEUDONYMISE_SQL, params={"salt": salt})
        return relation.to_arrow_table()
    finally:
        connection.unregister("access_log_raw_lines")

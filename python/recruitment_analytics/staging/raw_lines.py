"""Split raw log files into numbered lines of bytes.

The CSV reader of DuckDB 2.0.1 stops on the first byte sequence that is not
valid UTF-8 (its `latin-1` mode rejects bytes 0x80-0x9F as well), and with
`ignore_errors` it drops such a line and renumbers the rest. The request log
may contain binary junk, and every physical line must keep its line number,
so the files are split here into raw bytes with vectorised numpy operations.
SQL decodes and parses them afterwards.
"""

from __future__ import annotations

import glob
import gzip
import logging
from collections.abc import Iterable
from pathlib import Path

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


def split_lines(content: bytes, source_file: str) -> pa.Table:
    """Split bytes after each LF into one row per physical line, numbered from 1.

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
    numbers = pa.array(np.arange(1, line_count + 1, dtype=np.int64))
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

"""Request-log file writer: the export's columns, quoting and malformed lines.

Lines are assembled with Arrow compute kernels and written straight from the
string buffer, so no Python object is created per request. Quoting follows
pandas' `to_csv` default: a field is quoted only when it contains a comma,
a double quote or a line break, and a missing URL is an empty field.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from recruitment_analytics.generate import calibration as cal
from recruitment_analytics.generate import urls

log = logging.getLogger(__name__)

HEADER = ",user_uuid,URL,timestamp,date,response_code,method"
COLUMNS = ["", "user_uuid", "URL", "timestamp", "date", "response_code", "method"]
MALFORMED_KINDS = [
    "invalid_timestamp",
    "missing_user_id",
    "unbalanced_quote",
    "wrong_field_count",
    "invalid_status_code",
]
LINE_LEVEL_KINDS = {"unbalanced_quote", "wrong_field_count"}
BAD_TIMESTAMPS = ["NaT", "2023-13-45 25:61:00 UTC", "invalid date"]
BAD_STATUS_CODES = ["OK", "2OO", "-"]
CHUNK_ROWS = 1_000_000


def quote_field(values: pa.Array) -> pa.Array:
    """Quote CSV fields that contain a comma, a double quote or a line break."""
    needs = pc.match_substring_regex(values, '[,"\r\n]')
    quoted = pc.binary_join_element_wise(
        '"', pc.replace_substring(values, '"', '""'), '"', ""
    )
    return pc.if_else(needs, quoted, values)


def string_columns(
    vocab: urls.UrlVocabulary,
    uuid_table: np.ndarray,
    user: np.ndarray,
    variant: np.ndarray,
    ts_us: np.ndarray,
    status: np.ndarray,
    method: np.ndarray,
    cache_buster: np.ndarray,
    no_fraction: np.ndarray,
    first_index: int,
) -> dict[str, pa.Array]:
    """Return the export's columns as Arrow string arrays for a slice of rows."""
    n = len(user)
    index = pa.array(np.arange(first_index, first_index + n, dtype=np.int64)).cast(
        pa.string()
    )

    uuid = pa.array(uuid_table, type=pa.string()).take(pa.array(user))

    base = pa.array(vocab.strings, type=pa.string()).take(pa.array(variant))
    buster_ms = pa.array(ts_us // 1000 - 1500).cast(pa.string())
    separator = pa.array(np.where(vocab.variant_has_query[variant], "&_=", "?_="))
    suffix = pc.if_else(
        pa.array(cache_buster),
        pc.binary_join_element_wise(separator, buster_ms, ""),
        "",
    )
    url = pc.binary_join_element_wise(base, suffix, "")
    url = pc.if_else(pc.equal(url, ""), pa.scalar(None, pa.string()), url)

    # Casting a timestamp to text gives ISO 8601 with a space separator and
    # as many fraction digits as the unit has. It is much faster than strftime.
    stamps = pa.array(ts_us, type=pa.timestamp("us"))
    with_fraction = pc.cast(stamps, pa.string())
    whole = pc.cast(pc.cast(stamps, pa.timestamp("s"), safe=False), pa.string())
    timestamp = pc.binary_join_element_wise(
        pc.if_else(pa.array(no_fraction), whole, with_fraction), " UTC", ""
    )
    local = pa.array(
        ts_us + cal.LOCAL_UTC_OFFSET_HOURS * 3_600_000_000, type=pa.timestamp("us")
    )
    date = pc.cast(pc.cast(local, pa.date32()), pa.string())

    code = pa.array(status.astype(np.int64)).cast(pa.string())
    method_text = pa.array(urls.METHODS, type=pa.string()).take(pa.array(method))
    return {
        "": index,
        "user_uuid": uuid,
        "URL": url,
        "timestamp": timestamp,
        "date": date,
        "response_code": code,
        "method": method_text,
    }


def csv_lines(columns: dict[str, pa.Array]) -> pa.Array:
    """Join columns into CSV lines, each ending with a newline."""
    fields = [columns[name] for name in COLUMNS]
    fields[2] = quote_field(fields[2])
    line = pc.binary_join_element_wise(
        *fields, ",", null_handling="replace", null_replacement=""
    )
    return pc.binary_join_element_wise(line, "\n", "")


def malformed_line(fields: list[str | None], kind: str, variant: int) -> str:
    """Return one corrupted CSV line built from a well-formed row's fields."""
    values = ["" if v is None else v for v in fields]
    url = values[2]
    if any(ch in url for ch in ',"\r\n'):
        url = '"' + url.replace('"', '""') + '"'
    values[2] = url
    if kind == "invalid_timestamp":
        values[3] = BAD_TIMESTAMPS[variant % len(BAD_TIMESTAMPS)]
    elif kind == "missing_user_id":
        values[1] = ""
    elif kind == "invalid_status_code":
        values[5] = BAD_STATUS_CODES[variant % len(BAD_STATUS_CODES)]
    elif kind == "unbalanced_quote":
        values[2] = '"' + values[2].strip('"')
    elif kind == "wrong_field_count":
        values = values[:-1] if variant % 2 == 0 else [*values, values[-1]]
    return ",".join(values) + "\n"


def string_buffer(lines: pa.Array) -> memoryview:
    """Return the bytes of a string array without nulls, as one contiguous buffer."""
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    data = lines.buffers()[2]
    return memoryview(data)[offsets[0] : offsets[-1]]


def gzip_stream(raw):
    """Wrap a binary file in gzip without header timestamp or name, so bytes repeat."""
    return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=3)


def write_parquet(path: Path, tables: list[pa.Table]) -> None:
    """Write the log as Parquet with the same column names, all values as text."""
    table = pa.concat_tables(tables)
    pq.write_table(table, path, compression="zstd")

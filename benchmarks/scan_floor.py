"""Parse the raw request log once with DuckDB and nothing else.

This is the floor the benchmark compares the dbt models against, because no
model can be faster than reading its input. Every column is read as text
and referenced, so DuckDB cannot skip converting it. Quoting is off and
rows with a wrong field count are skipped: the export has broken quotes,
which would otherwise swallow the following lines or force DuckDB's
single-threaded reader. The script prints one JSON line with the row count.

Usage: python benchmarks/scan_floor.py RAW_DIR [--threads N]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

import duckdb

log = logging.getLogger("scan_floor")

CSV_PATTERNS = ("log_*.csv", "log_*.csv.gz")
PARQUET_PATTERN = "log_*.parquet"


def build_scan_query(raw_dir: Path) -> str:
    """Return SQL that reads every log file in `raw_dir` and counts values.

    Raises FileNotFoundError when the folder contains no log file.
    """
    scans = []
    for pattern in CSV_PATTERNS:
        if any(raw_dir.glob(pattern)):
            glob = str(raw_dir / pattern).replace("'", "''")
            scans.append(
                f"select * from read_csv('{glob}', header = true,"
                " all_varchar = true, quote = '', escape = '',"
                " strict_mode = false, ignore_errors = true,"
                " union_by_name = true)"
            )
    if any(raw_dir.glob(PARQUET_PATTERN)):
        glob = str(raw_dir / PARQUET_PATTERN).replace("'", "''")
        scans.append(f"select * from read_parquet('{glob}', union_by_name = true)")
    if not scans:
        raise FileNotFoundError(
            f"no log_*.csv, log_*.csv.gz or log_*.parquet file in {raw_dir}"
        )
    union = "\nunion all by name\n".join(scans)
    # count(columns(*)) expands to one count per column, so every column of
    # every row is parsed. With count(*) alone the reader could skip them.
    return f"select count(*), count(columns(*)) from (\n{union}\n)"


def scan(raw_dir: Path, threads: int) -> dict[str, object]:
    """Run the scan and return the row count and elapsed seconds."""
    connection = duckdb.connect(config={"threads": threads})
    started = time.perf_counter()
    row = connection.execute(build_scan_query(raw_dir)).fetchone()
    elapsed = time.perf_counter() - started
    connection.close()
    return {"rows": row[0], "non_null_values": sum(row[1:]), "seconds": elapsed}


def main() -> None:
    """Parse the command line, scan the files and print a JSON summary."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="folder with log_* files")
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("RA_DUCKDB_THREADS", os.cpu_count() or 1)),
        help="DuckDB threads (default: RA_DUCKDB_THREADS or all cores)",
    )
    args = parser.parse_args()
    result = scan(args.raw_dir, args.threads)
    log.info("scanned %s rows in %.2f s", result["rows"], result["seconds"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()

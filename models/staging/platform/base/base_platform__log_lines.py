"""One row per physical line of the plain and gzip-compressed request log CSVs."""

from recruitment_analytics.staging.raw_lines import platform_log_lines


def model(dbt, session):
    dbt.config(materialized="table")
    patterns = []
    if dbt.config.get("log_format") == "platform_csv":
        raw_path = dbt.config.get("raw_path")
        patterns = [f"{raw_path}/log_*.csv", f"{raw_path}/log_*.csv.gz"]
    # Lines read by DuckDB are numbered in scan order, which only holds while
    # the query preserves insertion order. The session setting leaves other
    # connections, and the profile's global setting, unchanged.
    session.execute("set session preserve_insertion_order = true")
    return platform_log_lines(session, patterns)

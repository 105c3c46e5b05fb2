"""One row per physical line of the request log CSVs that DuckDB cannot number."""

from recruitment_analytics.staging.raw_lines import split_log_files


def model(dbt, session):
    dbt.config(materialized="table")
    files = dbt.ref("base_platform__log_files").filter("split_reason is not null")
    rows = files.project("file_path").order("file_path").fetchall()
    return split_log_files([row[0] for row in rows])

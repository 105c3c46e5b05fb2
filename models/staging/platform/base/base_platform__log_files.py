"""One row per plain or gzip-compressed request log CSV, with how to read it."""

from recruitment_analytics.staging.raw_lines import LOG_FILE_SCHEMA, check_log_files


def model(dbt, session):
    dbt.config(materialized="table")
    if dbt.config.get("log_format") != "platform_csv":
        return LOG_FILE_SCHEMA.empty_table()
    raw_path = dbt.config.get("raw_path")
    return check_log_files(
        session, [f"{raw_path}/log_*.csv", f"{raw_path}/log_*.csv.gz"]
    )

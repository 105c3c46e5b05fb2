"""One row per physical line of the plain and gzip-compressed request log CSVs."""

from recruitment_analytics.staging.raw_lines import LINE_SCHEMA, read_lines


def model(dbt, session):
    dbt.config(materialized="table")
    if dbt.config.get("log_format") != "platform_csv":
        return LINE_SCHEMA.empty_table()
    raw_path = dbt.config.get("raw_path")
    return read_lines([f"{raw_path}/log_*.csv", f"{raw_path}/log_*.csv.gz"])

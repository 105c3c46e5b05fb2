"""One row per physical line of the access log files."""

from recruitment_analytics.staging.raw_lines import LINE_SCHEMA, read_lines


def model(dbt, session):
    dbt.config(materialized="table")
    if dbt.config.get("log_format") != "combined":
        return LINE_SCHEMA.empty_table()
    return read_lines([dbt.config.get("access_log_path")])

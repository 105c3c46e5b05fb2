"""One row per physical line of the access log files, client address hashed."""

from recruitment_analytics.staging.raw_lines import (
    LINE_SCHEMA,
    pseudonymise_client_addresses,
    read_lines,
)


def model(dbt, session):
    dbt.config(materialized="table")
    if dbt.config.get("log_format") != "combined":
        return LINE_SCHEMA.empty_table()
    lines = read_lines([dbt.config.get("access_log_path")])
    return pseudonymise_client_addresses(
        session, lines, dbt.config.get("visitor_id_salt")
    )

"""One row per user: behaviour scalars and the K-Means feature vector."""

from recruitment_analytics.segments.features import SESSION_COLUMNS
from recruitment_analytics.segments.tables import user_features_table


def model(dbt, session):
    dbt.config(materialized="table")
    sequence_column = dbt.config.get("sequence_column")
    columns = ", ".join([*SESSION_COLUMNS, sequence_column])
    sessions = dbt.ref("fct_sessions").project(columns).df()
    return user_features_table(sessions, sequence_column)

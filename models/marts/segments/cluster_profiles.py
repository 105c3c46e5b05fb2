"""One row per cluster: size, behaviour means and medians, label."""

from recruitment_analytics.segments.tables import cluster_profiles_table


def model(dbt, session):
    dbt.config(materialized="table")
    user_features = dbt.ref("user_features").df()
    user_clusters = dbt.ref("user_clusters").df()
    return cluster_profiles_table(user_features, user_clusters)

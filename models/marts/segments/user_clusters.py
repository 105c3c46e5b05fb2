"""One row per user: K-Means cluster, its label and the distance to its centre."""

from recruitment_analytics.segments.tables import user_clusters_table


def model(dbt, session):
    dbt.config(materialized="table")
    k = int(dbt.config.get("kmeans_k"))
    seed = int(dbt.config.get("kmeans_seed"))
    user_features = dbt.ref("user_features").df()
    return user_clusters_table(user_features, k, seed)

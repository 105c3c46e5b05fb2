"""One row per k: K-Means inertia and sampled silhouette."""

from recruitment_analytics.segments.tables import cluster_selection_table


def model(dbt, session):
    dbt.config(materialized="table")
    seed = int(dbt.config.get("kmeans_seed"))
    k_min = int(dbt.config.get("selection_k_min"))
    k_max = int(dbt.config.get("selection_k_max"))
    sample_size = int(dbt.config.get("silhouette_sample_size"))
    user_features = dbt.ref("user_features").df()
    return cluster_selection_table(user_features, seed, k_min, k_max, sample_size)

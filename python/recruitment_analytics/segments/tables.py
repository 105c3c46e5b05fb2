"""Build the segment tables from DataFrames for the dbt Python models.

Each function takes and returns plain pandas frames, so the dbt models only
read their refs, pass the configured vars and return the result.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from recruitment_analytics.segments.clustering import (
    N_INIT,
    SILHOUETTE_SAMPLE_SIZE,
    fit_clusters,
    select_k,
)
from recruitment_analytics.segments.features import (
    build_user_features,
    features_to_frame,
)
from recruitment_analytics.segments.profiles import profile_clusters

log = logging.getLogger(__name__)


def feature_matrix(user_features: pd.DataFrame) -> np.ndarray:
    """Stack the feature_vector column of user_features into a matrix.

    Rows keep the frame's order. Callers sort by user_id first (sort_by_user)
    so that the result does not depend on the order the warehouse returns.
    """
    if user_features.empty:
        raise ValueError("user_features is empty; no users to cluster")
    lengths = user_features["feature_vector"].map(len)
    if lengths.nunique() != 1:
        raise ValueError(
            f"feature vectors have different lengths {sorted(lengths.unique())}; "
            "rebuild user_features"
        )
    return np.vstack(user_features["feature_vector"].to_numpy()).astype(np.float64)


def sort_by_user(frame: pd.DataFrame) -> pd.DataFrame:
    """Return frame sorted by user_id with a fresh index."""
    return frame.sort_values("user_id", kind="stable").reset_index(drop=True)


def user_features_table(
    sessions: pd.DataFrame, sequence_column: str = "stage_sequence"
) -> pd.DataFrame:
    """Return the user_features table from fct_sessions rows."""
    return features_to_frame(build_user_features(sessions, sequence_column))


def user_clusters_table(
    user_features: pd.DataFrame, k: int, seed: int, n_init: int = N_INIT
) -> pd.DataFrame:
    """Cluster users and return user_id, cluster_id, cluster_label, distance.

    A window with fewer users than k (a short access log, say) gets one
    cluster per user instead of a failed build, and a warning.
    """
    features = sort_by_user(user_features)
    if len(features) < k:
        log.warning(
            "only %d users for kmeans_k=%d; fitting %d clusters",
            len(features),
            k,
            len(features),
        )
        k = len(features)
    assignment = fit_clusters(feature_matrix(features), k, seed, n_init)
    profiles = profile_clusters(features, assignment.cluster_ids)
    label_of = dict(zip(profiles["cluster_id"], profiles["cluster_label"], strict=True))
    return pd.DataFrame(
        {
            "user_id": features["user_id"],
            "cluster_id": assignment.cluster_ids.astype(np.int32),
            "cluster_label": [label_of[cluster] for cluster in assignment.cluster_ids],
            "distance_to_centroid": assignment.distances,
        }
    )


def cluster_profiles_table(
    user_features: pd.DataFrame, user_clusters: pd.DataFrame
) -> pd.DataFrame:
    """Profile every cluster of user_clusters from the users' behaviour.

    Raises ValueError when the labels computed here differ from the ones
    stored in user_clusters, which means the two tables are out of date
    with each other.
    """
    joined = sort_by_user(user_features).merge(
        user_clusters.loc[:, ["user_id", "cluster_id", "cluster_label"]],
        on="user_id",
        how="left",
        validate="one_to_one",
    )
    if joined["cluster_id"].isna().any():
        missing = int(joined["cluster_id"].isna().sum())
        raise ValueError(
            f"{missing} users in user_features have no cluster; rebuild user_clusters"
        )
    profiles = profile_clusters(joined, joined["cluster_id"].to_numpy(dtype=np.int64))
    stored = joined.groupby("cluster_id")["cluster_label"].first()
    computed = profiles.set_index("cluster_id")["cluster_label"]
    if not stored.sort_index().equals(computed.sort_index()):
        raise ValueError(
            f"cluster labels {computed.to_dict()} differ from user_clusters "
            f"{stored.to_dict()}; rebuild user_clusters"
        )
    profiles["cluster_id"] = profiles["cluster_id"].astype(np.int32)
    profiles["users"] = profiles["users"].astype(np.int64)
    return profiles


def cluster_selection_table(
    user_features: pd.DataFrame,
    seed: int,
    k_min: int = 2,
    k_max: int = 8,
    sample_size: int = SILHOUETTE_SAMPLE_SIZE,
    n_init: int = N_INIT,
) -> pd.DataFrame:
    """Return inertia and sampled silhouette for k = k_min..k_max."""
    matrix = feature_matrix(sort_by_user(user_features))
    selection = select_k(
        matrix, seed, range(k_min, k_max + 1), n_init=n_init, sample_size=sample_size
    )
    selection["k"] = selection["k"].astype(np.int32)
    return selection

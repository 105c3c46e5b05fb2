"""Describe each cluster and give it a readable label by explicit rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recruitment_analytics.segments.features import SCALAR_COLUMNS, count_bigrams

log = logging.getLogger(__name__)

LABELS = ("inactive", "job_browser", "applicant", "profile_builder", "mixed")
"""Every label label_clusters can assign."""

TOP_TRANSITIONS = 3
"""Transitions listed per cluster in dominant_transitions."""


@dataclass(frozen=True)
class LabelRules:
    """Thresholds of the labelling rules, applied to a cluster's means.

    The rules run in this order and the first that matches wins:

    1. applicant: at least min_apply_form_views application-form page views
       per user, because browsing alone never opens the form.
    2. inactive: page views per user at most inactive_max_activity_ratio
       times those of the least active cluster (which is always inactive).
    3. job_browser: job-listing plus job-detail views are at least
       min_job_view_share of the cluster's page views.
    4. profile_builder: profile views are at least min_profile_view_share of
       the cluster's page views.
    5. mixed: none of the above.
    """

    min_apply_form_views: float = 1.0
    inactive_max_activity_ratio: float = 2.0
    min_job_view_share: float = 0.5
    min_profile_view_share: float = 0.35


def label_cluster(
    profile: pd.Series, least_page_views: float, rules: LabelRules
) -> str:
    """Return the label of one cluster profile row (see LabelRules)."""
    page_views = float(profile["mean_page_views"])
    job_views = float(profile["mean_job_list_views"] + profile["mean_job_detail_views"])
    if profile["mean_apply_form_views"] >= rules.min_apply_form_views:
        return "applicant"
    if page_views <= least_page_views * rules.inactive_max_activity_ratio:
        return "inactive"
    if page_views > 0 and job_views / page_views >= rules.min_job_view_share:
        return "job_browser"
    if (
        page_views > 0
        and profile["mean_profile_views"] / page_views >= rules.min_profile_view_share
    ):
        return "profile_builder"
    return "mixed"


def label_clusters(
    profiles: pd.DataFrame, rules: LabelRules | None = None
) -> pd.Series:
    """Label every cluster from its mean behaviour, never from its number.

    profiles needs mean_page_views, mean_job_list_views,
    mean_job_detail_views, mean_profile_views and mean_apply_form_views.
    Returns a Series aligned with profiles.
    """
    rules = rules or LabelRules()
    least_page_views = float(profiles["mean_page_views"].min())
    return profiles.apply(
        label_cluster, axis=1, least_page_views=least_page_views, rules=rules
    ).astype(str)


def dominant_transitions(
    documents: pd.Series, cluster_ids: np.ndarray, top: int = TOP_TRANSITIONS
) -> dict[int, str]:
    """List each cluster's most frequent within-session transitions.

    Returns, per cluster id, text such as 'explore>job_view 41%, ...' where
    the percentage is the transition's share of the cluster's transitions.
    Ties are broken alphabetically.
    """
    result = {int(cluster): "" for cluster in np.unique(cluster_ids)}
    if not any(documents.str.contains(">", regex=False)):
        return result
    counts, bigrams = count_bigrams(documents.tolist())
    for cluster in result:
        totals = np.asarray(counts[cluster_ids == cluster].sum(axis=0)).ravel()
        total = totals.sum()
        if total == 0:
            continue
        order = sorted(range(len(bigrams)), key=lambda i: (-totals[i], bigrams[i]))
        result[cluster] = ", ".join(
            f"{bigrams[i]} {totals[i] / total:.0%}" for i in order[:top] if totals[i]
        )
    return result


def profile_clusters(
    behaviour: pd.DataFrame,
    cluster_ids: np.ndarray,
    rules: LabelRules | None = None,
) -> pd.DataFrame:
    """Summarise each cluster: size, share, mean and median scalars, label.

    behaviour is the per-user frame of aggregate_user_behaviour (row order
    matching cluster_ids). Returns one row per cluster id in ascending order.
    """
    if len(behaviour) != len(cluster_ids):
        raise ValueError(
            f"{len(behaviour)} users but {len(cluster_ids)} cluster ids; pass one "
            "cluster id per behaviour row"
        )
    frame = behaviour.loc[:, list(SCALAR_COLUMNS)].astype(float)
    frame["cluster_id"] = np.asarray(cluster_ids, dtype=np.int64)
    grouped = frame.groupby("cluster_id", sort=True)
    means = grouped.mean().add_prefix("mean_")
    medians = grouped.median().add_prefix("median_")
    profiles = pd.concat([grouped.size().rename("users"), means, medians], axis=1)
    profiles["share"] = profiles["users"] / profiles["users"].sum()
    transitions = dominant_transitions(
        behaviour["sequence_document"].reset_index(drop=True),
        frame["cluster_id"].to_numpy(),
    )
    profiles["dominant_transitions"] = profiles.index.map(transitions)
    profiles["cluster_label"] = label_clusters(profiles, rules)
    profiles.index.name = "cluster_id"
    profiles = profiles.reset_index()
    log.info(
        "cluster labels: %s",
        dict(zip(profiles["cluster_id"], profiles["cluster_label"], strict=True)),
    )
    ordered = ["cluster_id", "cluster_label", "users", "share", "dominant_transitions"]
    rest = [column for column in profiles.columns if column not in ordered]
    return profiles.loc[:, ordered + rest]

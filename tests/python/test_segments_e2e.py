"""End-to-end checks of the segment models on the small generated export."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from recruitment_analytics.segments.evaluate import (
    compare_to_truth,
    load_clusters,
    load_truth,
)

pytestmark = pytest.mark.slow

MIN_ADJUSTED_RAND_INDEX = 0.8
MIN_JOB_BROWSER_AGREEMENT = 0.8


@pytest.fixture(scope="module")
def evaluation(built_warehouse: Path, small_truth: Path):
    return compare_to_truth(load_clusters(built_warehouse), load_truth(small_truth))


def test_clusters_recover_planted_personas(evaluation) -> None:
    assert evaluation.adjusted_rand_index >= MIN_ADJUSTED_RAND_INDEX, (
        evaluation.crosstab.to_string()
    )


def test_job_browser_label_finds_planted_browsers(evaluation) -> None:
    assert evaluation.job_browser_recall >= MIN_JOB_BROWSER_AGREEMENT, (
        evaluation.crosstab.to_string()
    )


def test_job_browser_label_is_precise(evaluation) -> None:
    assert evaluation.job_browser_precision >= MIN_JOB_BROWSER_AGREEMENT, (
        evaluation.crosstab.to_string()
    )


def test_every_user_with_a_session_is_clustered(evaluation) -> None:
    assert evaluation.clustered_without_truth == 0


def test_segment_models_repeatable(
    built_warehouse: Path, small_export: Path, tmp_path: Path
) -> None:
    from recruitment_analytics.build import invoke_dbt

    copy = tmp_path / "rerun.duckdb"
    shutil.copyfile(built_warehouse, copy)
    result = invoke_dbt(
        ["run", "--select", "user_features", "user_clusters", "cluster_profiles"],
        warehouse_path=copy,
        dbt_vars={"raw_path": str(small_export)},
        target_path=tmp_path / "target",
    )
    assert result.success
    query = (
        "select user_id, cluster_id, cluster_label, distance_to_centroid "
        "from marts.user_clusters order by user_id"
    )
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        first = connection.sql(query).fetchall()
    with duckdb.connect(str(copy), read_only=True) as connection:
        second = connection.sql(query).fetchall()
    assert len(first) > 0
    assert first == second


def test_dim_users_carries_cluster_columns(warehouse) -> None:
    mismatches = warehouse.execute(
        """
        select count(*)
        from marts.dim_users as users
        left join marts.user_clusters as clusters
            on users.user_id = clusters.user_id
        where users.cluster_id is distinct from clusters.cluster_id
            or users.cluster_label is distinct from clusters.cluster_label
        """
    ).fetchone()[0]
    assert mismatches == 0


def test_dim_users_flags_target_cohort(warehouse) -> None:
    flagged, cohort = warehouse.execute(
        """
        select
            (select count(*) from marts.dim_users where in_target_cohort),
            (select count(*) from marts.rpt_target_cohort)
        """
    ).fetchone()
    assert flagged == cohort


def test_push_audience_members_qualify(warehouse) -> None:
    outsiders = warehouse.execute(
        """
        select count(*)
        from marts.rpt_push_audience as audience
        left join marts.rpt_target_cohort as cohort
            on audience.user_id = cohort.user_id
        where cohort.user_id is null and audience.cluster_label <> 'job_browser'
        """
    ).fetchone()[0]
    assert outsiders == 0


def test_cluster_selection_covers_k_range(warehouse) -> None:
    ks = [
        row[0]
        for row in warehouse.execute(
            "select k from marts.cluster_selection order by k"
        ).fetchall()
    ]
    assert ks == list(range(2, 9))

"""Unit tests of the segment functions on small synthetic session frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from recruitment_analytics.segments.clustering import (
    ORDER_FEATURE,
    fit_clusters,
    select_k,
    stable_order,
)
from recruitment_analytics.segments.evaluate import (
    compare_to_truth,
    load_truth,
    parse_flag,
)
from recruitment_analytics.segments.features import (
    PAGE_VIEW_COLUMNS,
    SCALAR_COLUMNS,
    aggregate_user_behaviour,
    build_user_features,
    features_to_frame,
    normalise_block,
    session_ngrams,
)
from recruitment_analytics.segments.profiles import (
    LabelRules,
    dominant_transitions,
    label_clusters,
    profile_clusters,
)
from recruitment_analytics.segments.tables import (
    cluster_profiles_table,
    cluster_selection_table,
    feature_matrix,
    user_clusters_table,
    user_features_table,
)

# Per persona: (sessions low, high), minutes per session (low, high), and
# the steps one session cycles through with their page-view column.
PERSONAS = {
    "inactive": (
        (1, 2),
        (0.2, 1.5),
        [("entry", "main_views"), ("profile", "profile_views")],
    ),
    "job_browser": (
        (1, 3),
        (0.5, 3.0),
        [("explore", "job_list_views"), ("job_view", "job_detail_views")] * 3,
    ),
    "applicant": (
        (3, 6),
        (5.0, 20.0),
        [
            ("explore", "job_list_views"),
            ("job_view", "job_detail_views"),
            ("apply", "apply_form_views"),
            ("applied", "apply_complete_views"),
        ],
    ),
    "profile_builder": (
        (3, 6),
        (10.0, 40.0),
        [("entry", "main_views"), ("profile", "profile_views")]
        + [("profile", "profile_views")] * 5,
    ),
}


def make_sessions(users_per_persona: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Build an fct_sessions-like frame for planted personas and the truth."""
    rng = np.random.default_rng(seed)
    rows = []
    truth = {}
    for persona, (session_range, minute_range, steps) in PERSONAS.items():
        for index in range(users_per_persona):
            user_id = f"{persona}-{index:04d}"
            truth[user_id] = persona
            for number in range(
                1, rng.integers(session_range[0], session_range[1] + 1) + 1
            ):
                length = int(rng.integers(max(1, len(steps) // 2), len(steps) + 1))
                visited = steps[:length]
                row = {column: 0 for column in PAGE_VIEW_COLUMNS}
                for _, column in visited:
                    row[column] += int(rng.integers(1, 4))
                stages = [stage for stage, _ in visited]
                collapsed = [
                    s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]
                ]
                row.update(
                    user_id=user_id,
                    session_number=number,
                    duration_seconds=float(rng.uniform(*minute_range) * 60),
                    apply_submits=int("applied" in stages),
                    stage_sequence=">".join(collapsed),
                    page_type_sequence=">".join(collapsed),
                )
                rows.append(row)
    sessions = pd.DataFrame(rows).sample(frac=1.0, random_state=seed)
    return sessions.reset_index(drop=True), pd.Series(truth).sort_index()


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, pd.Series]:
    return make_sessions(users_per_persona=60, seed=3)


def test_session_ngrams_stay_inside_sessions() -> None:
    ngrams = session_ngrams("entry>explore|job_view")
    assert sorted(ngrams) == ["entry", "entry>explore", "explore", "job_view"]
    assert "explore>job_view" not in ngrams


def test_session_ngrams_skip_empty_sessions() -> None:
    assert session_ngrams("|entry||") == ["entry"]
    assert session_ngrams("") == []


def test_aggregate_counts_sessions_and_views() -> None:
    sessions = pd.DataFrame(
        {
            "user_id": ["b", "a", "a"],
            "session_number": [1, 2, 1],
            "duration_seconds": [60.0, 300.0, 120.0],
            "apply_submits": [0, 1, 0],
            "stage_sequence": ["entry", "apply>applied", "explore>job_view"],
            **{column: [0, 0, 0] for column in PAGE_VIEW_COLUMNS},
        }
    )
    sessions["job_list_views"] = [0, 2, 5]
    behaviour = aggregate_user_behaviour(sessions).set_index("user_id")
    assert list(behaviour.index) == ["a", "b"]
    assert behaviour.loc["a", "session_count"] == 2
    assert behaviour.loc["a", "median_session_minutes"] == pytest.approx(3.5)
    assert behaviour.loc["a", "max_session_minutes"] == pytest.approx(5.0)
    assert behaviour.loc["a", "job_list_views"] == 7
    assert behaviour.loc["a", "page_views"] == 7
    assert behaviour.loc["a", "apply_submits"] == 1
    # Documents follow session_number, not input order.
    assert behaviour.loc["a", "sequence_document"] == "explore>job_view|apply>applied"


def test_aggregate_rejects_missing_columns() -> None:
    sessions = pd.DataFrame({"user_id": ["a"], "stage_sequence": ["entry"]})
    with pytest.raises(ValueError, match="missing columns"):
        aggregate_user_behaviour(sessions)


def test_aggregate_rejects_null_user_ids(planted) -> None:
    sessions = planted[0].copy()
    sessions.loc[0, "user_id"] = None
    with pytest.raises(ValueError, match="null user_id"):
        aggregate_user_behaviour(sessions)


def test_build_features_rejects_empty_frame(planted) -> None:
    with pytest.raises(ValueError, match="no sessions"):
        build_user_features(planted[0].iloc[0:0])


def test_normalise_block_gives_unit_total_variance() -> None:
    rng = np.random.default_rng(0)
    block = rng.normal(scale=[1.0, 10.0, 100.0], size=(500, 3))
    assert normalise_block(block).var(axis=0).sum() == pytest.approx(1.0)


def test_normalise_block_sparse_matches_dense() -> None:
    from scipy import sparse

    rng = np.random.default_rng(1)
    dense = rng.random((50, 6)) * (rng.random((50, 6)) < 0.3)
    scaled_sparse = normalise_block(sparse.csr_matrix(dense)).toarray()
    np.testing.assert_allclose(scaled_sparse, normalise_block(dense))


def test_feature_blocks_carry_equal_weight(planted) -> None:
    features = build_user_features(planted[0])
    n_scalars = len(SCALAR_COLUMNS)
    scalar_variance = features.matrix[:, :n_scalars].var(axis=0).sum()
    ngram_variance = features.matrix[:, n_scalars:].var(axis=0).sum()
    assert scalar_variance == pytest.approx(1.0)
    assert ngram_variance == pytest.approx(1.0)
    assert features.feature_names[:n_scalars] == list(SCALAR_COLUMNS)
    assert "ngram:explore>job_view" in features.feature_names
    assert features.matrix.shape == (len(planted[1]), len(features.feature_names))


def test_features_frame_has_one_vector_per_user(planted) -> None:
    features = build_user_features(planted[0])
    frame = features_to_frame(features)
    assert frame["user_id"].is_unique
    assert list(frame["user_id"]) == sorted(frame["user_id"])
    assert {len(vector) for vector in frame["feature_vector"]} == {
        features.matrix.shape[1]
    }


def test_clusters_recover_planted_personas(planted) -> None:
    sessions, truth = planted
    features = build_user_features(sessions)
    assignment = fit_clusters(features.matrix, k=4, seed=42)
    expected = truth.loc[features.behaviour["user_id"]].to_numpy()
    assert adjusted_rand_score(expected, assignment.cluster_ids) >= 0.9


def test_cluster_ids_follow_page_views(planted) -> None:
    features = build_user_features(planted[0])
    assignment = fit_clusters(features.matrix, k=4, seed=42)
    order_values = assignment.centroids[:, ORDER_FEATURE]
    assert list(order_values) == sorted(order_values)
    assert set(assignment.cluster_ids) == {0, 1, 2, 3}


def test_cluster_ids_stable_across_seeds_and_row_order(planted) -> None:
    sessions, _ = planted
    features = build_user_features(sessions)
    shuffled = build_user_features(sessions.sample(frac=1.0, random_state=9))
    first = fit_clusters(features.matrix, k=4, seed=42)
    second = fit_clusters(shuffled.matrix, k=4, seed=42)
    other_seed = fit_clusters(features.matrix, k=4, seed=7)
    np.testing.assert_array_equal(first.cluster_ids, second.cluster_ids)
    np.testing.assert_array_equal(first.cluster_ids, other_seed.cluster_ids)


def test_distances_are_to_own_centroid(planted) -> None:
    features = build_user_features(planted[0])
    assignment = fit_clusters(features.matrix, k=4, seed=42)
    all_distances = np.linalg.norm(
        features.matrix[:, None, :] - assignment.centroids[None, :, :], axis=2
    )
    np.testing.assert_allclose(assignment.distances, all_distances.min(axis=1))
    assert assignment.inertia == pytest.approx((assignment.distances**2).sum())


def test_stable_order_breaks_ties_by_other_columns() -> None:
    centroids = np.zeros((3, len(SCALAR_COLUMNS)))
    centroids[:, 0] = [2.0, 0.0, 1.0]
    assert list(stable_order(centroids)) == [1, 2, 0]


def test_fit_clusters_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fit_clusters(np.zeros((5, 3)), k=0, seed=0)
    with pytest.raises(ValueError, match="cannot fit 4 clusters on 3 users"):
        fit_clusters(np.zeros((3, 3)), k=4, seed=0)
    with pytest.raises(ValueError, match="NaN"):
        fit_clusters(np.full((5, 3), np.nan), k=2, seed=0)


def test_clusters_table_fewer_users_than_k(planted) -> None:
    sessions, _ = planted
    first_two = sessions["user_id"].drop_duplicates().head(2)
    features = user_features_table(sessions[sessions["user_id"].isin(first_two)])
    table = user_clusters_table(features, k=4, seed=0)
    assert len(table) == 2
    assert table["cluster_id"].nunique() == 2
    assert table["cluster_label"].notna().all()


def test_labels_land_on_planted_personas(planted) -> None:
    sessions, truth = planted
    features = build_user_features(sessions)
    assignment = fit_clusters(features.matrix, k=4, seed=42)
    profiles = profile_clusters(features.behaviour, assignment.cluster_ids)
    label_of_cluster = dict(
        zip(profiles["cluster_id"], profiles["cluster_label"], strict=True)
    )
    predicted = pd.Series(
        [label_of_cluster[cluster] for cluster in assignment.cluster_ids],
        index=features.behaviour["user_id"],
    )
    agreement = (predicted == truth.loc[predicted.index]).mean()
    assert agreement >= 0.95
    assert sorted(profiles["cluster_label"]) == sorted(PERSONAS)


def test_profiles_sum_to_all_users(planted) -> None:
    features = build_user_features(planted[0])
    assignment = fit_clusters(features.matrix, k=4, seed=42)
    profiles = profile_clusters(features.behaviour, assignment.cluster_ids)
    assert profiles["users"].sum() == len(features.behaviour)
    assert profiles["share"].sum() == pytest.approx(1.0)
    assert list(profiles["cluster_id"]) == [0, 1, 2, 3]
    assert {"mean_page_views", "median_page_views"} <= set(profiles.columns)


def test_label_rules_in_order() -> None:
    profiles = pd.DataFrame(
        {
            "mean_page_views": [3.0, 5.0, 30.0, 30.0, 30.0, 30.0],
            "mean_job_list_views": [1.0, 2.0, 15.0, 10.0, 2.0, 5.0],
            "mean_job_detail_views": [1.0, 2.0, 12.0, 5.0, 2.0, 5.0],
            "mean_profile_views": [1.0, 1.0, 1.0, 2.0, 20.0, 5.0],
            "mean_apply_form_views": [0.0, 0.0, 0.1, 4.0, 0.0, 0.0],
        }
    )
    labels = label_clusters(profiles)
    assert list(labels) == [
        "inactive",
        "inactive",
        "job_browser",
        "applicant",
        "profile_builder",
        "mixed",
    ]


def test_label_rules_thresholds_apply() -> None:
    profiles = pd.DataFrame(
        {
            "mean_page_views": [2.0, 20.0],
            "mean_job_list_views": [1.0, 8.0],
            "mean_job_detail_views": [0.0, 4.0],
            "mean_profile_views": [1.0, 0.0],
            "mean_apply_form_views": [0.0, 0.5],
        }
    )
    assert list(label_clusters(profiles)) == ["inactive", "job_browser"]
    strict = LabelRules(min_apply_form_views=0.5, min_job_view_share=0.9)
    assert list(label_clusters(profiles, strict)) == ["inactive", "applicant"]


def test_dominant_transitions_share() -> None:
    documents = pd.Series(["a>b>a", "a>b", "c>d"])
    result = dominant_transitions(documents, np.array([0, 0, 1]), top=2)
    assert result == {0: "a>b 67%, b>a 33%", 1: "c>d 100%"}


def test_select_k_reports_each_k(planted) -> None:
    features = build_user_features(planted[0])
    selection = select_k(features.matrix, seed=42, ks=range(2, 7), sample_size=100)
    assert list(selection["k"]) == [2, 3, 4, 5, 6]
    assert selection["inertia"].is_monotonic_decreasing
    assert selection["silhouette"].between(-1, 1).all()
    assert (selection["silhouette_sample_size"] == 100).all()
    # Four planted personas: splitting them into fewer clusters scores worse.
    silhouette = selection.set_index("k")["silhouette"]
    assert silhouette[4] > silhouette[3]
    assert silhouette[4] > silhouette[2]


def test_select_k_is_repeatable(planted) -> None:
    features = build_user_features(planted[0])
    first = select_k(features.matrix, seed=42, ks=[3, 4], sample_size=100)
    second = select_k(features.matrix, seed=42, ks=[3, 4], sample_size=100)
    pd.testing.assert_frame_equal(first, second)


def test_user_clusters_table_repeatable(planted) -> None:
    frame = user_features_table(planted[0])
    first = user_clusters_table(frame, k=4, seed=42)
    second = user_clusters_table(frame.sample(frac=1.0, random_state=1), k=4, seed=42)
    pd.testing.assert_frame_equal(first, second)
    assert set(first.columns) == {
        "user_id",
        "cluster_id",
        "cluster_label",
        "distance_to_centroid",
    }


def test_cluster_profiles_table_matches_clusters(planted) -> None:
    frame = user_features_table(planted[0])
    clusters = user_clusters_table(frame, k=4, seed=42)
    profiles = cluster_profiles_table(frame, clusters)
    expected = clusters.groupby("cluster_id")["cluster_label"].first()
    assert dict(
        zip(profiles["cluster_id"], profiles["cluster_label"], strict=True)
    ) == (expected.to_dict())
    assert list(profiles["users"]) == list(
        clusters["cluster_id"].value_counts().sort_index()
    )


def test_cluster_profiles_table_rejects_stale_labels(planted) -> None:
    frame = user_features_table(planted[0])
    clusters = user_clusters_table(frame, k=4, seed=42)
    clusters["cluster_label"] = "mixed"
    with pytest.raises(ValueError, match="differ from user_clusters"):
        cluster_profiles_table(frame, clusters)


def test_cluster_profiles_table_rejects_unclustered_users(planted) -> None:
    frame = user_features_table(planted[0])
    clusters = user_clusters_table(frame, k=4, seed=42).iloc[1:]
    with pytest.raises(ValueError, match="1 users in user_features have no cluster"):
        cluster_profiles_table(frame, clusters)


def test_feature_matrix_rejects_ragged_vectors() -> None:
    frame = pd.DataFrame({"user_id": ["a", "b"], "feature_vector": [[1.0, 2.0], [1.0]]})
    with pytest.raises(ValueError, match="different lengths"):
        feature_matrix(frame)


def test_cluster_selection_table_types(planted) -> None:
    frame = user_features_table(planted[0])
    selection = cluster_selection_table(
        frame, seed=42, k_min=2, k_max=3, sample_size=50
    )
    assert list(selection["k"]) == [2, 3]
    assert selection["k"].dtype == np.int32


def test_parse_flag_accepts_common_spellings() -> None:
    flags = parse_flag(pd.Series(["True", "false", "1", "0", " yes "]))
    assert list(flags) == [True, False, True, False, True]
    with pytest.raises(ValueError, match="not booleans"):
        parse_flag(pd.Series(["maybe"]))


def test_load_truth_drops_automated_users(tmp_path) -> None:
    (tmp_path / "personas.csv").write_text(
        "user_uuid,persona,is_automated\nu1,inactive,False\nu2,job_browser,True\n"
    )
    truth = load_truth(tmp_path)
    assert list(truth["user_id"]) == ["u1"]
    with pytest.raises(FileNotFoundError, match="personas.csv"):
        load_truth(tmp_path / "missing")


def test_load_truth_drops_users_outside_window(tmp_path) -> None:
    (tmp_path / "personas.csv").write_text(
        "user_uuid,persona,is_automated,active_in_window\n"
        "u1,inactive,False,True\nu2,inactive,False,False\n"
    )
    assert list(load_truth(tmp_path)["user_id"]) == ["u1"]


def test_compare_to_truth_scores_labels() -> None:
    clusters = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "extra"],
            "cluster_id": [0, 0, 1, 1, 1],
            "cluster_label": [
                "inactive",
                "inactive",
                "job_browser",
                "job_browser",
                "x",
            ],
        }
    )
    truth = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "lost"],
            "persona": ["inactive", "job_browser", "job_browser", "job_browser", "x"],
        }
    )
    evaluation = compare_to_truth(clusters, truth)
    assert evaluation.users_compared == 4
    assert evaluation.clustered_without_truth == 1
    assert evaluation.truth_without_cluster == 1
    assert evaluation.job_browser_recall == pytest.approx(2 / 3)
    assert evaluation.job_browser_precision == pytest.approx(1.0)
    assert evaluation.adjusted_rand_index < 1.0
    perfect = compare_to_truth(clusters.iloc[[0, 2, 3]], truth)
    assert perfect.adjusted_rand_index == pytest.approx(1.0)

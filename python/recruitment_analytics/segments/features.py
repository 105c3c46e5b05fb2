"""Build one feature vector per user from their sessions.

A user's vector has two blocks of equal weight:

- behaviour scalars (session count, session length, page views by kind,
  application forms opened and submitted), log-transformed because they are
  heavy-tailed and then standardised so that each scalar has unit variance;
- TF-IDF weights of the stage (or page-type) unigrams and bigrams in the
  user's session sequences. A bigram never spans two sessions, so it always
  is a transition the user made inside one visit.

Each block is divided by the square root of its total variance before the
blocks are joined, so both contribute the same expected squared distance and
neither the many sparse n-gram columns nor one large count dominates K-Means.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import StandardScaler

log = logging.getLogger(__name__)

SESSION_SEPARATOR = "|"
"""Separator between sessions in a user's sequence document."""

STEP_SEPARATOR = ">"
"""Separator between steps in fct_sessions.stage_sequence and page_type_sequence."""

PAGE_VIEW_COLUMNS = (
    "main_views",
    "signup_views",
    "profile_views",
    "job_list_views",
    "company_views",
    "job_detail_views",
    "apply_form_views",
    "apply_complete_views",
    "other_views",
)
"""fct_sessions counts that add up to a session's page views."""

SCALAR_COLUMNS = (
    "session_count",
    "median_session_minutes",
    "page_views",
    "job_list_views",
    "job_detail_views",
    "profile_views",
    "apply_form_views",
    "apply_submits",
)
"""Behaviour scalars in the order they appear at the start of each vector."""

SESSION_COLUMNS = (
    "user_id",
    "session_number",
    "duration_seconds",
    *PAGE_VIEW_COLUMNS,
    "apply_submits",
)
"""fct_sessions columns the features need, besides the sequence column."""


@dataclass(frozen=True)
class UserFeatures:
    """Feature vectors of every user, rows in ascending user_id order."""

    behaviour: pd.DataFrame
    """One row per user: user_id, the raw SCALAR_COLUMNS, max_session_minutes
    and sequence_document (the user's sessions joined by SESSION_SEPARATOR)."""

    matrix: np.ndarray
    """Scaled, weighted feature matrix, one row per user, for K-Means."""

    feature_names: list[str]
    """Column names of matrix: the scalars, then 'ngram:<n-gram>'."""


def session_ngrams(document: str) -> list[str]:
    """Split a sequence document into the unigrams and bigrams of each session.

    A document is sessions joined by '|', each session steps joined by '>',
    for example 'entry>explore|explore>job_view'. Bigrams are written as
    'explore>job_view' and are taken inside one session only.
    """
    ngrams: list[str] = []
    for session in document.split(SESSION_SEPARATOR):
        steps = [step for step in session.split(STEP_SEPARATOR) if step]
        ngrams.extend(steps)
        ngrams.extend(
            f"{first}{STEP_SEPARATOR}{second}"
            for first, second in zip(steps, steps[1:], strict=False)
        )
    return ngrams


def session_bigrams(document: str) -> list[str]:
    """Return only the within-session bigrams of a sequence document."""
    return [ngram for ngram in session_ngrams(document) if STEP_SEPARATOR in ngram]


def validate_sessions(sessions: pd.DataFrame, sequence_column: str) -> None:
    """Raise ValueError naming the columns a sessions frame lacks."""
    required = [*SESSION_COLUMNS, sequence_column]
    missing = [column for column in required if column not in sessions.columns]
    if missing:
        raise ValueError(
            f"sessions frame is missing columns {missing}; pass fct_sessions "
            f"with at least {required}"
        )
    if sessions["user_id"].isna().any():
        count = int(sessions["user_id"].isna().sum())
        raise ValueError(
            f"{count} sessions have a null user_id; fct_sessions must contain "
            "only sessions of identified users"
        )


def aggregate_user_behaviour(
    sessions: pd.DataFrame, sequence_column: str = "stage_sequence"
) -> pd.DataFrame:
    """Aggregate sessions to one row of behaviour per user.

    Returns user_id, the SCALAR_COLUMNS, max_session_minutes and
    sequence_document, sorted by user_id. Sessions without a sequence (only
    api or unmatched requests) still count as sessions but add no n-grams.
    """
    validate_sessions(sessions, sequence_column)
    frame = sessions.loc[:, [*SESSION_COLUMNS, sequence_column]].copy()
    frame[sequence_column] = frame[sequence_column].fillna("").astype(str)
    frame["session_minutes"] = frame["duration_seconds"].astype(float) / 60.0
    frame["page_views"] = frame[list(PAGE_VIEW_COLUMNS)].sum(axis=1)
    frame = frame.sort_values(["user_id", "session_number"], kind="stable")

    grouped = frame.groupby("user_id", sort=True)
    behaviour = pd.DataFrame(
        {
            "session_count": grouped.size(),
            "median_session_minutes": grouped["session_minutes"].median(),
            "max_session_minutes": grouped["session_minutes"].max(),
            "page_views": grouped["page_views"].sum(),
            "job_list_views": grouped["job_list_views"].sum(),
            "job_detail_views": grouped["job_detail_views"].sum(),
            "profile_views": grouped["profile_views"].sum(),
            "apply_form_views": grouped["apply_form_views"].sum(),
            "apply_submits": grouped["apply_submits"].sum(),
            "sequence_document": grouped[sequence_column].agg(SESSION_SEPARATOR.join),
        }
    )
    behaviour.index.name = "user_id"
    return behaviour.reset_index()


def vectorise_sequences(
    documents: Sequence[str],
) -> tuple[sparse.csr_matrix, list[str]]:
    """Weight each user's session n-grams by TF-IDF.

    Term frequency is sublinear (1 + log count), so a user who repeats one
    transition fifty times is not fifty times as far from one who made it
    once, and rows are L2-normalised. Returns the sparse matrix and the
    n-gram of each column, in sorted order.
    """
    vectorizer = TfidfVectorizer(
        analyzer=session_ngrams, sublinear_tf=True, norm="l2", dtype=np.float64
    )
    matrix = vectorizer.fit_transform(documents)
    return matrix.tocsr(), list(vectorizer.get_feature_names_out())


def count_bigrams(documents: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """Count each user's within-session bigrams; returns matrix and bigrams."""
    vectorizer = CountVectorizer(analyzer=session_bigrams, dtype=np.int64)
    matrix = vectorizer.fit_transform(documents)
    return matrix.tocsr(), list(vectorizer.get_feature_names_out())


def scale_scalars(behaviour: pd.DataFrame) -> np.ndarray:
    """Log-transform and standardise the behaviour scalars, one column each.

    A scalar that is constant across users becomes a column of zeros.
    """
    values = np.log1p(behaviour.loc[:, list(SCALAR_COLUMNS)].to_numpy(dtype=float))
    return StandardScaler().fit_transform(values)


def normalise_block(
    block: np.ndarray | sparse.spmatrix,
) -> np.ndarray | sparse.spmatrix:
    """Divide a block by the square root of its total column variance.

    After this every block adds the same expected squared distance between
    two random users. A block with no variance is returned unchanged.
    """
    if sparse.issparse(block):
        mean = np.asarray(block.mean(axis=0)).ravel()
        mean_of_squares = np.asarray(block.multiply(block).mean(axis=0)).ravel()
        total_variance = float((mean_of_squares - mean**2).sum())
    else:
        total_variance = float(np.asarray(block).var(axis=0).sum())
    if total_variance <= 0.0:
        return block
    return block * (1.0 / np.sqrt(total_variance))


def build_user_features(
    sessions: pd.DataFrame,
    sequence_column: str = "stage_sequence",
    sequence_weight: float = 1.0,
) -> UserFeatures:
    """Build the behaviour table and the K-Means feature matrix from sessions.

    sessions needs the fct_sessions columns in SESSION_COLUMNS and the
    sequence column (stage_sequence or page_type_sequence). sequence_weight
    multiplies the n-gram block relative to the scalar block.
    Raises ValueError on missing columns, null user ids or no sessions.
    """
    if sessions.empty:
        raise ValueError(
            "no sessions to build user features from; check that fct_sessions "
            "has rows in the analysis window"
        )
    behaviour = aggregate_user_behaviour(sessions, sequence_column)
    log.info("aggregated %d sessions to %d users", len(sessions), len(behaviour))

    scalars = normalise_block(scale_scalars(behaviour))
    documents = behaviour["sequence_document"].tolist()
    if any(session_ngrams(document) for document in documents):
        ngram_matrix, ngrams = vectorise_sequences(documents)
        ngram_block = normalise_block(ngram_matrix) * sequence_weight
        # The n-gram block stays sparse up to here because most users make
        # few of the possible transitions. The scalar block is dense, so the
        # joined matrix is dense too.
        matrix = np.hstack([scalars, sparse.csr_matrix(ngram_block).toarray()])
    else:
        ngrams = []
        matrix = np.asarray(scalars)
    feature_names = [*SCALAR_COLUMNS, *(f"ngram:{ngram}" for ngram in ngrams)]
    log.info("built %d features per user", len(feature_names))
    return UserFeatures(
        behaviour=behaviour,
        matrix=np.ascontiguousarray(matrix),
        feature_names=feature_names,
    )


def features_to_frame(features: UserFeatures) -> pd.DataFrame:
    """Flatten UserFeatures into the user_features table.

    The feature vector is stored as a list of doubles so that the table keeps
    a fixed set of columns whatever n-grams the data contains.
    """
    frame = features.behaviour.copy()
    frame["feature_vector"] = list(features.matrix.astype(np.float64))
    return frame

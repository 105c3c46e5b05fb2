"""Compare the warehouse's clusters with the generator's planted personas.

Usage:
    python -m recruitment_analytics.segments.evaluate \\
        --warehouse warehouse/recruitment.duckdb --truth data/raw_truth \\
        [--run-results target/run_results.json]

Prints the adjusted Rand index between user_clusters and personas.csv.
Automated clients are left out because the pipeline filters them. It also
prints how well the job_browser label matches the planted job browsers and
a label by persona table. Given dbt's run_results.json, it prints how long
each segment Python model took.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from sklearn.metrics import adjusted_rand_score

log = logging.getLogger(__name__)

SEGMENT_PYTHON_MODELS = (
    "user_features",
    "user_clusters",
    "cluster_profiles",
    "cluster_selection",
)


@dataclass(frozen=True)
class Evaluation:
    """Agreement between clusters and planted personas."""

    adjusted_rand_index: float
    users_compared: int
    clustered_without_truth: int
    truth_without_cluster: int
    job_browser_recall: float
    """Share of planted job browsers whose cluster is labelled job_browser."""
    job_browser_precision: float
    """Share of users labelled job_browser who are planted job browsers."""
    crosstab: pd.DataFrame
    """Users by cluster label (rows) and planted persona (columns)."""


def parse_flag(values: pd.Series) -> pd.Series:
    """Parse a boolean column written as true/false, 1/0 or yes/no."""
    text = values.astype(str).str.strip().str.lower()
    known = text.isin(["true", "false", "1", "0", "yes", "no", "t", "f"])
    if not known.all():
        examples = sorted(text[~known].unique())[:5]
        raise ValueError(f"is_automated has values that are not booleans: {examples}")
    return text.isin(["true", "1", "yes", "t"])


def load_truth(truth_dir: Path) -> pd.DataFrame:
    """Read personas.csv and return user_id, persona for non-automated users.

    When the file has an active_in_window column, users outside the analysis
    window are left out too.
    """
    path = truth_dir / "personas.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"planted truth not found: {path}; pass the folder the generator "
            "wrote with --truth (default: '<raw folder>_truth')"
        )
    truth = pd.read_csv(path, dtype={"user_uuid": str, "persona": str})
    missing = {"user_uuid", "persona", "is_automated"} - set(truth.columns)
    if missing:
        raise ValueError(f"{path} lacks columns {sorted(missing)}")
    human = truth.loc[~parse_flag(truth["is_automated"])]
    if "active_in_window" in human.columns:
        # Users with no request in the analysis window cannot have a cluster.
        human = human.loc[parse_flag(human["active_in_window"])]
    return human.rename(columns={"user_uuid": "user_id"}).loc[:, ["user_id", "persona"]]


def load_clusters(warehouse: Path) -> pd.DataFrame:
    """Read user_id, cluster_id, cluster_label from marts.user_clusters."""
    if not warehouse.is_file():
        raise FileNotFoundError(
            f"warehouse not found: {warehouse}; build it with `dbt build` first"
        )
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(
            "select user_id, cluster_id, cluster_label from marts.user_clusters"
        ).df()


def compare_to_truth(clusters: pd.DataFrame, truth: pd.DataFrame) -> Evaluation:
    """Score clusters against planted personas on the users both contain."""
    joined = clusters.merge(truth, on="user_id", how="inner", validate="one_to_one")
    if joined.empty:
        raise ValueError(
            "no user is in both user_clusters and the truth file; check that "
            "the truth belongs to the export the warehouse was built from"
        )
    planted = joined["persona"] == "job_browser"
    labelled = joined["cluster_label"] == "job_browser"
    return Evaluation(
        adjusted_rand_index=float(
            adjusted_rand_score(joined["persona"], joined["cluster_id"])
        ),
        users_compared=len(joined),
        clustered_without_truth=int(
            (~clusters["user_id"].isin(truth["user_id"])).sum()
        ),
        truth_without_cluster=int((~truth["user_id"].isin(clusters["user_id"])).sum()),
        job_browser_recall=float(labelled[planted].mean()) if planted.any() else 0.0,
        job_browser_precision=float(planted[labelled].mean())
        if labelled.any()
        else 0.0,
        crosstab=pd.crosstab(joined["cluster_label"], joined["persona"]),
    )


def python_model_seconds(run_results: Path) -> dict[str, float]:
    """Return execution seconds of the segment Python models in run_results."""
    results = json.loads(run_results.read_text())["results"]
    seconds = {}
    for result in results:
        name = result["unique_id"].rsplit(".", 1)[-1]
        if result["unique_id"].startswith("model.") and name in SEGMENT_PYTHON_MODELS:
            seconds[name] = float(result["execution_time"])
    return seconds


def format_evaluation(evaluation: Evaluation) -> str:
    """Format an Evaluation as a short plain-text report."""
    lines = [
        f"adjusted Rand index: {evaluation.adjusted_rand_index:.3f} "
        f"({evaluation.users_compared} users compared)",
        f"job_browser label: recall {evaluation.job_browser_recall:.1%}, "
        f"precision {evaluation.job_browser_precision:.1%}",
        f"clustered users missing from truth: {evaluation.clustered_without_truth}; "
        f"planted users without a cluster (no kept session): "
        f"{evaluation.truth_without_cluster}",
        "",
        "users by cluster label (rows) and planted persona (columns):",
        evaluation.crosstab.to_string(),
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m recruitment_analytics.segments.evaluate",
        description="Compare user_clusters with the generator's planted personas.",
    )
    parser.add_argument(
        "--warehouse", required=True, type=Path, help="built DuckDB warehouse file"
    )
    parser.add_argument(
        "--truth", required=True, type=Path, help="folder that contains personas.csv"
    )
    parser.add_argument(
        "--run-results",
        type=Path,
        default=None,
        help="dbt run_results.json of the build, to print Python model times",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation; return 1 when an input is missing or invalid."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        evaluation = compare_to_truth(
            load_clusters(args.warehouse), load_truth(args.truth)
        )
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        log.error("%s", error)
        return 1
    print(format_evaluation(evaluation))
    if args.run_results is not None:
        seconds = python_model_seconds(args.run_results)
        print()
        print("segment Python model times (dbt execution_time, seconds):")
        for name in SEGMENT_PYTHON_MODELS:
            print(f"  {name:<18} {seconds.get(name, float('nan')):7.2f}")
        print(f"  {'total':<18} {sum(seconds.values()):7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

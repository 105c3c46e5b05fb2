"""Benchmark the dbt project against a bare DuckDB scan and a pandas baseline.

For each scale the script generates the synthetic export once (cached under
benchmarks/cache/<scale>-<seed>/), then times these tasks in the same run,
interleaved, each in a fresh child process:

- floor: DuckDB parses the raw log files once (benchmarks/scan_floor.py);
- pandas: the core work done the notebook way (benchmarks/pandas_baseline.py);
- dbt_core: `dbt build --resource-type model --resource-type seed` of the
  seeds and staging through fct_sessions and int_users__summarised (the
  user measures of dim_users, without its K-Means columns), with no tests;
- dbt_build: a full `dbt build` (every model, the K-Means models and every
  test) into an empty warehouse file.

It writes benchmarks/results/<date>-<scale>.json, regenerates the table in
benchmarks/results/README.md and prints it.

Usage: python benchmarks/run_benchmark.py --scales 1.0 10.0 [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    Measurement,
    Task,
    machine_info,
    measurements_as_dicts,
    ratio,
    run_alternating,
    summarise,
    write_json,
)
from report import render_results_page  # noqa: E402

log = logging.getLogger("run_benchmark")

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
ALL_TASKS = ("floor", "pandas", "dbt_core", "dbt_build")
# dim_users joins the K-Means output to int_users__summarised, which has
# every user measure, so the core selection stops at the summary.
CORE_SELECTION = ("+fct_sessions", "+int_users__summarised")
SLOWEST_MODELS = 10
RECORDED_PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "scikit-learn")
DUCKDB_ENV = ("RA_DUCKDB_THREADS", "RA_DUCKDB_MEMORY_LIMIT", "RA_DBT_THREADS")


def scale_label(scale: float) -> str:
    """Return the scale as written in file names, e.g. 1.0 -> '1.0'."""
    return repr(float(scale))


def generator_fingerprint() -> str:
    """Return a hash of the generator's source, to notice a changed generator."""
    digest = hashlib.sha256()
    package = PROJECT_DIR / "python" / "recruitment_analytics" / "generate"
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_export(cache_dir: Path, scale: float, seed: int) -> tuple[Path, float]:
    """Return the cached raw export for (scale, seed), generating it if needed.

    The export is written to a temporary folder and renamed when complete,
    so an interrupted generation is never mistaken for a cached one. A cached
    export made by a different generator source is replaced. The second
    value is the generation time in seconds (0 when cached).
    """
    case_dir = cache_dir / f"{scale_label(scale)}-{seed}"
    raw_dir = case_dir / "raw"
    stamp = case_dir / "generator.sha256"
    fingerprint = generator_fingerprint()
    if raw_dir.is_dir() and stamp.exists() and stamp.read_text() == fingerprint:
        log.info("using cached export %s", raw_dir)
        return raw_dir, 0.0

    partial = case_dir / "raw.partial"
    truth = case_dir / "truth"
    for folder in (raw_dir, partial, truth):
        shutil.rmtree(folder, ignore_errors=True)
    case_dir.mkdir(parents=True, exist_ok=True)
    log.info("generating export at scale %s, seed %d", scale, seed)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from recruitment_analytics.generate import generate_export\n"
        "generate_export(Path(sys.argv[1]), seed=int(sys.argv[2]),"
        " scale=float(sys.argv[3]), truth_dir=Path(sys.argv[4]))\n"
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, str(partial), str(seed), str(scale), str(truth)],
        check=True,
        cwd=PROJECT_DIR,
        env=python_env(),
    )
    elapsed = time.perf_counter() - started
    partial.rename(raw_dir)
    stamp.write_text(fingerprint)
    return raw_dir, elapsed


def project_commit() -> str | None:
    """Return the git commit of the measured project, or None outside git."""
    result = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return None
    return result.stdout.strip()


def python_env() -> dict[str, str]:
    """Return the environment for children that import the project package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_DIR / "python"), env.get("PYTHONPATH")])
    )
    return env


def folder_bytes(folder: Path, pattern: str = "log_*") -> int:
    """Return the total size of the files matching `pattern` in `folder`."""
    return sum(path.stat().st_size for path in folder.glob(pattern))


class DbtWorkspace:
    """Warehouse files, target folders and dbt commands for one scale.

    Each task gets its own warehouse file and target folder, so one task's
    partial-parse state and tables do not affect another's timing.
    """

    def __init__(self, work_dir: Path, raw_dir: Path) -> None:
        self.work_dir = work_dir
        self.raw_dir = raw_dir
        self.dbt = str(Path(sys.executable).with_name("dbt"))
        self.vars = json.dumps({"raw_path": str(raw_dir)})
        self.temp_dir = work_dir / "duckdb_tmp"

    def env(self, warehouse: Path) -> dict[str, str]:
        """Return environment variables that point dbt at `warehouse`."""
        env = {
            "RA_WAREHOUSE_PATH": str(warehouse),
            "RA_DUCKDB_TEMP_DIR": str(self.temp_dir),
            "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
            "PYTHONPATH": str(PROJECT_DIR / "python"),
        }
        return env

    def argv(self, command: list[str], target: Path) -> list[str]:
        """Return a dbt command line for this project and `target` folder."""
        return [
            self.dbt,
            *command,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR / "profiles"),
            "--target-path",
            str(target),
            "--vars",
            self.vars,
        ]

    def run_untimed(self, command: list[str], warehouse: Path, target: Path) -> str:
        """Run a dbt command outside the measurement and return its output."""
        result = subprocess.run(
            self.argv(command, target),
            cwd=PROJECT_DIR,
            env={**os.environ, **self.env(warehouse)},
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"dbt {' '.join(command)} failed with code {result.returncode}:\n"
                f"{result.stdout[-4000:]}{result.stderr[-2000:]}"
            )
        return result.stdout


def remove_duckdb_file(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log if they exist."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def read_run_results(target: Path) -> dict[str, Any]:
    """Return per-node execution times and status counts from run_results."""
    path = target / "run_results.json"
    if not path.exists():
        return {"run_results": "missing"}
    payload = json.loads(path.read_text())
    nodes = {}
    statuses: Counter[str] = Counter()
    for result in payload.get("results", []):
        statuses[str(result.get("status"))] += 1
        nodes[result["unique_id"]] = round(result.get("execution_time") or 0.0, 3)
    return {
        "dbt_elapsed_seconds": payload.get("elapsed_time"),
        "statuses": dict(statuses),
        "node_seconds": nodes,
    }


def count_rows(warehouse: Path, tables: list[str]) -> dict[str, int | None]:
    """Return row counts of `tables` (schema.table) in a DuckDB file."""
    import duckdb

    counts: dict[str, int | None] = {}
    if not warehouse.exists():
        return counts
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in tables:
            try:
                row = connection.execute(f"select count(*) from {table}").fetchone()
                counts[table] = row[0]
            except duckdb.Error:
                counts[table] = None
    finally:
        connection.close()
    return counts


def python_models(workspace: DbtWorkspace, warehouse: Path, target: Path) -> list:
    """Return the dbt Python models in the core selection outside staging.

    The staging models that read raw log lines are Python models too, and
    the core models cannot run without them, so only later ones are left out.
    """
    output = workspace.run_untimed(
        [
            "ls",
            "--resource-type",
            "model",
            "--select",
            *CORE_SELECTION,
            "--output",
            "json",
            "--output-keys",
            "name",
            "language",
            "original_file_path",
            "--quiet",
        ],
        warehouse,
        target,
    )
    names = []
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        node = json.loads(line)
        in_staging = node.get("original_file_path", "").startswith("models/staging/")
        if node.get("language") == "python" and not in_staging:
            names.append(node["name"])
    return names


def dbt_tasks(workspace: DbtWorkspace, wanted: set[str]) -> list[Task]:
    """Prepare the dbt tasks: parse once, seed the core warehouse, build argv."""
    tasks = []
    work = workspace.work_dir
    work.mkdir(parents=True, exist_ok=True)
    # dbt's partial-parse state stores absolute seed and model paths, so a
    # target folder left by a checkout elsewhere would point at files that
    # no longer exist. Every run starts from a full parse.
    for stale_target in ("target-core", "target-build"):
        shutil.rmtree(work / stale_target, ignore_errors=True)
    count_tables = ["marts.fct_events", "marts.fct_sessions", "marts.dim_users"]

    if "dbt_core" in wanted:
        core_target = work / "target-core"
        core_warehouse = work / "core.duckdb"
        excluded = python_models(workspace, core_warehouse, core_target)
        # The seeds are loaded in the same dbt process (about 0.3 s of the
        # timed span), so every core run starts from an empty file.
        command = [
            "build",
            "--select",
            *CORE_SELECTION,
            "--resource-type",
            "model",
            "--resource-type",
            "seed",
        ]
        if excluded:
            command += ["--exclude", *excluded]

        def prepare_core() -> None:
            remove_duckdb_file(core_warehouse)

        def collect_core() -> dict[str, Any]:
            details = read_run_results(core_target)
            details["excluded_python_models"] = excluded
            details["row_counts"] = count_rows(core_warehouse, count_tables)
            return details

        tasks.append(
            Task(
                name="dbt_core",
                argv=workspace.argv(command, core_target),
                env=workspace.env(core_warehouse),
                cwd=PROJECT_DIR,
                prepare=prepare_core,
                collect=collect_core,
            )
        )

    if "dbt_build" in wanted:
        target = work / "target-build"
        warehouse = work / "build.duckdb"
        log.info("parsing the project once so every build reuses it (not timed)")
        workspace.run_untimed(["parse"], warehouse, target)

        def prepare_build() -> None:
            remove_duckdb_file(warehouse)

        def collect_build() -> dict[str, Any]:
            details = read_run_results(target)
            details["row_counts"] = count_rows(warehouse, count_tables)
            details["warehouse_bytes"] = (
                warehouse.stat().st_size if warehouse.exists() else None
            )
            return details

        tasks.append(
            Task(
                name="dbt_build",
                argv=workspace.argv(["build"], target),
                env=workspace.env(warehouse),
                cwd=PROJECT_DIR,
                prepare=prepare_build,
                collect=collect_build,
            )
        )
    return tasks


def slowest_nodes(
    measurements: list[Measurement], limit: int = SLOWEST_MODELS
) -> dict[str, list[dict[str, Any]]]:
    """Return, per dbt task, the nodes with the largest median time."""
    per_task: dict[str, dict[str, list[float]]] = {}
    for measurement in measurements:
        nodes = measurement.details.get("node_seconds")
        if not nodes or measurement.returncode != 0:
            continue
        task_nodes = per_task.setdefault(measurement.task, {})
        for node, seconds in nodes.items():
            task_nodes.setdefault(node, []).append(seconds)
    slowest = {}
    for task, nodes in per_task.items():
        medians = [
            {"node": node, "median_seconds": round(statistics.median(times), 3)}
            for node, times in nodes.items()
        ]
        medians.sort(key=lambda item: item["median_seconds"], reverse=True)
        slowest[task] = medians[:limit]
    return slowest


def compute_ratios(summary: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """Return the target ratios from the per-task medians."""

    def median(task: str, key: str) -> float | None:
        return summary.get(task, {}).get(key)

    wall = "median_wall_seconds"
    rss = "median_peak_rss_mib"
    return {
        "core_over_floor": ratio(median("dbt_core", wall), median("floor", wall)),
        "build_over_floor": ratio(median("dbt_build", wall), median("floor", wall)),
        "pandas_over_build": ratio(median("pandas", wall), median("dbt_build", wall)),
        "pandas_over_core": ratio(median("pandas", wall), median("dbt_core", wall)),
        "build_rss_over_pandas_rss": ratio(
            median("dbt_build", rss), median("pandas", rss)
        ),
    }


def benchmark_command(args: argparse.Namespace, scale: float) -> str:
    """Return the command line that repeats this measurement, without paths."""
    return (
        f"python benchmarks/run_benchmark.py --scales {scale_label(scale)}"
        f" --seed {args.seed} --repeats {args.repeats}"
        f" --tasks {' '.join(args.tasks)}"
    )


def benchmark_scale(args: argparse.Namespace, scale: float) -> Path:
    """Run every requested task at one scale and write its JSON result."""
    raw_dir, generate_seconds = ensure_export(args.cache_dir, scale, args.seed)
    case_dir = raw_dir.parent
    work_dir = case_dir / "work"
    wanted = set(args.tasks)
    skipped = {}
    if "pandas" in wanted and scale > args.pandas_max_scale:
        wanted.discard("pandas")
        skipped["pandas"] = (
            f"scale {scale} is above --pandas-max-scale {args.pandas_max_scale}"
        )

    tasks: list[Task] = []
    if "floor" in wanted:
        tasks.append(
            Task(
                name="floor",
                argv=[sys.executable, str(BENCH_DIR / "scan_floor.py"), str(raw_dir)],
                cwd=PROJECT_DIR,
            )
        )
    if "pandas" in wanted:
        tasks.append(
            Task(
                name="pandas",
                argv=[
                    sys.executable,
                    str(BENCH_DIR / "pandas_baseline.py"),
                    str(raw_dir),
                    "--out",
                    str(work_dir / "pandas"),
                ],
                cwd=PROJECT_DIR,
            )
        )
    tasks += dbt_tasks(DbtWorkspace(work_dir, raw_dir), wanted)

    started_at = dt.datetime.now().astimezone()
    log_dir = work_dir / "logs" / started_at.strftime("%Y%m%d-%H%M%S")
    with tqdm(total=args.repeats * len(tasks), desc=f"scale {scale}") as progress:

        def advance(measurement: Measurement) -> None:
            progress.set_postfix_str(
                f"{measurement.task} {measurement.wall_seconds:.1f}s"
            )
            progress.update()

        measurements = run_alternating(tasks, args.repeats, log_dir, advance)

    summary = summarise(measurements)
    floor_rows = [m.output.get("rows") for m in measurements if m.task == "floor"]
    payload = {
        "benchmark": "recruitment_analytics",
        "started_at": started_at.isoformat(timespec="seconds"),
        "command": benchmark_command(args, scale),
        "project_commit": args.commit or project_commit(),
        "scale": scale,
        "seed": args.seed,
        "repeats": args.repeats,
        "machine": machine_info(RECORDED_PACKAGES),
        "settings": {name: os.environ.get(name) for name in DUCKDB_ENV},
        "data": {
            "raw_log_bytes": folder_bytes(raw_dir),
            "raw_log_rows": floor_rows[0] if floor_rows else None,
            "generate_seconds": round(generate_seconds, 1) or None,
            "generator_sha256": generator_fingerprint(),
        },
        "skipped": skipped,
        "summary": summary,
        "ratios": compute_ratios(summary),
        "slowest_nodes": slowest_nodes(measurements),
        "runs": measurements_as_dicts(measurements),
    }
    name = f"{started_at.date().isoformat()}-{scale_label(scale)}.json"
    return write_json(args.results_dir / name, payload)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales",
        type=float,
        nargs="+",
        default=[1.0],
        help="data scales; 1.0 is about 7.2 M requests (default: 1.0)",
    )
    parser.add_argument("--seed", type=int, default=42, help="generator seed")

    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per task (default: 3)"
    )
    parser.add_argument(
        "--tasks",
        nargs="+",
        choices=ALL_TASKS,
        default=list(ALL_TASKS),
        help="tasks to time (default: all)",
    )
    parser.add_argument(
        "--pandas-max-scale",
        type=float,
        default=2.0,
        help="skip the pandas baseline above this scale, where it needs more "
        "memory than the export size suggests (default: 2.0)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=BENCH_DIR / "cache",
        help="folder for generated exports and working files",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=BENCH_DIR / "results",
        help="folder for the JSON results and README.md",
    )
    parser.add_argument(
        "--commit",
        help="commit to record when the project copy is not a git checkout",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


def main(argv: list[str] | None = None) -> None:
    """Benchmark every requested scale, then rewrite and print the table."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    args = parse_args(argv)
    # The profile cannot read the core count itself, so every DuckDB child
    # (dbt and the floor) gets the usable cores unless the caller chose.
    os.environ.setdefault("RA_DUCKDB_THREADS", str(len(os.sched_getaffinity(0))))
    for scale in args.scales:
        path = benchmark_scale(args, scale)
        log.info("wrote %s", path)
    page = render_results_page(args.results_dir)
    (args.results_dir / "README.md").write_text(page)
    print(page)


if __name__ == "__main__":
    main()

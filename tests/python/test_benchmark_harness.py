"""Check the benchmark harness on toy commands: no timing is asserted."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench_modules():
    """Import the benchmark modules from the benchmarks/ folder."""
    sys.path.insert(0, str(BENCH_DIR))
    try:
        yield (
            importlib.import_module("harness"),
            importlib.import_module("report"),
            importlib.import_module("run_benchmark"),
        )
    finally:
        sys.path.remove(str(BENCH_DIR))


def python_task(harness, name: str, code: str):
    """Return a harness task that runs `code` in a new Python process."""
    return harness.Task(name=name, argv=[sys.executable, "-c", code])


ALLOCATE_64_MIB = (
    "import json\n"
    "block = bytearray(64 * 1024 * 1024)\n"
    "for i in range(0, len(block), 4096): block[i] = 1\n"
    "print('progress line')\n"
    "print(json.dumps({'rows': 3}))\n"
)


def measurement(harness, task: str, seconds: float, rss: float, code: int = 0):
    """Return a Measurement with the given time, peak RSS and exit code."""
    return harness.Measurement(
        task=task,
        repeat=0,
        wall_seconds=seconds,
        peak_rss_mib=rss,
        returncode=code,
        user_seconds=0.0,
        system_seconds=0.0,
    )


def test_run_measured_reports_child_memory(bench_modules, tmp_path):
    harness, _, _ = bench_modules
    task = python_task(harness, "allocate", ALLOCATE_64_MIB)
    result = harness.run_measured(task, log_path=tmp_path / "allocate.log")
    assert result.returncode == 0
    assert result.wall_seconds > 0
    assert result.peak_rss_mib >= 64
    assert result.load_average is not None
    assert result.output == {"rows": 3}
    assert "progress line" in (tmp_path / "allocate.log").read_text()


def test_run_measured_keeps_exit_code(bench_modules):
    harness, _, _ = bench_modules
    task = python_task(harness, "fail", "raise SystemExit(3)")
    result = harness.run_measured(task)
    assert result.returncode == 3
    assert result.output == {}


def test_run_alternating_interleaves_tasks(bench_modules, tmp_path):
    harness, _, _ = bench_modules
    prepared: list[str] = []
    tasks = []
    for name in ("first", "second"):
        task = python_task(harness, name, "pass")
        task.prepare = lambda name=name: prepared.append(name)
        task.collect = lambda name=name: {"collected": name}
        tasks.append(task)

    results = harness.run_alternating(tasks, repeats=3, log_dir=tmp_path)

    order = [result.task for result in results]
    assert order == ["first", "second"] * 3
    assert prepared == order
    assert [result.repeat for result in results] == [0, 0, 1, 1, 2, 2]
    assert all(result.details == {"collected": result.task} for result in results)
    assert (tmp_path / "second-3.log").exists()


def test_run_alternating_rejects_zero_repeats(bench_modules):
    harness, _, _ = bench_modules
    with pytest.raises(ValueError, match="repeats"):
        harness.run_alternating([python_task(harness, "a", "pass")], repeats=0)


def test_summarise_takes_medians_of_successful_runs(bench_modules):
    harness, _, _ = bench_modules
    runs = [
        measurement(harness, "a", 3.0, 100.0),
        measurement(harness, "a", 1.0, 300.0),
        measurement(harness, "a", 2.0, 200.0),
        measurement(harness, "a", 0.1, 10.0, code=1),
        measurement(harness, "b", 5.0, 50.0),
        measurement(harness, "b", 7.0, 70.0),
    ]
    summary = harness.summarise(runs)
    assert summary["a"]["runs"] == 4
    assert summary["a"]["failed_runs"] == 1
    assert summary["a"]["median_wall_seconds"] == 2.0
    assert summary["a"]["min_wall_seconds"] == 1.0
    assert summary["a"]["max_wall_seconds"] == 3.0
    assert summary["a"]["median_peak_rss_mib"] == 200.0
    assert summary["b"]["median_wall_seconds"] == 6.0
    assert summary["b"]["max_peak_rss_mib"] == 70.0


def test_summarise_all_failed_has_no_median(bench_modules):
    harness, _, _ = bench_modules
    summary = harness.summarise([measurement(harness, "a", 1.0, 1.0, code=2)])
    assert summary["a"]["median_wall_seconds"] is None
    assert summary["a"]["median_peak_rss_mib"] is None


def test_compute_ratios_from_medians(bench_modules):
    harness, _, run_benchmark = bench_modules
    runs = [
        measurement(harness, "floor", 2.0, 100.0),
        measurement(harness, "dbt_core", 10.0, 400.0),
        measurement(harness, "dbt_build", 20.0, 500.0),
        measurement(harness, "pandas", 30.0, 1000.0),
    ]
    ratios = run_benchmark.compute_ratios(harness.summarise(runs))
    assert ratios["core_over_floor"] == 5.0
    assert ratios["build_over_floor"] == 10.0
    assert ratios["pandas_over_build"] == 1.5
    assert ratios["pandas_over_core"] == 3.0
    assert ratios["build_rss_over_pandas_rss"] == 0.5


def test_compute_ratios_missing_task_is_none(bench_modules):
    harness, _, run_benchmark = bench_modules
    ratios = run_benchmark.compute_ratios(
        harness.summarise([measurement(harness, "floor", 2.0, 100.0)])
    )
    assert ratios["core_over_floor"] is None
    assert ratios["pandas_over_build"] is None


def test_slowest_nodes_sorted_by_median(bench_modules):
    harness, _, run_benchmark = bench_modules
    runs = []
    for seconds in (1.0, 3.0, 2.0):
        run = measurement(harness, "dbt_build", 10.0, 1.0)
        run.details = {"node_seconds": {"model.a": seconds, "model.b": 0.5}}
        runs.append(run)
    slowest = run_benchmark.slowest_nodes(runs, limit=1)
    assert slowest == {"dbt_build": [{"node": "model.a", "median_seconds": 2.0}]}


def test_results_json_and_page(bench_modules, tmp_path):
    harness, report, run_benchmark = bench_modules
    runs = [
        measurement(harness, "floor", 2.0, 100.0),
        measurement(harness, "dbt_core", 10.0, 400.0),
    ]
    summary = harness.summarise(runs)
    payload = {
        "started_at": "2024-01-02T03:04:05+00:00",
        "scale": 1.0,
        "repeats": 1,
        "machine": harness.machine_info(["pytest"]),
        "data": {"raw_log_rows": 7_200_000},
        "summary": summary,
        "ratios": run_benchmark.compute_ratios(summary),
        "runs": harness.measurements_as_dicts(runs),
    }
    path = harness.write_json(tmp_path / "2024-01-02-1.0.json", payload)

    stored = json.loads(path.read_text())
    assert stored["summary"]["dbt_core"]["median_wall_seconds"] == 10.0
    assert stored["runs"][0]["task"] == "floor"
    assert stored["machine"]["logical_cores"] >= 1

    page = report.render_results_page(tmp_path)
    time_row, memory_row = [
        line for line in page.splitlines() if line.startswith("| 2024")
    ]
    assert time_row.startswith("| 2024-01-02 | 1 | 7,200,000 |")
    assert "| 2.0 | 10.0 | - | - | 5.00 | - | - |" in time_row
    assert "| 100 | 400 | - | - | - |" in memory_row


def test_scan_floor_counts_rows(bench_modules, tmp_path):
    scan_floor = importlib.import_module("scan_floor")
    log = tmp_path / "log_2023.csv"
    log.write_text(
        ",user_uuid,URL,timestamp,date,response_code,method\n"
        "0,u1,jobs,2023-06-01 00:00:00 UTC,2023-06-01,200,GET\n"
        "1,u2,,2023-06-01 00:00:01.5 UTC,2023-06-01,200,GET\n"
    )
    result = scan_floor.scan(tmp_path, threads=1)
    assert result["rows"] == 2
    # 2 rows x 7 columns, minus the one empty URL.
    assert result["non_null_values"] == 13


def test_scan_floor_without_logs_raises(bench_modules, tmp_path):
    scan_floor = importlib.import_module("scan_floor")
    with pytest.raises(FileNotFoundError, match="log_"):
        scan_floor.build_scan_query(tmp_path)

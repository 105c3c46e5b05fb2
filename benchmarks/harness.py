"""Time commands in fresh child processes and summarise the repeats.

Every measured run is its own child process, so its peak resident set size
(RSS) comes from the kernel's accounting for that child alone. `os.wait4`
returns the same `ru_maxrss` that `resource.getrusage(RUSAGE_CHILDREN)`
would report in a parent that had started only that child. On Linux the
value is the largest RSS of any single process in the child's tree, not the
sum over processes that ran at the same time.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KIB = 1024
MIB = 1024 * 1024


@dataclass
class Task:
    """One command to measure, with optional untimed steps around each run.

    `prepare` runs before every repeat and `collect` after it, both outside
    the timed span. `collect` returns extra facts to store with the run, for
    example the per-model timings that dbt writes to run_results.json.
    """

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    prepare: Callable[[], None] | None = None
    collect: Callable[[], dict[str, Any]] | None = None


@dataclass
class Measurement:
    """Wall time, peak memory and exit status of one run of one task."""

    task: str
    repeat: int
    wall_seconds: float
    peak_rss_mib: float
    returncode: int
    user_seconds: float
    system_seconds: float
    load_average: float | None = None
    output: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


def parse_last_json_line(text: str) -> dict[str, Any]:
    """Return the last line of `text` that parses as a JSON object, else {}."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def run_measured(
    task: Task, repeat: int = 0, log_path: Path | None = None
) -> Measurement:
    """Run `task` once in a new child process and measure it.

    Standard output and error go to `log_path` (or are discarded). The last
    JSON object line the child prints is stored as `output`, so a benchmark
    script can report row counts next to its time.
    """
    env = {**os.environ, **task.env}
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        sink = log_path.open("w")
    else:
        sink = subprocess.DEVNULL
    # Other work on the machine slows a run down, so its 1-minute load
    # average at the start is stored with the run.
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    try:
        started = time.perf_counter()
        child = subprocess.Popen(
            task.argv,
            cwd=task.cwd,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        # wait4 reaps this child only and returns its own resource usage.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log_path is not None:
            sink.close()

    output: dict[str, Any] = {}
    if log_path is not None:
        output = parse_last_json_line(log_path.read_text(errors="replace"))
    return Measurement(
        task=task.name,
        repeat=repeat,
        wall_seconds=wall,
        # Linux reports ru_maxrss in KiB.
        peak_rss_mib=usage.ru_maxrss * KIB / MIB,
        returncode=child.returncode,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        load_average=load_average,
        output=output,
    )


def run_alternating(
    tasks: Sequence[Task],
    repeats: int,
    log_dir: Path | None = None,
    on_measurement: Callable[[Measurement], None] | None = None,
) -> list[Measurement]:
    """Run every task `repeats` times, interleaved as A B C, A B C, ...

    Interleaving spreads slow drift of the machine (thermal state, page
    cache, other load) over all tasks instead of charging it to one.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    measurements: list[Measurement] = []
    for repeat in range(repeats):
        for task in tasks:
            if task.prepare is not None:
                task.prepare()
            log_path = None
            if log_dir is not None:
                log_path = log_dir / f"{task.name}-{repeat + 1}.log"
            log.info("run %s, repeat %d of %d", task.name, repeat + 1, repeats)
            measurement = run_measured(task, repeat, log_path)
            if task.collect is not None:
                measurement.details = task.collect()
            if measurement.returncode != 0:
                log.error(
                    "%s exited with code %d; see %s",
                    task.name,
                    measurement.returncode,
                    log_path,
                )
            measurements.append(measurement)
            if on_measurement is not None:
                on_measurement(measurement)
    return measurements


def summarise(measurements: Sequence[Measurement]) -> dict[str, dict[str, Any]]:
    """Return per-task medians, minimum and maximum of time and peak RSS.

    Failed runs (non-zero exit code) are counted but left out of the
    statistics, so a crash cannot pass for a fast run.
    """
    by_task: dict[str, list[Measurement]] = {}
    for measurement in measurements:
        by_task.setdefault(measurement.task, []).append(measurement)

    summary: dict[str, dict[str, Any]] = {}
    for name, runs in by_task.items():
        ok = [run for run in runs if run.returncode == 0]
        walls = [run.wall_seconds for run in ok]
        rss = [run.peak_rss_mib for run in ok]
        cpu = [run.user_seconds + run.system_seconds for run in ok]
        loads = [run.load_average for run in runs if run.load_average is not None]
        summary[name] = {
            "runs": len(runs),
            "failed_runs": len(runs) - len(ok),
            "median_wall_seconds": statistics.median(walls) if walls else None,
            "min_wall_seconds": min(walls) if walls else None,
            "max_wall_seconds": max(walls) if walls else None,
            "median_peak_rss_mib": statistics.median(rss) if rss else None,
            "max_peak_rss_mib": max(rss) if rss else None,
            "median_cpu_seconds": statistics.median(cpu) if cpu else None,
            "max_load_average": max(loads) if loads else None,
        }
    return summary


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return numerator / denominator, or None when either is missing or 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def read_meminfo_mib(path: Path = Path("/proc/meminfo")) -> float | None:
    """Return MemTotal from /proc/meminfo in MiB, or None off Linux."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * KIB / MIB
    except OSError:
        return None
    return None


def read_cpu_model(path: Path = Path("/proc/cpuinfo")) -> str:
    """Return the first 'model name' from /proc/cpuinfo, else platform's."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(packages: Sequence[str] = ()) -> dict[str, Any]:
    """Describe the machine and the versions of `packages` for the record."""
    from importlib import metadata

    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_model": read_cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(usable) if usable is not None else os.cpu_count(),
        "memory_mib": read_meminfo_mib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def measurements_as_dicts(measurements: Sequence[Measurement]) -> list[dict]:
    """Return the measurements as JSON-ready dictionaries."""
    return [asdict(measurement) for measurement in measurements]


def write_json(path: Path, payload: Mapping[str, Any]) -> Path:
    """Write `payload` as indented JSON, replacing `path` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    partial.replace(path)
    return path

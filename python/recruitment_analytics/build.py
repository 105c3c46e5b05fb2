"""Run dbt in-process and publish the warehouse file atomically."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from recruitment_analytics import PROJECT_DIR

log = logging.getLogger(__name__)

DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "recruitment.duckdb"


class BuildError(RuntimeError):
    """dbt reported a failure; the published warehouse was left untouched."""


def invoke_dbt(
    command: list[str],
    *,
    warehouse_path: Path,
    dbt_vars: Mapping[str, Any] | None = None,
    target_path: Path | None = None,
    project_dir: Path = PROJECT_DIR,
) -> Any:
    """Invoke a dbt command with dbtRunner against the given DuckDB file.

    Returns the dbtRunnerResult. The warehouse path reaches the profile
    through RA_WAREHOUSE_PATH, and the core count through RA_DUCKDB_THREADS
    unless the caller set it; both are restored afterwards.
    """
    from dbt.cli.main import dbtRunner

    args = [
        *command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir / "profiles"),
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars))]
    if target_path is not None:
        args += ["--target-path", str(target_path)]

    overrides = {"RA_WAREHOUSE_PATH": str(warehouse_path)}
    if not os.environ.get("RA_DUCKDB_THREADS"):
        # The profile cannot read the core count itself.
        overrides["RA_DUCKDB_THREADS"] = str(os.cpu_count() or 1)
    previous = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        log.info("dbt %s -> %s", " ".join(command), warehouse_path)
        return dbtRunner().invoke(args)
    finally:
        release_duckdb_file()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def release_duckdb_file() -> None:
    """Close the DuckDB database that dbt-duckdb keeps open after a command.

    dbt-duckdb caches one database per process and holds its file lock after
    dbtRunner returns. Without this, no other process (a BI tool, a second
    build) could open the published warehouse while this process lives.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    # NOTE: _ENV and _LOCK are private to dbt-duckdb (read in 1.11.1), and
    # close_all_connections() alone drops the reference without closing it.
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()


def staging_path_for(warehouse_path: Path) -> Path:
    """Return the file a build writes before it is published."""
    return warehouse_path.with_name(f".{warehouse_path.stem}.building.duckdb")


def publish_warehouse(built_path: Path, warehouse_path: Path) -> Path:
    """Checkpoint a finished build and rename it over the published file.

    The rename is atomic on one file system, so a reader sees either the
    old warehouse or the new one. A reader with the old file open
    keeps reading the old inode until it closes it.
    """
    with duckdb.connect(str(built_path)) as connection:
        connection.execute("checkpoint")
    wal = built_path.with_name(built_path.name + ".wal")
    if wal.exists():
        raise BuildError(f"write-ahead log {wal} is still present after checkpoint")
    os.replace(built_path, warehouse_path)
    log.info("published %s", warehouse_path)
    return warehouse_path


def build_warehouse(
    dbt_vars: Mapping[str, Any],
    *,
    warehouse_path: Path = DEFAULT_WAREHOUSE,
    target_path: Path | None = None,
    command: tuple[str, ...] = ("build",),
    project_dir: Path = PROJECT_DIR,
) -> Path:
    """Build the project into a temporary file, then publish it.

    Raises BuildError when dbt fails; the published warehouse stays as it
    was and the partial build is kept next to it for inspection.
    """
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    building = staging_path_for(warehouse_path)
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)

    result = invoke_dbt(
        list(command),
        warehouse_path=building,
        dbt_vars=dbt_vars,
        target_path=target_path,
        project_dir=project_dir,
    )
    if not result.success:
        raise BuildError(
            f"dbt {' '.join(command)} failed; {warehouse_path} was not replaced. "
            f"The partial build is in {building}; the dbt log above names the "
            "failing model or test."
        )
    return publish_warehouse(building, warehouse_path)

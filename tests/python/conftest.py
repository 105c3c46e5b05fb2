"""Shared fixtures: one small synthetic export and one warehouse built from it.

Building the project takes most of the suite's time, so the export and the
build are session-scoped and every end-to-end test reads the same file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from recruitment_analytics import PROJECT_DIR

SMALL_SCALE = float(os.environ.get("RA_TEST_SCALE", "0.03"))
SMALL_SEED = 7
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write a small seeded synthetic export and return its raw folder."""
    from recruitment_analytics.generate import generate_export

    raw = tmp_path_factory.mktemp("export") / "raw"
    generate_export(raw, seed=SMALL_SEED, scale=SMALL_SCALE)
    return raw


@pytest.fixture(scope="session")
def small_truth(small_export: Path) -> Path:
    """Return the planted-truth folder written beside the small export."""
    return small_export.with_name(small_export.name + "_truth")


@pytest.fixture(scope="session")
def built_warehouse(
    small_export: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Run `dbt build` on the small export and return the published file."""
    from recruitment_analytics.build import build_warehouse

    out = tmp_path_factory.mktemp("warehouse")
    return build_warehouse(
        {"raw_path": str(small_export)},
        warehouse_path=out / "recruitment.duckdb",
        target_path=out / "target",
    )


@pytest.fixture()
def warehouse(built_warehouse: Path):
    """Open the built warehouse read-only for one test."""
    connection = duckdb.connect(str(built_warehouse), read_only=True)
    yield connection
    connection.close()

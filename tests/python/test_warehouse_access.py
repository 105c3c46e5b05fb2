"""BI access to the published warehouse: column comments, SQLAlchemy and
read-only DuckDB readers, an atomic publish that does not disturb an open
reader, and `dbt docs generate`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from recruitment_analytics.build import build_warehouse, invoke_dbt

REPORT_TABLES = (
    "rpt_monthly_active_users",
    "rpt_daily_activity",
    "rpt_activity_by_weekday",
    "rpt_activity_by_day_of_month",
    "rpt_month_start_lift",
    "rpt_cohort_retention",
    "rpt_job_field_share",
    "rpt_new_vs_existing",
    "rpt_stage_funnel",
    "rpt_channel_summary",
)
CORE_TABLES = ("fct_events", "fct_sessions", "dim_users", "fct_applications")


def documented_sql_models(project_dir: Path) -> dict[str, set[str]]:
    """Return SQL models under models/marts with the columns their YAML documents.

    Python models are left out because dbt-duckdb does not apply
    persist_docs to them.
    """
    documented: dict[str, set[str]] = {}
    for path in (project_dir / "models" / "marts").rglob("_*.yml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in spec.get("models", []):
            if not (path.parent / f"{model['name']}.sql").exists():
                continue
            documented[model["name"]] = {
                column["name"] for column in model.get("columns", [])
            }
    return documented


def test_column_comments_reach_duckdb(warehouse, project_dir: Path) -> None:
    documented = documented_sql_models(project_dir)
    assert set(REPORT_TABLES) <= set(documented)
    comments = {
        (table, column): comment
        for table, column, comment in warehouse.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts'"
        ).fetchall()
    }
    for table, columns in documented.items():
        for column in columns:
            assert comments.get((table, column)), f"no comment on {table}.{column}"


def test_table_comments_reach_duckdb(warehouse) -> None:
    comments = dict(
        warehouse.execute(
            "select table_name, comment from duckdb_tables() "
            "where schema_name = 'marts'"
        ).fetchall()
    )
    for table in REPORT_TABLES + CORE_TABLES:
        assert comments.get(table), f"no description on marts.{table}"


def test_sqlalchemy_reads_marts(built_warehouse: Path) -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(
        f"duckdb:///{built_warehouse}", connect_args={"read_only": True}
    )
    try:
        with engine.connect() as connection:
            inspector = sqlalchemy.inspect(connection)
            tables = set(inspector.get_table_names(schema="marts"))
            assert set(REPORT_TABLES + CORE_TABLES) <= tables
            rows = connection.execute(
                sqlalchemy.text(
                    "select activity_month, active_users "
                    "from marts.rpt_monthly_active_users order by activity_month"
                )
            ).fetchall()
            assert rows
            assert all(row.active_users > 0 for row in rows)
            events = connection.execute(
                sqlalchemy.text("select count(*) from marts.fct_events")
            ).scalar_one()
            assert events > 0
    finally:
        engine.dispose()


def test_sqlalchemy_reflects_columns(built_warehouse: Path) -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(
        f"duckdb:///{built_warehouse}", connect_args={"read_only": True}
    )
    try:
        with engine.connect() as connection:
            columns = {
                column["name"]: column
                for column in sqlalchemy.inspect(connection).get_columns(
                    "rpt_monthly_active_users", schema="marts"
                )
            }
    finally:
        engine.dispose()
    assert {"activity_month", "active_users", "new_users"} <= set(columns)
    assert columns["active_users"]["comment"]


def test_read_only_connection_reads_and_rejects_writes(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        funnel = connection.execute(
            "select stage, users_reached from marts.rpt_stage_funnel "
            "order by stage_order"
        ).fetchall()
        assert [stage for stage, _ in funnel] == [
            "entry",
            "profile",
            "explore",
            "job_view",
            "apply",
            "applied",
        ]
        assert funnel[0][1] > 0
        with pytest.raises(duckdb.Error):
            connection.execute("create table marts.scratch as select 1 as x")


def _count_events_in_new_process(path: Path) -> int:
    """Count fct_events in a separate process, as a BI tool opening the file would.

    A new connection in this process could reuse DuckDB's cached instance of
    the old file, so it would not show the file a fresh reader opens.
    """
    script = (
        "import duckdb, sys\n"
        "with duckdb.connect(sys.argv[1], read_only=True) as connection:\n"
        "    print(connection.execute("
        "'select count(*) from marts.fct_events').fetchone()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(result.stdout.strip())


def test_publish_leaves_open_reader_working(
    built_warehouse: Path, small_export: Path, tmp_path: Path
) -> None:
    published = tmp_path / "recruitment.duckdb"
    shutil.copy(built_warehouse, published)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        before, last_date = reader.execute(
            "select count(*), max(event_date) from marts.fct_events"
        ).fetchone()
        # A shorter window makes the new build distinguishable from the old.
        end_date = last_date - timedelta(days=30)
        build_warehouse(
            {"raw_path": str(small_export), "analysis_end_date": str(end_date)},
            warehouse_path=published,
            target_path=tmp_path / "target",
        )
        still = reader.execute("select count(*) from marts.fct_events").fetchone()[0]
        assert still == before
        assert reader.execute(
            "select count(*) from marts.rpt_monthly_active_users"
        ).fetchone()[0]
    finally:
        reader.close()

    after = _count_events_in_new_process(published)
    assert 0 < after < before
    leftovers = sorted(path.name for path in tmp_path.glob(".*building*"))
    assert leftovers == []


def test_dbt_docs_generate(
    built_warehouse: Path, small_export: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "docs.duckdb"
    shutil.copy(built_warehouse, copy)
    target = tmp_path / "target"
    result = invoke_dbt(
        ["docs", "generate"],
        warehouse_path=copy,
        dbt_vars={"raw_path": str(small_export)},
        target_path=target,
    )
    assert result.success
    assert (target / "index.html").exists()
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    node = catalog["nodes"]["model.recruitment_analytics.rpt_monthly_active_users"]
    assert node["metadata"]["schema"] == "marts"
    assert node["columns"]["active_users"]["comment"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    model = manifest["nodes"]["model.recruitment_analytics.rpt_stage_funnel"]
    assert model["description"].startswith("One row per funnel stage")

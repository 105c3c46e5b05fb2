"""Command line: `python -m recruitment_analytics run|generate`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from recruitment_analytics import PROJECT_DIR

log = logging.getLogger("recruitment_analytics")

DEFAULT_RAW = PROJECT_DIR / "data" / "raw"
DEFAULT_REPORT = PROJECT_DIR / "reports" / "report.html"
LOG_PATTERNS = ("log_*.csv", "log_*.csv.gz", "log_*.parquet")


class UsageError(Exception):
    """A command-line value is invalid; the message names the fix."""


def has_log_files(folder: Path) -> bool:
    """Return whether a folder contains at least one request-log file."""
    return any(any(folder.glob(pattern)) for pattern in LOG_PATTERNS)


def resolve_input(args: argparse.Namespace) -> dict[str, Any]:
    """Choose the dbt vars for the input, generating synthetic data if needed."""
    if args.access_log:
        access_log = Path(args.access_log).expanduser()
        matches = (
            sorted(access_log.parent.glob(access_log.name))
            if any(ch in access_log.name for ch in "*?[")
            else [access_log]
        )
        if not matches or not all(path.is_file() for path in matches):
            raise UsageError(
                f"access log not found: {args.access_log}. "
                "Pass an existing file or glob, e.g. ACCESS_LOG=logs/access.log"
            )
        dbt_vars: dict[str, Any] = {
            "log_format": "combined",
            "access_log_path": str(access_log.resolve()),
            # A web server log has no fixed start date; keep every line
            # unless the caller sets one.
            "analysis_start_date": args.start_date,
        }
        return dbt_vars

    if args.raw:
        raw = Path(args.raw).expanduser().resolve()
        if not raw.is_dir():
            raise UsageError(
                f"raw export folder not found: {args.raw}. "
                "Pass the folder that contains log_*.csv, job.csv and application.csv"
            )
        if not has_log_files(raw):
            raise UsageError(
                f"no request log in {raw}: expected log_*.csv, log_*.csv.gz "
                "or log_*.parquet"
            )
    else:
        raw = DEFAULT_RAW
        if not has_log_files(raw):
            from recruitment_analytics.generate import generate_export

            log.info(
                "no export in %s; generating synthetic data (scale %s, seed %s)",
                raw,
                args.scale,
                args.seed,
            )
            generate_export(raw, seed=args.seed, scale=args.scale)

    dbt_vars = {"raw_path": str(raw)}
    if args.start_date:
        dbt_vars["analysis_start_date"] = args.start_date
    return dbt_vars


def command_run(args: argparse.Namespace) -> int:
    """Build the warehouse from the chosen input, render the report, summarise."""
    from recruitment_analytics.build import (
        DEFAULT_WAREHOUSE,
        BuildError,
        build_warehouse,
    )

    try:
        dbt_vars = resolve_input(args)
    except UsageError as error:
        log.error("%s", error)
        return 2
    if args.end_date:
        dbt_vars["analysis_end_date"] = args.end_date

    warehouse = Path(args.warehouse) if args.warehouse else DEFAULT_WAREHOUSE
    try:
        build_warehouse(dbt_vars, warehouse_path=warehouse.resolve())
    except BuildError as error:
        log.error("%s", error)
        return 1

    report = Path(args.report)
    if not args.no_report:
        from recruitment_analytics.report import render_report

        render_report(warehouse, report)
        log.info("report written to %s", report)

    from recruitment_analytics.summary import format_summary

    print(format_summary(warehouse, None if args.no_report else report))
    return 0


def command_generate(args: argparse.Namespace) -> int:
    """Write a synthetic export."""
    from recruitment_analytics.generate import generate_export

    generate_export(Path(args.out), seed=args.seed, scale=args.scale)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m recruitment_analytics")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="build the warehouse and the HTML report")
    run.add_argument("--raw", default="", help="folder with the platform export")
    run.add_argument(
        "--access-log", default="", help="access log file or glob (combined format)"
    )
    run.add_argument(
        "--scale", type=float, default=1.0, help="synthetic data size, 1.0 = 2023"
    )
    run.add_argument("--seed", type=int, default=42, help="synthetic data seed")
    run.add_argument("--start-date", default=None, help="first local date kept")
    run.add_argument("--end-date", default=None, help="last local date kept")
    run.add_argument("--warehouse", default="", help="published DuckDB file")
    run.add_argument("--report", default=str(DEFAULT_REPORT), help="HTML output")
    run.add_argument("--no-report", action="store_true", help="skip the HTML report")
    run.set_defaults(handler=command_run)

    generate = sub.add_parser("generate", help="write a synthetic export")
    generate.add_argument("--out", default=str(DEFAULT_RAW), help="output folder")
    generate.add_argument("--scale", type=float, default=1.0)
    generate.add_argument("--seed", type=int, default=42)
    generate.set_defaults(handler=command_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the subcommand."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

"""Command line: `python -m recruitment_analytics.generate --out data/raw --seed 42`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from recruitment_analytics.generate.export import FILE_FORMATS, generate_export


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the generator."""
    parser = argparse.ArgumentParser(
        prog="python -m recruitment_analytics.generate",
        description="Write a seeded synthetic platform export and its planted truth.",
    )
    parser.add_argument(
        "--out", default="data/raw", help="export folder (default: data/raw)"
    )
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed (default: 42)"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size relative to the 2023 export, 1.0 = 7.2 M requests",
    )
    parser.add_argument(
        "--truth",
        default=None,
        help="truth folder (default: <out>_truth beside the export)",
    )
    parser.add_argument(
        "--format", choices=FILE_FORMATS, default="csv", help="request log file format"
    )
    parser.add_argument(
        "--years", default="2023", help="comma-separated log years: 2023 or 2022,2023"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, write the export and print where it went."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        summary = generate_export(
            Path(args.out),
            seed=args.seed,
            scale=args.scale,
            truth_dir=Path(args.truth) if args.truth else None,
            years=[y.strip() for y in args.years.split(",") if y.strip()],
            file_format=args.format,
        )
    except ValueError as error:
        logging.getLogger(__name__).error("%s", error)
        return 2
    for path in summary.files:
        print(path)
    print(f"truth: {summary.truth_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

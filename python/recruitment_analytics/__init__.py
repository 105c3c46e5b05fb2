"""Recruitment platform request-log analytics: a dbt project on DuckDB.

The package contains the synthetic export generator, the functions behind the
dbt Python models, the HTML report and the command line.
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
"""Folder with dbt_project.yml; the package lives in its python/ subfolder."""

__version__ = "0.1.0"

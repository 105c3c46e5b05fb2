"""Seeded synthetic platform export with planted behaviour and its truth.

`generate_export` writes the request log, job postings, applications and
bookmarks in the real export's layout, and writes the planted truth (persona
per user, intended figures) to a separate folder that no model reads.
"""

from recruitment_analytics.generate.export import (
    FILE_FORMATS,
    ExportSummary,
    default_truth_dir,
    generate_export,
)

__all__ = ["FILE_FORMATS", "ExportSummary", "default_truth_dir", "generate_export"]

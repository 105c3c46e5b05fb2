"""Render the HTML report from the warehouse's report tables."""

from recruitment_analytics.report.data import ReportError
from recruitment_analytics.report.render import render_report

__all__ = ["ReportError", "render_report"]

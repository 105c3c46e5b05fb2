"""End-to-end tests of the HTML report: render it from the built warehouse,
open it in headless Chromium and check that every chart drew its marks and
that the page loaded nothing from outside the file."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from recruitment_analytics.report import ReportError, render_report
from recruitment_analytics.report.data import SEGMENT_TABLES, ReportData
from recruitment_analytics.report.render import section_fields
from recruitment_analytics.report.svg import Series, bar_chart, heatmap, nice_ticks

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MIN_CHARTS = 14
"""Charts drawn from the report tables alone (segment charts come on top)."""

COUNT_MARKS = """
return Array.from(document.querySelectorAll('svg.chart')).map(chart => {
  const box = chart.getBoundingClientRect();
  const marks = Array.from(chart.querySelectorAll('.mark')).filter(mark => {
    const shape = mark.getBBox();
    return shape.width > 0 || shape.height > 0;
  });
  return {
    title: chart.getAttribute('aria-label'),
    width: box.width,
    height: box.height,
    marks: marks.length,
  };
});
"""


@pytest.fixture(scope="module")
def report_html(
    built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Render the report from the built warehouse once for this module."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    return render_report(built_warehouse, out)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Start headless Chromium with a fresh profile and no background traffic."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} not found; install the Debian "
            "packages chromium and chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1100,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(
        service=Service(executable_path=str(CHROMEDRIVER)), options=options
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def loaded_page(browser, report_html: Path):
    """Open the rendered report and return the driver showing it."""
    browser.get(report_html.as_uri())
    return browser


def test_report_file_is_self_contained(report_html: Path) -> None:
    page = report_html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(" not in page


def test_report_labels_are_ascii(report_html: Path) -> None:
    page = report_html.read_text(encoding="utf-8")
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", page, flags=re.S)
    assert charts
    for chart in charts:
        assert chart.isascii(), "a chart label needs a non-Latin font"


def test_every_chart_has_marks(loaded_page) -> None:
    charts = loaded_page.execute_script(COUNT_MARKS)
    assert len(charts) >= MIN_CHARTS
    for chart in charts:
        assert chart["width"] > 0, chart["title"]
        assert chart["height"] > 0, chart["title"]
        assert chart["marks"] > 0, f"chart drew no marks: {chart['title']}"


def test_page_makes_no_external_requests(loaded_page, report_html: Path) -> None:
    requests = []
    for entry in loaded_page.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            params = message["params"]
            requests.append((params.get("documentURL"), params["request"]["url"]))
    page_uri = report_html.as_uri()
    from_page = [url for document, url in requests if document == page_uri]
    assert page_uri in from_page
    assert all(url.startswith(("file:", "data:")) for url in from_page), from_page
    network = [url for _, url in requests if url.startswith(("http", "ws"))]
    assert network == []
    resources = loaded_page.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert resources == []


def test_headline_table_is_filled(loaded_page) -> None:
    rows = loaded_page.execute_script(
        "return Array.from(document.querySelectorAll('table.headlines tr'))"
        ".slice(1).map(row => Array.from(row.cells).map(cell => cell.innerText));"
    )
    assert len(rows) >= 10
    figures = dict(rows)
    distinct = next(value for label, value in figures.items() if "Distinct" in label)
    assert int(distinct.replace(",", "")) > 0
    assert figures["Application completion rate, new users"] != "n/a"
    assert figures["Application completion rate, existing users"] != "n/a"


def test_report_screenshot(loaded_page, tmp_path_factory) -> None:
    height = loaded_page.execute_script("return document.body.scrollHeight;")
    loaded_page.set_window_size(1100, min(int(height) + 40, 16000))
    path = tmp_path_factory.mktemp("screenshot") / "report.png"
    assert loaded_page.save_screenshot(str(path))
    print(f"report screenshot: {path}")
    assert path.stat().st_size > 50_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_segments_section_follows_tables(
    built_warehouse: Path, report_html: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        present = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts'"
            ).fetchall()
        }
    has_segments = bool(present & set(SEGMENT_TABLES))
    assert ('id="segments"' in report_html.read_text()) == has_segments

    stripped = tmp_path / "without_segments.duckdb"
    shutil.copy(built_warehouse, stripped)
    with duckdb.connect(str(stripped)) as connection:
        for name in SEGMENT_TABLES:
            connection.execute(f"drop table if exists marts.{name} cascade")
    page = render_report(stripped, tmp_path / "report.html").read_text()
    assert 'id="segments"' not in page
    assert 'id="funnel"' in page


def test_missing_report_table_raises(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(ReportError, match="rpt_monthly_active_users"):
        render_report(empty, tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()


def test_nice_ticks_cover_maximum() -> None:
    assert nice_ticks(0) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
    assert nice_ticks(4700)[-1] >= 4700
    assert nice_ticks(4700) == [0, 1000, 2000, 3000, 4000, 5000]
    assert nice_ticks(0.37)[-1] >= 0.37


def test_heatmap_leaves_unfinished_cells_unmarked() -> None:
    chart = heatmap(
        ["2023-06-05", "2023-06-12"],
        ["0", "1"],
        [[1.0, 0.0], [1.0, None]],
        title="Weekly retention",
        x_label="Weeks",
    )
    assert chart.count('class="mark"') == 3
    assert chart.count('class="empty-cell"') == 1


def test_bar_chart_escapes_labels() -> None:
    chart = bar_chart(["<b>&"], [Series("n", [3.0])], title="T <x>", y_label="Count")
    assert "<b>" not in chart
    assert "&lt;b&gt;&amp;" in chart
    assert chart.count('class="mark"') == 1


def test_unnamed_job_field_gets_ascii_label() -> None:
    fields = pd.DataFrame(
        {
            "job_field": ["SW 개발", "투자"],
            "job_field_en": ["Software development", "투자"],
            "postings": [3, 1],
            "applications": [2, 2],
            "posting_share": [0.75, 0.25],
            "application_share": [0.5, 0.5],
        }
    )
    data = ReportData(tables={"rpt_job_field_share": fields}, segments={}, headlines={})
    section = section_fields(data)
    chart = re.search(r"<svg class=\"chart\".*?</svg>", section, flags=re.S)
    assert chart is not None
    assert chart.group(0).isascii()
    assert "Field without English name 2" in chart.group(0)
    assert "투자" in section

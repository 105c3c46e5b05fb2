"""Job postings, applications and bookmarks that accompany the request log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from recruitment_analytics.generate import calibration as cal
from recruitment_analytics.generate.timeline import (
    exact_counts,
    exact_labels,
    uuid4_strings,
)

CAREER_TYPE_STRINGS = [
    "경력",
    "신입",
    "신입,경력",
    "경력,인턴",
    "신입,인턴",
    "신입,경력,인턴",
    "인턴",
]
CAREER_TYPE_SHARES = [0.38, 0.14, 0.3, 0.04, 0.06, 0.05, 0.03]
US_PER_DAY = 86_400 * 1_000_000


def epoch_us(day: dt.date) -> int:
    """Return UTC epoch microseconds of midnight UTC on a date."""
    return (
        int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
        * 1_000_000
    )


def format_timestamps(ts_us: np.ndarray, style: np.ndarray | None = None) -> np.ndarray:
    """Format UTC microseconds as export strings.

    Style 0 has microseconds, 1 no fraction and 2 milliseconds.
    """
    stamps = pd.to_datetime(ts_us, unit="us")
    base = stamps.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object)
    micro = (ts_us % 1_000_000).astype(np.int64)
    full = base + pd.Series(micro).map("{:06d}".format).radd(".").to_numpy(dtype=object)
    if style is None:
        return full + " UTC"
    milli = base + pd.Series(micro // 1000).map("{:03d}".format).radd(".").to_numpy(
        dtype=object
    )
    out = np.where(style == 0, full, np.where(style == 1, base, milli))
    return out + " UTC"


class Jobs:
    """Job postings with job fields in the planted posting shares."""

    def __init__(self, rng: np.random.Generator, scale: float, last_year: int) -> None:
        n_jobs = max(200, round(cal.JOBS * scale))
        n_companies = max(50, round(cal.COMPANIES * scale))
        self.uuid = uuid4_strings(rng, n_jobs)
        self.company_uuids = uuid4_strings(rng, n_companies)
        self.company = rng.integers(0, n_companies, n_jobs)
        self.field = exact_labels(rng, np.array(cal.POSTING_SHARES), n_jobs)
        start = epoch_us(dt.date(cal.FIRST_APPLICATION_YEAR, 1, 1))
        end = epoch_us(dt.date(last_year, 12, 31))
        # Postings grow over the years: a square-root draw puts more of them late.
        self.created_us = (start + np.sqrt(rng.random(n_jobs)) * (end - start)).astype(
            np.int64
        )
        self.modified_us = self.created_us + (
            rng.exponential(30, n_jobs) * US_PER_DAY
        ).astype(np.int64)
        self.career = rng.choice(
            len(CAREER_TYPE_STRINGS), size=n_jobs, p=CAREER_TYPE_SHARES
        )
        self.open_days = np.where(
            rng.random(n_jobs) < 0.3, -1, rng.integers(14, 120, n_jobs)
        )
        self.allow_remote = rng.random(n_jobs) < 0.18
        self.show_salary = rng.random(n_jobs) < 0.35
        self._by_field = {}
        for field in range(len(cal.JOB_FIELDS)):
            members = np.flatnonzero(self.field == field)
            members = members[np.argsort(self.created_us[members], kind="stable")]
            self._by_field[field] = members

    @property
    def size(self) -> int:
        """Return the number of postings."""
        return len(self.uuid)

    def pick(
        self, rng: np.random.Generator, field: np.ndarray, at_us: np.ndarray
    ) -> np.ndarray:
        """Pick a posting of the given field created before the given time, per row."""
        out = np.empty(len(field), dtype=np.int64)
        for code, members in self._by_field.items():
            rows = np.flatnonzero(field == code)
            if not len(rows):
                continue
            available = np.searchsorted(
                self.created_us[members], at_us[rows], side="right"
            )
            available = np.maximum(available, 1)
            out[rows] = members[(rng.random(len(rows)) * available).astype(np.int64)]
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the posting table in the export's column order."""
        start = pd.to_datetime(self.created_us, unit="us").normalize()
        end = start + pd.to_timedelta(np.maximum(self.open_days, 0), unit="D")
        return pd.DataFrame(
            {
                "cdate": format_timestamps(self.created_us),
                "mdate": format_timestamps(self.modified_us),
                "job_field": np.array(cal.JOB_FIELDS, dtype=object)[self.field],
                "career_type_string": np.array(CAREER_TYPE_STRINGS, dtype=object)[
                    self.career
                ],
                "start_date": start.strftime("%Y-%m-%d"),
                "end_date": np.where(
                    self.open_days < 0, None, end.strftime("%Y-%m-%d")
                ),
                "allow_remote": self.allow_remote,
                "can_show_salary": self.show_salary,
                "job_uuid": self.uuid,
                "company_uuid": self.company_uuids[self.company],
            }
        )


def fields_with_exact_shares(
    rng: np.random.Generator, preferred: np.ndarray, shares: list[float]
) -> np.ndarray:
    """Draw fields from preferences, then fix the totals to follow the shares."""
    n = len(preferred)
    field = np.where(
        rng.random(n) < 0.75,
        preferred,
        rng.choice(len(shares), n, p=np.array(shares) / sum(shares)),
    )
    target = exact_counts(np.array(shares), n)
    surplus_rows = []
    for code in range(len(shares)):
        rows = np.flatnonzero(field == code)
        extra = len(rows) - target[code]
        if extra > 0:
            surplus_rows.append(rng.choice(rows, size=extra, replace=False))
    if surplus_rows:
        moved = np.concatenate(surplus_rows)
        current = np.bincount(np.delete(field, moved), minlength=len(shares))
        deficit = target - current
        refill = np.repeat(np.arange(len(shares)), np.maximum(deficit, 0))
        rng.shuffle(refill)
        field[moved] = refill[: len(moved)]
    return field


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a side table the way the exporter did: pandas CSV with its index column."""
    frame.reset_index(drop=True).to_csv(path, index=True, lineterminator="\n")

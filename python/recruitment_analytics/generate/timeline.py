"""Calendar weights, time-of-day sampling and identifiers.

Days are indexed from 1 January of the generated year in Korea local time.
Seconds of day are local seconds; conversion to UTC happens when rows are
assembled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from recruitment_analytics.generate import calibration as cal


@dataclass(frozen=True)
class YearCalendar:
    """Daily traffic weights of one generated year."""

    year: int
    day_weight: np.ndarray
    window_start_day: int | None
    """Day index of the analysis window start, or None when the year has no window."""

    @property
    def n_days(self) -> int:
        """Return the number of days in the year."""
        return len(self.day_weight)

    @property
    def first_day(self) -> dt.date:
        """Return 1 January of the year."""
        return dt.date(self.year, 1, 1)

    def epoch_seconds(self, day: np.ndarray) -> np.ndarray:
        """Return UTC epoch seconds of local midnight for each day index."""
        local_midnight = dt.datetime(self.year, 1, 1, tzinfo=dt.UTC).timestamp()
        return (
            local_midnight
            - cal.LOCAL_UTC_OFFSET_HOURS * 3600
            + day.astype(np.int64) * 86400
        ).astype(np.int64)


def build_calendar(year: int, plant_window: bool) -> YearCalendar:
    """Return daily weights: a declining trend, weekends, holidays and month starts."""
    first = dt.date(year, 1, 1)
    n_days = (dt.date(year + 1, 1, 1) - first).days
    days = [first + dt.timedelta(days=i) for i in range(n_days)]
    trend = np.linspace(1.0, cal.TREND_END_FACTOR, n_days)
    weekend = np.array([cal.WEEKEND_FACTOR if d.weekday() >= 5 else 1.0 for d in days])
    holidays = {dt.date.fromisoformat(s) for s in cal.HOLIDAYS.get(year, [])}
    holiday = np.array(
        [cal.HOLIDAY_FACTOR if d in holidays and d.weekday() < 5 else 1.0 for d in days]
    )
    month_start = np.array(
        [cal.MONTH_START_FACTOR if d.day <= cal.MONTH_START_DAYS else 1.0 for d in days]
    )
    window_start = None
    if plant_window and cal.WINDOW_START.year == year:
        window_start = (cal.WINDOW_START - first).days
    return YearCalendar(year, trend * weekend * holiday * month_start, window_start)


def with_decline(
    calendar: YearCalendar, first_day: int, end_factor: float
) -> YearCalendar:
    """Return a calendar whose weights also fall linearly after `first_day`."""
    ramp = np.ones(calendar.n_days)
    ramp[first_day:] = np.linspace(1.0, end_factor, calendar.n_days - first_day)
    return YearCalendar(
        calendar.year, calendar.day_weight * ramp, calendar.window_start_day
    )


def sample_days(
    rng: np.random.Generator,
    calendar: YearCalendar,
    low: np.ndarray | int,
    high: np.ndarray | int,
    size: int | None = None,
) -> np.ndarray:
    """Draw day indexes in [low, high] with probability proportional to weight."""
    low_arr = np.asarray(low, dtype=np.int64)
    high_arr = np.asarray(high, dtype=np.int64)
    if size is None:
        size = int(np.broadcast(low_arr, high_arr).size)
    low_arr = np.broadcast_to(low_arr, (size,))
    high_arr = np.broadcast_to(np.maximum(high_arr, low_arr), (size,))
    cumulative = np.concatenate([[0.0], np.cumsum(calendar.day_weight)])
    lo_mass = cumulative[low_arr]
    hi_mass = cumulative[high_arr + 1]
    target = lo_mass + rng.random(size) * (hi_mass - lo_mass)
    day = np.searchsorted(cumulative, target, side="right") - 1
    return np.clip(day, low_arr, high_arr).astype(np.int64)


def local_hour_weights() -> np.ndarray:
    """Return the share of requests per local hour, from the UTC hour counts."""
    utc = np.array(cal.UTC_HOUR_ROWS, dtype=float)
    local = np.roll(utc, cal.LOCAL_UTC_OFFSET_HOURS)
    return local / local.sum()


def sample_local_seconds(rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw local seconds of day following the hour-of-day mix of requests."""
    hours = rng.choice(24, size=size, p=local_hour_weights())
    return hours * 3600 + rng.integers(0, 3600, size=size)


def uuid4_strings(rng: np.random.Generator, size: int) -> np.ndarray:
    """Return lowercase UUID version 4 strings drawn from the generator."""
    raw = rng.integers(0, 256, size=(size, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    out = np.empty(size, dtype=object)
    for i, row in enumerate(raw):
        h = row.tobytes().hex()
        out[i] = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return out


def ragged_arange(counts: np.ndarray) -> np.ndarray:
    """Return 0..c-1 for every count c, concatenated."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts


def exact_counts(shares: np.ndarray, total: int) -> np.ndarray:
    """Split a total into integer counts by shares (largest remainder)."""
    shares = np.asarray(shares, dtype=float)
    raw = shares / shares.sum() * total
    counts = np.floor(raw).astype(np.int64)
    remainder = total - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def exact_labels(
    rng: np.random.Generator, shares: np.ndarray, total: int
) -> np.ndarray:
    """Return a shuffled label array whose counts follow the shares exactly."""
    labels = np.repeat(np.arange(len(shares)), exact_counts(shares, total))
    rng.shuffle(labels)
    return labels

"""Planted truth: figures measured on the generated rows, personas, side tables.

Every figure is computed from the rows that were written (not from the
targets), so a pipeline that reproduces them has read the export correctly.
"Kept" rows are those a pipeline keeps: well formed, status below 400 and not
from an automated client.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from recruitment_analytics.generate import calibration as cal
from recruitment_analytics.generate import population as pop
from recruitment_analytics.generate import urls
from recruitment_analytics.generate.side_tables import (
    US_PER_DAY,
    Jobs,
    epoch_us,
    fields_with_exact_shares,
    format_timestamps,
    write_table,
)
from recruitment_analytics.generate.timeline import uuid4_strings

US_PER_SECOND = 1_000_000
COHORT_MAX_SESSION_SECONDS = 180
COHORT_MAX_SESSIONS = 3
COHORT_MIN_LISTING_VIEWS = 13


def shares(counts: pd.Series) -> dict[str, float]:
    """Return counts as rounded shares keyed by string labels."""
    total = counts.sum()
    return {str(k): round(float(v) / total, 6) for k, v in counts.items()}


def year_figures(
    result, vocab: urls.UrlVocabulary, n_lines: int, malformed: dict[str, int]
) -> dict:
    """Measure the planted figures of one year's rows."""
    rows = result.rows
    people = result.people
    calendar = result.calendar
    epoch0 = int(calendar.epoch_seconds(np.array([0]))[0]) * US_PER_SECOND
    local_day = (rows.ts_us - epoch0) // US_PER_DAY
    page_type = vocab.template_page_type[result.template]
    automated = rows.user >= people.size
    kept = (rows.status < 400) & ~automated
    window = calendar.window_start_day
    in_window = local_day >= window if window is not None else np.zeros(rows.size, bool)

    frame = pd.DataFrame(
        {
            "user": rows.user,
            "day": local_day,
            "page_type": page_type,
            "ts": rows.ts_us,
            "kept": kept,
            "in_window": in_window,
        }
    )

    utc_hour = (rows.ts_us // (3600 * US_PER_SECOND)) % 24
    figures: dict = {
        "rows_total": int(n_lines),
        "rows_well_formed": int(rows.size),
        "malformed_by_kind": malformed,
        "distinct_users": int(np.unique(rows.user).size),
        "automated_clients": int(np.unique(rows.user[automated]).size),
        "method_share": code_shares(rows.method, urls.METHODS),
        "status_share": shares(pd.Series(rows.status).value_counts().sort_index()),
        "utc_hour_share": shares(pd.Series(utc_hour).value_counts().sort_index()),
        "empty_url_share": round(float(vocab.variant_is_empty[rows.variant].mean()), 6),
        "first_apply_complete_date": first_date(
            calendar, local_day, page_type == urls.PAGE_TYPE_CODE["apply_complete"]
        ),
        "signup_started_users": users_with(
            frame, urls.PAGE_TYPE_CODE["signup"], kept_only=False
        ),
        "signup_done_users": users_with(
            frame, urls.PAGE_TYPE_CODE["signup_complete"], kept_only=False
        ),
        "utm_rows": utm_rows(vocab, rows.variant),
        "error_rows_by_url": error_rows_by_url(vocab, result.template, rows.status),
        "rate_limits": rate_limits(rows, automated),
    }
    if window is None:
        return figures

    window_frame = frame[frame["in_window"]]
    kept_window = window_frame[window_frame["kept"]]
    figures["users_in_window"] = int(window_frame["user"].nunique())
    figures["users_in_window_without_automated"] = int(
        window_frame.loc[window_frame["user"] < people.size, "user"].nunique()
    )

    month_of_day = pd.date_range(calendar.first_day, periods=calendar.n_days)
    month_of_day = np.asarray(month_of_day.strftime("%Y-%m"))
    month = month_of_day[local_day[in_window & kept]]
    mau = pd.Series(rows.user[in_window & kept]).groupby(month).nunique()
    figures["monthly_active_users"] = {str(k): int(v) for k, v in mau.items()}
    figures.update(calendar_figures(kept_window, calendar))
    figures.update(application_figures(kept_window, people))
    figures["personas"] = persona_figures(kept_window, result)
    return figures


def first_date(calendar, local_day: np.ndarray, mask: np.ndarray) -> str | None:
    """Return the earliest local date among masked rows, or None."""
    if not mask.any():
        return None
    return str(calendar.first_day + dt.timedelta(days=int(local_day[mask].min())))


def code_shares(codes: np.ndarray, names: list[str]) -> dict[str, float]:
    """Return the share of each named code, for codes that occur."""
    counts = np.bincount(codes, minlength=len(names))
    return {
        name: round(float(count) / len(codes), 6)
        for name, count in sorted(zip(names, counts, strict=True))
        if count
    }


def users_with(frame: pd.DataFrame, page_type: int, kept_only: bool) -> int:
    """Count users with at least one row of a page type."""
    mask = frame["page_type"] == page_type
    if kept_only:
        mask &= frame["kept"]
    return int(frame.loc[mask, "user"].nunique())


def utm_rows(vocab: urls.UrlVocabulary, variant: np.ndarray) -> dict[str, int]:
    """Count rows per `utm_source / utm_medium` pair."""
    counts = np.bincount(variant, minlength=len(vocab.strings))
    out: dict[str, int] = {}
    for vid in np.flatnonzero(counts):
        text = vocab.strings[vid]
        if "utm_source=" not in text:
            continue
        params = dict(p.split("=", 1) for p in text.split("?", 1)[1].split("&"))
        key = f"{params['utm_source']} / {params['utm_medium']}"
        out[key] = out.get(key, 0) + int(counts[vid])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def error_rows_by_url(
    vocab: urls.UrlVocabulary, template: np.ndarray, status: np.ndarray
) -> dict[str, int]:
    """Count failed rows (status >= 400) per URL path, the ten largest."""
    counts = pd.Series(
        np.array([t.variants[0].split("?")[0] for t in vocab.templates])[
            template[status >= 400]
        ]
    )
    return {str(k): int(v) for k, v in counts.value_counts().head(10).items()}


def busiest(users: np.ndarray, bucket: np.ndarray) -> int:
    """Return the largest number of rows one user has in one time bucket."""
    if not len(users):
        return 0
    key = users.astype(np.int64) * (int(bucket.max()) + 1) + bucket
    return int(np.unique(key, return_counts=True)[1].max())


def rate_limits(rows, automated: np.ndarray) -> dict[str, int]:
    """Return the busiest minute and day of people and of automated clients."""
    out = {}
    for label, mask in (("people", ~automated), ("automated", automated)):
        users = rows.user[mask]
        minute = rows.ts_us[mask] // (60 * US_PER_SECOND)
        day = rows.ts_us[mask] // US_PER_DAY
        out[f"{label}_max_requests_per_minute"] = busiest(users, minute)
        out[f"{label}_max_requests_per_day"] = busiest(users, day)
    return out


def calendar_figures(kept_window: pd.DataFrame, calendar) -> dict:
    """Return the month-start lift and weekday shares of kept window events."""
    daily = kept_window.groupby("day").size()
    dau = kept_window.groupby("day")["user"].nunique()
    dates = pd.to_datetime(calendar.first_day) + pd.to_timedelta(daily.index, unit="D")
    month_start = dates.day <= cal.MONTH_START_DAYS
    weekday = (
        pd.Series(daily.to_numpy(), index=dates.isocalendar().day.to_numpy())
        .groupby(level=0)
        .sum()
    )
    return {
        "month_start_event_lift": round(
            float(daily[month_start].mean() / daily[~month_start].mean()), 4
        ),
        "month_start_dau_lift": round(
            float(dau[month_start].mean() / dau[~month_start].mean()), 4
        ),
        "weekday_event_share": shares(weekday),
        "daily_events_first_week": int(daily.iloc[:7].sum()),
        "daily_events_last_week": int(daily.iloc[-7:].sum()),
    }


def application_figures(kept_window: pd.DataFrame, people: pop.Population) -> dict:
    """Return completion rates and days to the first submit, by user type."""
    people_rows = kept_window[kept_window["user"] < people.size]
    opened = people_rows.loc[
        people_rows["page_type"] == urls.PAGE_TYPE_CODE["apply_form"], "user"
    ].unique()
    submits = people_rows[
        people_rows["page_type"] == urls.PAGE_TYPE_CODE["apply_submit"]
    ]
    first_submit = submits.groupby("user")["ts"].min()
    signed_up = (
        people_rows[people_rows["page_type"] == urls.PAGE_TYPE_CODE["signup_complete"]]
        .groupby("user")["ts"]
        .min()
    )
    first_event = people_rows.groupby("user")["ts"].min()
    out: dict = {
        "completion_rate": {},
        "openers": {},
        "submitters": {},
        "days_to_apply_mean": {},
        "days_to_apply_median": {},
    }
    for user_type, flag in (("new", True), ("existing", False)):
        openers = opened[people.is_new[opened] == flag]
        submitted = np.intersect1d(openers, first_submit.index.to_numpy())
        out["openers"][user_type] = int(len(openers))
        out["submitters"][user_type] = int(len(submitted))
        out["completion_rate"][user_type] = round(
            len(submitted) / max(len(openers), 1), 4
        )
        appliers = first_submit.index.to_numpy()
        appliers = appliers[people.is_new[appliers] == flag]
        anchor = signed_up if flag else first_event
        appliers = appliers[np.isin(appliers, anchor.index.to_numpy())]
        days = (first_submit.loc[appliers] - anchor.loc[appliers]) / US_PER_DAY
        out["days_to_apply_mean"][user_type] = (
            round(float(days.mean()), 2) if len(days) else None
        )
        out["days_to_apply_median"][user_type] = (
            round(float(days.median()), 2) if len(days) else None
        )
    return out


def share_with(view: pd.DataFrame, page: str) -> float:
    """Return the share of users (rows) with at least one view of a page type."""
    if not len(view):
        return 0.0
    return round(float((view[urls.PAGE_TYPE_CODE[page]] > 0).mean()), 4)


def persona_figures(kept_window: pd.DataFrame, result) -> dict:
    """Return per-persona means over window users: sessions, views and applications."""
    people = result.people
    sessions = result.sessions
    window_sessions = sessions.in_window
    session_users = sessions.user[window_sessions]
    durations = pd.Series(sessions.duration[window_sessions]).groupby(session_users)
    max_duration = durations.max()
    mean_duration = durations.mean()
    counts = (
        kept_window[kept_window["user"] < people.size]
        .groupby(["user", "page_type"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=range(len(urls.PAGE_TYPES)), fill_value=0)
    )
    out = {}
    for code, name in enumerate(pop.PERSONAS):
        members = np.flatnonzero(people.in_window & (people.persona == code))
        view = counts.reindex(members, fill_value=0)

        def mean_of(page: str, view: pd.DataFrame = view) -> float:
            return round(float(view[urls.PAGE_TYPE_CODE[page]].mean()), 2)

        listing = view[urls.PAGE_TYPE_CODE["job_list"]].to_numpy()
        longest = max_duration.reindex(members).to_numpy()
        cohort = (
            (people.window_sessions[members] <= COHORT_MAX_SESSIONS)
            & (longest <= COHORT_MAX_SESSION_SECONDS)
            & (listing >= COHORT_MIN_LISTING_VIEWS)
        )
        out[name] = {
            "users": int(len(members)),
            "new_users": int(people.is_new[members].sum()),
            "mean_sessions": round(float(people.window_sessions[members].mean()), 2),
            "mean_session_seconds": round(
                float(mean_duration.reindex(members).mean()), 1
            ),
            "mean_job_list_views": mean_of("job_list"),
            "mean_job_detail_views": mean_of("job_detail"),
            "mean_profile_views": mean_of("profile"),
            "mean_apply_form_views": mean_of("apply_form"),
            "share_opening_form": share_with(view, "apply_form"),
            "share_submitting": share_with(view, "apply_submit"),
            "share_meeting_cohort_rule": round(float(cohort.mean()), 4)
            if len(members)
            else 0.0,
        }
    return out


def personas_frame(results: list) -> pd.DataFrame:
    """Return one row per log user: planted persona, user type and automation flag."""
    frames = []
    for result in results:
        people = result.people
        active = np.zeros(people.size + len(result.automated_uuids), dtype=bool)
        epoch0 = int(result.calendar.epoch_seconds(np.array([0]))[0]) * US_PER_SECOND
        window = result.calendar.window_start_day
        if window is not None:
            local_day = (result.rows.ts_us - epoch0) // US_PER_DAY
            active[np.unique(result.rows.user[local_day >= window])] = True
        persona = np.concatenate(
            [
                np.array(pop.PERSONA_NAMES, dtype=object)[people.persona],
                np.full(len(result.automated_uuids), cal.AUTOMATED, dtype=object),
            ]
        )
        user_type = np.concatenate(
            [
                np.where(people.is_new, "new", "existing"),
                np.full(len(result.automated_uuids), "existing"),
            ]
        )
        field = np.concatenate(
            [people.preferred_field, np.full(len(result.automated_uuids), -1)]
        )
        frames.append(
            pd.DataFrame(
                {
                    "user_uuid": np.concatenate([people.uuid, result.automated_uuids]),
                    "persona": persona,
                    "user_type": np.where(active, user_type, None),
                    "is_automated": np.concatenate(
                        [
                            np.zeros(people.size, bool),
                            np.ones(len(result.automated_uuids), bool),
                        ]
                    ),
                    "active_in_window": active,
                    "preferred_job_field": np.where(
                        field >= 0,
                        np.array(cal.JOB_FIELDS, dtype=object)[np.maximum(field, 0)],
                        None,
                    ),
                    "last_log_year": result.year,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    return (
        frame.drop_duplicates("user_uuid", keep="last")
        .sort_values("user_uuid")
        .reset_index(drop=True)
    )


def write_side_tables(
    rng: np.random.Generator,
    out_dir: Path,
    results: list,
    vocab: urls.UrlVocabulary,
    scale: float,
) -> dict:
    """Write job.csv, application.csv and bookmark.csv.

    Returns the written files and the job field figures.
    """
    first_year = min(r.year for r in results)
    last_year = max(r.year for r in results)
    jobs = Jobs(rng, scale, last_year)

    users, stamps, preferred = [], [], []
    submit_tid = vocab.tid("apply_submit")
    for result in results:
        submits = (result.template == submit_tid) & (result.rows.status < 400)
        owners = result.rows.user[submits]
        users.append(result.people.uuid[owners])
        stamps.append(
            result.rows.ts_us[submits]
            + rng.integers(200_000, 900_000, int(submits.sum()))
        )
        preferred.append(result.people.preferred_field[owners])
    log_users = np.concatenate(users)
    log_stamps = np.concatenate(stamps)
    log_preferred = np.concatenate(preferred)
    log_fields = np.empty(len(log_preferred), dtype=np.int64)
    window_start = (
        epoch_us(cal.WINDOW_START) - cal.LOCAL_UTC_OFFSET_HOURS * 3600 * US_PER_SECOND
    )
    # Shares are exact inside the analysis window and over the rest separately.
    for part in (log_stamps >= window_start, log_stamps < window_start):
        log_fields[part] = fields_with_exact_shares(
            rng, log_preferred[part], cal.APPLICATION_SHARES
        )

    n_history = max(10, round(cal.HISTORIC_APPLICATIONS * scale))
    history_start = epoch_us(dt.date(cal.FIRST_APPLICATION_YEAR, 1, 1))
    history_end = epoch_us(dt.date(first_year, 1, 1))
    history_stamps = history_start + (
        np.sqrt(rng.random(n_history)) * (history_end - history_start)
    ).astype(np.int64)
    known = np.concatenate([r.people.uuid[~r.people.is_new] for r in results])
    old = uuid4_strings(rng, max(1, n_history // 10))
    history_users = np.where(
        rng.random(n_history) < 0.7,
        rng.choice(known, n_history),
        rng.choice(old, n_history),
    )
    history_fields = fields_with_exact_shares(
        rng, rng.choice(len(cal.JOB_FIELDS), n_history), cal.APPLICATION_SHARES
    )

    app_users = np.concatenate([log_users, history_users])
    app_stamps = np.concatenate([log_stamps, history_stamps])
    app_fields = np.concatenate([log_fields, history_fields])
    job = jobs.pick(rng, app_fields, app_stamps)
    order = rng.permutation(len(app_users))
    style = rng.choice(3, size=len(app_users), p=[0.6, 0.3, 0.1])
    applications = pd.DataFrame(
        {
            "cdate": format_timestamps(app_stamps, style),
            "company_uuid": jobs.company_uuids[jobs.company[job]],
            "job_uuid": jobs.uuid[job],
            "user_uuid": app_users,
            "application_uuid": uuid4_strings(rng, len(app_users)),
        }
    ).iloc[order]

    bookmarks = bookmark_frame(rng, results[-1], jobs)
    files = [out_dir / "job.csv", out_dir / "application.csv", out_dir / "bookmark.csv"]
    write_table(jobs.to_frame(), files[0])
    write_table(applications, files[1])
    write_table(bookmarks, files[2])

    in_window = app_stamps >= window_start
    names = np.array(cal.JOB_FIELDS, dtype=object)
    figures = {
        "posting_share": shares(pd.Series(names[jobs.field]).value_counts()),
        "application_share": shares(pd.Series(names[app_fields]).value_counts()),
        "application_share_in_window": shares(
            pd.Series(names[app_fields[in_window]]).value_counts()
        ),
        "applications": int(len(app_users)),
        "applications_in_window": int(in_window.sum()),
        "applications_from_log": int(len(log_users)),
        "postings": int(jobs.size),
        "bookmarks": int(len(bookmarks)),
    }
    return {"files": files, "figures": figures}


def bookmark_frame(rng: np.random.Generator, result, jobs: Jobs) -> pd.DataFrame:
    """Return bookmarks of window users, mostly in each user's preferred field."""
    people = result.people
    sessions = result.sessions
    rate = np.array([0.1, 4.0, 2.0, 0.3])[people.persona]
    counts = np.where(people.in_window, rng.poisson(rate), 0)
    owners = np.repeat(np.arange(people.size), counts)

    window_session = np.flatnonzero(sessions.in_window)
    session_user = sessions.user[window_session]
    first = np.searchsorted(session_user, owners)
    n_sessions = np.searchsorted(session_user, owners, side="right") - first
    has_session = n_sessions > 0
    owners, first, n_sessions = (
        owners[has_session],
        first[has_session],
        n_sessions[has_session],
    )
    pick = window_session[
        first + (rng.random(len(owners)) * n_sessions).astype(np.int64)
    ]

    epoch0 = int(result.calendar.epoch_seconds(np.array([0]))[0])
    seconds = (
        sessions.day[pick] * 86400
        + sessions.start[pick]
        + rng.random(len(pick)) * sessions.duration[pick]
    )
    stamps = ((epoch0 + seconds) * US_PER_SECOND).astype(np.int64)

    field = np.where(
        rng.random(len(owners)) < 0.85,
        people.preferred_field[owners],
        rng.choice(
            len(cal.JOB_FIELDS),
            len(owners),
            p=np.array(cal.POSTING_SHARES) / sum(cal.POSTING_SHARES),
        ),
    )

    job = jobs.pick(rng, field, stamps)
    return pd.DataFrame(
        {
            "cdate": format_timestamps(stamps),
            "job_uuid": jobs.uuid[job],
            "user_uuid": people.uuid[owners],
        }
    )

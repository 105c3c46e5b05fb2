"""Sessions of each user: day, start time, duration and page-view counts.

A session here is what the pipeline should see as one: page views with no
gap longer than 28 minutes, separated from the user's other sessions by more
than 30 minutes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from recruitment_analytics.generate import population as pop
from recruitment_analytics.generate.timeline import (
    YearCalendar,
    ragged_arange,
    sample_days,
    sample_local_seconds,
)

log = logging.getLogger(__name__)

SESSION_GAP_SECONDS = 35 * 60
"""Minimum gap between a user's sessions, above the 30-minute default timeout."""
MAX_SESSION_SECONDS = 1650

PAGE_KINDS = ["main", "profile", "job_list", "company", "job_detail", "other"]

# Mean page views per session by persona, before and after the window start.
PAGES_PER_SESSION = {
    pop.INACTIVE: {
        "main": 0.1, "profile": 0.6, "job_list": 1.1, "company": 0.08,
        "job_detail": 0.9, "other": 0.2,
    },
    pop.JOB_BROWSER: {
        "main": 0.0, "profile": 0.1, "job_list": 7.0, "company": 0.5,
        "job_detail": 6.0, "other": 0.0,
    },
    pop.APPLICANT: {
        "main": 0.9, "profile": 1.0, "job_list": 10.0, "company": 3.0,
        "job_detail": 7.0, "other": 0.4,
    },
    pop.PROFILE_BUILDER: {
        "main": 0.9, "profile": 8.0, "job_list": 3.0, "company": 1.0,
        "job_detail": 2.5, "other": 1.2,
    },
}  # fmt: skip
INACTIVE_TOTALS = {
    "job_list": ([0, 1, 2, 3], [0.15, 0.4, 0.3, 0.15]),
    "job_detail": ([0, 1, 2, 3], [0.2, 0.45, 0.25, 0.1]),
    "profile": ([1, 2, 3], [0.4, 0.4, 0.2]),
    "company": ([0, 1], [0.9, 0.1]),
    "other": ([0, 1], [0.75, 0.25]),
}
"""Distribution of page views per inactive user over all window sessions.

Capped at three so that no inactive user looks like a light job browser;
the means are 1.45 listing and 1.25 detail views.
"""

ABANDON_STEP_SHARES = np.array([0.45, 0.25, 0.18, 0.12])


@dataclass
class Sessions:
    """Per-session arrays, sorted by user and start time."""

    user: np.ndarray
    persona: np.ndarray
    day: np.ndarray
    in_window: np.ndarray
    start: np.ndarray
    """Local seconds since midnight of `day`; may exceed one day after spacing."""
    duration: np.ndarray
    signup_reach: np.ndarray
    """0 = no sign-up pages, 1..4 = last sign-up step seen, 5 = sign-up done."""
    counts: dict[str, np.ndarray]
    attempts: np.ndarray
    attempt_submit_share: np.ndarray
    first_attempt_submits: np.ndarray
    browser_form: np.ndarray

    @property
    def size(self) -> int:
        """Return the number of sessions."""
        return len(self.user)


def expand_span(
    rng: np.random.Generator,
    calendar: YearCalendar,
    users: np.ndarray,
    counts: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    pinned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return user, day and position per session.

    Sessions fall on days drawn by weight inside the span. For pinned users
    the first session falls on the span start, which is then their first day.
    """
    user = np.repeat(users, counts)
    position = ragged_arange(counts)
    lo = np.repeat(start, counts)
    hi = np.repeat(end, counts)
    day = sample_days(rng, calendar, lo, hi)
    day = np.where((position == 0) & np.repeat(pinned, counts), lo, day)
    return user, day, position


def plan_sessions(
    rng: np.random.Generator,
    calendar: YearCalendar,
    people: pop.Population,
    pre_base: np.ndarray,
    pre_multiplier: float,
) -> Sessions:
    """Plan every session of every user, with page counts and application attempts."""
    users = np.arange(people.size)

    w = users[people.window_sessions > 0]
    w_user, w_day, w_pos = expand_span(
        rng,
        calendar,
        w,
        people.window_sessions[w],
        people.window_start[w],
        people.window_end[w],
        pinned=np.ones(len(w), dtype=bool),
    )
    submit_session = people.is_submitter[w_user] & (w_pos == 1)
    w_day = np.where(submit_session, people.first_submit_day[w_user], w_day)

    pre_counts = np.where(
        pre_base > 0, 1 + rng.poisson(np.maximum(pre_base * pre_multiplier - 1, 0)), 0
    )
    people.pre_sessions = pre_counts
    p = users[pre_counts > 0]
    # Only a sign-up pins the first earlier session to the start of the span.
    signed_up_before = (people.signup[p] == pop.SIGNUP_DONE) & ~people.is_new[p]
    p_user, p_day, p_pos = expand_span(
        rng,
        calendar,
        p,
        pre_counts[p],
        people.pre_start[p],
        people.pre_end[p],
        pinned=signed_up_before,
    )

    user = np.concatenate([w_user, p_user])
    day = np.concatenate([w_day, p_day])
    in_window = np.concatenate(
        [np.ones(len(w_user), bool), np.zeros(len(p_user), bool)]
    )
    is_first_submit = np.concatenate([submit_session, np.zeros(len(p_user), bool)])
    anchor = np.concatenate([w_pos == 0, p_pos == 0])
    persona = people.persona[user]
    n = len(user)

    # Sign-up pages go into the user's first session.
    first_overall = anchor & (in_window == (people.pre_sessions[user] == 0))
    first_overall |= anchor & ~in_window
    signup_reach = np.zeros(n, dtype=np.int8)
    done = first_overall & (people.signup[user] == pop.SIGNUP_DONE)
    done &= np.where(in_window, people.is_new[user], ~people.is_new[user])
    signup_reach[done] = 5
    abandoned = first_overall & (people.signup[user] == pop.SIGNUP_ABANDONED)
    signup_reach[abandoned] = rng.choice(
        [1, 2, 3, 4], size=int(abandoned.sum()), p=[0.4, 0.3, 0.2, 0.1]
    )

    counts = page_counts(rng, persona, user, in_window, people)

    # Application attempts: applicants try in many sessions, submit per plan.
    applicant = persona == pop.APPLICANT
    attempts = np.where(applicant, rng.poisson(0.9, n), 0)
    non_submitter_first = applicant & in_window & anchor & ~people.is_submitter[user]
    attempts = np.where(
        is_first_submit | non_submitter_first, np.maximum(attempts, 1), attempts
    )
    submit_share = np.zeros(n)
    fsd = people.first_submit_day[user]
    after_first = in_window & people.is_submitter[user] & (day > fsd)
    submit_share[after_first & applicant] = 0.35
    submit_share[~in_window & applicant] = 0.3
    browser_form = (
        in_window & anchor & (persona == pop.JOB_BROWSER) & people.opens_form[user]
    )
    counts["job_detail"] += attempts

    n_pages = sum(counts.values()) + attempts * 3 + (signup_reach > 0) * 3
    duration = session_durations(rng, persona, n_pages)
    start = sample_local_seconds(rng, n)

    sessions = Sessions(
        user=user,
        persona=persona,
        day=day,
        in_window=in_window,
        start=start,
        duration=duration,
        signup_reach=signup_reach,
        counts=counts,
        attempts=attempts,
        attempt_submit_share=submit_share,
        first_attempt_submits=is_first_submit,
        browser_form=browser_form,
    )
    sessions = sort_sessions(sessions)
    space_sessions(sessions)
    log.info("planned %d sessions (%d in the window)", n, int(in_window.sum()))
    return sessions


def page_counts(
    rng: np.random.Generator,
    persona: np.ndarray,
    user: np.ndarray,
    in_window: np.ndarray,
    people: pop.Population,
) -> dict[str, np.ndarray]:
    """Draw page views per kind for each session from the persona's means."""
    n = len(persona)
    counts = {kind: np.zeros(n, dtype=np.int64) for kind in PAGE_KINDS}
    for code, means in PAGES_PER_SESSION.items():
        rows = persona == code
        for kind, mean in means.items():
            counts[kind][rows] = rng.poisson(mean, int(rows.sum()))
    counts["main"] += 1
    counts["profile"][persona == pop.PROFILE_BUILDER] += 3

    # Inactive window users: totals per user, spread over their 1-2 sessions.
    inactive_users = np.flatnonzero(people.in_window & (people.persona == pop.INACTIVE))
    inactive_sessions = np.flatnonzero((persona == pop.INACTIVE) & in_window)
    for kind, (values, weights) in INACTIVE_TOTALS.items():
        totals = rng.choice(values, size=len(inactive_users), p=weights)
        counts[kind][inactive_sessions] = spread_over_sessions(
            rng, user[inactive_sessions], inactive_users, totals
        )

    # Job browsers: about 14 listing and 12 detail views in total, most of them
    # at or above the 13 listing views of the target-cohort rule.
    browser_users = np.flatnonzero(
        people.in_window & (people.persona == pop.JOB_BROWSER)
    )
    if len(browser_users):
        listing = np.where(
            rng.random(len(browser_users)) < 0.85,
            13 + rng.poisson(1.3, len(browser_users)),
            rng.poisson(9.0, len(browser_users)),
        )
        detail = np.maximum(4, rng.poisson(12.0, len(browser_users)))
        company = rng.poisson(0.8, len(browser_users))
        session_index = np.flatnonzero((persona == pop.JOB_BROWSER) & in_window)
        for kind, totals in (
            ("job_list", listing),
            ("job_detail", detail),
            ("company", company),
        ):
            counts[kind][session_index] = spread_over_sessions(
                rng, user[session_index], browser_users, totals
            )
    return counts


def spread_over_sessions(
    rng: np.random.Generator,
    session_user: np.ndarray,
    users: np.ndarray,
    totals: np.ndarray,
) -> np.ndarray:
    """Split each user's page views uniformly at random over that user's sessions."""
    order = np.argsort(session_user, kind="stable")
    sorted_user = session_user[order]
    first = np.searchsorted(sorted_user, users)
    n_sessions = np.searchsorted(sorted_user, users, side="right") - first
    item_user = np.repeat(np.arange(len(users)), totals)
    pick = first[item_user] + (
        rng.random(len(item_user)) * n_sessions[item_user]
    ).astype(np.int64)
    result_sorted = np.bincount(pick, minlength=len(session_user))
    result = np.empty_like(result_sorted)
    result[order] = result_sorted
    return result


def session_durations(
    rng: np.random.Generator, persona: np.ndarray, n_pages: np.ndarray
) -> np.ndarray:
    """Draw session lengths in seconds; short for inactive users and browsers."""
    n = len(persona)
    per_page = np.select(
        [persona == pop.INACTIVE, persona == pop.JOB_BROWSER, persona == pop.APPLICANT],
        [rng.uniform(8, 25, n), rng.uniform(5.5, 7.5, n), rng.uniform(40, 90, n)],
        rng.uniform(50, 110, n),
    )
    low = np.select(
        [persona == pop.INACTIVE, persona == pop.JOB_BROWSER, persona == pop.APPLICANT],
        [5, 40, 180],
        300,
    )
    high = np.select(
        [persona == pop.INACTIVE, persona == pop.JOB_BROWSER],
        [110, 170],
        MAX_SESSION_SECONDS,
    )
    return np.clip(n_pages * per_page, low, high)


def sort_sessions(sessions: Sessions) -> Sessions:
    """Return the sessions ordered by user, day and start second."""
    order = np.lexsort((sessions.start, sessions.day, sessions.user))
    fields = {}
    for name, value in vars(sessions).items():
        if isinstance(value, dict):
            fields[name] = {k: v[order] for k, v in value.items()}
        else:
            fields[name] = value[order]
    return Sessions(**fields)


def space_sessions(sessions: Sessions) -> None:
    """Push sessions later until each gap to the previous one exceeds 35 minutes."""
    absolute = sessions.day * 86400 + sessions.start
    for _ in range(200):
        end = absolute + sessions.duration
        same_user = np.concatenate([[False], sessions.user[1:] == sessions.user[:-1]])
        earliest = np.concatenate([[0], end[:-1] + SESSION_GAP_SECONDS])
        late = same_user & (absolute < earliest)
        if not late.any():
            break
        absolute = np.where(late, earliest + 60, absolute)
    sessions.start = absolute - sessions.day * 86400

"""Users of one log year: persona, new or existing, sign-up and activity spans.

Spans are day ranges in which a user's sessions fall. Window users get one
span inside the analysis window and, when they are existing users, often a
second span before it. Users of a year without a window, or who left before
the window, only have a span before it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from recruitment_analytics.generate import calibration as cal
from recruitment_analytics.generate.timeline import (
    YearCalendar,
    exact_labels,
    sample_days,
    uuid4_strings,
    with_decline,
)

log = logging.getLogger(__name__)

PERSONAS = list(cal.PERSONA_SHARES)
INACTIVE, JOB_BROWSER, APPLICANT, PROFILE_BUILDER = range(4)
AUTOMATED = 4
PERSONA_NAMES = [*PERSONAS, cal.AUTOMATED]
HEAVY = (APPLICANT, PROFILE_BUILDER)

NO_SIGNUP, SIGNUP_ABANDONED, SIGNUP_DONE = 0, 1, 2
LATE_ARRIVAL_FACTOR = 0.35
EARLY_DAYS = 20
"""Window users with earlier activity start it within this many days of 1 January."""
CARRIED_OVER_SHARE = 0.6
"""Share of users active only before the window whose activity starts on 1 January."""
"""Arrival weight of the last day relative to the window start."""


@dataclass
class Population:
    """Per-user arrays of one log year (automated clients excluded)."""

    uuid: np.ndarray
    persona: np.ndarray
    in_window: np.ndarray
    is_new: np.ndarray
    signup: np.ndarray
    signup_day: np.ndarray
    window_start: np.ndarray
    window_end: np.ndarray
    window_sessions: np.ndarray
    pre_start: np.ndarray
    pre_end: np.ndarray
    pre_sessions: np.ndarray
    opens_form: np.ndarray
    is_submitter: np.ndarray
    first_submit_day: np.ndarray
    preferred_field: np.ndarray

    @property
    def size(self) -> int:
        """Return the number of users."""
        return len(self.uuid)


def gamma_days(
    rng: np.random.Generator, mean: float, size: int, shape: float = 1.4
) -> np.ndarray:
    """Draw whole days >= 1 from a gamma distribution with the given mean."""
    return np.maximum(1, np.rint(rng.gamma(shape, mean / shape, size=size))).astype(
        np.int64
    )


def truncated_gamma_days(
    rng: np.random.Generator, mean: float, room: np.ndarray, shape: float = 1.4
) -> np.ndarray:
    """Draw gamma days that fit into `room` days, redrawing those that do not."""
    days = gamma_days(rng, mean, len(room), shape)
    for _ in range(40):
        bad = days > room
        if not bad.any():
            break
        days[bad] = gamma_days(rng, mean, int(bad.sum()), shape)
    return np.minimum(days, np.maximum(room, 1))


def window_session_counts(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """Draw the number of sessions each window user has inside the window."""
    n = len(persona)
    counts = np.clip(np.rint(rng.lognormal(np.log(12.0), 0.55, n)), 3, 90).astype(
        np.int64
    )
    inactive = persona == INACTIVE
    counts[inactive] = 1 + (rng.random(int(inactive.sum())) < 0.4)
    browser = persona == JOB_BROWSER
    counts[browser] = rng.choice(
        [1, 2, 3], size=int(browser.sum()), p=[0.4, 0.35, 0.25]
    )
    return counts


def pre_session_base(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """Draw the unscaled number of sessions before the window per user."""
    base = rng.lognormal(np.log(8.0), 0.6, len(persona))
    light = np.isin(persona, (INACTIVE, JOB_BROWSER))
    base[light] = rng.uniform(1.0, 2.5, int(light.sum()))
    return base


def plan_population(
    rng: np.random.Generator,
    calendar: YearCalendar,
    scale: float,
    n_users: int,
    n_automated: int,
) -> tuple[Population, np.ndarray]:
    """Plan users, personas and spans.

    Returns the population and each user's unscaled number of sessions before
    the window.
    """
    window = calendar.window_start_day
    last_day = calendar.n_days - 1
    shares = np.array(list(cal.PERSONA_SHARES.values()))
    if window is None:
        n_window, n_pre = 0, n_users
    else:
        n_window = max(8, round(cal.USERS_IN_WINDOW * scale) - n_automated)
        n_pre = max(1, n_users - n_window - n_automated)
    n = n_window + n_pre
    persona = np.concatenate(
        [exact_labels(rng, shares, n_window), rng.choice(4, n_pre, p=shares)]
    )
    in_window = np.arange(n) < n_window
    uuid = uuid4_strings(rng, n)

    signup = np.zeros(n, dtype=np.int8)
    signup_day = np.full(n, -1, dtype=np.int64)
    is_new = np.zeros(n, dtype=bool)
    done_days = np.sort(
        sample_days(
            rng, calendar, 0, last_day, size=max(1, round(cal.SIGNUP_DONE_2023 * scale))
        )
    )
    pre_done_days = done_days if window is None else done_days[done_days < window]
    if window is not None:
        new_days = done_days[done_days >= window]
        new_users = rng.choice(
            n_window, size=min(len(new_days), n_window), replace=False
        )
        is_new[new_users] = True
        signup[new_users] = SIGNUP_DONE
        signup_day[new_users] = new_days[: len(new_users)]

    # Window spans.
    window_start = np.full(n, -1, dtype=np.int64)
    window_end = np.full(n, -1, dtype=np.int64)
    window_sessions = np.zeros(n, dtype=np.int64)
    if window is not None:
        w = np.flatnonzero(in_window)
        p = persona[w]
        # Fewer people arrive late in the year, so monthly actives fall.
        arrivals = with_decline(calendar, window, LATE_ARRIVAL_FACTOR)
        start = sample_days(rng, arrivals, window, last_day, size=len(w))
        heavy = np.isin(p, HEAVY)
        early = heavy & (rng.random(len(w)) < 0.95)
        start[early] = sample_days(
            rng, calendar, window, window + 10, size=int(early.sum())
        )
        start = np.where(is_new[w], signup_day[w], start)
        span = np.where(p == INACTIVE, 21, np.where(p == JOB_BROWSER, 14, 0))
        heavy_span = 80 + rng.exponential(300, len(w)).astype(np.int64)
        span = np.where(heavy, heavy_span, span)
        window_start[w] = start
        window_end[w] = np.minimum(last_day, start + span)
        window_sessions[w] = window_session_counts(rng, p)

    # Application form openers and submitters among window users.
    opens_form = in_window & (persona == APPLICANT)
    browsers = np.flatnonzero(in_window & (persona == JOB_BROWSER))
    browser_openers = browsers[rng.random(len(browsers)) < cal.BROWSER_FORM_OPEN_SHARE]
    opens_form[browser_openers] = True
    is_submitter = np.zeros(n, dtype=bool)
    first_submit_day = np.full(n, -1, dtype=np.int64)
    if window is not None:
        plan_submitters(
            rng,
            calendar,
            persona,
            is_new,
            opens_form,
            window_start,
            window_end,
            is_submitter,
            first_submit_day,
        )

    # Spans before the window.
    pre_start = np.full(n, -1, dtype=np.int64)
    pre_end = np.full(n, -1, dtype=np.int64)
    pre_last = last_day if window is None else window - 1
    has_pre = ~in_window
    if window is not None:
        chance = np.where(np.isin(persona, HEAVY), 0.75, 0.45)
        has_pre |= in_window & ~is_new & (rng.random(n) < chance)
    existing_pre = has_pre & in_window
    # Users who stay into the window were active from early in the year.
    # Users who leave before it mostly carry over from the previous year.
    # Both keep daily traffic highest in January.
    pre_start[existing_pre] = sample_days(
        rng, calendar, 0, min(EARLY_DAYS, pre_last), size=int(existing_pre.sum())
    )
    pre_end[existing_pre] = pre_last
    only_pre = ~in_window
    start = sample_days(rng, calendar, 0, pre_last, size=int(only_pre.sum()))
    carried_over = rng.random(len(start)) < CARRIED_OVER_SHARE
    start = np.where(carried_over, 0, start)
    pre_start[only_pre] = start
    pre_end[only_pre] = np.minimum(
        pre_last, start + 14 + rng.exponential(90, len(start)).astype(np.int64)
    )

    # Sign-ups completed before the window start the user's first span.
    candidates = np.flatnonzero(has_pre)
    chosen = rng.choice(
        candidates, size=min(len(pre_done_days), len(candidates)), replace=False
    )
    signup[chosen] = SIGNUP_DONE
    signup_day[chosen] = pre_done_days[: len(chosen)]
    pre_start[chosen] = signup_day[chosen]
    pre_end[chosen] = np.maximum(pre_end[chosen], pre_start[chosen])

    # Users who start signing up but never reach the last step.
    abandon_total = round((cal.SIGNUP_STARTED_2023 - cal.SIGNUP_DONE_2023) * scale)
    free = np.flatnonzero(
        (signup == NO_SIGNUP)
        & np.isin(persona, (INACTIVE, JOB_BROWSER, PROFILE_BUILDER))
    )
    abandon = rng.choice(free, size=min(abandon_total, len(free)), replace=False)
    signup[abandon] = SIGNUP_ABANDONED

    pre_base = np.where(has_pre, pre_session_base(rng, persona), 0.0)
    preferred = rng.choice(
        len(cal.JOB_FIELDS),
        size=n,
        p=np.array(cal.APPLICATION_SHARES) / sum(cal.APPLICATION_SHARES),
    )
    population = Population(
        uuid=uuid,
        persona=persona.astype(np.int8),
        in_window=in_window,
        is_new=is_new,
        signup=signup,
        signup_day=signup_day,
        window_start=window_start,
        window_end=window_end,
        window_sessions=window_sessions,
        pre_start=pre_start,
        pre_end=pre_end,
        pre_sessions=np.zeros(n, dtype=np.int64),
        opens_form=opens_form,
        is_submitter=is_submitter,
        first_submit_day=first_submit_day,
        preferred_field=preferred.astype(np.int8),
    )
    log.info(
        "planned %d users: %d in the window (%d new), %d only before it",
        n,
        n_window,
        int(is_new.sum()),
        n_pre,
    )
    return population, pre_base


def plan_submitters(
    rng: np.random.Generator,
    calendar: YearCalendar,
    persona: np.ndarray,
    is_new: np.ndarray,
    opens_form: np.ndarray,
    window_start: np.ndarray,
    window_end: np.ndarray,
    is_submitter: np.ndarray,
    first_submit_day: np.ndarray,
) -> None:
    """Choose who submits and when, so completion and days-to-apply match the targets.

    Completion is submitters / form openers per user type; browsers who open
    a form never submit, so they only enlarge the denominator. New users count
    days from sign-up, existing users from their first window session.
    """
    window = calendar.window_start_day
    last_day = calendar.n_days - 1
    for user_type, new_flag in (("new", True), ("existing", False)):
        openers = opens_form & (is_new == new_flag)
        target = round(cal.COMPLETION_RATE[user_type] * int(openers.sum()))
        pool = np.flatnonzero(openers & (persona == APPLICANT))
        if new_flag:
            room = last_day - window_start[pool]
            pool = pool[np.argsort(-room + rng.random(len(pool)), kind="stable")]
        else:
            rng.shuffle(pool)
        chosen = pool[:target]
        mean = cal.DAYS_TO_APPLY_MEAN[user_type]
        if new_flag:
            room = last_day - window_start[chosen]
            # Truncation to the days left in the year lowers the mean, so the
            # gamma mean is raised until the planted mean is on target.
            draw_mean = mean
            for _ in range(4):
                state = rng.bit_generator.state
                delta = truncated_gamma_days(rng, draw_mean, room)
                if len(delta) == 0 or abs(delta.mean() - mean) < 0.3:
                    break
                rng.bit_generator.state = state
                draw_mean *= mean / max(delta.mean(), 1.0)
        else:
            delta = gamma_days(rng, mean, len(chosen))
            if len(delta):
                # Rescale so that the planted mean equals the target exactly.
                delta = np.rint(delta * mean / delta.mean()).astype(np.int64)
            delta = np.clip(delta, 1, last_day - window - 1)
            window_start[chosen] = sample_days(rng, calendar, window, last_day - delta)
        is_submitter[chosen] = True
        first_submit_day[chosen] = window_start[chosen] + delta
        window_end[chosen] = np.maximum(window_end[chosen], first_submit_day[chosen])

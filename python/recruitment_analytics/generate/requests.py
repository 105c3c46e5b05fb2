"""Request rows: page views of the planned sessions, background API calls,
automated clients, then response codes and methods.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from recruitment_analytics.generate import calibration as cal
from recruitment_analytics.generate import urls
from recruitment_analytics.generate.sessions import ABANDON_STEP_SHARES, Sessions
from recruitment_analytics.generate.timeline import (
    YearCalendar,
    ragged_arange,
    sample_days,
    sample_local_seconds,
)

log = logging.getLogger(__name__)

BACKGROUND_KINDS = list(urls.BACKGROUND_WEIGHT)
BACKGROUND_KIND_CODE = {k: i for i, k in enumerate(BACKGROUND_KINDS)}
PERSONA_BACKGROUND_FACTOR = np.array([1.0, 0.5, 1.0, 1.0, 0.0])
"""Background calls per page relative to other personas; job browsers click fast."""

KIND_TEMPLATE_MIX = {
    "main": {"main": 1.0},
    "profile": urls.PROFILE_PAGE_MIX,
    "job_list": urls.JOB_LIST_MIX,
    "company": urls.COMPANY_MIX,
    "job_detail": {"job_detail": 1.0},
    "other": urls.OTHER_PAGE_MIX,
}
KIND_ORDER_RANGE = {
    "main": (0.0, 10.0),
    "profile": (1.0, 10.0),
    "job_list": (2.0, 6.0),
    "company": (2.5, 7.0),
    "job_detail": (3.0, 8.9),
    "other": (1.0, 10.0),
}
SIGNUP_STEPS = ["signup", "signup_step1", "signup_step2", "signup_step3", "signup_done"]
AUTOMATED_MIX = {
    "api_job_title": 0.35,
    "job_detail": 0.3,
    "api_other_jobs": 0.2,
    "company": 0.15,
}


@dataclass
class Rows:
    """Column arrays of request rows (one element per request)."""

    user: np.ndarray
    variant: np.ndarray
    ts_us: np.ndarray
    session: np.ndarray
    is_page: np.ndarray
    method: np.ndarray | None = None
    status: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Return the number of rows."""
        return len(self.user)


@dataclass
class PageBlock:
    """Page views of one kind before times are assigned."""

    session: np.ndarray
    template: np.ndarray
    order_key: np.ndarray
    background_kind: np.ndarray


def concat_blocks(blocks: list[PageBlock]) -> PageBlock:
    """Concatenate page blocks column by column."""
    return PageBlock(
        *(np.concatenate([getattr(b, f) for b in blocks]) for f in vars(blocks[0]))
    )


def page_blocks(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    sessions: Sessions,
    calendar: YearCalendar,
) -> PageBlock:
    """Expand planned sessions into page views with an order key inside each session."""
    blocks = []
    index = np.arange(sessions.size)
    for kind, mix in KIND_TEMPLATE_MIX.items():
        count = sessions.counts[kind]
        session = np.repeat(index, count)
        low, high = KIND_ORDER_RANGE[kind]
        key = rng.uniform(low, high, len(session))
        if kind == "main":
            key = np.where(ragged_arange(count) == 0, 0.0, key)
        template = vocab.sample_templates(rng, mix, len(session))
        code = BACKGROUND_KIND_CODE[kind]
        blocks.append(PageBlock(session, template, key, np.full(len(session), code)))

    reach = sessions.signup_reach.astype(np.int64)
    session = np.repeat(index, reach)
    step = ragged_arange(reach)
    step_ids = np.array([vocab.tid(k) for k in SIGNUP_STEPS])
    blocks.append(
        PageBlock(
            session,
            step_ids[step],
            1.0 + step * 0.1,
            np.full(len(session), BACKGROUND_KIND_CODE["signup"]),
        )
    )
    done = np.flatnonzero(reach == 5)
    for key, share, order in (("email_verify", 0.6, 1.35), ("verify_phone", 0.4, 1.36)):
        chosen = done[rng.random(len(done)) < share]
        blocks.append(
            PageBlock(
                chosen,
                np.full(len(chosen), vocab.tid(key)),
                np.full(len(chosen), order),
                np.full(len(chosen), BACKGROUND_KIND_CODE["signup"]),
            )
        )
    blocks.append(application_pages(rng, vocab, sessions, calendar))
    return concat_blocks(blocks)


def application_pages(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    sessions: Sessions,
    calendar: YearCalendar,
) -> PageBlock:
    """Expand application attempts into form steps, submits and complete pages."""
    index = np.arange(sessions.size)
    attempts = sessions.attempts + sessions.browser_form
    attempt_session = np.repeat(index, attempts)
    attempt_number = ragged_arange(attempts)
    submitted = (
        rng.random(len(attempt_session))
        < sessions.attempt_submit_share[attempt_session]
    )
    submitted |= sessions.first_attempt_submits[attempt_session] & (attempt_number == 0)
    reach = 1 + rng.choice(4, size=len(attempt_session), p=ABANDON_STEP_SHARES)
    reach = np.where(submitted, 4, reach)
    reach = np.where(sessions.browser_form[attempt_session], 1, reach)

    window = calendar.window_start_day
    has_complete = (
        submitted
        & (window is not None)
        & (sessions.day[attempt_session] >= (window or 0))
    )
    pages_per_attempt = reach + submitted + has_complete

    attempt = np.repeat(np.arange(len(attempt_session)), pages_per_attempt)
    position = ragged_arange(pages_per_attempt)
    step_reach = reach[attempt]
    is_form = position < step_reach
    is_submit = position == step_reach

    form_ids = np.array([vocab.tid(f"apply_step{s}") for s in range(1, 5)])
    template = np.where(
        is_form,
        form_ids[np.minimum(position, 3)],
        np.where(is_submit, vocab.tid("apply_submit"), vocab.tid("apply_complete")),
    )

    step_kinds = np.array([BACKGROUND_KIND_CODE[f"apply_step{s}"] for s in range(1, 5)])
    background = np.where(
        is_form,
        step_kinds[np.minimum(position, 3)],
        np.where(
            is_submit, BACKGROUND_KIND_CODE["none"], BACKGROUND_KIND_CODE["other"]
        ),
    )
    key = (
        9.0
        + attempt_number[attempt]
        + np.where(is_form, position * 0.1, np.where(is_submit, 0.5, 0.6))
    )
    return PageBlock(attempt_session[attempt], template, key, background)


def time_pages(
    rng: np.random.Generator,
    sessions: Sessions,
    pages: PageBlock,
    calendar: YearCalendar,
) -> tuple[np.ndarray, np.ndarray]:
    """Order pages inside each session and spread them over the session's duration.

    Returns the sort order of the page block and the UTC epoch microseconds.
    """
    order = np.lexsort((pages.order_key, pages.session))
    session = pages.session[order]
    draws = rng.random(len(session))
    draws_sorted = draws[np.lexsort((draws, session))]
    first = np.concatenate([[True], session[1:] != session[:-1]])
    first_draw = np.maximum.accumulate(np.where(first, np.arange(len(session)), 0))
    offset = (draws_sorted - draws_sorted[first_draw]) * sessions.duration[session]
    local_seconds = sessions.day[session] * 86400 + sessions.start[session] + offset
    epoch = calendar.epoch_seconds(np.zeros(1, dtype=np.int64))[0] + local_seconds
    ts_us = (epoch * 1_000_000).astype(np.int64) + rng.integers(
        0, 1_000_000, len(session)
    )
    return order, ts_us


def background_calls(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    page_session: np.ndarray,
    page_kind: np.ndarray,
    page_ts: np.ndarray,
    page_factor: np.ndarray,
    per_page: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw the API calls a browser makes after each page view.

    Returns the page index, template id and timestamp of each call. Calls
    follow their page within three seconds, so they never stretch a session.
    """
    weight = np.array([urls.BACKGROUND_WEIGHT[k] for k in BACKGROUND_KINDS])[page_kind]
    n_calls = rng.poisson(per_page * weight * page_factor)
    parent = np.repeat(np.arange(len(page_kind)), n_calls)
    template = np.empty(len(parent), dtype=np.int64)
    parent_kind = page_kind[parent]
    for kind, code in BACKGROUND_KIND_CODE.items():
        rows = np.flatnonzero(parent_kind == code)
        if len(rows) and kind != "none":
            template[rows] = vocab.sample_templates(
                rng, urls.BACKGROUND_MIX[kind], len(rows)
            )
    delay = np.minimum(rng.exponential(0.9, len(parent)), 3.0) + 0.05
    ts = page_ts[parent] + (delay * 1_000_000).astype(np.int64)
    return parent, template, ts


def automated_rows(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    calendar: YearCalendar,
    n_clients: int,
    days_per_client: int,
    first_user: int,
) -> Rows:
    """Generate bursts of >= 3 requests a second, over 5000 a day, per client."""
    users, stamps, templates = [], [], []
    window = calendar.window_start_day
    for client in range(n_clients):
        low = window if window is not None else 0
        days = [int(sample_days(rng, calendar, low, calendar.n_days - 1, size=1)[0])]
        if days_per_client > 1:
            days += list(
                sample_days(
                    rng, calendar, 0, calendar.n_days - 1, size=days_per_client - 1
                )
            )
        for day in days:
            total = int(rng.integers(*cal.AUTOMATED_DAILY_ROWS))
            sizes = rng.integers(300, 900, size=total // 300 + 1)
            sizes = sizes[np.cumsum(sizes) <= total]
            sizes = np.append(sizes, total - sizes.sum())
            starts = np.sort(sample_local_seconds(rng, len(sizes)).astype(float))
            rate = rng.uniform(3.5, 6.0, len(sizes))
            burst = np.repeat(np.arange(len(sizes)), sizes)
            gaps = rng.exponential(1.0 / rate[burst])
            offsets = gaps.copy()
            boundaries = np.cumsum(sizes) - sizes
            offsets[boundaries] = 0.0
            local = starts[burst] + burst_cumsum(offsets, sizes)
            local = np.minimum(local, 86399.0)
            epoch = calendar.epoch_seconds(np.array([day]))[0] + local
            stamps.append((epoch * 1_000_000).astype(np.int64))
            templates.append(vocab.sample_templates(rng, AUTOMATED_MIX, total))
            users.append(np.full(total, first_user + client))
    template = np.concatenate(templates)
    return Rows(
        user=np.concatenate(users),
        variant=vocab.sample_variants(rng, template),
        ts_us=np.concatenate(stamps),
        session=np.full(len(template), -1),
        is_page=np.zeros(len(template), dtype=bool),
    )


def burst_cumsum(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Return the running sum of values, restarting at each group of the given sizes."""
    total = np.cumsum(values)
    group_start = np.cumsum(sizes) - sizes
    before = np.concatenate([[0.0], total])[group_start]
    return total - np.repeat(before, sizes)


def assign_status(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    rows: Rows,
    status_mix: dict[int, int],
    scale: float,
) -> np.ndarray:
    """Assign response codes: redirects on `continue`, failures on error-prone calls.

    Page views that decide funnels and personas (listing, detail, form, submit,
    complete, sign-up) never fail, so filtering errors keeps the planted counts.
    """
    n = rows.size
    template = vocab.template_of_variant[rows.variant]
    status = np.full(n, 200, dtype=np.int16)
    total_rows = sum(status_mix.values())
    target = {code: round(count / total_rows * n) for code, count in status_mix.items()}

    redirect = template == vocab.tid("continue")
    status[redirect] = 302
    others = np.flatnonzero(
        vocab.template_page_type[template] == urls.PAGE_TYPE_CODE["other"]
    )
    others = others[status[others] == 200]
    moved = rng.choice(others, size=min(target.get(301, 0), len(others)), replace=False)
    status[moved] = 301

    bug = template == vocab.tid("client_bug")
    status[bug] = 404
    error_codes = {code: count for code, count in target.items() if code >= 400}
    error_total = sum(error_codes.values())
    eligible_types = [urls.PAGE_TYPE_CODE["api"], urls.PAGE_TYPE_CODE["profile"]]
    page_like = np.isin(template, [vocab.tid(k) for k in urls.PROFILE_PAGE_MIX])
    eligible = (
        np.isin(vocab.template_page_type[template], eligible_types)
        & ~page_like
        & (status == 200)
        & ~np.isin(template, [vocab.tid("apply_submit"), vocab.tid("signup_api")])
    )
    chosen = [np.flatnonzero(bug)]
    remaining = error_total - int(bug.sum())
    for key, count in cal.ERROR_ROWS_BY_TEMPLATE.items():
        candidates = np.flatnonzero(eligible & (template == vocab.tid_by_path(key)))
        k = min(round(count * scale), len(candidates) * 6 // 10, max(remaining, 0))
        pick = rng.choice(candidates, size=k, replace=False)
        eligible[pick] = False
        chosen.append(pick)
        remaining -= k
    pool = np.flatnonzero(eligible)
    chosen.append(
        rng.choice(pool, size=min(max(remaining, 0), len(pool)), replace=False)
    )
    failed = np.concatenate(chosen[1:])
    other_codes = dict(error_codes)
    other_codes[404] = max(0, other_codes.get(404, 0) - int(bug.sum()))
    codes = np.repeat(list(other_codes), list(other_codes.values())).astype(np.int16)
    rng.shuffle(codes)
    if len(codes) < len(failed):
        codes = np.concatenate(
            [codes, np.full(len(failed) - len(codes), 400, dtype=np.int16)]
        )
    status[failed] = codes[: len(failed)]
    return status


def assign_methods(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    rows: Rows,
    method_mix: dict[str, int],
) -> np.ndarray:
    """Assign HTTP methods per template, then move flexible calls to the target mix."""
    n = rows.size
    template = vocab.template_of_variant[rows.variant]
    method = np.zeros(n, dtype=np.int8)
    allowed = np.zeros((len(vocab.templates), len(urls.METHODS)), dtype=bool)
    for tid, tpl in enumerate(vocab.templates):
        names = list(tpl.methods)
        weights = np.array([tpl.methods[m] for m in names])
        codes = np.array([urls.METHOD_CODE[m] for m in names])
        allowed[tid, codes] = True
        rows_of = np.flatnonzero(template == tid)
        if len(rows_of):
            method[rows_of] = codes[
                rng.choice(len(codes), size=len(rows_of), p=weights / weights.sum())
            ]

    total = sum(method_mix.values())
    get = urls.METHOD_CODE["GET"]
    for name in ("PUT", "DELETE", "POST"):
        code = urls.METHOD_CODE[name]
        target = round(method_mix[name] / total * n)
        current = int((method == code).sum())
        if current < target:
            candidates = np.flatnonzero((method == get) & allowed[template, code])
            pick = rng.choice(
                candidates, size=min(target - current, len(candidates)), replace=False
            )
            method[pick] = code
        elif current > target:
            candidates = np.flatnonzero((method == code) & allowed[template, get])
            pick = rng.choice(
                candidates, size=min(current - target, len(candidates)), replace=False
            )
            method[pick] = get
    automated = np.flatnonzero(rows.session < 0)
    for name in ("HEAD", "OPTIONS"):
        k = min(len(automated), max(1, round(method_mix[name] / total * n)))
        method[rng.choice(automated, size=k, replace=False)] = urls.METHOD_CODE[name]
    return method


def main_template_rows(vocab: urls.UrlVocabulary, scale: float) -> dict[int, int]:
    """Return the planted row count per UTM landing template id."""
    return {
        vocab.tid(k): max(0, round(v * scale))
        for k, v in urls.utm_template_rows().items()
    }


def plant_utm(
    rng: np.random.Generator,
    vocab: urls.UrlVocabulary,
    sessions: Sessions,
    pages: PageBlock,
    scale: float,
) -> None:
    """Turn one page of chosen sessions into a UTM landing page and move it first."""
    used = np.zeros(sessions.size, dtype=bool)
    session_weight = np.array([0.1, 0.3, 1.0, 1.0])[sessions.persona]
    for tid, k in main_template_rows(vocab, scale).items():
        if k == 0:
            continue
        landing = vocab.templates[tid]
        base = {"job_detail": "job_detail", "company": "company", "main": "main"}.get(
            landing.page_type
        )
        if base is not None:
            match = pages.template == vocab.tid(base)
        else:
            path = landing.variants[0].split("?")[0]
            key = "setting" if path == "setting" else "profile_applications"
            match = pages.template == vocab.tid(key)
        candidate_pages = np.flatnonzero(match & ~used[pages.session])
        session_of = pages.session[candidate_pages]
        unique_sessions, first_index = np.unique(session_of, return_index=True)
        if len(unique_sessions) == 0:
            continue
        keys = np.log(session_weight[unique_sessions]) + rng.gumbel(
            size=len(unique_sessions)
        )
        take = np.argsort(-keys, kind="stable")[: min(k, len(unique_sessions))]
        chosen_pages = candidate_pages[first_index[take]]
        pages.template[chosen_pages] = tid
        pages.order_key[chosen_pages] = -1.0
        used[unique_sessions[take]] = True


def cap_daily_requests(
    rng: np.random.Generator,
    rows: Rows,
    n_people: int,
    limit: int,
    offset_us: int,
) -> np.ndarray:
    """Return a keep-mask that drops background calls of people above `limit` a day.

    Days start at `offset_us` after midnight UTC, so the cap can be applied
    to UTC days and to local days. Page views and automated clients are kept.
    """
    day = (rows.ts_us + offset_us) // (86_400 * 1_000_000)
    key = rows.user.astype(np.int64) * 1_000 + (day - day.min())
    _, group, sizes = np.unique(key, return_inverse=True, return_counts=True)
    excess = np.maximum(sizes - limit, 0)
    candidates = np.flatnonzero(
        (excess[group] > 0) & ~rows.is_page & (rows.user < n_people)
    )
    keep = np.ones(rows.size, dtype=bool)
    if not len(candidates):
        return keep
    order = candidates[np.lexsort((rng.random(len(candidates)), group[candidates]))]
    ordered_group = group[order]
    starts = np.concatenate([[True], ordered_group[1:] != ordered_group[:-1]])
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.arange(len(order)) - first
    keep[order[rank < excess[ordered_group]]] = False
    return keep

"""Plan users and sessions, build requests, write the export and its truth."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from recruitment_analytics.generate import calibration as cal
from recruitment_analytics.generate import population as pop
from recruitment_analytics.generate import requests as req
from recruitment_analytics.generate import side_tables, truth, urls, writer
from recruitment_analytics.generate.sessions import PAGES_PER_SESSION, plan_sessions
from recruitment_analytics.generate.timeline import build_calendar, exact_labels

log = logging.getLogger(__name__)

FILE_FORMATS = ("csv", "csv.gz", "parquet")
DAILY_LIMIT = 1_800
"""Most requests a person makes in one day; automated clients exceed 5000."""
RETURNING_SHARE = 0.5
"""Share of a later year's existing users who also appear in the earlier year."""
NO_FRACTION_SHARE = 0.015
"""Share of log timestamps written without a fractional second."""


@dataclass
class ExportSummary:
    """Files written by generate_export and the headline planted figures."""

    out_dir: Path
    truth_dir: Path
    files: list[Path]
    rows_by_file: dict[str, int]
    malformed_by_kind: dict[str, int]
    users: int
    users_in_window: int
    seconds: float
    figures: dict = field(repr=False, default_factory=dict)


@dataclass
class YearResult:
    """Request rows of one generated year and what the side tables need from them."""

    year: int
    people: pop.Population
    rows: req.Rows
    template: np.ndarray
    automated_uuids: np.ndarray
    sessions: object
    calendar: object


def default_truth_dir(out_dir: Path) -> Path:
    """Return the sibling folder `<out name>_truth` next to the export folder."""
    return out_dir.with_name(out_dir.name + "_truth")


def parse_years(years: Iterable[str | int]) -> list[int]:
    """Return the sorted years to generate; only 2022 and 2023 are calibrated."""
    values = sorted({int(y) for y in years})
    unknown = [y for y in values if y not in cal.ROWS_BY_YEAR]
    if not values or unknown:
        raise ValueError(
            f"invalid years {list(years)}: choose from {sorted(cal.ROWS_BY_YEAR)}, "
            "e.g. 2023 or 2022,2023"
        )
    return values


def expected_pages_per_session(persona: int) -> float:
    """Return the mean page views per session of a persona, before attempts."""
    return (
        sum(PAGES_PER_SESSION[persona].values())
        + 1
        + (5 if persona == pop.PROFILE_BUILDER else 0)
    )


def generate_year(
    year: int,
    seed: int,
    scale: float,
    vocab: urls.UrlVocabulary,
    progress: tqdm,
) -> YearResult:
    """Generate the request rows of one log year."""
    rng = np.random.default_rng([seed, year])
    # NOTE: only 2023 has the analysis window. A 2022 log follows the 2022 row,
    # user and status counts, with every user behaving as before the window.
    calendar = build_calendar(year, plant_window=True)
    n_automated = max(1, round(cal.AUTOMATED_CLIENTS * scale))
    n_users = max(20, round(cal.USERS_BY_YEAR[year] * scale) - n_automated)
    target_rows = round(cal.ROWS_BY_YEAR[year] * scale)
    people, pre_base = pop.plan_population(rng, calendar, scale, n_users, n_automated)
    progress.update(1)

    # Scale sessions before the window so that their traffic follows the
    # daily weights relative to the window's traffic.
    per_session = np.array([expected_pages_per_session(p) for p in range(4)])
    pre_pages = float((pre_base * per_session[people.persona]).sum())
    window = calendar.window_start_day
    if window is not None:
        window_pages = float(
            (people.window_sessions * per_session[people.persona]).sum()
        )
        weights = calendar.day_weight
        multiplier = (
            window_pages
            * weights[:window].sum()
            / weights[window:].sum()
            / max(pre_pages, 1.0)
        )
    else:
        multiplier = 0.3 * target_rows / max(pre_pages, 1.0)
    sessions = plan_sessions(rng, calendar, people, pre_base, multiplier)
    progress.update(1)

    pages = req.page_blocks(rng, vocab, sessions, calendar)
    req.plant_utm(rng, vocab, sessions, pages, scale)
    order, page_ts = req.time_pages(rng, sessions, pages, calendar)
    page_session = pages.session[order]
    page_template = pages.template[order]
    page_kind = pages.background_kind[order]
    page_user = sessions.user[page_session]
    page_factor = req.PERSONA_BACKGROUND_FACTOR[sessions.persona[page_session]]

    automated = req.automated_rows(
        rng,
        vocab,
        calendar,
        n_automated,
        3 if scale >= 0.5 else 1,
        first_user=people.size,
    )
    client_bug_rows = max(1, round(cal.CLIENT_BUG_ROWS * scale))
    malformed_total = max(
        len(writer.MALFORMED_KINDS), round(cal.MALFORMED_SHARE * target_rows)
    )
    weight = (
        np.array([urls.BACKGROUND_WEIGHT[k] for k in req.BACKGROUND_KINDS])[page_kind]
        * page_factor
    )
    needed = (
        target_rows - malformed_total - len(page_ts) - automated.size - client_bug_rows
    )
    per_page = max(needed, 0) / max(weight.sum(), 1.0)
    log.info(
        "%d page views; %.2f background calls per weighted page view",
        len(page_ts),
        per_page,
    )
    parent, bg_template, bg_ts = req.background_calls(
        rng, vocab, page_session, page_kind, page_ts, page_factor, per_page
    )
    profile_pages = np.flatnonzero(
        np.isin(page_template, [vocab.tid(k) for k in urls.PROFILE_PAGE_MIX])
    )
    bug_parent = rng.choice(
        profile_pages, size=min(client_bug_rows, len(profile_pages)), replace=False
    )
    progress.update(1)

    template = np.concatenate(
        [page_template, bg_template, np.full(len(bug_parent), vocab.tid("client_bug"))]
    )
    parents = np.concatenate([np.arange(len(page_ts)), parent, bug_parent])
    ts = np.concatenate([page_ts, bg_ts, page_ts[bug_parent] + 400_000])
    rows = req.Rows(
        user=np.concatenate([page_user[parents], automated.user]),
        variant=np.concatenate(
            [vocab.sample_variants(rng, template), automated.variant]
        ),
        ts_us=np.concatenate([ts, automated.ts_us]),
        session=np.concatenate([page_session[parents], automated.session]),
        is_page=np.concatenate(
            [
                np.ones(len(page_ts), bool),
                np.zeros(len(parents) - len(page_ts), bool),
                automated.is_page,
            ]
        ),
    )
    # Sessions pushed past the last local day of the year belong to the next
    # year's file, which is not generated.
    last_local_us = (calendar.epoch_seconds(np.array([calendar.n_days]))[0]) * 1_000_000
    keep = rows.ts_us < last_local_us
    rows = req.Rows(**{k: v[keep] for k, v in vars(rows).items() if v is not None})
    for offset_us in (0, cal.LOCAL_UTC_OFFSET_HOURS * 3_600_000_000):
        keep = req.cap_daily_requests(rng, rows, people.size, DAILY_LIMIT, offset_us)
        rows = req.Rows(**{k: v[keep] for k, v in vars(rows).items() if v is not None})
    rows.status = req.assign_status(rng, vocab, rows, cal.STATUS_ROWS[year], scale)
    rows.method = req.assign_methods(rng, vocab, rows, cal.METHOD_ROWS[year])
    no_fraction = rng.random(rows.size) < NO_FRACTION_SHARE
    rows.ts_us = np.where(no_fraction, rows.ts_us // 1_000_000 * 1_000_000, rows.ts_us)
    progress.update(1)

    automated_uuids = np.array(
        [u for u in side_tables.uuid4_strings(rng, n_automated)], dtype=object
    )
    return YearResult(
        year=year,
        people=people,
        rows=rows,
        template=vocab.template_of_variant[rows.variant],
        automated_uuids=automated_uuids,
        sessions=sessions,
        calendar=calendar,
    ), no_fraction


def share_returning_users(
    rng: np.random.Generator, previous: list[YearResult], result: YearResult
) -> None:
    """Give half of the existing users the ids of earlier users of the same persona.

    Users who signed up in the year stay new ids. Each earlier id is reused once.
    """
    people = result.people
    earlier = np.concatenate([r.people.uuid for r in previous])
    earlier_persona = np.concatenate([r.people.persona for r in previous])
    for persona in range(len(pop.PERSONAS)):
        pool = earlier[earlier_persona == persona]
        existing = np.flatnonzero((people.persona == persona) & ~people.is_new)
        chosen = existing[rng.random(len(existing)) < RETURNING_SHARE]
        chosen = chosen[: len(pool)]
        people.uuid[chosen] = rng.choice(pool, size=len(chosen), replace=False)


def write_log(
    path: Path,
    result: YearResult,
    vocab: urls.UrlVocabulary,
    no_fraction: np.ndarray,
    seed: int,
    file_format: str,
    target_rows: int,
) -> tuple[int, dict[str, int]]:
    """Write one year's log in random row order with malformed lines mixed in."""
    rng = np.random.default_rng([seed, result.year, 1])
    rows = result.rows
    n_good = rows.size
    kinds = list(writer.MALFORMED_KINDS)
    if file_format == "parquet":
        kinds = [k for k in kinds if k not in writer.LINE_LEVEL_KINDS]
    malformed_total = max(len(kinds), round(cal.MALFORMED_SHARE * target_rows))
    kind_of = exact_labels(rng, np.ones(len(kinds)), malformed_total)
    n_total = n_good + malformed_total
    bad_positions = np.sort(rng.choice(n_total, size=malformed_total, replace=False))
    is_bad = np.zeros(n_total, dtype=bool)
    is_bad[bad_positions] = True
    take = np.empty(n_total, dtype=np.int64)
    take[~is_bad] = rng.permutation(n_good)
    background = np.flatnonzero(~rows.is_page & (rows.session >= 0))
    take[bad_positions] = rng.choice(background, size=malformed_total, replace=False)

    uuid_table = np.concatenate([result.people.uuid, result.automated_uuids])
    cache_share = vocab.template_cache_buster[result.template]
    cache_buster = rng.random(n_good) < cache_share
    counts = {k: int((kind_of == i).sum()) for i, k in enumerate(kinds)}
    tables = []
    raw = None if file_format == "parquet" else path.open("wb")
    sink = writer.gzip_stream(raw) if file_format == "csv.gz" else raw
    try:
        if sink is not None:
            sink.write((writer.HEADER + "\n").encode())
        bad_cursor = 0
        chunks = range(0, n_total, writer.CHUNK_ROWS)
        for start in tqdm(chunks, desc=f"write {path.name}", unit="chunk", leave=False):
            stop = min(start + writer.CHUNK_ROWS, n_total)
            idx = take[start:stop]
            columns = writer.string_columns(
                vocab,
                uuid_table,
                rows.user[idx],
                rows.variant[idx],
                rows.ts_us[idx],
                rows.status[idx],
                rows.method[idx],
                cache_buster[idx],
                no_fraction[idx],
                start,
            )
            local_bad = (
                bad_positions[(bad_positions >= start) & (bad_positions < stop)] - start
            )
            local_kinds = kind_of[bad_cursor : bad_cursor + len(local_bad)]
            bad_cursor += len(local_bad)
            if sink is None:
                tables.append(
                    corrupt_columns(columns, local_bad, [kinds[k] for k in local_kinds])
                )
                continue
            lines = writer.csv_lines(columns)
            if len(local_bad):
                fields = [
                    columns[name].take(pa.array(local_bad)).to_pylist()
                    for name in writer.COLUMNS
                ]
                texts = [
                    writer.malformed_line([f[j] for f in fields], kinds[k], j)
                    for j, k in enumerate(local_kinds)
                ]
                mask = np.zeros(stop - start, dtype=bool)
                mask[local_bad] = True
                lines = pc.replace_with_mask(
                    lines, pa.array(mask), pa.array(texts, type=pa.string())
                )
            sink.write(writer.string_buffer(lines))
    finally:
        if sink is not None:
            sink.close()
        if raw is not None:
            raw.close()
    if sink is None:
        writer.write_parquet(path, tables)
    return n_total, counts


def corrupt_columns(
    columns: dict[str, pa.Array], bad: np.ndarray, kinds: list[str]
) -> pa.Table:
    """Return a chunk as a Parquet table with the column-level corruptions."""
    kinds_array = np.array(kinds, dtype=object)
    replacements = {
        "invalid_timestamp": ("timestamp", writer.BAD_TIMESTAMPS),
        "missing_user_id": ("user_uuid", [None]),
        "invalid_status_code": ("response_code", writer.BAD_STATUS_CODES),
    }
    out = dict(columns)
    for kind, (name, values) in replacements.items():
        rows = bad[kinds_array == kind] if len(bad) else bad
        if not len(rows):
            continue
        mask = np.zeros(len(columns[name]), dtype=bool)
        mask[rows] = True
        texts = [values[j % len(values)] for j in range(len(rows))]
        out[name] = pc.replace_with_mask(
            columns[name], pa.array(mask), pa.array(texts, type=pa.string())
        )
    return pa.table({name: out[name] for name in writer.COLUMNS})


def generate_export(
    out_dir: Path,
    seed: int = 42,
    scale: float = 1.0,
    truth_dir: Path | None = None,
    years: Iterable[str | int] = ("2023",),
    file_format: str = "csv",
) -> ExportSummary:
    """Write a seeded synthetic platform export and its planted truth.

    The export folder gets `log_<year>.<format>`, `job.csv`, `application.csv`
    and `bookmark.csv`. The truth folder (default: `<out name>_truth` beside
    the export) gets `personas.csv` and `figures.json`. Same arguments give
    byte-identical files.
    """
    began = time.perf_counter()
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else default_truth_dir(out_dir)
    if scale <= 0:
        raise ValueError(
            f"invalid scale {scale}: use a positive number, "
            "1.0 = size of the 2023 export"
        )
    if file_format not in FILE_FORMATS:
        raise ValueError(
            f"invalid file format {file_format!r}: "
            f"choose one of {', '.join(FILE_FORMATS)}"
        )
    if (
        truth_dir.resolve() == out_dir.resolve()
        or out_dir.resolve() in truth_dir.resolve().parents
    ):
        raise ValueError(
            f"truth folder {truth_dir} is inside the export folder {out_dir}; "
            "choose a folder outside it"
        )
    year_list = parse_years(years)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("log_*"):
        stale.unlink()
    log.info(
        "generating %s (seed %d, scale %s, years %s, %s)",
        out_dir,
        seed,
        scale,
        year_list,
        file_format,
    )

    vocab = urls.UrlVocabulary()
    files, rows_by_file, malformed = [], {}, {}
    figures: dict = {"seed": seed, "scale": scale, "years": {}}
    results = []
    with tqdm(
        total=6 * len(year_list) + 1, desc="generate export", unit="step"
    ) as progress:
        for year in year_list:
            result, no_fraction = generate_year(year, seed, scale, vocab, progress)
            if results:
                share_returning_users(
                    np.random.default_rng([seed, year, 2]), results, result
                )
            path = out_dir / f"log_{year}.{file_format}"
            n_lines, bad = write_log(
                path,
                result,
                vocab,
                no_fraction,
                seed,
                file_format,
                round(cal.ROWS_BY_YEAR[year] * scale),
            )
            progress.update(1)
            files.append(path)
            rows_by_file[path.name] = n_lines
            malformed[path.name] = bad
            figures["years"][str(year)] = truth.year_figures(
                result, vocab, n_lines, bad
            )
            progress.update(1)
            results.append(result)

        tables = truth.write_side_tables(
            np.random.default_rng([seed, 0]), out_dir, results, vocab, scale
        )
        files += tables["files"]
        figures["job_fields"] = tables["figures"]
        personas = truth.personas_frame(results)
        personas.to_csv(truth_dir / "personas.csv", index=False, lineterminator="\n")
        progress.update(1)

    last = figures["years"][str(year_list[-1])]
    figures["files"] = rows_by_file
    figures["malformed_by_kind"] = malformed
    (truth_dir / "figures.json").write_text(
        json.dumps(figures, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )
    seconds = time.perf_counter() - began
    log.info(
        "wrote %s in %.1f s; truth in %s",
        ", ".join(p.name for p in files),
        seconds,
        truth_dir,
    )
    return ExportSummary(
        out_dir=out_dir,
        truth_dir=truth_dir,
        files=files,
        rows_by_file=rows_by_file,
        malformed_by_kind={
            k: sum(v.get(k, 0) for v in malformed.values())
            for k in writer.MALFORMED_KINDS
        },
        users=int(personas.shape[0]),
        users_in_window=int(last.get("users_in_window", 0)),
        seconds=seconds,
        figures=figures,
    )

"""Tests of the synthetic export generator.

The files are read back with the csv module, pandas and DuckDB, and the page
rules are re-implemented here from the documented path rules, so the checks
do not share code with the generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from recruitment_analytics.generate import generate_export
from recruitment_analytics.generate.__main__ import main as generate_main

HEADER = ",user_uuid,URL,timestamp,date,response_code,method"
UUID4 = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})? UTC$")
WINDOW_START = dt.date(2023, 5, 24)
PERSONAS = {"inactive", "job_browser", "applicant", "profile_builder"}

# The shared path rules, in order; first match wins.
PAGE_RULES = [
    (r"^/$", None, "main"),
    (r"^/signup/step3/done$", None, "signup_complete"),
    (r"^/(api/)?signup(/.*)?$|^/email_verify|^/verify_phone", None, "signup"),
    (r"^/api/jobs/id/apply/step4$", "POST", "apply_submit"),
    (r"^/jobs/id/apply/complete$", None, "apply_complete"),
    (r"^/jobs/id/apply/step[1-4]$", None, "apply_form"),
    (r"^/api/jobs/id/apply/step[1-4]$", None, "api"),
    (r"^/jobs/id/id_title$", None, "job_detail"),
    (r"^/jobs$|^/suggest$|^/api/jobs/job_title$", None, "job_list"),
    (r"^/companies/company_id(/jobs)?$", None, "company"),
    (
        r"^/@user_id(/.*)?$|^/setting$|^/api/users/id/(template|experience|specialty|project)",
        None,
        "profile",
    ),
    (r"^/api/", None, "api"),
]
COMPILED_RULES = [(re.compile(p), m, t) for p, m, t in PAGE_RULES]


def classify(url: str, method: str) -> str:
    """Return the page type of a raw URL under the shared path rules."""
    path = "/" + url.split("?", 1)[0].lower()
    if len(path) > 1:
        path = path.rstrip("/")
    for pattern, rule_method, page_type in COMPILED_RULES:
        if (rule_method is None or rule_method == method) and pattern.search(path):
            return page_type
    return "other"


def valid_timestamp(text: str) -> bool:
    """Return whether a log timestamp has the export format and a real date and time."""
    if not TIMESTAMP.match(text):
        return False
    try:
        dt.datetime.fromisoformat(text.removesuffix(" UTC"))
    except ValueError:
        return False
    return True


def malformed_kind(line: str) -> str | None:
    """Return the kind of a malformed log line, or None for a well-formed one."""
    if line.count('"') % 2:
        return "unbalanced_quote"
    fields = next(csv.reader([line]))
    if len(fields) != 7:
        return "wrong_field_count"
    if not fields[1]:
        return "missing_user_id"
    if not valid_timestamp(fields[3]):
        return "invalid_timestamp"
    if not fields[5].isdigit():
        return "invalid_status_code"
    return None


def read_log(path: Path) -> tuple[pd.DataFrame, Counter]:
    """Parse a log file line by line; return well-formed rows and malformed counts."""
    rows, bad = [], Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        header = handle.readline().rstrip("\n")
        assert header == HEADER
        for line in handle:
            line = line.rstrip("\n")
            kind = malformed_kind(line)
            if kind:
                bad[kind] += 1
            else:
                rows.append(next(csv.reader([line])))
    frame = pd.DataFrame(
        rows,
        columns=["index", "user_uuid", "url", "timestamp", "date", "status", "method"],
    )
    frame["status"] = frame["status"].astype(int)
    frame["ts"] = pd.to_datetime(
        frame["timestamp"].str.removesuffix(" UTC"), format="ISO8601"
    )
    frame["local_date"] = (frame["ts"] + pd.Timedelta(hours=9)).dt.date
    frame["page_type"] = [
        classify(u, m) for u, m in zip(frame["url"], frame["method"], strict=True)
    ]
    return frame, bad


@pytest.fixture(scope="module")
def export(small_export: Path, small_truth: Path) -> dict:
    """Read the shared small export and its truth once for this module."""
    log, bad = read_log(small_export / "log_2023.csv")
    return {
        "raw": small_export,
        "truth_dir": small_truth,
        "log": log,
        "bad": bad,
        "figures": json.loads((small_truth / "figures.json").read_text()),
        "personas": pd.read_csv(small_truth / "personas.csv"),
        "scale": json.loads((small_truth / "figures.json").read_text())["scale"],
    }


@pytest.fixture(scope="module")
def kept_window(export: dict) -> pd.DataFrame:
    """Return rows a pipeline keeps: in the window, status < 400, not automated."""
    log = export["log"]
    personas = export["personas"]
    automated = set(personas.loc[personas["is_automated"], "user_uuid"])
    mask = (
        (log["local_date"] >= WINDOW_START)
        & (log["status"] < 400)
        & ~log["user_uuid"].isin(automated)
    )
    return log[mask]


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate_export(tmp_path / "a" / "raw", seed=5, scale=0.01)
    second = generate_export(tmp_path / "b" / "raw", seed=5, scale=0.01)
    other = generate_export(tmp_path / "c" / "raw", seed=6, scale=0.01)
    for path in [
        *first.files,
        first.truth_dir / "personas.csv",
        first.truth_dir / "figures.json",
    ]:
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_bytes() == twin.read_bytes(), path.name
    assert first.files[0].read_bytes() != other.files[0].read_bytes()
    assert second.rows_by_file == first.rows_by_file


def test_export_folder_layout(export: dict) -> None:
    raw, truth_dir = export["raw"], export["truth_dir"]
    assert sorted(p.name for p in raw.iterdir()) == [
        "application.csv",
        "bookmark.csv",
        "job.csv",
        "log_2023.csv",
    ]
    assert truth_dir == raw.with_name(raw.name + "_truth")
    assert sorted(p.name for p in truth_dir.iterdir()) == [
        "figures.json",
        "personas.csv",
    ]
    assert (raw / "job.csv").read_text().splitlines()[0] == (
        ",cdate,mdate,job_field,career_type_string,start_date,end_date,"
        "allow_remote,can_show_salary,job_uuid,company_uuid"
    )
    assert (raw / "application.csv").read_text().splitlines()[0] == (
        ",cdate,company_uuid,job_uuid,user_uuid,application_uuid"
    )
    assert (raw / "bookmark.csv").read_text().splitlines()[
        0
    ] == ",cdate,job_uuid,user_uuid"


def test_log_quirks(export: dict) -> None:
    log = export["log"]
    assert log["index"].astype(int).is_monotonic_increasing
    assert log["user_uuid"].map(lambda u: bool(UUID4.match(u))).all()
    assert not log["url"].str.startswith("/").any()
    assert 0.025 < (log["url"] == "").mean() < 0.055
    assert log["url"].str.startswith("suggest?q=").any()
    assert log["url"].str.contains(r"[?&]_=1\d{12}$").any()
    assert log["url"].str.contains("utm_source=notification&utm_medium=email").any()
    assert log["url"].str.contains(",").any(), (
        "a URL with a comma exercises CSV quoting"
    )
    without_fraction = ~log["timestamp"].str.contains(r"\.")
    assert 0.005 < without_fraction.mean() < 0.03
    assert (log["date"] == log["local_date"].astype(str)).all()
    assert (log["date"] != log["ts"].dt.date.astype(str)).any()
    assert set(log["method"]) <= {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"}


def test_rows_not_time_sorted_per_user(export: dict) -> None:
    log = export["log"]
    busiest = log["user_uuid"].value_counts().index[0]
    stamps = log.loc[log["user_uuid"] == busiest, "ts"]
    assert not stamps.is_monotonic_increasing


def test_size_follows_scale(export: dict) -> None:
    scale, log, figures = export["scale"], export["log"], export["figures"]
    lines = len(log) + sum(export["bad"].values())
    assert lines == figures["years"]["2023"]["rows_total"]
    assert abs(lines - 7_187_783 * scale) / (7_187_783 * scale) < 0.05
    assert abs(log["user_uuid"].nunique() - 15_366 * scale) / (15_366 * scale) < 0.05
    in_window = log.loc[log["local_date"] >= WINDOW_START, "user_uuid"].nunique()
    assert abs(in_window - 11_111 * scale) / (11_111 * scale) < 0.03


@pytest.mark.parametrize(
    ("column", "expected", "tolerance"),
    [
        (
            "method",
            {"GET": 0.7089, "POST": 0.2696, "PUT": 0.0135, "DELETE": 0.0080},
            0.02,
        ),
        ("status", {200: 0.9785, 302: 0.0143, 400: 0.0041, 404: 0.0022}, 0.01),
    ],
)
def test_method_and_status_mix(
    export: dict, column: str, expected: dict, tolerance: float
) -> None:
    shares = export["log"][column].value_counts(normalize=True)
    for value, share in expected.items():
        assert abs(shares.get(value, 0.0) - share) < tolerance, (
            value,
            shares.get(value),
        )


def test_utc_hour_mix(export: dict) -> None:
    real = np.array([
        232_838, 356_098, 384_647, 354_555, 423_818, 502_213, 570_641, 574_981,
        542_128, 417_470, 351_565, 358_802, 402_400, 403_494, 379_574, 282_497,
        188_056, 117_026, 67_796, 47_984, 35_593, 37_271, 51_762, 104_574,
    ])  # fmt: skip
    shares = (
        export["log"]["ts"]
        .dt.hour.value_counts(normalize=True)
        .reindex(range(24), fill_value=0)
    )
    assert np.abs(shares.to_numpy() - real / real.sum()).max() < 0.02
    korea_daytime = shares.loc[0:9].sum()
    assert korea_daytime > 0.5


def test_errors_on_listed_urls(export: dict) -> None:
    log = export["log"]
    failed = log.loc[log["status"] >= 400, "url"].str.split("?").str[0].value_counts()
    top = set(failed.index[:8])
    assert {
        "api/jobs/id/apply/step3",
        "api/project/form_data/media",
        "api/users/id/specialty",
    } <= top
    bug = log[log["url"].str.startswith("@user_id/undefined")]
    assert len(bug) > 0
    assert (bug["status"] >= 400).all()
    page_views = log["page_type"].isin(
        ["job_list", "job_detail", "apply_form", "apply_submit"]
    )
    assert (log.loc[page_views, "status"] < 400).all()


def test_malformed_rows_match_truth(export: dict) -> None:
    planted = export["figures"]["malformed_by_kind"]["log_2023.csv"]
    assert dict(export["bad"]) == planted
    assert set(planted) == {
        "invalid_timestamp",
        "missing_user_id",
        "unbalanced_quote",
        "wrong_field_count",
        "invalid_status_code",
    }
    assert all(count > 0 for count in planted.values())
    total = sum(planted.values()) / export["figures"]["years"]["2023"]["rows_total"]
    assert 0.0003 < total < 0.0008


def test_duckdb_reads_every_line(export: dict) -> None:
    # An unbalanced quote makes a CSV parser run into the next lines, so the
    # log is read as one text column per line and split afterwards.
    path = export["raw"] / "log_2023.csv"
    count = duckdb.sql(
        f"select count(*) from read_csv('{path}', columns={{'line': 'varchar'}}, "
        "header=false, delim='\\t', quote='', escape='', strict_mode=false)"
    ).fetchall()[0][0]
    assert count == export["figures"]["years"]["2023"]["rows_total"] + 1


def test_personas_cover_log_users(export: dict) -> None:
    personas, log = export["personas"], export["log"]
    assert personas["user_uuid"].is_unique
    assert set(log["user_uuid"]) <= set(personas["user_uuid"])
    assert set(personas["persona"]) == PERSONAS | {"automated"}
    assert (personas["is_automated"] == (personas["persona"] == "automated")).all()
    active = personas[personas["active_in_window"] & ~personas["is_automated"]]
    assert set(active["user_type"]) == {"new", "existing"}
    shares = active["persona"].value_counts(normalize=True)
    for persona, share in {
        "inactive": 0.4,
        "job_browser": 0.2,
        "applicant": 0.2,
        "profile_builder": 0.2,
    }.items():
        assert abs(shares[persona] - share) < 0.03, persona


def test_automated_clients_exceed_rate_rules(export: dict) -> None:
    log, personas = export["log"], export["personas"]
    automated = set(personas.loc[personas["is_automated"], "user_uuid"])
    bots = log[log["user_uuid"].isin(automated)]
    people = log[~log["user_uuid"].isin(automated)]
    assert bots.groupby(["user_uuid", bots["ts"].dt.date]).size().max() > 5000
    assert bots.groupby(["user_uuid", bots["ts"].dt.floor("min")]).size().max() > 120
    assert people.groupby(["user_uuid", people["ts"].dt.date]).size().max() < 2000
    assert (
        people.groupby(["user_uuid", people["ts"].dt.floor("min")]).size().max() <= 60
    )


def test_complete_page_only_from_window(export: dict) -> None:
    log = export["log"]
    complete = log[log["page_type"] == "apply_complete"]
    assert len(complete) > 0
    assert complete["local_date"].min() >= WINDOW_START
    early_submits = log[
        (log["page_type"] == "apply_submit") & (log["local_date"] < WINDOW_START)
    ]
    assert len(early_submits) > 0, (
        "before the window a completed application shows only as step 4"
    )
    assert (
        export["figures"]["years"]["2023"]["first_apply_complete_date"] >= "2023-05-24"
    )


def test_personas_distinct_page_mix(export: dict, kept_window: pd.DataFrame) -> None:
    personas = export["personas"].set_index("user_uuid")["persona"]
    counts = (
        kept_window.groupby(["user_uuid", "page_type"]).size().unstack(fill_value=0)
    )
    counts["persona"] = personas.reindex(counts.index).to_numpy()
    mean = counts.groupby("persona").mean()
    assert 12 <= mean.loc["job_browser", "job_list"] <= 16
    assert 9 <= mean.loc["job_browser", "job_detail"] <= 15
    assert mean.loc["inactive", "job_list"] < 2.5
    assert mean.loc["inactive", "job_detail"] < 2.5
    assert mean.loc["job_browser", "job_list"] > 5 * mean.loc["inactive", "job_list"]
    opened = counts["apply_form"] > 0
    assert opened[counts["persona"] == "applicant"].all()
    assert opened[counts["persona"] == "job_browser"].mean() < 0.05
    assert (counts.loc[counts["persona"] == "job_browser", "apply_submit"] == 0).all()
    assert (
        counts.loc[counts["persona"] == "profile_builder", "apply_submit"] == 0
    ).all()
    builders = counts[counts["persona"] == "profile_builder"]
    views = builders.drop(columns=["persona", "api", "other"], errors="ignore")
    assert (views["profile"] / views.sum(axis=1)).median() > 0.5


def test_personas_recovered_by_kmeans(export: dict, kept_window: pd.DataFrame) -> None:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    events = kept_window.sort_values(["user_uuid", "ts"])
    new_session = events.groupby("user_uuid")["ts"].diff() > pd.Timedelta(minutes=30)
    events = events.assign(
        session=new_session.astype(int).groupby(events["user_uuid"]).cumsum()
    )
    bounds = events.groupby(["user_uuid", "session"])["ts"].agg(["min", "max"])
    seconds = (bounds["max"] - bounds["min"]).dt.total_seconds().groupby(level=0)
    views = events.groupby(["user_uuid", "page_type"]).size().unstack(fill_value=0)
    pages = ["job_list", "job_detail", "profile", "apply_form", "main"]
    features = pd.DataFrame(
        {
            "sessions": bounds.groupby(level=0).size(),
            "median_seconds": seconds.median(),
            **{page: views.get(page, 0) for page in pages},
        }
    )
    matrix = StandardScaler().fit_transform(np.log1p(features.to_numpy(dtype=float)))
    clusters = KMeans(4, n_init=10, random_state=0).fit_predict(matrix)
    personas = export["personas"].set_index("user_uuid")["persona"]
    score = adjusted_rand_score(personas.reindex(features.index), clusters)
    assert score >= 0.8


def test_completion_rate_by_user_type(export: dict, kept_window: pd.DataFrame) -> None:
    new_users = set(
        kept_window.loc[kept_window["page_type"] == "signup_complete", "user_uuid"]
    )
    opened = set(kept_window.loc[kept_window["page_type"] == "apply_form", "user_uuid"])
    submitted = set(
        kept_window.loc[kept_window["page_type"] == "apply_submit", "user_uuid"]
    )
    planted = export["figures"]["years"]["2023"]["completion_rate"]
    for user_type, members in (
        ("new", opened & new_users),
        ("existing", opened - new_users),
    ):
        rate = len(members & submitted) / len(members)
        assert rate == pytest.approx(planted[user_type], abs=0.001), user_type
    assert planted["new"] == pytest.approx(0.916, abs=0.1)
    assert planted["existing"] == pytest.approx(0.231, abs=0.04)


def test_days_to_apply_by_user_type(export: dict) -> None:
    figures = export["figures"]["years"]["2023"]["days_to_apply_mean"]
    assert figures["new"] == pytest.approx(19, abs=4)
    assert figures["existing"] == pytest.approx(36, abs=6)


def test_month_start_and_weekday_peaks(kept_window: pd.DataFrame) -> None:
    daily = kept_window.groupby("local_date").size()
    days = pd.to_datetime(pd.Series(daily.index))
    month_start = (days.dt.day <= 3).to_numpy()
    assert daily[month_start].mean() > 1.2 * daily[~month_start].mean()
    weekend = (days.dt.day_of_week >= 5).to_numpy()
    assert daily[~weekend].mean() > 1.4 * daily[weekend].mean()


def test_monthly_active_users_fall(kept_window: pd.DataFrame, export: dict) -> None:
    month = pd.to_datetime(kept_window["local_date"]).dt.strftime("%Y-%m")
    mau = kept_window.groupby(month)["user_uuid"].nunique()
    assert mau["2023-06"] > 1.2 * mau["2023-12"]
    assert mau.to_dict() == export["figures"]["years"]["2023"]["monthly_active_users"]


def test_signup_funnel(export: dict) -> None:
    log, scale = export["log"], export["scale"]
    started = log.loc[
        log["page_type"].isin(["signup", "signup_complete"]), "user_uuid"
    ].nunique()
    done = log.loc[log["page_type"] == "signup_complete", "user_uuid"].nunique()
    assert done == pytest.approx(2030 * scale, rel=0.05)
    assert started == pytest.approx(4105 * scale, rel=0.05)


def test_job_field_shares(export: dict) -> None:
    jobs = pd.read_csv(export["raw"] / "job.csv", index_col=0)
    posting = jobs["job_field"].value_counts(normalize=True)
    assert posting["SW 개발"] == pytest.approx(0.417, abs=0.005)
    assert posting["기획/PM"] == pytest.approx(0.137, abs=0.005)
    assert posting["마케팅"] == pytest.approx(0.113, abs=0.005)
    assert jobs["career_type_string"].str.contains(",").any()

    applications = pd.read_csv(export["raw"] / "application.csv", index_col=0)
    cdate = applications["cdate"].str.removesuffix(" UTC")
    assert cdate.str.contains(r"\.\d{6}$").any()
    assert (~cdate.str.contains(r"\.")).any()
    applied = pd.to_datetime(cdate, format="ISO8601")
    assert applied.min().year <= 2017
    fields = applications.merge(jobs[["job_uuid", "job_field"]], on="job_uuid")[
        "job_field"
    ]
    assert len(fields) == len(applications)
    in_window = applied >= pd.Timestamp("2023-05-23 15:00")
    share = fields[in_window.to_numpy()].value_counts(normalize=True)
    assert share["SW 개발"] == pytest.approx(0.568, abs=0.02)
    assert share["기획/PM"] == pytest.approx(0.110, abs=0.02)
    assert share["마케팅"] == pytest.approx(0.072, abs=0.02)


def test_submits_have_applications(export: dict) -> None:
    log = export["log"]
    submits = log[log["page_type"] == "apply_submit"]
    applications = pd.read_csv(export["raw"] / "application.csv", index_col=0)
    applied_2023 = applications[applications["cdate"].str.startswith("2023")]
    assert len(applied_2023) == len(submits)
    assert set(applied_2023["user_uuid"]) == set(submits["user_uuid"])


def test_command_line_gzip_and_parquet(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    assert (
        generate_main(["--out", str(raw), "--scale", "0.005", "--format", "csv.gz"])
        == 0
    )
    with gzip.open(raw / "log_2023.csv.gz", "rt", encoding="utf-8") as handle:
        assert handle.readline().rstrip("\n") == HEADER
    assert (tmp_path / "raw_truth" / "figures.json").exists()

    truth = tmp_path / "elsewhere"
    assert (
        generate_main(
            [
                "--out",
                str(raw),
                "--scale",
                "0.005",
                "--format",
                "parquet",
                "--truth",
                str(truth),
            ]
        )
        == 0
    )
    table = duckdb.sql(f"select * from read_parquet('{raw / 'log_2023.parquet'}')").df()
    assert list(table.columns)[1:] == [
        "user_uuid",
        "URL",
        "timestamp",
        "date",
        "response_code",
        "method",
    ]
    assert not (raw / "log_2023.csv.gz").exists()

    planted = json.loads((truth / "figures.json").read_text())["malformed_by_kind"]
    assert set(planted["log_2023.parquet"]) == {
        "invalid_timestamp",
        "missing_user_id",
        "invalid_status_code",
    }
    assert (
        table["user_uuid"].isna().sum()
        == planted["log_2023.parquet"]["missing_user_id"]
    )
    bad_codes = ~table["response_code"].str.fullmatch(r"\d+")
    assert bad_codes.sum() == planted["log_2023.parquet"]["invalid_status_code"]


def test_two_log_years(tmp_path: Path) -> None:
    summary = generate_export(
        tmp_path / "raw", seed=3, scale=0.01, years=("2022", "2023")
    )
    assert [p.name for p in summary.files[:2]] == ["log_2022.csv", "log_2023.csv"]
    log_2022, bad_2022 = read_log(tmp_path / "raw" / "log_2022.csv")
    log_2023, _ = read_log(tmp_path / "raw" / "log_2023.csv")
    assert sum(bad_2022.values()) > 0
    assert log_2022["date"].str.startswith("2022").all()
    assert not (log_2022["page_type"] == "apply_complete").any()
    assert (log_2022["page_type"] == "apply_submit").any()
    returning = set(log_2022["user_uuid"]) & set(log_2023["user_uuid"])
    assert len(returning) > 0.1 * log_2023["user_uuid"].nunique()
    personas = pd.read_csv(tmp_path / "raw_truth" / "personas.csv")
    assert set(log_2022["user_uuid"]) | set(log_2023["user_uuid"]) <= set(
        personas["user_uuid"]
    )


def test_invalid_arguments_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid scale"):
        generate_export(tmp_path / "raw", scale=0)
    with pytest.raises(ValueError, match="invalid years"):
        generate_export(tmp_path / "raw", years=["2019"])
    with pytest.raises(ValueError, match="inside the export folder"):
        generate_export(tmp_path / "raw", truth_dir=tmp_path / "raw" / "truth")

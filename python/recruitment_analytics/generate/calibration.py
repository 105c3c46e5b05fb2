"""Target figures of the real 2023 platform export that the generator plants.

Counts are for scale 1.0 and are multiplied by the scale. The sources are the
published notebook outputs of the original analysis of the private export.
"""

from __future__ import annotations

import datetime as dt

YEAR_2023 = 2023
WINDOW_START = dt.date(2023, 5, 24)
"""First local date of the analysis window and of the application complete page."""

LOCAL_UTC_OFFSET_HOURS = 9
"""Korea Standard Time is UTC+9 all year (no daylight saving)."""

ROWS_BY_YEAR = {2022: 10_054_124, 2023: 7_187_783}
USERS_BY_YEAR = {2022: 17_112, 2023: 15_366}
USERS_IN_WINDOW = 11_111
SIGNUP_STARTED_2023 = 4_105
SIGNUP_DONE_2023 = 2_030
MALFORMED_SHARE = 0.0005

# Share of users active in the window by persona (automated clients come extra).
PERSONA_SHARES = {
    "inactive": 0.40,
    "job_browser": 0.20,
    "applicant": 0.20,
    "profile_builder": 0.20,
}
AUTOMATED = "automated"
AUTOMATED_CLIENTS = 6
AUTOMATED_DAILY_ROWS = (5_200, 9_000)

COMPLETION_RATE = {"new": 0.916, "existing": 0.231}
DAYS_TO_APPLY_MEAN = {"new": 19.0, "existing": 36.0}
BROWSER_FORM_OPEN_SHARE = 0.015

MONTH_START_DAYS = 3
MONTH_START_FACTOR = 1.45
WEEKEND_FACTOR = 0.55
HOLIDAY_FACTOR = 0.5
TREND_END_FACTOR = 0.42
"""Daily traffic falls linearly to this share of January by 31 December."""

# Korean public holidays that fell on weekdays or weekends in 2022 and 2023.
HOLIDAYS = {
    2022: [
        "2022-01-01", "2022-01-31", "2022-02-01", "2022-02-02", "2022-03-01",
        "2022-03-09", "2022-05-05", "2022-05-08", "2022-06-01", "2022-06-06",
        "2022-08-15", "2022-09-09", "2022-09-10", "2022-09-12", "2022-10-03",
        "2022-10-10", "2022-12-25",
    ],
    2023: [
        "2023-01-01", "2023-01-21", "2023-01-22", "2023-01-23", "2023-01-24",
        "2023-03-01", "2023-05-05", "2023-05-27", "2023-05-29", "2023-06-06",
        "2023-08-15", "2023-09-28", "2023-09-29", "2023-09-30", "2023-10-02",
        "2023-10-03", "2023-10-09", "2023-12-25",
    ],
}  # fmt: skip

# Requests by UTC hour of day, 2023.
UTC_HOUR_ROWS = [
    232_838, 356_098, 384_647, 354_555, 423_818, 502_213, 570_641, 574_981,
    542_128, 417_470, 351_565, 358_802, 402_400, 403_494, 379_574, 282_497,
    188_056, 117_026, 67_796, 47_984, 35_593, 37_271, 51_762, 104_574,
]  # fmt: skip

METHOD_ROWS = {
    2023: {
        "GET": 5_095_364,
        "POST": 1_937_800,
        "PUT": 97_281,
        "DELETE": 57_332,
        "HEAD": 4,
        "OPTIONS": 2,
    },
}
METHOD_ROWS[2022] = METHOD_ROWS[2023]

STATUS_ROWS = {
    2023: {
        200: 7_033_181, 302: 102_602, 400: 29_427, 404: 15_574, 409: 4_834,
        500: 1_056, 405: 479, 401: 475, 301: 57, 403: 57, 503: 41,
    },
    2022: {
        200: 9_870_549, 302: 100_486, 404: 40_320, 400: 33_319, 409: 5_350,
        500: 2_252, 401: 886, 405: 732, 503: 192, 403: 36, 301: 2,
    },
}  # fmt: skip

# Failed requests (status >= 400) by URL, 2023; the rest spread over API calls.
ERROR_ROWS_BY_TEMPLATE = {
    "api/jobs/id/apply/step3": 6_897,
    "api/project/form_data/media": 6_678,
    "api/users/id/specialty": 4_784,
    "api/jobs/id/apply/step1": 4_188,
    "api/users/id/project": 2_890,
}
CLIENT_BUG_ROWS = 1_500
"""Rows of `@user_id/undefined?offset=undefined&_=...`, a client bug; all fail."""

# UTM source / medium rows, 2023.
UTM_ROWS = {
    ("notification", "email"): 37_490,
    ("excel", "alink"): 28_638,
    ("google_jobs_apply", "organic"): 745,
    ("iweb", "marketing"): 99,
    ("email", "email"): 70,
    ("jobboard+Newsletter", "email"): 3,
    ("facebook", "social"): 2,
    ("kakaochatbot", "organic"): 1,
}
NOTIFICATION_CAMPAIGNS = {
    "jobs": 17_543,
    "company": 11_037,
    "job_matching": 8_919,
    "recommend_people": 2_671,
    "application_open": 1_544,
}
NOTIFICATION_CONTENTS = {
    "view_job": 16_383,
    "view_company": 6_623,
    "email_setting": 1_444,
    "view_application_button": 1_387,
    "view_job_button": 1_358,
}

# Job fields: share of postings and share of applications.
JOB_FIELDS = [
    "SW 개발", "기획/PM", "마케팅", "디자인", "운영", "비즈니스", "경영지원",
    "HW 개발", "게임 개발", "투자",
]  # fmt: skip
POSTING_SHARES = [0.417, 0.137, 0.113, 0.090, 0.060, 0.060, 0.050, 0.030, 0.025, 0.018]
APPLICATION_SHARES = [
    0.568,
    0.110,
    0.072,
    0.070,
    0.050,
    0.045,
    0.035,
    0.025,
    0.015,
    0.010,
]
CAREER_TYPES = ["신입", "경력", "인턴"]

JOBS = 6_000
COMPANIES = 1_500
HISTORIC_APPLICATIONS = 25_000
"""Applications from 2017 to the year before the first generated log year."""
FIRST_APPLICATION_YEAR = 2017

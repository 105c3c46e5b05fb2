"""URL templates of the platform log and the page type each one maps to.

Every generated request points at one entry of a fixed URL vocabulary, so the
request table stores an integer per row and the strings are built once per
vocabulary entry. Only cache busters (`_=<epoch ms>`) are made per row.
The page types follow the ordered path rules that the dbt project's
`page_rules` seed applies after normalising the path.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np

from recruitment_analytics.generate import calibration as cal

PAGE_TYPES = [
    "main",
    "signup",
    "signup_complete",
    "profile",
    "job_list",
    "company",
    "job_detail",
    "apply_form",
    "apply_submit",
    "apply_complete",
    "api",
    "other",
]
PAGE_TYPE_CODE = {name: code for code, name in enumerate(PAGE_TYPES)}

METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]
METHOD_CODE = {name: code for code, name in enumerate(METHODS)}

SEARCH_TERMS = [
    "백엔드", "프론트엔드", "데이터 분석", "서버 개발자", "react", "python",
    "java,spring", "PM", "마케터", "디자이너", "UX", "iOS", "안드로이드", "DevOps",
    "신입", "인턴", "원격", "스타트업", "AI", "머신러닝", "QA", "게임 기획", "회계",
    "인사", "영업", "node.js", "typescript", "풀스택", "데이터 엔지니어", "CTO",
    "콘텐츠 마케팅", "그로스", "브랜드 디자인", "임베디드", "unity", "투자 심사",
]  # fmt: skip
SEARCH_MODIFIERS = [
    "",
    " 신입",
    " 경력",
    " 서울",
    " 재택",
    " 3년",
    " 판교",
    " 인턴",
    " 주니어",
]
CONTINUE_TARGETS = [
    "/jobs",
    "/@user_id",
    "/setting",
    "/jobs/id/id_title",
    "/companies/company_id",
]
PASSWORD_RESET_CODES = 200


def search_texts() -> list[str]:
    """Return percent-encoded search texts; commas stay raw as browsers send them."""
    texts = [
        term + modifier
        for term, modifier in itertools.product(SEARCH_TERMS, SEARCH_MODIFIERS)
    ]
    return [quote(text, safe=",") for text in texts]


@dataclass
class Template:
    """One URL shape with its variants (query strings) and request properties."""

    key: str
    variants: list[str]
    page_type: str
    methods: dict[str, float] = field(default_factory=lambda: {"GET": 1.0})
    # NOTE: the real 2023 log has 1,074,889 distinct URL strings; these
    # shares give about 300,000 at scale 1.0, so distinct-URL counts run low.
    cache_buster_share: float = 0.0
    fixed_status: int | None = None


def utm_query(
    source: str, medium: str, campaign: str | None, content: str | None
) -> str:
    """Return a `utm_*` query string in the order the platform's links use."""
    parts = [f"utm_source={source}", f"utm_medium={medium}"]
    if campaign:
        parts.append(f"utm_campaign={campaign}")
    if content:
        parts.append(f"utm_content={content}")
    return "?" + "&".join(parts)


def build_templates() -> list[Template]:
    """Return every URL template the generator emits."""
    texts = search_texts()
    pages = range(1, 21)
    any_write = {"GET": 0.45, "POST": 0.35, "PUT": 0.12, "DELETE": 0.08}

    # Page views and the profile API calls that count as profile views.
    templates = [
        Template("main", [""], "main"),
        Template("signup", ["signup"], "signup"),
        Template("signup_step1", ["signup/step1"], "signup"),
        Template("signup_step2", ["signup/step2"], "signup"),
        Template("signup_step3", ["signup/step3"], "signup"),
        Template("signup_done", ["signup/step3/done"], "signup_complete"),
        Template(
            "signup_api", ["api/signup/form"], "signup", {"GET": 0.3, "POST": 0.7}
        ),
        Template("email_verify", ["email_verify"], "signup"),
        Template(
            "verify_phone",
            ["verify_phone?next_url=%2Fjobs", "verify_phone?next_url=%2F"],
            "signup",
        ),
        Template("profile_home", ["@user_id"], "profile"),
        Template("profile_resume", ["@user_id/resume"], "profile"),
        Template("profile_applications", ["@user_id/applications"], "profile"),
        Template("profile_follower", ["@user_id/follower"], "profile"),
        Template("profile_offers", ["@user_id/job_offer/received"], "profile"),
        Template("setting", ["setting"], "profile"),
        Template(
            "api_template",
            ["api/users/id/template"],
            "profile",
            {"GET": 0.45, "POST": 0.45, "PUT": 0.10},
        ),
        Template("api_experience", ["api/users/id/experience"], "profile", any_write),
        Template("api_specialty", ["api/users/id/specialty"], "profile", any_write),
        Template("api_project", ["api/users/id/project"], "profile", any_write),
        Template(
            "api_experience_form",
            ["api/users/id/experience/form?type=apply"],
            "profile",
        ),
        Template(
            "client_bug",
            ["@user_id/undefined?offset=undefined"],
            "profile",
            cache_buster_share=1.0,
        ),
        Template("jobs", ["jobs"], "job_list"),
        Template("jobs_keywords", [f"jobs?keywords={t}" for t in texts], "job_list"),
        Template("suggest", [f"suggest?q={t}" for t in texts], "job_list"),
        Template(
            "api_job_title",
            [
                f"api/jobs/job_title?page={p}&keywords={t}"
                for p in pages
                for t in texts[:60]
            ],
            "job_list",
            cache_buster_share=0.3,
        ),
        Template("company", ["companies/company_id"], "company"),
        Template("company_jobs", ["companies/company_id/jobs"], "company"),
        Template("job_detail", ["jobs/id/id_title"], "job_detail"),
    ]

    # Application form pages, their API calls, the submit and the complete page.
    for step in range(1, 5):
        templates.append(
            Template(f"apply_step{step}", [f"jobs/id/apply/step{step}"], "apply_form")
        )
    for step in range(1, 4):
        templates.append(
            Template(
                f"api_apply_step{step}",
                [f"api/jobs/id/apply/step{step}"],
                "api",
                {"GET": 0.5, "POST": 0.5},
            )
        )
    # A GET of the step-4 endpoint loads the form; only the POST submits it.
    templates.append(Template("api_apply_step4", ["api/jobs/id/apply/step4"], "api"))
    templates.append(
        Template(
            "apply_submit", ["api/jobs/id/apply/step4"], "apply_submit", {"POST": 1.0}
        )
    )
    templates.append(
        Template("apply_complete", ["jobs/id/apply/complete"], "apply_complete")
    )

    # Background API calls and pages the path rules leave as `other`.
    templates += [
        Template(
            "api_recommend",
            ["api/recommend_specialty"],
            "api",
            {"GET": 0.2, "POST": 0.8},
        ),
        Template("api_other_jobs", ["api/jobs/id/other_jobs?offset=0&limit=5"], "api"),
        Template(
            "api_company_view",
            ["api/companies/id/view"],
            "api",
            {"GET": 0.3, "POST": 0.7},
        ),
        Template(
            "api_guided_action",
            ["api/current_guided_action/id"],
            "api",
            {"GET": 0.7, "PUT": 0.3},
            cache_buster_share=0.6,
        ),
        Template(
            "api_notifications",
            [f"api/users/notifications/mark_read?id={n}" for n in range(1, 401)],
            "api",
            {"POST": 1.0},
            cache_buster_share=1.0,
        ),
        Template(
            "api_search_specialty",
            ["api/search/specialty"],
            "api",
            cache_buster_share=0.6,
        ),
        Template(
            "api_search_companies",
            ["api/search/companies"],
            "api",
            cache_buster_share=0.6,
        ),
        Template(
            "api_search_product", ["api/search/product"], "api", cache_buster_share=0.6
        ),
        Template(
            "api_search_people",
            ["api/search/people/job_title"],
            "api",
            cache_buster_share=0.6,
        ),
        Template(
            "api_bookmark",
            ["api/jobs/id/bookmark"],
            "api",
            {"POST": 0.7, "DELETE": 0.3},
        ),
        Template(
            "api_media",
            ["api/project/form_data/media"],
            "api",
            {"POST": 0.8, "PUT": 0.2},
        ),
        Template("timeline", ["timeline"], "other"),
        Template("people", ["people"], "other"),
        Template("pricing", ["pricing/advertising"], "other"),
        Template("zip_code", ["zip_code?index=0&type=profile"], "other"),
        Template(
            "password_reset",
            [
                f"password_reset?code={n:032x}"
                for n in range(7919, 7919 + 7 * PASSWORD_RESET_CODES, 7)
            ],
            "other",
        ),
        Template(
            "continue",
            [f"continue?next={t}" for t in CONTINUE_TARGETS],
            "other",
            fixed_status=302,
        ),
    ]

    templates += utm_templates()
    return templates


def utm_templates() -> list[Template]:
    """Return landing-page templates that carry UTM parameters, one per source."""
    campaigns = list(cal.NOTIFICATION_CAMPAIGNS)
    landing_for_content = {
        "view_job": ("job_detail", "jobs/id/id_title"),
        "view_job_button": ("job_detail", "jobs/id/id_title"),
        "view_company": ("company", "companies/company_id"),
        "email_setting": ("profile", "setting"),
        "view_application_button": ("profile", "@user_id/applications"),
    }
    templates = []
    for content, (page_type, path) in landing_for_content.items():
        variants = [
            path + utm_query("notification", "email", c, content) for c in campaigns
        ]
        templates.append(Template(f"utm_notification_{content}", variants, page_type))
    templates.append(
        Template(
            "utm_notification_plain",
            [
                "jobs/id/id_title" + utm_query("notification", "email", c, None)
                for c in campaigns
            ],
            "job_detail",
        )
    )
    job_sources = {
        "excel": ("alink", None),
        "google_jobs_apply": ("organic", "google_jobs_apply"),
        "email": ("email", None),
        "kakaochatbot": ("organic", None),
    }
    for source, (medium, campaign) in job_sources.items():
        query = utm_query(source, medium, campaign, None)
        templates.append(
            Template(f"utm_{source}", ["jobs/id/id_title" + query], "job_detail")
        )
    main_sources = {
        "iweb": ("marketing", "job_fair"),
        "jobboard+Newsletter": ("email", "newsletter"),
        "facebook": ("social", None),
    }
    for source, (medium, campaign) in main_sources.items():
        query = utm_query(source, medium, campaign, None)
        templates.append(Template(f"utm_{source}", [query], "main"))
    return templates


def utm_template_rows() -> dict[str, float]:
    """Return the 2023 row count planted for each UTM landing template."""
    rows = {f"utm_notification_{c}": n for c, n in cal.NOTIFICATION_CONTENTS.items()}
    rows["utm_notification_plain"] = cal.UTM_ROWS[("notification", "email")] - sum(
        cal.NOTIFICATION_CONTENTS.values()
    )
    for (source, _medium), count in cal.UTM_ROWS.items():
        if source != "notification":
            rows[f"utm_{source}"] = count
    return rows


class UrlVocabulary:
    """Flattened variants of all templates, addressable by integer id."""

    def __init__(self, templates: list[Template] | None = None) -> None:
        self.templates = templates if templates is not None else build_templates()
        self.template_index = {t.key: i for i, t in enumerate(self.templates)}
        counts = np.array([len(t.variants) for t in self.templates])
        self.variant_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.variant_count = counts
        self.strings = [v for t in self.templates for v in t.variants]
        self.template_of_variant = np.repeat(np.arange(len(self.templates)), counts)
        self.template_page_type = np.array(
            [PAGE_TYPE_CODE[t.page_type] for t in self.templates], dtype=np.int8
        )
        self.template_cache_buster = np.array(
            [t.cache_buster_share for t in self.templates]
        )
        self.variant_has_query = np.array(["?" in s for s in self.strings])
        self.variant_is_empty = np.array([s == "" for s in self.strings])

    def tid_by_path(self, path: str) -> int:
        """Return the id of the first template whose first variant is the path."""
        return next(i for i, t in enumerate(self.templates) if t.variants[0] == path)

    def tid(self, key: str) -> int:
        """Return the template id of a key."""
        return self.template_index[key]

    def sample_variants(
        self, rng: np.random.Generator, template_ids: np.ndarray
    ) -> np.ndarray:
        """Draw one variant id per row, uniformly within each row's template."""
        start = self.variant_start[template_ids]
        count = self.variant_count[template_ids]
        return start + (rng.random(len(template_ids)) * count).astype(np.int64)

    def sample_templates(
        self, rng: np.random.Generator, mix: dict[str, float], size: int
    ) -> np.ndarray:
        """Draw template ids from a weighted mix of template keys."""
        keys = list(mix)
        weights = np.array([mix[k] for k in keys], dtype=float)
        ids = np.array([self.tid(k) for k in keys])
        return ids[rng.choice(len(keys), size=size, p=weights / weights.sum())]


# Template mixes used for each kind of page view and its background calls.
PROFILE_PAGE_MIX = {
    "profile_home": 0.50, "profile_resume": 0.15, "profile_applications": 0.10,
    "profile_follower": 0.05, "profile_offers": 0.05, "setting": 0.15,
}  # fmt: skip
JOB_LIST_MIX = {
    "jobs": 0.22,
    "jobs_keywords": 0.08,
    "suggest": 0.28,
    "api_job_title": 0.42,
}
COMPANY_MIX = {"company": 0.8, "company_jobs": 0.2}
OTHER_PAGE_MIX = {
    "timeline": 0.35, "people": 0.25, "pricing": 0.1, "zip_code": 0.15,
    "password_reset": 0.15,
}  # fmt: skip
COMMON_BACKGROUND = {
    "api_recommend": 0.25, "api_guided_action": 0.15, "api_notifications": 0.12,
    "api_search_specialty": 0.05, "continue": 0.05, "api_template": 0.10,
}  # fmt: skip
BACKGROUND_MIX = {
    "main": {**COMMON_BACKGROUND},
    "profile": {
        "api_template": 0.62, "api_experience": 0.05, "api_specialty": 0.08,
        "api_project": 0.06, "api_experience_form": 0.02, "api_media": 0.09,
        "api_recommend": 0.08,
    },
    "job_list": {
        "api_search_companies": 0.2, "api_search_product": 0.1,
        "api_search_people": 0.1, "api_search_specialty": 0.1, **COMMON_BACKGROUND,
    },
    "company": {"api_company_view": 0.7, **COMMON_BACKGROUND},
    "job_detail": {
        "api_other_jobs": 0.5, "api_company_view": 0.3, "api_bookmark": 0.05,
        "api_recommend": 0.08, "api_guided_action": 0.05, "continue": 0.02,
    },
    "apply_step1": {"api_apply_step1": 0.8, "api_recommend": 0.2},
    "apply_step2": {"api_apply_step2": 0.8, "api_recommend": 0.2},
    "apply_step3": {"api_apply_step3": 0.8, "api_recommend": 0.2},
    "apply_step4": {"api_apply_step4": 0.8, "api_recommend": 0.2},
    "signup": {"signup_api": 0.7, "api_recommend": 0.3},
    "other": {**COMMON_BACKGROUND},
}  # fmt: skip
BACKGROUND_WEIGHT = {
    "main": 1.2, "profile": 1.0, "job_list": 0.6, "company": 1.2, "job_detail": 1.6,
    "apply_step1": 1.5, "apply_step2": 1.5, "apply_step3": 1.8, "apply_step4": 1.2,
    "signup": 1.0, "other": 1.0, "none": 0.0,
}  # fmt: skip
"""Relative number of background calls after a page view of each kind."""

"""Django settings for Keystage.

Defaults give a working embedded instance: SQLite in a data directory outside the
source tree, a secret key generated once and kept there. The environment switches
to production: ``DATABASE_URL`` (PostgreSQL), ``KEYSTAGE_SECRET_KEY``,
``KEYSTAGE_PRODUCTION=1`` (HTTPS-only cookies, HSTS, no debug),
``KEYSTAGE_ALLOWED_HOSTS``, ``KEYSTAGE_BASE_URL``.

Everything the process writes is private to its user (umask 077): the data directory
and its folders are 0700, the database, secret key, outgoing mail and attachments 0600
(`keystage serve` and `keystage migrate` also fix what an older version left readable).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# The data directory holds the database, the secret key, mail and attachments: nothing the
# app writes is for other users of the machine.
os.umask(0o077)


def _data_dir() -> Path:
    explicit = os.environ.get("KEYSTAGE_DATA_DIR")
    if explicit:
        path = Path(explicit).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "keystage"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _secret_key(data_dir: Path, production: bool) -> str:
    key = os.environ.get("KEYSTAGE_SECRET_KEY")
    if key:
        return key
    if production:
        raise RuntimeError("KEYSTAGE_SECRET_KEY must be set when KEYSTAGE_PRODUCTION=1")
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = _data_dir()
PRODUCTION = _flag("KEYSTAGE_PRODUCTION")
DEBUG = _flag("KEYSTAGE_DEBUG", default=False)
SECRET_KEY = _secret_key(DATA_DIR, PRODUCTION)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KEYSTAGE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    # Before django.contrib.auth: its `changepassword` command revokes tokens and sessions.
    "keystage.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "keystage.core",
    "keystage.portfolio",
    "keystage.notifications",
    "keystage.initiation",
    "keystage.resources",
    "keystage.planning",
    "keystage.staffing",
    "keystage.execution",
    "keystage.costs",
    "keystage.risks",
    "keystage.quality",
    "keystage.control",
    "keystage.closing",
    "keystage.interop",
    "keystage.ops",
    # Last: its widget templates are the fallback; keystage.core overrides attrs.html.
    "django.forms",
]
# Widgets render through the template engine, so app templates can override them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "keystage.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "keystage.config.urls"
WSGI_APPLICATION = "keystage.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "keystage.accounts.context.organisation_currency",
            ],
        },
    }
]

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"].setdefault("OPTIONS", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "keystage.sqlite3"),
            "OPTIONS": {},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and a worker share the file; IMMEDIATE takes the
    # write lock at BEGIN so concurrent writers queue on the busy timeout
    # instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    # Tests use a file too: an in-memory database cannot show how concurrent writers queue.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-keystage.sqlite3")}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portfolio:project-list"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "keystage_cache"}
        if IS_POSTGRES or PRODUCTION
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("KEYSTAGE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "keystage.ops.static.StaticStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve straight from the installed packages: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Source maps are for developers' tools: brotli on the API docs' maps took most of the
# collection's minute of CPU, so they are served uncompressed.
# (WhiteNoise's own list, plus "map".)
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4",
    "mpeg", "mpg", "webm", "wmv", "map",
]  # fmt: skip
# Uploaded files (research-note attachments). Never served as public URLs: there is no
# MEDIA_URL route; downloads go through views that check project access.
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
KEYSTAGE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("KEYSTAGE_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
)

# ---- More than one machine: shared cache (Redis) and attachments on S3 -------------
# KEYSTAGE_REDIS_URL: the cache (login throttle counters among others) in Redis, shared by
# every app process. KEYSTAGE_S3_BUCKET (+ _ENDPOINT_URL, _ACCESS_KEY_ID,
# _SECRET_ACCESS_KEY, _REGION, _PREFIX): attachments in a private S3-compatible bucket.
# Unset, the embedded defaults above stay. See docs/scaling.md.
from keystage.config import scaling  # noqa: E402

_shared_cache = scaling.redis_cache(os.environ)
if _shared_cache is not None:
    CACHES = {"default": _shared_cache}
_shared_files = scaling.s3_storage(os.environ)
if _shared_files is not None:
    STORAGES = {**STORAGES, "default": _shared_files}
# ---- end of the scale-out block -----------------------------------------------------

# Outgoing mail: written to files in the data directory unless an SMTP server is set.
if os.environ.get("KEYSTAGE_SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["KEYSTAGE_SMTP_HOST"],
                "port": int(os.environ.get("KEYSTAGE_SMTP_PORT", "587")),
                "username": os.environ.get("KEYSTAGE_SMTP_USER", ""),
                "password": os.environ.get("KEYSTAGE_SMTP_PASSWORD", ""),
                "use_tls": True,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "outbox")},
        }
    }
# Invitation and password-reset links are built from it: in production `keystage check
# --deploy` requires an https:// address.
KEYSTAGE_BASE_URL = os.environ.get("KEYSTAGE_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("KEYSTAGE_FROM_EMAIL", "keystage@localhost")

SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # KEYSTAGE_SSL_REDIRECT=0 only where no TLS proxy stands in front (e.g. a loopback test).
    SECURE_SSL_REDIRECT = _flag("KEYSTAGE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in throttling (keystage.accounts.throttle): failures per account and client
# address, free up to the limit, then an exponential back-off; an address-wide count
# far above it only slows the address down. Password-reset mail per address and e-mail.
LOGIN_FAILURE_LIMIT = int(os.environ.get("KEYSTAGE_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("KEYSTAGE_LOGIN_FAILURE_WINDOW", "3600"))
LOGIN_BACKOFF_MAX_SECONDS = 15 * 60
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("KEYSTAGE_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
PASSWORD_RESET_LIMIT_PER_EMAIL = 3  # per hour
PASSWORD_RESET_LIMIT_PER_ADDRESS = 20  # per hour
# Reverse proxies whose X-Forwarded-For is believed (IP addresses or CIDR ranges).
KEYSTAGE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("KEYSTAGE_TRUSTED_PROXIES", "").split(",") if p.strip()
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "keystage.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token_login": "10/minute"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": None,  # set per token at creation (expires_in_days)
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Keystage API",
    "DESCRIPTION": "IT project management from idea to closure.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "keystage.core.openapi.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "keystage.portfolio.lifecycle.Stage",
        "ProjectStatusEnum": "keystage.portfolio.lifecycle.ProjectStatus",
        "GateOutcomeEnum": "keystage.portfolio.lifecycle.GateOutcome",
        "ProjectKindEnum": "keystage.portfolio.lifecycle.ProjectKind",
        "ProjectRoleEnum": "keystage.accounts.roles.ProjectRole",
        "FlowKindEnum": "keystage.initiation.models.FlowKind",
        "EquipmentStatusEnum": "keystage.resources.models.EquipmentStatus",
        "ProcurementStatusEnum": "keystage.resources.models.ProcurementStatus",
        "LinkKindEnum": "keystage.planning.models.collaboration.LinkKind",
        "TaskKindEnum": "keystage.planning.models.wbs.TaskKind",
        "DependencyTypeEnum": "keystage.engine.network.LinkType.choices",
        "ConstraintTypeEnum": "keystage.engine.network.ConstraintType.choices",
        "ScopeNoteKindEnum": "keystage.planning.models.scope.ScopeNoteKind",
        "DeliverableStatusEnum": "keystage.planning.models.scope.DeliverableStatus",
        "CostCategoryEnum": "keystage.costs.models.CostCategory",
        "ChangeCategoryEnum": "keystage.control.models.changes.ChangeCategory",
        "ChangeStatusEnum": "keystage.control.models.changes.ChangeStatus",
        "ProcurementCategoryEnum": "keystage.resources.models.ProcurementCategory",
        "ScheduleMethodEnum": "keystage.planning.models.wbs.ScheduleMethod",
        "ScheduleRunStatusEnum": "keystage.planning.models.wbs.RunStatus",
        "TaskChangeEnum": "keystage.planning.selectors.baselines.Change",
        "GanttRowKindEnum": "keystage.planning.selectors.gantt.GanttKind",
        "TaskStatusEnum": "keystage.planning.models.wbs.TaskStatus",
        "CostKindEnum": "keystage.costs.models.CostKind",
        "LessonCategoryEnum": "keystage.closing.models.review.LessonCategory",
        "SupportModelEnum": "keystage.closing.models.handover.SupportModel",
        "FileTopicEnum": "keystage.closing.models.handover.FileTopic",
        "RiskCategoryEnum": "keystage.risks.models.RiskCategory",
        "RiskStatusEnum": "keystage.risks.models.RiskStatus",
        "RiskResponseStatusEnum": "keystage.risks.models.ResponseStatus",
        "IssueStatusEnum": "keystage.risks.models.IssueStatus",
        "IssueSeverityEnum": "keystage.risks.models.Severity",
        "DefectSeverityEnum": "keystage.quality.models.defects.Severity",
        "RiskStrategyEnum": "keystage.risks.models.Strategy",
        "VerificationMethodEnum": "keystage.quality.models.plan.Method",
        "DefectStatusEnum": "keystage.quality.models.defects.DefectStatus",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Schedule runs (planning/services/schedule_runs.py): how many may be queued or running at
# once per project and per organisation, and the seconds without a heartbeat after which a
# running one is given up.
KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT = int(os.environ.get("KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT", 3))
KEYSTAGE_SCHEDULE_RUNS_PER_ORGANISATION = int(
    os.environ.get("KEYSTAGE_SCHEDULE_RUNS_PER_ORGANISATION", 10)
)
KEYSTAGE_SCHEDULE_RUN_TIMEOUT = int(os.environ.get("KEYSTAGE_SCHEDULE_RUN_TIMEOUT", 120))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# ---------------------------------------------------------------- input limits
# Every request body is capped before it is read: a Content-Length over the cap answers
# 413 (uploads of attachments may reach KEYSTAGE_ATTACHMENT_MAX_BYTES on their routes
# only), a chunked body without a length 411, a non-UTF-8 Authorization header 400.
# JSON bodies go through a strict parser (depth, NaN/Infinity, lone surrogates, NUL).
KEYSTAGE_REQUEST_MAX_BYTES = int(os.environ.get("KEYSTAGE_REQUEST_MAX_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = KEYSTAGE_REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "keystage.core.middleware.RequestLimitsMiddleware",
)
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "keystage.core.paging.BoundedLimitOffsetPagination"
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "keystage.core.parsers.StrictJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]

"""Settings for KAM Workspace, read from the environment (12-factor).

Every variable has an embedded default so that a fresh checkout runs with no
set-up at all: SQLite in ``var/``, Celery tasks executed eagerly in process,
e-mail printed to the console. Production sets ``KAM_ENV=production`` plus the
variables listed in README.md; ``manage.py check --deploy`` then passes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from dj_database_url import DBConfig

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


KAM_ENV = os.environ.get("KAM_ENV", "development")
PRODUCTION = KAM_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
# A fixed development key keeps sessions valid across restarts of the demo; the
# production check in kam/checks.py refuses to start with it.
DEVELOPMENT_SECRET_KEY = "dev-insecure-kam-workspace-secret-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "kam",
    "accounts",
    "buying_center",
    "selling_center",
    "planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kam.logging.RequestLogMiddleware",
    "kam.tenancy.middleware.WorkspaceMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kam.ui.context_processors.workspace",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
# DATABASE_URL unset: an SQLite file (the embedded default). On PostgreSQL the
# URL names the *application* role, which must not own the tables nor bypass
# row-level security; migrations run with DATABASE_OWNER_URL (see README).
SQLITE_PATH = VAR_DIR / "kam.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES: dict[str, DBConfig | dict[str, Any]] = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    if DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Role the application connects as on PostgreSQL. The first migration creates it
# (when the migrating role may) and post_migrate grants it table privileges.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "kam_app")
DATABASE_APP_PASSWORD = os.environ.get("DATABASE_APP_PASSWORD", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Repeated failed sign-ins for one user name or address lock it for a while.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest import file (CSV/XLSX) accepted; larger uploads are refused before reading them.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Cache (login throttling, API rate limits, job debouncing) -------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kam"}
}

# --- E-mail ---------------------------------------------------------------
_MAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_MAIL_OPTIONS: dict[str, object] = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KAM Workspace <kam@localhost>")
# Absolute base used in e-mailed links (invitations, password resets).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Celery ---------------------------------------------------------------
# No broker configured: tasks run eagerly in the calling process (embedded mode).
# With a broker: workers consume the queues "default" and "pdf" (PDF rendering
# is slow and memory-hungry, so it gets its own workers), plus one beat process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, how a job's task runs (kam/jobs/dispatch.py): "thread" in a
# background thread of this process, so no page or API call waits for a long
# import; "eager" in the caller, once its transaction commits. Tests and
# one-off commands (demo, createworkspace) keep "eager": their jobs have ended
# when the request or the command returns, which they rely on.
_ONE_OFF_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
KAM_EMBEDDED_JOBS = os.environ.get("KAM_EMBEDDED_JOBS") or (
    "eager" if "pytest" in sys.modules or _ONE_OFF_COMMAND else "thread"
)
# Progress and results live in the Job table (kam.jobs), not in a result backend.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# JSON only: a pickled message from a compromised broker would run code.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_DEFAULT_QUEUE = "default"
# Task modules outside an app's own tasks.py, which autodiscovery would miss.
CELERY_IMPORTS = ["accounts.imports.tasks"]
CELERY_TASK_ROUTES = {
    "planning.tasks.render_*": {"queue": "pdf"},
    "*.tasks.render_*_pdf": {"queue": "pdf"},
}
# Redis hands an unacknowledged message to another worker after the visibility
# timeout. Tasks are acknowledged late (after they finish, see
# kam.tenancy.tasks.workspace_task), so the hard time limit must stay well below
# it: a task is killed before its message is redelivered, never run twice at once.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 2,
}
CELERY_TASK_TIME_LIMIT = min(
    int(os.environ.get("CELERY_TASK_TIME_LIMIT", "1800")), CELERY_VISIBILITY_TIMEOUT - 300
)
# The soft limit raises inside the task, which then records a clear failure.
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# One message at a time per worker process: long jobs do not hold others hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing to a broker that is down must not hang a page: fail fast, the job
# stays "queued" and the beat re-dispatches it when the broker returns.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "dispatch-queued-jobs": {
        "task": "kam.jobs.tasks.dispatch_queued",
        "schedule": 60.0,
        # A beat tick that waited longer than its interval is superseded by the next.
        "options": {"expires": 55},
    },
    # Daily, so the Open Space UPV follows the turn of the year ("last year's
    # sales" move on) without anyone editing a matrix.
    "refresh-open-space-upv": {
        "task": "planning.tasks.refresh_open_space_upv",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 3600},
    },
    # Nightly, after the UPV: time alone moves account health (actions fall overdue,
    # assessments grow stale), and every account gets its daily point of history.
    "recompute-account-health": {
        "task": "planning.health.tasks.recompute_health_nightly",
        "schedule": crontab(hour=3, minute=0),
        "options": {"expires": 6 * 3600},
    },
}

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kam.api.authentication.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kam.api.permissions.WorkspacePolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "kam.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "kam.api.filters.StableOrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["kam.api.throttling.WorkspaceUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_RATE_LIMIT", "600/minute")},
    "DEFAULT_SCHEMA_CLASS": "kam.api.schema.WorkspaceAutoSchema",
    "EXCEPTION_HANDLER": "kam.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KAM Workspace API",
    "DESCRIPTION": "Key account management: customers, buying and selling centers, plans.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "level" field with different choices;
    # name their enums explicitly so the schema has no clashing components.
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "accounts.models.CustomerStatus",
        "AlignmentStatusEnum": "selling_center.models.AlignmentStatus",
        "ConnectionLevelEnum": "selling_center.models.ConnectionLevel",
    },
    # Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": False},
    "TAGS": [
        {"name": "api", "description": "The entry point: links to every resource."},
        {"name": "me", "description": "Who is calling, in which workspace, with which rights."},
        {"name": "tokens", "description": "Your personal access tokens in this workspace."},
        {"name": "customers", "description": "Customers of the workspace."},
        {"name": "offerings", "description": "The supplier's product lines."},
        {"name": "sales-lines", "description": "Invoiced sales lines per customer."},
        {"name": "jobs", "description": "Background work (recomputes, imports): progress, result."},
    ],
}

# --- Logging --------------------------------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "console")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "kam.logging.JsonFormatter"},
        "console": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact_secrets": {"()": "kam.logging.RedactSecretsFilter"}},
    "handlers": {
        "stream": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["stream"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Production hardening -------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and container health checks probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Django forms render with the shared field component (label, help, errors).
FORM_RENDERER = "kam.ui.forms.FormRenderer"

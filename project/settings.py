"""The only settings module: everything that varies between deployments comes from the environment."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import botocore.config
import environ
import redis
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from core.observability import init_sentry
from project import __version__

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = False

if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-secret-key-change-me-in-production"
    )
elif not (SECRET_KEY := env.str("SECRET_KEY", default="")):
    # Production refuses to start with a guessable key; say how to run locally instead.
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DEBUG is off. For local development set DEBUG=1 "
        "(the Makefile does; or copy .env.example to .env); in production set SECRET_KEY."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# Browser clients send their own request id and the batches API key; both must pass preflight.
CORS_ALLOW_HEADERS = (*default_headers, "x-request-id", "x-api-key")
# X-Total-Count: the careers lists are bare arrays; their total comes in this header.
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Location", "WWW-Authenticate", "X-Total-Count"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "ninja",
    "ninja_jwt",
    "ninja_jwt.token_blacklist",
    "huey.contrib.djhuey",
    "core",
    "modules.payments",
    "modules.taskboard",
    "modules.batches",
    "modules.careers",
    "modules.assessments",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "core.middleware.ApiPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.BrowserOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# Session machinery for the admin only; bearer-token API requests skip it (see
# core.middleware.BrowserOnlyMiddleware). Django's admin checks look for these names in
# MIDDLEWARE, so they are silenced below: the classes do run for every admin request.
BROWSER_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web and worker processes read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# Files: the local filesystem unless a bucket is configured (core spec section 8).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_REGION_NAME", default="us-east-1")
AWS_QUERYSTRING_AUTH = True
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_QUERYSTRING_EXPIRE = 3600
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
# Every S3 call has a deadline and a bounded retry budget, so a stalled bucket fails the job (and
# its retry policy takes over) instead of hanging a worker. Set whenever S3Storage is used; a
# client config replaces django-storages' own, hence the signature version here too.
AWS_S3_CLIENT_CONFIG = botocore.config.Config(
    connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=5.0),
    read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=30.0),
    retries={"total_max_attempts": env.int("AWS_S3_MAX_ATTEMPTS", default=3), "mode": "standard"},
    signature_version=AWS_S3_SIGNATURE_VERSION,
)
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": AWS_STORAGE_BUCKET_NAME},
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES: dict[str, dict[str, Any]] = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
SIGNED_FILE_URL_MAX_AGE = env.int("SIGNED_FILE_URL_MAX_AGE", default=3600)

# Redis: queue broker and shared cache when REDIS_URL is set. Every call has a deadline, so an
# unreachable Redis is a 503 from /api/health/ (and a failed request), never a hung worker.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUTS = {"socket_connect_timeout": 5, "socket_timeout": 5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "platform",
            "OPTIONS": REDIS_TIMEOUTS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY_NAME = env.str("HUEY_NAME", default="platform")
_huey_consumer = {
    "workers": env.int("HUEY_WORKERS", default=2),
    "worker_type": "thread",
    "periodic": env.bool("HUEY_PERIODIC", default=True),
    "check_worker_health": True,
}
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": HUEY_NAME,
        # Huey takes a URL or a pool, not a URL with options; the consumer's blocking read
        # (1 s) stays well inside the socket timeout.
        "connection_pool": redis.ConnectionPool.from_url(REDIS_URL, **REDIS_TIMEOUTS),
        "immediate": False,
        "utc": True,
        "consumer": _huey_consumer,
    }
else:
    _huey_file = Path(env.str("HUEY_SQLITE_PATH", default=str(VAR_DIR / "huey.sqlite3")))
    # The embedded queue opens its file on import; a fresh clone has no var/ yet.
    _huey_file.parent.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": HUEY_NAME,
        "filename": str(_huey_file),
        "immediate": False,
        "utc": True,
        "consumer": _huey_consumer,
    }

# Mail: printed to the console locally, SMTP (or any backend) through EMAIL_URL.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Platform <noreply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_RETRIES = env.int("OUTBOX_MAX_RETRIES", default=3)
OUTBOX_RETRY_DELAY = env.int("OUTBOX_RETRY_DELAY", default=300)
OUTBOX_HEARTBEAT_TIMEOUT = env.int("OUTBOX_HEARTBEAT_TIMEOUT", default=300)
OUTBOX_REQUEUE_AFTER = env.int("OUTBOX_REQUEUE_AFTER", default=120)

# Tokens (core spec section 4).
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default=SECRET_KEY)
NINJA_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
AUTH_THROTTLE_RATE = env.str("AUTH_THROTTLE_RATE", default="20/min")
# Reverse proxies in front of the web process that append to X-Forwarded-For (1 behind the Heroku
# router); throttles trust only the hops they added, so a client cannot pick its own address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
NINJA_NUM_PROXIES = NUM_PROXIES

NINJA_PAGINATION_MAX_LIMIT = 100

# Security: secure by default whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^api/health/?$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# "plain" for people, "json" for one JSON object per line (log collectors).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured('LOG_FORMAT must be "plain" or "json".')
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR", "propagate": True},
        # run_huey attaches its own handler to "huey"; propagating would print every line twice.
        "huey": {"level": LOG_LEVEL, "propagate": False},
    },
}

# Error tracking: nothing is sent anywhere unless SENTRY_DSN is set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_SAMPLE_RATE = env.float("SENTRY_SAMPLE_RATE", default=1.0)
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
SENTRY_SEND_DEFAULT_PII = env.bool("SENTRY_SEND_DEFAULT_PII", default=False)
init_sentry(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    release=__version__,
    sample_rate=SENTRY_SAMPLE_RATE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    send_default_pii=SENTRY_SEND_DEFAULT_PII,
)

# The fast path of core.fastpath for repeated reads; off runs every read through the ORM.
QUERY_FAST_PATH = env.bool("QUERY_FAST_PATH", default=True)

# Module switches and limits are read here too, so nothing else touches os.environ.
PAYMENTS_MONTHLY_RATE = Decimal(env.str("PAYMENTS_MONTHLY_RATE", default="0.03"))
TASKBOARD_UPLOAD_MAX_BYTES = env.int("TASKBOARD_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DEMO_API_KEY = env.str("DEMO_API_KEY", default="")

# Batches (FilesTalk): engines, limits, worker patience and prices (spec batches.md section 9).
BATCH_ENGINE = env.str("BATCH_ENGINE", default="local")
BATCH_ALLOWED_EMAIL_DOMAINS = env.list("BATCH_ALLOWED_EMAIL_DOMAINS", default=[])
BATCH_API_KEY_DAYS = env.int("BATCH_API_KEY_DAYS", default=30)
BATCH_TOKEN_LIFETIME = env.int("BATCH_TOKEN_LIFETIME", default=3600)
BATCH_MAX_DOCUMENTS = env.int("BATCH_MAX_DOCUMENTS", default=5000)
BATCH_MAX_PROMPTS = env.int("BATCH_MAX_PROMPTS", default=50)
BATCH_MAX_DOCUMENT_SIZE = env.int("BATCH_MAX_DOCUMENT_SIZE", default=20 * 1024 * 1024)
BATCH_CHUNK_SIZE = env.int("BATCH_CHUNK_SIZE", default=1000)
BATCH_CHUNK_OVERLAP = env.int("BATCH_CHUNK_OVERLAP", default=200)
BATCH_TOP_K = env.int("BATCH_TOP_K", default=4)
BATCH_LOCAL_MIN_SCORE = env.float("BATCH_LOCAL_MIN_SCORE", default=0.0)
BATCH_LOCAL_MAX_SENTENCES = env.int("BATCH_LOCAL_MAX_SENTENCES", default=3)
BATCH_LLM_BASE_URL = env.str("BATCH_LLM_BASE_URL", default="")
BATCH_LLM_API_KEY = env.str("BATCH_LLM_API_KEY", default="")
BATCH_LLM_MODEL = env.str("BATCH_LLM_MODEL", default="")
BATCH_LLM_TIMEOUT = env.float("BATCH_LLM_TIMEOUT", default=60.0)
BATCH_LLM_MAX_RETRIES = env.int("BATCH_LLM_MAX_RETRIES", default=4)
BATCH_LLM_MAX_TOKENS = env.int("BATCH_LLM_MAX_TOKENS", default=512)
BATCH_LLM_MAX_CONSECUTIVE_ERRORS = env.int("BATCH_LLM_MAX_CONSECUTIVE_ERRORS", default=20)
BATCH_LLM_PRICE_PROMPT_PER_1K = Decimal(env.str("BATCH_LLM_PRICE_PROMPT_PER_1K", default="0"))
BATCH_LLM_PRICE_COMPLETION_PER_1K = Decimal(
    env.str("BATCH_LLM_PRICE_COMPLETION_PER_1K", default="0")
)
BATCH_PRICE_DOCUMENT_PER_1K = Decimal(env.str("BATCH_PRICE_DOCUMENT_PER_1K", default="0"))
BATCH_JOB_MAX_ATTEMPTS = env.int("BATCH_JOB_MAX_ATTEMPTS", default=3)
BATCH_HEARTBEAT_TIMEOUT = env.int("BATCH_HEARTBEAT_TIMEOUT", default=600)
BATCH_REQUEUE_AFTER = env.int("BATCH_REQUEUE_AFTER", default=600)
BATCH_EMAIL_MAX_ATTACHMENT = env.int("BATCH_EMAIL_MAX_ATTACHMENT", default=10 * 1024 * 1024)

# Careers (Whyness): Firebase ID tokens, throttles of its public writes, the reset link (spec
# careers.md §2, §4). Without a project id only platform tokens are accepted.
FIREBASE_PROJECT_ID = env.str("FIREBASE_PROJECT_ID", default="")
FIREBASE_CERTS_URL = env.str(
    "FIREBASE_CERTS_URL",
    default="https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com",
)
CAREERS_FEEDBACK_RATE = env.str("CAREERS_FEEDBACK_RATE", default="10/hour")
CAREERS_PROSPECT_RATE = env.str("CAREERS_PROSPECT_RATE", default="10/minute")
CAREERS_ERRORLOG_RATE = env.str("CAREERS_ERRORLOG_RATE", default="60/minute")
# Careers transcription (spec careers.md §5): local (pocketsphinx, offline), aws, openai or off.
TRANSCRIBE_BACKEND = env.str("TRANSCRIBE_BACKEND", default="local")
TRANSCRIBE_LANGUAGE = env.str("TRANSCRIBE_LANGUAGE", default="en-GB")
TRANSCRIBE_OUTPUT_BUCKET = env.str("TRANSCRIBE_OUTPUT_BUCKET", default="")
TRANSCRIBE_AWS_ENDPOINT_URL = env.str("TRANSCRIBE_AWS_ENDPOINT_URL", default="")
TRANSCRIBE_OPENAI_BASE_URL = env.str("TRANSCRIBE_OPENAI_BASE_URL", default="")
TRANSCRIBE_OPENAI_API_KEY = env.str("TRANSCRIBE_OPENAI_API_KEY", default="")
TRANSCRIBE_OPENAI_MODEL = env.str("TRANSCRIBE_OPENAI_MODEL", default="whisper-1")
TRANSCRIBE_OPENAI_TIMEOUT = env.float("TRANSCRIBE_OPENAI_TIMEOUT", default=120.0)
# Careers stories (spec careers.md §4.2): the upload limit, and how long a story's link works.
MEDIA_MAX_UPLOAD_MB = env.int("MEDIA_MAX_UPLOAD_MB", default=50)
MEDIA_URL_TTL = env.int("MEDIA_URL_TTL", default=600)
# Seconds before each retry of a transient failure (one retry per delay), and how long a remote
# (aws) job may stay unfinished before the story is marked failed.
TRANSCRIBE_RETRY_DELAYS = [
    int(delay)
    for delay in env.list("TRANSCRIBE_RETRY_DELAYS", default=["60", "300", "900", "3600"])
]
TRANSCRIBE_TIMEOUT_MINUTES = env.int("TRANSCRIBE_TIMEOUT_MINUTES", default=120)
# Crowdsourced reviews (spec careers.md §7): stories a review needs, reviewers per review, and
# how long a reviewer may hold one before it goes back to the pool.
CROWDSOURCE_MIN_STORIES = env.int("CROWDSOURCE_MIN_STORIES", default=3)
CROWDSOURCE_REVIEWERS_PER_REVIEW = env.int("CROWDSOURCE_REVIEWERS_PER_REVIEW", default=1)
CROWDSOURCE_ASSIGNMENT_TTL_HOURS = env.int("CROWDSOURCE_ASSIGNMENT_TTL_HOURS", default=72)
RESET_PASSWORD_URL = env.str(
    "RESET_PASSWORD_URL", default="http://localhost:8000/reset-password/{uid}/{token}/"
)

# Assessments (MindLogger): password recovery links and their lifetime (spec assessments.md §5).
ASSESSMENTS_PASSWORD_RECOVERY_TTL = env.int("ASSESSMENTS_PASSWORD_RECOVERY_TTL", default=900)
ASSESSMENTS_PASSWORD_RECOVERY_URL = env.str(
    "ASSESSMENTS_PASSWORD_RECOVERY_URL", default="http://localhost:3000/password-recovery"
)
ASSESSMENTS_ADMIN_PASSWORD_RECOVERY_URL = env.str(
    "ASSESSMENTS_ADMIN_PASSWORD_RECOVERY_URL",
    default="http://localhost:3001/auth/password-recovery",
)
# Personal data at rest (spec assessments.md §3): subjects' and invitations' emails, names and
# nicknames are Fernet tokens. Keys comma-separated, newest first (encrypts; all decrypt); under
# DEBUG an empty list means one key derived from SECRET_KEY. The email hash key is separate so
# the Fernet keys rotate without touching lookups (assessments_rotate_pii also rewrites hashes).
ASSESSMENTS_ENCRYPT_PII = env.bool("ASSESSMENTS_ENCRYPT_PII", default=True)
ASSESSMENTS_ENCRYPTION_KEYS = env.list("ASSESSMENTS_ENCRYPTION_KEYS", default=[])
ASSESSMENTS_EMAIL_HASH_KEY = env.str("ASSESSMENTS_EMAIL_HASH_KEY", default=SECRET_KEY)
ASSESSMENTS_PII_ROTATION_BATCH = env.int("ASSESSMENTS_PII_ROTATION_BATCH", default=500)
# Invitations (spec §12): the link mailed is <ASSESSMENTS_INVITE_URL>?key=<key>.
ASSESSMENTS_INVITE_URL = env.str("ASSESSMENTS_INVITE_URL", default="http://localhost:3000/invite")
# Assessments answers (spec assessments.md §9, §13): rows per keyset batch of the CSV export; the
# re-encryption after a password change: items per transaction, retries of database errors and
# their delay (seconds), and when the sweep takes back a silent or lost job (seconds).
ASSESSMENTS_EXPORT_BATCH = env.int("ASSESSMENTS_EXPORT_BATCH", default=1000)
ASSESSMENTS_REENCRYPTION_BATCH = env.int("ASSESSMENTS_REENCRYPTION_BATCH", default=500)
ASSESSMENTS_REENCRYPTION_MAX_RETRIES = env.int("ASSESSMENTS_REENCRYPTION_MAX_RETRIES", default=3)
ASSESSMENTS_REENCRYPTION_RETRY_DELAY = env.int("ASSESSMENTS_REENCRYPTION_RETRY_DELAY", default=300)
ASSESSMENTS_REENCRYPTION_HEARTBEAT_TIMEOUT = env.int(
    "ASSESSMENTS_REENCRYPTION_HEARTBEAT_TIMEOUT", default=300
)
ASSESSMENTS_REENCRYPTION_REQUEUE_AFTER = env.int(
    "ASSESSMENTS_REENCRYPTION_REQUEUE_AFTER", default=300
)

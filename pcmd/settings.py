"""PCMD settings, read from the environment.

Defaults suit the demo (SQLite next to the code, local-memory cache); production sets
DATABASE_URL, SECRET_KEY, REDIS_URL, ALLOWED_HOSTS and keeps DEBUG off.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PCMD_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def trusted_proxies(value: str) -> list[str]:
    """PCMD_TRUSTED_PROXIES: comma-separated addresses or networks (CIDR); a typo stops the start."""
    import ipaddress

    proxies = [item.strip() for item in value.split(",") if item.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"PCMD_TRUSTED_PROXIES: {proxy!r} is not an address or network.") from exc
    return proxies


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR.

    Several app servers must share the key: set SECRET_KEY (or PCMD_SECRET_KEY_FILE) for them.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = Path(os.environ.get("PCMD_SECRET_KEY_FILE", DATA_DIR / "secret_key"))
    if key_file.exists():
        return key_file.read_text().strip()
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(64)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    except OSError as exc:  # read-only deployment without SECRET_KEY
        raise ImproperlyConfigured("Set SECRET_KEY or PCMD_SECRET_KEY_FILE.") from exc


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "pcmd.core",
    "pcmd.geo",
    "pcmd.org",
    "pcmd.accounts",
    "pcmd.indicators",
    "pcmd.plans",
    "pcmd.venues",
    "pcmd.inspections",
    "pcmd.hotspots",
    "pcmd.enforcement",
    "pcmd.tips",
    "pcmd.outreach",
    "pcmd.support",
    "pcmd.reports",
    "pcmd.public",
    "pcmd.inbox",
    "pcmd.dashboard",
    "pcmd.ops",
    "pcmd.webhooks",
    "pcmd.api",
    "pcmd.aggregates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pcmd.api.middleware.KeysOnlyForApiMiddleware",
    "pcmd.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pcmd.core.middleware.SecurityHeadersMiddleware",
    "pcmd.org.middleware.CurrentMembershipMiddleware",
    "pcmd.org.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pcmd.core.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pcmd.urls"
WSGI_APPLICATION = "pcmd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pcmd.org.context_processors.membership",
                "pcmd.inbox.context_processors.inbox",
            ],
        },
    },
]

# Database: SQLite (WAL, see pcmd.core.apps) unless DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'pcmd.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the dashboards' grouped queries cost enough for PostgreSQL to compile them, and the
    # compiling (0.1–0.3 s a query, measured on the national bench) is longer than the queries it would speed
    # up. PCMD_PG_JIT=1 turns it back on for a server that runs long analytical queries.
    if os.environ.get("PCMD_PG_JIT", "0") != "1":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, lockouts, sessions): Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Job queue (pcmd/celery.py): Celery on Redis when a broker is set; without one, jobs run inline.
CELERY_BROKER_URL = os.environ.get("PCMD_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("PCMD_JOBS_INLINE", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = False  # inline: a failing job is retried, then recorded, not raised
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is delivered again (jobs are written to run once)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("PCMD_JOB_VISIBILITY_S", "3600"))}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# What the scheduler (`celery -A pcmd beat`) queues, in Vietnam time; most entries run a management command as a job.
CELERY_BEAT_SCHEDULE = {
    "report-calendar": {"task": "pcmd.ops.run_command", "args": ["report_calendar"],
                        "schedule": crontab(hour=5, minute=30)},
    # Webhook retries and deliveries whose task was lost (pcmd deliver-webhooks); docs/api.md#webhook.
    "webhooks-deliver-due": {"task": "webhooks.deliver_due", "schedule": 60.0},
    # Referrals past their answer deadline: one `referral.overdue` event each (pcmd notify-referrals-overdue).
    "webhooks-referrals-overdue": {"task": "support.referrals_overdue", "schedule": 3600.0},
    # the daily deadline scan into the inbox: tips, reports, plan tasks, overdue referrals (docs/inbox.md)
    "inbox-scan": {"task": "pcmd.ops.run_command", "args": ["inbox_scan"], "schedule": crontab(hour=6, minute=0)},
    # The support figures of the running periods, as of the new day (consents started or expired), before anyone
    # reads them (the first read of the day would do it otherwise).
    "aggregates-today": {"task": "pcmd.ops.run_command", "args": ["aggregates_today"],
                         "schedule": crontab(hour=0, minute=5)},
    # the e-mail digest of unread notices, of the kinds each person chose
    "inbox-digest": {"task": "pcmd.ops.run_command", "args": ["inbox_digest"],
                     "schedule": crontab(hour=7, minute=0)},
}

# Webhooks (pcmd.webhooks): addresses inside the network (loopback, private, link-local…) are refused unless
# this is set (tests, a demo on one machine). Retries: base · 2^(n-1) seconds, capped, at most N attempts.
PCMD_WEBHOOK_ALLOW_PRIVATE = env_bool("PCMD_WEBHOOK_ALLOW_PRIVATE", DEBUG)
PCMD_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("PCMD_WEBHOOK_MAX_ATTEMPTS", "8"))
PCMD_WEBHOOK_BACKOFF_S = float(os.environ.get("PCMD_WEBHOOK_BACKOFF_S", "30"))
PCMD_WEBHOOK_BACKOFF_MAX_S = float(os.environ.get("PCMD_WEBHOOK_BACKOFF_MAX_S", str(6 * 3600)))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: the 8 hours restart with each request

# Lockout after repeated failures, per account and address (so one attacker cannot lock
# every account from one place, nor guess one account from many).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "pcmd.org.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: the client's address is the one the proxy
# forwarded (X-Forwarded-For), believed only from these addresses or networks (docs/architecture.md).
PCMD_TRUSTED_PROXIES = trusted_proxies(os.environ.get("PCMD_TRUSTED_PROXIES", ""))
AXES_CLIENT_IP_CALLABLE = "pcmd.core.client_address.client_address"

OTP_TOTP_ISSUER = "PCMD"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["pcmd.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# The real plan documents imported into the demo (pcmd.plans.demo): the repository's copy, which the
# tests read too, so a fresh clone has them; PCMD_SEEDS_DIR points elsewhere.
PCMD_SEEDS_DIR = Path(os.environ.get("PCMD_SEEDS_DIR", BASE_DIR / "tests" / "fixtures" / "seeds"))

# HTTPS hardening: on unless DEBUG, or PCMD_HTTPS=0 for a plain-HTTP demo on localhost.
HTTPS = env_bool("PCMD_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PCMD_BEHIND_PROXY", HTTPS) else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our own static files (the vendored htmx,
# Bootstrap, Chart.js and our JS), never inline; tests/test_security_headers.py fails on any inline
# <script>, on*= handler or javascript: URL in a template. Styles: <style> elements and style sheets only
# from our files (style-src-elem); style="" attributes are still allowed (style-src-attr) because ~40
# templates size boxes and progress bars with them, a CSS-only risk (no script). Browsers without the
# CSP3 -elem/-attr directives fall back to style-src. img-src data: for Bootstrap's inline SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# No page uses the camera API, the microphone, the location, payments or USB (a photo is chosen with a
# file input, which the camera policy does not govern).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Field encryption (pcmd.core.crypto): comma-separated Fernet keys, newest first (MultiFernet rotation).
# Without PCMD_FIELD_KEYS one key is generated once into DATA_DIR/field_keys (demo and tests).
PCMD_FIELD_KEYS = env_list("PCMD_FIELD_KEYS", "")
PCMD_FIELD_KEYS_FILE = Path(os.environ.get("PCMD_FIELD_KEYS_FILE", DATA_DIR / "field_keys"))

# E-mail (the inbox's daily digest, invitations): SMTP from the environment, else printed to the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pcmd@localhost")
# The file backend (`make demo`) writes each mail as a file here, so a tester finds invitation and reset links.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
# Accounts (pcmd.accounts, docs/accounts.md): lifetimes of the one-time links, and the address put in mails sent
# without a request (the Excel import of accounts).
PCMD_INVITATION_HOURS = int(os.environ.get("PCMD_INVITATION_HOURS", "72"))
PCMD_PASSWORD_RESET_HOURS = int(os.environ.get("PCMD_PASSWORD_RESET_HOURS", "2"))
PASSWORD_RESET_TIMEOUT = 3600 * max(PCMD_INVITATION_HOURS, PCMD_PASSWORD_RESET_HOURS)
# The site's address for links in e-mails (invitations, the inbox digest), e.g. https://pcmd.example.gov.vn.
PCMD_SITE_URL = os.environ.get("PCMD_SITE_URL", "http://127.0.0.1:8000")

# Public tip channel (pcmd.public, docs/public-channel.md): attachments and abuse limits. Rate limits count in
# the cache above (Redis when REDIS_URL; the per-process memory cache otherwise, so one worker's counts only).
PUBLIC_MAX_FILES = int(os.environ.get("PCMD_PUBLIC_MAX_FILES", "5"))
PUBLIC_MAX_FILE_MB = int(os.environ.get("PCMD_PUBLIC_MAX_FILE_MB", "10"))
PUBLIC_MAX_PIXELS = int(os.environ.get("PCMD_PUBLIC_MAX_PIXELS", "40000000"))
PUBLIC_ATTEMPT_PER_CLIENT_HOUR = int(os.environ.get("PCMD_PUBLIC_ATTEMPT_PER_CLIENT_HOUR", "20"))
PUBLIC_ATTEMPT_GLOBAL_HOUR = int(os.environ.get("PCMD_PUBLIC_ATTEMPT_GLOBAL_HOUR", "3000"))
PUBLIC_SUBMIT_PER_CLIENT_HOUR = int(os.environ.get("PCMD_PUBLIC_SUBMIT_PER_CLIENT_HOUR", "5"))
PUBLIC_SUBMIT_GLOBAL_HOUR = int(os.environ.get("PCMD_PUBLIC_SUBMIT_GLOBAL_HOUR", "600"))
PUBLIC_LOOKUP_PER_CLIENT_HOUR = int(os.environ.get("PCMD_PUBLIC_LOOKUP_PER_CLIENT_HOUR", "20"))
PUBLIC_LOOKUP_GLOBAL_HOUR = int(os.environ.get("PCMD_PUBLIC_LOOKUP_GLOBAL_HOUR", "3000"))
PUBLIC_RESET_PER_CLIENT_HOUR = int(os.environ.get("PCMD_PUBLIC_RESET_PER_CLIENT_HOUR", "5"))
PUBLIC_RESET_GLOBAL_HOUR = int(os.environ.get("PCMD_PUBLIC_RESET_GLOBAL_HOUR", "300"))
PUBLIC_CHALLENGE_MAX_AGE = int(os.environ.get("PCMD_PUBLIC_CHALLENGE_MAX_AGE", "7200"))

# The API (/api/v1/, docs/api.md): keys, quotas, limits. Errors are JSON {code, message, errors}.
REST_FRAMEWORK = {
    # authentication (keys), permissions (matrix AND key) and quotas: pcmd.api.framework.Resource
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "pcmd.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "pcmd.api.framework.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": "format",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PCMD API",
    "DESCRIPTION": "API của nền tảng PCMD (phòng, chống mại dâm): khóa truy cập theo phạm vi, phân trang theo con "
                   "trỏ, chọn trường, bản ghi đã xóa, JSON/CSV/NDJSON. Xem /api/v1/docs/ và docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "DISABLE_ERRORS_AND_WARNINGS": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "pcmd.api.schema.add_examples"],
}
API_MAX_BODY_BYTES = int(os.environ.get("PCMD_API_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
# django-auditlog's correlation id marks the entries written through an API key ("api:<lookup>"); it is never
# taken from a request header (a client could write any), so the default header is off.
AUDITLOG_CID_HEADER = None

PAGE_SIZE = 25
EXPORT_MAX_ROWS = int(os.environ.get("PCMD_EXPORT_MAX_ROWS", "200000"))
# Support: how long a supervisor's break-glass opening of a file outside their scope lasts (support/wall.py).
PCMD_BREAK_GLASS_HOURS = int(os.environ.get("PCMD_BREAK_GLASS_HOURS", "2"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

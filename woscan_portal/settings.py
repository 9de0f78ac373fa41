"""Settings for the WOScan Portal, read from the environment.

Every value has a safe embedded default for the demo (SQLite under ``var/``, django-q2's ORM
broker, the bundled demo MAS company over the SQLite ODBC driver). Production sets the
variables listed in the README's "Running it for real" section.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from kernel.env import envbool, envchoice, envint, envlist, envpath, envstr, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = envpath("WOSCAN_VAR_DIR", BASE_DIR / "var")

SECRET_KEY = secret_key(VAR_DIR)
DEBUG = envbool("DEBUG", False)
# Left empty with DEBUG off, Django answers every request 400: refused at start-up instead.
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"], required=not DEBUG)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_q",
    "axes",
    "csp",
    "woscan_portal",
    "kernel",
    "accounts",
    "audit",
    "mas",
    "transactions",
    "intake",
    "syncconfig",
    "reviews",
    "batches",
    "demo",  # the demo company and its commands: installed, never imported by the product (see demo/apps.py)
    "afterpull",
    "handheld",
]

MIDDLEWARE = [
    "kernel.middleware.HealthCheckMiddleware",  # before the host check and the HTTPS redirect
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kernel.middleware.RequestIdMiddleware",
    "kernel.apierrors.JsonApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kernel.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a sign-in that locks someone out into the lockout page
]

ROOT_URLCONF = "woscan_portal.urls"
WSGI_APPLICATION = "woscan_portal.wsgi.application"

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
                "kernel.navigation.navigation",
            ],
        },
    },
]


def _database(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError:
        config = None
    if config is None or config["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        shown = url.split("://")[0] + "://…" if "://" in url else url  # never the password
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL the portal can use ({shown!r}): give "
            "postgres://user:password@host:5432/name or sqlite:///path/to/portal.sqlite3."
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the web server read while the cluster writes; IMMEDIATE avoids
        # "database is locked" upgrades when two processes write at once. A page cache of up to
        # 64 MB a connection (SQLite's default is 2 MB): a push of 1,000 lines writes into the
        # twenty indexes of the lines' table, whose pages no longer push each other out of it.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and str(path) != ":memory:":
            # It holds password hashes and sessions: readable by the portal's user alone (SQLite
            # gives its -wal and -shm files the same mode).
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return config


DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.throttle.SignInThrottleBackend",  # refuses a locked user name or address before the password is tried
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True
# One date and date-time format on every page, table, form and filter (see kernel/formats).
FORMAT_MODULE_PATH = ["kernel.formats"]
# django-filter: an unset choice filter reads "Any", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = "Any"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Nothing is uploaded; set anyway so that no handler (the test live server's media handler
# among them) takes an empty MEDIA_URL for "serve the working directory".
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app/static folders when collectstatic has not run (tests, dev).
WHITENOISE_USE_FINDERS = True

# --- HTTPS: on behind a TLS-terminating proxy in production (see README) ---------------
WOSCAN_HTTPS = envbool("WOSCAN_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = WOSCAN_HTTPS
SECURE_SSL_REDIRECT = WOSCAN_HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if WOSCAN_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = WOSCAN_HTTPS
SECURE_HSTS_PRELOAD = WOSCAN_HTTPS
WOSCAN_BEHIND_PROXY = envbool("WOSCAN_BEHIND_PROXY", WOSCAN_HTTPS)
if WOSCAN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Headers: what a page may load and which browser features it may use --------------------
# Scripts and styles only from the portal's own static files: no inline script, style or
# handler anywhere (they live under static/woscan/). Bootstrap draws some icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # the handheld (/handheld/): its service worker and web app manifest, from the portal itself
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The camera stays allowed for the portal's own pages (a handheld page may scan barcodes with it).
PERMISSIONS_POLICY = {
    "camera": "(self)",
    **{feature: "()" for feature in (
        "accelerometer", "autoplay", "browsing-topics", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    )},
}
# Debug pages (DEBUG=1 only) never show the passwords inside WOSCAN_MAS_ODBC, DATABASE_URL or REDIS_URL.
DEFAULT_EXCEPTION_REPORTER_FILTER = "kernel.debugfilter.SecretMaskingFilter"

# --- Sign-in throttling (django-axes) -------------------------------------------------------
# A user name is locked after WOSCAN_SIGNIN_FAILURES wrong passwords, an address (a shared floor
# desktop, or a whole network behind one router) after WOSCAN_SIGNIN_FAILURES_PER_ADDRESS, each
# until WOSCAN_SIGNIN_LOCK_MINUTES after the last wrong password. An administrator unlocks sooner
# on Users. The device and importer APIs use tokens, not sign-in: the throttle never sees them.
WOSCAN_SIGNIN_FAILURES = envint("WOSCAN_SIGNIN_FAILURES", 5, minimum=1, maximum=100)
WOSCAN_SIGNIN_FAILURES_PER_ADDRESS = envint("WOSCAN_SIGNIN_FAILURES_PER_ADDRESS", 20, minimum=1, maximum=1000)
WOSCAN_SIGNIN_LOCK_MINUTES = envint("WOSCAN_SIGNIN_LOCK_MINUTES", 15, minimum=1, maximum=24 * 60)
AXES_FAILURE_LIMIT = WOSCAN_SIGNIN_FAILURES
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=WOSCAN_SIGNIN_LOCK_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the wait shown is the wait: tries meanwhile do not extend it
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are users' last_login; the audit trail has the lockouts
AXES_HANDLER = "accounts.throttle.SignInThrottleHandler"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# --- Handheld enrolment: a one-time code on the device page gives a handheld its token -------
WOSCAN_ENROL_CODE_MINUTES = envint("WOSCAN_ENROL_CODE_MINUTES", 15, minimum=1, maximum=7 * 24 * 60)
# Refused codes from one address within 15 minutes before it is answered 429 (guessing).
WOSCAN_ENROL_FAILURES_PER_ADDRESS = envint("WOSCAN_ENROL_FAILURES_PER_ADDRESS", 10, minimum=1, maximum=1000)

# --- E-mail: only for "Forgot your password?" (shown only when EMAIL_HOST is set) -------------
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on: port 587 uses TLS, 465 SSL.")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", f"WOScan Portal <{EMAIL_HOST_USER or 'woscan@localhost'}>")
WOSCAN_EMAIL_CONFIGURED = bool(EMAIL_HOST)
PASSWORD_RESET_TIMEOUT = envint("WOSCAN_PASSWORD_RESET_HOURS", 2, minimum=1, maximum=72) * 3600

# --- Background work (django-q2) ---------------------------------------------------------
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")
Q_CLUSTER = {
    "name": "woscan",
    "label": "Background tasks",
    "workers": envint("WOSCAN_Q_WORKERS", 2, minimum=1, maximum=64),
    "timeout": 1800,  # a long pull of a big MAS company
    "retry": 1900,  # must be above timeout, or a running task is handed out twice
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,  # after downtime run a missed pull once, not once per missed slot
    "save_limit": 1000,
    "poll": 1,
}
# Seconds the review queue's counts and totals may take together before the page says "many"
# (reviews.views, kernel.counting); a page of the queue costs the same at any size of history.
WOSCAN_COUNT_BUDGET = 0.03
# Seconds each chart of the supervisor's landing page may take to read its figures (reviews.charts):
# past it the chart says it was not counted in time rather than hold the page.
WOSCAN_CHART_BUDGET = 0.1
# Seconds the landing page keeps its two charts of past days (hours, rejection rate) per user.
WOSCAN_CHART_CACHE_SECONDS = 60
# Seconds the parts of one correction-form lookup that search names may take together (mas.names).
WOSCAN_NAME_BUDGET = 0.3
# A pull whose process sent no heartbeat for this many seconds is abandoned and its lock taken over.
WOSCAN_PULL_STALE_AFTER = envint("WOSCAN_PULL_STALE_AFTER", 120, minimum=2, maximum=3600)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- MAS and the export folder -----------------------------------------------------------
WOSCAN_DEMO_MAS_PATH = envpath("WOSCAN_DEMO_MAS_PATH", VAR_DIR / "mas_demo" / "ABC.sqlite")
# Unset, the portal reads the demo company: its file through the SQLite ODBC driver, read-only (a SQLite URI
# with mode=ro; NoCreat=1 refuses a missing file; StepAPI=1 makes the driver step through a result
# instead of loading all of it first, so a pull of a million items holds a fetched chunk, not the
# table). The demo app builds the same string for itself
# (demo.company.odbc_connection_string); the deploy check woscan.W004 warns while it is in use.
WOSCAN_MAS_ODBC = envstr(
    "WOSCAN_MAS_ODBC", f"Driver={{SQLite3}};Database={WOSCAN_DEMO_MAS_PATH.resolve().as_uri()}?mode=ro;NoCreat=1;StepAPI=1;"
)
WOSCAN_MAS_TIMEOUT = envint("WOSCAN_MAS_TIMEOUT", 30, minimum=1, maximum=3600)
WOSCAN_EXPORT_DIR = envpath("WOSCAN_EXPORT_DIR", VAR_DIR / "export")

# --- Tables and forms ---------------------------------------------------------------------
# Widgets (every <input>, <select> and <option> of a form) are rendered from Django's own Jinja2
# widget templates: the same HTML, and the queue's filters (hundreds of <option>s) render in a
# third of the time of the Django template engine. Pages and crispy's layouts stay Django templates.
FORM_RENDERER = "django.forms.renderers.Jinja2"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kernel.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": envchoice("LOG_LEVEL", "INFO", LOG_LEVELS)},
    # axes says "successful login" at INFO on every sign-in; its warnings (failures, lockouts) stay.
    "loggers": {"axes": {"level": "WARNING"}},
}

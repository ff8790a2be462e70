"""Community Hub settings, read from environment variables (see .env.example).

DEBUG is off unless DJANGO_DEBUG=true: production is the default, and with DEBUG
off DJANGO_SECRET_KEY is required. The development commands (bin/run, bin/bench)
export DJANGO_DEBUG=true, which also allows the fixed development key; the test
suite gets the same through hub/settings_test.py. With no other variable set the
product runs on an SQLite file with no other service. Production sets
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from pathlib import Path

import dj_database_url
from csp import constants as csp_const

from hub.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", "False")
# Required unless DEBUG is on; only then a fixed, clearly unsafe key is used.
SECRET_KEY = (
    env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key")
    if DEBUG
    else env_str("DJANGO_SECRET_KEY")
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Who runs the service, named on the privacy notice, contact and accessibility
# pages: the trust or council that is the data controller, and its email.
SERVICE_OPERATOR = env_str("SERVICE_OPERATOR", "Community Hub Schools Trust")
SERVICE_CONTACT_EMAIL = env_str("SERVICE_CONTACT_EMAIL", "hello@example.org")
# Where to report a vulnerability: email addresses or https:// addresses,
# comma-separated, in /.well-known/security.txt and on /security/ (hub.views_security).
SECURITY_CONTACT = env_list("SECURITY_CONTACT", "security@community-hub.example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "schedule",
    "hub",
    "partners",
    "bookings",
    "activities",
    # Above activities: each combines the apps below it (docs/architecture.md).
    "payments",  # money: invoices, card and offline payments, refunds, Stripe
    "reports",  # attendance and impact reports across sites and partners
    "calendars",  # subscription feeds and term-date imports
    "portal",  # pages and commands that combine the apps above; nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "hub.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hub.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 413 before anything reads a body over the limit (DATA_UPLOAD_MAX_MEMORY_SIZE).
    "hub.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "hub.middleware.DisplayTimeZoneMiddleware",
    "hub.views_base.DomainErrorMiddleware",
]

# Content-Security-Policy (django-csp 4): no inline script or style anywhere;
# a page that must have one (the Swagger UI page) marks it with
# request.csp_nonce. data: images are for Swagger UI's icons. docs/security.md,
# "Headers".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_const.SELF],
        "script-src": [csp_const.SELF, csp_const.NONCE],
        "style-src": [csp_const.SELF, csp_const.NONCE],
        "img-src": [csp_const.SELF, "data:"],
        "object-src": [csp_const.NONE],
        "base-uri": [csp_const.SELF],
        "form-action": [csp_const.SELF],
        "frame-ancestors": [csp_const.NONE],
    },
}

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

# Databases: an SQLite file by default. SQLite takes its write lock at BEGIN
# (IMMEDIATE) so that a booking's conflict check and its write are serialised.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    INSTALLED_APPS.append("django.contrib.postgres")
    # Behind pgbouncer in transaction mode (docs/capacity-plan.md): a server
    # connection is shared between transactions, so no server-side cursors
    # (they live across transactions) and no persistent client connections.
    if env_bool("DATABASE_PGBOUNCER", "False"):
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["CONN_MAX_AGE"] = 0
# Separate test database names let several test runs share one server.
if env_str("DATABASE_TEST_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "hub.auth_backends.PasswordBackend",  # passwords only; rules.py grants
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:start"  # one start page, a section per role
LOGOUT_REDIRECT_URL = "hub:home"

# Login throttling (django-axes): lock an account+address pair after 5 failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"  # storage; each Site has its own IANA zone for display
# Zone for pages not about one school (dashboards, histories).
DISPLAY_TIME_ZONE = env_str("DISPLAY_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "hub" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Compliance uploads are at most 10 MB; keep request bodies near that. A body
# declared larger is a 413 before it is read (hub.request_limits; 1 MB in /api/).
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: printed to the console in development.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
# (the load benchmarks count the emails the Celery worker wrote).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", "25")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Community Hub <bookings@example.org>"
)

# Cache and background work: Redis and Celery when REDIS_URL is set; otherwise
# an in-process cache and tasks run eagerly in the web process.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "hub.cache.HubRedisCache",  # one client per pool
            "LOCATION": REDIS_URL,
        }
    }
    # Signed-in pages read the session from Redis, not a database query per
    # request; it is still written to the database, so a Redis restart signs
    # nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # One process only: throttle counts are per process without Redis.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TIMEZONE = "UTC"

REST_FRAMEWORK = {
    # Token first: an anonymous caller gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "hub.api_base.HubPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Documents every error status with the one error body (hub.api_schema).
    "DEFAULT_SCHEMA_CLASS": "hub.api_schema.HubAutoSchema",
    "EXCEPTION_HANDLER": "hub.api_errors.exception_handler",
    # JSON bodies over 1 MB are a 413, nesting over 20 levels a 400 (hub.api_parsers).
    "DEFAULT_PARSER_CLASSES": [
        "hub.api_parsers.HubJSONParser",
        "hub.api_parsers.HubFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # hub.throttles: every view by address (anonymous) or account; stricter
    # scopes on writes and on the sign-in, password reset and application pages.
    "DEFAULT_THROTTLE_CLASSES": [
        "hub.throttles.AnonThrottle",
        "hub.throttles.UserThrottle",
        "hub.throttles.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        scope: env_str(f"THROTTLE_RATE_{scope.upper()}", rate)
        for scope, rate in {
            "anon": "120/min",
            "user": "600/min",
            "login": "20/min",  # per address; django-axes locks per account
            "password_reset": "10/hour",
            "partner_apply": "10/hour",
            "signup": "20/min",  # per family account, not per address
            "referral": "60/hour",
            "payment": "30/hour",  # card payment attempts per account
        }.items()
    },
    # Behind N proxies (nginx, a load balancer) set NUM_PROXIES=N, so a caller
    # is known by the address the proxies saw, not the proxy's own; 0 (the
    # default) uses REMOTE_ADDR and ignores X-Forwarded-For, which anyone can forge.
    "NUM_PROXIES": env_int("NUM_PROXIES", "0"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Community Hub API",
    "DESCRIPTION": "Rooms, bookings, partners and family activities in school buildings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several components share (no Status4f2Enum).
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "SlotStateEnum": "bookings.models.Slot.State",
        "PartnerStatusEnum": "partners.models.Partner.Status",
        "PartnerKindEnum": "partners.models.Partner.Kind",
        "MemberKindEnum": "activities.models.HouseholdMember.Kind",
    },
}

# Stripe (payments/): card payment is offered only when both keys are set;
# offline payment always works. STRIPE_API_BASE points at a local fake
# (localstripe) in tests and demos.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
USE_STRIPE = bool(STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY)
# Stripe.js on the invoice and checkout pages, only with card payments on: its
# script and card frames from js.stripe.com (or the local fake's address), its
# calls to api.stripe.com.
STRIPE_JS_URL = (
    f"{STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
    if STRIPE_API_BASE
    else "https://js.stripe.com/v3/"
)
if USE_STRIPE:
    _stripe_origins = (
        [STRIPE_API_BASE.rstrip("/")]
        if STRIPE_API_BASE
        else ["https://js.stripe.com", "https://hooks.stripe.com"]
    )
    _csp = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    _csp["script-src"] = [*_csp["script-src"], _stripe_origins[0]]
    _csp["frame-src"] = [csp_const.SELF, *_stripe_origins]
    _csp["connect-src"] = [
        csp_const.SELF,
        STRIPE_API_BASE.rstrip("/") or "https://api.stripe.com",
    ]
# How long a paid sign-up holds its places while the family pays.
PAYMENT_HOLD_MINUTES = env_int("PAYMENT_HOLD_MINUTES", "15")

# Scheduled jobs (Celery beat, production): each app's tasks.py holds the task.
CELERY_BEAT_SCHEDULE = {
    "release-expired-payment-holds": {
        "task": "activities.tasks.release_expired_holds",
        "schedule": 60.0,
    },
    "send-overdue-invoice-reminders": {
        "task": "payments.tasks.send_overdue_reminders",
        "schedule": 24 * 60 * 60.0,
    },
    "reconcile-stripe": {
        "task": "payments.tasks.reconcile",
        "schedule": 60 * 60.0,
    },
    # The attended-marks rollup is kept by triggers; a nightly check repairs
    # it after a restore or a load that bypassed them (docs/reports.md).
    "check-attendance-rollup": {
        "task": "reports.tasks.rollup_check",
        "schedule": 24 * 60 * 60.0,
    },
    # Report files made in the background are kept KEEP_DAYS days
    # (reports/background.py); older ones are removed, audited, every night.
    "remove-old-report-files": {
        "task": "reports.tasks.report_exports_remove_old",
        "schedule": 24 * 60 * 60.0,
    },
}

# Security: strict in production, relaxed in development.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-scheduler: we create events only through bookings.scheduling.
FIRST_DAY_OF_WEEK = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

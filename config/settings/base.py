"""Production settings: everything security-relevant comes from the environment.

`test.py` imports this module, `dev.py` imports `test.py`. A missing or malformed
value fails loudly at start-up rather than running with an unsafe default.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # The kernel, then the business areas from the bottom layer up (pyproject.toml's import contract).
    "emps",
    "youths",
    "actions",
    "reports",
    "transfer",
    "privacy",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "emps.accounts.middleware.TwoFactorMiddleware",
    "emps.accounts.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "emps.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves the web server and the tasks' worker at once: a transaction takes the
    # write lock when it begins (IMMEDIATE), so that two writers queue for it (30 s) instead of one failing
    # with « database is locked », and WAL lets pages read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# Behind PgBouncer in transaction pooling, a server-side cursor may not outlive its transaction's server
# connection: Django then reads `.iterator()` through client-side cursors (docs/scaling.md).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings of the application's sessions, unless the DATABASE_URL sets its own `options`
    # (behind PgBouncer they go in the database's settings instead: see docs/scaling.md).
    planner = []
    if env.bool("DATABASE_JIT_OFF", default=True):
        # PostgreSQL compiles a query with JIT when its estimated cost is high, which the bilan's correlated
        # subqueries always are: the compilation then costs more than the query itself
        # (docs/performance.md).
        planner.append("-c jit=off")
    random_page_cost = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
    if random_page_cost:
        # PostgreSQL's default (4) prices a random page read as on a spinning disk. On SSD, or with the
        # database in memory (a federation's fits), it makes the planner scan every intervention in
        # parallel rather than walk the cheaper (youth, date, id) index from the scope's youths: 1.1 is
        # PostgreSQL's usual advice for SSD.
        planner.append(f"-c random_page_cost={random_page_cost}")
    cursor_tuple_fraction = env.str("DATABASE_CURSOR_TUPLE_FRACTION", default="1")
    if cursor_tuple_fraction:
        # Django reads `.iterator()` (the exports, the import's lookups, the forms' choices) through a
        # server-side cursor, which PostgreSQL plans for its first 10 % of rows by default: a team's
        # interventions would then be read by walking the whole federation's by date.
        # The application always reads a cursor to its end.
        planner.append(f"-c cursor_tuple_fraction={cursor_tuple_fraction}")
    if planner:
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", " ".join(planner))
# Before reusing a persistent connection, check it still works: after a database restart the first request
# would fail otherwise.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Migrations run as the database's owner role, the application as a role that may only add to and read the
# access journal (docs/deployment.md). Without DATABASE_OWNER_URL, one role does both.
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
if DATABASE_OWNER_URL:
    DATABASES["owner"] = {
        **DATABASES["default"],
        **env.db_url_config(DATABASE_OWNER_URL),
        "CONN_MAX_AGE": 0,
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "emps.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "emps.passwords.GuessablePasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background tasks (imports), through django-tasks, the backport of Django 6's `django.tasks`. By default
# their queue is a table of this database, worked by `manage.py db_worker` (`make run` starts one beside
# the web server). With TASKS_REDIS_URL (e.g. redis://127.0.0.1:6379/0), the queue is RQ on that Redis,
# worked by `manage.py rqworker default`, and the tasks' progress is kept in the same Redis, so that
# several web servers and workers share them (docs/scaling.md).
TASKS_REDIS_URL = env.str("TASKS_REDIS_URL", default="")
if TASKS_REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60}}
    PROGRESS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TASKS_REDIS_URL}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # The worker writes its progress where the web server reads it: files, on the one machine.
    PROGRESS_CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.path("EMPS_PROGRESS_DIR", default=BASE_DIR / "var" / "progress"),
    }
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # A running task's progress (rows read, checked, written), written outside the import's transaction.
    "progress": PROGRESS_CACHE,
}
# A running task whose progress has not moved for this long is taken for dead (a worker killed): it is
# marked failed, and its team may import again. Its transaction was never committed: nothing is written.
EMPS_TASK_STALE_SECONDS = env.int("EMPS_TASK_STALE_SECONDS", default=10 * 60)
# An export of more records than this is written by a worker (its page offers the file), not in the request.
EMPS_EXPORT_TASK_ROWS = env.int("EMPS_EXPORT_TASK_ROWS", default=5000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions: expire after two hours without activity.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS and headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the proxy, the client's address is the entry the last trusted proxy appended to X-Forwarded-For
# (counted from the right: what a client writes in the header itself is never trusted).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more.")

# Content-Security-Policy (django-csp 4): only our own origin, no inline script.
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
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# django-axes: lock an account/address pair out after repeated failures, and the account itself (from
# every address) past a higher ceiling, for longer: a distributed guess stops without one person's typos
# locking a colleague out. The client's address is the journal's (emps.journal.client_ip).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "emps.journal.client_ip"
AXES_HANDLER = "emps.accounts.lockout.AccountCeilingHandler"
AXES_LOCKOUT_CALLABLE = "emps.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_ACCOUNT_COOLOFF_HOURS = env.float("AXES_ACCOUNT_COOLOFF_HOURS", default=24.0)
if AXES_ACCOUNT_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ACCOUNT_FAILURE_LIMIT must not be below AXES_FAILURE_LIMIT.")

# Two-factor authentication: the name shown in the authenticator application.
OTP_TOTP_ISSUER = "EMPS"

# Product settings.
EMPS_ASSOCIATION_NAME = env.str("EMPS_ASSOCIATION_NAME", default="")
# Months after the last contact before a youth's record is anonymised (CNIL: at most 2 years).
EMPS_RETENTION_MONTHS = env.int("EMPS_RETENTION_MONTHS", default=24)
# Months an access-journal entry is kept (CNIL: 6 to 12 months).
EMPS_JOURNAL_RETENTION_MONTHS = env.int("EMPS_JOURNAL_RETENTION_MONTHS", default=12)
if EMPS_JOURNAL_RETENTION_MONTHS < 6:
    # The database's purge function refuses to delete entries less than six months old (docs/deployment.md).
    raise ImproperlyConfigured("EMPS_JOURNAL_RETENTION_MONTHS must be at least 6 (CNIL: 6 to 12 months).")
# Dashboards show counts from 1 to this threshold as "≤ N".
EMPS_SMALL_CELL_THRESHOLD = env.int("EMPS_SMALL_CELL_THRESHOLD", default=2)
# Coordinators must use two-factor authentication.
EMPS_REQUIRE_2FA_FOR_COORDINATORS = env.bool("EMPS_REQUIRE_2FA_FOR_COORDINATORS", default=False)
# Largest accepted import file, in megabytes.
EMPS_IMPORT_MAX_MB = env.int("EMPS_IMPORT_MAX_MB", default=20)
# Days without contact after which a youth shows as "sans contact récent" on the home page.
EMPS_STALE_CONTACT_DAYS = env.int("EMPS_STALE_CONTACT_DAYS", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

"""Settings for Workshop Portal: one module, every deployment knob an environment variable.

Defaults are safe for a first run: SQLite in ``var/``, ``DEBUG`` off unless
``DJANGO_DEBUG=1``, and a secret key that exists only in debug mode.
"""

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# A development key only in debug mode. Without a key, management commands that sign
# nothing (migrate, makemigrations, import_workshop) still run; the web servers refuse
# to start (wsgi.py / asgi.py) and anything that signs raises ImproperlyConfigured.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or (
    "dev-only-insecure-key-do-not-use-in-production" if DEBUG else ""
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Public address printed on access sheets; the request's host is used when empty.
PORTAL_URL = os.environ.get("PORTAL_URL", "")

INSTALLED_APPS = [
    # daphne first: ``runserver`` then serves the ASGI application, WebSockets included.
    "daphne",
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "channels",
    "simple_history",
    "sessions.apps.WorkshopSessionsConfig",
    "delegations",
    "summaries",
    # Sign-in throttling (issue 13); the portal's own app config registers the
    # facilitators' unlock admin for it, so it comes after axes.
    "axes",
    "workshop_portal.apps.PortalConfig",
    # After the portal: its own db_worker command (workshop_portal/worker.py) wins.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Sends SECURE_CSP as the Content-Security-Policy header (issue 13).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Interface language: the account's choice, else the delegation's language, else
    # Django's cookie / Accept-Language (issue 10).
    "workshop_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads request.POST: refuses bodies Django cannot decode safely.
    "common.request_guards.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in responses are private and never stored by the browser (issue 22).
    "workshop_portal.middleware.PrivatePagesMiddleware",
    # Dates on a workshop's pages in the workshop's time zone (issue 10).
    "workshop_portal.middleware.WorkshopTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workshop_portal.urls"
WSGI_APPLICATION = "workshop_portal.wsgi.application"
# HTTP and the live pages' WebSockets (workshop_portal/asgi.py, Django Channels).
ASGI_APPLICATION = "workshop_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 prepares a statement on the server (at the protocol level) once a
    # connection has run it PORTAL_DB_PREPARE_THRESHOLD times; Django asks for it only
    # with server-side binding. "none" turns it off (a pooler in transaction mode older
    # than PgBouncer 1.21, or one without max_prepared_statements). DATABASE_POOL=1
    # uses Django's own connection pool (psycopg-pool) instead of persistent
    # connections. README, "Deploying", says which to choose.
    _threshold = os.environ.get("PORTAL_DB_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "prepare_threshold": None if _threshold in ("", "none") else int(_threshold),
        }
    )
    if env_bool("DATABASE_POOL"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Several writers (server, worker, autosaves) share the file: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # The test database is a file too, not SQLite's shared in-memory database: the
    # browser tests' live server would share that one connection between its request
    # threads, and two requests at once (two tabs coming back online) then interleave
    # on it ("cannot release savepoint - SQL statements in progress"). A file gives
    # each thread its own connection, as in production. It lives in memory (/dev/shm)
    # where there is one, named after this checkout so two checkouts never share it;
    # pytest-xdist adds a suffix per worker.
    _test_dir = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(_test_dir / f"workshop-portal-test-{_checkout}.sqlite3")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password a person chooses (staff in the admin, password changes) passes all
# four of Django's validators. Delegation card passwords are generated
# (delegations.services) and never go through them.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password
# is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",  # access cards' links (delegations/views.py)
]
# --- access-card sign-in links (django-sesame; delegations/views.py) ---
# A card's link is a token scoped to its workshop; the view refuses it once the
# workshop has ended, and a reprint revokes it by changing the member's password.
SESAME_TOKEN_NAME = "sesame"
SESAME_MAX_AGE = None
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
SESAME_TOKENS = ["sesame.tokens_v2"]  # v1 tokens would be written to the debug log
# --- end access-card sign-in links ---
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Interface languages (UI strings in locale/) ...
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("vi", _("Vietnamese")), ("th", _("Thai"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# ... and content languages: what facilitators translate guidance into. A workshop
# picks a subset. A missing translation falls back to English, then French, and
# the page says so (see sessions.i18n).
CONTENT_LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("vi", "Tiếng Việt"),
    ("th", "ภาษาไทย"),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in CONTENT_LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "fr")}

TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "workshop_portal.static_storage.PortalStaticFilesStorage"
        )
    },
}
# The admin's translation tabs need jQuery UI; serve our vendored copy, never a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CSRF_FAILURE_VIEW = "workshop_portal.views.csrf_failure"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Sessions: with Redis (REDIS_URL), read from the cache and written through to the
# database (Django's cached_db), so a request reads no session row; without it, the
# database. A process-local cache would let a session deleted by one app server live on
# in another's memory, so the cache is used only when it is shared.
REDIS_URL = os.environ.get("REDIS_URL", "")
# The channel layer that carries the live pages' messages between laptops (Channels):
# Redis when REDIS_URL is set, so that several app servers share it (this is how the
# portal scales out); else in memory, for one process (``make run``, SQLite). Redis'
# publish/subscribe layer, not channels-redis' list-based one: a keystroke reaches the
# other laptops in milliseconds instead of hundreds of them (bench/live.py). It keeps no
# message for a socket that is not listening, which the live pages need not: a laptop
# resyncs its whole document on every (re)connection and every few seconds.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# --- Content-Security-Policy (issue 13) ---
# Only the site's own files run or style a page: no inline script, style attribute or
# <style> block, no eval, nothing from another origin. The data: images are the icons
# inside Bootstrap's CSS. No page needs a nonce; one that ever does adds
# CSP.NONCE here and the "django.template.context_processors.csp" processor.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# --- end Content-Security-Policy ---
# Behind HTTPS in production set DJANGO_SECURE_COOKIES=1: secure cookies, HSTS and a
# redirect of plain HTTP to HTTPS.
if env_bool("DJANGO_SECURE_COOKIES"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # A year, as browsers' preload lists ask; the preload flag only makes the site
    # eligible for them, it submits nothing.
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# The proxy's headers (X-Forwarded-Proto, X-Forwarded-For) are trusted only when
# DJANGO_BEHIND_PROXY=1 says a proxy that sets them is in front; otherwise any client
# reaching gunicorn directly could claim HTTPS or another address.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in throttling (django-axes), by (account, address) pair: after
# PORTAL_SIGN_IN_FAILURE_LIMIT wrong passwords for one account from one address, that
# pair is refused for AXES_COOLOFF_TIME; the account still signs in from elsewhere,
# and other accounts from that address. A venue's laptops share one public address
# and account names are predictable, so neither an account nor an address alone is
# locked by a handful of failures: an address is refused only after
# PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT failures over all accounts (credential
# stuffing). workshop_portal.sign_in holds the handler, the client's address behind
# the proxy and the lockout page; an access card's link is never throttled.
# Facilitators see and clear lockouts in the admin (workshop_portal/admin.py).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_SIGN_IN_FAILURE_LIMIT", "10"))
PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT", "200")
)
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=int(os.environ.get("PORTAL_SIGN_IN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "workshop_portal.sign_in.SignInThrottle"
AXES_CLIENT_IP_CALLABLE = "workshop_portal.sign_in.client_address"
# Typos during a lockout do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workshop_portal.sign_in.lockout_response"
# How many proxies in front append to X-Forwarded-For (with DJANGO_BEHIND_PROXY=1).
PROXY_COUNT = int(os.environ.get("PORTAL_PROXY_COUNT", "1"))

# The longest answer a delegation may save, in characters.
ANSWER_MAX_LENGTH = int(os.environ.get("PORTAL_ANSWER_MAX_LENGTH", "20000"))
# Lines and paragraphs of one typed text (an answer, a plan item's description): a PDF
# costs by its line boxes as much as by its characters.
TEXT_MAX_LINES = int(os.environ.get("PORTAL_TEXT_MAX_LINES", "500"))
TEXT_MAX_BLOCKS = int(os.environ.get("PORTAL_TEXT_MAX_BLOCKS", "150"))

# --- PDF limits (issue 13): a delegation's plan and one rendering are bounded.
PLAN_MAX_ITEMS = int(os.environ.get("PORTAL_PLAN_MAX_ITEMS", "100"))  # actions; TA requests too
PDF_MAX_TEXT_LENGTH = int(os.environ.get("PORTAL_PDF_MAX_TEXT_LENGTH", "250000"))  # characters
PDF_RENDER_SECONDS = float(os.environ.get("PORTAL_PDF_RENDER_SECONDS", "60"))
PDF_RENDER_MEMORY_MB = int(os.environ.get("PORTAL_PDF_RENDER_MEMORY_MB", "1024"))
# A task still running after this long lost its worker, which is marked failed when a
# worker starts (workshop_portal/worker.py).
TASK_STALE_MINUTES = float(os.environ.get("PORTAL_TASK_STALE_MINUTES", "30"))
# A bundle that has not moved for this long shows "Stalled — retry" to organisers.
BUNDLE_STALLED_SECONDS = int(os.environ.get("PORTAL_BUNDLE_STALLED_SECONDS", "120"))
# --- end of PDF limits

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

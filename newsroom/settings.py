"""Settings for newsroom: one file, every deployment difference comes from the environment.

Defaults suit a developer's laptop (SQLite in the project folder, local-memory cache, DEBUG off);
production values only ever come from the environment. `.env.example` documents every variable.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from newsroom import proxies

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (written by `make` from .env.example on first use) is read if present; real
# environment variables always win over it. DJANGO_ENV_FILE points elsewhere (or nowhere).
environ.Env.read_env(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No default on purpose: a deployment without its own key must refuse to start.
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver also serves through whitenoise, as gunicorn does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_ratelimit",
    "csp",
    "axes",
    "reversion",
    "newsroom.apps.NewsroomConfig",
    "ops",
    "articles",
    "comments",
]

MIDDLEWARE = [
    # First: answers /healthz, /readyz and /metrics before host checks and redirects, and
    # times, counts and logs every other request (ops/middleware.py).
    "ops.middleware.OpsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Right after SecurityMiddleware, as whitenoise asks: static files skip the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL in the query string is a 400 here, before any view can pass it to PostgreSQL.
    "newsroom.middleware.NulQueryMiddleware",
    # Cached public pages are answered here, with the headers above but before sessions,
    # CSRF, auth and URL dispatch (articles/pagecache.py).
    "articles.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The site is Persian only; LocaleMiddleware is left out so LANGUAGE_CODE always applies.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-axes: refuses sign-ins from a locked-out client (after AuthenticationMiddleware).
    "axes.middleware.AxesMiddleware",
    # Last, so process_exception sees the views' database errors first.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "newsroom.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file: WAL lets readers proceed during a write,
    # IMMEDIATE takes the write lock at BEGIN (no deadlock-prone lock upgrade, so no instant
    # "database is locked"), and the timeout makes a writer wait its turn instead of failing.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Persistent connections on both engines: opening a SQLite connection (and running its PRAGMAs)
# was a tenth of an uncached article's time.
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
_db["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------
# The cache speeds the site up and never holds it up (newsroom/cache.py): every backend is wrapped
# with connect/read timeouts, a circuit breaker and an expiry on every key. Page versions live in
# the database (articles.PageVersion), so a cache that fails, loses or evicts data can make a
# page slower, never wrong for longer than PAGE_VERSION_SECONDS.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5)
CACHE_MAX_SECONDS = env.int("CACHE_MAX_SECONDS", default=24 * 60 * 60)
if env.str("CACHE_URL", default=""):
    # CACHE_URL=redis://host:port/db: Django's RedisCache, shared by every process and machine.
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    _redis = env.cache("CACHE_URL")
    _cache = {
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": _redis["LOCATION"],
        "KEY_PREFIX": _redis.get("KEY_PREFIX", ""),
        "OPTIONS": {
            **_redis.get("OPTIONS", {}),
            "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
            "socket_timeout": CACHE_TIMEOUT_SECONDS,
            # No retries: the breaker decides when to try again, a request never waits twice.
            "retry": Retry(NoBackoff(), 0),
        },
    }
else:
    # The embedded default: SQLite files that every worker on this machine shares (limits and
    # page versions hold across workers); one folder per database, so test servers never mix.
    _cache = {
        "BACKEND": "newsroom.cache.ResilientDiskCache",
        "LOCATION": str(
            Path(env.str("SHARED_CACHE_DIR", default=str(BASE_DIR / "var" / "cache")))
            / hashlib.blake2b(str(DATABASES["default"]["NAME"]).encode()).hexdigest()[:12]
        ),
        "SHARDS": 4,
        "DATABASE_TIMEOUT": CACHE_TIMEOUT_SECONDS,
        # Nothing is evicted to make room (junk cannot push a limit's counter out); expired
        # keys are culled as usual, and every key has an expiry.
        "OPTIONS": {"eviction_policy": "none", "size_limit": 2**30},
    }
CACHES = {
    # Rendered pages and their version tokens; while the cache is away, a miss.
    "default": {**_cache, "TIMEOUT": 300},
    # django-ratelimit's counters; while the cache is away, this process's memory counts.
    "limits": {**_cache, "TIMEOUT": 300, "FALLBACK": "local"},
}
RATELIMIT_USE_CACHE = "limits"
# How long a page's version token stays in the cache before it is read from the database again:
# the most a page can lag behind a decision whose cache update was lost in an outage.
PAGE_VERSION_SECONDS = env.int("PAGE_VERSION_SECONDS", default=10)
# Rendered article and home pages stay in that cache this long, or until their content changes
# (articles/pagecache.py); 0 turns the app cache off (the benchmark measures both).
ARTICLE_CACHE_SECONDS = env.int("ARTICLE_CACHE_SECONDS", default=600)
# Pieces of pages (an article's body, its comment pages, the lists beside it) are kept this long
# at most, or until what they show changes; they are used with the page cache on or off.
FRAGMENT_SECONDS = env.int("FRAGMENT_SECONDS", default=3600)
# Browsers and shared proxies (nginx) may keep an anonymous page this long.
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)
# A process folds the views it counted into the database at most this often (articles/counters).
VIEW_FOLD_SECONDS = env.int("VIEW_FOLD_SECONDS", default=10)

# --- Auth ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin password guessing: 5 failures from one address, or against one user name from
# anywhere, lock that address or account out for 15 minutes, with a Persian page (HTTP 429) and
# a log line. By name too, so guesses spread over many addresses count; the price is that anyone
# can lock an account for the cool-off (`manage.py axes_reset_username` lifts it). Attempts are
# kept in the database, so the lockout holds across processes and machines.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
# A success forgives only that user's own failures from that address (newsroom/lockout.py), so
# an editor's good sign-ins cannot wipe guesses at someone else's password.
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "newsroom.lockout.SignInAttempts"

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian"))]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tehran")
USE_I18N = True
# Our corrections to Django's Persian catalogue (gaps, ZWNJ, quotes); the compiled .mo files are
# committed so that serving needs no gettext (`make messages` rebuilds them).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names + gzip/brotli copies; whitenoise then serves them with immutable caching.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS and cookies --------------------------------------------------------------------------
# DJANGO_HTTPS=on when the site is served over TLS (directly or behind a proxy that sets
# X-Forwarded-Proto). Off by default so `make run` works on http://127.0.0.1.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# X-Forwarded-For counts only from these direct peers (newsroom.security.client_ip), taking
# the entry PROXY_HOPS from the right; DJANGO_BEHIND_PROXY=on alone trusts our nginx on this
# machine, off trusts nobody (newsroom/proxies.py).
TRUSTED_PROXIES = proxies.trusted_proxies(env)
PROXY_HOPS = proxies.proxy_hops(env)
# No SECURE_PROXY_SSL_HEADER: Django would take it from any peer. gunicorn sets the scheme from
# X-Forwarded-Proto of the same trusted proxies only (gunicorn.conf.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing inline anywhere (the JSON-LD block is data, not script), so no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    },
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "sync-xhr=(), usb=(), xr-spatial-tracking=()"
)

# Readers' flash messages live in a signed cookie, so a reader who only reads never needs a
# session row.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# --- Logging ------------------------------------------------------------------------------------
# text: readable lines for a developer. json: one JSON object a line (python-json-logger), and
# one line per request from ops.middleware with its id, route, status, time, cache and queries.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
# Requests slower than this are logged at WARNING, in either format.
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", default=1000)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # its INFO lines repeat on every start
    },
}

# --- Operations ---------------------------------------------------------------------------------
# /metrics answers a bearer METRICS_TOKEN, or these addresses (as newsroom.security.client_ip
# sees them); everyone else gets a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
# `manage.py backup` writes here and keeps this many backups (older ones are removed).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
# Errors to Sentry when set (off by default), scrubbed of personal data (ops/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from ops.sentry import init as _sentry_init

    _sentry_init(SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))

# --- Site ---------------------------------------------------------------------------------------
SITE_NAME = "تحریریه"
# The absolute origin used in canonical links, Open Graph and JSON-LD when a page is rendered
# (empty: taken from the request).
SITE_URL = env.str("DJANGO_SITE_URL", default="").rstrip("/")
# The port gunicorn serves on (gunicorn.conf.py reads the same variable): without SITE_URL, pages
# are cached only for the configured host names, bare or with this port (articles/pagecache.py).
SERVED_PORT = env.str("PORT", default="8000")

# --- Comments -----------------------------------------------------------------------------------
COMMENT_RATE = env.str("COMMENT_RATE", default="5/m")
VOTE_RATE = env.str("VOTE_RATE", default="20/m")
# «پربازدیدترین‌های گروه» counts the views of this many recent days.
MOST_VIEWED_DAYS = env.int("MOST_VIEWED_DAYS", default=7)
COMMENT_MIN_SECONDS = env.int("COMMENT_MIN_SECONDS", default=3)
COMMENT_MAX_AGE_SECONDS = env.int("COMMENT_MAX_AGE_SECONDS", default=2 * 60 * 60)
RATELIMIT_IP_META_KEY = "newsroom.security.client_ip"
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists only django-redis; Django's own RedisCache increments atomically too.
    "django_ratelimit.W001",
]
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
# --- Mail ---------------------------------------------------------------------------------------
# EMAIL_URL (django-environ): smtp+tls://user:password@host:587, or the console backend that
# prints mails to the log (the default, for a laptop).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="تحریریه <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# notify_editors sends at most one digest of waiting comments this often.
EDITOR_DIGEST_MINUTES = env.int("EDITOR_DIGEST_MINUTES", default=30)
# «وقتی پاسخ داده شد خبرم کن» (send_comment_mail): at most this many confirmation mails per
# address per this many days, so the box cannot be used to flood a stranger's inbox; mails
# waiting on an unconfirmed address (and confirmation links) expire after COMMENT_MAIL_WAIT_DAYS;
# a failing mail is tried at most COMMENT_MAIL_MAX_ATTEMPTS times.
COMMENT_MAIL_CONFIRMATIONS = env.int("COMMENT_MAIL_CONFIRMATIONS", default=2)
COMMENT_MAIL_CONFIRMATION_DAYS = env.int("COMMENT_MAIL_CONFIRMATION_DAYS", default=7)
COMMENT_MAIL_WAIT_DAYS = env.int("COMMENT_MAIL_WAIT_DAYS", default=7)
COMMENT_MAIL_MAX_ATTEMPTS = env.int("COMMENT_MAIL_MAX_ATTEMPTS", default=6)

# How long commenters' address hashes and user agents are kept (purge_personal_data).
PERSONAL_DATA_DAYS = env.int("PERSONAL_DATA_DAYS", default=30)

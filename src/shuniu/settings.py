"""The one settings module of Shuniu, driven by environment variables (see README, "Configuration").

SHUNIU_ENV is development (default), test or production. Production refuses to start with the
development secrets, so a forgotten variable cannot ship a known key.
"""

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from shuniu.env import EnvError, env_bool, env_choice, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
# A Fernet key (32 bytes, url-safe base64). Public on purpose: only for development and tests.
DEVELOPMENT_DATA_KEY = "c2h1bml1LWRldmVsb3BtZW50LWRhdGEta2V5LTAwMDA="
DEVELOPMENT_INDEX_KEY = "development-only-blind-index-key-0123456789"

try:
    # Under pytest the default is the test environment (settings are read before any conftest runs).
    ENVIRONMENT = env_choice(
        "SHUNIU_ENV", "test" if "pytest" in sys.modules else "development", ["development", "test", "production"]
    )
    PRODUCTION = ENVIRONMENT == "production"
    DEBUG = env_bool("SHUNIU_DEBUG", ENVIRONMENT == "development")
    VAR_DIR = Path(env_str("SHUNIU_VAR_DIR", str(REPO_DIR / "var"))).resolve()
    SECRET_KEY = env_str("SHUNIU_SECRET_KEY", "" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
    DATA_KEYS = env_list("SHUNIU_DATA_KEY", [] if PRODUCTION else [DEVELOPMENT_DATA_KEY])
    # The blind-index key is separate from the data keys so that rotating the data key never
    # changes the index values (lookups keep working while rows are re-encrypted).
    INDEX_KEY = env_str("SHUNIU_INDEX_KEY", "" if PRODUCTION else DEVELOPMENT_INDEX_KEY)
    ALLOWED_HOSTS = env_list("SHUNIU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    CSRF_TRUSTED_ORIGINS = env_list("SHUNIU_CSRF_TRUSTED_ORIGINS", [])
    DATABASE_URL = env_str("SHUNIU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'shuniu.sqlite3'}")
    REDIS_URL = env_str("SHUNIU_REDIS_URL", "-")
    TASK_BACKEND = env_choice(
        "SHUNIU_TASK_BACKEND", "immediate" if ENVIRONMENT == "test" else "database", ["database", "immediate"]
    )
    IDLE_TIMEOUT_MINUTES = env_int("SHUNIU_IDLE_TIMEOUT_MINUTES", 30, minimum=1, maximum=24 * 60)
    REQUIRE_TWO_FACTOR = env_bool("SHUNIU_REQUIRE_TWO_FACTOR", True)
    SMTP_HOST = env_str("SHUNIU_EMAIL_HOST", "-")
    SMTP_PORT = env_int("SHUNIU_EMAIL_PORT", 25, minimum=1, maximum=65535)
    SMTP_USER = env_str("SHUNIU_EMAIL_USER", "-")
    SMTP_PASSWORD = env_str("SHUNIU_EMAIL_PASSWORD", "-")
    SMTP_USE_TLS = env_bool("SHUNIU_EMAIL_USE_TLS", False)
    DEFAULT_FROM_EMAIL = env_str("SHUNIU_EMAIL_FROM", "shuniu@localhost")
    SECURE_SSL = env_bool("SHUNIU_SECURE_SSL", PRODUCTION)
    MAX_UPLOAD_MB = env_int("SHUNIU_MAX_UPLOAD_MB", 50, minimum=1, maximum=2048)
    # Full-text index: inside the database (SQLite FTS5 / PostgreSQL GIN), or a tantivy index in
    # var/search-index/ (faster at scale; `shuniu search_reindex` after switching).
    SEARCH_BACKEND = env_choice("SHUNIU_SEARCH_BACKEND", "database", ["database", "tantivy"])
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SHUNIU_SECRET_KEY must be set to a private value of at least 40 characters")
    if not DATA_KEYS or DEVELOPMENT_DATA_KEY in DATA_KEYS:
        raise ImproperlyConfigured("SHUNIU_DATA_KEY must be set to a private key (make keys: shuniu generate-data-key)")
    if INDEX_KEY == DEVELOPMENT_INDEX_KEY or len(INDEX_KEY) < 32:
        raise ImproperlyConfigured("SHUNIU_INDEX_KEY must be set to a private value of at least 32 characters")
    if DEBUG:
        raise ImproperlyConfigured("SHUNIU_DEBUG must be off in production")

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    # Shuniu's own apps, in dependency order (seeding follows this order).
    "shuniu.core",
    "shuniu.search",
    "shuniu.people",
    "shuniu.rights",
    "shuniu.relief",
    "shuniu.training",
    "shuniu.library",
    "shuniu.meetings",
    "shuniu.outreach",
    "shuniu.insights",
    "shuniu.api",
    "shuniu.portal",
]
SHUNIU_APPS = [app for app in INSTALLED_APPS if app.startswith("shuniu.")]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shuniu.core.middleware.RequestContextMiddleware",
    "shuniu.core.middleware.IdleTimeoutMiddleware",
    "shuniu.core.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shuniu.urls"
WSGI_APPLICATION = "shuniu.wsgi.application"
ASGI_APPLICATION = "shuniu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuniu.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DEBUG else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL != "-":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shuniu"}}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock per account, not per IP: staff on a government intranet share a few NAT addresses, so an
# IP lockout would lock a whole office out. Axes warns about this choice (W006); it is deliberate.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "Shuniu"

SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_HTTPONLY = False
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files are never served from a public URL: no route serves MEDIA_URL; views check
# permission and stream the file themselves.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # under MEDIA_ROOT
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and ENVIRONMENT != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or ENVIRONMENT == "test"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
SHUNIU_MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
SHUNIU_SEARCH_BACKEND = SEARCH_BACKEND
SHUNIU_SEARCH_INDEX_DIR = VAR_DIR / "search-index"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASK_BACKEND == "database"
        else "django.tasks.backends.immediate.ImmediateBackend",
    }
}

if SMTP_HOST == "-":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": SMTP_PORT,
                "username": "" if SMTP_USER == "-" else SMTP_USER,
                "password": "" if SMTP_PASSWORD == "-" else SMTP_PASSWORD,  # noqa: S105
                "use_tls": SMTP_USE_TLS,
            },
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "shuniu.core.log_filters.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's own "django" logger prints to a console handler of its own in development as
        # well; going through ours only, each line (e.g. the task worker's) is printed once.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

SHUNIU_SITE_NAME = _("Shuniu joint work platform")

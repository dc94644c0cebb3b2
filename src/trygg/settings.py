"""Settings, read from the environment (healthchecks style).

The embedded default is SQLite under ``var/``; ``DATABASE_URL`` switches to PostgreSQL.
Configuration errors raise :class:`ConfigError`, which the ``trygg`` command turns into
one clear sentence.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from trygg.cases.keys import case_keys_from_env
from trygg.config import ConfigError
from trygg.settings_guard import security_relaxation_error

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None


def database_from_url(url, var_dir):
    """Turn DATABASE_URL into Django's DATABASES entry (sqlite:///path or postgres://...)."""
    if not url:
        var_dir.mkdir(parents=True, exist_ok=True)
        return sqlite_database(var_dir / "trygg.sqlite3")
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if parsed.netloc or not path or path == "/":
            raise ConfigError(
                f"DATABASE_URL {url!r} is not a valid SQLite URL; "
                "write sqlite:////absolute/path/trygg.sqlite3."
            )
        return sqlite_database(Path(path))
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ConfigError(
                f"DATABASE_URL {url!r} names no database; "
                "write postgres://user:password@host:5432/database."
            )
        try:
            port = parsed.port
        except ValueError:
            raise ConfigError(f"DATABASE_URL {url!r} has an invalid port.") from None
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": env_int("TRYGG_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(
        f"DATABASE_URL {url!r} is not supported; use sqlite:////path/file.sqlite3 "
        "or postgres://user:password@host:5432/database."
    )


def sqlite_database(path):
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on
            # the busy timeout instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


DEBUG = env_bool("TRYGG_DEBUG", False)
VAR_DIR = Path(os.environ.get("TRYGG_VAR_DIR") or PROJECT_DIR / "var")

SECRET_KEY = os.environ.get("TRYGG_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "TRYGG_SECRET_KEY is not set: set it to a long random string "
            "(or set TRYGG_DEBUG=1 for a local demo)."
        )
    SECRET_KEY = "insecure-local-demo-key-only-for-debug"

AUDIT_KEY = os.environ.get("TRYGG_AUDIT_KEY", "")
if not AUDIT_KEY:
    if not DEBUG:
        raise ConfigError(
            "TRYGG_AUDIT_KEY is not set: set it to a long random string kept apart from "
            "the database (or set TRYGG_DEBUG=1 for a local demo)."
        )
    AUDIT_KEY = "insecure-local-demo-audit-key"

# The person track's field encryption (Fernet keys, newest first) and the blind index of
# personnummer (trygg.cases.keys; docs/personarenden.md). Required outside debug.
CASE_KEYS, CASE_INDEX_KEY = case_keys_from_env(os.environ, debug=DEBUG)

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("TRYGG_ALLOWED_HOSTS", "").split(",") if h.strip()
]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TRYGG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", ""), VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "trygg.accounts",
    "trygg.core",
    "trygg.geo",
    "trygg.incidents",
    "trygg.audit",
    "trygg.imports",
    "trygg.api",
    "trygg.situation",
    "trygg.feeds",
    "trygg.retention",
    "trygg.agreement",
    "trygg.work",
    "trygg.meetings",
    "trygg.cases",
    "trygg.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "trygg.accounts.middleware.IdleTimeoutMiddleware",
    "trygg.core.middleware.CurrentPartnershipMiddleware",
    "trygg.accounts.middleware.RequireTwoFactorMiddleware",
    "trygg.core.access.AccessTableMiddleware",
    "trygg.accounts.middleware.ReauthenticationMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"

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
                "trygg.core.context_processors.trygg",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a locked-out e-mail address and IP.
    "trygg.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Passwords per NIST SP 800-63B: 12 to 128 characters, not a common password, no
# composition rules (any characters, spaces too) and no forced periodic changes.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "trygg.accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# allauth: e-mail login, no self-signup (organisation admins invite users).
ACCOUNT_ADAPTER = "trygg.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Trygghetscenter"
MFA_TOTP_TOLERANCE = 1  # accept the code of the neighbouring 30-second step (clock skew)

# Single sign-on with OpenID Connect (e.g. Microsoft Entra ID), off unless configured.
# It logs in users who already exist (invited by an administrator), matched by a verified
# e-mail address on their first SSO login; nobody is created by a login, and two-step
# verification is still required (docs/drift/installation.md, "Inloggning med SSO").
SOCIALACCOUNT_ADAPTER = "trygg.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # done by the adapter, which audits it
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
TRYGG_OIDC_SERVER_URL = os.environ.get("TRYGG_OIDC_SERVER_URL", "")
TRYGG_OIDC_CLIENT_ID = os.environ.get("TRYGG_OIDC_CLIENT_ID", "")
TRYGG_OIDC_CLIENT_SECRET = os.environ.get("TRYGG_OIDC_CLIENT_SECRET", "")
# Whether the provider's e-mail addresses count as verified without an email_verified
# claim (Entra ID sends none; an organisation's own directory can be trusted).
TRYGG_OIDC_TRUST_EMAIL = env_bool("TRYGG_OIDC_TRUST_EMAIL", False)
_oidc = [TRYGG_OIDC_SERVER_URL, TRYGG_OIDC_CLIENT_ID, TRYGG_OIDC_CLIENT_SECRET]
if any(_oidc) and not all(_oidc):
    raise ConfigError(
        "Single sign-on needs TRYGG_OIDC_SERVER_URL, TRYGG_OIDC_CLIENT_ID and "
        "TRYGG_OIDC_CLIENT_SECRET together."
    )
if TRYGG_OIDC_SERVER_URL and not (TRYGG_OIDC_SERVER_URL.startswith("https://") or DEBUG):
    raise ConfigError("TRYGG_OIDC_SERVER_URL must be an https:// address.")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "sso",
                    "name": os.environ.get("TRYGG_OIDC_NAME", "SSO"),
                    "client_id": TRYGG_OIDC_CLIENT_ID,
                    "secret": TRYGG_OIDC_CLIENT_SECRET,
                    "settings": {"server_url": TRYGG_OIDC_SERVER_URL, "fetch_userinfo": False},
                }
            ]
            if all(_oidc)
            else []
        ),
    }
}

# Two-step verification (TOTP, with recovery codes) is required of every user in every
# role (trygg.accounts.middleware.RequireTwoFactorMiddleware). Only a local demo
# (TRYGG_DEBUG=1) may switch it off; outside debug the start is refused.
TRYGG_MFA_ENFORCED = env_bool("TRYGG_MFA_ENFORCED", True)
_security_error = security_relaxation_error(debug=DEBUG, mfa_enforced=TRYGG_MFA_ENFORCED)
if _security_error:
    raise ConfigError(_security_error)

# Re-authentication before sensitive actions (exports, API tokens, approving a
# lägesbild; trygg.accounts.security.REAUTHENTICATION_URL_NAMES): a login or
# re-authentication within the last 10 minutes, else allauth asks for the password again.
TRYGG_REAUTH_ENFORCED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 10 * 60

# An idle session is logged out on its next request (activity extends it).
TRYGG_IDLE_MINUTES = env_int("TRYGG_IDLE_MINUTES", 30)
if TRYGG_IDLE_MINUTES < 1:
    raise ConfigError(f"TRYGG_IDLE_MINUTES must be at least 1, not {TRYGG_IDLE_MINUTES}.")

# Failed logins (django-axes, state in the database, shared by every process): 5 failures
# for one e-mail address from one IP address lock that combination for 15 minutes.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("TRYGG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("TRYGG_LOGIN_LOCKOUT_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60:
    raise ConfigError(
        "TRYGG_LOGIN_FAILURE_LIMIT and TRYGG_LOGIN_LOCKOUT_MINUTES must be at least 1."
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "trygg.accounts.lockout.username_from"
AXES_CLIENT_IP_CALLABLE = "trygg.audit.services.client_ip"
AXES_CLIENT_STR_CALLABLE = "trygg.accounts.lockout.client_str"
AXES_LOCKOUT_CALLABLE = "trygg.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_VERBOSE = False
# allauth's own throttle stays as a second layer behind axes: one IP trying many addresses
# (10 failures a minute), and one address tried from many IPs (30 failures an hour).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,30/h/key"}

# Sessions and cookies: secure by default, relaxed only for plain-http local debug.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("TRYGG_SESSION_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("TRYGG_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = env_int("TRYGG_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TRYGG_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("TRYGG_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("TRYGG_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Deliberate (docs/drift/installation.md): TLS ends at the reverse proxy, which
    # redirects http to https itself (W008); joining the browsers' HSTS preload list is
    # the operator's decision for the whole domain (W021).
    SILENCED_SYSTEM_CHECKS = [
        *(["security.W008"] if not SECURE_SSL_REDIRECT else []),
        *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    ]

# Strict Content Security Policy: no inline scripts or styles anywhere.
MAP_TILE_URL = os.environ.get("TRYGG_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("TRYGG_MAP_TILE_ATTRIBUTION", "")
_tile_origin = ""
if MAP_TILE_URL:
    _p = urlparse(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_p.scheme}://{_p.netloc}" if _p.netloc else ""
    if "{s}" in MAP_TILE_URL:
        _tile_origin = f"{_p.scheme}://*.{_p.netloc.split('.', 1)[-1]}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["trygg.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
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
WHITENOISE_USE_FINDERS = DEBUG


def caches_from_url(redis_url):
    """Django's CACHES: Redis when ``redis_url`` (TRYGG_REDIS_URL) is set, otherwise the
    database (the table ``trygg_cache``, created by `trygg migrate`). Caches and the API's
    rate-limit counters live outside the process either way, shared by every worker;
    Redis takes them off the database (one round trip per API request instead of about
    ten queries)."""
    if not redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "trygg_cache",
            }
        }
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"TRYGG_REDIS_URL {redis_url!r} is not a Redis URL; "
            "write redis://host:6379/0 (or rediss:// or unix://)."
        )
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "trygg",
        }
    }


REDIS_URL = os.environ.get("TRYGG_REDIS_URL", "")
CACHES = caches_from_url(REDIS_URL)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_HOST = os.environ.get("TRYGG_EMAIL_HOST", "")
EMAIL_PORT = env_int("TRYGG_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("TRYGG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRYGG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TRYGG_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("TRYGG_EMAIL_FROM", "trygghetscenter@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRYGG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Partner API: requests per minute per token (state in the cache, shared by all processes).
TRYGG_API_RATE_LIMIT = env_int("TRYGG_API_RATE_LIMIT", 600)

# Absolute address of the service, for links in e-mails sent without a request.
TRYGG_BASE_URL = os.environ.get("TRYGG_BASE_URL", "").rstrip("/")

# Shown in the banner of the local demo.
TRYGG_DEMO_MODE = DEBUG

"""Base settings shared by every environment.

Everything deployment-specific comes from the environment (12-factor); everything
city-specific (name, offices, fees) lives in data, not here.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src"
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public base URL, used for links in e-mails, QR codes and PDFs (no request there).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
CITY_NAME = os.environ.get("CITY_NAME", "Wissenschaftsstadt Darmstadt")
# The town as written in postal addresses ("64283 Darmstadt").
CITY_TOWN = os.environ.get("CITY_TOWN", "Darmstadt")
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Digitalstadt Darmstadt")
# The dog-tax statute's annual due date (month, day): Darmstadt's falls on 1 July.
DOG_TAX_DUE_DAY = tuple(int(part) for part in os.environ.get("DOG_TAX_DUE_DAY", "07-01").split("-"))
# The statute's reductions (Darmstadt: half the tax for a guard dog of a farm more than
# 400 m from the village, and for an insured dog that passed a Begleithundeprüfung, not
# for a dog older than 8 years). The plugin knows the kinds; percentages and the age
# limit are the city's: another city sets its own or leaves a kind out.
DOG_TAX_REDUCTIONS = {
    "begleithund": {"percent": 50, "max_age_years": 8},
    "wachhund": {"percent": 50, "max_age_years": None},
}

INSTALLED_APPS = [
    "digitalstadt.core",
    "digitalstadt.accounts",
    "digitalstadt.mailbox",
    "digitalstadt.catalog",
    "digitalstadt.appointments",
    "digitalstadt.payments",
    "digitalstadt.register",
    "digitalstadt.applications",
    "digitalstadt.parking",
    "digitalstadt.marketplace",
    "digitalstadt.delivery",
    "digitalstadt.business",
    "digitalstadt.exchange",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
    "ninja",
]

# How long a request waits for a row lock (PostgreSQL) before it says "try again".
LOCK_TIMEOUT_MS = int(os.environ.get("LOCK_TIMEOUT_MS", "5000"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "digitalstadt.core.middleware.FormErrorStatusMiddleware",
    "digitalstadt.core.middleware.LockTimeoutMiddleware",
    "digitalstadt.core.middleware.BadParameterMiddleware",
    "digitalstadt.accounts.middleware.UserLanguageMiddleware",
    "digitalstadt.accounts.middleware.SlidingSessionMiddleware",
    "digitalstadt.accounts.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "digitalstadt.urls"
WSGI_APPLICATION = "digitalstadt.wsgi.application"
ASGI_APPLICATION = "digitalstadt.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "digitalstadt" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "digitalstadt.core.context_processors.platform",
                "digitalstadt.core.context_processors.staff_navigation",
                "digitalstadt.accounts.context_processors.staff",
                "digitalstadt.mailbox.context_processors.mailbox",
                "digitalstadt.marketplace.context_processors.cart",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# SQLite (a file, WAL, IMMEDIATE transactions) is the embedded default; set
# DATABASE_URL=postgres://... for PostgreSQL in production.
SQLITE_PATH = VAR_DIR / "db.sqlite3"


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
        config.setdefault("TEST", {})
        if config["ENGINE"] == "django.db.backends.postgresql":
            config["CONN_HEALTH_CHECKS"] = True
            # Every lock wait is bounded from the first statement on (core.locking sets
            # another value per transaction only where it differs).
            options = config.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c lock_timeout={LOCK_TIMEOUT_MS}ms".strip()
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        # Tests with a live server and a worker need a file, not an in-memory database.
        "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by all processes (rate limits), the database cache by default ---
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "digitalstadt_cache",
    }
}
# Rendered page parts shared by all visitors, per process (core.fragments).
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
                       "OPTIONS": {"MAX_ENTRIES": 2000}}
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "60"))
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# --- Background tasks -------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz answers 503 when the worker heartbeat is older than this, or when a ready
# task has waited longer than the second value.
WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("WORKER_HEARTBEAT_MAX_AGE", "60"))
WORKER_HEARTBEAT_INTERVAL = float(os.environ.get("WORKER_HEARTBEAT_INTERVAL", "10"))
TASK_QUEUE_MAX_WAIT = int(os.environ.get("TASK_QUEUE_MAX_WAIT", "300"))

# --- Auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:overview"

ACCOUNT_ADAPTER = "digitalstadt.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner's GET must not confirm anything
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", PLATFORM_NAME)
MFA_ADAPTER = "digitalstadt.accounts.adapter.MFAAdapter"

# Ways to pay (payments.providers). `epay` is the hosted payment page of a pmPayment /
# ePayBL-like provider; outside production the platform serves its own stand-in of that
# page (payments.simulator), so online payment works on a laptop. Production turns the
# simulator off and needs the provider's page URL and secret (settings/production.py).
PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", "giro,epay")
PSP_SIMULATOR_ENABLED = env_bool("PSP_SIMULATOR_ENABLED", True)
PAYMENTS_EPAY_SECRET = os.environ.get("PAYMENTS_EPAY_SECRET", "")  # empty: derived from SECRET_KEY for the simulator
PAYMENTS_EPAY_PAGE_URL = os.environ.get("PAYMENTS_EPAY_PAGE_URL", "")

# Online rooms for webinars (business.rooms, docs/online-rooms.md). "simulator" is the
# platform's own demo room (a Jitsi stand-in at /raum-simulator/); production names
# "jitsi" and/or "bbb" and their servers and secrets (a system check asks for them).
ROOM_PROVIDERS = env_list("ROOM_PROVIDERS", "simulator")
ROOM_OPENS_MINUTES_BEFORE = int(os.environ.get("ROOM_OPENS_MINUTES_BEFORE", "15"))
ROOM_TOKEN_GRACE_MINUTES = int(os.environ.get("ROOM_TOKEN_GRACE_MINUTES", "15"))
ROOM_SIMULATOR_SECRET = os.environ.get("ROOM_SIMULATOR_SECRET", "")  # empty: derived from SECRET_KEY
ROOM_JITSI_URL = os.environ.get("ROOM_JITSI_URL", "")  # https://meet.example.org
ROOM_JITSI_TENANT = os.environ.get("ROOM_JITSI_TENANT", "")
ROOM_JITSI_APP_ID = os.environ.get("ROOM_JITSI_APP_ID", "")
ROOM_JITSI_APP_SECRET = os.environ.get("ROOM_JITSI_APP_SECRET", "")
ROOM_JITSI_AUDIENCE = os.environ.get("ROOM_JITSI_AUDIENCE", "jitsi")
ROOM_JITSI_SUBJECT = os.environ.get("ROOM_JITSI_SUBJECT", "")  # empty: the tenant, else the server's host name
ROOM_BBB_URL = os.environ.get("ROOM_BBB_URL", "")  # https://bbb.example.org/bigbluebutton/
ROOM_BBB_SECRET = os.environ.get("ROOM_BBB_SECRET", "")
ROOM_BBB_CHECKSUM = os.environ.get("ROOM_BBB_CHECKSUM", "sha256")  # sha1 for servers before 2.6
ROOM_BBB_TIMEOUT = float(os.environ.get("ROOM_BBB_TIMEOUT", "5"))
ROOM_BBB_LEGACY_PASSWORDS = env_bool("ROOM_BBB_LEGACY_PASSWORDS", False)

# Marketplace: how orders reach shoppers (marketplace.registry; the delivery app adds
# "delivery"), and how long checkout holds stock before the payment must be done.
MARKETPLACE_FULFILMENT_METHODS = env_list("MARKETPLACE_FULFILMENT_METHODS", "click_collect,reserve,delivery")
MARKETPLACE_HOLD_MINUTES = int(os.environ.get("MARKETPLACE_HOLD_MINUTES", "10"))

# eID plugins (identity assurance). The simulator is for development and tests only;
# production settings refuse it.
EID_PLUGINS = env_list("EID_PLUGINS", "simulator")
EID_OIDC = {
    "ISSUER": os.environ.get("EID_OIDC_ISSUER", ""),
    "CLIENT_ID": os.environ.get("EID_OIDC_CLIENT_ID", ""),
    "CLIENT_SECRET": os.environ.get("EID_OIDC_CLIENT_SECRET", ""),
    # Optional, see docs/eid.md: client_secret_basic (default) or client_secret_post; space-separated acr values.
    "TOKEN_AUTH_METHOD": os.environ.get("EID_OIDC_TOKEN_AUTH_METHOD", ""),
    "ACR_VALUES": os.environ.get("EID_OIDC_ACR_VALUES", ""),
    # Map of the broker's "acr" claim values to our assurance levels.
    "ACR_LEVELS": {
        "urn:eid:trustlevel:substantial": "eid_substantial",
        "urn:eid:trustlevel:high": "eid_high",
        "substantiell": "eid_substantial",
        "hoch": "eid_high",
    },
}

# --- Internationalisation ---------------------------------------------------------
# URL scheme (decided once, see docs/decisions/0002-language-urls.md): German pages
# live without a prefix, English ones under /en/. Links in e-mails and QR codes are
# built for the recipient's language with that scheme.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "digitalstadt" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "ds_language"
FORMAT_MODULE_PATH = ["digitalstadt.formats"]

# --- Static and private files -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "digitalstadt" / "static"]
STORAGES = {
    "default": {
        # Private documents: outside the web root, served only by permission-checked views.
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "private"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail: Django 6.1 mailers ------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Digitalstadt Darmstadt <noreply@digitalstadt.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def mailers_from_env() -> dict:
    host = os.environ.get("SMTP_HOST")
    if host:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": host,
                    "port": int(os.environ.get("SMTP_PORT", "587")),
                    "username": os.environ.get("SMTP_USER", ""),
                    "password": os.environ.get("SMTP_PASSWORD", ""),
                    "use_tls": env_bool("SMTP_STARTTLS", True),
                    "timeout": 20,
                },
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }


MAILERS = mailers_from_env()
# Outbox retry schedule in seconds (attempt n waits OUTBOX_BACKOFF[n-1]); then it is
# marked failed and shown to platform admins. The sweep command retries due rows.
OUTBOX_BACKOFF = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600]

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Signed-in sessions end after this much inactivity (sliding); forms warn before it
# ends and offer to stay signed in. Drafts are saved after every step, so nothing is lost.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60
SESSION_WARNING_SECONDS = 300
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # KERN icons are CSS masks with data: SVGs.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

NINJA_PAGINATION_PER_PAGE = 50

# Demo data loaders run by `manage.py seed_demo` after the accounts.
DEMO_SEEDERS = ["digitalstadt.appointments.demo.seed", "digitalstadt.catalog.demo.seed",
                "digitalstadt.applications.demo.seed", "digitalstadt.marketplace.demo.seed",
                "digitalstadt.delivery.demo.seed", "digitalstadt.parking.demo.seed",
                "digitalstadt.parking.demo_vouchers.seed", "digitalstadt.register.demo.seed",
                "digitalstadt.parking.street_demo.seed", "digitalstadt.business.demo.seed",
                "digitalstadt.business.demo_registrations.seed", "digitalstadt.exchange.demo.seed"]

# Reserving appointment slots: proof-of-work cost and a per-IP limit (hits, seconds).
ALTCHA_MAX_NUMBER = int(os.environ.get("ALTCHA_MAX_NUMBER", "50000"))
RESERVE_RATE_LIMIT = (int(os.environ.get("RESERVE_RATE_LIMIT", "20")), 600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # PDF rendering logs every step and font at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Signed documents (core/signing.py) -----------------------------------------------
# The city's seal: a PKCS#12 file in production; without one, development and tests use
# the self-signed chain that `manage.py ensure_dev_seal` writes to VAR_DIR/signing/.
SIGNING_PKCS12_PATH = os.environ.get("SIGNING_PKCS12_PATH", "")
SIGNING_DEV_DIR = VAR_DIR / "signing"
SIGNING_PKCS12_PASSWORD = os.environ.get("SIGNING_PKCS12_PASSWORD", "")
# Root certificate files (PEM or DER) that the public verification page trusts.
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS")
# A timestamp authority (RFC 3161) makes signatures PAdES B-T; off by default (B-B).
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")
SIGNING_TSA_TIMEOUT = int(os.environ.get("SIGNING_TSA_TIMEOUT", "10"))
# Public verification page: largest accepted upload and uploads per IP (hits, seconds).
VERIFICATION_UPLOAD_MAX_BYTES = int(os.environ.get("VERIFICATION_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
VERIFICATION_RATE_LIMIT = (int(os.environ.get("VERIFICATION_RATE_LIMIT", "20")), 600)

# Apps that react when a fee is paid, extra facts on the verification page and extra
# document-access checks are registered by the apps (core.registry), not listed here.
# Staff read case documents only under /verwaltung/ (behind staff MFA), not through the
# citizens' document URL: no app registers a document-access check today.
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
CASE_REFERENCE_PREFIX = os.environ.get("CASE_REFERENCE_PREFIX", "DA")

# --- marketplace import ---
# Product images fetched from the shops' feeds: the largest original accepted, the
# thumbnail's longest side, and whether addresses in private networks (localhost, LAN)
# may be fetched (off in production: a feed must not make the server probe its own network).
MARKETPLACE_IMAGE_MAX_BYTES = int(os.environ.get("MARKETPLACE_IMAGE_MAX_BYTES", str(8 * 1024 * 1024)))
MARKETPLACE_IMAGE_THUMBNAIL_PX = 400
MARKETPLACE_IMAGE_ALLOW_PRIVATE_HOSTS = False

# --- marketplace shops ---
# The geocoder (core/geocoding.py): "streets" (embedded street list, approximate demo
# positions), "nominatim" or "photon" (then GEOCODER_URL is that server's base URL).
GEOCODER = os.environ.get("GEOCODER", "streets")
GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
GEOCODER_TIMEOUT = int(os.environ.get("GEOCODER_TIMEOUT", "5"))
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "Digitalstadt Darmstadt (geocoder)")
GEOCODER_CITY = os.environ.get("GEOCODER_CITY", "Darmstadt")
# Map tiles for Leaflet maps, e.g. "https://tiles.example.org/{z}/{x}/{y}.png". Empty: the
# maps show the markers without tiles (the lists beside them always work). The tile
# server's origin is allowed in the CSP's img-src.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
if MAP_TILE_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    if _tiles.scheme in {"http", "https"} and _tiles.netloc:
        _tile_host = _tiles.netloc.replace("a.", "*.", 1) if "{s}" in MAP_TILE_URL else _tiles.netloc
        SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tile_host}"]
# Logos of shops: largest upload accepted.
SHOP_LOGO_MAX_BYTES = int(os.environ.get("SHOP_LOGO_MAX_BYTES", str(2 * 1024 * 1024)))

# --- delivery (same-day delivery by cargo bike) ---
# Days ahead a delivery window can be chosen; a parcel's size per item while the
# catalogue has no sizes; the planner's time budget (seconds) and the travel-time
# matrix: straight line x detour factor at cargo-bike speed, or OSRM's table API.
DELIVERY_DAYS_AHEAD = int(os.environ.get("DELIVERY_DAYS_AHEAD", "3"))
DELIVERY_LITRES_PER_ITEM = int(os.environ.get("DELIVERY_LITRES_PER_ITEM", "4"))
DELIVERY_GRAMS_PER_ITEM = int(os.environ.get("DELIVERY_GRAMS_PER_ITEM", "1000"))
DELIVERY_PLAN_SECONDS = int(os.environ.get("DELIVERY_PLAN_SECONDS", "10"))
DELIVERY_DETOUR_FACTOR = float(os.environ.get("DELIVERY_DETOUR_FACTOR", "1.3"))
DELIVERY_BIKE_SPEED_KMH = float(os.environ.get("DELIVERY_BIKE_SPEED_KMH", "15"))
OSRM_URL = os.environ.get("OSRM_URL", "")

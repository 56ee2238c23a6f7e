"""Production settings: every secret and endpoint comes from the environment.

`manage.py check --deploy --fail-level WARNING` must pass with these (a test does it).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import EID_PLUGINS, MAILERS, SECRET_KEY, env_bool, env_list

DEBUG = False
# seed_demo refuses to run (demo accounts have a published password and TOTP secret).
DEMO_DATA_ALLOWED = False
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (PostgreSQL).")
if "simulator" in EID_PLUGINS:
    raise ImproperlyConfigured("The eID simulator plugin must not be enabled in production.")
# The payment simulator never runs in production; online payment needs the real page.
PSP_SIMULATOR_ENABLED = False
PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", "giro")
if "epay" in PAYMENT_PROVIDERS and not (os.environ.get("PAYMENTS_EPAY_PAGE_URL")
                                        and len(os.environ.get("PAYMENTS_EPAY_SECRET", "")) >= 32):
    raise ImproperlyConfigured("PAYMENTS_EPAY_PAGE_URL and PAYMENTS_EPAY_SECRET (at least 32 characters) must be "
                               "set when PAYMENT_PROVIDERS offers epay in production.")
# The local demo room never runs in production (its secret derives from SECRET_KEY).
ROOM_PROVIDERS = env_list("ROOM_PROVIDERS", "")  # "jitsi", "bbb" once their servers are set
if "simulator" in ROOM_PROVIDERS:
    raise ImproperlyConfigured("The local room simulator must not be in ROOM_PROVIDERS in production.")
if not os.environ.get("SMTP_HOST"):
    raise ImproperlyConfigured("SMTP_HOST must be set in production: e-mail is sent by SMTP.")
assert MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend")
# Decisions are sealed with the city's key, never the self-signed development seal.
if not os.environ.get("SIGNING_PKCS12_PATH") or "SIGNING_PKCS12_PASSWORD" not in os.environ:
    raise ImproperlyConfigured(
        "SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSWORD must be set in production: documents are sealed "
        "with the city's PKCS#12 seal (`manage.py ensure_dev_seal` then checks that it loads)."
    )
if not os.environ.get("SIGNING_TRUST_ROOTS"):
    raise ImproperlyConfigured("SIGNING_TRUST_ROOTS must name the root certificate file(s) of the city's seal.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Number of reverse proxies in front of the app that append to X-Forwarded-For: rate
# limits (allauth's and ours) then count the real client address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Benchmark-only switch (settings/bench.py) that lets a request header choose its
# rate-limit key: never in production.
RATE_LIMIT_CLIENT_HEADER = None
# Load balancers probe /healthz over plain HTTP inside the network: answer, do not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

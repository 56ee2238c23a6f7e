"""`make run`: the product on one machine, as it is served in production, with the
embedded SQLite database and Darmstadt demo data.

DEBUG is off (Django's debug pages never show), gunicorn serves the site, whitenoise
the static files, and the task worker runs beside it. Unlike production: plain
`http://localhost` (no SSL redirect, no HSTS, cookies without the Secure flag), mail
goes to files in var/mail, the documents are sealed with the development seal, and the
demo eID login is offered. Developers who want the debug pages and autoreload use
`make dev` (settings.dev).
"""

import secrets
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, SITE_URL, VAR_DIR

DEBUG = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# The host people use is the one in SITE_URL (make run derives it from HOST and PORT).
ALLOWED_HOSTS = sorted({*ALLOWED_HOSTS, urlsplit(SITE_URL).hostname or "localhost"})
CSRF_TRUSTED_ORIGINS = [SITE_URL]


def _local_secret_key() -> str:
    """A random key kept in var/ (sessions survive a restart; never a published key)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = SECRET_KEY or _local_secret_key()
# Static files straight from the apps and the copied vendor assets (no collectstatic step).
WHITENOISE_USE_FINDERS = True

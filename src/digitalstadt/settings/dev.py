"""Local development: `make run`. SQLite, file-based mail in var/mail, DEBUG on."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me-" + "x" * 20  # noqa: F405
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

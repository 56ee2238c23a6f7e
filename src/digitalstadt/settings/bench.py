"""Benchmark server settings: production-like (DEBUG off, PostgreSQL), with a cheaper
proof-of-work and rate limits keyed per benchmark client instead of per IP (all
clients share 127.0.0.1). Neither check is switched off."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-" + "z" * 50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ALTCHA_MAX_NUMBER = int(os.environ.get("ALTCHA_MAX_NUMBER", "2000"))
RATE_LIMIT_CLIENT_HEADER = "HTTP_X_BENCH_CLIENT"
RESERVE_RATE_LIMIT = (20, 600)
ROOT_URLCONF = "digitalstadt.bench_urls"
# Server errors are printed (a benchmark that hides its 500s measures nothing).
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"stderr": {"class": "logging.StreamHandler"}},
           "root": {"level": "WARNING"},
           "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The benchmark's fixed clock (bench/_setup.py), as in the tests.
from digitalstadt.testing.clock import follow_parent as _follow_parent_clock  # noqa: E402

_follow_parent_clock()

"""Test settings: the same stack as dev (SQLite file or DATABASE_URL), fast hashing."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key-" + "y" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
# The tests' own development seal, valid at every instant the test clock visits
# (made once per run by digitalstadt.testing.fixtures; the dev seal of `make run` is
# valid only from the moment it was made).
SIGNING_DEV_DIR = VAR_DIR / "test-signing"  # noqa: F405
# Rate limits stay on in tests (they are tested); each test run starts with an empty cache.

import os as _os

# A subprocess (task worker, server) started by a test points at the test database.
if _os.environ.get("DS_TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = _os.environ["DS_TEST_DATABASE_NAME"]  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": _os.environ["DS_TEST_DATABASE_NAME"]}  # noqa: F405
WORKER_HEARTBEAT_MAX_AGE = int(_os.environ.get("WORKER_HEARTBEAT_MAX_AGE", "60"))
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A subprocess started by a test (task worker, server) runs on that test's clock.
from digitalstadt.testing.clock import follow_parent as _follow_parent_clock  # noqa: E402

_follow_parent_clock()
NEGATIVE_CONTROLS_ALLOWED = True  # core.locking.negative_control: tests only

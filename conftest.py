"""Project-wide pytest set-up.

- `postgres_only` tests are skipped on SQLite; with REQUIRE_POSTGRES=1 (the PostgreSQL
  CI run) a skipped one fails the run, and so does running on another database.
- Real SMTP (aiosmtpd) and the real task worker are available as fixtures.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["digitalstadt.testing.fixtures"]


def _db_vendor() -> str:
    from django.db import connection

    return connection.vendor


def pytest_collection_modifyitems(config, items):
    vendor = _db_vendor()
    if os.environ.get("REQUIRE_POSTGRES") == "1" and vendor != "postgresql":
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but the database is %s: set DATABASE_URL" % vendor)
    if vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_fragments():
    """Each test starts without cached page parts (its database starts afresh too)."""
    from digitalstadt.core import fragments

    fragments.clear()
    yield


_skipped_postgres_only: list[str] = []


def pytest_runtest_logreport(report):
    # Runs in the main process for every report, also those pytest-xdist workers send.
    if report.skipped and "postgres_only" in report.keywords:
        _skipped_postgres_only.append(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("REQUIRE_POSTGRES") == "1" and _skipped_postgres_only:
        terminalreporter.write_line(f"ERROR: {len(_skipped_postgres_only)} PostgreSQL-only tests were skipped in the "
                                    f"PostgreSQL run: {', '.join(_skipped_postgres_only)}")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("REQUIRE_POSTGRES") == "1" and _skipped_postgres_only and session.exitstatus == 0:
        session.exitstatus = 1

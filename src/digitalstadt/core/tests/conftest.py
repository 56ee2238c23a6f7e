"""Fixtures for the platform-foundation tests (staff security, health, outbox)."""

from __future__ import annotations

import pytest

from digitalstadt.testing import clock as test_clock
from digitalstadt.testing.clock import fresh_totp

PASSWORD = "Sicheres-Testpasswort-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTTOTP234567AB"

# The environment production settings need (check --deploy must pass with it).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "digitalstadt.settings.production",
    "SECRET_KEY": "prod-test-" + "k7Q2xZ9vL4mN8pR3tW6yB1cF5hJ0dG" * 2,
    "DATABASE_URL": "postgres://digitalstadt:secret@127.0.0.1:5432/digitalstadt",
    "SMTP_HOST": "mail.darmstadt.example",
    "EID_PLUGINS": "oidc",
    "ALLOWED_HOSTS": "digitalstadt.darmstadt.example",
    "CSRF_TRUSTED_ORIGINS": "https://digitalstadt.darmstadt.example",
    "SITE_URL": "https://digitalstadt.darmstadt.example",
    "SIGNING_PKCS12_PATH": "/etc/digitalstadt/seal.p12",
    "SIGNING_PKCS12_PASSWORD": "seal-password-from-the-secret-store",
    "SIGNING_TRUST_ROOTS": "/etc/digitalstadt/seal-root.pem",
}


@pytest.fixture(autouse=True)
def _empty_cache(request):
    # The database cache table is not flushed between tests: rate-limit counters and
    # allauth's memory of used TOTP codes would leak from one test into the next.
    from django.core.cache import cache

    if not request.node.get_closest_marker("django_db"):
        yield
        return
    cache.clear()
    yield
    cache.clear()



def make_user(email: str, *, role: str | None = None, totp: bool = False, is_staff: bool = False):
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from digitalstadt.accounts.models import StaffRole, User

    user = User.objects.create_user(email=email, password=PASSWORD, is_staff=is_staff)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role:
        StaffRole.objects.create(user=user, role=role)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
        RecoveryCodes.activate(user)
    return user


def password_login(client, email: str, password: str = PASSWORD):
    return client.post("/konto/login/", {"login": email, "password": password})


def full_login(client, email: str):
    """Password, then the TOTP code (as a person would)."""
    response = password_login(client, email)
    assert response.status_code == 302 and "/konto/2fa/authenticate/" in response["Location"], response
    response = client.post("/konto/2fa/authenticate/", {"code": fresh_totp(TOTP_SECRET)})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return response


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a manage.py subprocess that uses the current test database."""
    import os

    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "digitalstadt.settings.test",
        "DS_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "VAR_DIR": str(settings.VAR_DIR),
        "PYTHONUNBUFFERED": "1",
        **test_clock.subprocess_env(),
    })
    env.update(extra)
    return env


@pytest.fixture
def start_worker():
    """Start the real `manage.py run_worker` against the test database (needs a
    transactional test); every started worker is stopped at the end."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[4]
    started: list[subprocess.Popen] = []

    def start(**env: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, str(root / "manage.py"), "run_worker", "--queue-name", "*",
             "--no-startup-delay", "--interval", "0.2"],
            cwd=root, env=subprocess_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def free_port_closed() -> int:
    """A local TCP port with nothing listening on it."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

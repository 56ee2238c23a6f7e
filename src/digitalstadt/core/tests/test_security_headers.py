"""Every page is served with a strict CSP and the other security headers; production
settings pass `check --deploy` and refuse unsafe configurations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digitalstadt.accounts.models import StaffRoleKind

from .conftest import PRODUCTION_ENV, full_login, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]

PUBLIC_PAGES = [
    "/", "/en/",
    "/themen/buergeramt/", "/themen/wirtschaft/", "/themen/einkaufen-parken/", "/themen/zahlen-daten/",
    "/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/", "/en/impressum/",
    "/konto/login/", "/konto/signup/", "/konto/password/reset/", "/offline/",
]


def directives(csp: str) -> dict[str, list[str]]:
    result = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def assert_secure_headers(response):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy header"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    policy = directives(csp)
    assert policy["default-src"] == ["'self'"]
    assert any(source.startswith("'nonce-") for source in policy["script-src"]), csp
    assert set(policy["script-src"]) - {"'self'"} == {s for s in policy["script-src"] if s.startswith("'nonce-")}
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "data:" not in policy.get("script-src", []) + policy.get("style-src", [])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_send_strict_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_secure_headers(response)


def test_the_nonce_changes_per_response_and_matches_the_script_tags(client):
    first, second = client.get("/"), client.get("/")

    nonce = directives(first.headers["Content-Security-Policy"])["script-src"][-1]
    assert nonce != directives(second.headers["Content-Security-Policy"])["script-src"][-1]
    assert f'nonce="{nonce[7:-1]}"' in first.content.decode()


def test_signed_in_staff_pages_send_strict_security_headers(client):
    make_user("kopf@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True, is_staff=True)
    full_login(client, "kopf@darmstadt.example")

    for path in ["/mein-konto/", "/postfach/", "/verwaltung/", "/verwaltung/protokoll/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secure_headers(response)


# --- production settings ----------------------------------------------------------------



def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "DS_TEST_DATABASE_NAME", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
           and not key.startswith(("SMTP_", "EID_", "SECURE_", "SIGNING_"))}
    env.update(PRODUCTION_ENV)
    env.update(env_overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("override", "message"), [
    ({"EID_PLUGINS": "oidc,simulator"}, "eID simulator"),
    ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
    ({"DATABASE_URL": None}, "DATABASE_URL"),
    ({"SMTP_HOST": None}, "SMTP_HOST"),
    ({"SIGNING_PKCS12_PATH": None}, "SIGNING_PKCS12_PATH"),
    ({"SIGNING_TRUST_ROOTS": None}, "SIGNING_TRUST_ROOTS"),
    ({"PAYMENT_PROVIDERS": "giro,epay"}, "PAYMENTS_EPAY_PAGE_URL"),
])
def test_production_settings_refuse_unsafe_configuration(override, message):
    result = manage("check", **override)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr


def test_seed_demo_refuses_production_settings():
    result = manage("seed_demo")

    assert result.returncode != 0
    assert "seed_demo refuses to run with production settings" in result.stderr, result.stderr


def test_demo_totp_prints_the_code_an_authenticator_app_shows():
    import pyotp
    from io import StringIO

    from django.core.management import call_command

    from digitalstadt.accounts.management.commands.seed_demo import DEMO_TOTP_SECRET

    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert pyotp.TOTP(DEMO_TOTP_SECRET).verify(out.getvalue().strip(), valid_window=1)

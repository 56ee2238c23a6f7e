"""Public writes are rate-limited on the shared (database) cache."""

import pytest
from django.contrib.auth import SESSION_KEY

from digitalstadt.core.models import AccessibilityFeedback

from .conftest import PASSWORD, make_user, password_login

pytestmark = pytest.mark.django_db


def test_the_sixth_failed_login_for_one_address_is_refused(client, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")  # shared by all processes
    make_user("berta@darmstadt.example")

    for _ in range(5):
        response = password_login(client, "berta@darmstadt.example", "falsches-passwort")
        assert response.status_code == 400  # the login form comes back with an error
        assert "Zu viele" not in response.content.decode()

    # Even the right password is refused now: the address is locked for a while.
    response = password_login(client, "berta@darmstadt.example", PASSWORD)
    assert response.status_code in (400, 429)
    body = response.content.decode()
    assert "Zu viele" in body and "Anmeldeversuche" in body  # allauth's message, in German
    assert SESSION_KEY not in client.session

    # Another address from the same place is not affected (the limit is per address).
    make_user("emil@darmstadt.example")
    assert password_login(client, "emil@darmstadt.example")["Location"] == "/mein-konto/"


def test_sign_up_is_limited_per_ip(client):
    for _ in range(20):
        response = client.post("/konto/signup/", {"email": "x@darmstadt.example",
                                                  "password1": "a", "password2": "b"})
        assert response.status_code == 400  # refused input, counted against the limit

    response = client.post("/konto/signup/", {"email": "y@darmstadt.example",
                                              "password1": "Lange-Passphrase-2026",
                                              "password2": "Lange-Passphrase-2026"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Zu viele Anfragen" in body and '<html lang="de">' in body
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    # Another address (IP) can still register.
    other = client.post("/konto/signup/", {"email": "y@darmstadt.example", "password1": "Lange-Passphrase-2026",
                                           "password2": "Lange-Passphrase-2026"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_accessibility_feedback_is_limited_to_five_posts_per_ip_and_hour(client):
    for number in range(5):
        response = client.post("/barrierefreiheit/", {"message": f"Kontrast zu schwach ({number})"})
        assert response.status_code == 302

    response = client.post("/barrierefreiheit/", {"message": "Noch eine"})

    assert response.status_code == 429
    assert "Zu viele Rückmeldungen in kurzer Zeit" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 5
    assert client.post("/barrierefreiheit/", {"message": "Von woanders"}, REMOTE_ADDR="192.0.2.8").status_code == 302
    assert AccessibilityFeedback.objects.count() == 6


def test_behind_a_trusted_proxy_the_limit_counts_each_client(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # production: env TRUSTED_PROXY_COUNT
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    for _ in range(5):
        assert client.post("/barrierefreiheit/", {"message": "A"}, HTTP_X_FORWARDED_FOR="198.51.100.1",
                           **proxy).status_code == 302
    # A client cannot escape by prepending a made-up address: the proxy's entry counts.
    assert client.post("/barrierefreiheit/", {"message": "A"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1",
                       **proxy).status_code == 429
    assert client.post("/barrierefreiheit/", {"message": "B"}, HTTP_X_FORWARDED_FOR="198.51.100.2",
                       **proxy).status_code == 302

"""Staff pages and the Django admin require TOTP; roles decide the rest."""

import pytest
from django.contrib.auth import SESSION_KEY

from digitalstadt.accounts.models import StaffRoleKind

from .conftest import full_login, make_user, password_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/verwaltung/", "/en/verwaltung/", "/verwaltung/protokoll/", "/admin/"])
def test_staff_without_totp_are_sent_to_the_activation_page(client, path):
    make_user("ohne.totp@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, is_staff=True)
    assert password_login(client, "ohne.totp@darmstadt.example").status_code == 302

    response = client.get(path)

    assert response.status_code == 302
    prefix = "/en" if path.startswith("/en/") else ""
    assert response["Location"] == prefix + "/konto/2fa/totp/activate/"


def test_staff_with_totp_must_enter_the_code_before_they_are_signed_in(client):
    make_user("mit.totp@darmstadt.example", role=StaffRoleKind.CASE_WORKER, totp=True)

    response = password_login(client, "mit.totp@darmstadt.example")

    assert response["Location"].startswith("/konto/2fa/authenticate/")
    assert SESSION_KEY not in client.session
    assert client.get("/verwaltung/")["Location"].startswith("/konto/login/")
    wrong = client.post("/konto/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 400 and SESSION_KEY not in client.session


def test_the_django_admin_login_cannot_skip_the_second_factor(client):
    make_user("admin.totp@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True, is_staff=True)

    # The admin's own password form is replaced by the allauth login (password + TOTP).
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=%2Fadmin%2F"
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "admin.totp@darmstadt.example", "password": "x"})
    assert response.status_code == 302 and SESSION_KEY not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    full_login(client, "admin.totp@darmstadt.example")
    assert client.get("/admin/").status_code == 200


def test_a_password_only_session_of_a_staff_member_is_signed_out(client):
    """Defence in depth: should a session ever be signed in by password alone (no second
    factor recorded), the staff area signs it out and asks for a full login."""
    from allauth.account.internal.flows.login import record_authentication
    from django.contrib.auth import login
    from django.test import RequestFactory

    user = make_user("nur.passwort@darmstadt.example", role=StaffRoleKind.CASE_WORKER, totp=True)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, user, "password", email=user.email)
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key

    response = client.get("/verwaltung/")

    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=/verwaltung/"
    assert SESSION_KEY not in client.session


def test_roles_decide_access_after_mfa(client):
    make_user("sachbearbeitung@darmstadt.example", role=StaffRoleKind.CASE_WORKER, totp=True)
    make_user("buerger@darmstadt.example")

    full_login(client, "sachbearbeitung@darmstadt.example")
    assert client.get("/verwaltung/").status_code == 200
    assert client.get("/verwaltung/protokoll/").status_code == 403
    assert client.get("/verwaltung/barrierefreiheit/").status_code == 403
    assert client.get("/admin/", follow=True).status_code == 403  # no Django staff flag
    client.post("/konto/logout/")

    assert password_login(client, "buerger@darmstadt.example")["Location"] == "/mein-konto/"
    response = client.get("/verwaltung/")
    assert response.status_code == 403
    assert "Kein Zugriff" in response.content.decode()


def test_a_session_needs_its_own_second_factor_even_if_totp_was_activated_elsewhere(client):
    """A password-only session opened before the person activated TOTP on another device
    must not count as MFA-verified afterwards."""
    from allauth.mfa.totp.internal.auth import TOTP

    from .conftest import TOTP_SECRET

    user = make_user("zwei.geraete@darmstadt.example", role=StaffRoleKind.CASE_WORKER)
    assert password_login(client, user.email)["Location"] == "/verwaltung/"  # staff start there; no TOTP yet: no code
    TOTP.activate(user, TOTP_SECRET)  # on the other device

    response = client.get("/verwaltung/")

    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    assert SESSION_KEY not in client.session

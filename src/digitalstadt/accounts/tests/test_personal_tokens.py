"""Personal API tokens for staff devices: the device acts in the person's name (the
audit names them), only with scopes the person may use themselves, and stops when the
role goes; organisation owners issue tokens only with a second factor."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from digitalstadt.accounts import services
from digitalstadt.accounts.models import ApiToken, StaffRole, StaffRoleKind, User
from digitalstadt.core.models import AuditEntry
from digitalstadt.parking.models import ResidentPermit
from digitalstadt.register.models import ParkingZone

from .test_organisations import make_user

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def officer(email="streife@stadt.example", *, totp=True) -> User:
    user = User.objects.create_user(email, "Sicher-genug-2026")
    StaffRole.objects.create(user=user, role=StaffRoleKind.PARKING_ENFORCEMENT)
    if totp:
        TOTP.activate(user, SECRET)
    return user


def check(client, secret, plate="DA-AB 123"):
    return client.get(f"/api/v1/parking/plates/{plate}", HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def permit():
    holder = User.objects.create_user("halter@example.org", "Sicher-genug-2026")
    zone = ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")
    today = timezone.localdate()
    return ResidentPermit.objects.create(number="BPA-1", holder=holder, zone=zone, plate="DA-AB 123",
                                         plate_normalised="DAAB123", valid_from=today,
                                         valid_until=today + dt.timedelta(days=364))


def test_an_officers_handheld_checks_plates_in_the_officers_name(client, permit):
    pit = officer()
    token, secret = services.personal_token_create(actor=pit, name="Handgerät Streife 3",
                                                   scopes=["parking:enforcement"], valid_days=30)
    assert token.user == pit and token.organisation is None
    response = check(client, secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result"] == "valid" and body["permits"][0]["zone"] == "WA1"
    entry = AuditEntry.objects.get(action="parking.plate_checked")
    assert entry.actor == pit and entry.data["via"] == "api" and entry.data["device"] == "Handgerät Streife 3"
    assert client.get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {secret}").json() == {
        "kind": "person", "organisation": None, "email": pit.email}

    # Revoked: the handheld says so, and a car showing that permit is parked without one.
    ResidentPermit.objects.filter(pk=permit.pk).update(revoked_at=timezone.now())
    body = check(client, secret).json()
    assert body["result"] == "revoked" and body["permits"][0]["status"] == "revoked"
    assert check(client, secret, "DA-XY 999").json()["result"] == "none"


def test_the_role_going_stops_the_device_and_a_switched_off_account_too(client, permit):
    pit = officer()
    _token, secret = services.personal_token_create(actor=pit, name="Handgerät", scopes=["parking:enforcement"])
    assert check(client, secret).status_code == 200
    StaffRole.objects.filter(user=pit).delete()
    response = check(client, secret)
    assert response.status_code == 403 and "darf das nicht mehr" in response.json()["detail"]
    StaffRole.objects.create(user=pit, role=StaffRoleKind.PARKING_ENFORCEMENT)
    assert check(client, secret).status_code == 200
    User.objects.filter(pk=pit.pk).update(is_active=False)
    assert check(client, secret).status_code == 401


def test_personal_scopes_follow_the_persons_roles_and_need_the_second_factor(permit):
    clerk = User.objects.create_user("schalter@stadt.example", "Sicher-genug-2026")
    StaffRole.objects.create(user=clerk, role=StaffRoleKind.COUNTER_STAFF)
    TOTP.activate(clerk, SECRET)
    with pytest.raises(PermissionDenied, match="nicht vergeben"):
        services.personal_token_create(actor=clerk, name="Tablet", scopes=["parking:enforcement"])
    # catalog:read is for organisations' machines, not for a person's device.
    with pytest.raises(PermissionDenied, match="nicht vergeben"):
        services.personal_token_create(actor=officer(), name="Tablet", scopes=["catalog:read"])
    with pytest.raises(PermissionDenied, match="Zwei-Faktor"):
        services.personal_token_create(actor=officer("ohne@stadt.example", totp=False), name="Handgerät",
                                       scopes=["parking:enforcement"])
    citizen = User.objects.create_user("buerger@example.org", "Sicher-genug-2026")
    with pytest.raises(PermissionDenied, match="Beschäftigte"):
        services.personal_token_create(actor=citizen, name="Handy", scopes=["parking:enforcement"])
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_organisation_tokens_cannot_hold_personal_scopes_and_owners_need_the_second_factor():
    owner = make_user("inhaberin@example.org")
    org = services.organisation_create(actor=owner, name="Parkhaus GmbH", kind="company")
    with pytest.raises(PermissionDenied, match="nicht vergeben"):
        services.api_token_create(actor=owner, organisation=org, name="Kasse", scopes=["parking:enforcement"])
    no_factor = make_user("ohne-faktor@example.org", totp=False)
    other = services.organisation_create(actor=no_factor, name="Laden ohne TOTP", kind="shop")
    with pytest.raises(PermissionDenied, match="Zwei-Faktor"):
        services.api_token_create(actor=no_factor, organisation=other, name="Kasse", scopes=["catalog:read"])
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_the_owner_page_asks_for_the_second_factor_before_offering_tokens(client):
    owner = make_user("inhaberin@example.org", totp=False)
    org = services.organisation_create(actor=owner, name="Laden ohne TOTP", kind="shop")
    client.force_login(owner)
    page = client.get(f"/mein-konto/organisationen/{org.slug}/").content.decode()
    assert "Erst die Zwei-Faktor-Anmeldung, dann API-Schlüssel" in page and "/konto/2fa/totp/activate/" in page
    assert "api-schluessel/\" novalidate" not in page  # no token form
    response = client.post(f"/mein-konto/organisationen/{org.slug}/api-schluessel/",
                           {"name": "Kasse", "scopes": ["catalog:read"], "valid_days": 90})
    assert response.status_code == 400 and "Zwei-Faktor" in response.content.decode()
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_the_device_key_page_shows_the_secret_once_and_revokes_after_asking(client, permit):
    pit = officer()
    client.force_login(pit)
    page = client.get("/verwaltung/").content.decode()
    assert "Schlüssel für Dienstgeräte" in page and "0 aktive Schlüssel" in page
    response = client.post("/verwaltung/geraeteschluessel/", {"name": "", "valid_days": 90})
    assert response.status_code == 400 and "für welches Gerät" in response.content.decode()
    response = client.post("/verwaltung/geraeteschluessel/",
                           {"name": "Handgerät 7", "scopes": ["parking:enforcement"], "valid_days": 90})
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    token = ApiToken.objects.with_scopes_disabled().get()
    assert token.prefix in response.content.decode()
    assert "1 aktive Schlüssel" in client.get("/verwaltung/").content.decode()
    confirm = client.get(f"/verwaltung/geraeteschluessel/{token.uuid}/widerrufen/")
    assert confirm.status_code == 200 and "Ja, Schlüssel widerrufen" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    # Another person cannot revoke it.
    client.force_login(officer("kollegin@stadt.example"))
    assert client.post(f"/verwaltung/geraeteschluessel/{token.uuid}/widerrufen/").status_code == 404
    client.force_login(pit)
    client.post(f"/verwaltung/geraeteschluessel/{token.uuid}/widerrufen/")
    token.refresh_from_db()
    assert token.revoked_at is not None

"""Handyparken pages, the enforcement page and the enforcement API."""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from digitalstadt.accounts import services as account_services
from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.core.models import AuditEntry
from digitalstadt.parking.models import ParkingSession, ResidentPermit, Vehicle
from digitalstadt.register.models import ParkingZone

from .street_factories import make_street_zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def driver(client):
    user = User.objects.create_user("fahrerin@example.org", "Sicher-genug-2026")
    client.force_login(user)
    return user


def test_start_confirm_extend_stop(client, driver):
    zone = make_street_zone("I")  # the test clock: Tuesday 1 December 2026, 09:30
    page = client.get("/parken/strasse/starten/?zone=i")
    assert page.status_code == 200 and 'value="I" selected' in page.content.decode()
    confirm = client.post("/parken/strasse/starten/", {"zone": "I", "vehicle": "neu", "plate": "da ab 123",
                                                       "save_plate": "on", "minutes": "60"})
    body = confirm.content.decode()
    assert confirm.status_code == 200 and 'class="plate-confirm"' in body and "DA-AB 123" in body
    assert "2,00" in body and not ParkingSession.objects.exists()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    fields = {"zone": "I", "plate": "DA-AB 123", "minutes": "60", "voucher": "", "save_plate": "True", "token": token}
    started = client.post("/parken/strasse/starten/bestaetigen/", fields)
    again = client.post("/parken/strasse/starten/bestaetigen/", fields)
    assert started.status_code == again.status_code == 302 and started.url == again.url
    session = ParkingSession.objects.get()
    assert session.zone == zone and Vehicle.objects.get(owner=driver).plate == "DA-AB 123"
    status = client.get(f"/parken/strasse/vorgang/{session.pk}/stand/")
    assert "Parkvorgang läuft" in status.content.decode()
    client.post(f"/parken/strasse/vorgang/{session.pk}/verlaengern/", {"minutes": "30"})
    session.refresh_from_db()
    assert session.ends_at - session.started_at == dt.timedelta(minutes=90)
    client.post(f"/parken/strasse/vorgang/{session.pk}/beenden/")
    session.refresh_from_db()
    assert session.status == "stopped" and session.amount_cents is not None
    statement = client.get("/parken/strasse/abrechnung/")
    assert "DA-AB 123" in statement.content.decode()
    csv = client.get("/parken/strasse/abrechnung/2026/12/csv/")
    assert csv["Content-Type"].startswith("text/csv") and "DA-AB 123" in csv.content.decode()


def test_an_ambiguous_plate_gets_a_message_and_nothing_starts(client, driver):
    make_street_zone("I")
    page = client.post("/parken/strasse/starten/", {"zone": "I", "vehicle": "neu", "plate": "BAB123", "minutes": "60"})
    assert page.status_code == 400 and "nicht eindeutig" in page.content.decode()
    assert not ParkingSession.objects.exists()


def test_other_drivers_sessions_are_not_found(client, driver):
    zone = make_street_zone("I")
    other = User.objects.create_user("o@example.org", "Sicher-genug-2026")
    session = ParkingSession.objects.create(user=other, zone=zone, plate="DA-X 1", started_at=timezone.now(),
                                            ends_at=timezone.now() + dt.timedelta(hours=1), start_token="a")
    assert client.get(f"/parken/strasse/vorgang/{session.pk}/").status_code == 404
    assert client.post(f"/parken/strasse/vorgang/{session.pk}/beenden/").status_code == 404
    session.refresh_from_db()
    assert session.status == "active"
    assert client.get("/parken/strasse/abrechnung/2026/13/").status_code == 404


def _officer():
    officer = User.objects.create_user("pit@stadt.example", "Sicher-genug-2026")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    return officer


def test_the_enforcement_page_and_api_answer_and_audit(client, driver):
    wa1 = ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")
    zone = make_street_zone("WA1", resident_zone=wa1)
    now = timezone.now()
    ParkingSession.objects.create(user=driver, zone=zone, plate="B-AB 123", started_at=now,
                                  ends_at=now + dt.timedelta(hours=1), start_token="a")
    ResidentPermit.objects.create(number="P1", holder=driver, zone=wa1, plate="DA-PP 1",
                                  valid_from=now.date(), valid_until=now.date())
    assert client.get("/verwaltung/parken/kontrolle/?plate=B-AB+123").status_code == 403
    officer = _officer()
    client.force_login(officer)
    page = client.get("/verwaltung/parken/kontrolle/?plate=b+ab+123&zone=WA1").content.decode()
    assert "Handyparken gültig bis" in page
    assert "Keine Parkberechtigung" in client.get("/verwaltung/parken/kontrolle/?plate=BA-B+123&zone=WA1"
                                                  ).content.decode()
    assert "Gültiger Bewohnerparkausweis" in client.get("/verwaltung/parken/kontrolle/?plate=DA-PP+1&zone=WA1"
                                                        ).content.decode()
    bad = client.get("/verwaltung/parken/kontrolle/?plate=BAB123")
    assert bad.status_code == 400 and "nicht eindeutig" in bad.content.decode()
    assert client.get("/verwaltung/parken/kontrolle/?plate=DA-A+1&zone=XX").status_code == 400
    assert AuditEntry.objects.filter(action="parking.enforcement_checked", actor=officer).count() == 3
    _token, secret = account_services.personal_token_create(actor=officer, name="Handgerät 3",
                                                            scopes=["parking:enforcement"], valid_days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get("/api/v1/parking/enforcement", {"plate": "B-AB 123", "zone": "WA1"}, **auth).json()
    assert body["result"] == "session" and body["plate"] == "B-AB123" and body["session"]["zone"] == "WA1"
    assert client.get("/api/v1/parking/enforcement", {"plate": "DA PP 1", "zone": "wa1"}, **auth
                      ).json()["result"] == "permit"
    assert client.get("/api/v1/parking/enforcement", {"plate": "BAB123"}, **auth).status_code == 422
    assert client.get("/api/v1/parking/enforcement", {"plate": "B-AB 123"}).status_code == 401
    entry = AuditEntry.objects.filter(action="parking.enforcement_checked", data__via="api").first()
    assert entry.actor == officer and entry.data["device"] == "Handgerät 3"


def test_an_office_token_checks_plates_and_a_company_or_car_park_token_may_not(client, driver):
    """Machine tokens for enforcement only for offices (the Ordnungsamt or its
    contractor), asked at creation and on every call; the audit names the office."""
    from django.core.exceptions import PermissionDenied

    from digitalstadt.accounts.models import ApiToken, Organisation

    zone = make_street_zone("WA1")
    now = timezone.now()
    ParkingSession.objects.create(user=driver, zone=zone, plate="DA-XY 7", started_at=now,
                                  ends_at=now + dt.timedelta(hours=1), start_token="o")
    owner = _officer()
    office = Organisation.objects.create(name="Ordnungsamt", slug="ordnungsamt-test", kind="office")
    office.memberships.create(user=owner, role="owner")
    _token, secret = account_services.api_token_create(actor=owner, organisation=office, name="Handgerät Bezirk 1",
                                                       scopes=["parking:enforcement"])
    body = client.get("/api/v1/parking/enforcement", {"plate": "DA-XY 7", "zone": "WA1"},
                      HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert body["result"] == "session"
    entry = AuditEntry.objects.filter(action="parking.enforcement_checked").latest("pk")
    assert entry.data["organisation"] == "ordnungsamt-test" and entry.data["via"] == "api"
    for kind in ("company", "carpark"):
        org = Organisation.objects.create(name=f"Firma {kind}", slug=f"firma-{kind}", kind=kind)
        org.memberships.create(user=owner, role="owner")
        with pytest.raises(PermissionDenied):
            account_services.api_token_create(actor=owner, organisation=org, name="Gerät",
                                              scopes=["parking:enforcement"])
    # A token made before its organisation changed kind stops on the next call.
    Organisation.objects.filter(pk=office.pk).update(kind="company")
    assert client.get("/api/v1/parking/enforcement", {"plate": "DA-XY 7"},
                      HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 403
    assert ApiToken.objects.with_scopes_disabled().count() == 1


def test_the_zone_from_the_sign(client, driver):
    make_street_zone("II")
    assert 'value="II" selected' in client.get("/parken/strasse/starten/", {"zone": " ii "}).content.decode()
    page = client.get("/parken/strasse/starten/", {"zone": "<b>99</b>"}, follow=True).content.decode()
    assert "gibt es nicht" in page and "<b>99</b>" not in page


def test_the_jobs_end_run_out_sessions_and_bill_last_month(driver):
    from django.core.management import call_command

    from digitalstadt.payments.models import Payment

    zone = make_street_zone("I")
    start = timezone.now() - dt.timedelta(days=35)  # a weekday in October, during charged hours
    start = start.replace(hour=10)
    while start.weekday() > 4:
        start -= dt.timedelta(days=1)
    ParkingSession.objects.create(user=driver, zone=zone, plate="DA-AB 1", started_at=start,
                                  ends_at=start + dt.timedelta(minutes=30), start_token="j")
    call_command("street_parking_bill", "--month", f"{start.year}-{start.month:02d}")
    session = ParkingSession.objects.get()
    assert session.status == "stopped" and session.amount_cents == 100
    assert Payment.objects.get(reference=session.payment_reference).amount_cents == 100


def test_zones_and_prices_are_public_and_starting_asks_to_sign_in(client):
    make_street_zone("I")
    page = client.get("/parken/strasse/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Zone I" in body and "melden Sie sich" in body and "Monatsabrechnung" not in body
    start = client.get("/parken/strasse/starten/")
    from django.conf import settings
    from django.shortcuts import resolve_url

    assert start.status_code == 302 and start["Location"].startswith(resolve_url(settings.LOGIN_URL))


def _confirm_page(client, **fields):
    return client.post("/parken/strasse/starten/", {"zone": "I", "vehicle": "neu", "plate": "da ab 123",
                                                   "save_plate": "on", "minutes": "60", **fields})


def test_the_confirmation_shows_the_price_with_the_voucher_and_refuses_a_used_one(client, driver, settings):
    from digitalstadt.parking.models import Voucher

    from .voucher_factories import epay_settings, paid_order, shop_with_programme

    make_street_zone("I")  # 1 € per 30 minutes; the voucher: 30 minutes, up to 2 €
    epay_settings(settings)
    shop, _owner = shop_with_programme(budget_cents=1000, max_value_cents=200, minutes=30)
    voucher = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}")
    page = _confirm_page(client, voucher=voucher.code)
    price = re.search(r'id="price-before-start">([^<]+)<', page.content.decode()).group(1)
    assert page.status_code == 200 and "1,00" in price  # 2 € without the voucher
    Voucher.unscoped_objects.filter(pk=voucher.pk).update(status="redeemed")
    refused = _confirm_page(client, voucher=voucher.code)
    body = refused.content.decode()
    assert refused.status_code == 400 and "bereits eingelöst" in body and 'name="token"' not in body
    assert not ParkingSession.objects.exists()


def test_a_full_plate_list_does_not_keep_anyone_from_parking(client, driver):
    from digitalstadt.parking import street_services as services

    make_street_zone("I")
    for n in range(services.MAX_VEHICLES):
        services.vehicle_add(owner=driver, plate=f"DA-X {n + 1}")
    fields = {"zone": "I", "plate": "DA-AB 123", "minutes": "60", "voucher": "", "save_plate": "True", "token": "t1"}
    started = client.post("/parken/strasse/starten/bestaetigen/", fields, follow=True)
    assert ParkingSession.objects.filter(plate="DA-AB 123").exists()
    assert "nicht gespeichert" in started.content.decode()
    assert not Vehicle.objects.filter(plate="DA-AB 123").exists()


def test_a_failed_start_saves_no_plate(client, driver):
    from digitalstadt.parking import street_services as services

    zone = make_street_zone("I")
    other = User.objects.create_user("o@example.org", "Sicher-genug-2026")
    services.street_session_start(user=other, zone_id=zone.pk, plate="DA-AB 123", minutes=60, start_token="o")
    fields = {"zone": "I", "plate": "DA-AB 123", "minutes": "60", "voucher": "", "save_plate": "True", "token": "t1"}
    refused = client.post("/parken/strasse/starten/bestaetigen/", fields)
    assert refused.status_code == 302 and ParkingSession.objects.count() == 1
    assert not Vehicle.objects.filter(owner=driver).exists()


def test_an_office_tokens_checks_are_audited_as_the_token_and_office_not_a_session_user(client, driver):
    """The client is logged in as the driver (a session cookie goes along): an
    organisation token's plate check and enforcement check still name no person."""
    from digitalstadt.accounts.models import Organisation

    zone = make_street_zone("WA1")
    now = timezone.now()
    ParkingSession.objects.create(user=driver, zone=zone, plate="DA-XY 7", started_at=now,
                                  ends_at=now + dt.timedelta(hours=1), start_token="o")
    owner = _officer()
    office = Organisation.objects.create(name="Ordnungsamt", slug="ordnungsamt-test", kind="office")
    office.memberships.create(user=owner, role="owner")
    token, secret = account_services.api_token_create(actor=owner, organisation=office, name="Handgerät Bezirk 1",
                                                      scopes=["parking:enforcement"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/parking/enforcement", {"plate": "DA-XY 7", "zone": "WA1"}, **auth).status_code == 200
    assert client.get("/api/v1/parking/plates/DA-XY7", **auth).status_code == 200
    for action in ("parking.enforcement_checked", "parking.plate_checked"):
        entry = AuditEntry.objects.filter(action=action).latest("pk")
        assert entry.actor is None, action
        assert entry.actor_ref == f"system:api-token:{token.pk}", action
        assert entry.data["organisation"] == "ordnungsamt-test" and entry.data["device"] == "Handgerät Bezirk 1"

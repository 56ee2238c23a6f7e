"""Parking enforcement on a phone: check a plate against today's resident permits."""

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect

from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.parking.models import ResidentPermit
from digitalstadt.register.models import ParkingZone

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_checks_a_plate_on_a_phone(phone_journey):
    holder = User.objects.create_user("halter@example.org", "Sicher-genug-2026")
    zone = ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")
    today = timezone.localdate()
    ResidentPermit.objects.create(number="BPA-DA-2026-000001", holder=holder, zone=zone, plate="DA-AB 123",
                                  valid_from=today, valid_until=today + dt.timedelta(days=364))
    officer = User.objects.create_user("pit@stadt.example", "Sicher-genug-2026", first_name="Pit")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    phone_journey.login_as(officer)
    phone_journey.visit("/verwaltung/")
    page = phone_journey.page
    page.locator("main").get_by_role("link", name="Bewohnerparkausweis prüfen").click()
    page.wait_for_url("**/verwaltung/parken/ausweise/")
    phone_journey.check_page()
    page.get_by_label("Kennzeichen").fill("da ab 123")
    page.get_by_role("button", name="Prüfen").click()
    page.wait_for_url("**plate=*")
    phone_journey.check_page()
    expect(page.get_by_role("status")).to_contain_text("Gültiger Bewohnerparkausweis")
    expect(page.get_by_role("status")).to_contain_text("WA1")
    phone_journey.screenshot("parking-permit-check-360")
    page.get_by_label("Kennzeichen").fill("DA-XY 999")
    page.get_by_role("button", name="Prüfen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Kein heute gültiger Bewohnerparkausweis")
    phone_journey.check_page()


def test_officer_checks_session_permit_revoked_and_unknown_plates(journey):
    """At 1280 px: a plate with a Handyparken session, one with a resident permit issued
    through the Bürgeramt's permit service, one whose permit was revoked, an unknown one."""
    from digitalstadt.parking.services import resident_permit_issue, resident_permit_revoke
    from digitalstadt.parking.street_demo import seed
    from digitalstadt.parking.street_services import street_session_start
    from digitalstadt.register.demo import seed as register_seed

    register_seed()
    seed()
    from digitalstadt.parking.models import StreetZone

    wa1 = StreetZone.objects.get(code="WA1")
    driver = User.objects.create_user("fahrerin@example.org", "Sicher-genug-2026")
    street_session_start(user=driver, zone_id=wa1.pk, plate="B-AB 123", minutes=60, start_token="e2e")
    clerk = User.objects.create_user("sachbearbeitung@stadt.example", "Sicher-genug-2026")
    today = timezone.localdate()
    resident_permit_issue(holder=driver, zone_id=wa1.resident_zone_id, plate="DA-PP 77", valid_from=today,
                          valid_until=today + dt.timedelta(days=364), number="BPA-DA-2026-000077", actor=clerk)
    revoked = resident_permit_issue(holder=driver, zone_id=wa1.resident_zone_id, plate="DA-RR 88", valid_from=today,
                                    valid_until=today + dt.timedelta(days=364), number="BPA-DA-2026-000088",
                                    actor=clerk)
    resident_permit_revoke(permit=revoked, reason="Fahrzeug verkauft", actor=clerk)
    officer = User.objects.create_user("pit@stadt.example", "Sicher-genug-2026", first_name="Pit")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    journey.login_as(officer)
    journey.visit("/verwaltung/")
    page = journey.page
    page.locator("main").get_by_role("link", name="Parkberechtigung prüfen").click()
    page.wait_for_url("**/verwaltung/parken/kontrolle/")
    journey.check_page()

    def check(plate: str) -> None:
        page.get_by_label("Kennzeichen").fill(plate)
        page.get_by_label("Parkzone").select_option("WA1")
        page.get_by_role("button", name="Prüfen").click()
        page.wait_for_url("**zone=WA1*")

    check("b ab 123")
    expect(page.get_by_role("status")).to_contain_text("Handyparken gültig bis")
    journey.check_page()
    check("DA PP 77")
    expect(page.get_by_role("status")).to_contain_text("Gültiger Bewohnerparkausweis")
    expect(page.get_by_role("status")).to_contain_text("BPA-DA-2026-000077")
    check("DA-RR 88")
    expect(page.get_by_role("status")).to_contain_text("Bewohnerparkausweis widerrufen")
    journey.check_page()
    check("BA-B 123")  # Bamberg, not the Berlin car with the session
    expect(page.get_by_role("status")).to_contain_text("Keine Parkberechtigung gefunden")
    journey.check_page()
    journey.screenshot("parking-enforcement-1280")
    from digitalstadt.core.models import AuditEntry

    # every check is logged: the four above and the axe pass's reload of three of them
    assert AuditEntry.objects.filter(action="parking.enforcement_checked", actor=officer).count() == 7

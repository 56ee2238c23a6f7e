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

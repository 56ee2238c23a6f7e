"""Coachings and webinars in the browser, from the home page by clicking:

- the owner of a partner organisation asks the business development office for the
  event-organiser role (with a reason);
- wirtschaft@ (staff, password and a real TOTP code) approves it in "Partnerrollen";
- the partner, told in its Postfach, creates a webinar series and a date;
- a visitor finds it from the home page in the calendar, filters by topic and opens the
  date page (with its schema.org JSON-LD, under the enforcing CSP);
- at 360 px the calendar and the date page pass axe (screenshots).
Clock: the suite's (Tuesday 1 December 2026, 09:30 Berlin).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, StaffRole, User
from digitalstadt.testing.clock import fresh_totp

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "Sicher-genug-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTTOTP234567AB"


def main(page):
    return page.locator("main")


@pytest.fixture
def people():
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    owner = User.objects.create_user("petra@house-of-it.example", PASSWORD, first_name="Petra", last_name="Partner")
    partner = Organisation.objects.create(slug="house-of-it", name="House of IT e. V.", kind=OrganisationKind.PARTNER,
                                          street="Rheinstraße 75", postal_code="64295", city="Darmstadt")
    Membership.objects.create(user=owner, organisation=partner, role=OrgRole.OWNER)
    office = User.objects.create_user("wiebke@stadt.example", PASSWORD, first_name="Wiebke", last_name="Wirtschaft")
    EmailAddress.objects.create(user=office, email=office.email, verified=True, primary=True)
    StaffRole.objects.create(user=office, role="business_development")
    TOTP.activate(office, TOTP_SECRET)
    RecoveryCodes.activate(office)
    return owner, office


def _log_out(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state("load")


def _staff_log_in(journey, user):
    page = journey.page
    journey.visit("/", check=False)
    page.get_by_role("link", name="Anmelden").first.click()
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/.*"))
    page.fill("input[name=code]", fresh_totp(TOTP_SECRET))
    page.locator("form").filter(has=page.locator("input[name=code]")).get_by_role("button").first.click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Verwaltung", exact=True).click()
    page.wait_for_url(journey.url("/verwaltung/"))


def _to_partner_area(journey, page):
    journey.visit("/")
    page.get_by_role("link", name="Mein Konto").click()
    main(page).get_by_role("link", name="House of IT e. V.").click()
    journey.check_page()


def test_partner_gets_the_role_creates_a_webinar_and_a_visitor_finds_it(journey, phone_journey, people):
    owner, office = people
    page = journey.page

    # 1. The partner's owner requests the organiser role.
    journey.login_as(owner)
    _to_partner_area(journey, page)
    main(page).get_by_role("link", name="Rollen der Partnerorganisation").click()
    journey.check_page()
    main(page).get_by_label("Veranstalter von Coachings und Webinaren").check()
    main(page).get_by_label("Begründung").fill("Zu kurz")
    main(page).get_by_role("button", name="Antrag stellen").click()
    expect(main(page).get_by_text("Bitte begründen Sie den Antrag in ein paar Sätzen.")).to_be_visible()
    journey.check_page(snapshot=True)
    main(page).get_by_label("Veranstalter von Coachings und Webinaren").check()
    main(page).get_by_label("Begründung").fill("Wir bieten seit zehn Jahren Weiterbildungen für kleine Firmen an.")
    main(page).get_by_role("button", name="Antrag stellen").click()
    expect(page.get_by_text("Ihr Antrag ist eingegangen.")).to_be_visible()
    expect(main(page).get_by_text("beantragt", exact=True)).to_be_visible()
    journey.screenshot("business-partner-roles")
    _log_out(page)

    # 2. The business development office approves it.
    _staff_log_in(journey, office)
    journey.check_page()
    main(page).get_by_role("link", name="Partnerrollen").click()
    journey.check_page()
    main(page).get_by_role("link", name="House of IT e. V.").click()
    journey.check_page()
    expect(main(page).get_by_text("seit zehn Jahren")).to_be_visible()
    main(page).get_by_label("Hinweis an die Partnerorganisation").fill("Willkommen im Netzwerk!")
    main(page).get_by_role("button", name="Freigeben").click()
    expect(page.get_by_text("Die Rolle ist freigegeben")).to_be_visible()
    journey.check_page(snapshot=True)
    journey.screenshot("business-staff-role")
    _log_out(page)

    # 3. The partner reads the decision and creates a webinar series and a date.
    journey.login_as(owner)
    journey.visit("/")
    page.get_by_role("link", name=re.compile("Postfach")).first.click()
    expect(main(page).get_by_text("Partnerrolle freigegeben")).to_be_visible()
    _to_partner_area(journey, page)
    main(page).get_by_role("link", name="Coachings und Webinare").click()
    journey.check_page()
    main(page).get_by_role("link", name="Neue Veranstaltungsreihe").click()
    main(page).get_by_label("Titel").fill("Führen auf Distanz: die ersten 100 Tage")
    main(page).get_by_label("Kurzbeschreibung").fill("Vertrauen, Ziele und Rückmeldung im verteilten Team.")
    main(page).get_by_label("Thema").select_option(label="Führen auf Distanz")
    main(page).get_by_label("Webinar (online)").check()
    main(page).get_by_label("Zielgruppe").fill("Teamleitungen kleiner Unternehmen")
    main(page).get_by_label(re.compile("veröffentlicht")).check()
    main(page).get_by_role("button", name="Veranstaltungsreihe anlegen").click()
    expect(page.get_by_text("ist angelegt")).to_be_visible()
    journey.check_page()
    main(page).get_by_role("link", name="Neuer Termin").click()
    journey.check_page()
    main(page).get_by_label("Beginn").fill("2026-12-10T10:00")
    main(page).get_by_label("Ende").fill("2026-12-10T09:00")
    main(page).get_by_label("Plätze", exact=True).fill("30")
    main(page).get_by_role("button", name="Termin anlegen").click()
    expect(main(page).get_by_text("Das Ende muss nach dem Beginn liegen.")).to_be_visible()
    expect(main(page).get_by_text(re.compile("brauchen Sie einen Online-Raum"))).to_be_visible()
    journey.check_page(snapshot=True)
    main(page).get_by_label("Ende").fill("2026-12-10T11:30")
    main(page).get_by_label("Online-Raum").select_option(label="Lokaler Demo-Raum")
    main(page).get_by_role("button", name="Termin anlegen").click()
    expect(page.get_by_text("Der Termin ist angelegt.")).to_be_visible()
    expect(main(page).get_by_text(re.compile("0 von 30 Plätzen belegt"))).to_be_visible()
    journey.screenshot("business-partner-series")
    _log_out(page)

    # 4. A visitor finds it from the home page.
    journey.visit("/")
    main(page).get_by_role("link", name=re.compile("zum Veranstaltungskalender")).click()
    journey.check_page()
    main(page).get_by_label("Thema").select_option(label="Zusammenhalt im Team")
    main(page).get_by_role("button", name="Termine anzeigen").click()
    expect(main(page).get_by_text("Für diese Auswahl gibt es keine kommenden Termine.")).to_be_visible()
    main(page).get_by_label("Thema").select_option(label="Führen auf Distanz")
    main(page).get_by_role("button", name="Termine anzeigen").click()
    journey.check_page()
    journey.screenshot("business-calendar")
    main(page).get_by_role("link", name="Führen auf Distanz: die ersten 100 Tage").click()
    journey.check_page()
    expect(main(page).get_by_text("30 von 30 Plätzen frei")).to_be_visible()
    expect(main(page).get_by_text("kostenlos", exact=True)).to_be_visible()
    expect(main(page).get_by_text("House of IT e. V.")).to_be_visible()
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Event" and data["location"]["@type"] == "VirtualLocation"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    journey.screenshot("business-date")
    date_url = page.url
    calendar_url = journey.url("/weiterbildung/?thema=remote_leadership")

    # 5. At 360 px: the calendar and the date page.
    phone = phone_journey.page
    phone.goto(calendar_url)
    phone_journey.check_page()
    phone_journey.screenshot("business-calendar-360")
    phone.goto(date_url)
    phone_journey.check_page()
    phone_journey.screenshot("business-date-360")

"""The platform admin invites a new counter clerk on the staff page; the clerk follows the
e-mail link, sets a password, must set up TOTP before any staff page, then finds their
work area, and cannot switch TOTP off themselves (issue 11, staff accounts).

Codes are computed with pyotp from the secret the page shows (or the demo secret)."""

import re

import pytest
from playwright.sync_api import expect

from digitalstadt.testing.clock import fresh_totp
from digitalstadt.testing.fixtures import find_link
from e2e.conftest import PHONE, Journey
from e2e.test_staff_journey import enter_totp, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLERK = "neu.schalter@darmstadt.example"
CLERK_PASSWORD = "Kranichstein-Schalter-9"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The database cache table survives transactional tests (rate limits, used TOTP codes).
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def main(page):
    return page.locator("main")


def test_admin_invites_a_clerk_who_must_enrol_totp_and_cannot_switch_it_off(journey, browser, live_server,
                                                                            clock, settings):
    from allauth.mfa.models import Authenticator
    from django.core.management import call_command

    from digitalstadt.accounts.management.commands.seed_demo import DEMO_TOTP_SECRET
    from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
    from digitalstadt.core.models import AuditEntry
    from digitalstadt.mailbox.models import OutboundEmail

    settings.SITE_URL = live_server.url  # links in the invitation e-mail
    call_command("seed_demo", verbosity=0)
    page = journey.page

    # The platform admin signs in with TOTP and reaches the staff page by clicking.
    log_in(journey, "admin@digitalstadt.example", next_path="/verwaltung/")
    enter_totp(journey, DEMO_TOTP_SECRET)
    page.wait_for_url(journey.url("/verwaltung/"))
    journey.check_page()
    assert page.get_by_role("link", name="Stammdaten (Django-Admin, nur Superuser)").count() == 0
    page.locator("main").get_by_role("link", name="Mitarbeitende und Rollen").click()
    page.wait_for_url(journey.url("/verwaltung/mitarbeitende/"))
    journey.check_page()
    staff_table = main(page).locator("table")
    expect(staff_table.get_by_text("schalter@digitalstadt.example")).to_be_visible()
    journey.screenshot("staff-admin-list-1280")

    # Invite a new clerk for the counter of the Bürger- und Ordnungsamt.
    main(page).get_by_role("link", name="Person einladen").click()
    page.wait_for_url(journey.url("/verwaltung/mitarbeitende/einladen/"))
    journey.check_page()
    expect(main(page).get_by_text("Was darf welche Rolle?")).to_be_visible()
    form = main(page).locator("form")
    form.get_by_label("Vorname").fill("Nora")
    form.get_by_label("Nachname").fill("Neu")
    form.get_by_label("Dienstliche E-Mail-Adresse").fill("schalter@digitalstadt.example")
    form.get_by_label("Rolle").select_option(label="Schalter / Bürgerbüro")
    form.get_by_label("Amt").select_option(label="Bürger- und Ordnungsamt")
    form.get_by_role("button", name="Anlegen und einladen").click()
    page.wait_for_load_state("load")
    # An address that has an account already: German message, nothing created.
    expect(main(page).get_by_text("gibt es bereits ein Konto").first).to_be_visible()
    assert User.objects.filter(email="schalter@digitalstadt.example").count() == 1
    journey.check_page(snapshot=True)
    journey.screenshot("staff-admin-invite-error-1280")
    form = main(page).locator("form")
    form.get_by_label("Dienstliche E-Mail-Adresse").fill(CLERK)
    form.get_by_role("button", name="Anlegen und einladen").click()
    page.wait_for_url(re.compile(r".*/verwaltung/mitarbeitende/\d+/$"))
    journey.check_page()
    expect(main(page).get_by_text("Schalter / Bürgerbüro – Bürger- und Ordnungsamt")).to_be_visible()
    journey.screenshot("staff-admin-detail-1280")
    clerk = User.objects.get(email=CLERK)
    assert list(StaffRole.objects.filter(user=clerk).values_list("role", flat=True)) == [StaffRoleKind.COUNTER_STAFF]
    assert AuditEntry.objects.filter(action="staff.invited", actor__email="admin@digitalstadt.example").exists()
    page.get_by_role("button", name="Abmelden").first.click()
    page.wait_for_load_state("load")

    # The staff list at 360 px: axe and a screenshot (the table becomes labelled cards).
    admin = User.objects.get(email="admin@digitalstadt.example")
    phone = Journey(browser, live_server.url, PHONE, clock)
    try:
        phone.login_as(admin)
        phone.visit("/verwaltung/mitarbeitende/")
        assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
        expect(phone.page.get_by_text("eingeladen (Link gilt bis")).to_be_visible()
        phone.screenshot("staff-admin-list-360")
    finally:
        phone.close()

    # The clerk follows the link in the e-mail and sets a password.
    mail = OutboundEmail.objects.get(to=CLERK, purpose="accounts:staff_invitation")
    link = find_link(mail.body_text, "/mein-konto/verwaltung-einladung/")
    page.goto(link)
    journey.check_page()
    page.get_by_label("Neues Passwort").fill(CLERK_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(CLERK_PASSWORD)
    main(page).get_by_role("button", name="Passwort festlegen").click()
    page.wait_for_url(re.compile(r".*/konto/login/.*"))
    journey.check_page()
    # The link works once.
    assert page.goto(link).status == 404
    expect(main(page).get_by_text("bereits verwendet")).to_be_visible()

    # First login: no staff page before TOTP is set up.
    log_in(journey, CLERK, CLERK_PASSWORD, next_path="/verwaltung/")
    if "/konto/reauthenticate/" in page.url:  # allauth asks for the password before adding a factor
        page.fill("input[name=password]", CLERK_PASSWORD)
        page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/totp/activate/?$"))
    assert not Authenticator.objects.filter(user=clerk).exists()
    journey.check_page()
    page.reload()  # check_page() loaded the page once more, which started a new secret
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.fill("input[name=code]", fresh_totp(secret))
    page.get_by_role("button", name="Aktivieren").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/recovery-codes/?$"))
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()

    # The clerk's work area on the staff home.
    journey.visit("/verwaltung/")
    expect(page.get_by_role("heading", level=1, name="Verwaltung")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Termine, Tagesplan und Aufruf")).to_be_visible()
    assert page.get_by_role("link", name="Mitarbeitende und Rollen").count() == 0
    assert journey.visit("/verwaltung/mitarbeitende/", check=False).status == 403

    # ... and cannot switch the authenticator app off.
    journey.visit("/mein-konto/")
    main(page).get_by_role("link", name="Zwei-Faktor-Anmeldung").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/$"))
    journey.check_page()
    expect(page.get_by_test_id("totp-locked")).to_be_visible()
    assert main(page).get_by_role("link", name="Deaktivieren").count() == 0
    response = journey.visit("/konto/2fa/totp/deactivate/", check=False)
    assert response.status == 403
    expect(page.get_by_test_id("totp-locked")).to_be_visible()
    assert "Plattform-Administration" in page.get_by_test_id("totp-locked").inner_text()
    journey.check_page()
    journey.screenshot("staff-totp-locked-1280")
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()

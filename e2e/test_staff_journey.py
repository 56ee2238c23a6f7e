"""Staff journeys: mandatory TOTP two-factor authentication and staff-only pages.

Codes are computed with pyotp from the secret shown on the page (or the documented demo
secret); allauth's bypass code is never used.
"""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from digitalstadt.testing.clock import fresh_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Darmstadt-Demo-2026"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The database cache table survives between transactional tests (rate limits and
    # allauth's used-TOTP-code memory would leak from one test into the next).
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()



def log_in(journey, email: str, password: str = PASSWORD, *, next_path: str = "") -> None:
    page = journey.page
    journey.visit("/konto/login/" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_load_state("load")
    journey.check_page()


def enter_totp(journey, secret: str) -> None:
    page = journey.page
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/.*"))
    journey.check_page()
    page.fill("input[name=code]", fresh_totp(secret))
    page.locator("form").filter(has=page.locator("input[name=code]")).get_by_role("button").first.click()
    page.wait_for_load_state("load")


def test_staff_without_totp_must_enrol_before_the_staff_area(journey):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User

    user = User.objects.create_user(email="neu.sachbearbeitung@darmstadt.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    StaffRole.objects.create(user=user, role=StaffRoleKind.CASE_WORKER)

    log_in(journey, user.email)
    journey.visit("/verwaltung/", check=False)
    page = journey.page
    # allauth asks for the password once more before a second factor is added.
    page.wait_for_url(re.compile(r".*/konto/reauthenticate/.*"))
    journey.check_page()
    expect(page.get_by_text("Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein")).to_be_visible()
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/totp/activate/?$"))
    journey.check_page()

    # The QR code is inline SVG with an accessible name: no data: image, no CSP exception.
    qr = page.locator(".totp-qr svg[role=img]")
    expect(qr).to_be_visible()
    assert qr.get_attribute("aria-label") == "QR-Code zum Einrichten der Authenticator-App"
    assert page.locator("img[src^='data:']").count() == 0
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    journey.screenshot("staff-totp-activation-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"activation page scrolls horizontally on a phone ({width}px)"
    journey.screenshot("staff-totp-activation-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    # check_page() loads the page a second time (axe-core, same session), and every GET
    # of the activation page starts a new secret: reload to show the current one.
    page.reload()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)

    # A wrong code: clear German error, nothing activated.
    right = pyotp.TOTP(secret)
    wrong = next(c for c in ("000000", "111111", "222222")
                 if not right.verify(c, valid_window=1))
    page.fill("input[name=code]", wrong)
    page.get_by_role("button", name="Aktivieren").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Falscher Code")).to_be_visible()
    expect(page.get_by_text("Die Zwei-Faktor-Anmeldung wurde nicht eingerichtet")).to_be_visible()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    assert page.get_by_test_id("totp-secret").inner_text().replace(" ", "") == secret  # same secret after the error
    assert not Authenticator.objects.filter(user=user).exists()
    journey.check_page(snapshot=True)
    page.goto(journey.url("/konto/2fa/totp/activate/"))
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")

    # The right code: activated, recovery codes shown, then the staff area opens.
    page.fill("input[name=code]", fresh_totp(secret))
    page.get_by_role("button", name="Aktivieren").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/recovery-codes/?$"))
    journey.check_page()
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 5
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    journey.visit("/verwaltung/")
    expect(page.get_by_role("heading", level=1, name="Verwaltung")).to_be_visible()
    expect(page.get_by_text("Sachbearbeitung").first).to_be_visible()


@pytest.fixture
def e2e_marker_action():
    """A throw-away audit action: audit_log() refuses keys outside the catalogue."""
    from digitalstadt.core.registry import AuditAction, audit_actions

    audit_actions.register(AuditAction("e2e.marker", "E2E-Markierung"))
    yield "e2e.marker"
    audit_actions.unregister("e2e.marker")


def test_demo_staff_log_in_with_totp_and_see_only_their_pages(journey, e2e_marker_action):
    from django.core.management import call_command

    from digitalstadt.accounts.management.commands.seed_demo import DEMO_TOTP_SECRET
    from digitalstadt.core.audit import audit_log

    call_command("seed_demo", verbosity=0)
    audit_log(actor=None, system="e2e", action=e2e_marker_action)
    page = journey.page

    # Platform admin: password, then a real TOTP code, then the staff home.
    log_in(journey, "admin@digitalstadt.example", next_path="/verwaltung/")
    enter_totp(journey, DEMO_TOTP_SECRET)
    page.wait_for_url(journey.url("/verwaltung/"))
    journey.check_page()
    expect(page.get_by_role("heading", level=1, name="Verwaltung")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Protokoll (Audit-Log)")).to_be_visible()
    journey.screenshot("staff-home-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    journey.screenshot("staff-home-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("main").get_by_role("link", name="Protokoll (Audit-Log)").click()
    page.wait_for_url(journey.url("/verwaltung/protokoll/"))
    journey.check_page()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    expect(page.locator("table").get_by_text("e2e.marker")).to_be_visible()
    journey.screenshot("audit-log-1280")

    # The Django admin opens for the MFA-verified platform admin.
    response = journey.visit("/admin/")
    assert response.status == 200
    assert "/admin/" in page.url and "login" not in page.url

    page.get_by_role("button", name="Abmelden").first.click()
    page.wait_for_load_state("load")
    journey.check_page()

    # A case worker (not a platform admin) gets 403 on the audit log.
    log_in(journey, "sachbearbeitung@digitalstadt.example", next_path="/verwaltung/")
    enter_totp(journey, DEMO_TOTP_SECRET)
    page.wait_for_url(journey.url("/verwaltung/"))
    journey.check_page()
    assert page.get_by_role("link", name="Protokoll (Audit-Log)").count() == 0
    # ... and finds the work areas the apps registered for the role.
    expect(page.locator("main").get_by_role("link", name="Vorgänge (Online-Anträge)")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Zahlungen und Kontoauszüge")).to_be_visible()
    assert page.get_by_role("link", name="Termine, Tagesplan und Aufruf").count() == 0
    response = journey.visit("/verwaltung/protokoll/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="Kein Zugriff")).to_be_visible()
    page.get_by_role("button", name="Abmelden").first.click()
    page.wait_for_load_state("load")
    journey.check_page()

    # Counter staff find the day plan from the staff home, by clicking.
    log_in(journey, "schalter@digitalstadt.example", next_path="/verwaltung/")
    enter_totp(journey, DEMO_TOTP_SECRET)
    page.wait_for_url(journey.url("/verwaltung/"))
    journey.check_page()
    assert page.get_by_role("link", name="Vorgänge (Online-Anträge)").count() == 0
    journey.screenshot("staff-home-counter-1280")
    page.locator("main").get_by_role("link", name="Termine, Tagesplan und Aufruf").click()
    page.wait_for_url(journey.url("/verwaltung/termine/"))
    journey.check_page()
    page.get_by_role("button", name="Abmelden").first.click()
    page.wait_for_load_state("load")
    journey.check_page()

    # A citizen gets 403 on the staff area (no MFA prompt: citizens are not staff).
    log_in(journey, "buerger@digitalstadt.example")
    assert page.url == journey.url("/mein-konto/")
    response = journey.visit("/verwaltung/")
    assert response.status == 403
    response = journey.visit("/verwaltung/protokoll/")
    assert response.status == 403

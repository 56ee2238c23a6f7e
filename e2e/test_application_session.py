"""A long form on a phone: the session warning appears before the session ends, "stay
signed in" renews it, and after expiry the saved steps are still there."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.models import Organisation, User
from digitalstadt.applications.models import Application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def citizen():
    from digitalstadt.catalog.demo import seed as seed_catalog
    from digitalstadt.register.demo import seed as seed_register

    Organisation.objects.create(slug="buergeramt", name="Bürger- und Ordnungsamt", kind="office")
    seed_catalog()
    seed_register()
    return User.objects.create_user("berta@example.org", "Sicher-genug-2026", first_name="Berta",
                                    last_name="Bürger", assurance_level="email")


def _start_sperrmuell(journey):
    journey.visit("/antraege/neu/sperrmuell/")
    journey.page.get_by_role("button", name="Antrag starten").click()
    page = journey.page
    page.get_by_label("Straße").fill("Heinheimer Straße")
    page.get_by_label("Hausnummer").fill("20")
    page.get_by_label("Postleitzahl").fill("64289")
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_text("Ihr Stadtteil").wait_for()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # The warning's timers start when its deferred script has run: only then let time pass.
    page.wait_for_load_state("load")


def test_warning_before_the_session_ends_and_stay_signed_in(phone_journey, citizen, settings, clock):
    """An hour of inactivity ends the session; five minutes before, the form warns. The
    clock (server and browser alike) moves on instead of the test waiting."""
    settings.SESSION_COOKIE_AGE = 3600
    settings.SESSION_WARNING_SECONDS = 300
    phone_journey.login_as(citizen)
    _start_sperrmuell(phone_journey)
    page = phone_journey.page
    warning = page.locator("#session-warning")
    clock.shift(timedelta(minutes=54))
    expect(warning).to_be_hidden()
    clock.shift(timedelta(minutes=1, seconds=5))
    warning.get_by_text("Ihre Sitzung endet in wenigen Minuten.").wait_for()
    # It is in the viewport (fixed, not above it) and its button has the focus.
    stay = warning.get_by_role("button", name="Angemeldet bleiben")
    expect(stay).to_be_focused()
    expect(warning).to_be_in_viewport()
    phone_journey.check_page(snapshot=True)
    phone_journey.screenshot("application-session-warning-360")
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()  # (no wait_for_function: CSP forbids eval)
    # Focus returns to the form, not to the page body.
    assert page.evaluate("document.activeElement !== document.body")
    # The renewed session is still valid after the original end.
    clock.shift(timedelta(minutes=10))
    expect(warning).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Was wird abgeholt?")).to_be_visible()
    assert "/konto/login/" not in page.url


def test_after_expiry_the_saved_steps_are_kept(journey, citizen, settings, clock):
    settings.SESSION_COOKIE_AGE = 3600
    settings.SESSION_WARNING_SECONDS = 300
    journey.login_as(citizen)
    _start_sperrmuell(journey)
    page = journey.page
    clock.shift(timedelta(minutes=61))
    page.locator("#session-warning").get_by_text("Ihre Sitzung ist abgelaufen.").wait_for()
    page.reload()
    assert "/konto/login/" in page.url
    draft = Application.objects.get(applicant=citizen)
    assert draft.data["adresse"]["street"] == "Heinheimer Straße" and "adresse" in draft.completed_steps

"""Keyboard only, no mouse: a citizen books an appointment from the home page with Tab,
Space and Enter. On the way the 10-minute hold warns two minutes before it runs out and
takes focus; "Reservierung verlängern" extends it and puts focus back where the citizen
was typing; a wrong e-mail address is announced in a focused error summary whose link
leads into the field. Every focused element shows a visible focus indicator.
"""

from __future__ import annotations

import re
import datetime as dt
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digitalstadt.appointments.models import Booking, BookingStatus
from digitalstadt.testing.fixtures import find_link

from .test_booking_journey import EMAIL, main, offices  # noqa: F401  (fixture)
from .test_online_services_citizen import city  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """async () => {
  const e = document.activeElement;
  if (!e || e === document.body) return {name: "", tag: "body", visible: false};
  // The focus style may fade in (KERN: transition all): judge it once it has settled.
  await Promise.all(e.getAnimations().map((a) => a.finished.catch(() => null)));
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const label = (e.labels && e.labels[0] && e.labels[0].innerText) || "";
  const name = (e.getAttribute("aria-label") || label || e.innerText || e.value || "").trim().replace(/\\s+/g, " ");
  const s = getComputedStyle(e);
  const outlined = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  const shadowed = s.boxShadow && s.boxShadow !== "none";
  return {name, tag: e.tagName.toLowerCase(), id: e.id, visible: outlined || shadowed,
          style: [s.outlineStyle, s.outlineWidth, e.matches(":focus"), e.matches(":focus-visible"), document.hasFocus(), document.visibilityState]};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, pattern: str, *, limit: int = 80) -> dict:
    """Press Tab until the focused element's name matches; each stop must show focus."""
    wanted = re.compile(pattern)
    seen = []
    page.bring_to_front()  # axe ran in the other context's page: give this window the focus back
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        seen.append(info["name"][:40])
        if info["tag"] != "body" and not info["visible"]:
            try:  # give the focus style a moment to settle before calling it missing
                page.wait_for_function("() => document.activeElement.matches(':focus')", timeout=2000)
                info = focused(page)
            except Exception:
                pass
        if info["tag"] != "body" and not info["visible"]:
            page.screenshot(path="/tmp/nofocus.png")
            raise AssertionError(f"no visible focus on {info}")
        if wanted.search(info["name"]):
            return info
    raise AssertionError(f"Tab never reached {pattern!r}; passed {seen}")


def enter_and_wait(page, url_glob: str, key: str = "Enter", **kwargs) -> None:
    with page.expect_navigation(url=url_glob, **kwargs):
        page.keyboard.press(key)


def test_booking_by_keyboard_with_the_hold_extended_and_an_error_announced(journey, offices, smtp_server,  # noqa: F811
                                                                          deliver_mail):
    page = journey.page
    journey.visit("/")
    tab_to(page, r"^Termin im Bürgerbüro buchen$")
    enter_and_wait(page, "**/termine/")
    journey.check_page()

    tab_to(page, r"^Personalausweis beantragen$")
    page.keyboard.press("Space")
    expect(main(page).get_by_role("checkbox", name="Personalausweis beantragen")).to_be_checked()
    tab_to(page, r"^Freie Termine anzeigen$")
    enter_and_wait(page, "**/termine/standorte/?*")
    journey.check_page()

    tab_to(page, r"^Zeit wählen – Bürger- und Ordnungsamt \(Luisencenter\)$")
    enter_and_wait(page, "**/termine/standorte/luisencenter/?*")
    journey.check_page()
    tab_to(page, r"^\d\d:\d\d$")  # the first free time: a radio button
    page.keyboard.press("Space")
    value = page.evaluate("document.activeElement.value")
    tab_to(page, r"^Termin reservieren$")
    enter_and_wait(page, "**/termine/reservierung/*/", timeout=60_000)
    journey.check_page()
    booking = Booking.objects.get(code=page.url.rstrip("/").split("/")[-1])
    assert booking.status == BookingStatus.HELD and booking.starts_at == datetime.fromisoformat(value)
    first_expiry = booking.expires_at

    tab_to(page, r"^Vor- und Nachname")
    page.keyboard.type("Mira Schneider")
    tab_to(page, r"^E-Mail-Adresse")
    page.keyboard.type("mira.schneider@")

    # Eight minutes later the warning appears and takes focus; Enter extends the hold.
    journey.clock.shift(dt.timedelta(minutes=8, seconds=1))  # server and browser alike
    warning = page.locator("#session-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Ihre Reservierung läuft in zwei Minuten ab.")
    assert focused(page)["name"] == "Reservierung verlängern" and focused(page)["visible"]
    journey.screenshot("keyboard-1-hold-warning-1280")
    journey.check_page()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    expect(page.get_by_label("E-Mail-Adresse")).to_be_focused()  # back where the citizen was typing
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("mira.schneider@")
    booking.refresh_from_db()
    assert booking.expires_at >= first_expiry + dt.timedelta(minutes=8)
    until = timezone.localtime(booking.expires_at).strftime("%H:%M")
    expect(page.locator("[data-hold-until]")).to_have_text(until)  # the page tells the new time

    # Enter sends the form; the wrong address is announced and linked.
    enter_and_wait(page, "**/termine/reservierung/*/")
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    journey.check_page()
    tab_to(page, r"^E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse ein")
    page.keyboard.press("Enter")
    email = page.get_by_label("E-Mail-Adresse")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    journey.screenshot("keyboard-2-error-summary-1280")
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Mira Schneider")  # nothing lost
    page.keyboard.press("Control+A")
    page.keyboard.type(EMAIL)
    enter_and_wait(page, "**/gesendet/")
    journey.check_page()

    deliver_mail()
    link = find_link([m for m in smtp_server.messages if EMAIL in m["to"]][-1]["body"], "/termine/buchung/")
    page.goto(link)
    tab_to(page, r"^Termin bestätigen$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Termin ist bestätigt")
    journey.check_page()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.email == EMAIL


def test_an_application_by_keyboard_with_the_error_announced_and_linked(journey, city):  # noqa: F811
    from digitalstadt.accounts.models import AssuranceLevel
    from digitalstadt.applications.models import Case, CaseStatus

    from .test_online_services_citizen import make_citizen

    emil = make_citizen("emil.tasten@example.org", level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-emil",
                        first="Emil", last="Eid")
    journey.login_as(emil)
    page = journey.page
    journey.visit("/")
    tab_to(page, r"^Was möchten Sie erledigen\?")
    page.keyboard.type("Meldebescheinigung")
    enter_and_wait(page, "**/leistungen/?q=*")
    journey.check_page()
    tab_to(page, r"^Meldebescheinigung$")
    enter_and_wait(page, "**/leistungen/meldebescheinigung/")
    journey.check_page()
    tab_to(page, r"^Online beantragen$")
    enter_and_wait(page, "**/antraege/neu/meldebescheinigung/")
    tab_to(page, r"^Antrag starten$")
    enter_and_wait(page, "**/antraege/entwurf/*/*/")
    journey.check_page()
    tab_to(page, r"^Zweck der Bescheinigung")
    page.keyboard.type("Vorlage beim Arbeitgeber")
    tab_to(page, r"^Weiter$")
    enter_and_wait(page, "**/pruefen/")
    journey.check_page()

    # Sent without the confirmation: the summary takes focus and links to the checkbox.
    tab_to(page, r"^Verbindlich absenden$")
    enter_and_wait(page, "**/pruefen/")
    expect(page.locator("#form-errors")).to_be_focused()
    journey.check_page()
    assert not Case.objects.exists()
    tab_to(page, r"Bitte bestätigen Sie, dass Ihre Angaben richtig sind")
    page.keyboard.press("Enter")
    checkbox = page.get_by_label("Ich versichere, dass meine Angaben vollständig und richtig sind.")
    expect(checkbox).to_be_focused()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    tab_to(page, r"^Verbindlich absenden$")
    enter_and_wait(page, "**/antraege/vorgang/*/")
    journey.check_page()
    assert Case.objects.get(applicant=emil).status == CaseStatus.AWAITING_PAYMENT
    tab_to(page, r"^Jetzt bezahlen$")
    enter_and_wait(page, "**/zahlungen/*/")
    tab_to(page, r"^Jetzt online mit Kreditkarte oder giropay bezahlen$")
    enter_and_wait(page, "**/psp-simulator/?*")
    journey.check_page()
    tab_to(page, r"^10,00 € bezahlen$")
    enter_and_wait(page, "**/zahlungen/*/")
    expect(page.get_by_text("Vielen Dank, die Zahlung ist eingegangen.")).to_be_visible()

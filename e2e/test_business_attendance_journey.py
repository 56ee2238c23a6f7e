"""A partner's organiser runs a webinar date: opens the participant list from the home
page, checks one participant in by the button, one by typing the ticket code and one by
the camera (Chromium's fake camera showing the ticket's QR code, decoded by jsQR);
after the date issues the certificates. A participant opens the Postfach, downloads the
sealed certificate and gives feedback; the organiser sees no results below five
answers. The ticket and the check-in page at 360 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from digitalstadt.business.attendance_services import code_display, qr_payload, registration_ticket_code
from digitalstadt.business.models import EventFeedback, Registration
from digitalstadt.business.tests.attend_factories import (
    PASSWORD, make_company, make_date, make_partner, make_participant, make_registration, make_series,
)
from digitalstadt.core.signing import Verdict, validate_pdf

from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Journey
from .test_citizen_journey import header, main
from .test_shop_orders_journey import _qr_video

pytestmark = pytest.mark.django_db(transaction=True)


def _world(clock):
    partner, manager = make_partner(slug="house-of-it", name="House of IT", manager_email="orga@houseofit.example")
    series = make_series(organiser=partner, title="Führen auf Distanz kompakt")
    event_date = make_date(series=series, starts_at=clock.now() + dt.timedelta(minutes=20), hours=1.5)
    company = make_company(name="Schreinerei Holz")
    people = [make_participant(first_name=first, last_name=last, email=email, company=company)
              for first, last, email in (("Anna", "Arndt", "anna@holz.example"), ("Paula", "Pohl", "paula@holz.example"),
                                         ("Carl", "Camera", "carl@holz.example"))]
    registrations = [make_registration(event_date=event_date, participant=p, company=company) for p in people]
    return manager, event_date, registrations


def _log_in(journey, email):
    page = journey.page
    header(page).get_by_role("link", name="Anmelden").click()
    page.wait_for_url("**/konto/login/**")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    main(page).get_by_role("button", name="Anmeldung").click()


def _open_list(journey, event_date):
    page = journey.page
    header(page).get_by_role("link", name="Mein Konto").click()
    main(page).get_by_role("link", name="House of IT").first.click()
    main(page).get_by_role("link", name="Anwesenheit und Bescheinigungen").click()
    journey.check_page()
    main(page).get_by_role("link", name="Führen auf Distanz kompakt").click()
    expect(page.get_by_role("heading", name="Teilnehmende")).to_be_visible()
    journey.check_page()


def test_organiser_checks_in_issues_certificates_and_participant_gives_feedback(
        browser, journey, live_server, clock, settings, tmp_path):
    settings.SITE_URL = live_server.url  # links in Postfach messages
    manager, event_date, (anna, paula, carl) = _world(clock)
    page = journey.page

    # The organiser, from the home page to the date's participant list.
    journey.visit("/")
    _log_in(journey, manager.email)
    _open_list(journey, event_date)
    journey.screenshot("business-attendance-list-1280")

    # By the button.
    main(page).get_by_role("button", name="Anna Arndt einchecken").click()
    expect(page.get_by_text("Anna Arndt ist eingecheckt.")).to_be_visible()
    journey.check_page()

    # By typing Paula's ticket code (a wrong one first).
    paula_code = registration_ticket_code(registration=paula)
    main(page).get_by_role("link", name="Ticketcode scannen oder eingeben").click()
    journey.check_page()
    page.get_by_label("Ticketcode").fill("ABCD-EFGH-JKLM")
    main(page).get_by_role("button", name="Einchecken").click()
    expect(page.get_by_text("Zu diesem Code gibt es kein Ticket.")).to_be_visible()
    journey.check_page(snapshot=True)
    page.get_by_label("Ticketcode").fill(code_display(paula_code).lower())
    main(page).get_by_role("button", name="Einchecken").click()
    expect(page.get_by_text("Paula Pohl ist eingecheckt.")).to_be_visible()
    journey.screenshot("business-attendance-scan-1280")
    page.get_by_label("Ticketcode").fill(paula_code)
    main(page).get_by_role("button", name="Einchecken").click()
    expect(page.get_by_text("Paula Pohl ist bereits eingecheckt")).to_be_visible()
    journey.check_page()

    # By the camera: another browser whose fake camera shows Carl's ticket QR code.
    carl_code = registration_ticket_code(registration=carl)
    video = _qr_video(qr_payload(carl_code), tmp_path / "ticket.y4m")
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    camera = Journey(camera_browser, live_server.url, DESKTOP, clock)
    try:
        camera.context.grant_permissions(["camera"], origin=live_server.url)
        camera.visit("/")
        _log_in(camera, manager.email)
        _open_list(camera, event_date)
        main(camera.page).get_by_role("link", name="Ticketcode scannen oder eingeben").click()
        camera.page.get_by_role("button", name="Kamera starten").click()
        expect(camera.page.get_by_text("Carl Camera ist eingecheckt.")).to_be_visible(timeout=15000)
        camera.check_page()
    finally:
        camera.close()
        camera_browser.close()
    assert Registration.objects.filter(event_date=event_date, checked_in_at__isnull=False).count() == 3

    # After the date: certificates for all three (the session timed out meanwhile).
    clock.move_to(event_date.ends_at + dt.timedelta(minutes=15))
    journey.visit("/", check=False)
    _log_in(journey, manager.email)
    _open_list(journey, event_date)
    # Sealing three PDFs takes a while on a slow CI machine.
    main(page).get_by_role("button", name="Bescheinigungen an alle Eingecheckten ausstellen").click(
        no_wait_after=True)
    expect(page.get_by_text("3 Teilnahmebescheinigungen ausgestellt")).to_be_visible(timeout=120000)
    journey.check_page()
    main(page).get_by_role("button", name="Bescheinigungen an alle Eingecheckten ausstellen").click()
    expect(page.get_by_text("Alle Eingecheckten haben ihre Bescheinigung bereits.")).to_be_visible()

    # Paula: Postfach, the certificate, the feedback form (with a mistake first).
    participant = Journey(browser, live_server.url, DESKTOP, clock)
    ppage = participant.page
    try:
        participant.visit("/")
        _log_in(participant, paula.email)
        header(ppage).get_by_role("link", name="Postfach").click()
        main(ppage).get_by_role("link", name="Ihre Teilnahmebescheinigung: Führen auf Distanz kompakt").click()
        participant.check_page()
        link = main(ppage).get_by_role("link", name="Teilnahmebescheinigung Führen auf Distanz kompakt")
        pdf = participant.context.request.get(participant.url(link.get_attribute("href")))
        assert pdf.headers["content-type"] == "application/pdf"
        assert validate_pdf(pdf.body()).verdict is Verdict.VALID
        main(ppage).get_by_role("link", name="/rueckmeldung/").click()
        expect(ppage.get_by_role("heading", name="Ihre Rückmeldung")).to_be_visible()
        participant.check_page()
        ppage.get_by_role("group", name="Wie war die Veranstaltung insgesamt?").get_by_label("4").check()
        main(ppage).get_by_role("button", name="Rückmeldung senden").click()
        expect(ppage.get_by_text("Bitte prüfen Sie Ihre Angaben.")).to_be_visible()
        participant.check_page(snapshot=True)
        ppage.get_by_role("group", name="Wie nützlich").get_by_label("5").check()
        ppage.get_by_role("group", name="weiterempfehlen").get_by_label("ja").check()
        ppage.get_by_label("Anmerkungen (freiwillig)").fill("Sehr praxisnah.")
        main(ppage).get_by_role("button", name="Rückmeldung senden").click()
        expect(ppage.get_by_text("Vielen Dank für Ihre Rückmeldung!")).to_be_visible()
        expect(main(ppage).get_by_role("link", name="Teilnahmebescheinigung herunterladen (PDF, gesiegelt)")
               ).to_be_visible()
        participant.check_page()
        participant.screenshot("business-ticket-after-1280")
    finally:
        participant.close()
    feedback = EventFeedback.objects.get()
    assert (feedback.overall, feedback.usefulness, feedback.would_recommend) == (4, 5, True)

    # The organiser: one answer is not enough for results.
    main(page).get_by_role("link", name="Rückmeldungen ansehen").click()
    expect(page.get_by_text("Ergebnisse ab 5 Rückmeldungen")).to_be_visible()
    expect(page.get_by_text("Sehr praxisnah.")).to_have_count(0)
    journey.check_page()


def test_ticket_and_check_in_page_at_360_px(phone_journey, clock):
    manager, event_date, (anna, _paula, _carl) = _world(clock)
    phone_journey.login_as(anna.participant)
    phone_journey.visit(f"/weiterbildung/tickets/{anna.pk}/")
    expect(phone_journey.page.locator("[data-ticket-code]")).to_be_visible()
    overflow = phone_journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the ticket page scrolls sideways by {overflow}px"
    phone_journey.screenshot("business-ticket-360")
    phone_journey.context.clear_cookies()
    phone_journey.login_as(manager)
    phone_journey.visit(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/code/")
    expect(phone_journey.page.get_by_role("button", name="Kamera starten")).to_be_visible()
    overflow = phone_journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the check-in page scrolls sideways by {overflow}px"
    phone_journey.screenshot("business-attendance-scan-360")
    phone_journey.visit(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/")
    phone_journey.screenshot("business-attendance-list-360")

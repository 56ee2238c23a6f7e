"""A company owner registers two employees for a webinar with one free seat: one is
confirmed, one goes on the waiting list. The owner cancels the confirmed one from the
company's overview; the waiting employee is offered the seat by e-mail (real worker,
real SMTP), follows the link and claims it. At 360 px the registration panel and
"my registrations" pass axe and are screenshotted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digitalstadt.business.models import Registration, RegistrationStatus
from digitalstadt.business.tests.factories import make_company, make_date, make_series
from digitalstadt.testing.fixtures import find_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def main(page):
    return page.locator("main")


def test_owner_registers_two_employees_and_the_waiting_one_claims_the_freed_seat(journey, smtp_server,
                                                                                  deliver_mail):
    series = make_series(title="Online-Einarbeitung neuer Mitarbeitender")
    date = make_date(series, seats=1, days_ahead=6)
    company, owner, (eva, finn) = make_company(employees=2, name="Schreinerei Heller")
    page = journey.page
    journey.login_as(owner)

    journey.visit(f"/weiterbildung/termin/{date.pk}/anmelden/")
    expect(main(page).get_by_text("Noch 1 Platz frei.")).to_be_visible()
    journey.screenshot("business-registration-register")
    main(page).get_by_label(eva.get_full_name()).check()
    main(page).get_by_label(finn.get_full_name()).check()
    main(page).get_by_role("button", name="Ausgewählte anmelden").click()
    expect(page.get_by_text(f"{eva.get_full_name()} ist angemeldet.")).to_be_visible()
    expect(page.get_by_text(f"Der Termin ist ausgebucht: {finn.get_full_name()} steht auf der Warteliste."))\
        .to_be_visible()
    journey.check_page()
    journey.screenshot("business-registration-company")
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]

    # Eva cannot come: the owner cancels her registration on the company's overview.
    main(page).get_by_role("button", name=f"Stornieren: {eva.get_full_name()}").click()
    expect(page.get_by_text(f"Die Anmeldung von {eva.get_full_name()} ist storniert.")).to_be_visible()
    journey.check_page()

    deliver_mail()
    offer_mail = next(m for m in smtp_server.messages
                      if m["to"] == [finn.email] and m["subject"].startswith("Ein Platz ist frei"))
    link = find_link(offer_mail["body"], "/platz/")
    journey.context.clear_cookies()
    journey.login_as(finn)
    page.goto(journey.base_url + link.split("testserver", 1)[1])
    journey.check_page()
    expect(main(page).get_by_role("heading", name="Ein Platz ist frei geworden")).to_be_visible()
    main(page).get_by_role("button", name="Platz annehmen").click()
    expect(page.get_by_text(f"{finn.get_full_name()} ist angemeldet.")).to_be_visible()
    expect(main(page).get_by_text("angemeldet", exact=True)).to_be_visible()
    journey.check_page()
    journey.screenshot("business-registration-mine")
    expect(main(page).get_by_role("link", name=re.compile("In den Kalender"))).to_have_attribute(
        "href", re.compile(r"kalender\.ics$"))
    assert Registration.objects.get(participant=finn).status == RegistrationStatus.CONFIRMED


def test_phone_registration_panel_and_my_registrations(phone_journey):
    date = make_date(make_series(title="Zusammenhalt im Team auf Distanz"), seats=3)
    company, owner, _staff = make_company(employees=1, name="Café Rosenhöhe")
    phone_journey.login_as(owner)
    page = phone_journey.page
    phone_journey.visit(f"/weiterbildung/termin/{date.pk}/anmelden/")
    phone_journey.screenshot("business-registration-panel-phone")
    main(page).get_by_role("button", name="Mich anmelden").click()
    expect(page.get_by_text("ist angemeldet.")).to_be_visible()
    phone_journey.check_page()
    phone_journey.screenshot("business-registration-mine-phone")

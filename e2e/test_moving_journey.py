"""Moving house within Darmstadt, fully online. The landlord finds the online
Wohnungsgeberbestätigung on the Bürgeramt page, confirms the move-in and gets a code;
the citizen with eID finds the Ummeldung in the catalogue, enters the new address, the
daughter who moves along and the code, and submits. The move is registered
automatically, the case page turns to "decided" by itself, and "Was Ihr Umzug noch
betrifft" offers the resident parking permit for the new zone, the ID card sticker by
appointment, bulky waste and a new Meldebescheinigung, all with the new address.
"""

from __future__ import annotations

import re

import pytest
from django.utils import formats
from playwright.sync_api import expect

from digitalstadt.accounts.models import AssuranceLevel
from digitalstadt.applications.models import CaseStatus
from digitalstadt.register.models import LandlordConfirmation, Resident

from e2e.conftest import poll_until

from .test_online_services_citizen import (  # noqa: F401  (fixtures)
    assert_sealed,
    city,
    fetch_pdf,
    main,
    make_citizen,
    narrow_enough,
    press,
    submit,
    subline,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_landlord_confirms_and_the_tenant_moves_online(journey, phone_journey, city, deliver_mail):  # noqa: F811
    from digitalstadt.appointments.demo import seed as seed_appointments

    seed_appointments()
    moved_in = journey.clock.today()
    day = moved_in.strftime("%d.%m.%Y")

    # The landlord, signed in with an ordinary account, from the Bürgeramt page.
    landlord = make_citizen("vermieter@example.org", first="Karin", last="Kranich",
                            level=AssuranceLevel.EID_SUBSTANTIAL, eid_subject="demo-eid-karin")
    journey.login_as(landlord)
    page = journey.page
    journey.visit("/")
    main(page).get_by_role("link", name="Digitales Bürgeramt").click()
    main(page).get_by_role("link", name="Wohnungsgeberbestätigung online abgeben").click()
    page.wait_for_url("**/wohnungsgeberbestaetigung/")
    journey.check_page()
    press(page, "Einzug bestätigen und Code erhalten")  # empty: announced, linked, nothing saved
    expect(page.locator("#form-errors")).to_be_focused()
    journey.check_page()
    assert not LandlordConfirmation.objects.exists()
    expect(page.get_by_label("Ihr Name oder Firmenname (Wohnungsgeber)")).to_have_value("Karin Kranich")
    page.get_by_label("Ihre Anschrift").fill("Rheinstraße 1, 64283 Darmstadt")
    main(page).get_by_text("Ja", exact=True).click()
    page.get_by_label("Straße der Wohnung").fill("Liebigstraße")
    page.get_by_label("Hausnummer").fill("14")
    page.get_by_label("Postleitzahl").fill("64293")
    page.get_by_label(re.compile("^Lage der Wohnung")).fill("2. OG")
    page.get_by_label(re.compile("^Tag des Einzugs")).fill(day)
    page.get_by_label(re.compile("^Wer zieht ein")).fill("Emil Eid\nMia Eid")
    page.get_by_label(re.compile("^Ich bestätige den Einzug")).check()
    press(page, "Einzug bestätigen und Code erhalten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Code für die Anmeldung")
    journey.check_page()
    code = main(page).locator(".landlord-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    journey.screenshot("moving-1-landlord-code-1280")
    journey.context.clear_cookies()

    # The tenant with eID finds the service in the catalogue.
    emil = make_citizen("emil.umzug@example.org", level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-emil",
                        first="Emil", last="Eid")
    journey.login_as(emil)
    journey.visit("/")
    page.get_by_label("Was möchten Sie erledigen?").fill("Umzug")
    page.get_by_label("Was möchten Sie erledigen?").press("Enter")
    page.wait_for_url("**/leistungen/?q=*")
    main(page).locator("a[href='/leistungen/ummeldung/']").first.click()
    page.wait_for_url("**/leistungen/ummeldung/")
    journey.check_page()
    main(page).get_by_role("link", name="Online beantragen").click()
    page.wait_for_url("**/antraege/neu/ummeldung/")
    journey.check_page()
    main(page).get_by_role("button", name="Antrag starten").click()
    page.wait_for_url("**/antraege/entwurf/*/*/")
    journey.check_page()
    expect(main(page)).to_contain_text("Heinheimer Straße 20")  # the old address, from the register
    page.get_by_label("Straße").fill("Liebigstraße")
    page.get_by_label("Hausnummer").fill("14")
    page.get_by_label("Postleitzahl").fill("64293")
    page.get_by_label(re.compile("^Lage der Wohnung")).fill("2. OG")
    page.get_by_label(re.compile("^Tag des Einzugs")).fill(day)
    press(page, "Weiter")
    journey.check_page()
    main(page).get_by_label(re.compile("^Mia Eid")).check()
    press(page, "Weiter")
    journey.check_page()
    main(page).get_by_text("Mein Wohnungsgeber hat online bestätigt: Ich habe einen Code").click()
    page.get_by_label(re.compile("^Code des Wohnungsgebers")).fill("ZZZZZ-99999")
    press(page, "Weiter")
    expect(main(page)).to_contain_text("Diesen Code kennen wir nicht.")
    journey.check_page(snapshot=True)
    page.get_by_label(re.compile("^Code des Wohnungsgebers")).fill(code.lower().replace("-", " "))
    press(page, "Weiter")
    # With the code there is nothing to upload: straight on to the summary.
    page.wait_for_url("**/pruefen/")
    expect(page.locator("nav.app-progress")).not_to_contain_text("Nachweise")
    journey.check_page()
    expect(main(page)).to_contain_text("Liebigstraße")
    expect(main(page)).to_contain_text("Mia Eid")
    case = submit(journey)
    assert case.status == CaseStatus.RECEIVED

    # The worker registers the move; the open case page updates itself.
    deliver_mail()
    poll_until(page, subline(page), "entschieden: bewilligt",
               advance=lambda: journey.clock.shift(__import__("datetime").timedelta(seconds=6)))
    journey.check_page()
    assert Resident.objects.get(given_names="Mia", family_name="Eid").street.name == "Liebigstraße"
    assert_sealed(fetch_pdf(journey, main(page).get_by_role("link", name="Meldebestätigung (PDF)")))
    main(page).get_by_role("link", name="Was Ihr Umzug noch betrifft").click()
    page.wait_for_url("**/nach-dem-umzug/")
    journey.check_page()
    expect(main(page)).to_contain_text(f"Seit dem {formats.date_format(moved_in, 'DATE_FORMAT')}")
    expect(main(page)).to_contain_text("Bewohnerparkausweis für Zone JO")
    expect(main(page)).to_contain_text("Neue Anschrift im Personalausweis")
    journey.screenshot("moving-2-after-move-1280")

    # The parking permit starts with the new address already there.
    main(page).get_by_role("link", name="Bewohnerparkausweis beantragen").click()
    page.wait_for_url("**/antraege/neu/bewohnerparkausweis/")
    main(page).get_by_role("button", name="Antrag starten").click()
    page.wait_for_url("**/antraege/entwurf/*/*/")
    expect(page.get_by_label("Straße")).to_have_value("Liebigstraße")
    expect(page.get_by_label("Hausnummer")).to_have_value("14")

    # The same page on a phone.
    phone_journey.login_as(emil)
    phone_journey.visit(f"/antraege/vorgang/{case.reference}/nach-dem-umzug/")
    narrow_enough(phone_journey, 360)
    phone_journey.screenshot("moving-3-after-move-360")

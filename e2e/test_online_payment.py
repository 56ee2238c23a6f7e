"""The Meldebescheinigung fully online: a citizen with eID finds it from the home page,
applies, pays online on the provider's page (the local PSP simulator, which speaks the
epay protocol: signed redirect, signed notification, return URL) and watches the case
page turn to "decided" without reloading it (htmx polling), then finds the sealed
certificate on the case page and in the Postfach. No staff action, no bank statement.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.models import AssuranceLevel
from digitalstadt.applications.models import CaseStatus
from digitalstadt.payments.models import PaymentStatus, PaymentTransaction, StatementImport

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

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.postgres_journey]


def test_meldebescheinigung_paid_online_arrives_in_the_postfach_without_staff(journey, phone_journey, city,  # noqa: F811
                                                                             deliver_mail):
    emil = make_citizen("emil.online@example.org", level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-emil",
                        first="Emil", last="Eid")
    journey.login_as(emil)
    page = journey.page

    # From the home page to the service, as a new user clicks.
    journey.visit("/")
    page.get_by_label("Was möchten Sie erledigen?").fill("Meldebescheinigung")
    page.get_by_label("Was möchten Sie erledigen?").press("Enter")
    page.wait_for_url("**/leistungen/?q=*")
    main(page).locator("a[href='/leistungen/meldebescheinigung/']").first.click()
    page.wait_for_url("**/leistungen/meldebescheinigung/")
    journey.check_page()
    main(page).get_by_role("link", name="Online beantragen").click()
    page.wait_for_url("**/antraege/neu/meldebescheinigung/")
    journey.check_page()
    # The start page names exactly the enabled ways to pay.
    expect(main(page)).to_contain_text("online mit Kreditkarte oder giropay")
    main(page).get_by_role("button", name="Antrag starten").click()
    page.wait_for_url("**/antraege/entwurf/*/*/")
    page.get_by_label(re.compile(r"^Zweck der Bescheinigung")).fill("Vorlage beim Vermieter")
    press(page, "Weiter")
    page.wait_for_url("**/pruefen/")
    expect(main(page)).to_contain_text("online mit Kreditkarte oder giropay")
    case = submit(journey)
    assert case.status == CaseStatus.AWAITING_PAYMENT

    # The payment page offers online payment first, the transfer second.
    main(page).get_by_role("link", name="Jetzt bezahlen").click()
    page.wait_for_url("**/zahlungen/*/")
    journey.check_page()
    headings = main(page).get_by_role("heading", level=2)
    expect(headings.first).to_have_text("Online bezahlen")
    main(page).get_by_role("button", name="Jetzt online mit Kreditkarte oder giropay bezahlen").click()

    # The provider's page (the simulator): amount, purpose and payee, clearly a demo.
    page.wait_for_url("**/psp-simulator/?*")
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo-Bezahlseite")
    expect(main(page)).to_contain_text("Wissenschaftsstadt Darmstadt")
    expect(main(page)).to_contain_text("10,00 €")
    journey.screenshot("online-payment-1-provider-page-1280")
    provider_page = page.url.split(journey.base_url, 1)[1]
    main(page).get_by_role("button", name="10,00 € bezahlen").click()

    # Back on the platform: paid at once, and the way back to the application.
    page.wait_for_url(f"**/zahlungen/{case.payment.uuid}/")
    journey.check_page()
    expect(main(page)).to_contain_text("Vielen Dank, die Zahlung ist eingegangen.")
    case.payment.refresh_from_db()
    assert case.payment.status == PaymentStatus.PAID
    assert not StatementImport.objects.exists()  # no bank statement was needed
    assert PaymentTransaction.objects.get(payment=case.payment).source == "epay"
    journey.screenshot("online-payment-2-paid-1280")
    main(page).get_by_role("link", name=re.compile(f"Zurück zu Ihrem Antrag {case.reference}")).click()
    page.wait_for_url(f"**/antraege/vorgang/{case.reference}/")
    journey.check_page()
    expect(subline(page)).to_contain_text("eingegangen")

    # The task worker issues the certificate while the page stays open: the page
    # updates itself (no reload) and announces the news politely.
    page.evaluate("window.__sameDocument = true")
    deliver_mail()
    poll_until(page, subline(page), "entschieden: bewilligt", advance=lambda: page.clock.run_for(6000))
    expect(page.locator("#case-announce")).to_have_text("Neuer Stand Ihres Antrags: entschieden: bewilligt")
    assert page.evaluate("window.__sameDocument === true")
    expect(main(page).locator(".case-stages li.is-done")).to_have_count(4)
    journey.check_page()
    journey.screenshot("online-payment-3-case-decided-live-1280")
    assert_sealed(fetch_pdf(journey, main(page).get_by_role("link", name="Meldebescheinigung (PDF)")))

    # And in the Postfach.
    page.get_by_role("link", name=re.compile("^Postfach")).first.click()
    page.wait_for_url("**/postfach/")
    main(page).get_by_role("link", name=re.compile(f"{case.reference}")).filter(
        has_not_text="Antrag eingegangen").first.click()
    page.wait_for_url("**/postfach/*/")
    journey.check_page()
    assert_sealed(fetch_pdf(journey, main(page).get_by_role("link", name=re.compile("Meldebescheinigung"))))

    # The provider's page and the payment page on a phone.
    phone_journey.login_as(emil)
    phone_journey.visit(provider_page)
    narrow_enough(phone_journey, 360)
    phone_journey.screenshot("online-payment-4-provider-page-360")
    phone_journey.visit(f"/zahlungen/{case.payment.uuid}/")
    narrow_enough(phone_journey, 360)
    phone_journey.screenshot("online-payment-5-paid-360")

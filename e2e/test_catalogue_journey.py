import json

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_a_service_by_everyday_words(phone_journey):
    from digitalstadt.appointments.demo import seed as seed_appointments
    from digitalstadt.catalog.demo import seed as seed_catalogue

    seed_appointments()
    seed_catalogue()
    phone_journey.visit("/leistungen/")
    page = phone_journey.page
    page.get_by_label("Was möchten Sie erledigen?").fill("Parkausweis")
    page.get_by_role("button", name="Suchen").click()
    phone_journey.check_page()
    # Three permits: residents, tradespeople, disabled drivers (the catalogue has grown).
    expect(page.get_by_role("heading", name="3 Treffer für „Parkausweis“")).to_be_visible()
    page.locator("section").first.get_by_role("link", name="Bewohnerparkausweis").click()
    expect(page.get_by_role("heading", level=1, name="Bewohnerparkausweis")).to_be_visible()
    phone_journey.check_page()
    phone_journey.screenshot("catalogue-detail-360")
    phone_journey.visit("/leistungen/personalausweis/")
    page.get_by_role("link", name="Termin buchen").click()
    assert "/termine/" in page.url
    phone_journey.check_page()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_journey.screenshot("catalogue-360")


def _seed():
    from digitalstadt.appointments.demo import seed as seed_appointments
    from digitalstadt.catalog.demo import seed as seed_catalogue

    seed_appointments()
    seed_catalogue()


def test_new_citizen_finds_services_from_the_home_page_search(journey, phone_journey):
    """Issue 10: "Sofa" finds Sperrmüll, a typo ("Umzg") still finds the registration of
    the new address, results are grouped by life situation, service pages carry JSON-LD
    that the CSP neither runs nor reports."""
    _seed()
    page = journey.page
    journey.visit("/")
    field = page.get_by_role("search").get_by_label("Was möchten Sie erledigen?")
    field.fill("Sofa")
    page.get_by_role("search").get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/leistungen/?q=Sofa")
    expect(page).to_have_title("Suchergebnisse für „Sofa“ – " + page.title().split(" – ", 1)[1])
    journey.check_page()
    results = page.locator("section", has=page.get_by_role("heading", name="1 Treffer für „Sofa“"))
    expect(results.get_by_role("heading", level=3)).to_have_text(["Umzug & Wohnen"])
    results.get_by_role("link", name="Sperrmüll-Abholung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sperrmüll-Abholung")
    journey.check_page()  # no CSP report for the JSON-LD block
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "GovernmentService" and data["name"] == "Sperrmüll-Abholung"

    journey.visit("/")
    page.get_by_role("search").get_by_label("Was möchten Sie erledigen?").fill("Umzg")
    page.get_by_role("search").get_by_label("Was möchten Sie erledigen?").press("Enter")
    page.wait_for_url("**/leistungen/?q=Umzg")
    journey.check_page()
    results = page.locator("section", has=page.get_by_role("heading", name="Treffer für „Umzg“"))
    first_group = results.locator("ul").first
    expect(results.get_by_role("heading", level=3).first).to_have_text("Umzug & Wohnen")
    expect(first_group.get_by_role("link").nth(0)).to_have_text("Wohnsitz anmelden oder ummelden")
    expect(first_group.get_by_role("link", name="Bewohnerparkausweis")).to_be_visible()
    first_group.get_by_role("link", name="Wohnsitz anmelden oder ummelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wohnsitz anmelden oder ummelden")
    expect(page.get_by_role("link", name="Termin buchen")).to_be_visible()
    journey.check_page()

    # The same results on a phone: nothing scrolls sideways.
    phone_journey.visit("/leistungen/?q=Umzg")
    phone = phone_journey.page
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone_journey.screenshot("catalogue-search-results-360")
    phone_journey.visit("/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone_journey.screenshot("home-search-360")

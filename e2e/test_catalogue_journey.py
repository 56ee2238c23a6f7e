import pytest

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
    assert page.get_by_role("heading", name="1 Treffer für „Parkausweis“").is_visible()
    page.locator("section").first.get_by_role("link", name="Bewohnerparkausweis").click()
    assert page.get_by_role("heading", level=1, name="Bewohnerparkausweis").is_visible()
    phone_journey.check_page()
    phone_journey.screenshot("catalogue-detail-360")
    phone_journey.visit("/leistungen/personalausweis/")
    page.get_by_role("link", name="Termin buchen").click()
    assert "/termine/" in page.url
    phone_journey.check_page()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_journey.screenshot("catalogue-360")

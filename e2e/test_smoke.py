import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_in_german_and_english_is_accessible(journey):
    journey.visit("/")
    page = journey.page
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).is_visible()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    for label in ["Bürgeramt", "Wirtschaft & Home Working", "Einkaufen & Parken", "Zahlen & Daten"]:
        assert nav.get_by_role("link", name=label).is_visible()
    # Keyboard: the first Tab reaches the skip link, Enter moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/")
    journey.check_page()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_url(journey.url("/"))
    assert page.locator("html").get_attribute("lang") == "de"


def test_footer_pages_are_accessible_on_a_phone(phone_journey):
    for path in ["/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/", "/offline/",
                 "/themen/buergeramt/", "/konto/login/", "/konto/signup/"]:
        phone_journey.visit(path)
        width = phone_journey.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls horizontally on a phone ({width}px)"

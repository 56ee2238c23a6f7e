import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.postgres_journey
def test_home_in_german_and_english_is_accessible(journey):
    journey.visit("/")
    page = journey.page
    assert page.locator("html").get_attribute("lang") == "de"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    for label in ["Bürgeramt", "Wirtschaft & Home Working", "Einkaufen & Parken", "Zahlen & Daten"]:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
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


@pytest.mark.postgres_journey
def test_the_browser_runs_on_the_server_clock(journey, clock):
    """Chromium gets the test's instant (Playwright's clock), and moves with it."""
    import datetime as dt

    journey.visit("/", check=False)

    def browser_now():
        return dt.datetime.fromtimestamp(journey.page.evaluate("Date.now()") / 1000, dt.UTC)

    assert abs(browser_now() - clock.now()) < dt.timedelta(seconds=30)
    clock.shift(dt.timedelta(days=40))
    assert abs(browser_now() - clock.now()) < dt.timedelta(seconds=30)
    assert clock.now() - clock.start > dt.timedelta(days=39)

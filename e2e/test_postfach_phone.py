"""A Postfach message with a long raw URL on a phone: the link is clickable, the page does
not scroll sideways (WCAG 1.4.10), axe finds nothing, and the active filter is marked."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_message_with_a_long_link_fits_a_phone(phone_journey):
    from digitalstadt.accounts.tests.factories import CitizenFactory
    from digitalstadt.mailbox.services import message_send

    citizen = CitizenFactory()
    long_url = "https://www.darmstadt.de/leben-in-darmstadt/buergerservice/" + "formulare-und-antraege-" * 6 + "x"
    message_send(subject="Ihr Antrag ist eingegangen", sender_name="Bürger- und Ordnungsamt",
                 recipient_user=citizen, body=f"Mehr dazu lesen Sie unter {long_url}\nMit freundlichen Grüßen")
    phone_journey.login_as(citizen)
    phone_journey.visit("/postfach/")
    page = phone_journey.page
    expect(page.get_by_role("link", name="Alle")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Ihr Antrag ist eingegangen").click()
    page.wait_for_url("**/postfach/*/")
    phone_journey.check_page()
    link = page.get_by_role("link", name=long_url)
    expect(link).to_have_attribute("href", long_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_journey.screenshot("postfach-message-long-link-360")

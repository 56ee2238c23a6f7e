"""The public calendar: published, scheduled dates to come, filtered by topic, format and
date (hostile values answered with a message, never a 500); iCal valid by RFC 5545; the
date and series pages carry schema.org Event JSON-LD. Clock: the suite's."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from digitalstadt.business.models import EventDate, Registration

from .partner_factories import make_date, make_partner, make_series, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = make_partner()
    venue = make_venue(org, latitude="49.872400", longitude="8.638900")
    webinar = make_series(org, slug="fuehren", title="Führen auf Distanz; mit Komma, und Zeilen",
                          topic="remote_leadership", format="webinar",
                          description="Lange Beschreibung " * 20)
    in_person = make_series(org, slug="team", title="Zusammenhalt im Team", topic="team_cohesion",
                            format="in_person", price_cents=4900)
    hybrid = make_series(org, slug="sicher", title="Sicher im Homeoffice", topic="home_office_security",
                         format="hybrid", language="en")
    draft = make_series(org, slug="entwurf", title="Entwurf", published=False)
    return {
        "webinar": make_date(webinar, days=3),
        "in_person": make_date(in_person, days=10, venue=venue, seats=2),
        "hybrid": make_date(hybrid, days=20, venue=venue),
        "draft": make_date(draft, days=4),
        "past": make_date(webinar, days=-3),
        "cancelled": make_date(in_person, days=5, venue=venue, status="cancelled"),
    }


def _titles(response):
    return [d["date"].series.title for d in response.context["rows"]]


def test_the_calendar_lists_upcoming_published_scheduled_dates(client, world):
    response = client.get(reverse("business:calendar"))
    assert response.status_code == 200
    assert [r["date"].pk for r in response.context["rows"]] == [world["webinar"].pk, world["in_person"].pk,
                                                               world["hybrid"].pk]


def test_the_calendar_filters_by_topic_format_and_dates(client, world):
    url = reverse("business:calendar")
    assert _titles(client.get(url, {"thema": "team_cohesion"})) == ["Zusammenhalt im Team"]
    assert _titles(client.get(url, {"format": "hybrid"})) == ["Sicher im Homeoffice"]
    day = timezone.localdate()
    response = client.get(url, {"von": (day + timedelta(days=5)).isoformat(),
                                "bis": (day + timedelta(days=15)).isoformat()})
    assert _titles(response) == ["Zusammenhalt im Team"]
    assert _titles(client.get(url, {"thema": "team_cohesion", "format": "webinar"})) == []


@pytest.mark.parametrize("query", [{"thema": "<script>"}, {"format": "zoom"}, {"von": "gestern"},
                                   {"bis": "2026-02-30"}, {"von": "2026-12-10", "bis": "2026-12-01"},
                                   {"von": "99999-01-01"}, {"thema": "\x00"}])
def test_hostile_filters_get_a_message(client, world, query):
    response = client.get(reverse("business:calendar"), query)
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


def test_free_seats_count_seat_holding_registrations(client, world):
    date = world["in_person"]
    now = timezone.now()
    for i, status in enumerate(["confirmed", "waiting", "cancelled"]):
        Registration.objects.create(event_date=date, name=f"P{i}", email=f"p{i}@example.org", status=status,
                                    created_at=now)
    response = client.get(reverse("business:date", kwargs={"series": "team", "pk": date.pk}))
    assert response.context["free"] == 1
    Registration.objects.create(event_date=date, name="P9", email="p9@example.org", status="offered",
                                created_at=now)
    response = client.get(reverse("business:date", kwargs={"series": "team", "pk": date.pk}))
    assert response.context["free"] == 0
    assert "ausgebucht" in response.content.decode()
    ld = _jsonld(response)
    assert ld["offers"]["availability"] == "https://schema.org/SoldOut"


def _jsonld(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_the_date_page_shows_the_facts_and_carries_event_jsonld(client, world):
    date = world["hybrid"]
    response = client.get(reverse("business:date", kwargs={"series": "sicher", "pk": date.pk}))
    text = response.content.decode()
    assert "Rheinstraße 75" in text and "Aufzug im Foyer" in text and "kostenlos" in text
    ld = _jsonld(response)
    assert ld["@type"] == "Event" and ld["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert ld["eventStatus"] == "https://schema.org/EventScheduled"
    place, virtual = ld["location"]
    assert place["@type"] == "Place" and place["address"]["@type"] == "PostalAddress"
    assert place["address"]["postalCode"] == "64295"
    assert virtual["@type"] == "VirtualLocation" and virtual["url"].endswith(
        reverse("business:date", kwargs={"series": "sicher", "pk": date.pk}))
    assert ld["offers"] == {"@type": "Offer", "price": "0.00", "priceCurrency": "EUR",
                            "availability": "https://schema.org/InStock", "url": virtual["url"]}
    assert ld["organizer"]["name"] == date.series.organiser.name and ld["inLanguage"] == "en"


def test_webinar_jsonld_has_only_a_virtual_location_and_a_cancelled_date_says_so(client, world):
    response = client.get(reverse("business:date", kwargs={"series": "fuehren", "pk": world["webinar"].pk}))
    ld = _jsonld(response)
    assert ld["location"]["@type"] == "VirtualLocation"
    assert ld["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    response = client.get(reverse("business:date", kwargs={"series": "team", "pk": world["cancelled"].pk}))
    ld = _jsonld(response)
    assert ld["eventStatus"] == "https://schema.org/EventCancelled"
    assert ld["location"]["@type"] == "Place" and ld["offers"]["price"] == "49.00"
    assert "abgesagt" in response.content.decode()


def test_a_series_page_lists_its_dates_with_jsonld(client, world):
    response = client.get(reverse("business:series", kwargs={"series": "team"}))
    assert response.status_code == 200
    events = _jsonld(response)
    assert [e["startDate"] for e in events] == [world["cancelled"].starts_at.isoformat(),
                                                world["in_person"].starts_at.isoformat()]


def test_drafts_and_dates_of_other_series_are_not_found(client, world):
    assert client.get(reverse("business:series", kwargs={"series": "entwurf"})).status_code == 404
    assert client.get(reverse("business:date", kwargs={"series": "entwurf", "pk": world["draft"].pk})
                      ).status_code == 404
    assert client.get(reverse("business:date", kwargs={"series": "team", "pk": world["webinar"].pk})
                      ).status_code == 404


def _unfold(raw: bytes) -> str:
    return raw.decode().replace("\r\n ", "")


def test_the_ical_feed_is_valid_and_respects_the_filters(client, world):
    response = client.get(reverse("business:calendar-ics"))
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    for event in events:
        assert event["UID"].startswith("business-date-")
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        assert "DTSTAMP" in event
    text = _unfold(raw)
    assert "DTSTART:" in text and re.search(r"DTSTART:\d{8}T\d{6}Z", text)
    assert r"SUMMARY:Führen auf Distanz\; mit Komma\, und Zeilen" in text
    filtered = Calendar.from_ical(client.get(reverse("business:calendar-ics"), {"format": "in_person"}).content)
    assert [str(e["SUMMARY"]) for e in filtered.walk("VEVENT")] == ["Zusammenhalt im Team"]
    assert client.get(reverse("business:calendar-ics"), {"thema": "nix"}).status_code == 400


def test_a_date_downloads_as_ics(client, world):
    date = world["in_person"]
    response = client.get(reverse("business:date-ics", kwargs={"series": "team", "pk": date.pk}))
    assert "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == date.starts_at
    assert "Rheinstraße 75" in str(event["LOCATION"])
    assert EventDate.objects.count() == 6


def test_a_date_links_to_the_toolkits_of_its_topic_and_the_toolkit_back_to_the_date(client, world):
    from digitalstadt.exchange.toolkit_data import load_initial_toolkits

    load_initial_toolkits()  # the data migration's toolkits (a flushed database has none)
    date = world["hybrid"]  # topic: IT and security in the home office
    text = client.get(date.get_absolute_url()).content.decode()
    assert reverse("knowledge:toolkit", kwargs={"slug": "it-sicherheit-homeoffice"}) in text
    assert reverse("knowledge:toolkit", kwargs={"slug": "homeoffice-richtlinie"}) not in text  # another topic
    toolkit_page = client.get(reverse("knowledge:toolkit", kwargs={"slug": "it-sicherheit-homeoffice"}))
    assert date.get_absolute_url() in toolkit_page.content.decode()

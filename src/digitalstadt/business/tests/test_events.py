"""A partner's series, venues and dates: only approved organisers write, only their own
rows (scoping), and the date rules (end after start, venue for in person, room for
webinars, nothing in the past) give clear messages in form and service alike.
Clock: the suite's (Tuesday 1 December 2026, 09:30 Berlin)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from digitalstadt.business import event_services
from digitalstadt.business.event_selectors import series_of, series_of_by_slug
from digitalstadt.business.forms import EventDateForm, SeriesForm, parse_price_cents
from digitalstadt.business.models import EventDate, EventSeries
from digitalstadt.business.rooms import room_providers
from digitalstadt.core.models import AuditEntry

from .partner_factories import make_partner, make_series, make_user, make_venue

pytestmark = pytest.mark.django_db

SERIES = {"title": "Online einarbeiten", "summary": "Die ersten Wochen", "description": "", "topic":
          "online_onboarding", "format": "webinar", "language": "de", "target_group": "", "price_cents": 0,
          "is_published": True}


@pytest.fixture
def room(monkeypatch):
    """A stand-in room provider while the registry is empty (the rooms part fills it)."""
    monkeypatch.setattr(room_providers, "choices", lambda: [("jitsi", "Jitsi")])


@pytest.fixture
def owner():
    return make_user("inhaber@partner.example")


def test_an_approved_organiser_creates_a_series_and_a_webinar_date(owner, room):
    org = make_partner(owner=owner)
    series = event_services.series_create(actor=owner, organisation=org, **SERIES)
    assert series.slug == "online-einarbeiten"
    starts = timezone.now() + timedelta(days=3)
    date = event_services.date_create(actor=owner, organisation=org, series=series, starts_at=starts,
                                      ends_at=starts + timedelta(hours=1), venue=None, room_provider="jitsi",
                                      seats=30, per_company_quota=2, registration_closes_at=None)
    assert date.room_provider == "jitsi"
    assert {"business.series_created", "business.date_saved"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


@pytest.mark.parametrize("status", [None, "requested", "rejected", "revoked"])
def test_without_an_approved_role_nothing_can_be_created(owner, status):
    org = make_partner(owner=owner, role=status)
    with pytest.raises(PermissionDenied):
        event_services.series_create(actor=owner, organisation=org, **SERIES)
    assert not EventSeries.objects.exists()


def test_a_security_adviser_role_does_not_make_an_organiser(owner):
    org = make_partner(owner=owner, role="approved", role_kind="security_adviser")
    with pytest.raises(PermissionDenied):
        event_services.series_create(actor=owner, organisation=org, **SERIES)


def test_one_partner_cannot_see_or_edit_anothers_series(owner, client):
    mine = make_partner("mein-partner", owner=owner)
    other_owner = make_user("andere@partner.example")
    theirs = make_partner("anderer-partner", owner=other_owner)
    their_series = make_series(theirs, slug="fremde-reihe")
    their_venue = make_venue(theirs)
    assert series_of(organisation=mine) == []
    assert series_of_by_slug(organisation=mine, slug="fremde-reihe") is None
    with pytest.raises(PermissionDenied):
        event_services.series_update(actor=owner, organisation=mine, series=their_series, **SERIES)
    with pytest.raises(PermissionDenied):  # not an organiser of theirs
        event_services.series_update(actor=owner, organisation=theirs, series=their_series, **SERIES)
    with pytest.raises(PermissionDenied):
        event_services.venue_update(actor=owner, organisation=mine, venue=their_venue, name="X", street="Y",
                                    postal_code="64283", city="Darmstadt")
    client.force_login(owner)
    assert client.get(reverse("partner:series", kwargs={"org": mine.slug, "series": "fremde-reihe"})).status_code \
        == 404
    assert client.get(reverse("partner:series-list", kwargs={"org": theirs.slug})).status_code == 404
    their_date = EventDate.objects.create(series=their_series, starts_at=timezone.now() + timedelta(days=2),
                                          ends_at=timezone.now() + timedelta(days=2, hours=1), seats=5)
    assert client.get(reverse("partner:date", kwargs={"org": mine.slug, "pk": their_date.pk})).status_code == 404
    assert client.get(reverse("partner:venue", kwargs={"org": mine.slug, "pk": their_venue.pk})).status_code == 404


def test_a_venue_of_another_partner_cannot_be_used(owner):
    org = make_partner("mein-partner", owner=owner)
    other = make_partner("anderer-partner")
    series = make_series(org, format="in_person")
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        event_services.date_create(actor=owner, organisation=org, series=series, starts_at=starts,
                                   ends_at=starts + timedelta(hours=1), venue=make_venue(other), room_provider="",
                                   seats=10, per_company_quota=None, registration_closes_at=None)
    assert "anderen Organisation" in str(exc.value)


def _form(series, venues=(), **data):
    values = {"starts_at": "2026-12-10T10:00", "ends_at": "2026-12-10T12:00", "seats": "20"}
    values.update(data)
    return EventDateForm(values, series=series, venues=list(venues))


def test_the_date_form_explains_each_rule(owner, room):
    org = make_partner(owner=owner)
    webinar = make_series(org, slug="webinar", format="webinar")
    in_person = make_series(org, slug="vor-ort", format="in_person")
    venue = make_venue(org)
    form = _form(webinar, ends_at="2026-12-10T09:00", room_provider="jitsi")
    assert not form.is_valid() and "Das Ende muss nach dem Beginn liegen." in form.errors["ends_at"]
    form = _form(webinar, starts_at="2026-11-30T10:00", ends_at="2026-11-30T11:00", room_provider="jitsi")
    assert not form.is_valid() and "Vergangenheit" in form.errors["starts_at"][0]
    form = _form(webinar)
    assert not form.is_valid() and "Online-Raum" in form.errors["room_provider"][0]
    form = _form(webinar, room_provider="zoom")
    assert not form.is_valid() and "Diesen Online-Raum gibt es nicht." in form.errors["room_provider"][0]
    form = _form(in_person, venue="")
    assert not form.is_valid() and "Veranstaltungsort" in form.errors["venue"][0]
    form = _form(in_person, [venue], venue=str(venue.pk), seats="0")
    assert not form.is_valid() and "seats" in form.errors
    form = _form(in_person, [venue], venue=str(venue.pk), registration_closes_at="2026-12-11T10:00")
    assert not form.is_valid(), form.errors
    assert "Anmeldeschluss" in form.errors.get("registration_closes_at", [""])[0], form.errors
    form = _form(in_person, [venue], venue=str(venue.pk), per_company_quota="30")
    assert not form.is_valid() and "per_company_quota" in form.errors
    assert _form(in_person, [venue], venue=str(venue.pk)).is_valid()
    assert _form(webinar, room_provider="jitsi").is_valid()


def test_the_date_form_works_without_any_room_provider(owner, settings):
    settings.ROOM_PROVIDERS = []  # an instance that enabled no online room
    org = make_partner(owner=owner)
    webinar = make_series(org, format="webinar")
    form = _form(webinar)
    assert form.fields["room_provider"].choices == [("", form.fields["room_provider"].choices[0][1])]
    assert not form.is_valid()
    assert "Online-Raum" in form.errors["room_provider"][0]


@pytest.mark.parametrize("text,cents", [("", 0), ("0", 0), ("49", 4900), ("49,90", 4990), ("1.200,00 €", 120000),
                                        ("12.5", 1250)])
def test_prices_in_euros_are_parsed_to_cents(text, cents):
    assert parse_price_cents(text) == cents


@pytest.mark.parametrize("text", ["-1", "abc", "1,234", "NaN", "Infinity", "20000"])
def test_bad_prices_are_refused_with_a_message(text):
    form = SeriesForm({"title": "T", "summary": "S", "topic": "team_cohesion", "format": "webinar",
                       "language": "de", "price": text})
    assert not form.is_valid()
    assert form.errors["price"]


def test_the_partner_creates_a_series_through_the_page(owner, client):
    org = make_partner(owner=owner)
    client.force_login(owner)
    response = client.post(reverse("partner:series-create", kwargs={"org": org.slug}), {
        "title": "Zusammenhalt im Team", "summary": "Rituale", "topic": "team_cohesion", "format": "in_person",
        "language": "de", "price": "25,00", "is_published": "on"})
    assert response.status_code == 302
    series = EventSeries.objects.get()
    assert series.price_cents == 2500 and series.is_published
    response = client.post(reverse("partner:series-create", kwargs={"org": org.slug}), {
        "title": "", "summary": "", "topic": "nope", "format": "webinar", "price": "x"})
    assert response.status_code == 400
    assert EventSeries.objects.count() == 1


def test_the_demo_data_is_idempotent_and_lists_dates_in_the_calendar(client):
    from digitalstadt.business import demo
    from digitalstadt.business.models import PartnerRole
    from digitalstadt.core.scoping import unscoped

    demo.seed()
    demo.seed()
    assert EventSeries.objects.count() == 5
    with unscoped():
        assert PartnerRole.objects.filter(status="requested").count() == 1
        assert PartnerRole.objects.filter(status="approved").count() == 3
    rows = client.get(reverse("business:calendar")).context["rows"]
    # Without a room provider the webinar and hybrid dates have no room; they are listed all the same.
    assert len(rows) == 8
    assert {r["date"].series.topic for r in rows} == {"remote_leadership", "online_onboarding", "team_cohesion",
                                                      "home_office_security"}

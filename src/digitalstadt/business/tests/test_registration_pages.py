"""The registration pages: register page with the panel and the colleague form, my
registrations (cancel, .ics), the offer page, the company overview, the organiser's
cancel page; other people's registrations do not exist for a visitor."""

from __future__ import annotations

import pytest
from django.test import Client

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.business import registration_services as services
from digitalstadt.business.models import Registration, RegistrationStatus

from .factories import make_company, make_date

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_owner_registers_colleagues_through_the_page_and_sees_the_overview():
    date = make_date(seats=1)
    company, owner, (eva, finn) = make_company(employees=2)
    client = _client(owner)
    page = client.get(f"/weiterbildung/termin/{date.pk}/anmelden/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Noch 1 Platz frei." in html and "Mitarbeitende von" in html and eva.get_full_name() in html
    response = client.post(f"/weiterbildung/termin/{date.pk}/anmelden/",
                           {"unternehmen": company.slug, "teilnehmende": [eva.pk, finn.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == f"/weiterbildung/unternehmen/{company.slug}/anmeldungen/"
    html = response.content.decode()
    assert "ist angemeldet" in html and "Warteliste" in html
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    # A member of another company cannot be smuggled in.
    stranger = CitizenFactory()
    response = client.post(f"/weiterbildung/termin/{date.pk}/anmelden/",
                           {"unternehmen": company.slug, "teilnehmende": [stranger.pk]}, follow=True)
    assert "Mitglieder des Unternehmens" in response.content.decode()
    assert Registration.objects.count() == 2
    # Another company's page does not exist for this owner.
    other, _o, _s = make_company(employees=0)
    assert client.get(f"/weiterbildung/unternehmen/{other.slug}/anmeldungen/").status_code == 404


def test_person_registers_cancels_and_downloads_the_calendar_file():
    date = make_date(seats=2)
    anna = CitizenFactory()
    client = _client(anna)
    response = client.post(f"/weiterbildung/termin/{date.pk}/anmelden/", follow=True)
    assert "ist angemeldet" in response.content.decode()
    registration = Registration.objects.get()
    ics = client.get(f"/weiterbildung/anmeldungen/{registration.pk}/kalender.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    other = _client(CitizenFactory())
    assert other.get(f"/weiterbildung/anmeldungen/{registration.pk}/kalender.ics").status_code == 404
    assert other.post(f"/weiterbildung/anmeldungen/{registration.pk}/stornieren/").status_code == 404
    response = client.post(f"/weiterbildung/anmeldungen/{registration.pk}/stornieren/", follow=True)
    assert "ist storniert" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_offer_page_claims_the_seat():
    date = make_date(seats=1)
    anna, ben = CitizenFactory(), CitizenFactory()
    first = services.registration_create(event_date=date, actor=anna)
    second = services.registration_create(event_date=date, actor=ben)
    services.registration_cancel(registration=first, actor=anna)
    client = _client(ben)
    assert "Platz annehmen" in client.get(f"/weiterbildung/anmeldungen/{second.pk}/platz/").content.decode()
    assert _client(anna).get(f"/weiterbildung/anmeldungen/{second.pk}/platz/").status_code == 404
    response = client.post(f"/weiterbildung/anmeldungen/{second.pk}/platz/", {"aktion": "quatsch"}, follow=True)
    assert "annehmen oder ablehnen" in response.content.decode()
    client.post(f"/weiterbildung/anmeldungen/{second.pk}/platz/", {"aktion": "annehmen"})
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED


def test_only_the_organisers_managers_see_the_cancel_page():
    date = make_date(seats=1)
    manager = date.series.organiser.memberships.get().user
    assert _client(CitizenFactory()).get(f"/weiterbildung/termin/{date.pk}/absagen/").status_code == 404
    client = _client(manager)
    assert "Termin verbindlich absagen" in client.get(f"/weiterbildung/termin/{date.pk}/absagen/").content.decode()
    response = client.post(f"/weiterbildung/termin/{date.pk}/absagen/", {"grund": ""}, follow=True)
    assert "Grund der Absage" in response.content.decode()
    client.post(f"/weiterbildung/termin/{date.pk}/absagen/", {"grund": "Raum nicht verfügbar"})
    date.refresh_from_db()
    assert date.is_cancelled


def test_panel_for_visitors_and_closed_dates():
    from django.template import Context, Template
    from django.test import RequestFactory
    from django.contrib.auth.models import AnonymousUser

    date = make_date(seats=1, status="cancelled")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = Template('{% include "business/_registration_panel.html" %}').render(
        Context({"event_date": date, "request": request}))
    assert "Dieser Termin wurde abgesagt." in html

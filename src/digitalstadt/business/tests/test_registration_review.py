"""Review fixes of the registrations (issue 15): no cancellation once check-in and the
online room open, the waiting list goes before newcomers and gets added seats at once,
seats never drop below the seats held, the payer of a colleague's seat gets the payment
link, the company list shows only what the company sent, local times in messages.
Clock: the suite's (Tuesday 1 December 2026, 09:30 Berlin)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.business import event_services
from digitalstadt.business import registration_services as services
from digitalstadt.business.models import Registration, RegistrationStatus
from digitalstadt.business.registration_selectors import registrations_of_company
from digitalstadt.business.rooms import room_providers
from digitalstadt.mailbox.models import Message, OutboundEmail

from .factories import make_company, make_date, make_series

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def _statuses(event_date):
    return list(Registration.objects.filter(event_date=event_date).order_by("created_at", "pk")
                .values_list("status", flat=True))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# 1. cancellation closes when check-in / the online room open ------------------------


def test_no_cancellation_once_the_check_in_opens_and_the_button_is_gone(clock):
    date = make_date(make_series(format="in_person"), seats=1, days_ahead=1)
    anna, ben = CitizenFactory(), CitizenFactory()
    reg = services.registration_create(event_date=date, actor=anna)
    services.registration_create(event_date=date, actor=ben)  # waiting
    clock.shift(date.starts_at - timezone.now() - timedelta(minutes=61))
    assert "Stornieren:" in _client(anna).get("/weiterbildung/meine-anmeldungen/").content.decode()
    clock.shift(timedelta(minutes=2))  # check-in opens an hour before the start
    with pytest.raises(ValidationError, match="nicht mehr storniert"):
        services.registration_cancel(registration=reg, actor=anna)
    assert _statuses(date) == [S.CONFIRMED, S.WAITING]  # nothing changed
    client = _client(anna)
    assert "Stornieren:" not in client.get("/weiterbildung/meine-anmeldungen/").content.decode()
    page = client.post(f"/weiterbildung/anmeldungen/{reg.pk}/stornieren/", follow=True)
    assert page.status_code == 200 and "nicht mehr storniert" in page.content.decode()
    assert _statuses(date) == [S.CONFIRMED, S.WAITING]


def test_no_cancellation_once_the_room_link_is_released(clock, settings):
    settings.ROOM_OPENS_MINUTES_BEFORE = 90  # earlier than the check-in
    date = make_date(seats=5, days_ahead=1, room_provider="simulator")
    anna = CitizenFactory()
    reg = services.registration_create(event_date=date, actor=anna)
    clock.shift(date.starts_at - timezone.now() - timedelta(minutes=89))
    with pytest.raises(ValidationError, match="nicht mehr storniert"):
        services.registration_cancel(registration=reg, actor=anna)
    reg.refresh_from_db()
    assert reg.status == S.CONFIRMED


# 2. the waiting list first; seats under the lock ----------------------------------


def test_a_newcomer_waits_behind_the_waiting_list_even_when_a_seat_is_free():
    date = make_date(seats=1)
    anna, ben, cleo = CitizenFactory(), CitizenFactory(), CitizenFactory()
    services.registration_create(event_date=date, actor=anna)
    services.registration_create(event_date=date, actor=ben)  # waiting
    Registration.objects.filter(event_date=date, participant=anna).update(status=S.CANCELLED)  # seat free, not offered
    assert services.registration_create(event_date=date, actor=cleo).status == S.WAITING


@pytest.fixture
def organiser_date(monkeypatch):
    from .partner_factories import make_partner, make_user

    monkeypatch.setattr(room_providers, "choices", lambda: [("jitsi", "Jitsi")])
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner)
    series = make_series(org)
    date = make_date(series, seats=1, room_provider="jitsi")
    return owner, org, date


def _date_values(date, **changes):
    values = {k: getattr(date, k) for k in event_services.DATE_FIELDS}
    return {**values, **changes}


def test_added_seats_are_offered_at_once_and_seats_never_drop_below_the_held(organiser_date):
    owner, org, date = organiser_date
    people = [CitizenFactory() for _ in range(3)]
    for person in people:
        services.registration_create(event_date=date, actor=person)
    assert _statuses(date) == [S.CONFIRMED, S.WAITING, S.WAITING]
    event_services.date_update(actor=owner, organisation=org, event_date=date, **_date_values(date, seats=2))
    assert _statuses(date) == [S.CONFIRMED, S.OFFERED, S.WAITING]
    assert OutboundEmail.objects.filter(to=people[1].email, subject__startswith="Ein Platz ist frei").exists()
    with pytest.raises(ValidationError, match="bereits 2 Plätze vergeben"):
        event_services.date_update(actor=owner, organisation=org, event_date=date, **_date_values(date, seats=1))
    date.refresh_from_db()
    assert date.seats == 2


# 3. the payer of a colleague's seat gets the payment link ---------------------------


def test_the_owner_who_pays_gets_the_payment_link_and_the_colleague_is_told(settings):
    date = make_date(make_series(price_cents=4900), seats=2)
    company, owner, (eva,) = make_company(employees=1)
    [reg] = services.registration_create_for_colleagues(event_date=date, company=company, participants=[eva],
                                                        actor=owner)
    assert reg.status == S.PENDING_PAYMENT
    link = services.payment_link(reg)
    to_owner = OutboundEmail.objects.get(to=owner.email, purpose="business:payment_due_payer")
    assert link in to_owner.body_text and eva.get_full_name() in to_owner.body_text
    assert Message.objects.filter(recipient_user=owner, body__contains=link).exists()
    assert _client(owner).get(link.removeprefix("http://testserver")).status_code == 200
    to_eva = OutboundEmail.objects.get(to=eva.email, purpose__startswith="business:")
    assert to_eva.purpose == "business:company_pays" and link not in to_eva.body_text
    assert company.name in to_eva.body_text and "bezahlt" in to_eva.body_text


def test_a_person_paying_for_themselves_still_gets_the_link():
    date = make_date(make_series(price_cents=1000), seats=2)
    anna = CitizenFactory()
    reg = services.registration_create(event_date=date, actor=anna)
    mail = OutboundEmail.objects.get(to=anna.email, purpose="business:payment_due")
    assert services.payment_link(reg) in mail.body_text


# 4. the company list: only what the company sent ------------------------------------


def test_the_company_list_does_not_show_an_employees_own_registration():
    date = make_date(seats=5, per_company_quota=2)
    company, owner, (eva, finn, gina) = make_company(employees=3)
    services.registration_create(event_date=date, actor=eva)  # private
    services.registration_create_for_colleagues(event_date=date, company=company, participants=[finn], actor=owner)
    [(_, rows)] = registrations_of_company(company=company)
    assert [r.participant for r in rows] == [finn]
    html = _client(owner).get(f"/weiterbildung/unternehmen/{company.slug}/anmeldungen/").content.decode()
    assert finn.get_full_name() in html and eva.get_full_name() not in html
    with pytest.raises(ValidationError, match="höchstens 2"):  # the quota still counts her
        services.registration_create_for_colleagues(event_date=date, company=company, participants=[gina],
                                                    actor=owner)


# 5. local time in the "please pay until" message ------------------------------------


def test_the_payment_message_shows_the_local_time(settings):
    settings.BUSINESS_PAYMENT_HOLD_MINUTES = 30
    date = make_date(make_series(price_cents=1000), seats=2)
    anna = CitizenFactory()
    page = _client(anna).post(f"/weiterbildung/termin/{date.pk}/anmelden/", follow=True).content.decode()
    reg = Registration.objects.get(participant=anna)
    local = timezone.localtime(reg.offer_expires_at).strftime("%d.%m.%Y %H:%M")
    assert local != reg.offer_expires_at.strftime("%d.%m.%Y %H:%M")  # Berlin is not UTC
    assert f"bis {local}." in page

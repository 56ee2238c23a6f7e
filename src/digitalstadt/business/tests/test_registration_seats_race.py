"""Never overbooked by an edit: the organiser lowers the seats while somebody registers,
each in their own PostgreSQL connection. Under the date's row lock one waits for the
other, so the confirmed never exceed the seats (either the edit is refused or the
newcomer waits). The negative control switches the lock off and holds both at their
race windows: the registration is confirmed on the old seats and the edit saves fewer
seats than are held."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.business import event_services
from digitalstadt.business import registration_services as services
from digitalstadt.business.models import EventDate, Registration, RegistrationStatus
from digitalstadt.business.rooms import room_providers
from digitalstadt.core.locking import negative_control
from digitalstadt.testing.races import all_at_once, meeting_point

from .factories import make_date, make_series
from .partner_factories import make_partner, make_user

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _attempt(call):
    try:
        with transaction.atomic():
            call()
            return "ok"
    except Exception as exc:  # noqa: BLE001 - refusals are part of the result
        return type(exc).__name__
    finally:
        connection.close()


@pytest.fixture
def contested(monkeypatch):
    monkeypatch.setattr(room_providers, "choices", lambda: [("jitsi", "Jitsi")])
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner)
    date = make_date(make_series(org), seats=3, room_provider="jitsi")
    services.registration_create(event_date=date, actor=CitizenFactory())
    return owner, org, date, CitizenFactory()


def _race(owner, org, date, newcomer):
    values = {k: getattr(date, k) for k in event_services.DATE_FIELDS} | {"seats": 1}
    return all_at_once([
        lambda: _attempt(lambda: event_services.date_update(actor=owner, organisation=org, event_date=date,
                                                            **values)),
        lambda: _attempt(lambda: services.registration_create(event_date=date, actor=newcomer)),
    ])


def _confirmed(date):
    return Registration.objects.filter(event_date=date, status=RegistrationStatus.CONFIRMED).count()


def test_lowering_seats_while_someone_registers_never_overbooks(contested):
    owner, org, date, newcomer = contested
    results = _race(owner, org, date, newcomer)
    seats = EventDate.objects.get(pk=date.pk).seats
    assert _confirmed(date) <= seats, (results, seats)
    assert results in (["ok", "ok"], ["ValidationError", "ok"]), results


def test_negative_control_without_the_lock_the_edit_overbooks(contested):
    owner, org, date, newcomer = contested
    meet = meeting_point(2)
    with negative_control(unlock=["business.EventDate"],
                          windows={"business.seat_taken": meet, "business.seats_changed": meet}):
        results = _race(owner, org, date, newcomer)
    seats = EventDate.objects.get(pk=date.pk).seats
    print("negative control results:", results, "seats", seats, "confirmed", _confirmed(date))
    assert _confirmed(date) > seats, results

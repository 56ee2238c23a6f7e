"""Never overbooked: people register for the same date at the same moment, each in
their own database connection on PostgreSQL. Under the date's row lock exactly `seats`
are confirmed and the rest wait; the negative control switches the lock off and holds
every client at the race window until all have counted the seats: then more than
`seats` are confirmed (there is no constraint that could count them). The per-company
quota likewise: owners of one company sending colleagues at once never exceed it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.business import registration_services as services
from digitalstadt.business.models import Registration, RegistrationStatus
from digitalstadt.business.registration_rules import company_live_count
from digitalstadt.core.locking import negative_control
from digitalstadt.testing.races import all_at_once, meeting_point

from .factories import make_company, make_date

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 10
SEATS = 3


def _attempt(call):
    try:
        with transaction.atomic():
            return call().status
    except Exception as exc:  # noqa: BLE001 - refusals are part of the result
        return type(exc).__name__
    finally:
        connection.close()


def _race(date, people):
    return all_at_once([lambda p=p: _attempt(lambda: services.registration_create(event_date=date, actor=p))
                        for p in people])


@pytest.fixture
def contested():
    date = make_date(seats=SEATS)
    return date, [CitizenFactory() for _ in range(CLIENTS)]


def test_parallel_registrations_confirm_exactly_the_seats(contested):
    date, people = contested
    results = _race(date, people)
    assert results.count(RegistrationStatus.CONFIRMED) == SEATS, results
    assert results.count(RegistrationStatus.WAITING) == CLIENTS - SEATS, results
    assert Registration.objects.filter(event_date=date, status=RegistrationStatus.CONFIRMED).count() == SEATS


def test_negative_control_without_the_lock_the_date_is_overbooked(contested):
    date, people = contested
    with negative_control(unlock=["business.EventDate"], windows={"business.seat_taken": meeting_point(CLIENTS)}):
        results = _race(date, people)
    print("negative control results:", sorted(results))
    # Every client counted no seat taken: all were confirmed.
    confirmed = Registration.objects.filter(event_date=date, status=RegistrationStatus.CONFIRMED).count()
    assert confirmed > SEATS, results


def _company_race(date, company, owners, staff):
    calls = [lambda owner=owner, person=person: _attempt(lambda: services.registration_create_for_colleagues(
        event_date=date, company=company, participants=[person], actor=owner)[0])
        for owner, person in zip(owners, staff)]
    return all_at_once(calls)


@pytest.fixture
def quota_contested():
    date = make_date(seats=50, per_company_quota=2)
    company, owner, staff = make_company(employees=CLIENTS)
    owners = [owner]
    for _ in range(CLIENTS - 1):
        admin = CitizenFactory()
        Membership.objects.create(user=admin, organisation=company, role=OrgRole.ADMIN)
        owners.append(admin)
    return date, company, owners, staff


def test_parallel_company_registrations_keep_the_quota(quota_contested):
    date, company, owners, staff = quota_contested
    results = _company_race(date, company, owners, staff)
    assert results.count(RegistrationStatus.CONFIRMED) == 2, results
    assert results.count("ValidationError") == CLIENTS - 2, results
    assert company_live_count(date, company) == 2


def test_negative_control_without_the_lock_the_quota_is_exceeded(quota_contested):
    date, company, owners, staff = quota_contested
    with negative_control(unlock=["business.EventDate"], windows={"business.seat_taken": meeting_point(CLIENTS)}):
        results = _company_race(date, company, owners, staff)
    print("negative control results:", sorted(results))
    assert company_live_count(date, company) > 2, results

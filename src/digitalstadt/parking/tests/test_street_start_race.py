"""A double click, or the same car started from two phones of one account at the same
moment, makes one session (PostgreSQL, parallel clients). The negative control switches
the driver's row lock (and the plate's) off and holds every client after its "already running?" check:
then the same car gets several sessions, so the lock is what prevents it; the start
token's unique constraint still keeps a double click (same token) to one session.
Several accounts starting the same car at once get one session too: the plate's lock
row serialises them (negative control: without it, several sessions)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from digitalstadt.accounts.models import User
from digitalstadt.core.locking import negative_control
from digitalstadt.parking import street_services as services
from digitalstadt.parking.models import ParkingSession
from digitalstadt.testing.races import all_at_once, meeting_point

from .street_factories import make_street_zone

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CLIENTS = 6


def _start(driver, zone, token):
    try:
        return services.street_session_start(user=driver, zone_id=zone.pk, plate="DA-AB 123", minutes=30,
                                             start_token=token).pk
    except ValidationError as exc:
        return exc.messages[0]
    finally:
        connection.close()


@pytest.fixture
def contested():
    driver = User.objects.create_user("fahrerin@example.org", "Sicher-genug-2026")
    return driver, make_street_zone("I")


def test_a_double_click_and_two_phones_make_one_session(contested):
    driver, zone = contested
    same_token = all_at_once([lambda: _start(driver, zone, "one-click") for _ in range(CLIENTS)])
    assert len(set(same_token)) == 1 and ParkingSession.objects.count() == 1
    ParkingSession.objects.all().delete()
    phones = all_at_once([lambda i=i: _start(driver, zone, f"phone-{i}") for i in range(CLIENTS)])
    assert ParkingSession.objects.count() == 1
    assert sum(1 for r in phones if isinstance(r, str) and "läuft schon" in r) == CLIENTS - 1


def test_negative_control_without_the_lock_the_car_gets_several_sessions(contested):
    driver, zone = contested
    with negative_control(unlock=["accounts.User", "parking.PlateLock"],
                          windows={"parking.street_session_start": meeting_point(CLIENTS, timeout=5)}):
        all_at_once([lambda i=i: _start(driver, zone, f"phone-{i}") for i in range(CLIENTS)])
    assert ParkingSession.objects.filter(plate_normalised="DA-AB123").count() > 1
    ParkingSession.objects.all().delete()
    with negative_control(unlock=["accounts.User", "parking.PlateLock"],
                          windows={"parking.street_session_start": meeting_point(CLIENTS, timeout=5)}):
        results = all_at_once([lambda: _start(driver, zone, "one-click") for _ in range(CLIENTS)])
    # the unique constraint on (driver, start token) is the last guard of a double click
    assert ParkingSession.objects.count() == 1 and len(set(results)) == 1


@pytest.fixture
def drivers():
    return [User.objects.create_user(f"fahrer{i}@example.org", "Sicher-genug-2026") for i in range(CLIENTS)], \
        make_street_zone("I")


def test_several_accounts_starting_the_same_car_make_one_session(drivers):
    accounts, zone = drivers
    results = all_at_once([lambda d=d: _start(d, zone, "token") for d in accounts])
    assert ParkingSession.objects.filter(plate_normalised="DA-AB123").count() == 1
    assert sum(1 for r in results if isinstance(r, str) and "läuft schon" in r) == CLIENTS - 1


def test_negative_control_without_the_plate_lock_accounts_get_several_sessions(drivers):
    accounts, zone = drivers
    with negative_control(unlock=["parking.PlateLock"],
                          windows={"parking.street_session_start": meeting_point(CLIENTS, timeout=5)}):
        all_at_once([lambda d=d: _start(d, zone, "token") for d in accounts])
    assert ParkingSession.objects.filter(plate_normalised="DA-AB123").count() > 1

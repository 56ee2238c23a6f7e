"""What street parking registers: personal data export and erasure, retention, the
dashboard figure, the provider registry."""

import datetime as dt

import pytest
import time_machine
from zoneinfo import ZoneInfo
from django.utils import timezone

from digitalstadt.accounts.models import User
from digitalstadt.core.registry import dashboard_figures, personal_data_handlers, retention_policies, staff_areas
from digitalstadt.parking import street_services as services
from digitalstadt.parking.models import ParkingSession, Vehicle
from digitalstadt.parking.street_providers import provider_in_use, street_parking_providers

from .street_factories import make_street_zone

pytestmark = pytest.mark.django_db


def test_export_and_erase_a_drivers_data():
    """Erasure bills first: the unbilled ended session and the running one (stopped at
    the erasure) are on a payment before the sessions lose the person; then the
    account can be deleted, which is refused before (nothing unbilled is lost)."""
    from django.db.models import ProtectedError

    from digitalstadt.payments.models import Payment

    driver = User.objects.create_user("f@example.org", "Sicher-genug-2026")
    zone = make_street_zone("I")
    services.vehicle_add(owner=driver, plate="DA-AB 123")
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    earlier = services.street_session_start(user=driver, zone_id=zone.pk, plate="DA-AB 123", minutes=30,
                                            start_token="z", now=now - dt.timedelta(days=5))  # February
    services.street_session_stop(user=driver, session_id=earlier.pk, now=now - dt.timedelta(days=5, minutes=-30))
    ended = services.street_session_start(user=driver, zone_id=zone.pk, plate="DA-AB 123", minutes=30,
                                          start_token="a", now=now - dt.timedelta(hours=1))
    services.street_session_stop(user=driver, session_id=ended.pk, now=now - dt.timedelta(minutes=45))
    running = services.street_session_start(user=driver, zone_id=zone.pk, plate="DA-XY 9", minutes=30,
                                            start_token="b", now=now - dt.timedelta(minutes=15))
    handler = personal_data_handlers.get("parking.street")
    exported = handler.export(user=driver)
    assert [v["plate"] for v in exported["vehicles"]] == ["DA-AB 123"]
    assert {s["plate"] for s in exported["street_parking_sessions"]} == {"DA-AB 123", "DA-XY 9"}
    with pytest.raises(ProtectedError):
        driver.delete()
    with time_machine.travel(now, tick=False):
        result = handler.erase(user=driver)
    assert (result["erased_vehicles"], result["anonymised_sessions"], result["stopped_running"]) == (1, 3, 1)
    for session, cents in [(earlier, 100), (ended, 50), (running, 50)]:
        session.refresh_from_db()
        assert (session.plate, session.user, session.amount_cents) == ("gelöscht", None, cents)
        assert session.payment_reference in result["bills"]
    payments = Payment.objects.filter(reference__in=result["bills"]).order_by("pk")
    assert [p.amount_cents for p in payments] == [100, 100]  # February, then March
    assert not Vehicle.objects.exists()
    driver.delete()
    assert ParkingSession.objects.count() == 3


def test_retention_removes_old_plates_and_the_figure_counts():
    driver = User.objects.create_user("f@example.org", "Sicher-genug-2026")
    zone = make_street_zone("I")
    now = timezone.now()
    old = ParkingSession.objects.create(user=driver, zone=zone, plate="DA-AB 1", started_at=now - dt.timedelta(days=200),
                                        ends_at=now - dt.timedelta(days=200), status="stopped", start_token="o")
    policy = retention_policies.get("parking_street_sessions")
    assert policy.purge(cutoff=now - dt.timedelta(days=policy.default_days)) == 1
    old.refresh_from_db()
    assert old.plate == "gelöscht" and old.plate_normalised == "?"
    assert retention_policies.get("parking_vehicles") is not None
    assert dashboard_figures.get("parking.street_sessions").value() == 0


def test_registries():
    assert provider_in_use().id == "city" and street_parking_providers.get("city").bills
    assert staff_areas.get("parking.enforcement").url_name == "staff-parking:enforcement"

"""Occupancy comes in through feed plugins and is stored idempotently; the latest never moves backwards."""

import datetime as dt

import pytest

from digitalstadt.core.models import AuditEntry
from digitalstadt.parking.carpark_services import feeds_poll, occupancy_record
from digitalstadt.parking.feeds import FeedError, FeedPlugin, Reading, feed_plugins, register_feed
from digitalstadt.parking.models import CarPark, OccupancyReading
from digitalstadt.parking import simulator

from .carpark_factories import carpark_make

pytestmark = pytest.mark.django_db


def test_a_reading_is_stored_once_and_becomes_the_latest(clock):
    carpark = carpark_make()
    now = clock.now()
    assert occupancy_record(carpark=carpark, readings=[Reading("x", now, 120)], source="test") == 1
    assert occupancy_record(carpark=carpark, readings=[Reading("x", now, 99)], source="test") == 0
    carpark.refresh_from_db()
    assert (carpark.free_now, carpark.reading_at) == (120, now.replace(microsecond=0))
    assert list(OccupancyReading.objects.filter(carpark=carpark).values_list("free", flat=True)) == [120]


def test_an_older_reading_is_kept_as_history_but_never_becomes_the_latest(clock):
    carpark = carpark_make()
    now = clock.now().replace(microsecond=0)
    occupancy_record(carpark=carpark, readings=[Reading("x", now, 50)], source="test")
    assert occupancy_record(carpark=carpark, readings=[Reading("x", now - dt.timedelta(minutes=30), 300)],
                            source="test") == 1
    carpark.refresh_from_db()
    assert (carpark.free_now, carpark.reading_at) == (50, now)
    assert OccupancyReading.objects.filter(carpark=carpark).count() == 2


def test_a_batch_sets_the_newest_of_its_readings(clock):
    carpark = carpark_make()
    now = clock.now().replace(microsecond=0)
    batch = [Reading("x", now - dt.timedelta(minutes=m), 100 + m) for m in (30, 0, 15)]
    assert occupancy_record(carpark=carpark, readings=batch, source="test") == 3
    carpark.refresh_from_db()
    assert (carpark.free_now, carpark.reading_at) == (100, now)


def test_malformed_readings_are_skipped_and_free_is_capped_at_the_capacity(clock):
    carpark = carpark_make(capacity=200)
    now = clock.now().replace(microsecond=0)
    stored = occupancy_record(carpark=carpark, source="test", readings=[
        Reading("x", now.replace(tzinfo=None), 10),            # naive
        Reading("x", now + dt.timedelta(hours=1), 10),          # in the future
        Reading("x", now - dt.timedelta(minutes=5), -3),        # negative
        Reading("x", now, 999)])                                # more than the capacity
    assert stored == 1
    assert OccupancyReading.objects.get(carpark=carpark).free == 200


def test_a_report_by_a_person_is_audited(clock):
    from digitalstadt.accounts.models import User

    operator = User.objects.create_user("betrieb@example.org", "x" * 12)
    carpark = carpark_make()
    occupancy_record(carpark=carpark, readings=[Reading("x", clock.now(), 7)], source="push:test", actor=operator)
    entry = AuditEntry.objects.get(action="parking.occupancy_reported")
    assert entry.actor == operator


def test_polling_the_simulator_stores_its_figure_and_twice_stores_nothing_new(clock):
    carpark = carpark_make(capacity=615, simulator_kind="shopping")
    carpark_make(feed_enabled=False)
    assert feeds_poll()["simulator"] == 1
    assert feeds_poll()["simulator"] == 0
    carpark.refresh_from_db()
    profile = simulator.Profile(key=carpark.slug, capacity=615, kind="shopping")
    assert carpark.free_now == simulator.free_spaces(profile, carpark.reading_at)
    assert carpark.reading_at.minute % 5 == 0
    assert OccupancyReading.objects.count() == 1


def test_a_failing_feed_does_not_stop_the_others(clock):
    def broken(*, carparks, now):
        raise FeedError("connection refused")

    register_feed(FeedPlugin("test-broken", "broken", fetch=broken))
    try:
        carpark_make(feed_plugin="test-broken")
        good = carpark_make()
        stats = feeds_poll()
        assert stats == {"test-broken": -1, "simulator": 1} or stats == {"simulator": 1, "test-broken": -1}
        assert CarPark.objects.get(pk=good.pk).free_now is not None
    finally:
        feed_plugins.unregister("test-broken")


def test_readings_are_matched_by_external_id(clock):
    def two(*, carparks, now):
        return [Reading("A-1", now, 11), Reading("unknown", now, 5)]

    register_feed(FeedPlugin("test-two", "two", fetch=two))
    try:
        carpark = carpark_make(feed_plugin="test-two", feed_external_id="A-1")
        assert feeds_poll()["test-two"] == 1
        carpark.refresh_from_db()
        assert carpark.free_now == 11
    finally:
        feed_plugins.unregister("test-two")


def test_a_plugin_raising_an_unexpected_error_is_logged_and_the_others_still_poll(clock, caplog):
    def buggy(*, carparks, now):
        raise TypeError("'<' not supported between instances of 'list' and 'str'")

    def good(*, carparks, now):
        return [Reading("B-1", now, 7)]

    register_feed(FeedPlugin("test-buggy", "buggy", fetch=buggy))
    register_feed(FeedPlugin("test-after", "after", fetch=good))  # polled after the buggy one
    try:
        carpark_make(feed_plugin="test-buggy")
        after = carpark_make(feed_plugin="test-after", feed_external_id="B-1")
        stats = feeds_poll()
        assert stats["test-buggy"] == -1 and stats["test-after"] == 1
        assert CarPark.objects.get(pk=after.pk).free_now == 7
        assert any(r.exc_info and "test-buggy" in r.getMessage() for r in caplog.records)
    finally:
        feed_plugins.unregister("test-buggy")
        feed_plugins.unregister("test-after")

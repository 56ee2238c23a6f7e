"""The pull plugins `parkapi_v3` and `datex2` over real HTTP against a local stand-in
server that serves the real-format samples; bad documents change nothing."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
import time_machine

from digitalstadt.parking.carpark_services import feeds_poll
from digitalstadt.parking.feeds import feed_plugins
from digitalstadt.parking.models import CarPark, OccupancyReading
from digitalstadt.testing.feed_standin import FeedStandIn

from .carpark_factories import carpark_make
from .test_feed_formats import BOMB, XXE

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
NOW = dt.datetime(2026, 12, 4, 10, 1, tzinfo=dt.UTC)


@pytest.fixture
def standin():
    with FeedStandIn() as server, time_machine.travel(NOW, tick=False):
        yield server


def _carparks(plugin: str, url: str, **config):
    return [carpark_make(slug="grafenstrasse", feed_external_id="qpark-grafenstrasse", capacity=463,
                         feed_plugin=plugin, feed_url=url, **config),
            carpark_make(slug="darmstadtium", feed_external_id="qpark-darmstadtium", capacity=454,
                         feed_plugin=plugin, feed_url=url, **config)]


def test_the_plugins_are_registered():
    assert {"parkapi_v3", "datex2", "push"} <= {p.id for p in feed_plugins.all()}
    assert feed_plugins.get("push").pull is False


def test_parkapi_v3_pull_stores_the_sample(standin):
    url = standin.serve("/api/public/v3/parking-sites", (SAMPLES / "parkapi_v3_parking_sites.json").read_bytes())
    grafen, darmstadtium = _carparks("parkapi_v3", url)
    assert feeds_poll(now=NOW)["parkapi_v3"] == 2
    assert standin.requests == ["/api/public/v3/parking-sites"]  # one request for both car parks
    grafen.refresh_from_db()
    darmstadtium.refresh_from_db()
    assert (grafen.free_now, grafen.reading_at) == (121, dt.datetime(2026, 12, 4, 9, 55, tzinfo=dt.UTC))
    assert darmstadtium.free_now == 37
    assert set(OccupancyReading.objects.values_list("source", flat=True)) == {"parkapi_v3"}
    # polling again stores nothing twice
    assert feeds_poll(now=NOW)["parkapi_v3"] == 0
    assert OccupancyReading.objects.count() == 2


def test_datex2_pull_of_the_status_sample_and_of_the_light_sample(standin):
    status = standin.serve("/status.xml", (SAMPLES / "datex2_v3_parking_status.xml").read_bytes(), "application/xml")
    grafen, darmstadtium = _carparks("datex2", status)
    assert feeds_poll(now=NOW)["datex2"] == 2
    grafen.refresh_from_db()
    darmstadtium.refresh_from_db()
    assert (grafen.free_now, darmstadtium.free_now) == (118, 0)  # the forecast of 40 is not taken
    light = standin.serve("/light.json", (SAMPLES / "datex2_light_parking_sites.json").read_bytes())
    CarPark.objects.update(feed_url=light, feed_config={"format": "light"})
    assert feeds_poll(now=NOW)["datex2"] == 2
    grafen.refresh_from_db()
    assert (grafen.free_now, grafen.reading_at) == (97, dt.datetime(2026, 12, 4, 9, 59, tzinfo=dt.UTC))


@pytest.mark.parametrize("body", [BOMB, XXE, b"<html>502 Bad Gateway</html>",
                                  (SAMPLES / "datex2_v3_parking_status.xml").read_bytes()
                                  .replace(b"http://datex2.eu/schema/3/parking", b"urn:evil")])
def test_a_hostile_or_wrong_document_changes_nothing_and_is_logged(standin, caplog, body):
    url = standin.serve("/status.xml", body, "application/xml")
    _carparks("datex2", url)
    with caplog.at_level(logging.WARNING, logger="digitalstadt.parking"):
        assert feeds_poll(now=NOW)["datex2"] == -1
    assert OccupancyReading.objects.count() == 0
    assert CarPark.objects.filter(free_now__isnull=False).count() == 0
    assert "refused" in caplog.text


def test_bad_items_are_left_out_with_a_logged_reason_the_good_ones_count(standin, caplog):
    body = b"""[
      {"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": -5},
      {"uid": "qpark-darmstadtium", "realtime_data_updated_at": "2026-12-04T12:00:00Z", "realtime_free_capacity": 5},
      {"uid": "someone-elses", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 5},
      {"uid": "qpark-darmstadtium", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 9}
    ]"""
    url = standin.serve("/rt", body)
    grafen, darmstadtium = _carparks("parkapi_v3", url)
    with caplog.at_level(logging.WARNING, logger="digitalstadt.parking"):
        assert feeds_poll(now=NOW)["parkapi_v3"] == 1
    darmstadtium.refresh_from_db()
    assert darmstadtium.free_now == 9
    assert "negative" in caplog.text and "future" in caplog.text
    assert not OccupancyReading.objects.filter(carpark=grafen).exists()


def test_an_unreachable_or_failing_server_is_a_feed_error(standin):
    url = standin.serve("/rt", b"[]")
    _carparks("parkapi_v3", url)
    standin.fail = 503
    assert feeds_poll(now=NOW)["parkapi_v3"] == -1
    CarPark.objects.update(feed_url="http://127.0.0.1:9/nothing")
    assert feeds_poll(now=NOW)["parkapi_v3"] == -1
    CarPark.objects.update(feed_url="file:///etc/passwd")
    assert feeds_poll(now=NOW)["parkapi_v3"] == -1
    assert OccupancyReading.objects.count() == 0


def test_a_stalled_server_times_out(standin, settings):
    settings.PARKING_FEED_TIMEOUT_SECONDS = 0.3
    url = standin.serve("/rt", b"[]")
    _carparks("parkapi_v3", url)
    standin.stall = True
    assert feeds_poll(now=NOW)["parkapi_v3"] == -1


def test_an_unexpected_error_on_one_url_is_logged_and_the_other_urls_still_count(standin, caplog):
    from digitalstadt.parking.feed_services import _pull
    from digitalstadt.parking.formats import parkapi

    good = standin.serve("/good", (SAMPLES / "parkapi_v3_parking_sites.json").read_bytes())
    bad = standin.serve("/bad", b"[]")
    grafen, darmstadtium = _carparks("parkapi_v3", good)
    CarPark.objects.filter(pk=grafen.pk).update(feed_url=bad)
    grafen.refresh_from_db()

    def parser_for(carpark):
        if carpark.feed_url == bad:
            def explode(body):
                raise RuntimeError("a parser bug")
            return explode
        return parkapi.parse_realtime

    with caplog.at_level(logging.WARNING, logger="digitalstadt.parking"):
        readings = _pull("parkapi_v3", [grafen, darmstadtium], NOW, parser_for)
    assert [r.external_id for r in readings] == ["qpark-darmstadtium"]
    assert any(r.exc_info and "failed unexpectedly" in r.getMessage() for r in caplog.records)

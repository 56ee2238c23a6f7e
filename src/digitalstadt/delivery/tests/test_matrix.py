"""Travel matrices: straight lines, and the OSRM table client against a local stand-in
that speaks OSRM's HTTP API (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import math

import pytest

from digitalstadt.delivery.matrix import MatrixUnavailable, OsrmMatrix, Point, StraightLineMatrix
from digitalstadt.delivery.planner import Bike, Hub, Job, Problem, plan
from digitalstadt.delivery.registry import matrix_provider, travel_matrices
from digitalstadt.testing.osrm_standin import OsrmStandIn

LUISENPLATZ = Point(49.8728, 8.6512)
FRANKFURT_HBF = Point(50.1071, 8.6638)
POINTS = [Point(49.860 + 0.0013 * k, 8.630 + 0.0021 * ((k * 5) % 13)) for k in range(23)]


def test_straight_lines_are_great_circles_times_the_detour_at_bike_speed():
    plain = StraightLineMatrix(detour_factor=1.0, speed_kmh=36.0)  # 10 m/s
    table = plain.table([Point(49.0, 8.65), Point(50.0, 8.65), LUISENPLATZ, FRANKFURT_HBF])
    assert abs(table.distances[0, 1] - 111_195) <= 60  # one degree of latitude
    assert 25_800 <= table.distances[2, 3] <= 26_400  # Darmstadt to Frankfurt, as the crow flies
    assert table.durations[2, 3] == round(table.distances[2, 3] / 10)
    default = StraightLineMatrix().table([LUISENPLATZ, FRANKFURT_HBF])
    assert abs(default.distances[0, 1] - 1.3 * table.distances[2, 3]) <= 1
    assert abs(default.durations[0, 1] - default.distances[0, 1] / (15 / 3.6)) <= 1
    assert (default.distances == default.distances.T).all() and default.durations[0, 0] == 0
    with pytest.raises(ValueError):
        StraightLineMatrix(detour_factor=0.9)
    with pytest.raises(ValueError):
        Point(91, 8)


def _expected(points, *, detour=1.4, speed=18.0):
    # The stand-in's figures: its own great circles x 1.4 at 18 km/h, sent with one decimal.
    return StraightLineMatrix(detour_factor=detour, speed_kmh=speed).table(points)


def test_the_osrm_client_reads_the_table_service():
    with OsrmStandIn() as osrm:
        table = OsrmMatrix(osrm.url).table(POINTS[:6])
        profile, count, query = osrm.requests[0]
    expected = _expected(POINTS[:6])
    assert (abs(table.durations - expected.durations) <= 1).all()
    assert (abs(table.distances - expected.distances) <= 1).all()
    assert table.distances.max() > 1000  # real figures, not zeros
    assert (profile, count, query["annotations"]) == ("bike", 6, "duration,distance")
    assert "sources" not in query  # one request for a small table


def test_a_large_table_is_asked_in_blocks_the_server_accepts():
    with OsrmStandIn(max_table_size=10) as small, OsrmStandIn(max_table_size=100) as large:
        client = OsrmMatrix(small.url, max_table_size=10)
        blocked = client.table(POINTS)
        whole = OsrmMatrix(large.url).table(POINTS)
        sizes = [count for _profile, count, _query in small.requests]
    assert (blocked.durations == whole.durations).all() and (blocked.distances == whole.distances).all()
    assert client.requests == math.ceil(23 / 5) ** 2 and max(sizes) <= 10
    with OsrmStandIn(max_table_size=10) as small:
        with pytest.raises(MatrixUnavailable, match="TooBig"):
            OsrmMatrix(small.url, max_table_size=100).table(POINTS)


@pytest.mark.parametrize("trouble, message", [
    ({"fail": (400, "NoTable", "No table found")}, "NoTable"),
    ({"fail": (200, "NoSegment", "Could not find a matching segment")}, "NoSegment"),
    ({"unreachable": {POINTS[2]}}, "no route"),
    ({"garbage": True}, "not JSON"),
])
def test_an_unusable_answer_raises_matrix_unavailable(trouble, message):
    with OsrmStandIn() as osrm:
        for name, value in trouble.items():
            setattr(osrm, name, value)
        with pytest.raises(MatrixUnavailable, match=message):
            OsrmMatrix(osrm.url).table(POINTS[:5])


def test_a_server_that_does_not_answer_raises_matrix_unavailable():
    with OsrmStandIn() as osrm:
        osrm.stall = True
        with pytest.raises(MatrixUnavailable, match="did not answer"):
            OsrmMatrix(osrm.url, timeout=0.3).table(POINTS[:3])
        url = osrm.url
    with pytest.raises(MatrixUnavailable, match="not reachable"):
        OsrmMatrix(url, timeout=1).table(POINTS[:3])  # the server is gone
    with pytest.raises(ValueError):
        OsrmMatrix("ftp://example.org")


def test_the_planner_rides_on_osrm_times():
    hub = Hub("h", Point(49.8720, 8.6300))
    job = Job("j", Point(49.8728, 8.6512), Point(49.8650, 8.6600), (10, 1000), (15 * 3600, 19 * 3600),
              (15 * 3600, 20 * 3600))
    problem = Problem(hubs=[hub], bikes=[Bike("b", (300, 120_000), 15 * 3600, 21 * 3600, "h")], jobs=[job])
    with OsrmStandIn() as osrm:
        result = plan(problem, time_limit=0.2, matrix=OsrmMatrix(osrm.url))
        osrm.fail = (400, "NoTable", "No table found")
        with pytest.raises(MatrixUnavailable):
            plan(problem, time_limit=0.2, matrix=OsrmMatrix(osrm.url))
    tour = result.tours["b"]
    first = tour.stops[0]
    expected = _expected([hub.point, job.pickup])
    assert first.arrival - tour.departure == int(expected.durations[0, 1])  # 18 km/h, not the default 15


def test_the_registry_picks_osrm_when_a_url_is_set(settings):
    assert {id for id, _label in travel_matrices.choices()} == {"straight", "osrm"}
    settings.OSRM_URL = ""
    settings.DELIVERY_DETOUR_FACTOR = 1.5
    provider = matrix_provider()
    assert isinstance(provider, StraightLineMatrix) and provider.detour_factor == 1.5
    settings.OSRM_URL = "http://osrm.example:5000/"
    settings.OSRM_TIMEOUT = 3
    provider = matrix_provider()
    assert isinstance(provider, OsrmMatrix) and provider.url == "http://osrm.example:5000"
    assert provider.timeout == 3 and provider.profile == "bike"
    settings.OSRM_URL = "osrm.example"
    assert travel_matrices.registered("osrm").system_check()  # not an http(s) URL

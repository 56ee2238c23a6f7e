"""The tour planner on small Darmstadt instances, each solved in at most about a second.

Every plan is checked by `check()`, which recomputes the schedule from the travel
times on its own: pickups before deliveries on one bike, every job once, windows,
shifts, loads in both dimensions, distances. A negative control shows that the check
catches a plan that breaks the rules.
"""

from __future__ import annotations

import dataclasses

import pytest

from digitalstadt.delivery.matrix import StraightLineMatrix
from digitalstadt.delivery.planner import (
    DELIVERY,
    IMPOSSIBLE,
    NO_ROOM,
    PICKUP,
    Bike,
    Hub,
    Job,
    Lock,
    Plan,
    PlannedStop,
    PlanningInputError,
    Point,
    Problem,
    Tour,
    plan,
)

H = 3600
MATRIX = StraightLineMatrix()

# Darmstadt: two hubs about 3 km apart, shops in the city centre, doors around it.
WEST_HUB = Hub("west", Point(49.8720, 8.6300))
EAST_HUB = Hub("east", Point(49.8700, 8.6700))
SHOP_A = Point(49.8728, 8.6512)  # Luisenplatz
SHOP_B = Point(49.8762, 8.6552)
DOORS = [Point(49.8650 + 0.0021 * k, 8.6400 + 0.0031 * ((k * 7) % 11)) for k in range(16)]


def bike(id, hub=WEST_HUB, *, capacity=(300, 120_000), shift=(15 * H, 21 * H), **kwargs) -> Bike:
    return Bike(id, capacity, shift[0], shift[1], hub.id, **kwargs)


def job(id, shop=SHOP_A, door=0, *, size=(10, 3000), pickup=(15 * H, 19 * H), delivery=(16 * H, 20 * H),
        **kwargs) -> Job:
    door_point = DOORS[door] if isinstance(door, int) else door
    return Job(id, shop, door_point, size, pickup, delivery, 60, 120, **kwargs)


def travel(a: Point, b: Point) -> tuple[int, int]:
    table = MATRIX.table([a, b])
    return int(table.durations[0, 1]), int(table.distances[0, 1])


def check(problem: Problem, result: Plan) -> None:
    """Recompute every tour; raise AssertionError on the first rule a plan breaks."""
    jobs = {j.id: j for j in problem.jobs}
    bikes = {b.id: b for b in problem.bikes}
    hubs = {h.id: h for h in problem.hubs}
    locks = {lock.bike_id: list(lock.stops) for lock in problem.locks}
    seen: dict[tuple, str] = {}
    for bike_id, tour in result.tours.items():
        b = bikes[bike_id]
        if b.start_point is not None:
            assert tour.start_point == b.start_point and tour.departure == b.start_time, "started tour moved"
        else:
            assert tour.start_point == hubs[b.start_hub].point
            assert tour.departure >= max(b.shift_start, problem.now or 0), "left before the shift"
        on_board = {j.id for j in problem.jobs if j.picked_up and j.bike == bike_id}
        load = [sum(jobs[i].size[0] for i in on_board), sum(jobs[i].size[1] for i in on_board)]
        assert tuple(load) == tour.load_at_start
        t, at, distance = tour.departure, tour.start_point, 0
        for position, stop in enumerate(tour.stops):
            j = jobs[stop.job_id]
            assert stop.key not in seen, f"{stop.key} planned twice"
            seen[stop.key] = bike_id
            point, window, service = ((j.pickup, j.pickup_window, j.pickup_service) if stop.kind == PICKUP
                                      else (j.delivery, j.delivery_window, j.delivery_service))
            assert stop.point == point
            seconds, metres = travel(at, point)
            assert stop.arrival == t + seconds, f"{stop.key}: arrival {stop.arrival} != {t} + {seconds}"
            assert stop.start >= stop.arrival and window[0] <= stop.start <= window[1], f"{stop.key} outside window"
            assert stop.departure == stop.start + service
            if stop.kind == PICKUP:
                assert not j.picked_up and stop.job_id not in on_board
                on_board.add(stop.job_id)
                load = [load[0] + j.size[0], load[1] + j.size[1]]
            else:
                assert stop.job_id in on_board, f"{stop.key}: delivered without being on board"
                on_board.remove(stop.job_id)
                load = [load[0] - j.size[0], load[1] - j.size[1]]
            assert tuple(load) == stop.load_after
            assert load[0] <= b.capacity[0] and load[1] <= b.capacity[1], f"{bike_id} overloaded at {stop.key}"
            if j.bike is not None:
                assert j.bike == bike_id, f"{stop.key} is bound to {j.bike}, planned on {bike_id}"
            if bike_id in locks and position < len(locks[bike_id]):
                assert stop.key == tuple(locks[bike_id][position]) and stop.locked
            else:
                assert not stop.locked
            t, at, distance = stop.departure, point, distance + metres
        if bike_id in locks:
            assert len(tour.stops) >= len(locks[bike_id]), "locked stops dropped"
        end = hubs[b.end_hub if b.end_hub is not None else b.start_hub].point
        seconds, metres = travel(at, end)
        assert tour.arrival >= t + seconds and tour.arrival <= b.shift_end, f"{bike_id} back too late"
        assert tour.distance == distance + metres
        stranded = on_board - {i for i, r in result.unassigned.items() if jobs[i].picked_up}
        assert not stranded, f"{bike_id} ends with undelivered parcels {stranded}"
    for j in problem.jobs:
        planned = [(k in seen) for k in ((j.id, PICKUP), (j.id, DELIVERY)) if not (j.picked_up and k[1] == PICKUP)]
        if j.id in result.unassigned:
            assert not any(planned), f"job {j.id} unassigned but planned"
        else:
            assert all(planned), f"job {j.id} neither planned nor unassigned"
        if (j.id, PICKUP) in seen and (j.id, DELIVERY) in seen:
            assert seen[(j.id, PICKUP)] == seen[(j.id, DELIVERY)], f"job {j.id} changes bike"
    assert result.distance == sum(t.distance for t in result.tours.values())
    assert result.duration == sum(t.arrival - t.departure for t in result.tours.values())


def order(result: Plan, bike_id) -> list[tuple]:
    return [stop.key for stop in result.tours[bike_id].stops]


# --- the basic rules -------------------------------------------------------------------


def test_a_day_plan_serves_every_job_with_pickups_first_on_the_same_bike():
    problem = Problem(hubs=[WEST_HUB, EAST_HUB], bikes=[bike("b1"), bike("b2", EAST_HUB)],
                      jobs=[job(k, SHOP_A if k % 2 else SHOP_B, door=k) for k in range(10)])
    result = plan(problem, time_limit=0.3, seed=1)
    check(problem, result)
    assert result.feasible and result.complete
    assert sorted(key for _bike, stop in result.stops() for key in [stop.key]) == sorted(
        (k, kind) for k in range(10) for kind in (PICKUP, DELIVERY))
    for bike_id in result.tours:
        keys = order(result, bike_id)
        for job_id, kind in keys:
            if kind == DELIVERY:
                assert keys.index((job_id, PICKUP)) < keys.index((job_id, DELIVERY))


def test_the_check_catches_a_plan_that_breaks_the_rules():
    """Negative control: the same plan with one job's delivery before its pickup, and
    with a stop's time moved, must fail the independent check."""
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1")], jobs=[job(1, door=3), job(2, door=5)])
    result = plan(problem, time_limit=1, first_feasible=True)
    check(problem, result)
    tour = result.tours["b1"]
    stops = list(tour.stops)
    p, d = stops.index(next(s for s in stops if s.key == (1, PICKUP))), stops.index(
        next(s for s in stops if s.key == (1, DELIVERY)))
    stops[p], stops[d] = stops[d], stops[p]
    swapped = dataclasses.replace(result, tours={"b1": dataclasses.replace(tour, stops=tuple(stops))})
    with pytest.raises(AssertionError):
        check(problem, swapped)
    late = list(tour.stops)
    late[0] = dataclasses.replace(late[0], arrival=late[0].arrival + 60)
    with pytest.raises(AssertionError):
        check(problem, dataclasses.replace(result, tours={"b1": dataclasses.replace(tour, stops=tuple(late))}))


def test_time_windows_decide_the_order():
    # Same shop; door 0 is far from door 9, and the windows say: door 9 first, then door 0.
    late = job("late", door=0, delivery=(17 * H + 1800, 17 * H + 2400))
    early = job("early", door=9, delivery=(16 * H, 16 * H + 600))
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1")], jobs=[late, early])
    result = plan(problem, time_limit=0.3)
    check(problem, result)
    stops = {stop.key: stop for _bike, stop in result.stops()}
    assert 16 * H <= stops[("early", DELIVERY)].start <= 16 * H + 600
    assert 17 * H + 1800 <= stops[("late", DELIVERY)].start <= 17 * H + 2400
    assert stops[("late", DELIVERY)].wait > 0  # it arrived early and waited for the window


@pytest.mark.parametrize("dimension", [0, 1])
def test_capacity_holds_in_volume_and_in_weight(dimension):
    # Three parcels from one shop, two never fit together: the bike rides three times.
    capacity = (50, 120_000) if dimension == 0 else (300, 10_000)
    size = (30, 1000) if dimension == 0 else (5, 6000)
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1", capacity=capacity)],
                      jobs=[job(k, door=2 * k, size=size) for k in range(3)])
    result = plan(problem, time_limit=0.3)
    check(problem, result)
    assert result.complete
    kinds = [kind for _job, kind in order(result, "b1")]
    assert kinds == [PICKUP, DELIVERY] * 3
    assert max(stop.load_after[dimension] for _bike, stop in result.stops()) == size[dimension]


def test_the_shift_end_holds_and_what_does_not_fit_is_named():
    # A 40-minute shift: not all six jobs fit; what is planned is back by 15:40.
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1", shift=(15 * H, 15 * H + 2400))],
                      jobs=[job(k, door=k, delivery=(15 * H, 20 * H)) for k in range(6)])
    result = plan(problem, time_limit=1)
    check(problem, result)
    assert result.feasible
    assert result.tours["b1"].arrival <= 15 * H + 2400
    assert result.unassigned and set(result.unassigned.values()) == {NO_ROOM}
    assert len(result.unassigned) + len(result.tours["b1"].stops) // 2 == 6


def test_an_impossible_job_is_named_and_the_rest_is_planned():
    too_big = job("too-big", door=1, size=(400, 1000))  # no bike has 400 litres
    too_early = job("too-early", door=2, pickup=(15 * H, 15 * H + 60), delivery=(15 * H, 15 * H + 120))
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1"), bike("b2")],
                      jobs=[too_big, too_early] + [job(k, door=k) for k in range(3, 8)])
    result = plan(problem, time_limit=1, first_feasible=True)
    check(problem, result)
    assert result.unassigned == {"too-big": IMPOSSIBLE, "too-early": IMPOSSIBLE}
    assert {stop.job_id for _bike, stop in result.stops()} == set(range(3, 8))
    assert result.feasible


def test_fewest_bikes_first():
    # Two bikes at the same hub, four easy jobs: one bike does them all.
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1"), bike("b2"), bike("b3")],
                      jobs=[job(k, door=k) for k in range(4)])
    result = plan(problem, time_limit=0.5)
    check(problem, result)
    assert result.bikes_used == 1
    # Two deliveries at the same minute at doors 3 km apart need two bikes.
    problem = Problem(hubs=[WEST_HUB, EAST_HUB], bikes=[bike("b1"), bike("b2", EAST_HUB)],
                      jobs=[job("w", door=Point(49.8725, 8.6290), delivery=(16 * H, 16 * H + 120)),
                            job("e", door=Point(49.8705, 8.6720), delivery=(16 * H, 16 * H + 120))])
    result = plan(problem, time_limit=0.5)
    check(problem, result)
    assert result.bikes_used == 2 and result.complete


def test_bikes_leave_no_earlier_than_now_and_may_end_at_another_hub():
    problem = Problem(hubs=[WEST_HUB, EAST_HUB], bikes=[bike("b1", end_hub="east")],
                      jobs=[job(1, door=4), job(2, door=6)], now=17 * H)
    result = plan(problem, time_limit=0.3)
    check(problem, result)
    tour = result.tours["b1"]
    assert tour.departure >= 17 * H and tour.end_hub == "east"


def test_an_over_booked_day_still_gives_a_feasible_plan_with_the_rest():
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1", capacity=(40, 120_000), shift=(16 * H, 17 * H))],
                      jobs=[job(k, SHOP_A if k % 2 else SHOP_B, door=k % 16, delivery=(16 * H, 17 * H))
                            for k in range(24)])
    result = plan(problem, time_limit=1.5)
    check(problem, result)
    assert result.feasible and 0 < len(result.unassigned) < 24
    assert set(result.unassigned.values()) == {NO_ROOM}


# --- started tours, bound parcels, locks -----------------------------------------------


NEAR_EAST = Point(49.8702, 8.6690)  # a door beside the east hub


def test_a_started_tour_goes_on_from_where_the_bike_is_with_its_parcels():
    here = Point(49.8800, 8.6350)
    on_board = job("on-board", door=NEAR_EAST, size=(20, 5000), picked_up=True, bike="out")
    bound = job("bound", shop=Point(49.8710, 8.6680), door=Point(49.8695, 8.6705), bike="out")
    problem = Problem(hubs=[WEST_HUB, EAST_HUB],
                      bikes=[bike("out", start_point=here, start_time=17 * H), bike("idle", EAST_HUB)],
                      jobs=[on_board, bound, job("free", door=3)], now=17 * H)
    result = plan(problem, time_limit=1, first_feasible=True)
    check(problem, result)
    tour = result.tours["out"]
    assert tour.start_point == here and tour.departure == 17 * H
    assert tour.load_at_start == (20, 5000)
    assert ("on-board", DELIVERY) in order(result, "out")
    assert ("on-board", PICKUP) not in dict(result.assignment())
    assert {("bound", PICKUP), ("bound", DELIVERY)} <= set(order(result, "out"))


def test_a_bound_job_stays_on_its_bike_against_the_cheaper_choice():
    """The started bike is out anyway (no fixed cost) and beside the job's shop and
    door: unbound, the job goes to it (control); bound to the idle bike at the other
    hub, the idle bike rides out for it."""
    here = Point(49.8800, 8.6350)
    busy = job("busy", door=Point(49.8805, 8.6340), picked_up=True, bike="out")
    free = job("job", shop=Point(49.8795, 8.6345), door=Point(49.8810, 8.6360), delivery=(17 * H, 18 * H))
    problem = Problem(hubs=[WEST_HUB, EAST_HUB],
                      bikes=[bike("out", start_point=here, start_time=17 * H), bike("idle", EAST_HUB)],
                      jobs=[busy, free], now=17 * H)
    result = plan(problem, time_limit=0.5)
    check(problem, result)
    assert result.assignment()[("job", PICKUP)] == "out" and result.bikes_used == 1
    bound_problem = dataclasses.replace(problem, jobs=[busy, dataclasses.replace(free, bike="idle")])
    bound = plan(bound_problem, time_limit=0.5)
    check(bound_problem, bound)
    assert bound.assignment()[("job", PICKUP)] == "idle" == bound.assignment()[("job", DELIVERY)]
    assert bound.assignment()[("busy", DELIVERY)] == "out"


def test_an_on_board_parcel_that_cannot_be_delivered_stays_on_board_and_is_named():
    late = job("late", door=NEAR_EAST, size=(250, 1000), delivery=(15 * H, 16 * H), picked_up=True, bike="out")
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("out", start_point=Point(49.88, 8.64), start_time=17 * H)],
                      jobs=[late, job("big", door=2, size=(60, 1000)), job("small", door=3, size=(40, 1000))],
                      now=17 * H)
    result = plan(problem, time_limit=0.3)
    check(problem, result)
    # 250 litres stay on board to the hub: 60 more do not fit (300 litres), 40 do.
    assert result.unassigned == {"late": IMPOSSIBLE, "big": IMPOSSIBLE}
    assert result.tours["out"].load_at_start == (250, 1000)
    assert [stop.load_after for stop in result.tours["out"].stops] == [(290, 2000), (250, 1000)]


def test_parcels_on_board_whose_windows_exclude_each_other():
    """Two parcels on board, both due at 17:00-17:05, 3 km apart: one can be
    delivered. The other stays on board, so a 200-litre job no longer fits (150 + 200 >
    300 litres), though it would after delivering both."""
    west = job("west", door=Point(49.8725, 8.6290), size=(150, 1000), delivery=(17 * H, 17 * H + 300),
               picked_up=True, bike="out")
    east = job("east", door=Point(49.8705, 8.6720), size=(150, 1000), delivery=(17 * H, 17 * H + 300),
               picked_up=True, bike="out")
    big = job("big", door=5, size=(200, 1000), pickup=(17 * H, 19 * H), delivery=(17 * H, 20 * H))
    problem = Problem(hubs=[WEST_HUB], jobs=[west, east, big], now=17 * H - 600,
                      bikes=[bike("out", start_point=Point(49.8715, 8.6505), start_time=17 * H - 600)])
    result = plan(problem, time_limit=1)
    check(problem, result)
    assert result.feasible
    assert len({"west", "east"} & set(result.unassigned)) == 1 and result.unassigned["big"] == NO_ROOM
    assert result.tours["out"].load_at_start == (300, 2000)


def test_locked_stops_keep_their_bike_and_order_when_new_jobs_come():
    jobs = [job(k, SHOP_A if k < 3 else SHOP_B, door=k) for k in range(6)]
    problem = Problem(hubs=[WEST_HUB, EAST_HUB], bikes=[bike("b1"), bike("b2", EAST_HUB)], jobs=jobs)
    first = plan(problem, time_limit=0.5)
    check(problem, first)
    # The dispatcher fixes an order for b2 the solver would not choose: 5's pickup and
    # delivery, then 4's pickup (its delivery stays open, but 4 is on b2 now).
    lock = Lock("b2", ((5, PICKUP), (5, DELIVERY), (4, PICKUP)))
    new_jobs = [job(k, SHOP_B, door=k) for k in range(6, 10)]
    replan = dataclasses.replace(problem, jobs=jobs + new_jobs, locks=[lock])
    second = plan(replan, time_limit=0.5, warm_start=first)
    check(replan, second)
    keys = order(second, "b2")
    assert keys[:3] == [(5, PICKUP), (5, DELIVERY), (4, PICKUP)]
    assert all(stop.locked for stop in second.tours["b2"].stops[:3])
    assert (4, DELIVERY) in keys[3:]
    assert second.complete and second.feasible
    # The locked prefix is scheduled at the earliest: leave at the shift start.
    prefix = second.tours["b2"].stops
    seconds, _metres = travel(EAST_HUB.point, SHOP_B)
    assert second.tours["b2"].departure == 15 * H and prefix[0].arrival == 15 * H + seconds


def test_a_lock_that_breaks_the_rules_is_refused():
    jobs = [job(1, door=1), job(2, door=2, picked_up=True, bike="b1")]
    base = Problem(hubs=[WEST_HUB], bikes=[bike("b1"), bike("b2")], jobs=jobs)
    bad_locks = [
        [Lock("b1", ((1, DELIVERY),))],  # delivery before its pickup
        [Lock("b1", ((2, PICKUP),))],  # picked up already
        [Lock("b2", ((2, DELIVERY),))],  # on board of b1, not b2
        [Lock("b1", ((1, PICKUP),)), Lock("b2", ((1, PICKUP),))],  # on two bikes
        [Lock("b9", ((1, PICKUP),))],  # unknown bike
        [Lock("b1", ((7, PICKUP),))],  # unknown job
        [Lock("b1", ((1, "collect"),))],  # unknown kind
    ]
    for locks in bad_locks:
        with pytest.raises(PlanningInputError):
            plan(dataclasses.replace(base, locks=locks), time_limit=0.1)
    plan(dataclasses.replace(base, locks=[Lock("b1", ((2, DELIVERY), (1, PICKUP)))]), time_limit=0.1)


@pytest.mark.parametrize("change", [
    {"hubs": []},
    {"bikes": [Bike("b1", (300, 1000), 15 * H, 21 * H, "nowhere")]},
    {"bikes": [Bike("b1", (300, 1000), 21 * H, 15 * H, "west")]},
    {"bikes": [Bike("b1", (300, 1000), 15 * H, 21 * H, "west", start_point=Point(49.87, 8.65))]},
    {"jobs": [Job(1, SHOP_A, DOORS[0], (10, 1000), (16 * H, 15 * H))]},
    {"jobs": [Job(1, SHOP_A, DOORS[0], (-1, 1000))]},
    {"jobs": [Job(1, SHOP_A, DOORS[0], (1, 1000), picked_up=True)]},
    {"jobs": [job(1), job(1, door=2)]},
])
def test_a_problem_that_contradicts_itself_is_refused(change):
    base = Problem(hubs=[WEST_HUB], bikes=[bike("b1")], jobs=[job(1)])
    with pytest.raises(PlanningInputError):
        plan(dataclasses.replace(base, **change), time_limit=0.1)


def test_first_feasible_stops_early():
    problem = Problem(hubs=[WEST_HUB], bikes=[bike("b1"), bike("b2")], jobs=[job(k, door=k) for k in range(8)])
    result = plan(problem, time_limit=20, first_feasible=True)
    check(problem, result)
    assert result.complete and result.feasible
    assert result.runtime < 10  # far below the limit: it stopped at the first complete plan


# --- moved stops -----------------------------------------------------------------------


def _tour(bike_id, keys) -> Tour:
    stops = tuple(PlannedStop(job_id, kind, SHOP_A, 0, 0, 0, (0, 0)) for job_id, kind in keys)
    return Tour(bike_id, SHOP_A, 0, "west", 0, stops, 0, (0, 0))


def _plan(tours, unassigned=None) -> Plan:
    return Plan(tours={bike_id: _tour(bike_id, keys) for bike_id, keys in tours.items()},
                unassigned=unassigned or {}, distance=0, duration=0, feasible=True, runtime=0, elapsed=0)


def test_moved_stops_counts_changes_of_bike_and_order_not_insertions():
    p, d = PICKUP, DELIVERY
    before = _plan({"b1": [(1, p), (1, d), (2, p), (2, d)], "b2": [(3, p), (3, d)]})
    inserted = _plan({"b1": [(1, p), (9, p), (1, d), (2, p), (9, d), (2, d)], "b2": [(3, p), (3, d)]})
    assert inserted.moved_stops(before) == 0
    swapped = _plan({"b1": [(2, p), (2, d), (1, p), (1, d)], "b2": [(3, p), (3, d)]})
    assert swapped.moved(before) == {(2, p), (1, p)}
    other_bike = _plan({"b1": [(1, p), (1, d)], "b2": [(3, p), (3, d), (2, p), (2, d)]})
    assert other_bike.moved(before) == {(2, p), (2, d)}
    dropped = _plan({"b1": [(1, p), (1, d)], "b2": [(3, p), (3, d)]}, unassigned={2: NO_ROOM})
    assert dropped.moved(before) == {(2, p), (2, d)}
    done = _plan({"b1": [(2, p), (2, d)], "b2": [(3, d)]})  # 1 delivered, 3 picked up: gone, not moved
    assert done.moved_stops(before) == 0

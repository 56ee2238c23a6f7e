"""City delivery benchmark: a same-day delivery afternoon in Darmstadt for the tour planner.

200 orders from 40 shops, 10 cargo bikes (300 l, 120 kg, shift 15:00-21:00) at two hubs,
delivery windows 16-18 and 18-20 (half each), shops hand parcels over from 15:00 until
30 minutes before the window ends; pickup 2 minutes, delivery 3 minutes; positions
within a few km of 49.872 N, 8.651 E; straight lines x 1.3 at 15 km/h.

1. Time to the first feasible plan (every order served; goal <= 10 s), and its cost
   against a long run (default 120 s, `--long`).
2. Re-planning at 17:00 into started tours: the long run's plan is the day's plan; at
   17:00 every bike has done the stops it left before 17:00 (parcels picked up and not
   delivered are on board), rides to its next stop (locked), and 20 new orders come
   (window 18-20). Re-planned from the day's plan (warm start): the time to the first
   feasible re-plan and after `--replan` seconds, and how many of the still planned
   stops moved (another bike, or another order among the old stops; inserting new
   stops between them is no move).

    .venv/bin/python bench/delivery_city.py                  # 120 s long run, 30 s re-plan
    .venv/bin/python bench/delivery_city.py --long 20 --replan 5
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from digitalstadt.delivery.planner import (  # noqa: E402
    PICKUP,
    Bike,
    Hub,
    Job,
    Lock,
    Plan,
    Point,
    Problem,
    plan,
)

H = 3600
CENTRE = (49.872, 8.651)


def _point(rng: random.Random, spread_km: float) -> Point:
    # within a disc of `spread_km` (uniform by area)
    radius, angle = spread_km * rng.random() ** 0.5, rng.uniform(0, 2 * math.pi)
    return Point(CENTRE[0] + radius * math.sin(angle) / 111.2,
                 CENTRE[1] + radius * math.cos(angle) / (111.2 * math.cos(math.radians(CENTRE[0]))))


def city(*, orders: int, shops: int, bikes: int, seed: int) -> Problem:
    rng = random.Random(seed)
    hubs = [Hub("Hub West", Point(49.8730, 8.6280)), Hub("Hub Ost", Point(49.8690, 8.6720))]
    shop_points = [_point(rng, 1.5) for _ in range(shops)]
    fleet = [Bike(f"Rad {k + 1:02d}", (300, 120_000), 15 * H, 21 * H, hubs[k % 2].id) for k in range(bikes)]
    jobs = [_order(rng, f"A{k + 1:03d}", shop_points, early=k % 2 == 0) for k in range(orders)]
    return Problem(hubs=hubs, bikes=fleet, jobs=jobs)


def _order(rng: random.Random, id: str, shop_points: list[Point], *, early: bool, opens: int = 15 * H) -> Job:
    window = (16 * H, 18 * H) if early else (18 * H, 20 * H)
    return Job(id, rng.choice(shop_points), _point(rng, 3.0), (rng.randint(3, 40), rng.randint(300, 9000)),
               (opens, window[1] - 1800), window, 120, 180)


def describe(result: Plan) -> str:
    return (f"{result.bikes_used} bikes, {result.distance / 1000:.1f} km, {result.duration / 3600:.2f} h on the road, "
            f"{len(result.unassigned)} unassigned, feasible {result.feasible}")


def at_time(problem: Problem, day: Plan, now: int) -> tuple[Problem, int]:
    """The day at `now`: stops left before `now` are done; a bike on its way rides from
    its last stop to its next one (locked); parcels picked up and not delivered are on
    board. Returns the problem (without new orders) and the number of pending stops."""
    jobs = {job.id: job for job in problem.jobs}
    delivered: set = set()
    on_board: dict = {}
    bikes, locks, pending = [], [], 0
    for bike in problem.bikes:
        tour = day.tours.get(bike.id)
        if tour is None or tour.departure >= now:
            bikes.append(bike)
            pending += len(tour.stops) if tour else 0
            continue
        done = [stop for stop in tour.stops if stop.departure <= now]
        rest = [stop for stop in tour.stops if stop.departure > now]
        pending += len(rest)
        for stop in done:
            if stop.kind == PICKUP:
                on_board[stop.job_id] = bike.id
            else:
                delivered.add(stop.job_id)
                on_board.pop(stop.job_id, None)
        point, left = (done[-1].point, done[-1].departure) if done else (tour.start_point, tour.departure)
        bikes.append(dataclasses.replace(bike, start_point=point, start_time=left))
        if rest:
            locks.append(Lock(bike.id, ((rest[0].job_id, rest[0].kind),)))
    remaining = [dataclasses.replace(job, picked_up=True, bike=on_board[job.id]) if job.id in on_board else job
                 for job in jobs.values() if job.id not in delivered]
    return Problem(hubs=problem.hubs, bikes=bikes, jobs=remaining, locks=locks, now=now), pending


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--shops", type=int, default=40)
    parser.add_argument("--bikes", type=int, default=10)
    parser.add_argument("--new-orders", type=int, default=20)
    parser.add_argument("--long", type=float, default=120.0, help="seconds of the long run")
    parser.add_argument("--first-limit", type=float, default=60.0, help="cap of the first-feasible runs")
    parser.add_argument("--replan", type=float, default=30.0, help="seconds of the full re-plan")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} at the start on {os.cpu_count()} cores")
    problem = city(orders=args.orders, shops=args.shops, bikes=args.bikes, seed=args.seed)
    print(f"{args.orders} orders from {args.shops} shops, {args.bikes} bikes at 2 hubs")

    first = plan(problem, time_limit=args.first_limit, seed=args.seed, first_feasible=True)
    ok = first.complete and first.feasible
    print(f"first feasible plan: {first.elapsed:.2f} s (solver {first.runtime:.2f} s, matrix and model "
          f"{first.elapsed - first.runtime:.2f} s): {describe(first)}")
    print(f"  goal <= 10 s to the first feasible plan: {'met' if ok and first.elapsed <= 10 else 'NOT met'}")
    day = plan(problem, time_limit=args.long, seed=args.seed)
    print(f"long run ({args.long:g} s): {describe(day)}")
    cost_first, cost_day = first.distance + first.duration, day.distance + day.duration
    print(f"  first feasible vs long run: {first.bikes_used - day.bikes_used:+d} bikes, "
          f"distance {100 * (first.distance / day.distance - 1):+.1f} %, "
          f"duration {100 * (first.duration / day.duration - 1):+.1f} %, "
          f"routing cost (m + s) {100 * (cost_first / cost_day - 1):+.1f} %")

    now = 17 * H
    midday, pending = at_time(problem, day, now)
    rng = random.Random(args.seed + 1000)
    shop_points = sorted({job.pickup for job in problem.jobs}, key=lambda p: (p.lat, p.lon))
    new = [_order(rng, f"N{k + 1:03d}", shop_points, early=False, opens=now) for k in range(args.new_orders)]
    replan_problem = dataclasses.replace(midday, jobs=list(midday.jobs) + new)
    started = sum(1 for bike in midday.bikes if bike.start_point is not None)
    carried = sum(1 for job in midday.jobs if job.picked_up)
    print(f"re-plan at 17:00: {started} bikes out, {carried} parcels on board, {len(midday.locks)} next stops "
          f"locked, {pending} stops pending, {args.new_orders} new orders")
    for label, limit, first_only in (("first feasible re-plan", args.first_limit, True),
                                     (f"re-plan ({args.replan:g} s)", args.replan, False)):
        again = plan(replan_problem, time_limit=limit, seed=args.seed, first_feasible=first_only, warm_start=day)
        moved = again.moved(day)
        print(f"{label}: {again.elapsed:.2f} s, {describe(again)}; moved stops {len(moved)} of {pending} pending "
              f"({100 * len(moved) / max(1, pending):.0f} %)")
        cold = plan(replan_problem, time_limit=limit, seed=args.seed, first_feasible=first_only)
        print(f"  without the warm start: {cold.elapsed:.2f} s, {describe(cold)}; moved stops "
              f"{cold.moved_stops(day)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

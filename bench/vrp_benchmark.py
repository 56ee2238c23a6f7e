"""Routing benchmark: our planner (PyVRP 0.14) against OR-Tools and VROOM on public instances.

Solomon VRPTW (C101, C201, R101, R201, RC101, RC208) and Li & Lim PDPTW (lc101, lr101,
lrc101) from /work/shared/data/vrp (or BENCH_VRP_DATA). All solvers get the same
integer matrices: distances are the Euclidean distances x 1000, rounded; travel times
are the same x 1000, rounded up (so a route feasible for a solver is feasible in
exact arithmetic); time windows and service times x 1000. The objective is
hierarchical, as in the best-known table: fewest vehicles first (a fixed cost per
vehicle larger than any distance), then distance. Each returned route is then checked
and measured again in double precision (Euclidean, unrounded).

- "planner": the Li & Lim instances go through `delivery.planner.plan()` itself (a
  pickup-and-delivery job is exactly a Job; the points are the instance's coordinates
  and a matrix provider returns the Euclidean matrix); the Solomon instances (deliveries
  from the depot, which the planner's shop-to-door jobs do not have) are built as
  PyVRP clients: PyVRP's `minimise_fleet` for a third of the time, then the planner's
  own solver loop (`planner.run_solver`) with that fleet for the rest.
- "ortools": routing library, guided local search, the same time limit.
- "vroom": pyvroom, exploration level 5, one thread, the time limit as its timeout
  (it usually stops earlier by itself; its time is reported).

    .venv/bin/python bench/vrp_benchmark.py                       # 30 s per instance and solver
    .venv/bin/python bench/vrp_benchmark.py --seconds 3 --instances C101,lc101
    .venv/bin/python bench/vrp_benchmark.py --solvers planner,vroom

Solvers run one after another (one thread each), never in parallel.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATA = Path(os.environ.get("BENCH_VRP_DATA", "/work/shared/data/vrp"))
SCALE = 1000
VEHICLE_COST = 10_000_000  # scaled units: 10,000 distance units, more than any route set here

# Best known (vehicles, distance), hierarchical objective, double precision (data README).
BEST_KNOWN = {
    "C101": (10, 828.94), "R101": (19, 1650.80), "RC101": (14, 1696.94), "C201": (3, 591.56),
    "R201": (4, 1252.37), "RC208": (3, 828.14), "lc101": (10, 828.94), "lr101": (19, 1650.80),
    "lrc101": (14, 1708.80),
    "R1_10_1": (95, 53026.1),  # Gehring & Homberger, 1000 customers, DIMACS convention; not in the default run
}
DEFAULT_INSTANCES = ["C101", "C201", "R101", "R201", "RC101", "RC208", "lc101", "lr101", "lrc101"]
SOLVERS = ["planner", "ortools", "vroom"]


# --- instances -------------------------------------------------------------------------


@dataclass
class Instance:
    name: str
    kind: str  # "vrptw" or "pdptw"
    vehicles: int
    capacity: int
    xy: np.ndarray  # node 0 is the depot
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (pickup node, delivery node)
    dimacs: bool = False  # distances truncated to one decimal (the convention of R1_10_1's best known)

    @property
    def n(self) -> int:
        return len(self.xy)

    def euclid(self) -> np.ndarray:
        diff = self.xy[:, None, :] - self.xy[None, :, :]
        exact = np.sqrt((diff ** 2).sum(axis=2))
        return np.floor(exact * 10 + 1e-9) / 10 if self.dimacs else exact

    def scaled(self) -> tuple[np.ndarray, np.ndarray]:
        if self.dimacs:  # multiples of 0.1: exact integers once scaled
            exact = np.rint(self.euclid() * SCALE)
            return exact.astype(np.int64), exact.astype(np.int64)
        exact = self.euclid() * SCALE
        distances = np.rint(exact).astype(np.int64)
        durations = np.ceil(exact - 1e-7).astype(np.int64)
        np.fill_diagonal(distances, 0)
        np.fill_diagonal(durations, 0)
        return distances, durations


def read_solomon(path: Path) -> Instance:
    lines = [line.split() for line in path.read_text().splitlines()]
    numbers = [row for row in lines if row and all(_is_number(v) for v in row)]
    vehicles, capacity = (int(v) for v in numbers[0])
    rows = np.array([[float(v) for v in row] for row in numbers[1:] if len(row) == 7])
    return Instance(path.stem, "vrptw", vehicles, capacity, rows[:, 1:3], rows[:, 3].astype(int),
                    rows[:, 4].astype(int), rows[:, 5].astype(int), rows[:, 6].astype(int))


def read_li_lim(path: Path) -> Instance:
    rows = [[float(v) for v in line.split()] for line in path.read_text().splitlines() if line.strip()]
    vehicles, capacity = int(rows[0][0]), int(rows[0][1])
    nodes = np.array(rows[1:])
    assert (nodes[:, 0] == np.arange(len(nodes))).all(), "Li & Lim nodes must be numbered 0..n"
    pairs = [(int(row[0]), int(row[8])) for row in nodes[1:] if row[3] > 0]
    return Instance(path.stem, "pdptw", vehicles, capacity, nodes[:, 1:3], nodes[:, 3].astype(int),
                    nodes[:, 4].astype(int), nodes[:, 5].astype(int), nodes[:, 6].astype(int), pairs)


def read_vrplib(path: Path) -> Instance:
    import vrplib

    raw = vrplib.read_instance(str(path), compute_edge_weights=False)
    service = np.asarray(raw["service_time"], dtype=float)
    service = np.full(len(raw["node_coord"]), float(service)) if service.ndim == 0 else service
    service[0] = 0
    windows = np.asarray(raw["time_window"], dtype=int)
    return Instance(path.stem, "vrptw", int(raw["vehicles"]), int(raw["capacity"]),
                    np.asarray(raw["node_coord"], dtype=float), np.asarray(raw["demand"], dtype=int),
                    windows[:, 0], windows[:, 1], service.astype(int), dimacs=True)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def load(name: str) -> Instance:
    if (DATA / f"{name}.vrp").exists():
        return read_vrplib(DATA / f"{name}.vrp")
    path = DATA / f"{name}.txt"
    with path.open() as handle:
        first = handle.readline().split()
    return read_li_lim(path) if len(first) == 3 and all(_is_number(v) for v in first) else read_solomon(path)


# --- checking a solution in double precision -------------------------------------------


@dataclass
class Outcome:
    solver: str
    routes: list[list[int]]
    seconds: float
    vehicles: int = 0
    distance: float = math.inf
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def evaluate(instance: Instance, outcome: Outcome) -> Outcome:
    euclid = instance.euclid()
    routes = [route for route in outcome.routes if route]
    served = [node for route in routes for node in route]
    expected = set(range(1, instance.n))
    if sorted(served) != sorted(expected):
        missing = len(expected - set(served))
        outcome.problems.append(f"{missing} nodes unserved" if missing else "a node served twice")
    delivery_of = dict(instance.pairs)
    total = 0.0
    for route in routes:
        t, at, position = float(instance.ready[0]), 0, {}
        # VRPTW: everything is loaded at the depot; PDPTW: signed demands along the route.
        load = int(sum(instance.demand[v] for v in route)) if instance.kind == "vrptw" else 0
        for k, node in enumerate(route):
            t = max(t + euclid[at, node], float(instance.ready[node]))
            if t > instance.due[node] + 1e-9:
                outcome.problems.append(f"node {node} late ({t:.3f} > {instance.due[node]})")
            t += instance.service[node]
            load += -int(instance.demand[node]) if instance.kind == "vrptw" else int(instance.demand[node])
            if load > instance.capacity or load < 0 or (k == 0 and instance.kind == "vrptw"
                                                         and load + instance.demand[node] > instance.capacity):
                outcome.problems.append(f"load {load} at node {node}")
            total += euclid[at, node]
            position[node] = k
            at = node
        total += euclid[at, 0]
        if t + euclid[at, 0] > instance.due[0] + 1e-9:
            outcome.problems.append("back at the depot too late")
        for pickup, delivery in instance.pairs:
            if pickup in position and (delivery not in position or position[delivery] < position[pickup]):
                outcome.problems.append(f"pair {pickup}->{delivery} broken")
        if instance.kind == "pdptw":
            for node in route:
                if node in delivery_of and delivery_of[node] not in position:
                    outcome.problems.append(f"pair {node} split")
    outcome.vehicles = len(routes)
    outcome.distance = total
    return outcome


# --- our planner -----------------------------------------------------------------------


class EuclideanProvider:
    """Matrix provider for the planner: the instance's coordinates hide in Points
    (lat = y / 1000, lon = x / 1000), the table is the scaled Euclidean matrix."""

    id = "euclid"

    def table(self, points):
        from digitalstadt.delivery.matrix import TravelMatrix

        xy = np.array([[p.lon * 1000, p.lat * 1000] for p in points])
        exact = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)) * SCALE
        distances, durations = np.rint(exact).astype(np.int64), np.ceil(exact - 1e-7).astype(np.int64)
        np.fill_diagonal(distances, 0)
        np.fill_diagonal(durations, 0)
        return TravelMatrix(durations=durations, distances=distances)


def solve_planner(instance: Instance, seconds: float, seed: int) -> Outcome:
    started = time.perf_counter()
    if instance.kind == "pdptw":
        routes = _planner_pdptw(instance, seconds, seed)
    else:
        routes = _planner_vrptw(instance, seconds, seed)
    return Outcome("planner", routes, time.perf_counter() - started)


def _planner_pdptw(instance: Instance, seconds: float, seed: int) -> list[list[int]]:
    from digitalstadt.delivery import planner as P

    def point(node: int) -> P.Point:
        return P.Point(instance.xy[node, 1] / 1000, instance.xy[node, 0] / 1000)

    def window(node: int) -> tuple[int, int]:
        return (int(instance.ready[node]) * SCALE, int(instance.due[node]) * SCALE)

    jobs = [P.Job(pickup, point(pickup), point(delivery), (int(instance.demand[pickup]), 0), window(pickup),
                  window(delivery), int(instance.service[pickup]) * SCALE, int(instance.service[delivery]) * SCALE)
            for pickup, delivery in instance.pairs]
    bikes = [P.Bike(k, (instance.capacity, 0), int(instance.ready[0]) * SCALE, int(instance.due[0]) * SCALE, "depot")
             for k in range(instance.vehicles)]
    problem = P.Problem(hubs=[P.Hub("depot", point(0))], bikes=bikes, jobs=jobs,
                        costs=P.Costs(per_metre=1, per_second=0, bike=VEHICLE_COST))
    result = P.plan(problem, time_limit=seconds, seed=seed, matrix=EuclideanProvider())
    delivery_of = dict(instance.pairs)
    return [[stop.job_id if stop.kind == P.PICKUP else delivery_of[stop.job_id] for stop in tour.stops]
            for tour in result.tours.values()]


def _planner_vrptw(instance: Instance, seconds: float, seed: int) -> list[list[int]]:
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType, minimise_fleet
    from pyvrp.exceptions import PenaltyBoundWarning
    from pyvrp.stop import MaxRuntime

    from digitalstadt.delivery.planner import run_solver

    stop = MaxRuntime(seconds)
    stop(0)  # the clock starts now, as in plan()
    distances, durations = instance.scaled()
    locations = [Location(x=float(x), y=float(y)) for x, y in instance.xy]
    depot = Depot(location=0, tw_early=int(instance.ready[0]) * SCALE, tw_late=int(instance.due[0]) * SCALE)
    clients = [Client(location=node, delivery=[int(instance.demand[node])], pickup=[0],
                      service_duration=int(instance.service[node]) * SCALE,
                      tw_early=int(instance.ready[node]) * SCALE, tw_late=int(instance.due[node]) * SCALE)
               for node in range(1, instance.n)]
    vehicle_type = VehicleType(num_available=instance.vehicles, capacity=[instance.capacity],
                               fixed_cost=VEHICLE_COST, tw_early=int(instance.ready[0]) * SCALE,
                               tw_late=int(instance.due[0]) * SCALE)
    data = ProblemData(locations, clients, [depot], [vehicle_type], [distances], [durations])
    # A third of the time for PyVRP's fleet minimisation (fewest vehicles first), the
    # rest for the planner's solver loop with that fleet. Without it, RC101 stayed at
    # 15 vehicles and R201 at +1.05 % after 30 s (the fixed cost alone did not get there).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        fleet = minimise_fleet(data, MaxRuntime(seconds / 3), seed)
    result = run_solver(data.replace(vehicle_types=[fleet]), stop, seed)
    if not result.best.is_feasible():
        return []
    return [[activity.idx + 1 for activity in route.schedule()[1:-1]] for route in result.best.routes()]


# --- OR-Tools --------------------------------------------------------------------------


def solve_ortools(instance: Instance, seconds: float, seed: int) -> Outcome:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    distances, durations = instance.scaled()
    service = instance.service.astype(np.int64) * SCALE
    horizon = int(instance.due[0]) * SCALE
    manager = pywrapcp.RoutingIndexManager(instance.n, instance.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    arc = routing.RegisterTransitMatrix(distances.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    routing.SetFixedCostOfAllVehicles(VEHICLE_COST)
    # Time: travel plus the service at the node left.
    travel = routing.RegisterTransitMatrix((durations + service[:, None]).tolist())
    routing.AddDimension(travel, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for node in range(1, instance.n):
        time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(int(instance.ready[node]) * SCALE,
                                                               int(instance.due[node]) * SCALE)
    for vehicle in range(instance.vehicles):
        time_dim.CumulVar(routing.Start(vehicle)).SetRange(int(instance.ready[0]) * SCALE, horizon)
        time_dim.CumulVar(routing.End(vehicle)).SetRange(int(instance.ready[0]) * SCALE, horizon)
    # VRPTW: the load taken at the depot (starts at zero, grows by each delivery up to
    # the capacity); PDPTW: signed demands, starting empty.
    demand = routing.RegisterUnaryTransitVector([int(v) for v in instance.demand])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [instance.capacity] * instance.vehicles, True, "Load")
    if instance.kind == "pdptw":
        solver = routing.solver()
        for pickup, delivery in instance.pairs:
            p, d = manager.NodeToIndex(pickup), manager.NodeToIndex(delivery)
            routing.AddPickupAndDelivery(p, d)
            solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
            solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
    params = pywrapcp.DefaultRoutingSearchParameters()
    # Path-cheapest-arc (OR-Tools' usual VRPTW start) finds no first solution for R101
    # and RC101 within seconds here; parallel cheapest insertion does, for both kinds.
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    remaining = max(0.1, seconds - (time.perf_counter() - started))
    params.time_limit.FromMilliseconds(int(remaining * 1000))
    solution = routing.SolveWithParameters(params)
    routes: list[list[int]] = []
    if solution is not None:
        for vehicle in range(instance.vehicles):
            index, route = routing.Start(vehicle), []
            index = solution.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                route.append(manager.IndexToNode(index))
                index = solution.Value(routing.NextVar(index))
            if route:
                routes.append(route)
    return Outcome("ortools", routes, time.perf_counter() - started)


# --- VROOM -----------------------------------------------------------------------------


def solve_vroom(instance: Instance, seconds: float, seed: int) -> Outcome:
    import vroom

    started = time.perf_counter()
    distances, durations = instance.scaled()
    problem = vroom.Input()
    problem.set_durations_matrix("car", durations)
    problem.set_costs_matrix("car", distances)
    window = vroom.TimeWindow(int(instance.ready[0]) * SCALE, int(instance.due[0]) * SCALE)
    for vehicle in range(instance.vehicles):
        problem.add_vehicle(vroom.Vehicle(vehicle, start=0, end=0, capacity=[instance.capacity], time_window=window,
                                          costs=vroom.VehicleCosts(fixed=VEHICLE_COST)))

    def tw(node: int):
        return [vroom.TimeWindow(int(instance.ready[node]) * SCALE, int(instance.due[node]) * SCALE)]

    if instance.kind == "vrptw":
        for node in range(1, instance.n):
            problem.add_job(vroom.Job(node, location=node, default_service=int(instance.service[node]) * SCALE,
                                      delivery=[int(instance.demand[node])], time_windows=tw(node)))
    else:
        for pickup, delivery in instance.pairs:
            problem.add_shipment(
                vroom.ShipmentStep(pickup, location=pickup, default_service=int(instance.service[pickup]) * SCALE,
                                   time_windows=tw(pickup)),
                vroom.ShipmentStep(delivery, location=delivery,
                                   default_service=int(instance.service[delivery]) * SCALE,
                                   time_windows=tw(delivery)),
                amount=vroom.Amount([int(instance.demand[pickup])]))
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=seconds))
    frame = solution.routes
    routes: list[list[int]] = []
    for _vehicle, rows in frame.groupby("vehicle_id", sort=True):
        route = [int(row.id) for row in rows.itertuples() if row.type in ("job", "pickup", "delivery")]
        if route:
            routes.append(route)
    return Outcome("vroom", routes, time.perf_counter() - started)


# --- the report ------------------------------------------------------------------------


RUN = {"planner": solve_planner, "ortools": solve_ortools, "vroom": solve_vroom}


def gaps(instance: Instance, outcome: Outcome) -> tuple[float | None, float | None]:
    """(hierarchical gap or None when more vehicles than the best known, distance gap)."""
    vehicles, distance = BEST_KNOWN[instance.name]
    if not outcome.ok:
        return None, None
    distance_gap = outcome.distance / distance - 1
    if outcome.vehicles > vehicles:
        return None, distance_gap
    return distance_gap, distance_gap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per instance and solver")
    parser.add_argument("--instances", default=",".join(DEFAULT_INSTANCES))
    parser.add_argument("--solvers", default=",".join(SOLVERS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.instances.split(",") if name.strip()]
    solvers = [name.strip() for name in args.solvers.split(",") if name.strip()]
    unknown = [n for n in names if n not in BEST_KNOWN] + [s for s in solvers if s not in RUN]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    print(f"{args.seconds:g} s per instance and solver, seed {args.seed}, solvers one after another, "
          f"load average {os.getloadavg()[0]:.1f} at the start on {os.cpu_count()} cores")
    print(f"{'instance':8} {'best known':>14} | " + " | ".join(f"{s:^34}" for s in solvers))
    print(f"{'':8} {'':>14} | " + " | ".join(f"{'veh/dist':>16} {'hier':>6} {'dist':>6} {'s':>4}" for _ in solvers))
    results: dict[str, dict[str, tuple[Outcome, float | None, float | None]]] = {s: {} for s in solvers}
    for name in names:
        instance = load(name)
        cells, notes = [], []
        for solver in solvers:
            outcome = evaluate(instance, RUN[solver](instance, args.seconds, args.seed))
            hier, dist = gaps(instance, outcome)
            results[solver][name] = (outcome, hier, dist)
            shown = f"{outcome.vehicles}/{outcome.distance:.2f}" if outcome.ok else "no valid solution"
            cells.append(f"{shown:>16} {_pct(hier):>6} {_pct(dist):>6} {outcome.seconds:4.0f}")
            notes += [f"    {solver} {name}: {problem}" for problem in outcome.problems[:3]]
        bks = BEST_KNOWN[name]
        print(f"{name:8} {bks[0]:>4}/{bks[1]:<9.2f} | " + " | ".join(cells), flush=True)
        for note in notes:
            print(note)
    print()
    summary = {}
    for solver in solvers:
        rows = list(results[solver].values())
        fleet_misses = sum(1 for _o, hier, _d in rows if hier is None)
        hier_gaps = [hier for _o, hier, _d in rows if hier is not None]
        dist_gaps = [dist for _o, _h, dist in rows if dist is not None]
        summary[solver] = (fleet_misses, hier_gaps, dist_gaps)
        mean_hier = sum(hier_gaps) / len(hier_gaps) if hier_gaps else None
        mean_dist = sum(dist_gaps) / len(dist_gaps) if dist_gaps else None
        print(f"{solver:8} best-known fleet on {len(rows) - fleet_misses}/{len(rows)}; mean hierarchical gap "
              f"(those) {_pct(mean_hier)}; mean distance gap (all valid) {_pct(mean_dist)}; "
              f"mean time {sum(o.seconds for o, _h, _d in rows) / len(rows):.1f} s")
    if "planner" in solvers:
        misses, hier_gaps, _dist = summary["planner"]
        mean_hier = sum(hier_gaps) / len(hier_gaps) if hier_gaps else math.inf
        print(f"goal mean gap <= 0.5 % (hierarchical, best-known fleet everywhere): "
              f"{'met' if not misses and mean_hier <= 0.005 else 'NOT met'} "
              f"({misses} instance(s) with more vehicles, mean gap {_pct(mean_hier)})")
        if "ortools" in solvers:
            pairs = [(results["planner"][n][0], results["ortools"][n][0]) for n in names]
            ratios = [ours.distance / theirs.distance - 1 for ours, theirs in pairs if ours.ok and theirs.ok]
            fewer = sum(1 for ours, theirs in pairs if ours.ok and theirs.ok and ours.vehicles < theirs.vehicles)
            more = sum(1 for ours, theirs in pairs if ours.ok and theirs.ok and ours.vehicles > theirs.vehicles)
            mean_ratio = sum(ratios) / len(ratios) if ratios else math.inf
            print(f"goal >= 5 % better than OR-Tools on the mean (distance): "
                  f"{'met' if mean_ratio <= -0.05 else 'NOT met'} (planner vs OR-Tools {_pct(mean_ratio)}; "
                  f"fewer vehicles on {fewer}, more on {more} of {len(pairs)})")
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None or math.isinf(value) else f"{100 * value:+.2f}%"


if __name__ == "__main__":
    raise SystemExit(main())

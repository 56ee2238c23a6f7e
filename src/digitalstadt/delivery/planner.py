"""The tour planner: same-day delivery jobs -> cargo-bike tours (PyVRP 0.14), pure Python.

No Django here: the delivery app converts its rows to these dataclasses, calls `plan()`
and stores the `Plan` it gets back. Units: times are integer seconds since local
midnight of the planning day; sizes are (volume in litres, weight in grams); distances
are metres. Ids (hubs, bikes, jobs) are any hashable values (primary keys).

The problem
-----------
- A `Job` is a parcel picked up at a shop (`pickup`, within `pickup_window`, taking
  `pickup_service` seconds) and brought to a door (`delivery`, `delivery_window`,
  `delivery_service`), by one bike, pickup first. A window says when service may
  *start* (it may end later); a bike arriving early waits.
- A `Bike` has a capacity in both dimensions, a shift (`shift_start`..`shift_end`:
  it leaves its `start_hub` no earlier than `shift_start`, or `Problem.now` when that
  is later, and is back at its `end_hub` by `shift_end`).
- A started tour: `Bike.start_point` and `Bike.start_time` say where the bike is now
  and when; it continues from there (it must leave at `start_time`). Parcels on board
  are jobs with `picked_up=True` and `bike=` that bike: only their delivery is
  planned, and only on that bike. A job with `bike=` set but not picked up yet is
  bound to that bike as well (pickup and delivery).
- `Lock(bike_id, stops)`: stops the dispatcher has fixed, in this order, on this bike.

The rules implemented
---------------------
- **Locks are a fixed prefix.** A lock's stops are the first stops of that bike's
  tour, in the lock's order. The planner schedules them itself, at the earliest
  (leave the start at the start time, ride, wait for a window to open, serve), and
  the bike then continues from the last locked stop at its departure time there, with
  the parcels picked up in the prefix (and not delivered in it) on board and bound to
  it. A locked delivery needs its pickup earlier in the same lock, or the parcel on
  board of that bike; a job can be locked on one bike only. A locked stop that misses
  its window or overloads the bike is kept (the dispatcher decided) but makes the plan
  infeasible, with a warning.
- **Binding a parcel to a bike.** PyVRP has no "this client only on that vehicle";
  every bike with bound stops gets its own routing profile, in which its bound stops
  are reachable, while every other profile sees them as unreachable (edges of
  `UNREACHABLE` seconds and metres, i.e. far beyond any shift). On-board parcels are
  clients with a delivery amount (PyVRP loads a client's delivery at the start of the
  trip, which is exactly a parcel on board); parcels still to pick up are shipments.
- **Objective, lexicographic through the weights:** serve every job if at all
  possible, then use the fewest bikes, then the least cost of `Costs.per_metre` x
  distance + `Costs.per_second` x duration. A bike's fixed cost is larger than any
  routing cost the whole fleet could ride up in its shifts, a job's prize larger than
  the fixed costs of all bikes together (both computed from the problem unless
  `Costs` sets them). A bike already out (started or locked) has no fixed cost: it is
  on the road anyway. Bikes that differ in nothing the solver sees (same hubs, shift,
  capacity, nothing bound, not out) share one PyVRP vehicle type.
- **Serving every job, or naming the ones left out.** First, each job is checked on
  its own (earliest schedule on each bike it may use): a job no bike could serve even
  alone (windows, shift, capacity, binding) is `IMPOSSIBLE`, found before the solver
  runs. Phase 1 then requires every other job. That is how PyVRP searches best: with
  optional shipments whose prizes outrank everything, its first-improvement insertion
  accepts bad positions and the search crawled (200 jobs: a fraction of the
  iterations, more bikes). If phase 1 finds no feasible plan within 30 % of the time
  limit (or the stops surely need more time than the shifts have: services plus the
  shortest way into each stop), phase 2 makes every job optional with its prize,
  starts from phase 1's routes cut down to what fits, and lets penalties grow as
  large as a prize, so the plan it returns is feasible; the jobs it leaves out are
  `NO_ROOM`. An over-booked day thus still gives a plan with the rest.
- **A parcel on board that is not delivered** stays on board to the end hub: its load
  counts for the whole tour (PyVRP's `initial_load`), and what no longer fits beside
  it is taken out of the plan; it is reported unassigned (`IMPOSSIBLE` when it could
  not be delivered even alone, else `NO_ROOM`).
- **Hub reloads are not modelled.** PyVRP requires a shipment's pickup and delivery
  in the same trip, so a reload at a hub gives a shop-to-door bike no capacity back;
  hubs are where bikes start and end (a bike may end at another hub).
- **Time.** `time_limit` is wall-clock seconds from the call; PyVRP checks it after
  every iteration (on 200 jobs an iteration takes a fraction of a second, more on a
  heavily over-booked day). `first_feasible=True` stops at the first feasible plan
  that serves every job possible at all (or at `time_limit`). `warm_start=` an
  earlier plan (re-planning) starts the search from its tours: a good plan at once
  and far fewer moved stops (`Plan.moved_stops(previous)`). A plan stored in the
  database can be rebuilt as a `Plan` for this (only bike ids and stop keys in
  order matter).

Public API: `Point`, `Hub`, `Bike`, `Job`, `Lock`, `Costs`, `Problem`, `plan()`,
`Plan`, `Tour`, `PlannedStop`, `PlanningInputError`, `PICKUP`, `DELIVERY`,
`IMPOSSIBLE`, `NO_ROOM`; `run_solver()` is the solver loop (for the benchmarks).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from pyvrp import (
    Activity,
    ActivityType,
    Client,
    Depot,
    IteratedLocalSearch,
    Location,
    PenaltyManager,
    PenaltyParams,
    ProblemData,
    RandomNumberGenerator,
    Route,
    Shipment,
    Solution,
    SolveParams,
    VehicleType,
)
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours
from pyvrp.stop import FirstFeasible, MaxRuntime, MultipleCriteria

from .matrix import MatrixProvider, Point, StraightLineMatrix, TravelMatrix

__all__ = ["DAY", "DELIVERY", "IMPOSSIBLE", "NO_ROOM", "PICKUP", "UNREACHABLE", "Bike", "Costs", "Hub", "Job",
           "Lock", "Plan", "PlannedStop", "PlanningInputError", "Point", "Problem", "Tour", "plan", "run_solver"]

DAY = 86_400
PICKUP = "pickup"
DELIVERY = "delivery"
IMPOSSIBLE = "impossible"
NO_ROOM = "no_room"
# Edge length (s and m) for a stop a bike may not visit: far beyond any shift, yet small
# enough that PyVRP's penalties (at most 1e5 per unit) stay far from int64 overflow.
UNREACHABLE = 100_000_000

Size = tuple[int, int]
StopKey = tuple[Hashable, str]


class PlanningInputError(ValueError):
    """The problem handed to the planner contradicts itself (unknown ids, a lock that breaks the rules...)."""


# --- the problem -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hub:
    id: Hashable
    point: Point


@dataclass(frozen=True)
class Bike:
    id: Hashable
    capacity: Size
    shift_start: int
    shift_end: int
    start_hub: Hashable
    end_hub: Hashable | None = None  # default: the start hub
    start_point: Point | None = None  # a started tour: where the bike is now ...
    start_time: int | None = None  # ... and when (it leaves from there at this time)

    @property
    def started(self) -> bool:
        return self.start_point is not None


@dataclass(frozen=True)
class Job:
    id: Hashable
    pickup: Point
    delivery: Point
    size: Size = (0, 0)
    pickup_window: tuple[int, int] = (0, DAY)
    delivery_window: tuple[int, int] = (0, DAY)
    pickup_service: int = 0
    delivery_service: int = 0
    picked_up: bool = False  # on board of `bike` already: only the delivery is left
    bike: Hashable | None = None  # bound to this bike (required when picked_up)


@dataclass(frozen=True)
class Lock:
    bike_id: Hashable
    stops: tuple[tuple[Hashable, str], ...]  # (job id, PICKUP or DELIVERY), in this order


@dataclass(frozen=True)
class Costs:
    """Weights of the objective. `bike` (fixed cost of using a bike) and `unassigned`
    (prize of serving a job) default to values that make the objective lexicographic."""

    per_metre: int = 1
    per_second: int = 1
    bike: int | None = None
    unassigned: int | None = None


@dataclass(frozen=True)
class Problem:
    hubs: Sequence[Hub]
    bikes: Sequence[Bike]
    jobs: Sequence[Job]
    locks: Sequence[Lock] = ()
    now: int | None = None  # bikes not started yet leave no earlier than this
    costs: Costs = Costs()


# --- the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedStop:
    job_id: Hashable
    kind: str  # PICKUP or DELIVERY
    point: Point
    arrival: int
    start: int  # service starts (after waiting for the window)
    departure: int
    load_after: Size
    locked: bool = False

    @property
    def key(self) -> StopKey:
        return (self.job_id, self.kind)

    @property
    def wait(self) -> int:
        return self.start - self.arrival


@dataclass(frozen=True)
class Tour:
    bike_id: Hashable
    start_point: Point
    departure: int  # leaves the start (hub, or where a started bike is)
    end_hub: Hashable
    arrival: int  # back at the end hub
    stops: tuple[PlannedStop, ...]
    distance: int  # metres, start to end hub
    load_at_start: Size  # parcels on board when the tour starts

    @property
    def duration(self) -> int:
        return self.arrival - self.departure


@dataclass(frozen=True)
class Plan:
    tours: dict[Hashable, Tour]  # bike id -> tour; bikes without stops have none
    unassigned: dict[Hashable, str]  # job id -> IMPOSSIBLE or NO_ROOM
    distance: int  # metres, all tours
    duration: int  # seconds, all tours (start to end hub)
    feasible: bool  # every constraint holds (windows, capacity, shifts, locks)
    runtime: float  # seconds in the solver
    elapsed: float  # seconds in plan() (matrix, model, solver)
    cost: int | None = None  # the solver's objective value (None when infeasible)
    iterations: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.unassigned

    @property
    def bikes_used(self) -> int:
        return len(self.tours)

    def stops(self) -> Iterator[tuple[Hashable, PlannedStop]]:
        for bike_id, tour in self.tours.items():
            for stop in tour.stops:
                yield bike_id, stop

    def assignment(self) -> dict[StopKey, Hashable]:
        """(job id, kind) -> bike id, for every planned stop."""
        return {stop.key: bike_id for bike_id, stop in self.stops()}

    def moved(self, previous: Plan) -> set[StopKey]:
        """Stops of `previous` that this plan changed: planned on another bike, or in
        another order (the nearest earlier stop that both plans have on that bike is
        another one, or the stop comes first now and did not then, or vice versa), or
        no longer planned because their job is unassigned now. Stops only this plan
        has (new jobs) and stops that are gone with their job (done) are no moves, so
        inserting new stops between old ones moves nothing."""
        old, new = previous._sequences(), self._sequences()
        common = set(old) & set(new)
        moved = {key for key in common if old[key] != new[key]}
        old_pred, new_pred = previous._predecessors(common), self._predecessors(common)
        moved |= {key for key in common if old_pred[key] != new_pred[key]}
        moved |= {key for key in old if key not in new and key[0] in self.unassigned}
        return moved

    def moved_stops(self, previous: Plan) -> int:
        return len(self.moved(previous))

    def _sequences(self) -> dict[StopKey, Hashable]:
        return {stop.key: bike_id for bike_id, stop in self.stops()}

    def _predecessors(self, keys: set[StopKey]) -> dict[StopKey, StopKey | None]:
        predecessors: dict[StopKey, StopKey | None] = {}
        for tour in self.tours.values():
            previous: StopKey | None = None
            for stop in tour.stops:
                if stop.key in keys:
                    predecessors[stop.key] = previous
                    previous = stop.key
        return predecessors


# --- planning --------------------------------------------------------------------------


def plan(problem: Problem, *, time_limit: float, seed: int = 0, matrix: MatrixProvider | None = None,
         first_feasible: bool = False, warm_start: Plan | None = None) -> Plan:
    """Plan tours for `problem` within `time_limit` seconds (wall clock of the solver).

    `matrix`: the travel-time provider (default: straight lines x 1.3 at 15 km/h);
    `first_feasible`: stop at the first plan that serves every possible job;
    `warm_start`: an earlier plan to start from (re-planning: fewer moved stops, a
    good plan sooner); stops of it that do not fit the problem any more are left out.
    Raises `PlanningInputError` for a problem that contradicts itself, and whatever
    the matrix provider raises (`matrix.MatrixUnavailable`)."""
    began = time.perf_counter()
    if not (isinstance(time_limit, (int, float)) and time_limit >= 0):
        raise PlanningInputError("time_limit must be a non-negative number of seconds")
    _validate(problem)
    model = _Model(problem, matrix or StraightLineMatrix())
    result = None
    if model.data is not None:
        result = _two_phases(model, time_limit=time_limit, seed=seed, first_feasible=first_feasible,
                             warm_start=warm_start)
    return model.extract(result, began, warm_start)


# Phase 1 gives up on serving every job when it has found no feasible plan after this
# share of the time limit (the day is then most likely over-booked).
GIVE_UP_SHARE = 0.3


@dataclass
class _Result:
    best: Solution
    runtime: float
    num_iterations: int


def _two_phases(model: _Model, *, time_limit: float, seed: int, first_feasible: bool,
                warm_start: Plan | None) -> _Result:
    """Phase 1 (every job required), then, only without a feasible plan, phase 2 (every
    job optional); see the module docstring."""
    deadline = MaxRuntime(time_limit)
    deadline(0)  # the clock starts now: building the first solution counts towards the limit
    criteria = [deadline, _GiveUp(GIVE_UP_SHARE * time_limit)]
    if first_feasible:
        criteria.append(FirstFeasible())
    required = model.data
    initial = model.initial_solution(warm_start, required) if warm_start is not None else None
    if initial is None:
        initial = model.random_solution(required, seed)
    runtime, iterations = 0.0, 0
    if not model.surely_over_booked():
        first = run_solver(required, MultipleCriteria(criteria), seed, initial)
        if first.best.is_feasible():
            return _Result(first.best, first.runtime, first.num_iterations)
        initial, runtime, iterations = first.best, first.runtime, first.num_iterations
    optional = model.optional_data()
    penalty = PenaltyParams(max_penalty=float(2 * model.prize))
    second = run_solver(optional, deadline, seed, _repair(initial, optional), penalty=penalty)
    best = second.best
    # A parcel on board left out still rides along: count its load, and take out what
    # then no longer fits (rare: parcels on board whose windows exclude each other).
    stuck: dict[int, Size] = {}
    for _round in range(5):
        left = model.left_on_board(best)
        if left == stuck:
            break
        stuck = left
        best = _repair(best, model.optional_data(stuck))
    return _Result(best, runtime + second.runtime, iterations + second.num_iterations)


class _GiveUp:
    """Stops a search that has found no feasible solution after `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.perf_counter()

    def __call__(self, best_cost: int) -> bool:
        return best_cost == _INT_MAX and time.perf_counter() - self.started > self.seconds


_INT_MAX = np.iinfo(np.int64).max


def _repair(solution: Solution, data: ProblemData) -> Solution:
    """Phase 1's best routes, made feasible for `data` (shipments optional): each route
    keeps, in route order, the parcels on board and then the shipments that still fit.
    Phase 2 starts from there; an iterated local search returns the best feasible
    solution it has seen."""
    routes = []
    for route in solution.routes():
        vehicle_type = route.vehicle_type()
        activities = [Activity(a.type, a.idx) for a in route.schedule()[1:-1] if not a.is_depot()]
        kept: set = set()

        def build(units: set) -> list[Activity]:
            return [a for a in activities if (a.type == ActivityType.CLIENT, a.idx) in units]

        # Parcels on board first (a required one left out is put back by the search,
        # at its best place, which is on its own bike), then shipments.
        for kind in (ActivityType.CLIENT, ActivityType.PICKUP):
            for activity in activities:
                if activity.type == kind:
                    trial = kept | {(kind == ActivityType.CLIENT, activity.idx)}
                    if Route(data, build(trial), vehicle_type).is_feasible():
                        kept = trial
        if kept:
            routes.append(Route(data, build(kept), vehicle_type))
    return Solution(data, routes)


def run_solver(data: ProblemData, stop, seed: int = 0, initial: Solution | None = None, *,
               penalty: PenaltyParams | None = None):
    """PyVRP's iterated local search as the planner runs it (the benchmarks use it too)."""
    # pyvrp.solve(), but without its exhaustive local search of the first solution: that
    # search cannot be stopped, and on an over-booked day of 200 jobs it alone took
    # 4-9 s here. The iterated local search from a random (or the warm-start) solution
    # checks the time limit after every iteration (a fraction of a second).
    params = SolveParams(penalty=penalty) if penalty is not None else SolveParams()
    rng = RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, params.neighbourhood)
    search = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for operator in params.operators:
        if operator.supports(data):
            search.add_operator(operator(data))
    penalties = PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
    start = initial if initial is not None else Solution.make_random(data, rng)
    algorithm = IteratedLocalSearch(data, penalties, search, start, params.ils)
    with warnings.catch_warnings():
        # An over-booked day has no feasible plan with every job: phase 1 gives up, the
        # plan names the jobs left out. PyVRP's warning about it is no news then.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        return algorithm.run(stop, collect_stats=False, display=False)


# --- checking the input ----------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_size(size, what: str) -> None:
    if not (isinstance(size, (tuple, list)) and len(size) == 2 and all(_is_int(v) and v >= 0 for v in size)):
        raise PlanningInputError(f"{what} must be (volume_litres, weight_grams), two non-negative integers")


def _check_window(window, what: str) -> None:
    if not (isinstance(window, (tuple, list)) and len(window) == 2 and all(_is_int(v) for v in window)
            and window[0] <= window[1]):
        raise PlanningInputError(f"{what} must be (earliest, latest) in integer seconds, earliest <= latest")


def _unique(items, what: str) -> dict:
    seen: dict = {}
    for item in items:
        if item.id in seen:
            raise PlanningInputError(f"two {what} have the id {item.id!r}")
        seen[item.id] = item
    return seen


def _validate(problem: Problem) -> None:
    hubs = _unique(problem.hubs, "hubs")
    bikes = _unique(problem.bikes, "bikes")
    jobs = _unique(problem.jobs, "jobs")
    if not hubs:
        raise PlanningInputError("the problem needs at least one hub")
    if problem.now is not None and not _is_int(problem.now):
        raise PlanningInputError("now must be integer seconds")
    for bike in bikes.values():
        _check_size(bike.capacity, f"bike {bike.id!r}: capacity")
        _check_window((bike.shift_start, bike.shift_end), f"bike {bike.id!r}: the shift")
        if bike.start_hub not in hubs or (bike.end_hub is not None and bike.end_hub not in hubs):
            raise PlanningInputError(f"bike {bike.id!r}: unknown hub")
        if (bike.start_point is None) != (bike.start_time is None):
            raise PlanningInputError(f"bike {bike.id!r}: a started tour needs both start_point and start_time")
        if bike.start_time is not None and not _is_int(bike.start_time):
            raise PlanningInputError(f"bike {bike.id!r}: start_time must be integer seconds")
    for job in jobs.values():
        _check_size(job.size, f"job {job.id!r}: size")
        _check_window(job.pickup_window, f"job {job.id!r}: pickup_window")
        _check_window(job.delivery_window, f"job {job.id!r}: delivery_window")
        if not (_is_int(job.pickup_service) and _is_int(job.delivery_service)
                and job.pickup_service >= 0 and job.delivery_service >= 0):
            raise PlanningInputError(f"job {job.id!r}: service times must be non-negative integer seconds")
        if job.bike is not None and job.bike not in bikes:
            raise PlanningInputError(f"job {job.id!r}: unknown bike {job.bike!r}")
        if job.picked_up and job.bike is None:
            raise PlanningInputError(f"job {job.id!r}: a parcel picked up is on board of a bike (set bike=)")
    locked: set = set()
    locked_bikes: set = set()
    for lock in problem.locks:
        if lock.bike_id not in bikes:
            raise PlanningInputError(f"lock: unknown bike {lock.bike_id!r}")
        if lock.bike_id in locked_bikes:
            raise PlanningInputError(f"bike {lock.bike_id!r} has two locks (give one lock with all its stops)")
        locked_bikes.add(lock.bike_id)
        picked_here: set = set()
        for entry in lock.stops:
            if not (isinstance(entry, (tuple, list)) and len(entry) == 2):
                raise PlanningInputError("a locked stop is (job id, 'pickup' or 'delivery')")
            job_id, kind = entry
            if kind not in (PICKUP, DELIVERY):
                raise PlanningInputError(f"locked stop of job {job_id!r}: kind must be 'pickup' or 'delivery'")
            job = jobs.get(job_id)
            if job is None:
                raise PlanningInputError(f"locked stop: unknown job {job_id!r}")
            if (job_id, kind) in locked:
                raise PlanningInputError(f"job {job_id!r}: its {kind} is locked twice")
            locked.add((job_id, kind))
            if job.bike is not None and job.bike != lock.bike_id:
                raise PlanningInputError(f"job {job_id!r} is bound to bike {job.bike!r}, locked on {lock.bike_id!r}")
            if kind == PICKUP:
                if job.picked_up:
                    raise PlanningInputError(f"job {job_id!r} is picked up already; its pickup cannot be locked")
                picked_here.add(job_id)
            elif not job.picked_up and job_id not in picked_here:
                raise PlanningInputError(f"job {job_id!r}: a locked delivery needs its pickup locked before it")


# --- the model -------------------------------------------------------------------------


@dataclass
class _BikeState:
    """A bike as the solver sees it: where and when it starts (after its locked prefix)."""

    bike: Bike
    start_point: int  # index into the unique points
    start_time: int
    out: bool  # started or locked: on the road anyway (no fixed cost, must leave at start_time)
    end_hub: Hashable
    prefix: list[PlannedStop] = field(default_factory=list)
    prefix_distance: int = 0
    tour_start_point: int = 0
    tour_departure: int = 0
    on_board: list[Job] = field(default_factory=list)  # on board when the solver takes over
    load_at_tour_start: Size = (0, 0)
    usable: bool = True
    stuck: Size = (0, 0)  # parcels on board that cannot be delivered: they ride to the end hub
    vehicle_type: int | None = None
    profile: int = 0


class _Model:
    def __init__(self, problem: Problem, provider: MatrixProvider) -> None:
        self.problem = problem
        self.warnings: list[str] = []
        self.hubs = {hub.id: hub for hub in problem.hubs}
        self.jobs = {job.id: job for job in problem.jobs}
        self.unassigned: dict[Hashable, str] = {}
        self._points: dict[Point, int] = {}
        for hub in problem.hubs:
            self._point(hub.point)
        for bike in problem.bikes:
            if bike.start_point is not None:
                self._point(bike.start_point)
        for job in problem.jobs:
            self._point(job.pickup)
            self._point(job.delivery)
        self.point_list = list(self._points)
        self.matrix: TravelMatrix = provider.table(self.point_list)
        if len(self.matrix) != len(self.point_list):
            raise ValueError("the matrix provider answered a matrix of the wrong size")
        self.dur = np.asarray(self.matrix.durations, dtype=np.int64)
        self.dist = np.asarray(self.matrix.distances, dtype=np.int64)
        self._bike_states()
        self._build()

    def _point(self, point: Point) -> int:
        return self._points.setdefault(point, len(self._points))

    # --- bikes, their prefixes and what they carry ---

    def _bike_states(self) -> None:
        problem = self.problem
        locks = {lock.bike_id: lock for lock in problem.locks}
        self.states: dict[Hashable, _BikeState] = {}
        self.done: set[Hashable] = set()  # jobs fully served in a locked prefix
        self.locked_keys: set[StopKey] = set()
        for bike in problem.bikes:
            if bike.started:
                point, start = self._points[bike.start_point], int(bike.start_time)
            else:
                point = self._points[self.hubs[bike.start_hub].point]
                start = max(bike.shift_start, problem.now) if problem.now is not None else bike.shift_start
            lock = locks.get(bike.id)
            state = _BikeState(bike=bike, start_point=point, start_time=start, out=bike.started or lock is not None,
                               end_hub=bike.end_hub if bike.end_hub is not None else bike.start_hub,
                               tour_start_point=point, tour_departure=start)
            on_board = [job for job in problem.jobs if job.picked_up and job.bike == bike.id]
            load = _add((0, 0), *[job.size for job in on_board])
            state.load_at_tour_start = load
            if lock is not None:
                t, at = start, point
                carried = {job.id: job for job in on_board}
                for job_id, kind in lock.stops:
                    job = self.jobs[job_id]
                    site = self._points[job.pickup if kind == PICKUP else job.delivery]
                    window = job.pickup_window if kind == PICKUP else job.delivery_window
                    service = job.pickup_service if kind == PICKUP else job.delivery_service
                    arrival = t + int(self.dur[at, site])
                    begin = max(arrival, window[0])
                    if begin > window[1]:
                        self.warnings.append(f"bike {bike.id!r}: the locked {kind} of job {job_id!r} starts at "
                                             f"{begin}, after its window ({window[1]})")
                    if kind == PICKUP:
                        carried[job_id] = job
                        load = _add(load, job.size)
                    else:
                        carried.pop(job_id, None)
                        load = _sub(load, job.size)
                    if not _fits(load, bike.capacity):
                        self.warnings.append(f"bike {bike.id!r}: the locked {kind} of job {job_id!r} overloads "
                                             f"the bike ({load} > {tuple(bike.capacity)})")
                    state.prefix_distance += int(self.dist[at, site])
                    state.prefix.append(PlannedStop(job_id, kind, self.point_list[site], arrival, begin,
                                                    begin + service, load, locked=True))
                    self.locked_keys.add((job_id, kind))
                    t, at = begin + service, site
                state.start_point, state.start_time = at, t
                on_board = list(carried.values())
                self.done |= {job_id for job_id, kind in lock.stops if kind == DELIVERY}
                if t > bike.shift_end:
                    self.warnings.append(f"bike {bike.id!r}: its locked stops end at {t}, after its shift "
                                         f"({bike.shift_end})")
            state.on_board = on_board
            end_point = self._points[self.hubs[state.end_hub].point]
            if state.start_time + int(self.dur[state.start_point, end_point]) > bike.shift_end:
                state.usable = False  # cannot serve anything more within its shift
                if state.out:
                    self.warnings.append(f"bike {bike.id!r} cannot be back at its end hub by its shift end "
                                         f"({bike.shift_end})")
            self.states[bike.id] = state
        # Jobs the solver plans: on-board deliveries (clients) and shipments.
        on_board_ids = {job.id: state for state in self.states.values() for job in state.on_board}
        self.onboard_jobs: list[tuple[Job, _BikeState]] = []
        self.shipment_jobs: list[Job] = []
        for job in problem.jobs:
            if job.id in on_board_ids and job.id not in self.done:
                state = on_board_ids[job.id]
                if self._alone(job, state, delivery_only=True):
                    self.onboard_jobs.append((job, state))
                else:  # it stays on board to the end hub
                    self.unassigned[job.id] = IMPOSSIBLE
                    state.stuck = _add(state.stuck, job.size)
        for job in problem.jobs:
            if job.id in self.done or job.id in on_board_ids:
                continue
            if any(self._alone(job, state) for state in self._eligible(job)):
                self.shipment_jobs.append(job)
            else:
                self.unassigned[job.id] = IMPOSSIBLE

    def _eligible(self, job: Job) -> list[_BikeState]:
        states = [self.states[job.bike]] if job.bike is not None else list(self.states.values())
        return [state for state in states if state.usable]

    def _alone(self, job: Job, state: _BikeState, *, delivery_only: bool = False) -> bool:
        """Whether `state`'s bike could serve this job on its own (earliest schedule)."""
        if not state.usable:
            return False
        t, at = state.start_time, state.start_point
        legs = [] if delivery_only else [(job.pickup, job.pickup_window, job.pickup_service)]
        legs.append((job.delivery, job.delivery_window, job.delivery_service))
        for point, window, service in legs:
            site = self._points[point]
            t = max(t + int(self.dur[at, site]), window[0])
            if t > window[1]:
                return False
            t, at = t + service, site
        end = self._points[self.hubs[state.end_hub].point]
        if t + int(self.dur[at, end]) > state.bike.shift_end:
            return False
        return delivery_only or _fits(_add(job.size, state.stuck), state.bike.capacity)

    # --- the PyVRP data ---

    def _build(self) -> None:
        problem, costs = self.problem, self.problem.costs
        states = [state for state in self.states.values() if state.usable]
        self.data: ProblemData | None = None
        self.prize = 0
        # Bike states that can still take jobs, but nothing for them to do: no solver run.
        if not states or not (self.onboard_jobs or self.shipment_jobs):
            return
        location_points: list[int] = []
        depots: list[Depot] = []
        hub_depot: dict[Hashable, int] = {}

        def location(point_index: int) -> int:
            location_points.append(point_index)
            return len(location_points) - 1

        for hub in problem.hubs:
            hub_depot[hub.id] = len(depots)
            depots.append(Depot(location=location(self._points[hub.point]), name=f"hub {hub.id}"))
        start_depot: dict[Hashable, int] = {}
        for state in states:
            if state.out:  # leaves from where it is (or from its last locked stop), now
                start_depot[state.bike.id] = len(depots)
                depots.append(Depot(location=location(state.start_point), tw_early=state.start_time,
                                    name=f"start {state.bike.id}"))
            else:
                start_depot[state.bike.id] = hub_depot[state.bike.start_hub]
        bound_locations: dict[Hashable, list[int]] = {}
        clients: list[Client] = []
        self.client_jobs: list[Hashable] = []
        client_locations: list[int] = []
        for job, state in self.onboard_jobs:
            loc = location(self._points[job.delivery])
            bound_locations.setdefault(state.bike.id, []).append(loc)
            self.client_jobs.append(job.id)
            client_locations.append(loc)
        shipments: list[Shipment] = []
        self.shipment_ids: list[Hashable] = []
        shipment_locations: list[tuple[int, int]] = []
        for job in self.shipment_jobs:
            pickup, delivery = location(self._points[job.pickup]), location(self._points[job.delivery])
            if job.bike is not None:
                bound_locations.setdefault(job.bike, []).extend((pickup, delivery))
            shipment_locations.append((pickup, delivery))
            self.shipment_ids.append(job.id)

        # The weights: a bike's fixed cost beats any routing cost of the whole fleet,
        # a job's prize beats the fixed costs of every bike together.
        lp = np.asarray(location_points)
        base_dur = self.dur[np.ix_(lp, lp)]
        self.base_durations = base_dur
        base_dist = self.dist[np.ix_(lp, lp)]
        speed = float((base_dist / np.maximum(base_dur, 1)).max()) if len(lp) > 1 else 0.0
        shift_total = sum(max(0, state.bike.shift_end - state.start_time) for state in states)
        routing_bound = int(shift_total * (costs.per_second + costs.per_metre * speed)) + 1
        bike_cost = costs.bike if costs.bike is not None else routing_bound
        prize = costs.unassigned if costs.unassigned is not None else (len(states) + 1) * bike_cost + routing_bound
        self.prize = prize

        for (job, _state), loc in zip(self.onboard_jobs, client_locations):
            clients.append(Client(
                location=loc,
                delivery=list(job.size), pickup=[0, 0], service_duration=job.delivery_service,
                tw_early=job.delivery_window[0], tw_late=job.delivery_window[1],
                prize=0, required=True, name=str(job.id)))
        for job, (pickup, delivery) in zip(self.shipment_jobs, shipment_locations):
            shipments.append(Shipment(
                pickup_location=pickup, delivery_location=delivery,
                pickup_tw_early=job.pickup_window[0], pickup_tw_late=job.pickup_window[1],
                pickup_service_duration=job.pickup_service,
                delivery_tw_early=job.delivery_window[0], delivery_tw_late=job.delivery_window[1],
                delivery_service_duration=job.delivery_service,
                amount=list(job.size), prize=0, required=True, name=str(job.id)))

        # Profiles: 0 for bikes without bound stops, one per bike with bound stops.
        all_bound = sorted({loc for locs in bound_locations.values() for loc in locs})

        def blocked(matrix: np.ndarray, keep: list[int]) -> np.ndarray:
            out = matrix.copy()
            block = np.setdiff1d(np.asarray(all_bound, dtype=np.int64), np.asarray(keep, dtype=np.int64))
            out[block, :] = UNREACHABLE
            out[:, block] = UNREACHABLE
            np.fill_diagonal(out, 0)
            return out

        distances, durations = [blocked(base_dist, [])], [blocked(base_dur, [])]
        # Bikes that differ in nothing the solver sees (same hubs, shift, capacity, no
        # bound stops, not out yet) share one vehicle type: a smaller search space.
        vehicle_types: list[VehicleType] = []
        self.vehicle_bikes: list[list[Hashable]] = []  # vehicle type -> its bikes
        shared: dict[tuple, int] = {}
        for state in states:
            profile = 0
            if state.bike.id in bound_locations:
                profile = len(distances)
                distances.append(blocked(base_dist, bound_locations[state.bike.id]))
                durations.append(blocked(base_dur, bound_locations[state.bike.id]))
            initial_load = list(state.stuck)
            attributes = dict(
                capacity=list(state.bike.capacity),
                start_depot=start_depot[state.bike.id], end_depot=hub_depot[state.end_hub],
                fixed_cost=0 if state.out else bike_cost,
                tw_early=state.start_time, tw_late=max(state.bike.shift_end, state.start_time),
                start_late=state.start_time if state.out else None,
                unit_distance_cost=costs.per_metre, unit_duration_cost=costs.per_second,
                profile=profile, initial_load=initial_load)
            key = repr(sorted(attributes.items()))
            if profile == 0 and not state.out and key in shared:
                index = shared[key]
                self.vehicle_bikes[index].append(state.bike.id)
                vehicle_types[index] = vehicle_types[index].replace(
                    num_available=len(self.vehicle_bikes[index]))
            else:
                index = len(vehicle_types)
                if profile == 0 and not state.out:
                    shared[key] = index
                vehicle_types.append(VehicleType(num_available=1, **attributes, name=str(state.bike.id)))
                self.vehicle_bikes.append([state.bike.id])
            state.vehicle_type, state.profile = index, profile
        locations = [Location(x=self.point_list[p].lon, y=self.point_list[p].lat) for p in location_points]
        self.location_points = location_points
        self.data = ProblemData(locations, clients, depots, vehicle_types, distances, durations, [], shipments)

    def optional_data(self, stuck: dict[int, Size] | None = None) -> ProblemData:
        """The same problem with every job optional: a prize for each shipment served,
        twice that for a parcel on board. `stuck`: vehicle type -> load of parcels on
        board left out of the plan, which ride along to the end hub all the same."""
        assert self.data is not None
        prize = self.prize
        clients = [Client(location=c.location, delivery=c.delivery, pickup=c.pickup,
                          service_duration=c.service_duration, tw_early=c.tw_early, tw_late=c.tw_late,
                          prize=2 * prize, required=False, name=c.name) for c in self.data.clients()]
        shipments = [Shipment(
            pickup_location=s.pickup.location, delivery_location=s.delivery.location,
            pickup_tw_early=s.pickup.tw_early, pickup_tw_late=s.pickup.tw_late,
            pickup_service_duration=s.pickup.service_duration, delivery_tw_early=s.delivery.tw_early,
            delivery_tw_late=s.delivery.tw_late, delivery_service_duration=s.delivery.service_duration,
            amount=s.amount, prize=prize, required=False, name=s.name) for s in self.data.shipments()]
        vehicle_types = [vt.replace(initial_load=list(_add(tuple(vt.initial_load), (stuck or {}).get(k, (0, 0)))))
                         for k, vt in enumerate(self.data.vehicle_types())]
        return self.data.replace(clients=clients, shipments=shipments, vehicle_types=vehicle_types)

    def left_on_board(self, solution: Solution) -> dict[int, Size]:
        """Vehicle type -> load of the parcels on board that `solution` does not deliver."""
        planned = {a.idx for route in solution.routes() for a in route.schedule() if a.is_client()}
        stuck: dict[int, Size] = {}
        for k, (job, state) in enumerate(self.onboard_jobs):
            if k not in planned:
                stuck[state.vehicle_type] = _add(stuck.get(state.vehicle_type, (0, 0)), job.size)
        return stuck

    def surely_over_booked(self) -> bool:
        """Whether the stops need more time than the bikes have, even with no waiting
        and every stop reached from its nearest other point. Phase 1 is skipped then:
        its first iteration alone, on 200 required jobs for 3 bikes, took 10 s here
        (an iteration cannot be interrupted)."""
        assert self.data is not None
        data = self.data
        duration = self.base_durations.astype(np.float64)  # without the UNREACHABLE edges
        np.fill_diagonal(duration, np.inf)
        nearest = duration.min(axis=0)  # shortest way into each location
        work = 0.0
        for client in data.clients():
            work += client.service_duration + nearest[client.location]
        for shipment in data.shipments():
            for step in (shipment.pickup, shipment.delivery):
                work += step.service_duration + nearest[step.location]
        available = sum(max(0, vt.tw_late - vt.tw_early) * vt.num_available for vt in data.vehicle_types())
        return work > available

    # --- first solutions ---

    def random_solution(self, data: ProblemData, seed: int) -> Solution:
        """PyVRP's random solution, with every bound stop moved onto its own bike: a
        bound stop on another bike costs an UNREACHABLE edge, and the search needed
        many iterations (in one 200-job re-plan 16 s) to move them all home."""
        random = Solution.make_random(data, RandomNumberGenerator(seed=seed))
        home: dict[tuple[bool, int], int] = {}
        for k, (_job, state) in enumerate(self.onboard_jobs):
            home[(True, k)] = state.vehicle_type
        for k, job in enumerate(self.shipment_jobs):
            if job.bike is not None:
                home[(False, k)] = self.states[job.bike].vehicle_type
        if not home:
            return random
        routes: list[tuple[int, list[Activity]]] = []
        for route in random.routes():
            kept = [Activity(a.type, a.idx) for a in route.schedule()[1:-1] if not a.is_depot()
                    and (a.type == ActivityType.CLIENT, a.idx) not in home]
            routes.append((route.vehicle_type(), kept))
        for (is_client, idx), vehicle_type in sorted(home.items(), key=lambda item: self._earliest(item[0], data)):
            target = next((acts for vt, acts in routes if vt == vehicle_type), None)
            if target is None:
                target = []
                routes.append((vehicle_type, target))
            if is_client:
                target.append(Activity(ActivityType.CLIENT, idx))
            else:
                target += [Activity(ActivityType.PICKUP, idx), Activity(ActivityType.DELIVERY, idx)]
        try:
            return Solution(data, [Route(data, acts, vt) for vt, acts in routes if acts])
        except (ValueError, RuntimeError, IndexError):
            return random

    @staticmethod
    def _earliest(unit: tuple[bool, int], data: ProblemData) -> int:
        is_client, idx = unit
        return data.client(idx).tw_early if is_client else data.shipment(idx).pickup.tw_early

    # --- warm start ---

    def initial_solution(self, previous: Plan, data: ProblemData) -> Solution | None:
        client_index = {job_id: k for k, job_id in enumerate(self.client_jobs)}
        shipment_index = {job_id: k for k, job_id in enumerate(self.shipment_ids)}
        routes = []
        for bike_id, tour in previous.tours.items():
            state = self.states.get(bike_id)
            if state is None or state.vehicle_type is None:
                continue
            keys = [stop.key for stop in tour.stops if stop.key not in self.locked_keys]
            activities, picked = [], set()
            for job_id, kind in keys:
                job = self.jobs.get(job_id)
                if job is None:
                    continue
                if job_id in client_index and kind == DELIVERY and any(j.id == job_id for j in state.on_board):
                    activities.append(Activity(ActivityType.CLIENT, client_index[job_id]))
                elif job_id in shipment_index and (job.bike is None or job.bike == bike_id):
                    if kind == PICKUP and (job_id, DELIVERY) in keys[keys.index((job_id, PICKUP)):]:
                        activities.append(Activity(ActivityType.PICKUP, shipment_index[job_id]))
                        picked.add(job_id)
                    elif kind == DELIVERY and job_id in picked:
                        activities.append(Activity(ActivityType.DELIVERY, shipment_index[job_id]))
            if activities:
                try:
                    routes.append(Route(data, activities, state.vehicle_type))
                except (ValueError, RuntimeError, IndexError):
                    continue
        try:
            return Solution(data, routes)
        except (ValueError, RuntimeError):
            return None

    # --- reading the solution back ---

    def _visits(self, route) -> tuple[list[tuple[StopKey, int, int, int]], int, int, int]:
        schedule = route.schedule()
        visits = []
        for activity in schedule[1:-1]:
            if activity.is_client():
                key = (self.client_jobs[activity.idx], DELIVERY)
            elif activity.is_pickup():
                key = (self.shipment_ids[activity.idx], PICKUP)
            elif activity.is_delivery():
                key = (self.shipment_ids[activity.idx], DELIVERY)
            else:
                continue  # a reload depot (not modelled)
            arrival = activity.start_time - activity.wait_duration + activity.time_warp
            visits.append((key, int(arrival), int(activity.start_time), int(activity.end_time)))
        return visits, int(schedule[0].end_time), int(schedule[-1].start_time), int(route.distance())

    def _bikes_for(self, vehicle_type: int, routes: list, previous: Plan | None) -> list[tuple[Hashable, object]]:
        """Which bike of a shared vehicle type rides which route: the one whose earlier
        tour has the most stops in common with it (re-planning), else in order."""
        bikes = list(self.vehicle_bikes[vehicle_type])
        if len(bikes) == 1 or previous is None:
            return list(zip(bikes, routes))
        keyed = [(route, {visit[0] for visit in self._visits(route)[0]}) for route in routes]
        old = {bike_id: {stop.key for stop in tour.stops} for bike_id, tour in previous.tours.items()}
        pairs = sorted(((len(keys & old.get(bike_id, set())), -b, -r) for r, (_route, keys) in enumerate(keyed)
                        for b, bike_id in enumerate(bikes)), reverse=True)
        taken_bikes: set[int] = set()
        taken_routes: dict[int, int] = {}
        for _common, minus_b, minus_r in pairs:
            if -minus_b in taken_bikes or -minus_r in taken_routes:
                continue
            taken_bikes.add(-minus_b)
            taken_routes[-minus_r] = -minus_b
        return [(bikes[taken_routes[r]], route) for r, (route, _keys) in enumerate(keyed)]

    def extract(self, result, began: float, previous: Plan | None = None) -> Plan:
        solution = result.best if result is not None else None
        solver_stops: dict[Hashable, tuple[list[tuple[StopKey, int, int, int]], int, int, int]] = {}
        feasible = True
        if solution is not None:
            feasible = bool(solution.is_feasible())
            by_type: dict[int, list] = {}
            for route in solution.routes():
                by_type.setdefault(route.vehicle_type(), []).append(route)
            for vehicle_type, routes in by_type.items():
                for bike_id, route in self._bikes_for(vehicle_type, routes, previous):
                    solver_stops[bike_id] = self._visits(route)
            for activity in solution.unplanned():
                if activity.is_client():
                    self.unassigned.setdefault(self.client_jobs[activity.idx], NO_ROOM)
                elif activity.is_pickup() or activity.is_delivery():
                    self.unassigned.setdefault(self.shipment_ids[activity.idx], NO_ROOM)
        elif self.onboard_jobs or self.shipment_jobs:
            for job, _state in self.onboard_jobs:
                self.unassigned.setdefault(job.id, NO_ROOM)
            for job in self.shipment_jobs:
                self.unassigned.setdefault(job.id, NO_ROOM)

        tours: dict[Hashable, Tour] = {}
        for bike_id, state in self.states.items():
            bike = state.bike
            solved = solver_stops.get(bike_id)
            if not state.prefix and solved is None:
                continue
            stops = list(state.prefix)
            load = state.load_at_tour_start if not state.prefix else state.prefix[-1].load_after
            distance = state.prefix_distance
            end_point = self._points[self.hubs[state.end_hub].point]
            if solved is not None:
                visits, departure, arrival_end, route_distance = solved
                for (job_id, kind), arrival, begin, leave in visits:
                    job = self.jobs[job_id]
                    load = _add(load, job.size) if kind == PICKUP else _sub(load, job.size)
                    point = job.pickup if kind == PICKUP else job.delivery
                    stops.append(PlannedStop(job_id, kind, point, int(arrival), int(begin), int(leave), load))
                distance += route_distance
                if not state.prefix:
                    state.tour_departure = int(departure)
            else:
                arrival_end = state.start_time + int(self.dur[state.start_point, end_point])
                distance += int(self.dist[state.start_point, end_point])
            if any(not _fits(stop.load_after, bike.capacity) for stop in stops) \
                    or not _fits(state.load_at_tour_start, bike.capacity):
                if not any(f"bike {bike_id!r}" in w and "overloads" in w for w in self.warnings):
                    self.warnings.append(f"bike {bike_id!r} is overloaded on its tour")
            if arrival_end > bike.shift_end:
                self.warnings.append(f"bike {bike_id!r} is back at {arrival_end}, after its shift ({bike.shift_end})")
            tours[bike_id] = Tour(
                bike_id=bike_id, start_point=self.point_list[state.tour_start_point],
                departure=int(state.tour_departure), end_hub=state.end_hub, arrival=int(arrival_end),
                stops=tuple(stops), distance=int(distance), load_at_start=state.load_at_tour_start)
        cost = None
        if solution is not None and feasible:
            cost = int(solution.distance_cost() + solution.duration_cost() + solution.fixed_vehicle_cost()
                       + solution.uncollected_prizes())
        return Plan(
            tours=tours, unassigned=dict(self.unassigned),
            distance=sum(t.distance for t in tours.values()), duration=sum(t.duration for t in tours.values()),
            feasible=feasible and not self.warnings, runtime=float(result.runtime) if result is not None else 0.0,
            elapsed=time.perf_counter() - began, cost=cost,
            iterations=int(result.num_iterations) if result is not None else 0, warnings=tuple(self.warnings))


def _add(size: Size, *others: Size) -> Size:
    volume, weight = size
    for other in others:
        volume, weight = volume + other[0], weight + other[1]
    return (int(volume), int(weight))


def _sub(size: Size, other: Size) -> Size:
    return (int(size[0] - other[0]), int(size[1] - other[1]))


def _fits(size: Size, capacity: Size) -> bool:
    return size[0] <= capacity[0] and size[1] <= capacity[1]

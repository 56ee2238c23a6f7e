"""Forecasts of a car park's free spaces 1-4 hours ahead, learnt from its history alone.

Pure: no Django, no database. `train(history, capacity)` fits one gradient-boosted tree
model per horizon (scikit-learn's HistGradientBoostingRegressor) on the car park's own
readings; `Forecaster.predict(history_until_now, now)` answers {1: free, 2: ..., 4: ...}.

What the model may know is what anyone could: the readings up to `now`, the clock, and
the calendar (weekday, Saturday, Sunday or Hessian public holiday). Nothing about the
demo simulator (this module does not import it) and nothing about events: an event shows
only through the readings it causes.

Features for an anchor `t` (the last instant whose readings count) and target T = t + h,
all as shares of the capacity:
- the target's day type, weekday and time of day;
- the car park's typical free share at T and at t (`profile`: the mean over the training
  history per day type and quarter hour), and how far today is off it right now;
- the free share now and 15, 30, 60, 120, 180 minutes ago (lags and the trend);
- the free share at T yesterday and at T last week (both before t, so known at t);
- two ready guesses the trees correct: the typical value at T shifted by today's
  deviation, and scaled by today's occupancy ratio.

The trees learn the correction to the first guess (target minus guess), which keeps a
December Saturday busier than any training day from falling off the edge of the trees.

History is any sequence of (aware datetime, free) in any order and at any spacing: a
value at an instant is the last reading at or before it, if not older than STALE.
Readings after the anchor are never looked at (the leakage test appends some and checks).
"""

from __future__ import annotations

import datetime as dt
import pickle
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

__all__ = ["HORIZONS", "MIN_HISTORY", "Forecaster", "day_type", "dumps", "evaluate", "loads", "train"]

BERLIN = ZoneInfo("Europe/Berlin")
HORIZONS = (1, 2, 3, 4)
STEP = 15 * 60  # seconds between training anchors, and the profile's slot width
STALE = 45 * 60  # a reading older than this says nothing about the instant asked
SLOTS = 24 * 3600 // STEP
LAGS = (0, 15, 30, 60, 120, 180)  # minutes before the anchor
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400
EPOCH = dt.date(1970, 1, 1)
MIN_HISTORY = dt.timedelta(weeks=2)  # every training anchor needs a last week
FEATURES = ("day_type", "weekday", "hour", "profile_target", "profile_now", "deviation_now", "deviation_1h",
            "deviation_3h_mean", *(f"free_lag_{m}" for m in LAGS), "trend_1h", "free_target_yesterday",
            "free_target_last_week", "guess_shift", "guess_scale")
LAG_FREE = FEATURES.index("free_lag_0")
GUESS = FEATURES.index("guess_shift")


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("DE", subdiv="HE", years=year).keys())


def day_type(day: dt.date) -> int:
    """0 weekday, 1 Saturday, 2 Sunday or Hessian public holiday (public knowledge)."""
    if day.weekday() == 6 or day in _public_holidays(day.year):
        return 2
    return 1 if day.weekday() == 5 else 0


def _as_arrays(history: Iterable[tuple[dt.datetime, int]], capacity: int,
               until: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds (sorted) and free shares; readings after `until` are dropped."""
    rows = sorted((at.timestamp(), free) for at, free in history)
    if until is not None:
        rows = [row for row in rows if row[0] <= until]
    if not rows:
        return np.empty(0), np.empty(0)
    times, free = zip(*rows)
    return np.asarray(times, dtype=float), np.clip(np.asarray(free, dtype=float) / capacity, 0.0, 1.0)


def _asof(times: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The last value at or before each query instant, NaN if none within STALE."""
    if len(times) == 0:
        return np.full(query.shape, np.nan)
    index = np.searchsorted(times, query, side="right") - 1
    found = values[np.clip(index, 0, None)]
    age = query - times[np.clip(index, 0, None)]
    return np.where((index >= 0) & (age <= STALE), found, np.nan)


def _calendar(query: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Day type, weekday, hour of day (float) and profile slot of each instant (local time).
    The UTC offset is looked up once per hour and the day type once per day."""
    flat = query.ravel()
    hours_utc = np.floor(flat / HOUR).astype(np.int64)
    offsets = {int(h): dt.datetime.fromtimestamp(int(h) * HOUR, BERLIN).utcoffset().total_seconds()
               for h in np.unique(hours_utc)}
    local = flat + np.array([offsets[int(h)] for h in hours_utc])
    days = np.floor(local / DAY).astype(np.int64)
    kinds = {int(d): day_type(EPOCH + dt.timedelta(days=int(d))) for d in np.unique(days)}
    types = np.array([kinds[int(d)] for d in days], dtype=float).reshape(query.shape)
    weekdays = ((days + 3) % 7).astype(float).reshape(query.shape)  # 1970-01-01 was a Thursday
    hours = ((local - days * DAY) / HOUR).reshape(query.shape)
    slots = np.clip((hours * 3600 // STEP).astype(int), 0, SLOTS - 1)
    return types, weekdays, hours, slots


@dataclass
class Forecaster:
    """A trained forecaster for one car park: its capacity, its typical free share per
    (day type, quarter hour), and one tree model per horizon (hours)."""

    capacity: int
    profile: np.ndarray  # shape (3, SLOTS), free shares
    models: dict[int, object] = field(default_factory=dict)
    trained_until: dt.datetime | None = None

    def features(self, times: np.ndarray, shares: np.ndarray, anchors: np.ndarray, hours: int) -> np.ndarray:
        """The feature matrix for `anchors` (epoch seconds) and one horizon."""
        targets = anchors + hours * HOUR
        t_type, t_weekday, t_hour, t_slot = _calendar(targets)
        n_type, _, _, n_slot = _calendar(anchors)
        profile_target = self.profile[t_type.astype(int), t_slot]
        profile_now = self.profile[n_type.astype(int), n_slot]
        lags = [_asof(times, shares, anchors - minutes * 60) for minutes in LAGS]
        now = lags[0]
        # The typical value one and three hours back, for today's deviation from it.
        back_types, _, _, back_slots = _calendar(np.stack([anchors - HOUR, anchors - 2 * HOUR, anchors - 3 * HOUR]))
        profile_back = self.profile[back_types.astype(int), back_slots]
        deviation_now = now - profile_now
        deviation_1h = lags[LAGS.index(60)] - profile_back[0]
        recent = np.stack([deviation_now, deviation_1h, lags[LAGS.index(120)] - profile_back[1],
                           lags[LAGS.index(180)] - profile_back[2]])
        seen = ~np.isnan(recent)
        deviation_3h = np.where(seen.any(axis=0), np.where(seen, recent, 0).sum(axis=0)
                                / np.maximum(seen.sum(axis=0), 1), np.nan)
        yesterday = _asof(times, shares, targets - DAY)
        last_week = _asof(times, shares, targets - WEEK)
        occupied_typical = np.maximum(1.0 - profile_now, 0.02)
        guess_scale = 1.0 - (1.0 - profile_target) * np.clip((1.0 - now) / occupied_typical, 0.0, 3.0)
        guess_shift = profile_target + deviation_now
        columns = [t_type, t_weekday, t_hour, profile_target, profile_now, deviation_now, deviation_1h, deviation_3h,
                   *lags, now - lags[LAGS.index(60)], yesterday, last_week, np.clip(guess_shift, 0, 1),
                   np.clip(guess_scale, 0, 1)]
        return np.column_stack(columns)

    def _predict_shares(self, times: np.ndarray, shares: np.ndarray, anchors: np.ndarray) -> dict[int, np.ndarray]:
        _one_thread()
        out = {}
        for hours in HORIZONS:
            matrix = self.features(times, shares, anchors, hours)
            guess = np.where(np.isnan(matrix[:, GUESS]), matrix[:, FEATURES.index("profile_target")],
                             matrix[:, GUESS])
            out[hours] = np.clip(guess + self.models[hours].predict(matrix), 0.0, 1.0)
        return out

    def predict(self, history_until_now: Iterable[tuple[dt.datetime, int]], now: dt.datetime) -> dict[int, int]:
        """Free spaces expected 1, 2, 3 and 4 hours after `now`, each in [0, capacity].
        Readings after `now` are ignored."""
        times, shares = _as_arrays(history_until_now, self.capacity, until=now.timestamp())
        predicted = self._predict_shares(times, shares, np.array([now.timestamp()]))
        return {hours: int(round(float(values[0]) * self.capacity)) for hours, values in predicted.items()}

    def predict_many(self, history: Iterable[tuple[dt.datetime, int]],
                     anchors: Sequence[dt.datetime]) -> dict[int, np.ndarray]:
        """Free spaces per horizon for many anchors at once (the evaluation). Each anchor
        sees only the readings at or before it: every look-up is as-of the anchor."""
        times, shares = _as_arrays(history, self.capacity)
        stamps = np.array([anchor.timestamp() for anchor in anchors])
        predicted = self._predict_shares(times, shares, stamps)
        return {hours: np.rint(values * self.capacity).astype(int) for hours, values in predicted.items()}


_THREAD = threading.local()


def _one_thread() -> None:
    """One OpenMP thread for the trees, set once per thread (the setting is per thread).
    The forecast runs beside web workers and other jobs: with the cores busy, a parallel
    predict of one row measured 2.4 s instead of 5 ms (the threads spin waiting for each
    other), and a nightly fit has no hurry."""
    if not getattr(_THREAD, "limited", False):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="openmp")
        _THREAD.limited = True


def dumps(forecaster: Forecaster) -> bytes:
    """The forecaster as bytes for the database (pickle, compressed: our own data only)."""
    return zlib.compress(pickle.dumps(forecaster, protocol=5), 6)


def loads(data: bytes) -> Forecaster:
    """Read back what `dumps` wrote. Never call it on bytes from outside (pickle runs code)."""
    loaded = pickle.loads(zlib.decompress(data))
    if not isinstance(loaded, Forecaster):
        raise TypeError("not a Forecaster")
    return loaded


def _profile(times: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Mean free share per (day type, quarter hour) on the training history's grid; a
    slot without data takes the day type's mean, a day type without data the overall mean."""
    grid = np.arange(np.ceil(times[0] / STEP) * STEP, times[-1] + 1, STEP)
    values = _asof(times, shares, grid)
    types, _, _, slots = _calendar(grid)
    keep = ~np.isnan(values)
    sums, counts = np.zeros((3, SLOTS)), np.zeros((3, SLOTS))
    np.add.at(sums, (types[keep].astype(int), slots[keep]), values[keep])
    np.add.at(counts, (types[keep].astype(int), slots[keep]), 1)
    overall = float(values[keep].mean()) if keep.any() else 0.5
    profile = np.full((3, SLOTS), overall)
    for kind in range(3):
        seen = counts[kind] > 0
        if seen.any():
            profile[kind] = np.where(seen, sums[kind] / np.maximum(counts[kind], 1), sums[kind][seen].sum()
                                     / counts[kind][seen].sum())
    return profile


def train(history: Iterable[tuple[dt.datetime, int]], capacity: int, *, max_iter: int = 100,
          max_leaf_nodes: int = 15, random_state: int = 0) -> Forecaster:
    """Fit a forecaster on one car park's history (at least two weeks of readings, so
    that every anchor has a last week). Deterministic for the same history."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    if capacity <= 0:
        raise ValueError("capacity must be positive")
    times, shares = _as_arrays(history, capacity)
    if len(times) == 0 or times[-1] - times[0] < MIN_HISTORY.total_seconds():
        raise ValueError("a forecast needs at least two weeks of history")
    forecaster = Forecaster(capacity=capacity, profile=_profile(times, shares),
                            trained_until=dt.datetime.fromtimestamp(times[-1], dt.UTC))
    first = np.ceil((times[0] + WEEK) / STEP) * STEP
    _one_thread()
    for hours in HORIZONS:
        anchors = np.arange(first, times[-1] - hours * HOUR + 1, STEP)
        matrix = forecaster.features(times, shares, anchors, hours)
        target = _asof(times, shares, anchors + hours * HOUR)
        guess = np.where(np.isnan(matrix[:, GUESS]), matrix[:, FEATURES.index("profile_target")],
                         matrix[:, GUESS])
        keep = ~np.isnan(target) & ~np.isnan(matrix[:, LAG_FREE])
        model = HistGradientBoostingRegressor(max_iter=max_iter, learning_rate=0.06,
                                              max_leaf_nodes=max_leaf_nodes, min_samples_leaf=30,
                                              l2_regularization=1.0, categorical_features=[0, 1],
                                              early_stopping=False, random_state=random_state)
        model.fit(matrix[keep], (target - guess)[keep])
        forecaster.models[hours] = model
    return forecaster


def evaluate(forecaster: Forecaster, history: Iterable[tuple[dt.datetime, int]], *, start: dt.datetime,
             end: dt.datetime) -> dict[int, dict[str, float]]:
    """MAE in spaces per horizon of the forecaster and the two baselines, seasonal-naive
    (the value at the target time a week earlier) and persistence (the value now), for
    a forecast every quarter hour from `start` whose target is before `end`. Actual
    values are as-of look-ups like the features; instants without one are left out."""
    times, shares = _as_arrays(history, forecaster.capacity)
    first = np.ceil(start.timestamp() / STEP) * STEP
    anchors = np.arange(first, end.timestamp() - HOUR + 1e-6, STEP)
    out: dict[int, dict[str, float]] = {}
    if len(anchors) == 0:
        return out
    predicted = forecaster._predict_shares(times, shares, anchors)
    for hours in HORIZONS:
        targets = anchors + hours * HOUR
        actual = _asof(times, shares, targets)
        candidates = {"model": predicted[hours], "seasonal": _asof(times, shares, targets - WEEK),
                      "persistence": _asof(times, shares, anchors)}
        keep = (targets < end.timestamp()) & ~np.isnan(actual)
        for values in candidates.values():
            keep &= ~np.isnan(values)
        if not keep.any():
            continue
        capacity = forecaster.capacity
        out[hours] = {name: float(np.abs(np.rint(values[keep] * capacity) - np.rint(actual[keep] * capacity)).mean())
                      for name, values in candidates.items()}
    return out

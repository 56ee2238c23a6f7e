"""Reads of the forecast: free spaces expected at a time, and how good the forecasts were.

`predicted_free(carpark=, at=)` answers for `at` from now up to four hours ahead, else
None; None too when the car park has no usable model or no fresh reading (the same
freshness rule as the list: a forecast from stale data would be a guess). The forecast
is made from the latest reading's instant `t0` (1, 2, 3 and 4 hours after it) and
interpolated linearly between t0 (the reading itself) and those points; between
t0 + 4 h and now + 4 h (at most the staleness limit) it keeps the 4-hour figure. Made
once per reading: cached in the process under (model, reading instant).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from typing import Any

from django.db.models import Q
from django.utils import timezone

from . import forecast
from .carpark_selectors import is_stale
from .models import CarPark, ForecastModel, OccupancyReading

__all__ = ["FORECAST_HORIZON", "forecast_accuracy", "forecast_points", "predicted_free"]

logger = logging.getLogger(__name__)

FORECAST_HORIZON = dt.timedelta(hours=max(forecast.HORIZONS))
_LOADED: OrderedDict[tuple, Any] = OrderedDict()  # (model row, trained_at) -> Forecaster
_POINTS: OrderedDict[tuple, dict[int, int]] = OrderedDict()  # (model row, trained_at, t0) -> {h: free}
_KEEP = 64


def _remember(store: OrderedDict, key: tuple, value: Any) -> Any:
    store[key] = value
    store.move_to_end(key)
    while len(store) > _KEEP:
        store.popitem(last=False)
    return value


def _forecaster(model_id: int, trained_at: dt.datetime, library: str):
    """The Forecaster of a ForecastModel row, loaded once per process and training (the
    blob is read from the database only then)."""
    from .forecast_services import library_version

    key = (model_id, trained_at)
    if key in _LOADED:
        return _LOADED[key]
    if library != library_version():
        return None  # fitted by another scikit-learn: wait for tonight's training
    blob = ForecastModel.objects.filter(pk=model_id).values_list("model", flat=True).first()
    try:
        loaded = forecast.loads(bytes(blob))
    except Exception:
        logger.exception("forecast model %s cannot be loaded", model_id)
        return None
    return _remember(_LOADED, key, loaded)


def _recent_history(carpark_id: int, t0: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Only the readings the features look at: the last four hours, and the four hours
    after t0 one day and one week back (each window with the staleness margin)."""
    margin = dt.timedelta(seconds=forecast.STALE)
    windows = Q(at__gt=t0 - dt.timedelta(hours=3) - margin, at__lte=t0)
    for back in (dt.timedelta(days=1), dt.timedelta(weeks=1)):
        windows |= Q(at__gt=t0 - back - margin, at__lte=t0 - back + FORECAST_HORIZON)
    return list(OccupancyReading.objects.filter(windows, carpark_id=carpark_id).values_list("at", "free"))


def forecast_points(*, carpark: CarPark, now: dt.datetime | None = None) -> tuple[dt.datetime, dict[int, int]] | None:
    """(t0, {hours after t0: free}) from the latest fresh reading, or None."""
    now = now or timezone.now()
    if carpark.reading_at is None or carpark.free_now is None or is_stale(reading_at=carpark.reading_at, now=now):
        return None
    row = ForecastModel.objects.filter(carpark=carpark).values_list("pk", "trained_at", "library").first()
    if row is None:
        return None
    model = _forecaster(*row)
    if model is None:
        return None
    t0 = carpark.reading_at
    key = (row[0], row[1], t0)
    if key not in _POINTS:
        predicted = model.predict(_recent_history(carpark.pk, t0), t0)
        _remember(_POINTS, key, {hours: max(0, min(carpark.capacity, free)) for hours, free in predicted.items()})
    return t0, _POINTS[key]


def predicted_free(*, carpark: CarPark, at: dt.datetime, now: dt.datetime | None = None) -> int | None:
    """Free spaces expected at `at` (an aware instant), from now up to four real hours
    ahead; else None. (Add hours to a UTC time: Berlin wall-clock arithmetic on the night
    the clocks go back gives an instant five hours ahead.)"""
    now = now or timezone.now()
    if at < now or at > now + FORECAST_HORIZON:
        return None
    made = forecast_points(carpark=carpark, now=now)
    if made is None:
        return None
    t0, points = made
    knots = [(t0, float(carpark.free_now))] + [(t0 + dt.timedelta(hours=h), float(points[h]))
                                               for h in sorted(points)]
    if at >= knots[-1][0]:
        return int(knots[-1][1])
    for (left, a), (right, b) in zip(knots, knots[1:]):
        if left <= at <= right:
            weight = (at - left) / (right - left)
            return int(round(a + (b - a) * weight))
    return int(knots[0][1])


def forecast_accuracy() -> dict[int, float]:
    """Mean forecast error per horizon (hours) over the car parks with a model, as a
    share of each car park's capacity (MAE / capacity), measured on the last held-out week."""
    shares: dict[int, list[float]] = {h: [] for h in forecast.HORIZONS}
    for mae, capacity in ForecastModel.objects.filter(carpark__active=True).values_list("mae", "capacity"):
        for hours in forecast.HORIZONS:
            value = (mae or {}).get(str(hours))
            if value is not None and capacity:
                shares[hours].append(float(value) / capacity)
    return {hours: round(sum(values) / len(values), 4) for hours, values in shares.items() if values}

"""Forecast models are trained and stored here and nowhere else.

`forecast_train(carpark=)` reads the car park's stored history (the last
`PARKING_FORECAST_WEEKS`, default 16), fits a first model without the last week and
measures it on that week against seasonal-naive and persistence, then fits the model it
keeps on the whole history (so the newest week counts too) and stores it serialised in
the car park's ForecastModel. Nightly: `manage.py parking_train_forecasts` or the
`train_forecasts` task. Safe to run twice (the row is replaced). A car park with less
than three weeks of history keeps no model (the selector then answers None).

Why stored and not refitted on demand: a fit takes a few seconds per car park (two
here), far too slow for a page that lists ten car parks; loading one takes milliseconds.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from digitalstadt.core.audit import audit_log

from . import forecast
from .models import CarPark, ForecastModel, OccupancyReading

__all__ = ["forecast_train", "forecasts_train_all", "library_version"]

logger = logging.getLogger(__name__)

HELD_OUT = dt.timedelta(weeks=1)


def library_version() -> str:
    import sklearn

    return f"scikit-learn {sklearn.__version__}"


def _weeks() -> int:
    return int(getattr(settings, "PARKING_FORECAST_WEEKS", 16))


def forecast_train(*, carpark: CarPark, now: dt.datetime | None = None) -> ForecastModel | None:
    """Train, evaluate and store the forecast of one car park. Returns the stored row,
    or None when the history is too short (an existing model is then left alone)."""
    now = now or timezone.now()
    since = now - dt.timedelta(weeks=_weeks())
    history = list(OccupancyReading.objects.filter(carpark=carpark, at__gte=since, at__lte=now)
                   .order_by("at").values_list("at", "free"))
    if not history or history[-1][0] - history[0][0] < forecast.MIN_HISTORY + HELD_OUT:
        return None
    split = history[-1][0] - HELD_OUT
    first = forecast.train([row for row in history if row[0] < split], carpark.capacity)
    errors = forecast.evaluate(first, history, start=split, end=history[-1][0] + dt.timedelta(seconds=1))
    kept = forecast.train(history, carpark.capacity)
    fields = {
        "trained_at": now, "history_from": history[0][0], "history_until": history[-1][0],
        "readings": len(history), "capacity": carpark.capacity, "library": library_version(),
        "mae": {str(h): round(e["model"], 2) for h, e in errors.items()},
        "baseline_mae": {name: {str(h): round(e[name], 2) for h, e in errors.items()}
                         for name in ("seasonal", "persistence")},
        "model": forecast.dumps(kept),
    }
    with transaction.atomic():
        row, _created = ForecastModel.objects.update_or_create(carpark=carpark, defaults=fields)
        audit_log(actor=None, system="parking_train_forecasts", action="parking.forecast_trained", subject=carpark,
                  data={"readings": len(history), "mae": fields["mae"], "baseline_mae": fields["baseline_mae"]})
    return row


def forecasts_train_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Train every active car park's forecast; one that fails does not stop the others.
    Returns counts: trained, skipped (too little history), failed."""
    stats = {"trained": 0, "skipped": 0, "failed": 0}
    for carpark in CarPark.objects.filter(active=True).order_by("pk"):
        try:
            stored = forecast_train(carpark=carpark, now=now)
        except Exception:  # a bad history of one car park must not stop the night's run
            logger.exception("forecast training failed for car park %s", carpark.pk)
            stats["failed"] += 1
            continue
        stats["trained" if stored is not None else "skipped"] += 1
    return stats

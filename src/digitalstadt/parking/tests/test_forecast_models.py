"""The stored forecast: trained nightly from the stored history, read by predicted_free
(None outside now..now+4 h, without a model or fresh data) and the dashboard figures."""

import datetime as dt

import pytest
from django.core.management import call_command

from digitalstadt.core.models import AuditEntry
from digitalstadt.core.registry import dashboard_figures
from digitalstadt.parking import simulator
from digitalstadt.parking.carpark_selectors import expected_free
from digitalstadt.parking.carpark_services import occupancy_record
from digitalstadt.parking.feeds import Reading, simulator_profile
from digitalstadt.parking.forecast_selectors import forecast_accuracy, predicted_free
from digitalstadt.parking.forecast_services import forecast_train
from digitalstadt.parking.forecast_tasks import train_forecasts
from digitalstadt.parking.models import ForecastModel
from digitalstadt.testing.fixtures import run_worker_batch

from .carpark_factories import carpark_make

pytestmark = pytest.mark.django_db


def with_history(carpark, now, *, days):
    """The simulated readings of the last `days` days, every 15 minutes, through the real service."""
    profile = simulator_profile(carpark)
    end = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0).astimezone(dt.UTC)
    rows = simulator.series(profile, end - dt.timedelta(days=days), end + dt.timedelta(seconds=1))
    occupancy_record(carpark=carpark, readings=[Reading(carpark.slug, at, free) for at, free in rows],
                     source="simulator", now=now)
    carpark.refresh_from_db()
    return profile


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_the_nightly_task_stores_a_model_that_forecasts_the_next_hours(clock):
    # Given a car park with four weeks of (simulated) history (a fixed slug: the
    # simulator's figures depend on it)
    carpark = carpark_make(slug="innenstadt-test", capacity=400, simulator_kind="shopping")
    now = clock.now().astimezone(dt.UTC)  # hours added in UTC are real hours, also at DST
    profile = with_history(carpark, now, days=28)
    # When the nightly task runs in the real worker
    train_forecasts.enqueue()
    run_worker_batch()
    # Then the car park has a model, measured on the held-out last week against both baselines
    row = ForecastModel.objects.get(carpark=carpark)
    assert set(row.mae) == {"1", "2", "3", "4"} and row.capacity == 400 and row.readings == 28 * 96 + 1
    # (three weeks to learn from are few: measured 0.59 and 0.72 here, 0.4 and 0.5 in the
    # bench with 16 weeks; the strict check of the model is in test_forecast.py)
    for hours in ("1", "3"):
        assert row.mae[hours] < 0.9 * min(row.baseline_mae["seasonal"][hours],
                                          row.baseline_mae["persistence"][hours])
    assert AuditEntry.objects.filter(action="parking.forecast_trained").count() == 1
    # and predicted_free answers within the next four hours, close to what then happens
    for hours in (1, 2.5, 4):
        at = now + dt.timedelta(hours=hours)
        value = predicted_free(carpark=carpark, at=at)
        assert isinstance(value, int) and 0 <= value <= 400
        assert abs(value - simulator.free_spaces(profile, at)) < 0.15 * 400, hours
    # the car parks' hook (shop pages, pickup confirmation) gets the same figure
    at = now + dt.timedelta(hours=2)
    assert expected_free(carpark=carpark, at=at) == predicted_free(carpark=carpark, at=at)
    # and right now it is the current reading
    assert predicted_free(carpark=carpark, at=carpark.reading_at + dt.timedelta(minutes=15)) is not None


def test_predicted_free_is_none_without_a_model_outside_four_hours_or_on_stale_data(clock,
                                                                                     django_assert_num_queries):
    carpark = carpark_make(slug="pendler-test", capacity=300, simulator_kind="commuter")
    now = clock.now().astimezone(dt.UTC)  # hours added in UTC are real hours, also at DST
    with_history(carpark, now, days=22)
    assert predicted_free(carpark=carpark, at=now + dt.timedelta(hours=1)) is None  # no model yet
    assert forecast_train(carpark=carpark) is not None
    assert predicted_free(carpark=carpark, at=now + dt.timedelta(hours=1)) is not None
    # Once made for the latest reading, a forecast costs one small query (not the model's bytes)
    with django_assert_num_queries(1):
        assert predicted_free(carpark=carpark, at=now + dt.timedelta(hours=3)) is not None
    assert predicted_free(carpark=carpark, at=now - dt.timedelta(minutes=1)) is None  # the past
    assert predicted_free(carpark=carpark, at=now + dt.timedelta(hours=4, minutes=1)) is None  # too far
    # No reading for half an hour: no forecast from stale data
    clock.shift(dt.timedelta(minutes=30))
    assert predicted_free(carpark=carpark, at=clock.now() + dt.timedelta(hours=1)) is None
    clock.shift(dt.timedelta(minutes=-30))
    # A model fitted by another scikit-learn is not unpickled
    ForecastModel.objects.filter(carpark=carpark).update(library="scikit-learn 0.1", trained_at=now)
    assert predicted_free(carpark=carpark, at=now + dt.timedelta(hours=1)) is None


def test_too_little_history_keeps_no_model_and_the_command_says_so(clock, capsys):
    carpark = carpark_make(capacity=200)
    with_history(carpark, clock.now(), days=10)
    call_command("parking_train_forecasts")
    assert "trained: 0, too little history: 1, failed: 0" in capsys.readouterr().out
    assert not ForecastModel.objects.filter(carpark=carpark).exists()
    assert forecast_accuracy() == {}


def test_forecast_accuracy_is_the_mean_error_share_per_horizon(clock):
    small, large = carpark_make(capacity=200), carpark_make(capacity=800)
    for carpark, mae in ((small, 10.0), (large, 20.0)):
        ForecastModel.objects.create(carpark=carpark, trained_at=clock.now(), history_from=clock.now(),
                                     history_until=clock.now(), readings=1, capacity=carpark.capacity,
                                     mae={"1": mae, "3": 2 * mae}, library="x", model=b"")
    assert forecast_accuracy() == {1: round((10 / 200 + 20 / 800) / 2, 4), 3: round((20 / 200 + 40 / 800) / 2, 4)}
    figures = {figure.id: figure for figure in dashboard_figures.all()}
    assert figures["parking.forecast_error_1h"].value() == forecast_accuracy()[1]
    assert figures["parking.forecast_error_3h"].unit == "share"

"""The forecast (pure): it beats both baselines on a held-out simulated week, stays in
[0, capacity], and never looks past `now`."""

import ast
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from digitalstadt.parking import forecast
from digitalstadt.parking.simulator import BERLIN, Profile, series

SHOPPING = Profile("test-shopping", 400, "shopping")
EVENT_HALL = Profile("test-hall", 450, "event_hall")
START = dt.datetime(2026, 9, 7, tzinfo=BERLIN).astimezone(dt.UTC)  # a Monday
STEP = dt.timedelta(minutes=15)


def simulated(profile, weeks):
    return series(profile, START, START + dt.timedelta(weeks=weeks), STEP)


@pytest.fixture(scope="module")
def shopping_history():
    return simulated(SHOPPING, 5)


@pytest.fixture(scope="module")
def shopping_model(shopping_history):
    split = START + dt.timedelta(weeks=4)
    return forecast.train([row for row in shopping_history if row[0] < split], SHOPPING.capacity, max_iter=60)


def held_out_mae(model, history, split, end):
    free = dict(history)
    anchors = [at for at, _ in history if split <= at < end - dt.timedelta(hours=4)]
    predicted = model.predict_many(history, anchors)
    out = {}
    for hours in forecast.HORIZONS:
        lead = dt.timedelta(hours=hours)
        actual = np.array([free[at + lead] for at in anchors])
        out[hours] = {"model": np.abs(predicted[hours] - actual).mean(),
                      "seasonal": np.abs(np.array([free[at + lead - dt.timedelta(weeks=1)] for at in anchors])
                                         - actual).mean(),
                      "persistence": np.abs(np.array([free[at] for at in anchors]) - actual).mean()}
    return out


@pytest.mark.parametrize(("profile", "bound"), [(SHOPPING, 0.6), (EVENT_HALL, 0.85)], ids=["shopping", "event_hall"])
def test_the_model_beats_both_baselines_on_a_held_out_week(profile, bound, shopping_history, shopping_model):
    # Given four simulated weeks to learn from (the event hall's with unannounced events)
    if profile is SHOPPING:
        history, model = shopping_history, shopping_model
    else:
        history = simulated(profile, 5)
        model = forecast.train([row for row in history if row[0] < START + dt.timedelta(weeks=4)],
                               profile.capacity, max_iter=60)
    # When it forecasts every quarter hour of the fifth week
    mae = held_out_mae(model, history, START + dt.timedelta(weeks=4), START + dt.timedelta(weeks=5))
    # Then at 1 h and 3 h it is clearly better than the better of the two baselines
    # (measured here: shopping 0.33 and 0.39, event hall 0.67 and 0.67; the goal is 0.9).
    for hours in (1, 3):
        better = min(mae[hours]["seasonal"], mae[hours]["persistence"])
        assert mae[hours]["model"] / better < bound, (hours, mae[hours])


def test_predictions_are_whole_spaces_within_capacity(shopping_history, shopping_model):
    now = START + dt.timedelta(weeks=4, days=5, hours=11)  # a Saturday late morning, the car park filling
    # A full car park for the last hours (free 0) pushes the guesses below zero; a feed
    # reporting more free spaces than the capacity pushes them above it.
    full = [row for row in shopping_history if row[0] <= now - dt.timedelta(hours=3)]
    full += [(now - dt.timedelta(minutes=m), 0) for m in range(0, 180, 15)]
    overfull = [(at, free) for at, free in full[:-12]] + [(now - dt.timedelta(minutes=m), 900) for m in range(0, 180, 15)]
    for history in (full, overfull):
        predicted = shopping_model.predict(history, now)
        assert set(predicted) == {1, 2, 3, 4}
        assert all(isinstance(value, int) and 0 <= value <= SHOPPING.capacity for value in predicted.values())
    assert shopping_model.predict(full, now)[1] < 40  # it did follow the full car park
    assert shopping_model.predict(overfull, now)[1] > 200


def test_readings_after_now_change_nothing(shopping_history, shopping_model):
    now = START + dt.timedelta(weeks=4, days=2, hours=9, minutes=7)  # between two readings
    until_now = [row for row in shopping_history if row[0] <= now]
    before = shopping_model.predict(until_now, now)
    # Appending the real future, and then an absurd one, must not move the forecast made at `now`.
    future = [row for row in shopping_history if row[0] > now]
    absurd = [(at, 0 if i % 2 else SHOPPING.capacity) for i, (at, _) in enumerate(future)]
    assert shopping_model.predict(until_now + future, now) == before
    assert shopping_model.predict(until_now + absurd, now) == before
    assert shopping_model.predict(list(reversed(until_now + absurd)), now) == before
    # ...while the readings before now do matter (the test could fail).
    shifted = [(at, max(0, free - 120)) for at, free in until_now]
    assert shopping_model.predict(shifted, now) != before


def test_batch_forecasts_equal_single_ones(shopping_history, shopping_model):
    anchors = [START + dt.timedelta(weeks=4, days=3, hours=h) for h in (7, 12, 18)]
    batch = shopping_model.predict_many(shopping_history, anchors)
    for i, anchor in enumerate(anchors):
        single = shopping_model.predict([row for row in shopping_history if row[0] <= anchor], anchor)
        assert single == {hours: int(batch[hours][i]) for hours in forecast.HORIZONS}


def test_stale_or_missing_readings_still_give_a_bounded_forecast(shopping_history, shopping_model):
    now = START + dt.timedelta(weeks=4, days=1, hours=14)
    stale = [row for row in shopping_history if row[0] <= now - dt.timedelta(hours=6)]
    for history in (stale, []):
        predicted = shopping_model.predict(history, now)
        assert all(0 <= value <= SHOPPING.capacity for value in predicted.values())


def test_training_needs_two_weeks_and_a_capacity(shopping_history):
    with pytest.raises(ValueError):
        forecast.train(shopping_history[: 7 * 96], SHOPPING.capacity)
    with pytest.raises(ValueError):
        forecast.train(shopping_history, 0)


def test_day_types_come_from_the_calendar():
    assert forecast.day_type(dt.date(2026, 12, 1)) == 0  # Tuesday
    assert forecast.day_type(dt.date(2026, 12, 5)) == 1  # Saturday
    assert forecast.day_type(dt.date(2026, 12, 6)) == 2  # Sunday
    assert forecast.day_type(dt.date(2026, 6, 4)) == 2  # Corpus Christi, a public holiday in Hesse


def test_the_forecast_does_not_know_the_simulator():
    source = Path(forecast.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {node.module or ""} | {alias.name for alias in node.names}
    assert not any("simulator" in name for name in imported), imported


def test_the_calendar_is_local_time_across_both_dst_changes():
    # Every 7 min 13 s from March to December 2026: both DST changes and the holidays.
    stamps = np.arange(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp(),
                       dt.datetime(2026, 12, 31, tzinfo=dt.UTC).timestamp(), 433.0)
    types, weekdays, hours, _slots = forecast._calendar(stamps)
    for i in range(0, len(stamps), 37):
        local = dt.datetime.fromtimestamp(stamps[i], BERLIN)
        assert types[i] == forecast.day_type(local.date())
        assert weekdays[i] == local.weekday()
        assert hours[i] == pytest.approx(local.hour + local.minute / 60 + local.second / 3600)


def test_a_stored_forecaster_reads_back_the_same(shopping_history, shopping_model):
    now = START + dt.timedelta(weeks=4, days=4, hours=16)
    history = [row for row in shopping_history if row[0] <= now]
    again = forecast.loads(forecast.dumps(shopping_model))
    assert again.predict(history, now) == shopping_model.predict(history, now)
    with pytest.raises(TypeError):
        forecast.loads(__import__("zlib").compress(__import__("pickle").dumps({"not": "a model"})))

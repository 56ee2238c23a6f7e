"""Opening hours are data, evaluated in local time: DST days, holidays and nights past midnight."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from digitalstadt.parking.opening import hours_rows, is_open

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = {key: [["07:00", "24:00"]] for key in ("mon", "tue", "wed", "thu", "fri", "sat")}


def local(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


def test_open_between_the_times_of_the_local_day():
    hours = {**WEEKDAYS, "sun": []}
    assert not is_open(hours=hours, at=local(2026, 12, 1, 6, 59))
    assert is_open(hours=hours, at=local(2026, 12, 1, 7, 0))
    assert is_open(hours=hours, at=local(2026, 12, 1, 23, 59))
    assert not is_open(hours=hours, at=local(2026, 12, 6, 12, 0))  # a Sunday


@pytest.mark.parametrize("utc, expected", [
    # 28 March 2027, clocks jump 02:00 -> 03:00: 03:30 CEST is 01:30 UTC.
    (dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC), True),
    (dt.datetime(2027, 3, 28, 0, 50, tzinfo=dt.UTC), False),  # 01:50 CET
    # 31 October 2027, clocks go back 03:00 -> 02:00: both 02:30 are before 03:00, closed.
    (dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC), False),  # 02:30 CEST
    (dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC), False),  # 02:30 CET
    (dt.datetime(2027, 10, 31, 2, 0, tzinfo=dt.UTC), True),    # 03:00 CET
])
def test_wall_clock_times_hold_on_the_days_the_clocks_change(utc, expected):
    hours = {"sun": [["03:00", "22:00"]]}
    assert is_open(hours=hours, at=utc) is expected


def test_holiday_hours_replace_the_weekday():
    hours = {**WEEKDAYS, "holidays": [["10:00", "18:00"]]}
    fronleichnam = dt.date(2027, 5, 27)  # a Thursday, a holiday in Hesse
    assert not is_open(hours=hours, at=local(2027, 5, 27, 8, 0))
    assert is_open(hours=hours, at=local(2027, 5, 27, 11, 0))
    assert is_open(hours=hours, at=local(2027, 5, 20, 8, 0))  # the Thursday before: weekday hours
    assert fronleichnam.weekday() == 3


def test_without_holiday_hours_a_holiday_keeps_the_weekday_hours():
    assert is_open(hours=WEEKDAYS, at=local(2027, 5, 27, 8, 0))


def test_an_interval_past_midnight_belongs_to_the_next_morning():
    hours = {"fri": [["18:00", "02:00"]]}
    assert is_open(hours=hours, at=local(2026, 12, 4, 23, 0))   # Friday night
    assert is_open(hours=hours, at=local(2026, 12, 5, 1, 30))   # Saturday early
    assert not is_open(hours=hours, at=local(2026, 12, 5, 2, 0))
    assert not is_open(hours=hours, at=local(2026, 12, 5, 23, 0))


def test_24_7_and_malformed_data():
    assert is_open(hours={}, open_24_7=True, at=local(2026, 12, 25, 3, 0))
    assert not is_open(hours={"mon": [["7", "x"]], "tue": "garbage"}, at=local(2026, 11, 30, 12, 0))
    assert not is_open(hours="not a table", at=local(2026, 11, 30, 12, 0))


def test_hours_rows_for_the_detail_page():
    rows = hours_rows(hours={"mon": [["07:00", "24:00"]], "holidays": []})
    assert [str(label) for label, _ in rows][0] == "Montag"
    assert rows[0][1] == "07:00–24:00"
    assert rows[1][1] is None
    assert str(rows[-1][0]) == "Feiertage"
    assert hours_rows(hours={}, open_24_7=True) == []

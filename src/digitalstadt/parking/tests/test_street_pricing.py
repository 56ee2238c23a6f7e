"""Street-parking prices, to the minute, across tariff boundaries, days and DST."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from digitalstadt.parking.street_pricing import PeriodSpec, TariffSpec, charged_end, quote

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


def mon_sat(price, start=8, end=20, unit=30):
    return tuple(PeriodSpec(day, start * 60, end * 60, price, unit) for day in range(6))


ZONE_I = TariffSpec(dt.date(2021, 8, 15), None, mon_sat(100), max_stay_minutes=120)


def test_half_an_hour_in_zone_one_costs_one_euro():
    q = quote(tariffs=[ZONE_I], start=at(2026, 3, 2, 10, 0), end=at(2026, 3, 2, 10, 30))
    assert (q.cents, q.minutes, q.charged_minutes) == (100, 30, 30)


def test_every_started_minute_counts_and_rounding_is_half_up_once():
    # 10 min 5 s -> 11 minutes x 100/30 ct = 36.67 ct -> 37 ct
    q = quote(tariffs=[ZONE_I], start=at(2026, 3, 2, 10, 0), end=at(2026, 3, 2, 10, 10, 5))
    assert (q.minutes, q.cents) == (11, 37)
    # zone II: 75/30 ct per minute; 1 minute = 2.5 ct -> 3 ct (half up); 2 minutes = 5 ct
    zone_ii = TariffSpec(dt.date(2021, 8, 15), None, mon_sat(75))
    assert quote(tariffs=[zone_ii], start=at(2026, 3, 2, 9), end=at(2026, 3, 2, 9, 1)).cents == 3
    assert quote(tariffs=[zone_ii], start=at(2026, 3, 2, 9), end=at(2026, 3, 2, 9, 2)).cents == 5


def test_charged_hours_end_at_eight_in_the_evening():
    q = quote(tariffs=[ZONE_I], start=at(2026, 3, 2, 19, 30), end=at(2026, 3, 2, 21, 0))
    assert (q.charged_minutes, q.cents) == (30, 100)


def test_sunday_is_free_and_the_night_across_midnight_too():
    assert quote(tariffs=[ZONE_I], start=at(2026, 3, 1, 10), end=at(2026, 3, 1, 18)).cents == 0  # Sunday
    # Saturday 19:00 -> Monday 08:30: 60 + 30 charged minutes
    q = quote(tariffs=[ZONE_I], start=at(2026, 2, 28, 19), end=at(2026, 3, 2, 8, 30))
    assert (q.charged_minutes, q.cents) == (90, 300)


def test_a_tariff_change_at_midnight_prices_each_day_by_its_own_rule():
    old = TariffSpec(dt.date(2021, 1, 1), dt.date(2026, 3, 2), tuple(PeriodSpec(d, 0, 1440, 100) for d in range(7)))
    new = TariffSpec(dt.date(2026, 3, 3), None, tuple(PeriodSpec(d, 0, 1440, 50) for d in range(7)))
    q = quote(tariffs=[old, new], start=at(2026, 3, 2, 23, 30), end=at(2026, 3, 3, 0, 30))
    assert q.cents == 100 + 50


def test_the_short_dst_night_pays_the_minutes_really_parked():
    all_day = TariffSpec(dt.date(2021, 1, 1), None, tuple(PeriodSpec(d, 0, 1440, 60, 60) for d in range(7)))
    # 29 March 2026: 01:00 -> 04:00 local is two real hours
    q = quote(tariffs=[all_day], start=at(2026, 3, 29, 1), end=at(2026, 3, 29, 4))
    assert (q.minutes, q.cents) == (120, 120)
    # 25 October 2026: 01:00 -> 04:00 local is four real hours
    q = quote(tariffs=[all_day], start=at(2026, 10, 25, 1), end=at(2026, 10, 25, 4))
    assert (q.minutes, q.cents) == (240, 240)


def test_charged_hours_on_the_dst_day_follow_the_wall_clock():
    # 25 October 2026 is a Sunday; the tariff charges 2-3 local on Sundays only.
    night = TariffSpec(dt.date(2021, 1, 1), None, (PeriodSpec(6, 120, 180, 60, 60),))
    q = quote(tariffs=[night], start=at(2026, 10, 25, 0), end=at(2026, 10, 25, 5))
    assert q.charged_minutes == 120  # the hour 2-3 happens twice


def test_free_minutes_and_voucher_minutes_come_off_the_start():
    brotchen = TariffSpec(dt.date(2021, 1, 1), None, mon_sat(100), free_minutes=15)
    q = quote(tariffs=[brotchen], start=at(2026, 3, 2, 10), end=at(2026, 3, 2, 10, 15))
    assert (q.cents, q.free_minutes) == (0, 15)
    q = quote(tariffs=[brotchen], start=at(2026, 3, 2, 10), end=at(2026, 3, 2, 11, 15), voucher_minutes=30)
    assert (q.free_minutes, q.voucher_minutes, q.cents) == (15, 30, 100)


def test_no_tariff_means_free_and_bad_input_is_refused():
    assert quote(tariffs=[], start=at(2026, 3, 2, 10), end=at(2026, 3, 2, 12)).cents == 0
    assert quote(tariffs=[ZONE_I], start=at(2026, 3, 2, 12), end=at(2026, 3, 2, 10)).cents == 0
    with pytest.raises(ValueError):
        quote(tariffs=[ZONE_I], start=dt.datetime(2026, 3, 2, 10), end=at(2026, 3, 2, 12))
    with pytest.raises(ValueError):
        quote(tariffs=[ZONE_I], start=at(2026, 3, 2, 10), end=at(2026, 3, 12, 10))


def test_the_latest_end_under_the_maximum_stay_skips_free_time():
    assert charged_end(tariffs=[ZONE_I], start=at(2026, 3, 2, 10), charged_minutes=120) == at(2026, 3, 2, 12)
    # from 19:00 Saturday: one charged hour, Sunday free, Monday 08:00-09:00
    assert charged_end(tariffs=[ZONE_I], start=at(2026, 2, 28, 19), charged_minutes=120) == at(2026, 3, 2, 9)

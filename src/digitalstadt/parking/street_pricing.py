"""The price of a street-parking session: a pure function of the zone's tariffs (dated
data), the start and the end. No database, no clock.

Rules:
- Time is walked minute by minute in real (UTC) minutes and each minute is judged by
  its local wall-clock time (Europe/Berlin): the tariff valid on that local date, and
  the period covering that weekday and minute of the day. So a session across the DST
  change pays for the minutes it really stood (the short night has 60 fewer), a
  session across midnight or a tariff change pays each minute by the rules of its day.
- Every started minute counts (10 min 5 s are 11 minutes).
- Outside charged periods parking is free and does not count towards the maximum stay.
- The first `free_minutes` charged minutes of a session are free (Brötchentaste, of the
  tariff valid at the start), then the `voucher_minutes` charged minutes a park & shop
  voucher covers; both are charged minutes, not wall-clock minutes.
- Each charged minute costs price_cents / unit_minutes exactly (a fraction); the sum is
  rounded half up to whole cents once, at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from zoneinfo import ZoneInfo

__all__ = ["MAX_SESSION_MINUTES", "PeriodSpec", "Quote", "TariffSpec", "charged_end", "quote", "tariff_on"]

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = dt.timedelta(minutes=1)
MAX_SESSION_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class PeriodSpec:
    weekday: int  # 0 = Monday
    start_minute: int
    end_minute: int  # exclusive, 1440 = midnight
    price_cents: int
    unit_minutes: int = 30


@dataclass(frozen=True)
class TariffSpec:
    valid_from: dt.date
    valid_until: dt.date | None
    periods: tuple[PeriodSpec, ...] = ()
    max_stay_minutes: int | None = None
    free_minutes: int = 0

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Quote:
    cents: int
    minutes: int  # wall-clock minutes, every started minute
    charged_minutes: int  # minutes inside charged periods
    free_minutes: int  # of those, free (Brötchentaste)
    voucher_minutes: int  # of those, covered by a voucher
    exact_cents: Fraction = field(default=Fraction(0), compare=False)


def tariff_on(tariffs: Sequence[TariffSpec], day: dt.date) -> TariffSpec | None:
    """The tariff valid on a local date (the latest starting one when two overlap)."""
    valid = [t for t in tariffs if t.covers(day)]
    return max(valid, key=lambda t: t.valid_from) if valid else None


def _period_at(tariff: TariffSpec | None, local: dt.datetime) -> PeriodSpec | None:
    if tariff is None:
        return None
    minute = local.hour * 60 + local.minute
    weekday = local.weekday()
    for period in tariff.periods:
        if period.weekday == weekday and period.start_minute <= minute < period.end_minute:
            return period
    return None


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    # aware datetimes of one tzinfo subtract by wall clock in Python: compare in UTC
    seconds = (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds()
    whole = int(seconds // 60)
    return whole + (1 if seconds - whole * 60 > 0 else 0)


def _walk(tariffs: Sequence[TariffSpec], start: dt.datetime, count: int):
    """(minute start, period or None) for `count` real minutes from `start`."""
    cached_day: dt.date | None = None
    tariff: TariffSpec | None = None
    moment = start.astimezone(dt.UTC)
    for _ in range(count):
        local = moment.astimezone(BERLIN)
        if local.date() != cached_day:
            cached_day = local.date()
            tariff = tariff_on(tariffs, cached_day)
        yield moment, _period_at(tariff, local)
        moment += MINUTE


def quote(*, tariffs: Sequence[TariffSpec], start: dt.datetime, end: dt.datetime, voucher_minutes: int = 0,
          free_minutes: int | None = None) -> Quote:
    """The price of parking from `start` to `end` (aware datetimes). `free_minutes`
    defaults to the Brötchentaste of the tariff valid at the start."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("aware datetimes required")
    if end <= start:
        return Quote(0, 0, 0, 0, 0)
    minutes = _minutes(start, end)
    if minutes > MAX_SESSION_MINUTES:
        raise ValueError("session too long")
    if free_minutes is None:
        first = tariff_on(tariffs, start.astimezone(BERLIN).date())
        free_minutes = first.free_minutes if first else 0
    free_left, voucher_left = max(free_minutes, 0), max(voucher_minutes, 0)
    charged = free_used = voucher_used = 0
    total = Fraction(0)
    for _moment, period in _walk(tariffs, start, minutes):
        if period is None:
            continue
        charged += 1
        if free_left:
            free_left -= 1
            free_used += 1
        elif voucher_left:
            voucher_left -= 1
            voucher_used += 1
        else:
            total += Fraction(period.price_cents, period.unit_minutes)
    cents = int(total + Fraction(1, 2)) if total else 0  # half up; total >= 0
    return Quote(cents, minutes, charged, free_used, voucher_used, total)


def charged_end(*, tariffs: Sequence[TariffSpec], start: dt.datetime, charged_minutes: int,
                limit: dt.datetime | None = None) -> dt.datetime:
    """When `charged_minutes` of charged time are used up, counting from `start` (free
    time in between does not count); at most `limit` or a week. Used for the latest end
    under the maximum stay."""
    start = start.astimezone(dt.UTC)
    cap = start + dt.timedelta(minutes=MAX_SESSION_MINUTES)
    if limit is not None:
        cap = min(cap, limit.astimezone(dt.UTC))
    left = charged_minutes
    for moment, period in _walk(tariffs, start, _minutes(start, cap)):
        if period is not None:
            if left == 0:
                return moment
            left -= 1
    return cap

"""The demo occupancy simulator: how full a car park is at a given instant, SIMULATED.

Darmstadt's car parks publish no open feed we can reach here, so the demo feed and the
demo history come from this model. It is deterministic (the same car park, seed and
instant always give the same figure) and stateless, so the live demo feed and the
stored history agree without either keeping state.

What it models, each from a hash of (seed, car park, time), never from the clock:
- a weekly pattern by kind of car park (shopping, evening/theatre, event hall,
  commuter, hospital, park & ride): weekdays with a lunchtime and an after-work peak,
  Saturdays fuller, Sundays and Hessian public holidays nearly empty (shops shut);
  December Saturdays busier (Christmas shopping);
- a level per day (weather, school holidays: ±10 %) and a slow drift within the day
  (knots every 90 minutes, interpolated), so the figure now says something about the
  next hours that last week's figure does not;
- events nobody tells the forecast about: about one evening in eight at the event
  halls (congress, concert), spilling over to the car parks next to them.

The forecast (`forecast.py`) is trained and evaluated on what this produces and never
sees these parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

__all__ = ["KINDS", "Profile", "free_spaces", "occupied", "series"]


@dataclass(frozen=True)
class Profile:
    """One simulated car park: `key` (its slug), `capacity`, `kind` (one of KINDS),
    `events` (the key of the event hall whose events fill it too, or "")."""

    key: str
    capacity: int
    kind: str = "shopping"
    events: str = ""
    seed: int = 2026


# Occupancy share by hour (0..23) for weekday, Saturday and Sunday/holiday.
_SHOPPING = (
    (.08, .06, .05, .05, .05, .06, .10, .20, .35, .50, .62, .72, .76, .70, .66, .68, .74, .76, .62, .42, .28, .20, .14, .10),
    (.06, .05, .04, .04, .04, .05, .07, .12, .25, .45, .70, .86, .93, .95, .94, .90, .82, .70, .52, .36, .24, .18, .12, .08),
    (.05, .04, .04, .04, .04, .04, .05, .06, .08, .10, .14, .18, .22, .24, .24, .22, .20, .18, .16, .14, .12, .10, .07, .05),
)
_EVENING = (
    (.10, .07, .05, .05, .05, .06, .10, .18, .30, .40, .48, .55, .58, .52, .48, .50, .55, .60, .66, .75, .78, .60, .35, .18),
    (.10, .07, .05, .05, .05, .05, .07, .10, .20, .36, .56, .70, .76, .78, .76, .72, .68, .66, .72, .84, .86, .70, .42, .20),
    (.08, .06, .05, .05, .05, .05, .05, .06, .08, .10, .14, .18, .22, .24, .24, .24, .26, .32, .44, .58, .60, .46, .24, .10),
)
_EVENT_HALL = (
    (.06, .05, .04, .04, .04, .05, .08, .18, .32, .38, .40, .40, .38, .36, .36, .36, .34, .30, .26, .22, .18, .14, .10, .07),
    (.05, .04, .04, .04, .04, .04, .05, .08, .14, .22, .32, .38, .40, .40, .38, .34, .30, .26, .22, .18, .14, .10, .08, .06),
    (.04, .04, .04, .04, .04, .04, .04, .05, .06, .08, .10, .12, .14, .14, .14, .12, .12, .10, .10, .08, .08, .06, .05, .04),
)
_COMMUTER = (
    (.06, .05, .05, .05, .06, .10, .25, .55, .80, .88, .90, .90, .86, .86, .88, .84, .72, .50, .30, .18, .12, .09, .07, .06),
    (.05, .04, .04, .04, .04, .05, .08, .14, .24, .32, .38, .42, .42, .40, .36, .30, .24, .18, .14, .10, .08, .06, .05, .05),
    (.04, .04, .04, .04, .04, .04, .05, .06, .08, .10, .12, .14, .14, .14, .12, .12, .10, .10, .08, .07, .06, .05, .04, .04),
)
_HOSPITAL = (
    (.30, .28, .27, .27, .28, .34, .52, .76, .88, .92, .93, .92, .90, .90, .92, .88, .78, .66, .58, .52, .46, .40, .35, .32),
    (.30, .28, .27, .27, .27, .30, .38, .50, .60, .66, .70, .72, .72, .70, .68, .66, .62, .58, .54, .48, .42, .38, .34, .31),
    (.28, .27, .26, .26, .26, .28, .34, .44, .54, .60, .64, .66, .66, .64, .62, .60, .56, .52, .48, .42, .38, .34, .31, .29),
)
_PARK_AND_RIDE = (
    (.04, .03, .03, .03, .04, .08, .22, .40, .52, .55, .55, .54, .52, .52, .52, .48, .40, .28, .16, .10, .07, .05, .04, .04),
    (.03, .03, .03, .03, .03, .04, .06, .10, .20, .34, .46, .54, .56, .56, .52, .44, .34, .24, .14, .09, .06, .05, .04, .03),
    (.03, .03, .03, .03, .03, .03, .04, .05, .06, .08, .10, .12, .12, .12, .10, .10, .08, .07, .06, .05, .04, .04, .03, .03),
)
KINDS = {"shopping": _SHOPPING, "evening": _EVENING, "event_hall": _EVENT_HALL, "commuter": _COMMUTER,
         "hospital": _HOSPITAL, "park_and_ride": _PARK_AND_RIDE}


def _unit(*parts) -> float:
    """A uniform number in [0, 1) fixed by `parts`."""
    digest = hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2 ** 64


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("DE", subdiv="HE", years=year).keys())


def _day_type(day: dt.date) -> int:
    if day.weekday() == 6 or day in _holidays(day.year) or (day.month == 12 and day.day in (24, 31)
                                                               and day.weekday() != 5):
        return 2
    return 1 if day.weekday() == 5 else 0


def _base(profile: Profile, local: dt.datetime) -> float:
    table = KINDS[profile.kind][_day_type(local.date())]
    hour = local.hour + local.minute / 60
    low = int(hour) % 24
    share = table[low] + (table[(low + 1) % 24] - table[low]) * (hour - int(hour))
    if local.month == 12 and local.weekday() == 5 and profile.kind in ("shopping", "evening"):
        share = min(1.0, share * 1.12)
    return share


def _daily_level(profile: Profile, day: dt.date) -> float:
    return 1.0 + 0.2 * (_unit(profile.seed, "day", profile.key, day) - 0.5)


def _drift(profile: Profile, local: dt.datetime) -> float:
    """A slow wander (±6 % of capacity), knots every 90 minutes, cosine-interpolated."""
    minutes = (local - local.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() / 60
    knot, frac = divmod(minutes / 90, 1)
    day = local.date()
    a = _unit(profile.seed, "drift", profile.key, day, int(knot)) - 0.5
    b = _unit(profile.seed, "drift", profile.key, day, int(knot) + 1) - 0.5
    weight = (1 - math.cos(math.pi * frac)) / 2
    return 0.12 * (a + (b - a) * weight)


def _event(hall: str, seed: int, day: dt.date) -> tuple[float, float, float] | None:
    """The unannounced event at `hall` on `day`: (start hour, end hour, extra share)."""
    if _unit(seed, "event", hall, day) >= 0.125:
        return None
    start = 17.5 + 3 * _unit(seed, "event-start", hall, day)
    return start, start + 2.5 + 1.5 * _unit(seed, "event-len", hall, day), 0.25 + 0.35 * _unit(seed, "event-size",
                                                                                                hall, day)


def _event_share(profile: Profile, local: dt.datetime) -> float:
    hall = profile.key if profile.kind == "event_hall" else profile.events
    if not hall:
        return 0.0
    event = _event(hall, profile.seed, local.date())
    if event is None:
        return 0.0
    start, end, size = event
    hour = local.hour + local.minute / 60
    if not start - 1.0 <= hour <= end + 0.5:
        return 0.0
    ramp = min(1.0, (hour - start + 1.0) / 1.0, (end + 0.5 - hour) / 0.5)
    return size * ramp * (1.0 if hall == profile.key else 0.5)


def occupied(profile: Profile, at: dt.datetime) -> int:
    """Cars in the car park at `at` (aware)."""
    local = at.astimezone(BERLIN)
    share = _base(profile, local) * _daily_level(profile, local.date()) + _drift(profile, local)
    share += _event_share(profile, local)
    return max(0, min(profile.capacity, round(share * profile.capacity)))


def free_spaces(profile: Profile, at: dt.datetime) -> int:
    return profile.capacity - occupied(profile, at)


def series(profile: Profile, start: dt.datetime, end: dt.datetime,
           step: dt.timedelta = dt.timedelta(minutes=15)) -> list[tuple[dt.datetime, int]]:
    """(instant, free spaces) from `start` up to but excluding `end`, every `step`."""
    out = []
    at = start
    while at < end:
        out.append((at, free_spaces(profile, at)))
        at += step
    return out

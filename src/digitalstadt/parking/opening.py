"""Opening hours of car parks as data, evaluated in local time (Europe/Berlin).

    {"mon": [["07:00", "24:00"]], "tue": ..., "sun": [], "holidays": [["10:00", "20:00"]]}

Times are wall-clock times of the local day, so a car park that opens at 07:00 opens at
07:00 on the days the clocks change too (the instant is converted to local time before
it is compared; no offsets are added by hand). A day without a key or with an empty
list is closed. An interval may run past midnight (["22:00", "02:00"]): its end
belongs to the next morning. On Hessian public holidays the "holidays" times apply when
the key is present, else the weekday's. `open_24_7` overrides the table.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

__all__ = ["DAY_KEYS", "hours_rows", "is_holiday", "is_open", "parse_hours"]

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = {"mon": _("Montag"), "tue": _("Dienstag"), "wed": _("Mittwoch"), "thu": _("Donnerstag"),
              "fri": _("Freitag"), "sat": _("Samstag"), "sun": _("Sonntag"), "holidays": _("Feiertage")}


def _tz() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "TIME_ZONE", "Europe/Berlin") or "Europe/Berlin")


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("DE", subdiv="HE", years=year).keys())


def is_holiday(day: dt.date) -> bool:
    return day in _holidays(day.year)


def _minutes(value: str) -> int:
    hours, minutes = str(value).split(":")
    total = int(hours) * 60 + int(minutes)
    if not 0 <= total <= 24 * 60 or not 0 <= int(minutes) < 60:
        raise ValueError(value)
    return total


def parse_hours(hours: Any) -> dict[str, list[tuple[int, int]]]:
    """The table as minutes of the day; malformed entries are dropped (a broken row closes that day, never a 500)."""
    out: dict[str, list[tuple[int, int]]] = {}
    if not isinstance(hours, dict):
        return out
    for key in (*DAY_KEYS, "holidays"):
        if key not in hours:
            continue
        intervals = []
        for item in hours.get(key) or []:
            try:
                start, end = _minutes(item[0]), _minutes(item[1])
            except (TypeError, ValueError, IndexError, AttributeError):
                continue
            if start != end:
                intervals.append((start, end))
        out[key] = intervals
    return out


def _intervals_for(table: dict[str, list[tuple[int, int]]], day: dt.date) -> list[tuple[int, int]]:
    if "holidays" in table and is_holiday(day):
        return table["holidays"]
    return table.get(DAY_KEYS[day.weekday()], [])


def is_open(*, hours: Any, open_24_7: bool = False, at: dt.datetime) -> bool:
    """Whether a car park with these hours is open at the instant `at` (aware)."""
    if open_24_7:
        return True
    table = parse_hours(hours)
    local = at.astimezone(_tz())
    minute = local.hour * 60 + local.minute
    for start, end in _intervals_for(table, local.date()):
        if (start < end and start <= minute < end) or (end < start and minute >= start):
            return True
    for start, end in _intervals_for(table, local.date() - dt.timedelta(days=1)):
        if end < start and minute < end:  # yesterday's interval running past midnight
            return True
    return False


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_rows(*, hours: Any, open_24_7: bool = False) -> list[tuple[Any, str | None]]:
    """(day label, "07:00–24:00, …" or None for closed) for the detail page; [] when 24/7."""
    if open_24_7:
        return []
    table = parse_hours(hours)
    rows = [(DAY_LABELS[key], ", ".join(f"{_fmt(s)}–{_fmt(e)}" for s, e in table.get(key, [])) or None)
            for key in DAY_KEYS]
    if "holidays" in table:
        rows.append((DAY_LABELS["holidays"],
                     ", ".join(f"{_fmt(s)}–{_fmt(e)}" for s, e in table["holidays"]) or None))
    return rows

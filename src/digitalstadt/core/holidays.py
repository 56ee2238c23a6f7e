"""Public holidays of the city's state (settings HOLIDAY_COUNTRY, HOLIDAY_SUBDIV; Hesse
by default), for every app that plans days (delivery windows; appointments and the
marketplace still have their own copies, to be moved here)."""

from __future__ import annotations

from datetime import date

import holidays
from django.conf import settings


def public_holidays(years) -> holidays.HolidayBase:
    return holidays.country_holidays(getattr(settings, "HOLIDAY_COUNTRY", "DE"),
                                     subdiv=getattr(settings, "HOLIDAY_SUBDIV", "HE"), years=sorted(set(years)))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays([day.year])

"""An appointment as an iCalendar file (RFC 5545) with the Europe/Berlin time zone, so
calendar apps keep the local time across daylight saving changes."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def booking_calendar(booking, *, services) -> bytes:
    tz = ZoneInfo(settings.TIME_ZONE)
    location = booking.location
    names = ", ".join(s.service.name for s in services)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PLATFORM_NAME}//Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.calendar_uid or booking.uuid}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}")
    event.add("dtstamp", timezone.now())
    event.add("sequence", booking.calendar_sequence)
    event.add("dtstart", booking.starts_at.astimezone(tz))
    event.add("dtend", booking.ends_at.astimezone(tz))
    event.add("summary", _("Termin: %(services)s") % {"services": names})
    event.add("location", f"{location.name}, {location.street}, {location.postal_code} {location.city}")
    lines = [_("Buchungsnummer: %(code)s") % {"code": booking.code}]
    for s in services:
        if s.service.what_to_bring:
            lines.append(_("Bitte mitbringen für %(service)s:") % {"service": s.service.name})
            lines.append(s.service.what_to_bring)
    event.add("description", "\n".join(lines))
    if location.latitude is not None and location.longitude is not None:
        event.add("geo", (float(location.latitude), float(location.longitude)))
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    # Only the years around the appointment: a short VTIMEZONE that still carries the
    # DST rules calendar apps need.
    local_start = booking.starts_at.astimezone(tz)
    calendar.add_missing_timezones(first_date=date(local_start.year - 1, 1, 1),
                                   last_date=date(local_start.year + 2, 1, 1))
    return calendar.to_ical()

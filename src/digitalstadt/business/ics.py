"""An event date as an iCalendar file (RFC 5545): UID stable per registration, DTSTAMP,
DTSTART/DTEND in UTC (no VTIMEZONE needed), lines folded at 75 octets and text
escaped by the `icalendar` package."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_date_calendar(*, event_date, uid: str, description: str = "", url: str = "",
                        cancelled: bool = False) -> bytes:
    series = event_date.series
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PLATFORM_NAME}//Weiterbildung//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{uid}@{_host()}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", event_date.starts_at.astimezone(UTC))
    event.add("dtend", event_date.ends_at.astimezone(UTC))
    event.add("summary", series.title)
    event.add("organizer", f"mailto:{series.organiser.email}" if series.organiser.email else "mailto:noreply@"
              + _host(), parameters={"cn": series.organiser.name})
    venue = event_date.venue
    if venue is not None:
        event.add("location", f"{venue.name}, {venue.street}, {venue.postal_code} {venue.city}")
    elif event_date.room_provider:
        event.add("location", "Online")
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancelled or event_date.is_cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def registration_calendar(registration) -> bytes:
    from django.utils.translation import gettext as _

    from digitalstadt.core.urls_helpers import absolute_url

    return event_date_calendar(
        event_date=registration.event_date, uid=f"business-registration-{registration.pk}",
        description=_("Ihre Anmeldung: %(name)s") % {"name": registration.name} + "\n" + registration.event_date
        .series.summary, url=absolute_url("business:my-registrations"),
        cancelled=registration.status not in ("confirmed", "pending_payment", "offered"))

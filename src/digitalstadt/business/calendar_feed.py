"""Event dates as iCalendar (RFC 5545, built with the `icalendar` library: UID, DTSTAMP,
DTSTART/DTEND in UTC, line folding and escaping) and as schema.org Event JSON-LD."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from digitalstadt.core.money import cents_to_decimal

from .event_selectors import free_seats
from .types import EventFormat


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def date_url(event_date) -> str:
    return reverse("business:date", kwargs={"series": event_date.series.slug, "pk": event_date.pk})


def venue_text(venue) -> str:
    if venue is None:
        return ""
    parts = [venue.name, venue.room, venue.street, f"{venue.postal_code} {venue.city}".strip()]
    return ", ".join(p for p in parts if p)


def dates_calendar(dates, *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PLATFORM_NAME}//Weiterbildung//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC)
    for d in dates:
        series = d.series
        event = Event()
        event.add("uid", f"business-date-{d.pk}@{_host()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.starts_at.astimezone(UTC))
        event.add("dtend", d.ends_at.astimezone(UTC))
        event.add("summary", series.title)
        event.add("description", "\n\n".join(p for p in (series.summary, series.description) if p))
        url = absolute(date_url(d))
        event.add("url", url)
        if series.format == EventFormat.WEBINAR:
            event.add("location", "Online")
        elif d.venue is not None:
            event.add("location", venue_text(d.venue))
        event.add("status", "CANCELLED" if d.is_cancelled else "CONFIRMED")
        event.add("organizer", f"mailto:{series.organiser.email or 'noreply@' + _host()}",
                  parameters={"CN": series.organiser.name})
        calendar.add_component(event)
    return calendar.to_ical()


ATTENDANCE = {EventFormat.WEBINAR: "https://schema.org/OnlineEventAttendanceMode",
              EventFormat.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
              EventFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode"}


def _place(venue) -> dict:
    place = {"@type": "Place", "name": venue.name,
             "address": {"@type": "PostalAddress", "streetAddress": venue.street, "postalCode": venue.postal_code,
                         "addressLocality": venue.city, "addressCountry": "DE"}}
    if venue.latitude is not None and venue.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": float(venue.latitude),
                        "longitude": float(venue.longitude)}
    return place


def date_jsonld(event_date) -> dict:
    """schema.org Event for one date. The VirtualLocation is the date's public page,
    never the room link (that is released to registered people only)."""
    series = event_date.series
    page = absolute(date_url(event_date))
    locations = []
    if series.format in (EventFormat.IN_PERSON, EventFormat.HYBRID) and event_date.venue is not None:
        locations.append(_place(event_date.venue))
    if series.format in (EventFormat.WEBINAR, EventFormat.HYBRID):
        locations.append({"@type": "VirtualLocation", "url": page})
    available = free_seats(event_date=event_date) > 0 and not event_date.is_cancelled
    organiser = {"@type": "Organization", "name": series.organiser.name}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": series.title,
        "description": series.summary,
        "startDate": event_date.starts_at.isoformat(),
        "endDate": event_date.ends_at.isoformat(),
        "eventAttendanceMode": ATTENDANCE[series.format],
        "eventStatus": "https://schema.org/EventCancelled" if event_date.is_cancelled
        else "https://schema.org/EventScheduled",
        "location": locations[0] if len(locations) == 1 else locations,
        "offers": {"@type": "Offer", "price": str(cents_to_decimal(series.price_cents)), "priceCurrency": "EUR",
                   "availability": "https://schema.org/InStock" if available else "https://schema.org/SoldOut",
                   "url": page},
        "organizer": organiser,
        "inLanguage": series.language,
        "url": page,
    }
    if event_date.registration_closes_at:
        data["offers"]["validThrough"] = event_date.registration_closes_at.isoformat()
    return data


def series_jsonld(series, dates) -> list[dict] | dict:
    """A series page lists its dates: one Event per date (a search engine wants dates)."""
    events = [date_jsonld(d) for d in dates]
    return events

from datetime import date, time

from digitalstadt.accounts.models import Organisation, OrganisationKind
from digitalstadt.appointments.models import Counter, HoursKind, Location, LocationService, OpeningHours
from digitalstadt.catalog.models import Service


def make_location(*, slug="buergerbuero", counters=2, slot_minutes=10, hours=((time(8), time(12)),),
                  weekdays=range(0, 5), **kwargs) -> Location:
    office, _ = Organisation.objects.get_or_create(slug="amt", defaults={"name": "Amt", "kind": OrganisationKind.OFFICE})
    location = Location.objects.create(office=office, slug=slug, name_de=f"Bürgerbüro {slug}", street="Luisenplatz 5",
                                       postal_code="64283", slot_minutes=slot_minutes, **kwargs)
    for i in range(counters):
        Counter.objects.create(location=location, name=f"Schalter {i + 1}")
    for weekday in weekdays:
        for opens, closes in hours:
            OpeningHours.objects.create(location=location, kind=HoursKind.APPOINTMENTS, weekday=weekday, opens=opens,
                                        closes=closes, counters=counters, valid_from=date(2020, 1, 1))
    return location


def make_service(slug="personalausweis", name="Personalausweis beantragen", synonyms="Perso\nAusweis") -> Service:
    service, _ = Service.objects.get_or_create(slug=slug, defaults={"name_de": name, "synonyms": synonyms})
    return service


def offer(location, service, minutes=20, max_persons=4):
    return LocationService.objects.create(location=location, service=service, duration_minutes=minutes,
                                          max_persons=max_persons)


def confirmed_booking_ahead(*, days_ahead: int, email: str, counters: int = 1, minutes: int = 20,
                            **location_kwargs):
    """A location with slots for three weeks and one confirmed booking `days_ahead` days
    or more ahead. Returns (location, service, booking)."""
    from datetime import timedelta

    from django.utils import timezone

    from digitalstadt.appointments.schedule import generate_slots
    from digitalstadt.appointments.selectors import free_starts, need_at
    from digitalstadt.appointments.services import booking_confirm, booking_hold, booking_submit_details

    location = make_location(counters=counters, **location_kwargs)
    service = make_service()
    offer(location, service, minutes=minutes)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=21))
    start = free_starts(need_at(location, [(service.pk, 1)]), limit=1,
                        after=timezone.now() + timedelta(days=days_ahead))[0]
    booking, hold_token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    booking, _token = booking_submit_details(booking=booking, hold_token=hold_token, name="Berta", email=email)
    return location, service, booking_confirm(booking=booking)


def spaced_free_starts(location, service, count: int, *, gap_minutes: int = 30, persons: int = 1) -> list:
    """`count` free starts at least `gap_minutes` apart, the earliest first: they hold
    on any day and at any hour (the next start of the same day may already be past
    closing time)."""
    from datetime import timedelta

    from digitalstadt.appointments.selectors import free_starts, need_at

    starts = []
    for start in free_starts(need_at(location, [(service.pk, persons)]), limit=500):
        if not starts or start >= starts[-1] + timedelta(minutes=gap_minutes):
            starts.append(start)
            if len(starts) == count:
                return starts
    raise AssertionError(f"fewer than {count} free starts {gap_minutes} minutes apart")


def start_followed_by(location, service, *, minutes: int, persons: int = 1):
    """The earliest free start `s` at which `s + minutes` is a free start too (both on
    the same opening stretch)."""
    from datetime import timedelta

    from digitalstadt.appointments.selectors import free_starts, need_at

    starts = free_starts(need_at(location, [(service.pk, persons)]), limit=500)
    free = set(starts)
    return next(s for s in starts if s + timedelta(minutes=minutes) in free)

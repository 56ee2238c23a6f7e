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

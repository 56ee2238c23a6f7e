"""Darmstadt demo data for appointments (called by `manage.py seed_demo`).

Facts from shared/data/darmstadt.md: the Bürger- und Ordnungsamt in the Luisencenter
(Luisenplatz 5, opened 28.02.2022, appointments Wed and Fri from 07:00, Tue until
18:00, Thu until 18:30), the Meldestellen Arheilgen (one staff member), Eberstadt
(Haus der Vereine, Oberstraße 16) and Wixhausen, and the Fundbüro (Luisencenter, room
3.01). Durations, counters, the Saturday hours and coordinates marked "est." are demo
data, not facts.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.services import office_ensure
from digitalstadt.catalog.services import service_ensure

from .models import Booking, Counter, HoursKind, Location, LocationService, OpeningHours
from .schedule import ensure_slots

SERVICES = [
    # slug, name_de, name_en, synonyms, what to bring (de), minutes
    ("personalausweis", "Personalausweis beantragen", "Apply for an identity card",
     "Perso\nAusweis\nID-Karte\nPersonalausweis verloren", "Bisheriger Ausweis, ein biometrisches Passfoto, Gebühr (Karte oder bar)", 20),
    ("reisepass", "Reisepass beantragen", "Apply for a passport", "Pass\nReisepass abgelaufen",
     "Bisheriger Pass oder Personalausweis, ein biometrisches Passfoto", 20),
    ("vorlaeufiger-ausweis", "Vorläufigen Personalausweis beantragen", "Apply for a temporary identity card",
     "Ersatzausweis\nvorläufiger Ausweis", "Ein biometrisches Passfoto, bisheriges Ausweisdokument", 10),
    ("nebenwohnung", "Anmeldung einer Nebenwohnung", "Register a secondary residence",
     "Zweitwohnsitz\nNebenwohnsitz", "Personalausweis, Wohnungsgeberbestätigung", 10),
    ("fuehrungszeugnis", "Führungszeugnis beantragen", "Apply for a certificate of good conduct",
     "polizeiliches Führungszeugnis\nFuehrungszeugnis", "Personalausweis oder Reisepass", 10),
    ("meldebescheinigung-vor-ort", "Meldebescheinigung vor Ort", "Certificate of registration at the office",
     "Meldebestätigung\nWohnsitzbescheinigung", "Personalausweis oder Reisepass", 10),
    ("fundsachen", "Fundsache abholen", "Collect lost property", "Fundbüro\nverloren\ngefunden",
     "Ausweis und eine Beschreibung der Fundsache", 10),
    ("anschrift-ausweis", "Neue Anschrift im Ausweis eintragen", "Put the new address on your identity card",
     "Adressaufkleber\nAdressänderung im Ausweis", "Personalausweis und Reisepass (falls vorhanden)",
     10),
    # Texts, fees and search words of these come from the catalogue's data file.
    ("ummeldung", "Wohnsitz anmelden oder ummelden", "Register or change your address", "", "", 15),
    ("abmeldung-wohnsitz", "Wohnsitz abmelden (Wegzug ins Ausland)", "Deregister your address (moving abroad)",
     "", "", 10),
    ("kinderreisepass", "Kinderreisepass (Reisedokument für Kinder)",
     "Children's passport (travel document for children)", "", "", 20),
    ("ausweis-verloren", "Verlust des Personalausweises oder Reisepasses melden",
     "Report a lost identity card or passport", "", "", 10),
    ("beglaubigung", "Amtliche Beglaubigung von Kopien und Unterschriften",
     "Official certification of copies and signatures", "", "", 10),
    ("melderegisterauskunft", "Melderegisterauskunft", "Information from the population register", "", "", 10),
    ("uebermittlungssperre", "Übermittlungssperre und Auskunftssperre", "Blocking the disclosure of your data",
     "", "", 10),
    ("online-ausweis-pin", "PIN des Online-Ausweises neu setzen", "Reset the PIN of your online ID", "", "", 10),
    ("lebensbescheinigung", "Lebensbescheinigung", "Life certificate", "", "", 10),
]
# Offered at the Luisencenter only (added to existing demo data too).
MAIN_ONLY = ["abmeldung-wohnsitz", "kinderreisepass", "ausweis-verloren", "beglaubigung", "melderegisterauskunft",
             "uebermittlungssperre", "online-ausweis-pin", "lebensbescheinigung"]

ENGLISH = {
    "Personalausweis und Reisepass (falls vorhanden)": "Identity card and passport (if you have one)",
    "Bisheriger Ausweis, ein biometrisches Passfoto, Gebühr (Karte oder bar)":
        "Your current ID card, one biometric passport photo, the fee (card or cash)",
    "Bisheriger Pass oder Personalausweis, ein biometrisches Passfoto":
        "Your current passport or ID card, one biometric passport photo",
    "Ein biometrisches Passfoto, bisheriges Ausweisdokument": "One biometric passport photo, your current ID document",
    "Personalausweis, Wohnungsgeberbestätigung": "ID card, landlord's confirmation (Wohnungsgeberbestätigung)",
    "Personalausweis oder Reisepass": "ID card or passport",
    "Ausweis und eine Beschreibung der Fundsache": "ID and a description of the lost item",
    "2.–5. Obergeschoss (Nordteil). Zugang über Glastreppe und Außenaufzug vom Luisenplatz, Treppen von der "
    "Luisenstraße oder Rolltreppe im Center.":
        "2nd–5th floor (north part). Access via the glass staircase and the outdoor lift from Luisenplatz, stairs "
        "from Luisenstraße or the escalator inside the centre.",
    "Erdgeschoss.": "Ground floor.",
    "Vorübergehend im Haus der Vereine, solange das Rathaus renoviert wird.":
        "Temporarily in the Haus der Vereine while the town hall is being renovated.",
    "Im Luisencenter, Aufzug vorhanden.": "In the Luisencenter, lift available.",
}

WEEK_MAIN = [  # Bürger- und Ordnungsamt: 39 h/week per the city; Saturday is demo data
    (0, time(8), time(16)), (1, time(8), time(18)), (2, time(7), time(12, 30)),
    (3, time(8), time(18, 30)), (4, time(7), time(12, 30)), (5, time(9), time(13)),
]
WEEK_SMALL = [(0, time(8), time(12)), (1, time(13), time(18)), (3, time(8), time(12)), (4, time(8), time(12))]

LOCATIONS = [
    # slug, name, street, plz, lat, lon, counters, hours, services, accessibility
    ("buergeramt-luisencenter", "Bürger- und Ordnungsamt (Luisencenter)", "Luisenplatz 5", "64283", "49.872000",
     "8.651500", 8, WEEK_MAIN,
     ["personalausweis", "reisepass", "vorlaeufiger-ausweis", "nebenwohnung", "fuehrungszeugnis",
      "meldebescheinigung-vor-ort", "ummeldung", "anschrift-ausweis", *MAIN_ONLY],
     "2.–5. Obergeschoss (Nordteil). Zugang über Glastreppe und Außenaufzug vom Luisenplatz, Treppen von der "
     "Luisenstraße oder Rolltreppe im Center."),
    ("meldestelle-arheilgen", "Meldestelle Arheilgen", "Bezirksverwaltung Arheilgen, Erdgeschoss", "64291",
     "49.910800", "8.657200", 1, WEEK_SMALL,
     ["personalausweis", "reisepass", "fuehrungszeugnis", "meldebescheinigung-vor-ort", "nebenwohnung", "ummeldung",
      "anschrift-ausweis"],
     "Erdgeschoss."),
    ("meldestelle-eberstadt", "Bezirksverwaltung und Meldestelle Eberstadt", "Oberstraße 16 (Haus der Vereine)",
     "64297", "49.818900", "8.645000", 2, WEEK_SMALL, ["personalausweis", "reisepass", "nebenwohnung", "ummeldung"],
     "Vorübergehend im Haus der Vereine, solange das Rathaus renoviert wird."),
    ("meldestelle-wixhausen", "Bezirksverwaltung Wixhausen (Meldestelle)", "Bezirksverwaltung Wixhausen", "64291",
     "49.931100", "8.649700", 1, [(1, time(8), time(12)), (3, time(14), time(18))], ["nebenwohnung", "ummeldung"], ""),
    ("fundbuero", "Fundbüro", "Luisenplatz 5, 3. Obergeschoss, Raum 3.01", "64283", "49.872000", "8.651500", 1,
     [(0, time(8), time(15, 30)), (1, time(8), time(18)), (2, time(7), time(12, 30)), (3, time(8), time(16)),
      (4, time(7), time(12, 30))], ["fundsachen"], "Im Luisencenter, Aufzug vorhanden."),
]


def seed(stdout=None) -> None:
    with transaction.atomic():
        office = office_ensure(slug="buergeramt", name="Bürger- und Ordnungsamt")
        services = {}
        for slug, name_de, name_en, synonyms, bring, minutes in SERVICES:
            services[slug] = service_ensure(slug=slug, defaults={
                "name_de": name_de, "name_en": name_en, "synonyms": synonyms, "what_to_bring_de": bring,
                "what_to_bring_en": ENGLISH.get(bring, "")})
        for slug, name, street, plz, lat, lon, counters, week, offered, access in LOCATIONS:
            location, created = Location.objects.get_or_create(slug=slug, defaults={
                "office": office, "name_de": name, "street": street, "postal_code": plz, "latitude": lat,
                "longitude": lon, "accessibility_de": access, "accessibility_en": ENGLISH.get(access, ""),
                "phone": "115"})
            if created:
                for i in range(counters):
                    Counter.objects.create(location=location, name=f"Schalter {i + 1}")
                for weekday, opens, closes in week:
                    OpeningHours.objects.create(location=location, kind=HoursKind.APPOINTMENTS, weekday=weekday,
                                                opens=opens, closes=closes, counters=counters,
                                                valid_from=date(2024, 1, 1))
                    OpeningHours.objects.create(location=location, kind=HoursKind.WALK_IN, weekday=weekday,
                                                opens=opens, closes=closes, counters=1, valid_from=date(2024, 1, 1))
            for service_slug in offered:
                minutes = next(m for s, *_rest, m in SERVICES if s == service_slug)
                LocationService.objects.get_or_create(location=location, service=services[service_slug],
                                                      defaults={"duration_minutes": minutes})
            ensure_slots(location=location)
            _book_some(location, created)
    if stdout:
        stdout.write("Appointments demo data ready.")


def _book_some(location: Location, created: bool, share: float = 0.4) -> None:
    """Take about 40 % of the next two weeks' capacity with demo bookings (once)."""
    if not created:
        return
    from django.db.models import F

    from .models import BookingService, BookingSlot, BookingStatus, Slot
    from .services import CODE_ALPHABET

    rng = random.Random(location.slug)
    existing_codes = set(Booking.objects.values_list("code", flat=True))

    def new_code():
        while True:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
            if code not in existing_codes:
                existing_codes.add(code)
                return code

    now = timezone.now()
    step = timedelta(minutes=location.slot_minutes)
    slots = list(Slot.objects.filter(location=location, starts_at__gt=now + timedelta(hours=2),
                                     starts_at__lt=now + timedelta(days=14)).order_by("starts_at"))
    by_start = {s.starts_at: s for s in slots}
    used = {s.pk: 0 for s in slots}
    offers = list(location.offered_services.all())
    plans = []
    for slot in slots:
        for _ in range(slot.capacity):
            if rng.random() >= share:
                continue
            offer = rng.choice(offers)
            units = [by_start.get(slot.starts_at + i * step) for i in range(offer.duration_minutes // location.slot_minutes)]
            if any(u is None or used[u.pk] >= u.capacity for u in units):
                continue
            for u in units:
                used[u.pk] += 1
            plans.append((slot.starts_at, offer, units))
    bookings = Booking.objects.bulk_create([
        Booking(code=new_code(), location=location, starts_at=start, ends_at=start + timedelta(minutes=offer.duration_minutes),
                status=BookingStatus.CONFIRMED, name="Demo Person", confirmed_at=now,
                email=f"demo+{rng.randrange(10**6)}@digitalstadt.example")
        for start, offer, _units in plans])
    BookingService.objects.bulk_create([BookingService(booking=b, service_id=offer.service_id, persons=1,
                                                       duration_minutes=offer.duration_minutes)
                                        for b, (_s, offer, _u) in zip(bookings, plans)])
    BookingSlot.objects.bulk_create([BookingSlot(booking=b, slot=u) for b, (_s, _o, units) in zip(bookings, plans)
                                     for u in units])
    by_count: dict[int, list[int]] = {}
    for slot_id, count in used.items():
        if count:
            by_count.setdefault(count, []).append(slot_id)
    for count, ids in by_count.items():
        Slot.objects.filter(pk__in=ids).update(booked=F("booked") + count)

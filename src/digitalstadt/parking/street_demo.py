"""Street-parking zones of Darmstadt (from shared/data/darmstadt.md "On-street parking",
from 15.08.2021): Zone I EUR 1.00, II EUR 0.75, III EUR 0.50 per 30 minutes; Zone IV
Mathildenhöhe EUR 5 per 30 minutes east of Pützerstraße and EUR 1 west of it, 24/7,
at most 2 hours. Resident zones WA1/WA2 (Martinsviertel): Mon-Sat 8-22, at most 2 h,
permit holders park free. The charged hours of zones I-III (Mon-Sat 8-20), the
Brötchentaste of zone II (15 minutes) and the prices of the resident zones are demo
values (is_demo). Idempotent; the register's demo zones are made first."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import StreetTariff, StreetTariffPeriod, StreetZone

SOURCE = "shared/data/darmstadt.md (S54, S24, S55)"
FROM = dt.date(2021, 8, 15)
MON_SAT = range(6)
EVERY_DAY = range(7)

# code, name, area, price per 30 min, days, from h, to h, max stay, free minutes, resident zone, demo
ZONES = [
    ("I", "Innenstadt", "Stadtmitte", 100, MON_SAT, 8, 20, None, 0, None, True),
    ("II", "Innenstadtrand", "um die Stadtmitte", 75, MON_SAT, 8, 20, None, 15, None, True),
    ("III", "Außenbereiche", "übrige bewirtschaftete Straßen", 50, MON_SAT, 8, 20, None, 0, None, True),
    ("IV-O", "Mathildenhöhe Ost", "östlich der Pützerstraße", 500, EVERY_DAY, 0, 24, 120, 0, "MA", False),
    ("IV-W", "Mathildenhöhe West", "westlich der Pützerstraße", 100, EVERY_DAY, 0, 24, 120, 0, "MA", False),
    ("WA1", "Martinsviertel-Ost", "Bewohnerparkzone WA1", 50, MON_SAT, 8, 22, 120, 0, "WA1", True),
    ("WA2", "Martinsviertel-West", "Bewohnerparkzone WA2", 50, MON_SAT, 8, 22, 120, 0, "WA2", True),
]


def seed(*, stdout=None) -> None:
    # the register's zone model, through our foreign key (apps meet through public APIs)
    ParkingZone = StreetZone._meta.get_field("resident_zone").related_model

    with transaction.atomic():
        for code, name, area, price, days, start, end, max_stay, free, resident, demo in ZONES:
            zone, _ = StreetZone.objects.get_or_create(code=code, defaults={
                "name_de": name, "description": area, "is_demo": demo,
                "resident_zone": ParkingZone.objects.filter(code=resident).first() if resident else None})
            if zone.tariffs.exists():
                continue
            tariff = StreetTariff.objects.create(zone=zone, valid_from=FROM, max_stay_minutes=max_stay,
                                                 free_minutes=free, source=SOURCE)
            StreetTariffPeriod.objects.bulk_create([
                StreetTariffPeriod(tariff=tariff, weekday=day, start_minute=start * 60, end_minute=end * 60,
                                   price_cents=price, unit_minutes=30) for day in days])
    if stdout:
        stdout.write(f"Street parking demo data ready: {StreetZone.objects.count()} zones.")
